use axum::Router;
use cors_runtime::{cors, with_cors};

#[cors(origins = "*", max_age = 60, max_age = 600)]
async fn handler() {}

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(handler)));
}
