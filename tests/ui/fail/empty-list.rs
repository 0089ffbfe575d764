use axum::Router;
use cors_runtime::{cors, with_cors};

#[cors(origins = [])]
async fn no_origin() {}

#[cors(origins = "*", methods = [])]
async fn no_method() {}

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(no_origin).post(no_method)));
}
