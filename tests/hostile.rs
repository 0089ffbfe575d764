//! Hostile requests, through real routers, for handler policies (`with_cors!`) and group
//! policies (`P::layer()`): nothing panics, nothing is allowed by accident, and every refusal is
//! the one the Fetch standard calls for.
//!
//! Bounds on the work per request (see SECURITY.md):
//! - `Origin`: at most 300 bytes are ever compared (longer values are refused after a length
//!   check, never echoed, never passed to a predicate); a scan (8 exact origins or fewer) or one
//!   hash-table lookup over the exact origins, plus one pass per wildcard pattern.
//! - `Access-Control-Request-Headers`: all fields together at most 4096 bytes (longer: refused
//!   before any name is parsed) and 128 items (empty items count; counted while they are
//!   checked, each looked up once in the policy's hash table of names).
//! - Repeated `Origin` / `Access-Control-Request-Method`: two fields are enough to refuse.

mod common;

use axum::{
    body::Body,
    extract::State,
    http::{Method, Request},
    routing::get,
};
use common::{actual, preflight, send, send_request, Hits, Reply, APP, EVIL};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};

/// The policy under test, as a group and as handler policies.
#[cors_policy(
    origins = ["https://app.example.com", "https://*.example.com"],
    credentials,
    methods = [GET, PUT],
    headers = ["content-type", "x-a"],
    expose = ["x-request-id"]
)]
struct Strict;

/// Any requested header is echoed: the bounds are observable without a name list.
#[cors_policy(origins = ["https://app.example.com"], methods = "*", headers = "*")]
struct Echo;

#[cors_policy(origins = "*")]
struct Public;

#[cors_policy(origins = ["null"], allow_null_origin)]
struct Sandboxed;

#[cors(policy = Strict)]
async fn strict_get(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "ok"
}

#[cors(policy = Strict)]
async fn strict_put(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "ok"
}

#[cors(policy = Echo)]
async fn echo(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "ok"
}

#[cors(policy = Public)]
async fn public(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "ok"
}

#[cors(origins = ["https://app.example.com"])]
async fn no_null(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "ok"
}

#[cors(policy = Sandboxed)]
async fn sandboxed(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "ok"
}

async fn plain(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "ok"
}

/// Every route, handler-mounted under `/h/...` and group-mounted under `/g/...`.
fn app(hits: &Hits) -> CorsRouter {
    let group = |layer: cors_runtime::CorsLayer| {
        CorsRouter::new()
            .route("/", get(plain).put(plain).post(plain))
            .layer(layer)
    };
    CorsRouter::new()
        .route("/h/strict", with_cors!(get(strict_get).put(strict_put)))
        .route("/h/echo", with_cors!(get(echo).post(echo)))
        .route("/h/public", with_cors!(get(public)))
        .route("/h/no-null", with_cors!(get(no_null)))
        .route("/h/null", with_cors!(get(sandboxed)))
        .nest("/g/strict", group(Strict::layer()))
        .nest("/g/echo", group(Echo::layer()))
        .nest("/g/public", group(Public::layer()))
        .nest("/g/null", group(Sandboxed::layer()))
        .with_state(hits.clone())
}

const STRICT: [&str; 2] = ["/h/strict", "/g/strict"];
const ECHO: [&str; 2] = ["/h/echo", "/g/echo"];
const PUBLIC: [&str; 2] = ["/h/public", "/g/public"];

fn bytes_request(method: Method, uri: &str, headers: &[(&str, &[u8])]) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

async fn send_bytes(hits: &Hits, method: Method, uri: &str, headers: &[(&str, &[u8])]) -> Reply {
    send_request(app(hits), bytes_request(method, uri, headers)).await
}

/// An actual response the browser will not let the page read: no CORS headers but `Vary`.
fn assert_not_allowed(reply: &Reply) {
    assert!(reply.status.is_success(), "{reply:?}");
    reply.assert_no_cors_headers();
}

/// An `origins = "*"` policy answers a literal `*` to every actual request, whatever its
/// `Origin` (the cache-safe answer: the Fetch standard's "CORS protocol and HTTP caches"); it
/// never echoes the request's value.
fn assert_public(reply: &Reply) {
    assert!(reply.status.is_success(), "{reply:?}");
    assert_eq!(reply.allow_origin(), Some("*"), "{reply:?}");
    assert!(!reply.vary().contains(&"origin".to_owned()), "{reply:?}");
}

// --- Origin: bytes, length, null, variants --------------------------------------------------

#[tokio::test]
async fn non_utf8_and_obs_text_origins_are_never_allowed() {
    let hits = Hits::default();
    let origins: [&[u8]; 5] = [
        b"https://app.example.com\xff",
        b"https://\xe4pp.example.com",
        b"https://a\x80.example.com",
        b"\xc3\xa9",
        b"https://app.example.com\t",
    ];
    for uri in STRICT.into_iter().chain(ECHO) {
        for origin in origins {
            let reply = send_bytes(&hits, Method::GET, uri, &[("origin", origin)]).await;
            assert_not_allowed(&reply);
            let reply = send_bytes(
                &hits,
                Method::OPTIONS,
                uri,
                &[
                    ("origin", origin),
                    ("access-control-request-method", b"GET"),
                ],
            )
            .await;
            reply.assert_rejected_preflight();
        }
    }
}

#[tokio::test]
async fn obs_text_in_request_method_and_headers_is_refused() {
    let hits = Hits::default();
    for uri in STRICT.into_iter().chain(ECHO) {
        let reply = send_bytes(
            &hits,
            Method::OPTIONS,
            uri,
            &[
                ("origin", APP.as_bytes()),
                ("access-control-request-method", b"GET\xff"),
            ],
        )
        .await;
        reply.assert_rejected_preflight();
        let reply = send_bytes(
            &hits,
            Method::OPTIONS,
            uri,
            &[
                ("origin", APP.as_bytes()),
                ("access-control-request-method", b"GET"),
                ("access-control-request-headers", b"x-a, x-\xe9"),
            ],
        )
        .await;
        reply.assert_rejected_preflight();
        assert!(reply.body_text().contains("malformed"), "{reply:?}");
    }
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn a_64_kib_origin_is_never_allowed_nor_echoed_and_a_star_policy_answers_star() {
    let hits = Hits::default();
    let huge = format!("https://{}.example.com", "a".repeat(64 * 1024));
    for uri in STRICT.into_iter().chain(ECHO).chain(PUBLIC) {
        let reply = send(app(&hits), actual("GET", uri, &huge)).await;
        if PUBLIC.contains(&uri) {
            assert_public(&reply);
        } else {
            assert_not_allowed(&reply);
        }
        let reply = send(app(&hits), preflight(uri, &huge, "GET")).await;
        reply.assert_rejected_preflight();
        assert!(reply.body.len() < 200);
    }
}

#[tokio::test]
async fn origin_length_bound_is_300_bytes() {
    // `https://` + labels + `.example.com` matches the wildcard pattern at any length up to
    // the bound; one byte more and it is refused without being examined.
    let hits = Hits::default();
    let at_bound = format!("https://{}.example.com", "a".repeat(300 - 8 - 12));
    let over = format!("https://{}.example.com", "a".repeat(301 - 8 - 12));
    assert_eq!((at_bound.len(), over.len()), (300, 301));
    for uri in STRICT {
        let reply = send(app(&hits), actual("GET", uri, &at_bound)).await;
        assert_eq!(reply.allow_origin(), Some(at_bound.as_str()), "{uri}");
        let reply = send(app(&hits), actual("GET", uri, &over)).await;
        assert_not_allowed(&reply);
    }
}

#[tokio::test]
async fn null_origin_is_refused_without_the_opt_in() {
    let hits = Hits::default();
    for uri in ["/h/no-null"].into_iter().chain(STRICT) {
        let reply = send(app(&hits), actual("GET", uri, "null")).await;
        assert_not_allowed(&reply);
        let reply = send(app(&hits), preflight(uri, "null", "GET")).await;
        reply.assert_rejected_preflight();
    }
    for uri in ["/h/null", "/g/null"] {
        let reply = send(app(&hits), actual("GET", uri, "null")).await;
        assert_eq!(reply.allow_origin(), Some("null"), "{uri}");
        reply.assert_vary_has(&["origin"]);
        // Only the exact lower-case literal.
        for variant in ["NULL", "Null", " null", "null ", "nul", "null\t"] {
            let reply = send(app(&hits), actual("GET", uri, variant)).await;
            assert_not_allowed(&reply);
        }
    }
}

#[tokio::test]
async fn scheme_case_port_and_trailing_dot_variants_of_allowed_origins_are_refused() {
    let hits = Hits::default();
    let variants = [
        "HTTPS://app.example.com",
        "Https://app.example.com",
        "https://APP.example.com",
        "https://app.EXAMPLE.com",
        "http://app.example.com",
        "wss://app.example.com",
        "https://app.example.com:443",
        "https://app.example.com:8443",
        "https://app.example.com:",
        "https://app.example.com.",
        "https://app.example.com/",
        "https://app.example.com/path",
        "https://user@app.example.com",
        "//app.example.com",
        "app.example.com",
        // Pattern `https://*.example.com`: the same for subdomains.
        "http://a.example.com",
        "https://A.example.com",
        "https://a.example.com.",
        "https://a.example.com:443",
        "https://a..example.com",
        "https://.example.com",
        "https://example.com",
        "https://a.example.com%60.evil.com",
        "https://a.example.com.evil.com",
        "https://evilexample.com",
        "https://a.evil-example.com",
        "https://a_b.example.com",
        "https://*.example.com",
    ];
    for uri in STRICT {
        for origin in variants {
            let reply = send(app(&hits), actual("GET", uri, origin)).await;
            assert!(
                reply.allow_origin().is_none(),
                "{uri}: {origin} allowed: {reply:?}"
            );
            let reply = send(app(&hits), preflight(uri, origin, "GET")).await;
            reply.assert_rejected_preflight();
        }
        // The genuine ones still pass.
        for origin in [APP, "https://a.example.com", "https://a-b.c.example.com"] {
            let reply = send(app(&hits), actual("GET", uri, origin)).await;
            assert_eq!(reply.allow_origin(), Some(origin), "{uri}");
        }
    }
}

// --- Repeated fields ------------------------------------------------------------------------

#[tokio::test]
async fn several_origin_headers_are_refused_even_when_each_is_allowed() {
    // Fetch: a request has one origin; a browser never sends two `Origin` fields. Refuse
    // rather than guess which one is meant.
    let hits = Hits::default();
    for uri in STRICT.into_iter().chain(ECHO).chain(PUBLIC) {
        for second in [APP, EVIL] {
            let reply = send(app(&hits), actual("GET", uri, APP).header("origin", second)).await;
            if PUBLIC.contains(&uri) {
                assert_public(&reply);
            } else {
                assert_not_allowed(&reply);
            }
            let reply = send(
                app(&hits),
                preflight(uri, APP, "GET").header("origin", second),
            )
            .await;
            reply.assert_rejected_preflight();
        }
    }
}

#[tokio::test]
async fn several_request_method_headers_are_refused() {
    let hits = Hits::default();
    for uri in STRICT.into_iter().chain(ECHO) {
        for second in ["GET", "PUT"] {
            let reply = send(
                app(&hits),
                preflight(uri, APP, "GET").header("access-control-request-method", second),
            )
            .await;
            reply.assert_rejected_preflight();
        }
    }
    assert_eq!(hits.count(), 0);
}

// --- Access-Control-Request-Headers ---------------------------------------------------------

#[tokio::test]
async fn a_request_headers_list_of_100000_commas_is_refused() {
    let hits = Hits::default();
    let commas = ",".repeat(100_000);
    for uri in STRICT.into_iter().chain(ECHO) {
        let reply = send(
            app(&hits),
            preflight(uri, APP, "GET").header("access-control-request-headers", &commas),
        )
        .await;
        reply.assert_rejected_preflight();
        assert!(reply.body_text().contains("too long"), "{reply:?}");
    }
}

#[tokio::test]
async fn empty_items_odd_spacing_and_case_are_accepted() {
    let hits = Hits::default();
    for value in [
        "x-a,,content-type",
        " , X-A ,\tContent-Type\t,",
        "CONTENT-TYPE",
        ",,,",
        "",
    ] {
        for uri in STRICT {
            let reply = send(
                app(&hits),
                preflight(uri, APP, "PUT").header("access-control-request-headers", value),
            )
            .await;
            assert_eq!(reply.status, 204, "{uri} {value:?}: {reply:?}");
            assert_eq!(reply.allow_origin(), Some(APP));
        }
    }
}

#[tokio::test]
async fn a_name_outside_the_list_or_a_malformed_item_is_refused() {
    let hits = Hits::default();
    for value in [
        "x-a, x-b",
        "x-a x-b",
        "x-a;",
        "x-a,\"q\"",
        "(x)",
        "x-a,{b}",
        "x-a/b",
        "x-a:",
    ] {
        for uri in STRICT {
            let request = bytes_request(
                Method::OPTIONS,
                uri,
                &[
                    ("origin", APP.as_bytes()),
                    ("access-control-request-method", b"PUT"),
                    ("access-control-request-headers", value.as_bytes()),
                ],
            );
            let reply = send_request(app(&hits), request).await;
            reply.assert_rejected_preflight();
        }
    }
}

#[tokio::test]
async fn very_long_header_names_are_refused_by_the_4096_byte_bound() {
    let hits = Hits::default();
    for uri in ECHO {
        // One name filling the bound is accepted (and echoed); one byte more is not.
        let at_bound = "x".repeat(4096);
        let reply = send(
            app(&hits),
            preflight(uri, APP, "GET").header("access-control-request-headers", &at_bound),
        )
        .await;
        assert_eq!(reply.status, 204, "{uri}");
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some(at_bound.as_str())
        );
        let over = "x".repeat(4097);
        let reply = send(
            app(&hits),
            preflight(uri, APP, "GET").header("access-control-request-headers", &over),
        )
        .await;
        reply.assert_rejected_preflight();
        assert!(reply.body_text().contains("too long"));
        // The bound covers all fields together.
        let half = "y".repeat(2100);
        let reply = send(
            app(&hits),
            preflight(uri, APP, "GET")
                .header("access-control-request-headers", &half)
                .header("access-control-request-headers", &half),
        )
        .await;
        reply.assert_rejected_preflight();
    }
}

#[tokio::test]
async fn the_item_bound_is_128() {
    let hits = Hits::default();
    for uri in STRICT {
        let at_bound = vec!["x-a"; 128].join(",");
        let reply = send(
            app(&hits),
            preflight(uri, APP, "GET").header("access-control-request-headers", &at_bound),
        )
        .await;
        assert_eq!(reply.status, 204, "{uri}");
        let over = vec!["x-a"; 129].join(",");
        let reply = send(
            app(&hits),
            preflight(uri, APP, "GET").header("access-control-request-headers", &over),
        )
        .await;
        reply.assert_rejected_preflight();
        // Empty items count: 129 items, 128 of them empty.
        let empties = ",".repeat(128);
        let reply = send(
            app(&hits),
            preflight(uri, APP, "GET").header("access-control-request-headers", &empties),
        )
        .await;
        reply.assert_rejected_preflight();
    }
}

#[tokio::test]
async fn ten_thousand_request_headers_fields_are_refused() {
    let hits = Hits::default();
    for uri in ECHO {
        let mut builder = preflight(uri, APP, "GET");
        for _ in 0..10_000 {
            builder = builder.header("access-control-request-headers", "x");
        }
        let reply = send(app(&hits), builder).await;
        reply.assert_rejected_preflight();
    }
}

// --- Never allowed by accident ---------------------------------------------------------------

#[tokio::test]
async fn refused_preflights_never_reach_the_handler_and_never_carry_cors_headers() {
    let hits = Hits::default();
    let hostile: Vec<Vec<(&str, Vec<u8>)>> = vec![
        vec![("origin", EVIL.into())],
        vec![("origin", b"".to_vec())],
        vec![("origin", b"*".to_vec())],
        vec![("origin", APP.into()), ("origin", APP.into())],
        vec![("origin", b"https://app.example.com\x7e\x80".to_vec())],
    ];
    for uri in STRICT.into_iter().chain(ECHO) {
        for headers in &hostile {
            let mut all: Vec<(&str, &[u8])> =
                headers.iter().map(|(n, v)| (*n, v.as_slice())).collect();
            all.push(("access-control-request-method", b"GET"));
            let reply = send_bytes(&hits, Method::OPTIONS, uri, &all).await;
            reply.assert_rejected_preflight();
        }
    }
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn a_star_policy_answers_star_and_never_echoes_or_credentials() {
    let hits = Hits::default();
    for uri in PUBLIC {
        for origin in [EVIL, "null", "https://x.test:1"] {
            let reply = send(app(&hits), actual("GET", uri, origin)).await;
            assert_eq!(reply.allow_origin(), Some("*"), "{uri}");
            assert_eq!(reply.header("access-control-allow-credentials"), None);
        }
    }
}

#[tokio::test]
async fn every_echoed_origin_response_varies_on_origin() {
    let hits = Hits::default();
    for uri in STRICT.into_iter().chain(ECHO) {
        for origin in [APP, EVIL] {
            let reply = send(app(&hits), actual("GET", uri, origin)).await;
            reply.assert_vary_has(&["origin"]);
            let reply = send(app(&hits), preflight(uri, origin, "GET")).await;
            reply.assert_vary_has(&["origin"]);
        }
    }
}
