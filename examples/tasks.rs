//! The task-manager scenario: an API with three CORS policies on one origin, and a page on
//! another origin that calls it with a preflighted, credentialed `PUT`.
//!
//! ```text
//! cargo run --example tasks                                # then open http://localhost:3000
//! RUST_LOG=cors_runtime=debug cargo run --example tasks    # also log why a preflight was rejected
//! ```
//!
//! Ports: `API_PORT` (default 5000) and `FRONTEND_PORT` (default 3000).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
};

use axum::{
    extract::{Path, Request, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{Html, IntoResponse, Response},
    routing::get,
    Json, Router,
};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The bearer token the page sends (a real app would check a session or a JWT).
const BEARER: &str = "Bearer demo-token";

// --- Policies ---------------------------------------------------------------------------

/// Anyone may read the public endpoints.
#[cors_policy(origins = "*", methods = [GET])]
struct PublicPolicy;

/// The frontend, with credentials, for the CRUD API.
///
/// Attribute values are literals checked at compile time, but this demo's frontend port is
/// chosen at run time (`FRONTEND_PORT`), so the origins are a predicate. With a fixed port you
/// would write `origins = ["http://localhost:3000", "http://127.0.0.1:3000"]`.
#[cors_policy(
    origins = is_frontend,
    credentials,
    methods = [GET, POST, PUT, DELETE],
    headers = ["content-type", "authorization"],
    max_age = 600
)]
struct AuthPolicy;

/// An admin console on its own origin, sending a custom header.
#[cors_policy(origins = ["http://localhost:4000"], headers = ["x-admin-token"])]
struct AdminPolicy;

/// The frontend's origins, set once its listener is bound.
static FRONTEND_ORIGINS: OnceLock<[String; 2]> = OnceLock::new();

fn is_frontend(origin: &HeaderValue, _request: &Parts) -> bool {
    FRONTEND_ORIGINS
        .get()
        .is_some_and(|origins| origins.iter().any(|allowed| origin == allowed))
}

// --- The task store ---------------------------------------------------------------------

#[derive(Clone, Serialize)]
struct Task {
    id: u64,
    title: String,
    done: bool,
}

#[derive(Deserialize)]
struct TaskInput {
    title: String,
    #[serde(default)]
    done: bool,
}

#[derive(Clone, Default)]
struct Store(Arc<Mutex<BTreeMap<u64, Task>>>);

// --- Authenticated handlers: each carries its policy ------------------------------------

#[cors(policy = AuthPolicy)]
async fn list_tasks(State(store): State<Store>) -> Json<Vec<Task>> {
    Json(store.0.lock().unwrap().values().cloned().collect())
}

#[cors(policy = AuthPolicy)]
async fn create_task(
    State(store): State<Store>,
    Json(input): Json<TaskInput>,
) -> (StatusCode, Json<Task>) {
    let mut tasks = store.0.lock().unwrap();
    let id = tasks.keys().next_back().map_or(1, |last| last + 1);
    let task = Task {
        id,
        title: input.title,
        done: input.done,
    };
    tasks.insert(id, task.clone());
    (StatusCode::CREATED, Json(task))
}

#[cors(policy = AuthPolicy)]
async fn update_task(
    State(store): State<Store>,
    Path(id): Path<u64>,
    Json(input): Json<TaskInput>,
) -> Result<Json<Task>, StatusCode> {
    let mut tasks = store.0.lock().unwrap();
    let task = tasks.get_mut(&id).ok_or(StatusCode::NOT_FOUND)?;
    task.title = input.title;
    task.done = input.done;
    Ok(Json(task.clone()))
}

#[cors(policy = AuthPolicy)]
async fn delete_task(State(store): State<Store>, Path(id): Path<u64>) -> StatusCode {
    match store.0.lock().unwrap().remove(&id) {
        Some(_) => StatusCode::NO_CONTENT,
        None => StatusCode::NOT_FOUND,
    }
}

/// `Authorization: Bearer <token>` or 401.
async fn require_bearer(request: Request, next: Next) -> Response {
    match request.headers().get(header::AUTHORIZATION) {
        Some(value) if value == BEARER => next.run(request).await,
        _ => (StatusCode::UNAUTHORIZED, "missing or wrong bearer token").into_response(),
    }
}

// --- Group handlers: plain axum, the group's layer adds CORS -----------------------------

async fn health() -> &'static str {
    "ok"
}

async fn task_count(State(store): State<Store>) -> String {
    store.0.lock().unwrap().len().to_string()
}

async fn admin_stats(State(store): State<Store>, headers: HeaderMap) -> Response {
    if headers.get("x-admin-token").map(HeaderValue::as_bytes) != Some(b"admin-secret") {
        return (StatusCode::FORBIDDEN, "wrong admin token").into_response();
    }
    let tasks = store.0.lock().unwrap();
    let done = tasks.values().filter(|task| task.done).count();
    format!("{} tasks, {done} done", tasks.len()).into_response()
}

// --- Routers ----------------------------------------------------------------------------

fn api(store: Store) -> Router {
    // Handler policies with middleware auth: the bearer check wraps the routes above it, and
    // the `CorsRouter` answers their preflights before it runs (preflights carry no
    // credentials, so the check would refuse them) and adds the handlers' CORS headers to its
    // 401s, so the page can read them. The order of the calls does not matter.
    let tasks = CorsRouter::new()
        .route("/", with_cors!(get(list_tasks).post(create_task)))
        .route("/{id}", with_cors!(put(update_task).delete(delete_task)))
        .route_layer(middleware::from_fn(require_bearer));

    // Plain axum handlers; the group policy covers the routes added before it.
    let public = CorsRouter::new()
        .route("/health", get(health))
        .route("/tasks/count", get(task_count))
        .layer(PublicPolicy::layer());

    let admin = CorsRouter::new()
        .route("/stats", get(admin_stats))
        .layer(AdminPolicy::layer());

    CorsRouter::new()
        .nest("/tasks", tasks)
        .nest("/public", public)
        .nest("/admin", admin)
        .with_state(store)
        .into_router()
}

/// The page, told where the API is.
fn frontend(api_origin: &str) -> Router {
    let page = include_str!("tasks.html").replace("__API_ORIGIN__", api_origin);
    Router::new().route("/", get(|| async move { Html(page) }))
}

fn port(var: &str, default: u16) -> u16 {
    match std::env::var(var) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{var}={value:?} is not a port number")),
        Err(_) => default,
    }
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    let bind = |port| TcpListener::bind(("127.0.0.1", port));
    let api_listener = bind(port("API_PORT", 5000)).await.expect("bind API_PORT");
    let frontend_listener = bind(port("FRONTEND_PORT", 3000))
        .await
        .expect("bind FRONTEND_PORT");
    let api_port = api_listener.local_addr().unwrap().port();
    let frontend_port = frontend_listener.local_addr().unwrap().port();
    FRONTEND_ORIGINS.get_or_init(|| {
        [
            format!("http://localhost:{frontend_port}"),
            format!("http://127.0.0.1:{frontend_port}"),
        ]
    });

    let store = Store::default();
    store.0.lock().unwrap().insert(
        1,
        Task {
            id: 1,
            title: "Try cors-runtime".to_owned(),
            done: false,
        },
    );

    println!("API:      http://localhost:{api_port}");
    println!("frontend: http://localhost:{frontend_port}");
    println!("open http://localhost:{frontend_port}");

    let api_origin = format!("http://localhost:{api_port}");
    let (api_result, frontend_result) = tokio::join!(
        axum::serve(api_listener, api(store)),
        axum::serve(frontend_listener, frontend(&api_origin)),
    );
    api_result.expect("API server");
    frontend_result.expect("frontend server");
}
