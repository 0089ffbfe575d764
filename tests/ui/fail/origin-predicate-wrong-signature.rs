use axum::Router;
use cors_runtime::{cors, with_cors};

fn allowed(origin: &str) -> bool {
    origin.ends_with(".example.com")
}

#[cors(origins = allowed)]
async fn handler() {}

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(handler)));
}
