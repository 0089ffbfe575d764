//! How CORS composes with the rest of an app, written as users write it first: authentication
//! middleware (`Router::route_layer(from_fn(auth))`), `any(h)`, a route's own `.options(h)`,
//! `nest`, `merge`, a forgotten `with_cors!`, layers in either order. Counters prove that no
//! handler and no middleware runs for a preflight, from an allowed or a refused origin, and
//! each exchange is checked for one policy: the one that approved the preflight decorates the
//! actual request.

mod common;

use std::sync::{Arc, Mutex};

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{any, get, post, put},
    Router,
};
use common::{actual, preflight, send, Hits, ADMIN, APP, EVIL};
use cors_runtime::{cors, cors_policy, with_cors, CorsLayer, CorsRouter, Policy};
use tracing_subscriber::{fmt::MakeWriter, util::SubscriberInitExt, EnvFilter};

#[cors_policy(origins = ["https://app.example.com"], methods = [GET, PUT, POST], headers = ["authorization"], credentials)]
struct Api;

#[cors_policy(origins = ["https://admin.example.com"], methods = [GET, PUT], headers = ["authorization"], credentials)]
struct AdminGroup;

/// What ran, counted: handlers and middleware.
#[derive(Clone, Default)]
struct Counters {
    handler: Hits,
    auth: Hits,
}

async fn counted(State(counters): State<Counters>) -> &'static str {
    counters.handler.hit();
    "handler ran"
}

async fn bearer(State(counters): State<Counters>, request: Request, next: Next) -> Response {
    counters.auth.hit();
    match request.headers().get("authorization") {
        Some(value) if value == "Bearer token" => next.run(request).await,
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// Preflights for PUT from an allowed and a refused origin, with `Authorization` requested.
async fn two_preflights(app: &Router, uri: &str, allowed: &str) -> (common::Reply, common::Reply) {
    let ok = send(
        app.clone(),
        preflight(uri, allowed, "PUT").header("access-control-request-headers", "authorization"),
    )
    .await;
    let refused = send(
        app.clone(),
        preflight(uri, EVIL, "PUT").header("access-control-request-headers", "authorization"),
    )
    .await;
    (ok, refused)
}

// --- A preflight never enters the app --------------------------------------------------------

#[tokio::test]
async fn group_answers_preflights_without_running_an_any_handler() {
    let counters = Counters::default();
    let app = CorsRouter::new()
        .route("/hook", any(counted))
        .layer(Api::layer())
        .with_state(counters.clone())
        .into_router();
    let (ok, refused) = two_preflights(&app, "/hook", APP).await;
    assert_eq!(ok.status, 204);
    assert_eq!(ok.allow_origin(), Some(APP));
    assert_eq!(refused.status, 403);
    assert_eq!(refused.allow_origin(), None);
    assert_eq!(
        counters.handler.count(),
        0,
        "`any` handler ran for a preflight"
    );
    // The actual request reaches it, decorated.
    let reply = send(app, actual("POST", "/hook", APP)).await;
    assert_eq!(reply.body_text(), "handler ran");
    assert_eq!(reply.allow_origin(), Some(APP));
}

#[tokio::test]
async fn group_layer_on_a_plain_axum_router_answers_preflights_itself() {
    let counters = Counters::default();
    let app: Router = Router::new()
        .route("/hook", any(counted).options(counted))
        .layer(Api::layer())
        .with_state(counters.clone());
    let (ok, refused) = two_preflights(&app, "/hook", APP).await;
    assert_eq!(
        (ok.status, refused.status),
        (StatusCode::NO_CONTENT, StatusCode::FORBIDDEN)
    );
    assert_eq!(counters.handler.count(), 0);
}

#[tokio::test]
async fn preflights_never_run_a_routes_own_options_handler_or_middleware() {
    let counters = Counters::default();
    let app = CorsRouter::new()
        .route("/tasks/{id}", get(counted).put(counted).options(counted))
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .layer(Api::layer())
        .with_state(counters.clone())
        .into_router();
    let (ok, refused) = two_preflights(&app, "/tasks/1", APP).await;
    assert_eq!(ok.status, 204);
    assert_eq!(refused.status, 403);
    assert_eq!(counters.handler.count(), 0);
    assert_eq!(
        counters.auth.count(),
        0,
        "auth middleware ran for a preflight"
    );
    // A plain `OPTIONS` (no `Origin`) is an ordinary request: auth, then the handler.
    let reply = send(
        app,
        common::plain("OPTIONS", "/tasks/1").header("authorization", "Bearer token"),
    )
    .await;
    assert_eq!(reply.body_text(), "handler ran");
    assert_eq!(counters.auth.count(), 1);
}

#[tokio::test]
async fn layers_in_either_order_keep_preflights_out_of_auth() {
    let counters = Counters::default();
    // CORS first, auth second: on a plain axum Router auth would wrap CORS.
    let app = CorsRouter::new()
        .route("/tasks/{id}", put(counted))
        .layer(Api::layer())
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .with_state(counters.clone())
        .into_router();
    let (ok, refused) = two_preflights(&app, "/tasks/1", APP).await;
    assert_eq!(
        (ok.status, refused.status),
        (StatusCode::NO_CONTENT, StatusCode::FORBIDDEN)
    );
    assert_eq!(counters.auth.count(), 0);
    let unauthorized = send(app, actual("PUT", "/tasks/1", APP)).await;
    assert_eq!(unauthorized.status, 401);
    assert_eq!(unauthorized.allow_origin(), Some(APP));
    assert_eq!(
        unauthorized.header("access-control-allow-credentials"),
        Some("true")
    );
}

// --- Handler policies with middleware auth --------------------------------------------------

#[cors(origins = ["https://app.example.com"], headers = ["authorization"], credentials)]
async fn update_task(State(counters): State<Counters>) -> &'static str {
    counters.handler.hit();
    "updated"
}

fn handler_policy_behind_auth(counters: &Counters) -> Router {
    CorsRouter::new()
        .route("/tasks/{id}", with_cors!(put(update_task)))
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .with_state(counters.clone())
        .into_router()
}

#[tokio::test]
async fn handler_policy_answers_preflights_before_router_route_layer_auth() {
    let counters = Counters::default();
    let app = handler_policy_behind_auth(&counters);
    let (ok, refused) = two_preflights(&app, "/tasks/1", APP).await;
    assert_eq!(ok.status, 204);
    assert_eq!(
        ok.header("access-control-allow-headers"),
        Some("authorization")
    );
    assert_eq!(refused.status, 403);
    assert_eq!(counters.auth.count(), 0);
    assert_eq!(counters.handler.count(), 0);
}

#[tokio::test]
async fn auth_401_of_a_handler_policy_route_carries_the_handlers_cors_headers() {
    let counters = Counters::default();
    let app = handler_policy_behind_auth(&counters);
    let unauthorized = send(app.clone(), actual("PUT", "/tasks/1", APP)).await;
    assert_eq!(unauthorized.status, 401);
    assert_eq!(unauthorized.allow_origin(), Some(APP));
    assert_eq!(
        unauthorized.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(counters.handler.count(), 0);
    let ok = send(
        app.clone(),
        actual("PUT", "/tasks/1", APP).header("authorization", "Bearer token"),
    )
    .await;
    assert_eq!(
        (ok.status, ok.body_text().as_str()),
        (StatusCode::OK, "updated")
    );
    assert_eq!(ok.allow_origin(), Some(APP));
    let foreign = send(
        app,
        actual("PUT", "/tasks/1", EVIL).header("authorization", "Bearer token"),
    )
    .await;
    assert_eq!(foreign.allow_origin(), None);
}

#[tokio::test]
async fn per_route_method_router_layer_auth_also_stays_inside() {
    let counters = Counters::default();
    let app = CorsRouter::new()
        .route(
            "/tasks/{id}",
            with_cors!(put(update_task))
                .route_layer(middleware::from_fn_with_state(counters.clone(), bearer)),
        )
        .with_state(counters.clone())
        .into_router();
    let (ok, _) = two_preflights(&app, "/tasks/1", APP).await;
    assert_eq!(ok.status, 204);
    assert_eq!(counters.auth.count(), 0);
    let unauthorized = send(app, actual("PUT", "/tasks/1", APP)).await;
    assert_eq!(
        (unauthorized.status, unauthorized.allow_origin()),
        (StatusCode::UNAUTHORIZED, Some(APP))
    );
}

// --- One policy per exchange ------------------------------------------------------------------

#[cors(policy = Api, origins = ["https://app.example.com", "https://admin.example.com"])]
async fn shared_task(State(counters): State<Counters>) -> &'static str {
    counters.handler.hit();
    "shared"
}

#[tokio::test]
async fn handler_policy_inside_a_group_behind_auth_decides_both_halves_of_the_exchange() {
    let counters = Counters::default();
    let app = CorsRouter::new()
        .route("/shared", with_cors!(put(shared_task)))
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .layer(Api::layer())
        .with_state(counters.clone())
        .into_router();
    // The partner (ADMIN) is allowed by the handler, not by the group: both halves agree.
    let pre = send(
        app.clone(),
        preflight("/shared", ADMIN, "PUT")
            .header("access-control-request-headers", "authorization"),
    )
    .await;
    assert_eq!(
        (pre.status, pre.allow_origin()),
        (StatusCode::NO_CONTENT, Some(ADMIN))
    );
    let unauthorized = send(app.clone(), actual("PUT", "/shared", ADMIN)).await;
    assert_eq!(
        (unauthorized.status, unauthorized.allow_origin()),
        (StatusCode::UNAUTHORIZED, Some(ADMIN))
    );
    let ok = send(
        app.clone(),
        actual("PUT", "/shared", ADMIN).header("authorization", "Bearer token"),
    )
    .await;
    assert_eq!(
        (ok.status, ok.allow_origin()),
        (StatusCode::OK, Some(ADMIN))
    );
    assert_eq!(counters.auth.count(), 2);
    // A method without a handler of its own falls to the group.
    let get = send(app, preflight("/shared", ADMIN, "GET")).await;
    assert_eq!(get.status, 403);
}

#[tokio::test]
async fn inner_group_beats_outer_group_in_nested_routers_for_both_halves() {
    let counters = Counters::default();
    let admin = CorsRouter::new()
        .route("/stats", put(counted))
        .layer(AdminGroup::layer());
    let app = CorsRouter::new()
        .route("/tasks", put(counted))
        .nest("/admin", admin)
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .layer(Api::layer())
        .with_state(counters.clone())
        .into_router();
    let (ok, refused) = two_preflights(&app, "/admin/stats", ADMIN).await;
    assert_eq!(
        (ok.status, refused.status),
        (StatusCode::NO_CONTENT, StatusCode::FORBIDDEN)
    );
    let by_outer = send(app.clone(), preflight("/admin/stats", APP, "PUT")).await;
    assert_eq!(
        by_outer.status, 403,
        "the outer group answered for the inner one"
    );
    let unauthorized = send(app.clone(), actual("PUT", "/admin/stats", ADMIN)).await;
    assert_eq!(unauthorized.allow_origin(), Some(ADMIN));
    let tasks = send(app, actual("PUT", "/tasks", APP)).await;
    assert_eq!(tasks.allow_origin(), Some(APP));
    assert_eq!(counters.handler.count(), 0);
}

#[tokio::test]
async fn runtime_built_policy_answers_preflights_before_auth() {
    let counters = Counters::default();
    let policy = Policy::builder("Uploads")
        .origins(["https://app.example.com"])
        .methods(["PUT"])
        .headers(["authorization"])
        .build()
        .unwrap();
    let app = CorsRouter::new()
        .route("/uploads/{id}", any(counted))
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .layer(CorsLayer::from(policy))
        .with_state(counters.clone())
        .into_router();
    let (ok, refused) = two_preflights(&app, "/uploads/1", APP).await;
    assert_eq!(
        (ok.status, refused.status),
        (StatusCode::NO_CONTENT, StatusCode::FORBIDDEN)
    );
    assert_eq!(counters.auth.count() + counters.handler.count(), 0);
}

#[tokio::test]
async fn a_route_no_policy_covers_gets_its_preflights_refused_without_running() {
    let counters = Counters::default();
    let app = CorsRouter::new()
        .route("/internal", any(counted))
        .with_state(counters.clone())
        .into_router();
    let reply = send(app, preflight("/internal", APP, "PUT")).await;
    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.body_text(),
        "CORS preflight rejected: no CORS policy covers this route"
    );
    assert_eq!(counters.handler.count(), 0);
}

#[tokio::test]
async fn a_router_converted_then_nested_in_axum_still_finds_its_routes() {
    let counters = Counters::default();
    let api = CorsRouter::new()
        .route("/tasks/{id}", with_cors!(put(update_task)))
        .with_state(counters.clone())
        .into_router();
    let app: Router = Router::new().nest("/v1", api);
    let reply = send(app, preflight("/v1/tasks/1", APP, "PUT")).await;
    assert_eq!(reply.status, 204);
}

// --- Misuse is never silent -------------------------------------------------------------------

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Sends `request` to `app` and returns what `cors_runtime` logged at `error` level.
async fn errors_of(app: Router, request: axum::http::request::Builder) -> (common::Reply, String) {
    let log = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("cors_runtime=error"))
        .with_writer(log.clone())
        .with_ansi(false)
        .finish()
        .set_default();
    let reply = send(app, request).await;
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    (reply, text)
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn forgotten_list() -> &'static str {
    "list"
}

#[tokio::test]
async fn an_annotated_handler_mounted_without_with_cors_is_reported() {
    // The natural slip: `get(handler)` instead of `with_cors!(get(handler))`, inside a group.
    #[cors_policy(origins = "*")]
    pub(crate) struct Public;
    let app = CorsRouter::new()
        .route("/forgotten", get(forgotten_list))
        .layer(Public::layer())
        .into_router();
    let (reply, errors) = errors_of(app, actual("GET", "/forgotten", APP)).await;
    assert_eq!(reply.allow_origin(), Some("*"));
    assert!(
        errors.contains("handler `forgotten_list` has #[cors(...)] but route `/forgotten` mounts it without `with_cors!`"),
        "{errors}"
    );
    assert!(
        errors.contains("the policy `Public` answers for it"),
        "{errors}"
    );
}

#[cors(origins = ["https://app.example.com"])]
async fn outside_any_router() -> &'static str {
    "plain"
}

#[tokio::test]
async fn an_annotated_handler_in_a_plain_axum_router_is_reported() {
    let app: Router = Router::new().route("/plain", get(outside_any_router));
    let (reply, errors) = errors_of(app, actual("GET", "/plain", APP)).await;
    assert_eq!(reply.allow_origin(), None);
    assert!(
        errors.contains(
            "handler `outside_any_router` has #[cors(...)] but is served outside a `CorsRouter`"
        ),
        "{errors}"
    );
}

#[tokio::test]
async fn a_cors_layer_inside_a_route_of_the_router_is_reported() {
    #[cors_policy(origins = ["https://app.example.com"], methods = [PUT])]
    pub(crate) struct Inner;
    let app = CorsRouter::new()
        .route("/inner", put(|| async { "ok" }).layer(Inner::layer()))
        .into_router();
    // The router has no policy for the route: it refuses the preflight...
    let pre = send(app.clone(), preflight("/inner", APP, "PUT")).await;
    assert_eq!(pre.status, 403);
    // ...and the first actual request says why.
    let (reply, errors) = errors_of(app, actual("PUT", "/inner", APP)).await;
    assert_eq!(reply.allow_origin(), None, "the inner layer stood down");
    assert!(
        errors.contains("CORS layer `Inner` is inside a `CorsRouter`"),
        "{errors}"
    );
}

#[tokio::test]
async fn nested_group_layers_on_a_plain_axum_router_use_the_outer_policy_and_say_so() {
    let counters = Counters::default();
    let admin: Router<Counters> = Router::new()
        .route("/stats", put(counted))
        .layer(AdminGroup::layer());
    let app: Router = Router::new()
        .nest("/admin", admin)
        .layer(Api::layer())
        .with_state(counters.clone());
    // The outer layer sees the preflight first: its policy answers...
    let pre = send(app.clone(), preflight("/admin/stats", APP, "PUT")).await;
    assert_eq!(pre.allow_origin(), Some(APP));
    // ...and decorates the actual request too (one policy per exchange), with an error logged.
    let (reply, errors) = errors_of(app, actual("PUT", "/admin/stats", APP)).await;
    assert_eq!(reply.allow_origin(), Some(APP));
    assert!(
        errors.contains("CORS layer `AdminGroup` is inside"),
        "{errors}"
    );
}

// --- Every kind of user code, every kind of policy: no preflight enters the app -------------

fn counted_service(counters: Counters) -> axum::routing::MethodRouter<()> {
    any(move || {
        let counters = counters.clone();
        async move {
            counters.handler.hit();
            "service ran"
        }
    })
}

#[cors(origins = ["https://app.example.com"], headers = ["authorization"], credentials)]
async fn mounted_put(State(counters): State<Counters>) -> &'static str {
    counters.handler.hit();
    "put"
}

/// User code in every slot axum has (an `any` handler, a route's own `.options`, a route
/// service, a nested service, the fallback), behind counting middleware, with the policy given
/// as `mount` gives it.
async fn every_slot(mount: &str, counters: &Counters) -> Router {
    let service = counted_service(counters.clone());
    let routes = CorsRouter::new()
        .route("/any", any(counted))
        .route("/options", get(counted).options(counted))
        .route_service("/service", service.clone())
        .nest_service("/nested", service)
        .route("/handler", with_cors!(put(mounted_put)).options(counted))
        .fallback(counted)
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .layer(middleware::from_fn_with_state(counters.clone(), bearer));
    let routes = match mount {
        "group" => routes.layer(Api::layer()),
        "runtime" => routes.layer(CorsLayer::from(
            Policy::builder("Runtime")
                .origins(["https://app.example.com"])
                .methods(["GET", "PUT", "POST"])
                .headers(["authorization"])
                .build()
                .unwrap(),
        )),
        _ => routes,
    };
    routes.with_state(counters.clone()).into_router()
}

#[tokio::test]
async fn no_preflight_runs_user_code_for_any_slot_policy_or_origin() {
    for mount in ["handler", "group", "runtime"] {
        let counters = Counters::default();
        let app = every_slot(mount, &counters).await;
        for path in [
            "/any",
            "/options",
            "/service",
            "/nested/x",
            "/handler",
            "/unknown",
        ] {
            for origin in [APP, EVIL] {
                for method in ["PUT", "GET", "DELETE"] {
                    let reply = send(
                        app.clone(),
                        preflight(path, origin, method)
                            .header("access-control-request-headers", "authorization"),
                    )
                    .await;
                    assert!(
                        reply.status == 204 || reply.status == 403,
                        "{mount} {path} {origin} {method}: {}",
                        reply.status
                    );
                }
            }
        }
        assert_eq!(
            counters.handler.count(),
            0,
            "{mount}: a handler ran for a preflight"
        );
        assert_eq!(
            counters.auth.count(),
            0,
            "{mount}: middleware ran for a preflight"
        );
    }
}

/// The auth bypass of `skip_preflights` (removed): a request shaped like a preflight to an
/// `any` handler behind authentication, with no policy, is refused without running anything.
#[tokio::test]
async fn a_preflight_shaped_request_never_reaches_a_handler_around_auth() {
    let counters = Counters::default();
    let app = CorsRouter::new()
        .route("/hook", any(counted))
        .route_layer(middleware::from_fn_with_state(counters.clone(), bearer))
        .with_state(counters.clone())
        .into_router();
    let reply = send(
        app,
        common::plain("OPTIONS", "/hook")
            .header("origin", "x")
            .header("access-control-request-method", "x"),
    )
    .await;
    assert_eq!(reply.status, 403);
    assert_ne!(reply.body_text(), "handler ran");
    assert_eq!(counters.handler.count() + counters.auth.count(), 0);
}

#[cors_policy(origins = ["https://app.example.com"], enforce)]
struct Enforcing;

#[cors(origins = ["https://app.example.com", "https://admin.example.com"])]
async fn lenient_inside(State(counters): State<Counters>) -> &'static str {
    counters.handler.hit();
    "lenient"
}

/// Most specific wins, `enforce` included: a handler policy without `enforce` inside an
/// enforcing group decides its own requests, and the router says so when it is built.
#[tokio::test]
async fn a_handler_policy_inside_an_enforcing_group_decides_and_is_announced() {
    let counters = Counters::default();
    let log = Captured::default();
    let app = {
        let _guard = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("cors_runtime=warn"))
            .with_writer(log.clone())
            .with_ansi(false)
            .finish()
            .set_default();
        CorsRouter::new()
            .route("/lenient", with_cors!(post(lenient_inside)))
            .route("/strict", post(counted))
            .layer(Enforcing::layer())
            .with_state(counters.clone())
            .into_router()
    };
    let warned = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        warned.contains(
            "route `/lenient`: handler `lenient_inside` has its own CORS policy without `enforce`"
        ),
        "{warned}"
    );
    let reply = send(app.clone(), actual("POST", "/lenient", ADMIN)).await;
    assert_eq!(
        (reply.status, reply.allow_origin()),
        (StatusCode::OK, Some(ADMIN))
    );
    let reply = send(app, actual("POST", "/strict", ADMIN)).await;
    assert_eq!(reply.status, 403, "the group enforces on its own routes");
    assert_eq!(counters.handler.count(), 1);
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

/// The natural migration slip: tower-http's layer (or ours inside a `ServiceBuilder`) given to
/// the router, where it would never see a preflight. Refused when the router is built.
#[test]
fn a_cors_layer_the_router_cannot_record_is_refused_at_start_up() {
    let tower_http = std::panic::catch_unwind(|| {
        CorsRouter::<()>::new()
            .route("/x", get(|| async {}))
            .layer(tower_http::cors::CorsLayer::permissive())
    });
    let message = panic_text(tower_http.expect_err("tower-http's layer is refused"));
    assert!(
        message.contains("tower-http's `CorsLayer` given to `CorsRouter::layer`"),
        "{message}"
    );

    let stacked = std::panic::catch_unwind(|| {
        CorsRouter::<()>::new()
            .route("/x", get(|| async {}))
            .route_layer(tower::ServiceBuilder::new().layer(Api::layer()))
    });
    let message = panic_text(stacked.expect_err("a stacked CorsLayer is refused"));
    assert!(
        message.contains("give it to `CorsRouter::route_layer` on its own"),
        "{message}"
    );
}
