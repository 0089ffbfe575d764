//! `origins = state(Type)`: an async `OriginCheck` taken from the router state through
//! `FromRef`, for `#[cors]` handlers (preflights and actual requests) and `#[cors_policy]`
//! groups (`layer_with_state`).

mod common;

use std::{
    collections::HashSet,
    sync::{Arc, RwLock},
};

use axum::{
    extract::{FromRef, State},
    http::{HeaderValue, StatusCode},
    routing::get,
};
use common::{actual, plain, preflight, send, Hits, APP};
use cors_runtime::{
    cors, cors_policy, policy_of, with_cors, AllowedOrigins, CorsRouter, OriginCheck,
};

const ACME: &str = "https://acme.example";
const OTHER: &str = "https://other.example";

/// The tenant table: registered front-end origins, and how many lookups were made.
#[derive(Clone, Default)]
struct Tenants {
    origins: Arc<RwLock<HashSet<String>>>,
    lookups: Hits,
}

impl Tenants {
    fn register(&self, origin: &str) {
        self.origins.write().unwrap().insert(origin.to_owned());
    }
}

impl OriginCheck for Tenants {
    async fn allows(self, origin: HeaderValue) -> bool {
        self.lookups.hit();
        // A real lookup awaits a database: yield once so that the check is really awaited.
        tokio::task::yield_now().await;
        let origin = origin.to_str().unwrap_or_default();
        self.origins.read().unwrap().contains(origin)
    }
}

#[derive(Clone, Default)]
struct AppState {
    tenants: Tenants,
    handled: Hits,
}

impl FromRef<AppState> for Tenants {
    fn from_ref(state: &AppState) -> Tenants {
        state.tenants.clone()
    }
}

#[cors(
    origins = state(Tenants),
    methods = [GET, PUT],
    headers = ["authorization"],
    credentials,
    max_age = 60
)]
async fn tasks(State(state): State<AppState>) -> &'static str {
    state.handled.hit();
    "tasks"
}

#[cors(origins = ["https://app.example.com"])]
async fn fixed() -> &'static str {
    "fixed"
}

fn app(state: &AppState) -> CorsRouter {
    CorsRouter::new()
        .route("/tasks", with_cors!(get(tasks).put(tasks)))
        .route("/fixed", with_cors!(get(fixed)))
        .with_state(state.clone())
}

#[tokio::test]
async fn handler_preflight_is_answered_from_the_tenant_table() {
    let state = AppState::default();
    state.tenants.register(ACME);
    let reply = send(
        app(&state),
        preflight("/tasks", ACME, "PUT").header("access-control-request-headers", "authorization"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.allow_origin(), Some(ACME));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(reply.header("access-control-allow-methods"), Some("PUT"));
    assert_eq!(reply.header("access-control-max-age"), Some("60"));
    reply.assert_vary_has(&["origin"]);

    send(app(&state), preflight("/tasks", OTHER, "PUT"))
        .await
        .assert_rejected_preflight();
    // The method is checked too, after the origin.
    send(app(&state), preflight("/tasks", ACME, "DELETE"))
        .await
        .assert_rejected_preflight();
    assert_eq!(
        state.tenants.lookups.count(),
        2,
        "one lookup per preflight with a handler"
    );
    assert_eq!(
        state.handled.count(),
        0,
        "preflights never reach the handler"
    );
}

#[tokio::test]
async fn handler_actual_request_is_decorated_from_the_tenant_table() {
    let state = AppState::default();
    state.tenants.register(ACME);
    let reply = send(app(&state), actual("GET", "/tasks", ACME)).await;
    assert_eq!(reply.body_text(), "tasks");
    assert_eq!(reply.allow_origin(), Some(ACME));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );

    let reply = send(app(&state), actual("PUT", "/tasks", OTHER)).await;
    assert_eq!(
        reply.body_text(),
        "tasks",
        "a refused origin still gets the response"
    );
    reply.assert_no_cors_headers();
    reply.assert_vary_has(&["origin"]);
    assert_eq!(state.tenants.lookups.count(), 2);
    assert_eq!(state.handled.count(), 2);

    // Read per request: a tenant registered at run time is allowed at once.
    state.tenants.register(OTHER);
    let reply = send(app(&state), actual("PUT", "/tasks", OTHER)).await;
    assert_eq!(reply.allow_origin(), Some(OTHER));
}

#[tokio::test]
async fn no_lookup_without_an_origin_or_for_other_policies() {
    let state = AppState::default();
    let reply = send(app(&state), plain("GET", "/tasks")).await;
    assert_eq!(reply.body_text(), "tasks");
    reply.assert_no_cors_headers();
    let reply = send(app(&state), actual("GET", "/tasks", &"x".repeat(400))).await;
    reply.assert_no_cors_headers();
    let reply = send(app(&state), actual("GET", "/fixed", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    let reply = send(app(&state), preflight("/fixed", APP, "GET")).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(state.tenants.lookups.count(), 0);
}

#[cors_policy(origins = state(Tenants), methods = [GET], credentials)]
struct TenantGroup;

async fn report(State(state): State<AppState>) -> &'static str {
    state.handled.hit();
    "report"
}

#[tokio::test]
async fn named_policy_group_layer_takes_its_check_from_the_state() {
    let state = AppState::default();
    state.tenants.register(ACME);
    let app = CorsRouter::new()
        .route("/reports", get(report))
        .layer(TenantGroup::layer_with_state(&state))
        .with_state(state.clone());
    let reply = send(app.clone(), preflight("/reports", ACME, "GET")).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.allow_origin(), Some(ACME));
    send(app.clone(), preflight("/reports", OTHER, "GET"))
        .await
        .assert_rejected_preflight();
    let reply = send(app.clone(), actual("GET", "/reports", ACME)).await;
    assert_eq!(reply.allow_origin(), Some(ACME));
    let reply = send(app, actual("GET", "/reports", OTHER)).await;
    assert_eq!(reply.allow_origin(), None);
    assert_eq!(reply.body_text(), "report");
    assert_eq!(state.tenants.lookups.count(), 4);
}

#[tokio::test]
async fn handler_policy_with_state_beats_a_group_policy() {
    let state = AppState::default();
    state.tenants.register(ACME);
    let app = CorsRouter::new()
        .route("/tasks", with_cors!(get(tasks)))
        .layer(TenantGroup::layer_with_state(&state))
        .with_state(state.clone());
    let reply = send(app.clone(), preflight("/tasks", ACME, "GET")).await;
    assert_eq!(reply.allow_origin(), Some(ACME));
    assert_eq!(
        reply.header("access-control-max-age"),
        Some("60"),
        "the handler's answer"
    );
    let reply = send(app, actual("GET", "/tasks", OTHER)).await;
    reply.assert_no_cors_headers();
}

/// A route with its own policy inside a `state(..)` group: the handler's policy answers for the
/// methods it serves (the group adds nothing, even for a tenant); the 405 of a method it does not
/// serve is the group's to decorate. The fuzz target's reference model relies on this.
#[tokio::test]
async fn state_group_decorates_only_the_405_of_a_route_with_its_own_policy() {
    let state = AppState::default();
    state.tenants.register(ACME);
    let app = CorsRouter::new()
        .route("/fixed", with_cors!(get(fixed)))
        .layer(TenantGroup::layer_with_state(&state))
        .with_state(state.clone());
    let reply = send(app.clone(), actual("GET", "/fixed", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP), "the handler's policy");
    let reply = send(app.clone(), actual("GET", "/fixed", ACME)).await;
    assert_eq!(reply.body_text(), "fixed");
    reply.assert_no_cors_headers();
    let reply = send(app, actual("POST", "/fixed", ACME)).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.allow_origin(), Some(ACME), "the group's policy");
}

#[test]
fn introspection_names_the_state_type() {
    let policy = policy_of::<tasks>();
    assert_eq!(policy.origins(), AllowedOrigins::FromState("Tenants"));
    assert!(
        policy
            .to_string()
            .contains("origins checked by `Tenants` from the app state"),
        "{policy}"
    );
}

#[test]
fn a_named_policy_with_state_origins_cannot_be_built_without_the_state() {
    let error =
        cors_runtime::Policy::new(&<TenantGroup as cors_runtime::NamedPolicy>::SPEC).unwrap_err();
    assert!(
        error
            .message()
            .contains("TenantGroup::layer_with_state(&state)"),
        "{error}"
    );
}

// `enforce` with `state(..)` origins: the refusal waits for the tenant lookup, and the handler
// (or the routes under the group) never runs for a refused origin.

#[cors(origins = state(Tenants), methods = [POST], enforce)]
async fn strict_tasks(State(state): State<AppState>) -> &'static str {
    state.handled.hit();
    "strict"
}

#[cors_policy(origins = state(Tenants), methods = [POST], enforce)]
struct StrictTenantGroup;

async fn group_handler(State(state): State<AppState>) -> &'static str {
    state.handled.hit();
    "group"
}

fn enforcing_apps(state: &AppState) -> [(CorsRouter, &'static str); 2] {
    let handler = CorsRouter::new()
        .route("/strict", with_cors!(post(strict_tasks)))
        .with_state(state.clone());
    let group = CorsRouter::new()
        .route("/g", axum::routing::post(group_handler))
        .layer(StrictTenantGroup::layer_with_state(state))
        .with_state(state.clone());
    [(handler, "/strict"), (group, "/g")]
}

#[tokio::test]
async fn enforce_with_state_origins_refuses_unknown_tenants_before_the_handler_runs() {
    let state = AppState::default();
    state.tenants.register(ACME);
    for (app, uri) in enforcing_apps(&state) {
        let reply = send(
            app,
            actual("POST", uri, OTHER).header("sec-fetch-site", "cross-site"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}: {reply:?}");
        reply.assert_no_cors_headers();
        reply.assert_vary_has(&["origin", "sec-fetch-site"]);
    }
    assert_eq!(state.handled.count(), 0, "a refused request ran a handler");
    assert_eq!(state.tenants.lookups.count(), 2, "one lookup per request");
}

#[tokio::test]
async fn enforce_with_state_origins_lets_registered_tenants_and_same_origin_through() {
    let state = AppState::default();
    state.tenants.register(ACME);
    for (app, uri) in enforcing_apps(&state) {
        let reply = send(app.clone(), actual("POST", uri, ACME)).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {reply:?}");
        assert_eq!(reply.allow_origin(), Some(ACME), "{uri}");

        let reply = send(
            app.clone(),
            actual("POST", uri, OTHER).header("sec-fetch-site", "same-origin"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: same-origin {reply:?}");
        reply.assert_no_cors_headers();

        let reply = send(app, plain("POST", uri)).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: no Origin {reply:?}");
    }
    assert_eq!(state.handled.count(), 6);
}

/// A preflight with several `Access-Control-Request-Method` fields is refused whatever its
/// origin: no async origin check is started for it (found by the fuzz target).
#[tokio::test]
async fn a_preflight_with_several_request_methods_is_refused_without_a_lookup() {
    let state = AppState::default();
    state.tenants.register(ACME);
    let app = CorsRouter::new()
        .route("/t/{id}", with_cors!(put(tasks)))
        .with_state(state.clone());
    let reply = send(
        app,
        preflight("/t/1", ACME, "PUT").header("access-control-request-method", "PUT"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(state.tenants.lookups.count(), 0);
}
