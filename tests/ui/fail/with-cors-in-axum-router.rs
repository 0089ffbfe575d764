//! `with_cors!` outside a `CorsRouter`: nothing would answer its preflights before the app's
//! middleware, so axum's `Router` does not take it.
use axum::Router;
use cors_runtime::{cors, with_cors};

#[cors(origins = ["https://app.example.com"])]
async fn list_tasks() {}

fn main() {
    let _app: Router = Router::new().route("/tasks", with_cors!(get(list_tasks)));
}
