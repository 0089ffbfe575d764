//! What only handler policies (`with_cors!` routes) do with preflights: the policy of the
//! requested method answers, `HEAD` takes `GET`'s, a method without an annotated handler is
//! refused, a route's own `OPTIONS` handler, `env("VAR")` and predicate origins, hostile input.
//! The answers every mount shares (headers, refusals, origin matching) are the case table of
//! `tests/cases.rs`.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use axum::{
    extract::State,
    http::{request::Parts, HeaderValue},
};
use common::{plain, preflight, send, Hits, ADMIN, APP, EVIL};
use cors_runtime::{cors, with_cors, CorsRouter};

// --- handlers -----------------------------------------------------------------------------

#[cors(origins = ["https://app.example.com"], headers = ["content-type", "x-api-key"], max_age = 600)]
async fn update_task(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "updated"
}

#[cors(origins = ["https://admin.example.com"], credentials)]
async fn delete_task(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "deleted"
}

async fn describe(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "PUT, DELETE"
}

/// `/tasks/{id}`: PUT and DELETE with different policies, and a user `OPTIONS` handler.
/// `/bare/{id}`: the same handlers without a user `OPTIONS` handler.
fn tasks(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route(
            "/tasks/{id}",
            with_cors!(put(update_task).delete(delete_task).options(describe)),
        )
        .route(
            "/bare/{id}",
            with_cors!(put(update_task).delete(delete_task)),
        )
        .with_state(hits.clone())
}

#[cors(origins = "*")]
async fn public_list() -> &'static str {
    "public"
}

#[cors(origins = ["https://app.example.com"], preflight_status = 200)]
async fn status_200() {}

#[cors(origins = ["https://app.example.com"], credentials, methods = "*")]
async fn any_method() {}

#[cors(origins = ["https://app.example.com"], credentials, headers = "*")]
async fn any_header() {}

#[cors(origins = ["https://app.example.com"], private_network)]
async fn private_ok() {}

#[cors(origins = ["https://app.example.com"])]
async fn private_refused() {}

#[cors(origins = ["null"], allow_null_origin)]
async fn null_ok() {}

#[cors(origins = ["https://*.example.com"])]
async fn subdomains() {}

fn misc() -> CorsRouter {
    CorsRouter::new()
        .route("/public", with_cors!(get(public_list)))
        .route("/status-200", with_cors!(post(status_200)))
        .route("/any-method", with_cors!(patch(any_method)))
        .route("/any-header", with_cors!(post(any_header)))
        .route("/private-ok", with_cors!(get(private_ok)))
        .route("/private-refused", with_cors!(get(private_refused)))
        .route("/null", with_cors!(get(null_ok)))
        .route("/subdomains", with_cors!(get(subdomains)))
}

// --- who answers --------------------------------------------------------------------------

#[tokio::test]
async fn preflight_uses_policy_of_requested_method() {
    let hits = Hits::default();
    let put_from_app = send(tasks(&hits), preflight("/tasks/1", APP, "PUT")).await;
    assert_eq!(put_from_app.status, 204);
    assert_eq!(put_from_app.allow_origin(), Some(APP));

    let delete_from_admin = send(tasks(&hits), preflight("/tasks/1", ADMIN, "DELETE")).await;
    assert_eq!(delete_from_admin.status, 204);
    assert_eq!(delete_from_admin.allow_origin(), Some(ADMIN));
    assert_eq!(
        delete_from_admin.header("access-control-allow-credentials"),
        Some("true")
    );

    // Each origin is allowed only by the policy of its own method.
    send(tasks(&hits), preflight("/tasks/1", APP, "DELETE"))
        .await
        .assert_rejected_preflight();
    send(tasks(&hits), preflight("/tasks/1", ADMIN, "PUT"))
        .await
        .assert_rejected_preflight();
    assert_eq!(hits.count(), 0, "preflights never reach a handler");
}

#[tokio::test]
async fn preflight_for_a_method_without_annotated_handler_is_rejected() {
    let hits = Hits::default();
    let reply = send(tasks(&hits), preflight("/tasks/1", APP, "PATCH")).await;
    reply.assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
    // GET is not mounted either (and so neither is HEAD).
    send(tasks(&hits), preflight("/bare/1", APP, "GET"))
        .await
        .assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn preflight_for_head_uses_the_policy_of_the_get_handler() {
    let origin = "https://a.example.com";
    let reply = send(misc(), preflight("/subdomains", origin, "HEAD")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(origin));
    assert_eq!(reply.header("access-control-allow-methods"), Some("HEAD"));
}

// --- rejections ---------------------------------------------------------------------------

#[tokio::test]
async fn preflight_for_an_unmounted_method_is_rejected_without_reaching_any_handler() {
    let hits = Hits::default();
    let reply = send(tasks(&hits), preflight("/tasks/1", ADMIN, "POST")).await;
    reply.assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

// --- OPTIONS that are not preflights -------------------------------------------------------

#[tokio::test]
async fn options_without_request_method_reaches_the_user_options_handler() {
    let hits = Hits::default();
    let reply = send(
        tasks(&hits),
        plain("OPTIONS", "/tasks/1").header("origin", APP),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body_text(), "PUT, DELETE");
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn options_without_origin_is_not_a_preflight() {
    let hits = Hits::default();
    let reply = send(
        tasks(&hits),
        plain("OPTIONS", "/tasks/1").header("access-control-request-method", "PUT"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body_text(), "PUT, DELETE");
    reply.assert_no_cors_headers();
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn options_without_request_method_gets_405_with_allow_when_there_is_no_user_handler() {
    let hits = Hits::default();
    let reply = send(
        tasks(&hits),
        plain("OPTIONS", "/bare/1").header("origin", APP),
    )
    .await;
    assert_eq!(reply.status, 405);
    let allow = reply.header("allow").expect("405 carries Allow");
    let allow: Vec<&str> = allow.split(',').map(str::trim).collect();
    assert!(
        allow.contains(&"PUT") && allow.contains(&"DELETE"),
        "{allow:?}"
    );
    reply.assert_no_cors_headers();
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn user_options_handler_inside_with_cors_builds_and_preflights_still_work() {
    // Building the router did not panic (no overlapping OPTIONS route) ...
    let hits = Hits::default();
    let app = tasks(&hits);
    // ... and the generated handler still answers preflights.
    let reply = send(app, preflight("/tasks/1", APP, "PUT")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(hits.count(), 0);
}

// --- origin matching ----------------------------------------------------------------------

// --- env("VAR") origins -------------------------------------------------------------------

#[cors(origins = env("CORS_RUNTIME_TEST_PREFLIGHT_ENV_OK"))]
async fn env_ok() {}

#[cors(origins = env("CORS_RUNTIME_TEST_PREFLIGHT_ENV_BAD"))]
async fn env_bad() {}

#[cors(origins = env("CORS_RUNTIME_TEST_PREFLIGHT_ENV_UNSET"))]
async fn env_unset() {}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[tokio::test]
async fn env_origins_are_read_when_the_router_is_built() {
    std::env::set_var(
        "CORS_RUNTIME_TEST_PREFLIGHT_ENV_OK",
        " https://app.example.com , https://*.env.example.com",
    );
    let app = CorsRouter::new().route("/env", with_cors!(get(env_ok)));
    let reply = send(app.clone(), preflight("/env", APP, "GET")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(APP));
    let reply = send(
        app.clone(),
        preflight("/env", "https://a.env.example.com", "GET"),
    )
    .await;
    assert_eq!(reply.status, 204);
    send(app, preflight("/env", EVIL, "GET"))
        .await
        .assert_rejected_preflight();
}

#[test]
fn env_origin_with_an_invalid_entry_panics_naming_the_variable_and_the_entry() {
    std::env::set_var(
        "CORS_RUNTIME_TEST_PREFLIGHT_ENV_BAD",
        "https://ok.example.com,https://bad.example.com/",
    );
    let result = catch_unwind(AssertUnwindSafe(|| {
        CorsRouter::<()>::new().route("/env", with_cors!(get(env_bad)))
    }));
    let message = panic_message(result.expect_err("router construction should panic"));
    assert!(
        message.contains("CORS_RUNTIME_TEST_PREFLIGHT_ENV_BAD"),
        "{message}"
    );
    assert!(message.contains("https://bad.example.com/"), "{message}");
}

#[test]
fn env_origin_that_is_not_set_panics_naming_the_variable() {
    std::env::remove_var("CORS_RUNTIME_TEST_PREFLIGHT_ENV_UNSET");
    let result = catch_unwind(AssertUnwindSafe(|| {
        CorsRouter::<()>::new().route("/env", with_cors!(get(env_unset)))
    }));
    let message = panic_message(result.expect_err("router construction should panic"));
    assert!(
        message.contains("CORS_RUNTIME_TEST_PREFLIGHT_ENV_UNSET"),
        "{message}"
    );
}

// --- predicate origins --------------------------------------------------------------------

fn partner_origin(origin: &HeaderValue, parts: &Parts) -> bool {
    origin.as_bytes().starts_with(b"https://")
        && origin.as_bytes().ends_with(b".partner.test")
        && parts.uri.path().starts_with("/partners/")
}

#[cors(origins = partner_origin)]
async fn partner() {}

fn partners() -> CorsRouter {
    CorsRouter::new()
        .route("/partners/{id}", with_cors!(get(partner)))
        .route("/other", with_cors!(get(partner)))
}

#[tokio::test]
async fn predicate_origins_allow_what_the_function_accepts() {
    let reply = send(
        partners(),
        preflight("/partners/1", "https://a.partner.test", "GET"),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some("https://a.partner.test"));
    reply.assert_vary_has(&["origin"]);
}

#[tokio::test]
async fn predicate_origins_reject_what_the_function_refuses() {
    send(partners(), preflight("/partners/1", EVIL, "GET"))
        .await
        .assert_rejected_preflight();
    // The predicate sees the request head: same origin, another path.
    send(
        partners(),
        preflight("/other", "https://a.partner.test", "GET"),
    )
    .await
    .assert_rejected_preflight();
}

// --- hostile input ------------------------------------------------------------------------

#[tokio::test]
async fn huge_origin_is_rejected_without_panicking() {
    // 64 KiB that start like an allowed origin (exact list) ...
    let origin = format!("{APP}{}", "a".repeat(64 * 1024));
    let reply = send(
        tasks(&Hits::default()),
        preflight("/tasks/1", &origin, "PUT"),
    )
    .await;
    reply.assert_rejected_preflight();
    // ... and 64 KiB of labels that end like the domain of a pattern but not with it.
    let origin = format!("https://{}example.com.evil", "a.".repeat(32 * 1024));
    let reply = send(misc(), preflight("/subdomains", &origin, "GET")).await;
    reply.assert_rejected_preflight();
}

#[tokio::test]
async fn request_headers_with_100000_commas_are_rejected_without_panicking() {
    let commas = ",".repeat(100_000);
    let reply = send(
        misc(),
        preflight("/any-header", APP, "POST").header("access-control-request-headers", &commas),
    )
    .await;
    reply.assert_rejected_preflight();
    let reply = send(
        tasks(&Hits::default()),
        preflight("/tasks/1", APP, "PUT").header("access-control-request-headers", &commas),
    )
    .await;
    reply.assert_rejected_preflight();
}
