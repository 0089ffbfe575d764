//! `enforce`: requests whose `Origin` the policy refuses get 403 before the handler runs, for
//! handler policies (`with_cors!`) and group policies (`P::layer()`). Requests without `Origin`
//! and browsers' same-origin requests (`Sec-Fetch-Site: same-origin`) pass.

mod common;

use axum::{extract::State, routing::post};
use common::{actual, plain, preflight, send, Hits, Reply, APP, EVIL};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};

#[cors(origins = ["https://app.example.com"], credentials, enforce)]
async fn strict(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "done"
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn lenient(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "done"
}

#[cors(origins = ["https://app.example.com", "null"], allow_null_origin, enforce)]
async fn sandboxed(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "done"
}

#[cors_policy(origins = ["https://app.example.com"], methods = [GET, POST], enforce)]
struct StrictGroup;

async fn plain_handler(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "done"
}

fn handlers(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/strict", with_cors!(post(strict)))
        .route("/lenient", with_cors!(post(lenient)))
        .route("/sandboxed", with_cors!(post(sandboxed)))
        .with_state(hits.clone())
}

fn group(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/g", post(plain_handler).get(plain_handler))
        .layer(StrictGroup::layer())
        .with_state(hits.clone())
}

/// Both ways of mounting a policy, with the path that reaches the enforcing one.
fn both(hits: &Hits) -> [(CorsRouter, &'static str); 2] {
    [(handlers(hits), "/strict"), (group(hits), "/g")]
}

fn assert_refused(reply: &Reply) {
    assert_eq!(reply.status, 403, "{reply:?}");
    reply.assert_no_cors_headers();
    assert_eq!(
        reply.body_text(),
        "request refused: origin not allowed by the CORS policy"
    );
    reply.assert_vary_has(&["origin", "sec-fetch-site"]);
}

#[tokio::test]
async fn cross_site_form_post_is_refused_before_the_handler_runs() {
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(
            app,
            actual("POST", uri, EVIL)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site"),
        )
        .await;
        assert_refused(&reply);
        assert_eq!(hits.count(), 0, "{uri}: the handler ran");
    }
}

#[tokio::test]
async fn refused_requests_never_reach_the_handler() {
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(app, actual("POST", uri, EVIL)).await;
        assert_refused(&reply);
    }
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn without_enforce_the_cross_site_post_runs_but_is_not_readable() {
    let hits = Hits::default();
    let reply = send(handlers(&hits), actual("POST", "/lenient", EVIL)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.allow_origin(), None);
    assert_eq!(hits.count(), 1, "CORS alone lets the handler run");
}

#[tokio::test]
async fn allowed_origin_passes_with_cors_headers() {
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(app, actual("POST", uri, APP)).await;
        assert_eq!(reply.status, 200, "{uri}");
        assert_eq!(reply.allow_origin(), Some(APP));
        reply.assert_vary_has(&["origin", "sec-fetch-site"]);
    }
    assert_eq!(hits.count(), 2);
}

#[tokio::test]
async fn requests_without_origin_pass() {
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(app, plain("POST", uri)).await;
        assert_eq!(reply.status, 200, "{uri}");
        reply.assert_no_cors_headers();
    }
    assert_eq!(hits.count(), 2);
}

#[tokio::test]
async fn same_origin_browser_requests_pass_without_cors_headers() {
    // The API's own page: the browser sends `Origin` on a same-origin POST, with
    // `Sec-Fetch-Site: same-origin`, which no page script can set.
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(
            app,
            actual("POST", uri, "https://api.example.com").header("sec-fetch-site", "same-origin"),
        )
        .await;
        assert_eq!(reply.status, 200, "{uri}");
        assert_eq!(reply.allow_origin(), None);
    }
    assert_eq!(hits.count(), 2);
}

#[tokio::test]
async fn same_site_and_other_fetch_metadata_values_do_not_pass() {
    let hits = Hits::default();
    for site in [
        "same-site",
        "cross-site",
        "none",
        "Same-Origin",
        "same-origin, same-origin",
        "",
    ] {
        for (app, uri) in both(&hits) {
            let reply = send(
                app,
                actual("POST", uri, EVIL).header("sec-fetch-site", site),
            )
            .await;
            assert_refused(&reply);
        }
    }
    // Two `Sec-Fetch-Site` fields are not a browser's.
    for (app, uri) in both(&hits) {
        let reply = send(
            app,
            actual("POST", uri, EVIL)
                .header("sec-fetch-site", "same-origin")
                .header("sec-fetch-site", "same-origin"),
        )
        .await;
        assert_refused(&reply);
    }
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn null_origin_is_refused_unless_allowed() {
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(app, actual("POST", uri, "null")).await;
        assert_refused(&reply);
    }
    assert_eq!(hits.count(), 0);
    let reply = send(handlers(&hits), actual("POST", "/sandboxed", "null")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.allow_origin(), Some("null"));
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn null_origin_of_a_same_origin_request_passes() {
    // A same-origin form POST under `Referrer-Policy: no-referrer` carries `Origin: null`.
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(
            app,
            actual("POST", uri, "null").header("sec-fetch-site", "same-origin"),
        )
        .await;
        assert_eq!(reply.status, 200, "{uri}");
        assert_eq!(reply.allow_origin(), None);
    }
    assert_eq!(hits.count(), 2);
}

#[tokio::test]
async fn several_origin_headers_are_refused_even_when_each_is_allowed() {
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let reply = send(
            app,
            actual("POST", uri, APP)
                .header("origin", APP)
                .header("sec-fetch-site", "same-origin"),
        )
        .await;
        assert_refused(&reply);
    }
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn preflights_are_unchanged_by_enforce() {
    let hits = Hits::default();
    for (app, uri) in both(&hits) {
        let ok = send(app.clone(), preflight(uri, APP, "POST")).await;
        assert_eq!(ok.status, 204, "{uri}");
        assert_eq!(ok.allow_origin(), Some(APP));
        let refused = send(app, preflight(uri, EVIL, "POST")).await;
        refused.assert_rejected_preflight();
        assert!(refused.body_text().starts_with("CORS preflight rejected"));
    }
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn oversized_and_non_utf8_origins_are_refused() {
    let hits = Hits::default();
    let huge = format!("https://{}.example.com", "a".repeat(64 * 1024));
    for (app, uri) in both(&hits) {
        let reply = send(app.clone(), actual("POST", uri, &huge)).await;
        assert_refused(&reply);
        let reply = send(
            app,
            axum::http::Request::builder()
                .method("POST")
                .uri(uri)
                .header("origin", &b"https://app.example.com\xff"[..]),
        )
        .await;
        assert_refused(&reply);
    }
    assert_eq!(hits.count(), 0);
}
