//! Group policies (`Policy::layer()` given to `CorsRouter::layer`): preflights and actual
//! responses of every route it covers, only those routes, authentication middleware, and
//! precedence of the more specific policy (a `with_cors!` handler's own `#[cors]`,
//! `#[cors(disable)]`, a nested group).

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, request::Parts, HeaderValue, StatusCode},
    middleware::{from_fn, from_fn_with_state, Next},
    response::{IntoResponse, Response},
    routing::{any, get},
};
use common::{actual, plain, preflight, send, send_request, Hits, ADMIN, APP, EVIL};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};

#[cors_policy(
    origins = ["https://app.example.com"],
    credentials,
    methods = [GET, POST, PUT, DELETE],
    headers = ["authorization", "content-type"],
    expose = ["x-request-id"],
    max_age = 60
)]
struct Api;

#[cors_policy(origins = ["https://app.example.com"])]
struct Defaults;

#[cors_policy(origins = ["https://app.example.com"], credentials, methods = "*", headers = "*")]
struct Echo;

#[cors_policy(origins = "*", methods = [GET], private_network, preflight_status = 200)]
struct Public;

#[cors_policy(origins = ["https://admin.example.com"])]
struct AdminGroup;

async fn list(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "tasks"
}

/// Plain axum routes under the `Api` group.
fn api(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/tasks", get(list).post(list))
        .route("/tasks/{id}", get(list).put(list).delete(list))
        .layer(Api::layer())
        .with_state(hits.clone())
}

fn vary_rejection_has_origin(reply: &common::Reply) {
    reply.assert_vary_has(&["origin"]);
}

// --- preflights of plain routes -------------------------------------------------------------

#[tokio::test]
async fn group_default_methods_are_get_head_and_post() {
    let app = || {
        CorsRouter::new()
            .route("/x", get(list).post(list).put(list))
            .layer(Defaults::layer())
            .with_state(Hits::default())
    };
    for method in ["GET", "HEAD", "POST"] {
        let reply = send(app(), preflight("/x", APP, method)).await;
        assert_eq!(reply.status, 204, "{method}");
    }
    send(app(), preflight("/x", APP, "PUT"))
        .await
        .assert_rejected_preflight();
}

#[tokio::test]
async fn group_preflights_never_reach_catch_all_or_options_handlers() {
    let hits = Hits::default();
    // One long-lived router, as a server has.
    let app = CorsRouter::new()
        .route("/any", any(list))
        .route("/opts", get(list).options(list))
        .layer(Api::layer())
        .with_state(hits.clone());
    send(app.clone(), preflight("/any", EVIL, "GET"))
        .await
        .assert_rejected_preflight();
    let allowed = send(app.clone(), preflight("/any", APP, "GET")).await;
    assert_eq!(allowed.status, 204);
    send(app.clone(), preflight("/opts", EVIL, "GET"))
        .await
        .assert_rejected_preflight();
    let allowed = send(app, preflight("/opts", APP, "GET")).await;
    assert_eq!(allowed.status, 204);
    assert_eq!(
        hits.count(),
        0,
        "preflights are answered by the group, never by a handler"
    );
}

// --- actual responses and scope -------------------------------------------------------------

/// `/health` and the fallback outside the group; `/api/*` under it.
fn scoped(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/health", get(list))
        .nest(
            "/api",
            CorsRouter::new()
                .route("/tasks", get(list))
                .layer(Api::layer()),
        )
        .with_state(hits.clone())
}

#[tokio::test]
async fn group_on_a_nested_router_decorates_only_routes_under_it() {
    let hits = Hits::default();
    let reply = send(scoped(&hits), actual("GET", "/api/tasks", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    let reply = send(scoped(&hits), actual("GET", "/health", APP)).await;
    assert_eq!(reply.status, 200);
    reply.assert_no_cors_headers();
    // No policy covers `/health`: the router refuses its preflight (it never enters the app).
    let reply = send(scoped(&hits), preflight("/health", APP, "GET")).await;
    assert_eq!(reply.status, 403, "no policy outside the group: refused");
    reply.assert_no_cors_headers();
    let reply = send(scoped(&hits), actual("GET", "/elsewhere", APP)).await;
    assert_eq!(reply.status, 404);
    reply.assert_no_cors_headers();
    assert_eq!(hits.count(), 2);
}

/// axum sends a 404 under a nested router without its own fallback to the outer router's
/// fallback, which is outside the group: no CORS headers.
#[tokio::test]
async fn group_on_a_nested_router_without_fallback_leaves_its_404s_to_the_outer_router() {
    let reply = send(scoped(&Hits::default()), actual("GET", "/api/missing", APP)).await;
    assert_eq!(reply.status, 404);
    reply.assert_no_cors_headers();
}

#[tokio::test]
async fn group_on_a_nested_router_with_its_own_fallback_decorates_its_404s() {
    let app = CorsRouter::new()
        .route("/health", get(|| async { "ok" }))
        .nest(
            "/api",
            CorsRouter::new()
                .route("/tasks", get(|| async { "tasks" }))
                .fallback(|| async { (StatusCode::NOT_FOUND, "no such api") })
                .layer(Api::layer()),
        );
    let reply = send(app.clone(), actual("GET", "/api/missing", APP)).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body_text(), "no such api");
    assert_eq!(reply.allow_origin(), Some(APP));
    reply.assert_vary_has(&["origin"]);
    let reply = send(app, actual("GET", "/missing", APP)).await;
    assert_eq!(reply.status, 404);
    reply.assert_no_cors_headers();
}

#[tokio::test]
async fn group_decorates_405_of_a_method_its_route_does_not_serve() {
    let reply = send(api(&Hits::default()), actual("PATCH", "/tasks/1", APP)).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.allow_origin(), Some(APP));
}

// --- authentication -------------------------------------------------------------------------

async fn require_bearer(request: Request, next: Next) -> Response {
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v == "Bearer secret");
    if authorized {
        next.run(request).await
    } else {
        (StatusCode::UNAUTHORIZED, "missing or bad token").into_response()
    }
}

fn authed(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/me", get(list).put(list))
        .route_layer(from_fn(require_bearer))
        .layer(Api::layer())
        .with_state(hits.clone())
}

#[tokio::test]
async fn group_answers_preflights_before_auth_without_credentials() {
    let hits = Hits::default();
    let reply = send(
        authed(&hits),
        preflight("/me", APP, "PUT").header("access-control-request-headers", "authorization"),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn group_adds_cors_headers_to_401_from_auth_so_the_browser_can_read_it() {
    let hits = Hits::default();
    let reply = send(authed(&hits), actual("GET", "/me", APP)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body_text(), "missing or bad token");
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    reply.assert_vary_has(&["origin"]);
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn group_lets_authorized_requests_through_with_cors_headers() {
    let hits = Hits::default();
    let reply = send(
        authed(&hits),
        actual("GET", "/me", APP).header("authorization", "Bearer secret"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(hits.count(), 1);
}

#[cors(origins = ["https://app.example.com"], credentials, headers = ["authorization"])]
async fn profile(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "profile"
}

fn profile_behind_auth(hits: &Hits, auth_calls: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/profile", with_cors!(get(profile)))
        .route_layer(from_fn_with_state(auth_calls.clone(), counting_bearer))
        .with_state(hits.clone())
}

async fn counting_bearer(State(calls): State<Hits>, request: Request, next: Next) -> Response {
    calls.hit();
    require_bearer(request, next).await
}

/// Was a documented limitation (the auth `route_layer` wrapped the generated `OPTIONS` handler
/// and answered 401): the router now answers the preflight before any middleware.
#[tokio::test]
async fn handler_policy_behind_auth_route_layer_answers_preflights_without_running_auth() {
    let (hits, auth_calls) = (Hits::default(), Hits::default());
    let reply = send(
        profile_behind_auth(&hits, &auth_calls),
        preflight("/profile", APP, "GET").header("access-control-request-headers", "authorization"),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    send(
        profile_behind_auth(&hits, &auth_calls),
        preflight("/profile", EVIL, "GET"),
    )
    .await
    .assert_rejected_preflight();
    assert_eq!(auth_calls.count(), 0);
    assert_eq!(hits.count(), 0);
}

/// Was a documented limitation (a 401 made by middleware outside the handler had no CORS
/// headers): the router decorates it with the handler's policy.
#[tokio::test]
async fn auth_401_of_a_handler_policy_route_carries_its_cors_headers() {
    let (hits, auth_calls) = (Hits::default(), Hits::default());
    let reply = send(
        profile_behind_auth(&hits, &auth_calls),
        actual("GET", "/profile", APP),
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(hits.count(), 0);
    let reply = send(
        profile_behind_auth(&hits, &auth_calls),
        actual("GET", "/profile", APP).header("authorization", "Bearer secret"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(auth_calls.count(), 2);
    assert_eq!(hits.count(), 1);
}

// --- the most specific policy wins ----------------------------------------------------------

#[cors(origins = ["https://admin.example.com"])]
async fn admin_only(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "admin"
}

#[cors(disable)]
async fn internal(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "internal"
}

fn mixed(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/tasks", get(list))
        .route("/admin", with_cors!(get(admin_only)))
        .route("/internal", with_cors!(get(internal)))
        .layer(Api::layer())
        .with_state(hits.clone())
}

#[tokio::test]
async fn handler_policy_beats_group_policy_for_preflights() {
    let hits = Hits::default();
    let reply = send(mixed(&hits), preflight("/admin", ADMIN, "GET")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        None,
        "the group's credentials do not leak into the handler's answer"
    );
    assert_eq!(reply.header("access-control-max-age"), None);
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn handler_policy_rejecting_an_origin_is_not_overridden_by_the_group_for_preflights() {
    let hits = Hits::default();
    let reply = send(mixed(&hits), preflight("/admin", APP, "GET")).await;
    reply.assert_rejected_preflight();
    vary_rejection_has_origin(&reply);
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn handler_policy_beats_group_policy_for_actual_responses() {
    let hits = Hits::default();
    let reply = send(mixed(&hits), actual("GET", "/admin", ADMIN)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    assert_eq!(reply.header("access-control-expose-headers"), None);
    reply.assert_vary_has(&["origin"]);
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn handler_policy_rejecting_an_origin_is_not_overridden_by_the_group_for_actual_responses() {
    let hits = Hits::default();
    let reply = send(mixed(&hits), actual("GET", "/admin", APP)).await;
    assert_eq!(reply.status, 200);
    reply.assert_no_cors_headers();
    reply.assert_vary_has(&["origin"]);
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn cors_disable_turns_cors_off_for_one_handler_inside_a_group() {
    let hits = Hits::default();
    let reply = send(mixed(&hits), preflight("/internal", APP, "GET")).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    reply.assert_no_cors_headers();
    let reply = send(mixed(&hits), actual("GET", "/internal", APP)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body_text(), "internal");
    reply.assert_no_cors_headers();
    // The rest of the group is unaffected.
    let reply = send(mixed(&hits), actual("GET", "/tasks", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(hits.count(), 2);
}

#[cors(origins = ["https://admin.example.com"])]
async fn admin_put(State(hits): State<Hits>) -> &'static str {
    hits.hit();
    "put"
}

fn chained(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/doc", with_cors!(put(admin_put)))
        .route("/doc", get(list))
        .layer(Api::layer())
        .with_state(hits.clone())
}

#[tokio::test]
async fn group_answers_preflights_for_a_plain_method_chained_after_with_cors() {
    let hits = Hits::default();
    // The plain GET handler has no policy of its own: the group's applies, as for its responses.
    let reply = send(chained(&hits), actual("GET", "/doc", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    let reply = send(chained(&hits), preflight("/doc", APP, "GET")).await;
    assert_eq!(
        reply.status,
        204,
        "{:?} {}",
        reply.headers,
        reply.body_text()
    );
    assert_eq!(reply.allow_origin(), Some(APP));
    // The annotated PUT handler keeps its own policy.
    let reply = send(chained(&hits), preflight("/doc", ADMIN, "PUT")).await;
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    send(chained(&hits), preflight("/doc", APP, "PUT"))
        .await
        .assert_rejected_preflight();
}

/// `/tasks` under `Api` only; `/admin/stats` under `AdminGroup` (inner) and `Api` (outer).
fn nested_groups(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/tasks", get(list))
        .nest(
            "/admin",
            CorsRouter::new()
                .route("/stats", get(list))
                .layer(AdminGroup::layer()),
        )
        .layer(Api::layer())
        .with_state(hits.clone())
}

#[tokio::test]
async fn inner_group_policy_beats_outer_group_policy_for_preflights() {
    let hits = Hits::default();
    let reply = send(
        nested_groups(&hits),
        preflight("/admin/stats", ADMIN, "GET"),
    )
    .await;
    assert_eq!(
        reply.status,
        204,
        "{:?} {}",
        reply.headers,
        reply.body_text()
    );
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    let reply = send(nested_groups(&hits), preflight("/admin/stats", APP, "GET")).await;
    reply.assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn inner_group_policy_beats_outer_group_policy_for_actual_responses() {
    let hits = Hits::default();
    let reply = send(nested_groups(&hits), actual("GET", "/admin/stats", ADMIN)).await;
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    let reply = send(nested_groups(&hits), actual("GET", "/admin/stats", APP)).await;
    assert_eq!(reply.status, 200);
    reply.assert_no_cors_headers();
    // Outside the inner group, the outer one still answers.
    let reply = send(nested_groups(&hits), actual("GET", "/tasks", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
}

fn admin_behind_auth_in_group(hits: &Hits) -> CorsRouter {
    CorsRouter::new()
        .route("/admin", with_cors!(get(admin_only)))
        .route_layer(from_fn(require_bearer))
        .layer(Api::layer())
        .with_state(hits.clone())
}

#[tokio::test]
async fn handler_policy_beats_group_policy_for_preflights_behind_auth_route_layer() {
    let hits = Hits::default();
    let reply = send(
        admin_behind_auth_in_group(&hits),
        preflight("/admin", ADMIN, "GET"),
    )
    .await;
    assert_eq!(
        reply.status,
        204,
        "{:?} {}",
        reply.headers,
        reply.body_text()
    );
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    let reply = send(
        admin_behind_auth_in_group(&hits),
        preflight("/admin", APP, "GET"),
    )
    .await;
    reply.assert_rejected_preflight();
}

#[tokio::test]
async fn handler_policy_beats_group_policy_for_auth_401_of_its_route() {
    let hits = Hits::default();
    // The handler policy refuses APP: the group must not add its headers.
    let reply = send(
        admin_behind_auth_in_group(&hits),
        actual("GET", "/admin", APP),
    )
    .await;
    assert_eq!(reply.status, 401);
    reply.assert_no_cors_headers();
    // The handler policy allows ADMIN: its 401 is readable by the admin front end.
    let reply = send(
        admin_behind_auth_in_group(&hits),
        actual("GET", "/admin", ADMIN),
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn group_around_a_nested_cors_router_lets_each_with_cors_route_answer_its_preflights() {
    let hits = Hits::default();
    let inner = CorsRouter::new()
        .route("/plain", get(list))
        .route("/admin", with_cors!(get(admin_only)));
    let app = CorsRouter::new()
        .nest("/v1", inner)
        .layer(Api::layer())
        .with_state(hits.clone());
    // A plain route first: the group answers it.
    let reply = send(app.clone(), preflight("/v1/plain", APP, "GET")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(APP));
    // The with_cors! route: its own policy answers.
    let reply = send(app.clone(), preflight("/v1/admin", ADMIN, "GET")).await;
    assert_eq!(
        reply.status,
        204,
        "{:?} {}",
        reply.headers,
        reply.body_text()
    );
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    send(app, preflight("/v1/admin", APP, "GET"))
        .await
        .assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

/// A `CorsRouter` given to `nest_service` is an opaque service: the outer group answers every
/// preflight under it (one policy per exchange), and the inner router says so on its first
/// request.
#[tokio::test]
async fn group_around_a_nested_service_answers_for_everything_under_it() {
    let hits = Hits::default();
    let inner = CorsRouter::new()
        .route("/admin", with_cors!(get(admin_only)))
        .with_state(hits.clone());
    let app = CorsRouter::new()
        .nest_service("/v2", inner)
        .layer(Api::layer());
    let reply = send(app.clone(), preflight("/v2/admin", APP, "GET")).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    send(app.clone(), preflight("/v2/admin", ADMIN, "GET"))
        .await
        .assert_rejected_preflight();
    let reply = send(app, actual("GET", "/v2/admin", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    assert_eq!(hits.count(), 1);
}

async fn maintenance(State(open): State<Hits>, request: Request, next: Next) -> Response {
    if open.count() == 0 {
        return (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response();
    }
    next.run(request).await
}

/// Middleware that refuses everything (maintenance) never sees a preflight: the router answers
/// it with the handler's policy, and decorates the 503.
#[tokio::test]
async fn handler_policy_answers_preflights_while_middleware_refuses_every_request() {
    let (hits, open) = (Hits::default(), Hits::default());
    let app = CorsRouter::new()
        .route("/admin", with_cors!(get(admin_only)))
        .route_layer(from_fn(require_bearer))
        .route_layer(from_fn_with_state(open.clone(), maintenance))
        .layer(Api::layer())
        .with_state(hits.clone());
    let reply = send(app.clone(), preflight("/admin", ADMIN, "GET")).await;
    assert_eq!(
        reply.status,
        204,
        "{:?} {}",
        reply.headers,
        reply.body_text()
    );
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    send(app.clone(), preflight("/admin", APP, "GET"))
        .await
        .assert_rejected_preflight();
    let reply = send(app, actual("GET", "/admin", ADMIN)).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.allow_origin(), Some(ADMIN));
}

// --- origins from env and predicates --------------------------------------------------------

#[cors_policy(origins = env("CORS_RUNTIME_TEST_GROUP_ENV_OK"))]
struct EnvOk;

#[cors_policy(origins = env("CORS_RUNTIME_TEST_GROUP_ENV_BAD"))]
struct EnvBad;

#[tokio::test]
async fn group_env_origins_are_read_when_the_layer_is_built() {
    std::env::set_var(
        "CORS_RUNTIME_TEST_GROUP_ENV_OK",
        "https://app.example.com,https://admin.example.com",
    );
    let app = CorsRouter::new()
        .route("/x", get(|| async { "x" }))
        .layer(EnvOk::layer());
    let reply = send(app.clone(), preflight("/x", ADMIN, "GET")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(ADMIN));
    let reply = send(app.clone(), actual("GET", "/x", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    send(app, preflight("/x", EVIL, "GET"))
        .await
        .assert_rejected_preflight();
}

#[test]
fn group_env_origin_with_an_invalid_entry_panics_naming_the_variable_and_the_entry() {
    std::env::set_var(
        "CORS_RUNTIME_TEST_GROUP_ENV_BAD",
        "https://app.example.com, https://*.com",
    );
    let result = catch_unwind(AssertUnwindSafe(|| {
        CorsRouter::<()>::new()
            .route("/x", get(|| async { "x" }))
            .layer(EnvBad::layer())
    }));
    let payload = result.expect_err("building the layer should panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    assert!(
        message.contains("CORS_RUNTIME_TEST_GROUP_ENV_BAD"),
        "{message}"
    );
    assert!(message.contains("https://*.com"), "{message}");
}

fn staging_origin(origin: &HeaderValue, parts: &Parts) -> bool {
    origin.as_bytes().ends_with(b".staging.example.org") && parts.uri.path().starts_with("/staging")
}

#[cors_policy(origins = staging_origin, methods = [GET, PUT])]
struct Staging;

#[tokio::test]
async fn group_predicate_origins_decide_preflights_and_actual_responses() {
    let app = || {
        CorsRouter::new()
            .route("/staging/x", get(|| async { "x" }).put(|| async { "x" }))
            .route("/prod/x", get(|| async { "x" }))
            .layer(Staging::layer())
    };
    let origin = "https://a.staging.example.org";
    let reply = send(app(), preflight("/staging/x", origin, "PUT")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.allow_origin(), Some(origin));
    let reply = send(app(), actual("GET", "/staging/x", origin)).await;
    assert_eq!(reply.allow_origin(), Some(origin));
    send(app(), preflight("/prod/x", origin, "GET"))
        .await
        .assert_rejected_preflight();
    let reply = send(app(), actual("GET", "/prod/x", origin)).await;
    assert_eq!(reply.status, 200);
    reply.assert_no_cors_headers();
}

// --- hostile input --------------------------------------------------------------------------

#[tokio::test]
async fn group_rejects_hostile_preflights_without_panicking() {
    let hits = Hits::default();
    // Non-UTF-8 origin.
    let mut request = preflight("/tasks", APP, "GET").body(Body::empty()).unwrap();
    request.headers_mut().insert(
        header::ORIGIN,
        HeaderValue::from_bytes(b"https://app.example.com\xc0\xaf").unwrap(),
    );
    send_request(api(&hits), request)
        .await
        .assert_rejected_preflight();
    // 64 KiB origin.
    let huge = format!("{APP}{}", "a".repeat(64 * 1024));
    send(api(&hits), preflight("/tasks", &huge, "GET"))
        .await
        .assert_rejected_preflight();
    // 100,000 commas.
    send(
        api(&hits),
        preflight("/tasks", APP, "POST")
            .header("access-control-request-headers", ",".repeat(100_000)),
    )
    .await
    .assert_rejected_preflight();
    // Several Access-Control-Request-Method fields.
    send(
        api(&hits),
        preflight("/tasks", APP, "GET").header("access-control-request-method", "POST"),
    )
    .await
    .assert_rejected_preflight();
    // Several Origin fields.
    send(
        api(&hits),
        preflight("/tasks", APP, "GET").header("origin", APP),
    )
    .await
    .assert_rejected_preflight();
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn group_answers_plain_options_without_origin_as_a_normal_request() {
    let reply = send(api(&Hits::default()), plain("OPTIONS", "/tasks")).await;
    assert_eq!(reply.status, 405);
    reply.assert_no_cors_headers();
}

/// The router answers a preflight before routing reaches axum's method router, so its answer
/// never carries axum's `Allow` (which listed the route's methods next to the policy's).
#[tokio::test]
async fn preflight_answers_carry_no_allow_header() {
    let reply = send(api(&Hits::default()), preflight("/tasks/1", APP, "DELETE")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("allow"), None);
    let reply = send(api(&Hits::default()), preflight("/tasks/1", EVIL, "DELETE")).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.header("allow"), None);
}
