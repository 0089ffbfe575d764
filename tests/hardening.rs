//! Hardening, round two (issue 13), through real routers: `enforce` follows the Fetch Metadata
//! resource-isolation policy for requests without `Origin`; `origins = "*"` answers `*` to
//! every request (cache-safe); a preflight asking for private network access is answered, not
//! refused; the requested-headers check of a 200-header policy accepts 128 upper-case names.
//!
//! Every behaviour runs through the three mounts of a policy: a group `CorsLayer` from a
//! `#[cors_policy]` (`P::layer()`), a group `CorsLayer` from `Policy::builder`, and a handler
//! policy mounted with `with_cors!` (the only part that names the handler-mounting API).

mod common;

use axum::{
    extract::State,
    http::{Request, StatusCode},
    routing::get,
};
use common::{actual, plain, preflight, send, Hits, Reply, ADMIN, APP, EVIL};
use cors_runtime::{cors, cors_policy, with_cors, CorsLayer, CorsMethodRouter, CorsRouter, Policy};

// --- the policies -----------------------------------------------------------------------------

#[cors_policy(origins = ["https://app.example.com"], methods = [GET, POST], enforce)]
struct Enforced;

#[cors_policy(origins = "*", methods = [GET, POST], expose = ["x-request-id"])]
struct Public;

#[cors_policy(origins = ["https://app.example.com"], methods = [GET])]
struct NoPrivateNetwork;

#[cors_policy(origins = ["https://app.example.com"], methods = [GET], private_network)]
struct PrivateNetwork;

fn enforced_runtime() -> Policy {
    Policy::builder("EnforcedRuntime")
        .origins([APP])
        .methods(["GET", "POST"])
        .enforce(true)
        .build()
        .unwrap()
}

fn public_runtime() -> Policy {
    Policy::builder("PublicRuntime")
        .any_origin()
        .methods(["GET", "POST"])
        .expose(["x-request-id"])
        .build()
        .unwrap()
}

fn private_network_runtime(allowed: bool) -> Policy {
    Policy::builder("PrivateNetworkRuntime")
        .origins([APP])
        .methods(["GET"])
        .private_network(allowed)
        .build()
        .unwrap()
}

// --- the handlers -----------------------------------------------------------------------------

/// Answers 200, or 500 when the path says so (an error response must carry the same CORS).
async fn counted(
    State(hits): State<Hits>,
    request: Request<axum::body::Body>,
) -> (StatusCode, [(&'static str, &'static str); 1]) {
    hits.hit();
    let status = if request.uri().path().ends_with("/fail") {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    (status, [("x-request-id", "7")])
}

#[cors(policy = Enforced)]
async fn enforced_handler(
    state: State<Hits>,
    request: Request<axum::body::Body>,
) -> (StatusCode, [(&'static str, &'static str); 1]) {
    counted(state, request).await
}

#[cors(policy = Public)]
async fn public_handler(
    state: State<Hits>,
    request: Request<axum::body::Body>,
) -> (StatusCode, [(&'static str, &'static str); 1]) {
    counted(state, request).await
}

#[cors(policy = NoPrivateNetwork)]
async fn no_private_network_handler(
    state: State<Hits>,
    request: Request<axum::body::Body>,
) -> (StatusCode, [(&'static str, &'static str); 1]) {
    counted(state, request).await
}

#[cors(policy = PrivateNetwork)]
async fn private_network_handler(
    state: State<Hits>,
    request: Request<axum::body::Body>,
) -> (StatusCode, [(&'static str, &'static str); 1]) {
    counted(state, request).await
}

// --- the mounts -------------------------------------------------------------------------------

/// A plain router with `layer` over it: the group form.
fn group(layer: CorsLayer, hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/r", get(counted).post(counted))
        .route("/r/fail", get(counted))
        .layer(layer)
        .with_state(hits.clone())
}

/// The three mounts of one policy: (label, router); every router serves `GET`/`POST /r` and
/// `GET /r/fail`.
fn mounts(
    attribute: CorsLayer,
    runtime: Policy,
    handler: CorsMethodRouter<Hits>,
    failing: CorsMethodRouter<Hits>,
    hits: &Hits,
) -> [(&'static str, CorsRouter); 3] {
    [
        ("group (#[cors_policy])", group(attribute, hits)),
        (
            "group (Policy::builder)",
            group(CorsLayer::from(runtime), hits),
        ),
        (
            "handler (with_cors!)",
            CorsRouter::new()
                .route("/r", handler)
                .route("/r/fail", failing)
                .with_state(hits.clone()),
        ),
    ]
}

fn enforced(hits: &Hits) -> [(&'static str, CorsRouter); 3] {
    mounts(
        Enforced::layer(),
        enforced_runtime(),
        with_cors!(get(enforced_handler).post(enforced_handler)),
        with_cors!(get(enforced_handler)),
        hits,
    )
}

fn public(hits: &Hits) -> [(&'static str, CorsRouter); 3] {
    mounts(
        Public::layer(),
        public_runtime(),
        with_cors!(get(public_handler).post(public_handler)),
        with_cors!(get(public_handler)),
        hits,
    )
}

fn private_network(allowed: bool, hits: &Hits) -> [(&'static str, CorsRouter); 3] {
    if allowed {
        mounts(
            PrivateNetwork::layer(),
            private_network_runtime(true),
            with_cors!(get(private_network_handler)),
            with_cors!(get(private_network_handler)),
            hits,
        )
    } else {
        mounts(
            NoPrivateNetwork::layer(),
            private_network_runtime(false),
            with_cors!(get(no_private_network_handler)),
            with_cors!(get(no_private_network_handler)),
            hits,
        )
    }
}

// --- enforce: Fetch Metadata for requests without Origin ---------------------------------------

const SITE: &str = "sec-fetch-site";
const MODE: &str = "sec-fetch-mode";
const DEST: &str = "sec-fetch-dest";

/// What the 403 of a cross-site request without `Origin` looks like: no CORS headers, the
/// reason, and `Vary` naming the four headers the answer depends on.
fn assert_refused_cross_site(reply: &Reply, case: &str) {
    assert_eq!(reply.status, 403, "{case}: {reply:?}");
    reply.assert_no_cors_headers();
    assert_eq!(
        reply.body_text(),
        "request refused: cross-site request without Origin (Sec-Fetch-Site: cross-site)",
        "{case}"
    );
    reply.assert_vary_has(&["origin", SITE, MODE, DEST]);
}

/// Requests a browser makes without `Origin`, as the Fetch Metadata headers describe them.
fn without_origin(method: &str, metadata: &[(&str, &str)]) -> axum::http::request::Builder {
    metadata
        .iter()
        .fold(plain(method, "/r"), |request, (name, value)| {
            request.header(*name, *value)
        })
}

#[tokio::test]
async fn enforce_refuses_cross_site_subresource_requests_without_origin() {
    // Another site's `<img src>`, `<script src>`, `fetch(url, {mode: "no-cors"})`,
    // `<iframe src>`: no `Origin`, `Sec-Fetch-Site: cross-site`.
    let cases: [(&str, &[(&str, &str)]); 5] = [
        (
            "<img>",
            &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "image")],
        ),
        (
            "<script>",
            &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "script")],
        ),
        (
            "no-cors fetch",
            &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "empty")],
        ),
        (
            "<iframe>",
            &[(SITE, "cross-site"), (MODE, "navigate"), (DEST, "iframe")],
        ),
        (
            "<object>",
            &[(SITE, "cross-site"), (MODE, "navigate"), (DEST, "object")],
        ),
    ];
    let hits = Hits::default();
    for (mount, app) in enforced(&hits) {
        for (case, metadata) in cases {
            let reply = send(app.clone(), without_origin("GET", metadata)).await;
            assert_refused_cross_site(&reply, &format!("{mount}: {case}"));
        }
    }
    assert_eq!(hits.count(), 0, "a refused request reached the handler");
}

#[tokio::test]
async fn enforce_lets_a_cross_site_top_level_navigation_through() {
    // A link to the API followed from another site (an email, a search result): the browser
    // renders the response in its own tab; the linking page reads nothing.
    let hits = Hits::default();
    for (mount, app) in enforced(&hits) {
        for method in ["GET", "HEAD"] {
            let reply = send(
                app.clone(),
                without_origin(
                    method,
                    &[(SITE, "cross-site"), (MODE, "navigate"), (DEST, "document")],
                ),
            )
            .await;
            assert_eq!(reply.status, 200, "{mount} {method}: {reply:?}");
            reply.assert_no_cors_headers();
            // The 200 depends on the mode and destination: a cache must not serve it to an
            // `<img>` of the same site.
            reply.assert_vary_has(&["origin", SITE, MODE, DEST]);
        }
    }
    assert_eq!(hits.count(), 6);
}

#[tokio::test]
async fn enforce_lets_same_site_same_origin_user_and_non_browser_requests_through() {
    let cases: [(&str, &[(&str, &str)]); 5] = [
        (
            "same-site <img>",
            &[(SITE, "same-site"), (MODE, "no-cors"), (DEST, "image")],
        ),
        (
            "same-origin fetch",
            &[(SITE, "same-origin"), (MODE, "cors"), (DEST, "empty")],
        ),
        (
            "typed in the address bar",
            &[(SITE, "none"), (MODE, "navigate"), (DEST, "document")],
        ),
        ("curl (no Fetch Metadata)", &[]),
        (
            "an invalid Sec-Fetch-Site (ignored)",
            &[(SITE, "cross-site, cross-site")],
        ),
    ];
    let hits = Hits::default();
    for (mount, app) in enforced(&hits) {
        for (case, metadata) in cases {
            let reply = send(app.clone(), without_origin("GET", metadata)).await;
            assert_eq!(reply.status, 200, "{mount}: {case}: {reply:?}");
            reply.assert_no_cors_headers();
            reply.assert_vary_has(&["origin", SITE, MODE, DEST]);
        }
    }
    assert_eq!(hits.count(), 15);
}

#[tokio::test]
async fn enforce_still_decides_by_origin_when_there_is_one() {
    let hits = Hits::default();
    for (mount, app) in enforced(&hits) {
        // A cross-site form POST carries `Origin`: refused by the origin check.
        let reply = send(
            app.clone(),
            actual("POST", "/r", EVIL)
                .header(SITE, "cross-site")
                .header(MODE, "navigate")
                .header(DEST, "document"),
        )
        .await;
        assert_eq!(reply.status, 403, "{mount}");
        assert_eq!(
            reply.body_text(),
            "request refused: origin not allowed by the CORS policy"
        );
        // An allowed origin passes whatever `Sec-Fetch-Site` says.
        let reply = send(app, actual("GET", "/r", APP).header(SITE, "cross-site")).await;
        assert_eq!(reply.status, 200, "{mount}");
        assert_eq!(reply.allow_origin(), Some(APP));
    }
    assert_eq!(hits.count(), 3);
}

// --- origins = "*": the same answer to every request -----------------------------------------

fn assert_public(reply: &Reply, case: &str) {
    assert_eq!(reply.allow_origin(), Some("*"), "{case}: {reply:?}");
    assert_eq!(
        reply.header("access-control-expose-headers"),
        Some("x-request-id"),
        "{case}"
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        None,
        "{case}"
    );
    assert!(
        !reply.vary().contains(&"origin".to_owned()),
        "{case}: `*` does not depend on the origin: {reply:?}"
    );
}

#[tokio::test]
async fn a_star_policy_answers_star_with_or_without_origin() {
    // A shared cache primed by a request without `Origin` must serve every cross-origin
    // reader (Fetch standard, "CORS protocol and HTTP caches").
    let hits = Hits::default();
    for (mount, app) in public(&hits) {
        let requests = [
            ("GET without Origin", plain("GET", "/r")),
            ("HEAD without Origin", plain("HEAD", "/r")),
            ("POST without Origin", plain("POST", "/r")),
            ("GET with Origin", actual("GET", "/r", EVIL)),
            (
                "GET with two Origin fields",
                actual("GET", "/r", APP).header("origin", EVIL),
            ),
            ("a 500 without Origin", plain("GET", "/r/fail")),
        ];
        for (case, request) in requests {
            let reply = send(app.clone(), request).await;
            assert_public(&reply, &format!("{mount}: {case}"));
        }
        // Preflights are answered as before.
        let reply = send(app, preflight("/r", EVIL, "POST")).await;
        assert_eq!(reply.status, 204, "{mount}");
        assert_eq!(reply.allow_origin(), Some("*"));
    }
    assert_eq!(hits.count(), 18);
}

// --- Private Network Access: answered, never refused ------------------------------------------

#[tokio::test]
async fn a_private_network_preflight_is_answered_without_the_grant_by_a_policy_without_the_key() {
    let hits = Hits::default();
    for (mount, app) in private_network(false, &hits) {
        let reply = send(
            app,
            preflight("/r", APP, "GET").header("access-control-request-private-network", "true"),
        )
        .await;
        assert_eq!(reply.status, 204, "{mount}: {reply:?}");
        assert_eq!(reply.allow_origin(), Some(APP), "{mount}");
        assert_eq!(
            reply.header("access-control-allow-private-network"),
            None,
            "{mount}"
        );
    }
    for (mount, app) in private_network(true, &hits) {
        let reply = send(
            app,
            preflight("/r", APP, "GET").header("access-control-request-private-network", "true"),
        )
        .await;
        assert_eq!(reply.status, 204, "{mount}: {reply:?}");
        assert_eq!(
            reply.header("access-control-allow-private-network"),
            Some("true"),
            "{mount}"
        );
        reply.assert_vary_has(&["access-control-request-private-network"]);
    }
    assert_eq!(hits.count(), 0);
}

// --- the requested-headers check: a long list, a long request ---------------------------------

#[tokio::test]
async fn a_policy_of_200_headers_checks_128_upper_case_names() {
    let allowed: Vec<String> = (0..200)
        .map(|i| format!("x-custom-header-{i:03}"))
        .collect();
    let policy = Policy::builder("ManyHeaders")
        .origins([APP])
        .methods(["PUT"])
        .headers(allowed.iter().map(String::as_str))
        .build()
        .unwrap();
    let hits = Hits::default();
    let app = CorsRouter::new()
        .route("/r", axum::routing::put(counted))
        .layer(CorsLayer::from(policy))
        .with_state(hits.clone());
    let upper: Vec<String> = allowed[72..]
        .iter()
        .map(|n| n.to_ascii_uppercase())
        .collect();
    assert_eq!(upper.len(), 128);
    let reply = send(
        app.clone(),
        preflight("/r", APP, "PUT").header("access-control-request-headers", upper.join(",")),
    )
    .await;
    assert_eq!(reply.status, 204, "{reply:?}");
    assert_eq!(reply.allow_origin(), Some(APP));
    // One name that is not allowed, anywhere in the list, refuses the preflight.
    let mut one_missing = upper.clone();
    one_missing[100] = "X-CUSTOM-HEADER-200".to_owned();
    let reply = send(
        app.clone(),
        preflight("/r", APP, "PUT").header("access-control-request-headers", one_missing.join(",")),
    )
    .await;
    reply.assert_rejected_preflight();
    assert_eq!(
        reply.body_text(),
        "CORS preflight rejected: request header not allowed"
    );
    // One name more than the bound: refused at the 129th item (the 128 before it are allowed).
    let mut too_many = upper;
    too_many.push("x-custom-header-000".to_owned());
    let reply = send(
        app,
        preflight("/r", APP, "PUT").header("access-control-request-headers", too_many.join(",")),
    )
    .await;
    reply.assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

// --- the 405 of a method a `with_cors!` route does not serve --------------------------------------

#[cors(origins = ["https://app.example.com", "https://admin.example.com"])]
async fn read_for_both() -> &'static str {
    "read"
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn write_for_app() -> &'static str {
    "written"
}

#[cors(origins = "*")]
async fn public_read() -> &'static str {
    "public"
}

/// A simple cross-origin `POST` to a route that serves only `GET` and `PUT`: the page can read
/// the 405 when every handler of the route allows its origin, so it sees the real error instead
/// of a CORS one; `Vary: Origin` says the answer depends on it.
#[tokio::test]
async fn the_405_of_an_unserved_method_is_readable_by_origins_every_handler_allows() {
    let app = CorsRouter::new()
        .route("/tasks", with_cors!(get(read_for_both).put(write_for_app)))
        .route("/public", with_cors!(get(public_read)));
    let reply = send(app.clone(), actual("POST", "/tasks", APP)).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        None,
        "not every handler allows credentials"
    );
    reply.assert_vary_has(&["origin"]);
    // `write_for_app` refuses ADMIN: not readable.
    let reply = send(app.clone(), actual("POST", "/tasks", ADMIN)).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.allow_origin(), None);
    reply.assert_vary_has(&["origin"]);
    // A route whose handlers all allow any origin answers `*`.
    let reply = send(app, actual("DELETE", "/public", EVIL)).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.allow_origin(), Some("*"));
}
