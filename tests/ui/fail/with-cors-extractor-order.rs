use axum::{extract::State, Json};
use cors_runtime::{cors, with_cors, CorsRouter};

#[derive(Clone)]
struct AppState;

#[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
async fn create_task(Json(task): Json<String>, State(_): State<AppState>) -> String {
    task
}

fn main() {
    let _app: CorsRouter<AppState> = CorsRouter::new().route("/tasks", with_cors!(post(create_task)));
}
