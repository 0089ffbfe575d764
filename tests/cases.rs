//! Behaviour as data: each case is a policy, a request and the answer a browser must get, and
//! runs through every mount of that policy: a `#[cors]` handler mounted with `with_cors!`, a
//! `#[cors_policy]` group given to `CorsRouter::layer`, and the same policy built at run time
//! with `Policy::builder` (from the named policy's `Spec`, field by field). A case that is true
//! of one mount and not of another fails with the mount's name.
//!
//! What only one mount can express (handler precedence, a route's own `.options`, groups
//! nested in groups, extractors, panics) stays in the files of that feature.

mod common;

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, Request, StatusCode},
    response::IntoResponse,
    routing::any,
};
use common::{send_request, Hits, Reply, APP};
use cors_runtime::{
    cors, cors_policy, with_cors, CorsLayer, CorsRouter, NamedPolicy, Names, Origins, Policy, Spec,
};

// --- The policies: each declared once ---------------------------------------------------------
// `methods` is always listed: a handler's default is the methods it is mounted under, a
// named policy's is GET, HEAD, POST, and the cases must mean the same for every mount.

#[cors_policy(
    origins = ["https://app.example.com", "https://*.example.org"],
    methods = [GET, PUT, DELETE],
    headers = ["authorization", "content-type"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600
)]
struct Strict;

#[cors_policy(origins = "*", methods = [GET, POST], private_network, preflight_status = 200, expose = "*")]
struct Public;

#[cors_policy(origins = ["https://app.example.com"], methods = "*", headers = "*", credentials)]
struct Echo;

#[cors_policy(origins = ["null", "https://app.example.com"], methods = [GET, POST], allow_null_origin)]
struct Sandboxed;

#[cors_policy(origins = ["https://app.example.com"], methods = [GET, POST, PUT], enforce)]
struct Enforced;

async fn reply(hits: &Hits) -> impl IntoResponse {
    hits.hit();
    (
        [("x-request-id", "42"), ("x-internal", "secret")],
        "handled",
    )
}

#[cors(policy = Strict)]
async fn strict(State(hits): State<Hits>) -> impl IntoResponse {
    reply(&hits).await
}

#[cors(policy = Public)]
async fn public(State(hits): State<Hits>) -> impl IntoResponse {
    reply(&hits).await
}

#[cors(policy = Echo)]
async fn echo(State(hits): State<Hits>) -> impl IntoResponse {
    reply(&hits).await
}

#[cors(policy = Sandboxed)]
async fn sandboxed(State(hits): State<Hits>) -> impl IntoResponse {
    reply(&hits).await
}

#[cors(policy = Enforced)]
async fn enforced(State(hits): State<Hits>) -> impl IntoResponse {
    reply(&hits).await
}

async fn plain(State(hits): State<Hits>) -> impl IntoResponse {
    reply(&hits).await
}

/// The policy `spec` describes, built with `Policy::builder`, one call per field.
fn built(spec: &Spec) -> Policy {
    let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let mut builder = Policy::builder(format!("{} (built)", spec.name));
    builder = match spec.origins {
        Origins::Any => builder.any_origin(),
        Origins::List(origins) => builder.origins(list(origins)),
        other => panic!("no builder form for {other:?} in these cases"),
    };
    builder = match spec.methods {
        Names::Any => builder.any_method(),
        Names::List(methods) => builder.methods(list(methods)),
        _ => builder,
    };
    builder = match spec.headers {
        Names::Any => builder.any_header(),
        Names::List(headers) => builder.headers(list(headers)),
        _ => builder,
    };
    builder = match spec.expose {
        Names::Any => builder.expose_any(),
        Names::List(expose) => builder.expose(list(expose)),
        _ => builder,
    };
    if let Some(age) = spec.max_age {
        builder = builder.max_age(age.into());
    }
    builder
        .credentials(spec.credentials)
        .private_network(spec.private_network)
        .allow_null_origin(spec.allow_null_origin)
        .preflight_status(spec.preflight_status)
        .enforce(spec.enforce)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every mount of `P`, serving `/r` for GET, HEAD, POST, PUT, DELETE and PATCH.
fn mounts<P: NamedPolicy>(
    handler: CorsRouter<Hits>,
    group: CorsLayer,
) -> [(&'static str, CorsRouter<Hits>); 3] {
    let route = || CorsRouter::new().route("/r", any(plain));
    [
        ("handler", handler),
        ("group", route().layer(group)),
        ("runtime", route().layer(CorsLayer::from(built(&P::SPEC)))),
    ]
}

#[derive(Clone, Copy, Debug)]
enum Named {
    Strict,
    Public,
    Echo,
    Sandboxed,
    Enforced,
}

impl Named {
    fn mounts(self) -> [(&'static str, CorsRouter<Hits>); 3] {
        macro_rules! every {
            ($policy:ident, $handler:ident) => {
                mounts::<$policy>(
                    CorsRouter::new().route(
                        "/r",
                        with_cors!(get($handler)
                            .post($handler)
                            .put($handler)
                            .delete($handler)
                            .patch($handler)),
                    ),
                    $policy::layer(),
                )
            };
        }
        match self {
            Named::Strict => every!(Strict, strict),
            Named::Public => every!(Public, public),
            Named::Echo => every!(Echo, echo),
            Named::Sandboxed => every!(Sandboxed, sandboxed),
            Named::Enforced => every!(Enforced, enforced),
        }
    }
}

// --- The cases -------------------------------------------------------------------------------

/// A request: method and headers (`/r` is the path).
struct Send {
    method: &'static str,
    /// `U+FFFD` in a value stands for a raw byte `0xff` (not UTF-8).
    headers: Vec<(&'static str, String)>,
}

/// What must come back. `None` in `headers` means "absent".
struct Expect {
    status: u16,
    headers: &'static [(&'static str, Option<&'static str>)],
    /// Tokens `Vary` must name.
    vary: &'static [&'static str],
    /// Whether the handler ran.
    ran: bool,
}

struct Case {
    name: &'static str,
    policy: Named,
    send: Send,
    expect: Expect,
}

const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const ACMA: &str = "access-control-max-age";
const ACEH: &str = "access-control-expose-headers";
const ACAPN: &str = "access-control-allow-private-network";
const PREFLIGHT_VARY: &[&str] = &[
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
];

macro_rules! send {
    ($method:literal $(, $name:literal => $value:expr)* $(,)?) => {
        Send { method: $method, headers: vec![$(($name, String::from($value))),*] }
    };
}

macro_rules! preflight {
    ($origin:expr, $method:literal $(, $name:literal => $value:literal)* $(,)?) => {
        send!("OPTIONS", "origin" => $origin, "access-control-request-method" => $method $(, $name => $value)*)
    };
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        // Preflights.
        Case {
            name: "allowed preflight: 204, the requested method, the listed headers, credentials, max-age",
            policy: Named::Strict,
            send: preflight!("https://app.example.com", "PUT", "access-control-request-headers" => "content-type,authorization"),
            expect: Expect {
                status: 204,
                headers: &[
                    (ACAO, Some(APP)),
                    (ACAM, Some("PUT")),
                    (ACAH, Some("authorization, content-type")),
                    (ACAC, Some("true")),
                    (ACMA, Some("600")),
                    (ACEH, None),
                ],
                vary: PREFLIGHT_VARY,
                ran: false,
            },
        },
        Case {
            name: "no requested headers: no Access-Control-Allow-Headers",
            policy: Named::Strict,
            send: preflight!("https://app.example.com", "DELETE"),
            expect: Expect { status: 204, headers: &[(ACAO, Some(APP)), (ACAM, Some("DELETE")), (ACAH, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "requested header names compare case-insensitively",
            policy: Named::Strict,
            send: preflight!("https://app.example.com", "PUT", "access-control-request-headers" => "Content-Type, AUTHORIZATION"),
            expect: Expect { status: 204, headers: &[(ACAO, Some(APP))], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "a subdomain of a wildcard pattern",
            policy: Named::Strict,
            send: preflight!("https://a.b.example.org", "GET"),
            expect: Expect { status: 204, headers: &[(ACAO, Some("https://a.b.example.org"))], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "refused origin: 403, no CORS headers, never the handler",
            policy: Named::Strict,
            send: preflight!("https://evil.example.net", "PUT"),
            expect: Expect { status: 403, headers: &[(ACAO, None), (ACAM, None), (ACAC, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "a method the policy does not list",
            policy: Named::Strict,
            send: preflight!("https://app.example.com", "PATCH"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "a request header the policy does not list",
            policy: Named::Strict,
            send: preflight!("https://app.example.com", "PUT", "access-control-request-headers" => "x-evil"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "variants of an allowed origin (trailing slash, case, default port, scheme)",
            policy: Named::Strict,
            send: preflight!("https://app.example.com/", "PUT"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "upper-case origin",
            policy: Named::Strict,
            send: preflight!("https://App.example.com", "PUT"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "explicit default port",
            policy: Named::Strict,
            send: preflight!("https://app.example.com:443", "PUT"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "a lookalike of a wildcard pattern",
            policy: Named::Strict,
            send: preflight!("https://example.org.evil.net", "GET"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "http never matches an https pattern",
            policy: Named::Strict,
            send: preflight!("http://a.example.org", "GET"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "null is refused without allow_null_origin",
            policy: Named::Strict,
            send: preflight!("null", "GET"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "null is allowed with allow_null_origin",
            policy: Named::Sandboxed,
            send: preflight!("null", "POST"),
            expect: Expect { status: 204, headers: &[(ACAO, Some("null"))], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "several Origin fields are refused",
            policy: Named::Strict,
            send: send!("OPTIONS", "origin" => "https://app.example.com", "origin" => "https://app.example.com", "access-control-request-method" => "PUT"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: &["origin"], ran: false },
        },
        Case {
            name: "several Access-Control-Request-Method fields are refused",
            policy: Named::Strict,
            send: send!("OPTIONS", "origin" => "https://app.example.com", "access-control-request-method" => "PUT", "access-control-request-method" => "GET"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: &["origin"], ran: false },
        },
        Case {
            name: "any origin without credentials: a literal star; preflight_status 200",
            policy: Named::Public,
            send: preflight!("https://anyone.example", "POST"),
            expect: Expect { status: 200, headers: &[(ACAO, Some("*")), (ACAC, None)], vary: &["access-control-request-method"], ran: false },
        },
        Case {
            name: "private network asked and allowed",
            policy: Named::Public,
            send: preflight!("https://anyone.example", "GET", "access-control-request-private-network" => "true"),
            expect: Expect { status: 200, headers: &[(ACAPN, Some("true"))], vary: &["access-control-request-private-network"], ran: false },
        },
        Case {
            name: "private network asked, not allowed: answered without the grant",
            policy: Named::Strict,
            send: preflight!("https://app.example.com", "GET", "access-control-request-private-network" => "true"),
            expect: Expect { status: 204, headers: &[(ACAO, Some(APP)), (ACAPN, None)], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "methods = \"*\" with credentials echoes the requested method",
            policy: Named::Echo,
            send: preflight!("https://app.example.com", "PATCH", "access-control-request-headers" => "x-custom,authorization"),
            expect: Expect { status: 204, headers: &[(ACAM, Some("PATCH")), (ACAH, Some("x-custom,authorization")), (ACAC, Some("true"))], vary: PREFLIGHT_VARY, ran: false },
        },
        Case {
            name: "an enforcing policy refuses a preflight like any other",
            policy: Named::Enforced,
            send: preflight!("https://evil.example.net", "POST"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: &["origin"], ran: false },
        },
        // Actual requests.
        Case {
            name: "allowed origin: Allow-Origin, credentials and exposed headers, Vary: Origin",
            policy: Named::Strict,
            send: send!("GET", "origin" => "https://app.example.com"),
            // Preflight-only headers never appear on actual responses.
            expect: Expect { status: 200, headers: &[(ACAO, Some(APP)), (ACAC, Some("true")), (ACEH, Some("x-request-id")), (ACAM, None), (ACMA, None), ("x-request-id", Some("42"))], vary: &["origin"], ran: true },
        },
        Case {
            name: "HEAD gets the headers of GET",
            policy: Named::Strict,
            send: send!("HEAD", "origin" => "https://app.example.com"),
            expect: Expect { status: 200, headers: &[(ACAO, Some(APP))], vary: &["origin"], ran: true },
        },
        Case {
            name: "refused origin: no CORS headers, but the request runs (CORS is not access control)",
            policy: Named::Strict,
            send: send!("PUT", "origin" => "https://evil.example.net"),
            expect: Expect { status: 200, headers: &[(ACAO, None), (ACAC, None), (ACEH, None)], vary: &["origin"], ran: true },
        },
        Case {
            name: "no Origin: no CORS headers, Vary: Origin",
            policy: Named::Strict,
            send: send!("GET"),
            expect: Expect { status: 200, headers: &[(ACAO, None)], vary: &["origin"], ran: true },
        },
        Case {
            name: "several Origin fields: no CORS headers",
            policy: Named::Strict,
            send: send!("GET", "origin" => "https://app.example.com", "origin" => "https://app.example.com"),
            expect: Expect { status: 200, headers: &[(ACAO, None)], vary: &["origin"], ran: true },
        },
        Case {
            name: "a non-UTF-8 origin: no CORS headers, no panic",
            policy: Named::Strict,
            send: send!("GET", "origin" => "https://app.example.com\u{fffd}"),
            expect: Expect { status: 200, headers: &[(ACAO, None)], vary: &["origin"], ran: true },
        },
        Case {
            name: "origins = \"*\": a star on every response, with or without Origin",
            policy: Named::Public,
            send: send!("GET"),
            expect: Expect { status: 200, headers: &[(ACAO, Some("*")), (ACEH, Some("*")), (ACAC, None)], vary: &[], ran: true },
        },
        Case {
            name: "enforce: a refused origin gets 403 and the handler never runs",
            policy: Named::Enforced,
            send: send!("POST", "origin" => "https://evil.example.net"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: &["origin", "sec-fetch-site"], ran: false },
        },
        Case {
            name: "enforce: the API's own page (Sec-Fetch-Site: same-origin) passes",
            policy: Named::Enforced,
            send: send!("POST", "origin" => "https://api.example.com", "sec-fetch-site" => "same-origin"),
            expect: Expect { status: 200, headers: &[(ACAO, None)], vary: &["origin"], ran: true },
        },
        Case {
            name: "enforce: a cross-site request without Origin (an <img>) gets 403",
            policy: Named::Enforced,
            send: send!("GET", "sec-fetch-site" => "cross-site", "sec-fetch-mode" => "no-cors", "sec-fetch-dest" => "image"),
            expect: Expect { status: 403, headers: &[(ACAO, None)], vary: &["sec-fetch-site"], ran: false },
        },
        Case {
            name: "enforce: a request without Origin nor Fetch Metadata (curl) passes",
            policy: Named::Enforced,
            send: send!("GET"),
            expect: Expect { status: 200, headers: &[(ACAO, None)], vary: &["origin"], ran: true },
        },
    ];
    // Every spelling of an allowed origin but the exact one, and lookalikes of a pattern:
    // refused, for the preflight and the actual request.
    let refused = [
        "https://app.example.com/",
        "https://APP.example.com",
        "HTTPS://app.example.com",
        "https://app.example.com:443",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://app.example.co",
        "https://app.example.com.evil.com",
        " https://app.example.com",
        "https://example.org",
        "https://evilexample.org",
        "https://a.evilexample.org",
        "https://example.org.evil.com",
        "https://a.example.org.evil.com",
        "http://a.example.org",
        "https://a.example.org:8443",
        "https://a.example.org:443",
        "https://a.example.org/",
        "https://.example.org",
        "https://a..example.org",
        "https://A.example.org",
        "wss://a.example.org",
        "null",
    ];
    for origin in refused {
        cases.push(Case {
            name: "a refused spelling or lookalike (preflight)",
            policy: Named::Strict,
            send: preflight!(origin, "GET"),
            expect: Expect {
                status: 403,
                headers: &[(ACAO, None), (ACAC, None)],
                vary: PREFLIGHT_VARY,
                ran: false,
            },
        });
        cases.push(Case {
            name: "a refused spelling or lookalike (actual request)",
            policy: Named::Strict,
            send: send!("GET", "origin" => origin),
            expect: Expect {
                status: 200,
                headers: &[(ACAO, None), (ACAC, None)],
                vary: &["origin"],
                ran: true,
            },
        });
    }
    for origin in [
        "https://a.example.org",
        "https://a.b.example.org",
        "https://x-1.example.org",
    ] {
        cases.push(Case {
            name: "a subdomain of the pattern, at any depth",
            policy: Named::Strict,
            send: preflight!(origin, "GET"),
            expect: Expect {
                status: 204,
                headers: &[(ACAC, Some("true"))],
                vary: PREFLIGHT_VARY,
                ran: false,
            },
        });
    }
    cases
}

fn request(send: &Send) -> Request<Body> {
    let mut request = Request::builder()
        .method(send.method)
        .uri("/r")
        .body(Body::empty())
        .unwrap();
    for (name, value) in &send.headers {
        let raw: Vec<u8> = value
            .chars()
            .flat_map(|c| match c {
                '\u{fffd}' => vec![0xff],
                c => c.to_string().into_bytes(),
            })
            .collect();
        let value = HeaderValue::from_bytes(&raw).unwrap();
        request
            .headers_mut()
            .append(header::HeaderName::from_static(name), value);
    }
    request
}

fn check(case: &Case, mount: &str, reply: &Reply, ran: bool) {
    let at = format!("{mount}: {}", case.name);
    assert_eq!(
        reply.status,
        StatusCode::from_u16(case.expect.status).unwrap(),
        "{at}: {reply:?}"
    );
    for (name, value) in case.expect.headers {
        assert_eq!(
            reply.header(name),
            *value,
            "{at}: `{name}` in {:?}",
            reply.headers
        );
    }
    let vary: Vec<String> = reply
        .headers
        .get_all(header::VARY)
        .iter()
        .flat_map(|v| {
            v.to_str()
                .unwrap()
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    for token in case.expect.vary {
        assert_eq!(
            vary.iter().filter(|t| t == token).count(),
            1,
            "{at}: `{token}` once in Vary {vary:?}"
        );
    }
    assert_eq!(ran, case.expect.ran, "{at}: the handler ran: {ran}");
}

#[tokio::test]
async fn every_case_through_every_mount() {
    let mut checked = 0;
    for case in cases() {
        for (mount, router) in case.policy.mounts() {
            let hits = Hits::default();
            let app = router.with_state(hits.clone());
            let reply = send_request(app, request(&case.send)).await;
            check(&case, mount, &reply, hits.count() > 0);
            checked += 1;
        }
    }
    assert_eq!(checked, cases().len() * 3);
}
