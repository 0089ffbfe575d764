//! Actual (non-preflight) responses, for handler policies (`with_cors!`) and group policies:
//! the CORS headers on every response, errors, extractor rejections and panics included, and
//! `Vary` merged with the handler's own. Allowed, refused and absent origins through every mount
//! are the case table of `tests/cases.rs`.

mod common;

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, Request, StatusCode},
    response::IntoResponse,
    routing::{get, post},
    Json,
};
use common::{actual, preflight, send, send_request, Hits, APP};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use serde::Deserialize;
use tower_http::catch_panic::CatchPanicLayer;

// --- handlers: annotated, and mounted either with `with_cors!` or plainly under a group -----

#[cors(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"])]
async fn show(State(hits): State<Hits>) -> impl IntoResponse {
    hits.hit();
    ([("x-request-id", "42")], "task")
}

#[cors(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"])]
async fn vary_encoding(State(hits): State<Hits>) -> impl IntoResponse {
    hits.hit();
    ([(header::VARY, "accept-encoding")], "encoded")
}

#[cors(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"])]
async fn vary_origin(State(hits): State<Hits>) -> impl IntoResponse {
    hits.hit();
    ([(header::VARY, "Origin")], "by origin")
}

#[cors(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"])]
async fn vary_star(State(hits): State<Hits>) -> impl IntoResponse {
    hits.hit();
    ([(header::VARY, "*")], "anything")
}

/// A task to create.
#[derive(Deserialize)]
struct NewTask {
    title: String,
}

#[cors(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"], headers = ["content-type"])]
async fn create(State(hits): State<Hits>, Json(task): Json<NewTask>) -> String {
    hits.hit();
    task.title
}

#[cors(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"])]
async fn failing(State(hits): State<Hits>) -> Result<&'static str, (StatusCode, &'static str)> {
    hits.hit();
    Err((StatusCode::INTERNAL_SERVER_ERROR, "database unavailable"))
}

#[cors(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"])]
async fn panicking(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    panic!("handler bug")
}

#[cors_policy(origins = ["https://app.example.com"], credentials, expose = ["x-request-id"], headers = ["content-type"])]
struct Group;

/// Every handler with its own policy.
fn handler_app(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/show", with_cors!(get(show)))
        .route("/vary-encoding", with_cors!(get(vary_encoding)))
        .route("/vary-origin", with_cors!(get(vary_origin)))
        .route("/vary-star", with_cors!(get(vary_star)))
        .route("/create", with_cors!(post(create)))
        .route("/fail", with_cors!(get(failing)))
        .route("/panic", with_cors!(get(panicking)))
        .with_state(hits.clone())
}

/// The same handlers as plain axum routes under the group policy.
fn group_app(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/show", get(show))
        .route("/vary-encoding", get(vary_encoding))
        .route("/vary-origin", get(vary_origin))
        .route("/vary-star", get(vary_star))
        .route("/create", post(create))
        .route("/fail", get(failing))
        .route("/panic", get(panicking))
        .layer(CatchPanicLayer::new())
        .layer(Group::layer())
        .with_state(hits.clone())
}

// --- checks shared by both set-ups ----------------------------------------------------------

async fn check_handler_vary_is_kept_and_origin_appended(app: CorsRouter) {
    let reply = send(app, actual("GET", "/vary-encoding", APP)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(reply.vary(), ["accept-encoding", "origin"]);
}

async fn check_vary_origin_set_by_the_handler_is_not_repeated(app: CorsRouter) {
    let reply = send(app, actual("GET", "/vary-origin", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(reply.vary(), ["origin"]);
    reply.assert_vary_has_no_duplicates();
}

async fn check_vary_star_is_left_alone(app: CorsRouter) {
    let reply = send(app, actual("GET", "/vary-star", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(reply.vary(), ["*"]);
}

async fn check_extractor_rejection_keeps_cors_headers(app: CorsRouter, hits: &Hits) {
    let bad_json = actual("POST", "/create", APP)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let reply = send_request(app.clone(), bad_json).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    reply.assert_vary_has(&["origin"]);

    let no_content_type = actual("POST", "/create", APP)
        .body(Body::from(r#"{"title":"x"}"#))
        .unwrap();
    let reply = send_request(app.clone(), no_content_type).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(hits.count(), 0, "the handler body never ran");

    let good = actual("POST", "/create", APP)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"title":"write tests"}"#))
        .unwrap();
    let reply = send_request(app, good).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body_text(), "write tests");
    assert_eq!(reply.allow_origin(), Some(APP));
}

async fn check_handler_error_keeps_cors_headers(app: CorsRouter) {
    let reply = send(app, actual("GET", "/fail", APP)).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.body_text(), "database unavailable");
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    reply.assert_vary_has(&["origin"]);
}

async fn check_handler_panic_is_500_with_cors_headers(app: CorsRouter, hits: &Hits) {
    let reply = send(app, actual("GET", "/panic", APP)).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    reply.assert_vary_has(&["origin"]);
    assert_eq!(hits.count(), 1);
}

// --- handler policies -----------------------------------------------------------------------

#[tokio::test]
async fn head_request_to_a_get_handler_gets_the_cors_headers_of_its_policy() {
    let hits = Hits::default();
    let reply = send(handler_app(&hits), actual("HEAD", "/show", APP)).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn handler_vary_is_kept_and_origin_appended_by_handler_policy() {
    check_handler_vary_is_kept_and_origin_appended(handler_app(&Hits::default())).await;
}

#[tokio::test]
async fn vary_origin_set_by_the_handler_is_not_repeated_by_handler_policy() {
    check_vary_origin_set_by_the_handler_is_not_repeated(handler_app(&Hits::default())).await;
}

#[tokio::test]
async fn vary_star_is_left_alone_by_handler_policy() {
    check_vary_star_is_left_alone(handler_app(&Hits::default())).await;
}

#[tokio::test]
async fn extractor_rejection_keeps_cors_headers_of_handler_policy() {
    let hits = Hits::default();
    check_extractor_rejection_keeps_cors_headers(handler_app(&hits), &hits).await;
}

#[tokio::test]
async fn handler_error_keeps_cors_headers_of_handler_policy() {
    check_handler_error_keeps_cors_headers(handler_app(&Hits::default())).await;
}

#[tokio::test]
async fn handler_panic_is_answered_500_with_cors_headers_of_handler_policy() {
    let hits = Hits::default();
    check_handler_panic_is_500_with_cors_headers(handler_app(&hits), &hits).await;
}

#[tokio::test]
async fn handler_panic_under_catch_panic_layer_keeps_cors_headers_of_handler_policy() {
    let hits = Hits::default();
    let app = handler_app(&hits).layer(CatchPanicLayer::new());
    check_handler_panic_is_500_with_cors_headers(app, &hits).await;
}

fn beta_origin(origin: &HeaderValue, parts: &axum::http::request::Parts) -> bool {
    origin == "https://beta.example.org" && parts.headers.contains_key("x-beta")
}

#[cors(origins = beta_origin)]
async fn beta() -> &'static str {
    "beta"
}

#[tokio::test]
async fn predicate_origin_decides_actual_responses_from_the_request_head() {
    let app = CorsRouter::new().route("/beta", with_cors!(get(beta)));
    let reply = send(
        app.clone(),
        actual("GET", "/beta", "https://beta.example.org").header("x-beta", "1"),
    )
    .await;
    assert_eq!(reply.allow_origin(), Some("https://beta.example.org"));
    reply.assert_vary_has(&["origin"]);
    let reply = send(app, actual("GET", "/beta", "https://beta.example.org")).await;
    assert_eq!(reply.status, 200);
    reply.assert_no_cors_headers();
}

// --- group policies -------------------------------------------------------------------------

#[tokio::test]
async fn handler_vary_is_kept_and_origin_appended_by_group_policy() {
    check_handler_vary_is_kept_and_origin_appended(group_app(&Hits::default())).await;
}

#[tokio::test]
async fn vary_origin_set_by_the_handler_is_not_repeated_by_group_policy() {
    check_vary_origin_set_by_the_handler_is_not_repeated(group_app(&Hits::default())).await;
}

#[tokio::test]
async fn vary_star_is_left_alone_by_group_policy() {
    check_vary_star_is_left_alone(group_app(&Hits::default())).await;
}

#[tokio::test]
async fn extractor_rejection_keeps_cors_headers_of_group_policy() {
    let hits = Hits::default();
    check_extractor_rejection_keeps_cors_headers(group_app(&hits), &hits).await;
}

#[tokio::test]
async fn handler_error_keeps_cors_headers_of_group_policy() {
    check_handler_error_keeps_cors_headers(group_app(&Hits::default())).await;
}

#[tokio::test]
async fn handler_panic_under_catch_panic_layer_keeps_cors_headers_of_group_policy() {
    let hits = Hits::default();
    check_handler_panic_is_500_with_cors_headers(group_app(&hits), &hits).await;
}

#[tokio::test]
async fn options_without_request_method_is_an_actual_request_under_a_group() {
    let hits = Hits::default();
    let reply = send(group_app(&hits), actual("OPTIONS", "/show", APP)).await;
    assert_eq!(reply.status, 405);
    let allow = reply.header("allow").expect("405 carries Allow");
    assert!(allow.split(',').any(|m| m.trim() == "GET"), "{allow}");
    assert_eq!(
        reply.allow_origin(),
        Some(APP),
        "decorated like any actual response"
    );
    assert_eq!(reply.header("access-control-allow-methods"), None);
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn options_with_request_method_but_without_origin_is_not_a_preflight_under_a_group() {
    let hits = Hits::default();
    let request = Request::builder()
        .method("OPTIONS")
        .uri("/show")
        .header("access-control-request-method", "GET");
    let reply = send(group_app(&hits), request).await;
    assert_eq!(reply.status, 405);
    reply.assert_no_cors_headers();
}

static PREDICATE_CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn counting_origin(_: &HeaderValue, _: &axum::http::request::Parts) -> bool {
    PREDICATE_CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    true
}

#[cors(origins = counting_origin)]
async fn counted_predicate() -> &'static str {
    "counted"
}

#[tokio::test]
async fn an_origin_over_300_bytes_never_reaches_a_predicate() {
    // SECURITY.md: longer than any serialized origin, refused after a length check, never
    // passed to a predicate (which would allow anything here).
    let app = CorsRouter::new().route("/counted", with_cors!(get(counted_predicate)));
    let at_bound = format!("https://{}.example", "a".repeat(300 - 8 - 8));
    let over = format!("https://{}.example", "a".repeat(301 - 8 - 8));
    assert_eq!((at_bound.len(), over.len()), (300, 301));
    let reply = send(app.clone(), actual("GET", "/counted", &at_bound)).await;
    assert_eq!(reply.allow_origin(), Some(at_bound.as_str()));
    let calls = PREDICATE_CALLS.load(std::sync::atomic::Ordering::SeqCst);
    assert!(calls >= 1, "the predicate decides an origin at the bound");
    let reply = send(app.clone(), actual("GET", "/counted", &over)).await;
    reply.assert_no_cors_headers();
    let reply = send(app, preflight("/counted", &over, "GET")).await;
    reply.assert_rejected_preflight();
    assert_eq!(
        PREDICATE_CALLS.load(std::sync::atomic::Ordering::SeqCst),
        calls,
        "an over-long origin was passed to the predicate"
    );
}
