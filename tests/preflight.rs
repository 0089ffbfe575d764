//! Preflights answered by `with_cors!` routes (handler policies): who answers, with which
//! headers, what is rejected and how, origin matching, `env("VAR")` and predicate origins, and
//! hostile input.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use axum::{
    body::Body,
    extract::State,
    http::{request::Parts, HeaderValue, Request},
};
use common::{plain, preflight, send, send_request, Hits, ADMIN, APP, EVIL};
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
async fn allowed_preflight_is_204_with_empty_body_and_all_cors_headers() {
    let hits = Hits::default();
    let reply = send(
        tasks(&hits),
        preflight("/tasks/1", APP, "PUT").header("access-control-request-headers", "content-type"),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
    assert_eq!(reply.allow_origin(), Some(APP));
    let methods = reply.header("access-control-allow-methods").unwrap();
    assert!(methods.split(',').any(|m| m.trim() == "PUT"), "{methods}");
    let headers = reply.header("access-control-allow-headers").unwrap();
    assert!(
        headers
            .split(',')
            .any(|h| h.trim().eq_ignore_ascii_case("content-type")),
        "{headers}"
    );
    assert_eq!(reply.header("access-control-max-age"), Some("600"));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    assert_eq!(reply.header("access-control-allow-private-network"), None);
    reply.assert_vary_has(&[
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
    ]);
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn allow_headers_is_omitted_when_no_headers_were_requested() {
    let reply = send(tasks(&Hits::default()), preflight("/tasks/1", APP, "PUT")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-headers"), None);
}

#[tokio::test]
async fn credentials_policy_answers_allow_credentials_true() {
    let reply = send(
        tasks(&Hits::default()),
        preflight("/bare/1", ADMIN, "DELETE"),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    reply.assert_vary_has(&["origin"]);
}

#[tokio::test]
async fn preflight_status_200_is_used_when_configured() {
    let reply = send(misc(), preflight("/status-200", APP, "POST")).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
    assert_eq!(reply.allow_origin(), Some(APP));
}

#[tokio::test]
async fn any_origin_without_credentials_is_answered_with_a_literal_star() {
    let reply = send(misc(), preflight("/public", EVIL, "GET")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some("*"));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
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

#[tokio::test]
async fn methods_any_with_credentials_echoes_the_requested_method() {
    let reply = send(misc(), preflight("/any-method", APP, "PATCH")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-methods"), Some("PATCH"));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(reply.allow_origin(), Some(APP));
}

#[tokio::test]
async fn headers_any_echoes_requested_headers_and_never_answers_star() {
    let reply = send(
        misc(),
        preflight("/any-header", APP, "POST")
            .header("access-control-request-headers", "authorization,x-custom"),
    )
    .await;
    assert_eq!(reply.status, 204);
    let allowed: Vec<String> = reply
        .headers
        .get_all("access-control-allow-headers")
        .iter()
        .flat_map(|v| {
            v.to_str()
                .unwrap()
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(allowed.contains(&"authorization".to_owned()), "{allowed:?}");
    assert!(allowed.contains(&"x-custom".to_owned()), "{allowed:?}");
    assert!(!allowed.contains(&"*".to_owned()), "{allowed:?}");
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
}

#[tokio::test]
async fn private_network_preflight_is_allowed_when_the_policy_allows_it() {
    let reply = send(
        misc(),
        preflight("/private-ok", APP, "GET")
            .header("access-control-request-private-network", "true"),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-private-network"),
        Some("true")
    );
}

#[tokio::test]
async fn private_network_preflight_is_answered_without_the_grant_when_the_policy_does_not_allow_it()
{
    // As rs/cors and the Private Network Access draft: the CORS preflight is answered as usual,
    // without `Access-Control-Allow-Private-Network`; the browser decides.
    let reply = send(
        misc(),
        preflight("/private-refused", APP, "GET")
            .header("access-control-request-private-network", "true"),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(reply.header("access-control-allow-private-network"), None);
    // Not asked: no Access-Control-Allow-Private-Network.
    let reply = send(misc(), preflight("/private-ok", APP, "GET")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-private-network"), None);
}

// --- rejections ---------------------------------------------------------------------------

#[tokio::test]
async fn preflight_from_a_disallowed_origin_is_rejected_without_reaching_any_handler() {
    let hits = Hits::default();
    let reply = send(tasks(&hits), preflight("/tasks/1", EVIL, "PUT")).await;
    reply.assert_rejected_preflight();
    reply.assert_vary_has(&["origin"]);
    assert_eq!(
        hits.count(),
        0,
        "neither the PUT handler nor the user OPTIONS handler ran"
    );
}

#[tokio::test]
async fn preflight_with_a_disallowed_request_header_is_rejected() {
    let hits = Hits::default();
    let reply = send(
        tasks(&hits),
        preflight("/tasks/1", APP, "PUT")
            .header("access-control-request-headers", "content-type, x-other"),
    )
    .await;
    reply.assert_rejected_preflight();
    reply.assert_vary_has(&["origin"]);
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn preflight_request_headers_compare_case_insensitively() {
    let reply = send(
        tasks(&Hits::default()),
        preflight("/tasks/1", APP, "PUT")
            .header("access-control-request-headers", "Content-Type,X-API-KEY"),
    )
    .await;
    assert_eq!(reply.status, 204);
}

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

#[tokio::test]
async fn variants_of_an_allowed_origin_are_rejected() {
    for origin in [
        "https://app.example.com/",
        "https://APP.example.com",
        "HTTPS://app.example.com",
        "https://app.example.com:443",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://app.example.co",
        "https://app.example.com.evil.com",
        " https://app.example.com",
    ] {
        let reply = send(
            tasks(&Hits::default()),
            preflight("/tasks/1", origin, "PUT"),
        )
        .await;
        assert!(
            reply.status.is_client_error(),
            "{origin} should be rejected"
        );
        reply.assert_no_cors_headers();
    }
}

#[tokio::test]
async fn null_origin_is_rejected_unless_allowed() {
    let reply = send(
        tasks(&Hits::default()),
        preflight("/tasks/1", "null", "PUT"),
    )
    .await;
    reply.assert_rejected_preflight();
}

#[tokio::test]
async fn null_origin_is_accepted_with_allow_null_origin() {
    let reply = send(misc(), preflight("/null", "null", "GET")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some("null"));
    send(misc(), preflight("/null", APP, "GET"))
        .await
        .assert_rejected_preflight();
}

#[tokio::test]
async fn subdomain_pattern_matches_subdomains_over_https() {
    for origin in [
        "https://a.example.com",
        "https://a.b.example.com",
        "https://x-1.example.com",
    ] {
        let reply = send(misc(), preflight("/subdomains", origin, "GET")).await;
        assert_eq!(reply.status, 204, "{origin}");
        assert_eq!(reply.allow_origin(), Some(origin));
        reply.assert_vary_has(&["origin"]);
    }
}

#[tokio::test]
async fn subdomain_pattern_rejects_lookalikes_other_schemes_and_ports() {
    for origin in [
        "https://example.com",
        "https://evilexample.com",
        "https://a.evilexample.com",
        "https://example.com.evil.com",
        "https://a.example.com.evil.com",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://a.example.com:443",
        "https://a.example.com/",
        "https://.example.com",
        "https://a..example.com",
        "https://A.example.com",
        "wss://a.example.com",
    ] {
        let reply = send(misc(), preflight("/subdomains", origin, "GET")).await;
        assert!(
            reply.status.is_client_error(),
            "{origin} should be rejected"
        );
        reply.assert_no_cors_headers();
    }
}

#[tokio::test]
async fn several_origin_headers_are_treated_as_disallowed() {
    let hits = Hits::default();
    let reply = send(
        tasks(&hits),
        preflight("/tasks/1", APP, "PUT").header("origin", APP),
    )
    .await;
    reply.assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

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
async fn non_utf8_origin_is_rejected_without_panicking() {
    let hits = Hits::default();
    let request = preflight("/tasks/1", APP, "PUT")
        .body(Body::empty())
        .unwrap();
    let (mut parts, body) = request.into_parts();
    parts.headers.insert(
        "origin",
        HeaderValue::from_bytes(b"https://app.example.com\xff\xfe").unwrap(),
    );
    let reply = send_request(tasks(&hits), Request::from_parts(parts, body)).await;
    reply.assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

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

#[tokio::test]
async fn several_request_method_headers_are_rejected_without_panicking() {
    let hits = Hits::default();
    let reply = send(
        tasks(&hits),
        preflight("/tasks/1", APP, "PUT").header("access-control-request-method", "PUT"),
    )
    .await;
    reply.assert_rejected_preflight();
    let reply = send(
        tasks(&hits),
        preflight("/tasks/1", APP, "PUT").header("access-control-request-method", "DELETE"),
    )
    .await;
    reply.assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}
