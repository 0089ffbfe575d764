//! Handlers with extractors and state: `with_cors!` works in a `CorsRouter<AppState>`.
use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use cors_runtime::{cors, with_cors, CorsRouter};

#[derive(Clone, Default)]
struct AppState {
    tasks: Arc<Vec<String>>,
}

#[cors(origins = ["https://app.example.com"], headers = ["content-type"], credentials)]
async fn update_task(
    State(state): State<AppState>,
    Path(id): Path<usize>,
    Json(task): Json<String>,
) -> Result<Json<String>, StatusCode> {
    let _ = task;
    state
        .tasks
        .get(id)
        .cloned()
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn list_tasks(State(state): State<AppState>) -> Json<Vec<String>> {
    Json(state.tasks.to_vec())
}

fn routes() -> CorsRouter<AppState> {
    CorsRouter::new()
        .route("/tasks", with_cors!(get(list_tasks)))
        .route("/tasks/{id}", with_cors!(put(update_task)))
        .route("/health", with_cors!(get(health::<AppState>)))
}

fn main() {
    let _app: CorsRouter = routes().with_state(AppState::default());
}

#[cors(origins = "*")]
async fn health<S: Clone + Send + Sync + 'static>(State(_): State<S>) -> &'static str {
    "ok"
}
