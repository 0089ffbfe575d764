use axum::Router;
use cors_runtime::{cors, with_cors};

#[cors(origins = "*", headers = ["cookie", "sec-fetch-mode", "access-control-allow-origin", "host"])]
async fn handler() {}

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(handler)));
}
