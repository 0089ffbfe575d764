use axum::Router;
use cors_runtime::{cors, with_cors};

#[cors(methods = [GET])]
async fn handler() {}

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(handler)));
}
