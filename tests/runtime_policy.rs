//! Policies built at run time (`Policy::builder`): same rules and messages as the macros, same
//! answers as the equivalent `#[cors_policy]`, used as a group or per-route layer, and async
//! origin predicates that reach application state.

mod common;

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{FromRef, State},
    http::{request::Parts, HeaderValue, StatusCode},
    routing::{get, put},
};
use common::{actual, plain, preflight, send, Hits, ADMIN, APP, EVIL};
use cors_runtime::{cors, cors_policy, with_cors, CorsLayer, CorsRouter, Policy, PolicyError};

#[cors_policy(
    origins = ["https://app.example.com", "https://*.tenant.example"],
    methods = [GET, PUT],
    headers = ["content-type", "authorization"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600
)]
struct Api;

fn api_runtime() -> Policy {
    Policy::builder("Api")
        .origins_from_str("https://app.example.com, https://*.tenant.example")
        .methods(["GET", "PUT"])
        .headers(["content-type", "authorization"])
        .expose(["x-request-id"])
        .credentials(true)
        .max_age(600)
        .build()
        .unwrap()
}

async fn ok() -> &'static str {
    "ok"
}

fn group(layer: CorsLayer) -> CorsRouter {
    CorsRouter::new()
        .route("/tasks", get(ok))
        .route("/tasks/{id}", put(ok))
        .layer(layer)
}

/// Every response header the two routers send for `request`, side by side.
async fn same_answer(request: impl Fn() -> axum::http::request::Builder) {
    let ours = send(group(CorsLayer::from(api_runtime())), request()).await;
    let macro_made = send(group(Api::layer()), request()).await;
    assert_eq!(ours.status, macro_made.status);
    assert_eq!(ours.headers, macro_made.headers);
    assert_eq!(ours.body, macro_made.body);
}

#[tokio::test]
async fn runtime_policy_answers_exactly_like_the_equivalent_macro_policy() {
    same_answer(|| {
        preflight("/tasks/1", APP, "PUT").header("access-control-request-headers", "authorization")
    })
    .await;
    same_answer(|| preflight("/tasks/1", "https://a.tenant.example", "PUT")).await;
    same_answer(|| preflight("/tasks/1", EVIL, "PUT")).await;
    same_answer(|| preflight("/tasks/1", APP, "DELETE")).await;
    same_answer(|| {
        preflight("/tasks/1", APP, "PUT").header("access-control-request-headers", "x-other")
    })
    .await;
    same_answer(|| actual("GET", "/tasks", APP)).await;
    same_answer(|| actual("GET", "/tasks", EVIL)).await;
    same_answer(|| plain("GET", "/tasks")).await;
    let reply = send(
        group(CorsLayer::from(api_runtime())),
        preflight("/tasks/1", APP, "PUT"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(reply.header("access-control-max-age"), Some("600"));
}

#[test]
fn builder_reports_every_problem_at_once_and_names_the_policy() {
    let error = Policy::builder(String::from("FromConfig"))
        .origins(["https://a.example/", "HTTPS://B.example"])
        .methods(["TRACE"])
        .headers(["x ok"])
        .max_age(100_000)
        .build()
        .unwrap_err();
    assert_eq!(error.policy(), "FromConfig");
    assert_eq!(error.problems().len(), 5, "{error}");
    let text = error.to_string();
    assert!(
        text.starts_with("invalid CORS policy `FromConfig`: 5 problems\n  - "),
        "{text}"
    );
    assert!(text.contains("https://a.example/"), "{text}");
    assert!(text.contains("TRACE"), "{text}");
}

#[test]
fn builder_without_origins_says_which_call_is_missing() {
    let error = Policy::builder("P").methods(["GET"]).build().unwrap_err();
    assert!(error.message().contains(".origins("), "{error}");
}

#[test]
fn builder_never_panics_on_hostile_configuration() {
    for input in [
        "\0",
        "https://\u{202e}a.example",
        "https://a.example\r\nx: y",
        &"x".repeat(10_000),
        "https://[::1",
        "*,*",
    ] {
        let shown = &input[..input.len().min(40)];
        let result = Policy::builder("P").origins_from_str(input).build();
        assert!(result.is_err(), "origin {shown:?} accepted");
        // A long run of `x` is a valid (custom) method and header name; the others are not.
        let result = Policy::builder("P")
            .any_origin()
            .methods([input])
            .headers([input])
            .build();
        assert_eq!(result.is_ok(), input.starts_with("xxx"), "{shown:?}");
    }
}

async fn update(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "updated"
}

#[tokio::test]
async fn runtime_policy_on_one_route_answers_its_preflights_and_leaves_other_routes_alone() {
    let hits = Hits::default();
    let policy = Policy::builder("Uploads")
        .origins([ADMIN])
        .methods(["PUT"])
        .build()
        .unwrap();
    let uploads = CorsRouter::new()
        .route("/uploads/{id}", put(update))
        .layer(CorsLayer::from_policy(policy));
    let app = CorsRouter::new()
        .merge(uploads)
        .route("/other", get(ok))
        .with_state(hits.clone());

    let reply = send(app.clone(), preflight("/uploads/1", ADMIN, "PUT")).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    assert_eq!(hits.count(), 0, "a preflight never reaches the handler");

    let reply = send(app.clone(), actual("PUT", "/uploads/1", ADMIN)).await;
    assert_eq!(reply.body_text(), "updated");
    assert_eq!(reply.allow_origin(), Some(ADMIN));

    send(app.clone(), preflight("/uploads/1", APP, "PUT"))
        .await
        .assert_rejected_preflight();
    let reply = send(app.clone(), actual("GET", "/other", ADMIN)).await;
    reply.assert_no_cors_headers();
    // No policy covers `/other`: its preflight is refused by the router, never routed.
    let reply = send(app, preflight("/other", ADMIN, "GET")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    reply.assert_no_cors_headers();
}

#[cors(origins = ["https://admin.example.com"], methods = [PUT])]
async fn annotated() -> &'static str {
    "annotated"
}

#[tokio::test]
async fn handler_policy_beats_a_runtime_group_policy() {
    let app = CorsRouter::new()
        .route("/a", with_cors!(put(annotated)))
        .route("/b", get(ok))
        .layer(CorsLayer::from(api_runtime()));
    let reply = send(app.clone(), preflight("/a", ADMIN, "PUT")).await;
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    let reply = send(app.clone(), actual("PUT", "/a", APP)).await;
    assert_eq!(reply.allow_origin(), None);
    let reply = send(app, actual("GET", "/b", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
}

fn only_ours(origin: &HeaderValue, parts: &Parts) -> bool {
    origin.as_bytes().ends_with(b".ours.example") && parts.uri.path() != "/blocked"
}

#[tokio::test]
async fn runtime_policy_with_a_predicate_sees_the_request_head() {
    let policy = Policy::builder("P")
        .origin_predicate(only_ours)
        .build()
        .unwrap();
    let app = CorsRouter::new()
        .route("/open", get(ok))
        .route("/blocked", get(ok))
        .layer(CorsLayer::from(policy));
    let reply = send(
        app.clone(),
        actual("GET", "/open", "https://a.ours.example"),
    )
    .await;
    assert_eq!(reply.allow_origin(), Some("https://a.ours.example"));
    let reply = send(app, actual("GET", "/blocked", "https://a.ours.example")).await;
    assert_eq!(reply.allow_origin(), None);
}

/// A tenant table, as an application would keep it in its state.
#[derive(Clone, Default)]
struct Tenants {
    origins: Arc<Mutex<HashSet<String>>>,
    lookups: Hits,
}

#[derive(Clone, Default)]
struct AppState {
    tenants: Tenants,
    hits: Hits,
}

impl FromRef<AppState> for Tenants {
    fn from_ref(state: &AppState) -> Tenants {
        state.tenants.clone()
    }
}

impl FromRef<AppState> for Hits {
    fn from_ref(state: &AppState) -> Hits {
        state.hits.clone()
    }
}

async fn tenant_allowed(origin: HeaderValue, tenants: Tenants) -> bool {
    tenants.lookups.hit();
    // A real lookup would await a database; yield once to prove the future is awaited.
    tokio::task::yield_now().await;
    let origin = origin.to_str().unwrap_or_default().to_owned();
    tenants.origins.lock().unwrap().contains(&origin)
}

fn tenant_app(state: &AppState) -> CorsRouter {
    let policy = Policy::builder("Tenants")
        .origins_async(Tenants::from_ref(state), tenant_allowed)
        .methods(["GET", "PUT"])
        .headers(["authorization"])
        .credentials(true)
        .build()
        .unwrap();
    CorsRouter::new()
        .route("/data", get(update).put(update))
        .layer(CorsLayer::from(policy))
        .with_state(state.clone())
}

#[tokio::test]
async fn async_predicate_reads_app_state_for_preflights_and_actual_requests() {
    let state = AppState::default();
    state
        .tenants
        .origins
        .lock()
        .unwrap()
        .insert("https://acme.example".to_owned());
    let app = tenant_app(&state);

    let reply = send(
        app.clone(),
        preflight("/data", "https://acme.example", "PUT")
            .header("access-control-request-headers", "authorization"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.allow_origin(), Some("https://acme.example"));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("authorization")
    );
    reply.assert_vary_has(&["origin"]);

    send(
        app.clone(),
        preflight("/data", "https://other.example", "PUT"),
    )
    .await
    .assert_rejected_preflight();
    send(
        app.clone(),
        preflight("/data", "https://acme.example", "DELETE"),
    )
    .await
    .assert_rejected_preflight();

    let reply = send(app.clone(), actual("GET", "/data", "https://acme.example")).await;
    assert_eq!(reply.body_text(), "updated");
    assert_eq!(reply.allow_origin(), Some("https://acme.example"));
    let reply = send(app.clone(), actual("GET", "/data", "https://other.example")).await;
    assert_eq!(reply.body_text(), "updated");
    assert_eq!(reply.allow_origin(), None);
    reply.assert_vary_has(&["origin"]);
    assert_eq!(state.tenants.lookups.count(), 5);

    // The table is read per request: a tenant added at run time is allowed at once.
    state
        .tenants
        .origins
        .lock()
        .unwrap()
        .insert("https://other.example".to_owned());
    let reply = send(app, actual("GET", "/data", "https://other.example")).await;
    assert_eq!(reply.allow_origin(), Some("https://other.example"));
}

#[tokio::test]
async fn async_predicate_is_not_called_without_an_origin() {
    let state = AppState::default();
    let app = tenant_app(&state);
    let reply = send(app.clone(), plain("GET", "/data")).await;
    assert_eq!(reply.body_text(), "updated");
    reply.assert_no_cors_headers();
    let reply = send(app, actual("GET", "/data", &"x".repeat(400))).await;
    assert_eq!(reply.allow_origin(), None);
    assert_eq!(state.tenants.lookups.count(), 0);
}

#[test]
fn runtime_policy_types_are_thread_safe_values() {
    fn shareable<T: Clone + std::fmt::Debug + Send + Sync + 'static>() {}
    shareable::<Policy>();
    shareable::<cors_runtime::PolicyBuilder>();
    shareable::<CorsLayer>();
    shareable::<PolicyError>();
    let builder = Policy::builder("P").origins_async((), |_, ()| async { true });
    assert!(format!("{builder:?}").contains("async predicate"));
    let policy = builder.build().unwrap();
    assert!(format!("{policy:?}").contains("Async(..)"));
}
