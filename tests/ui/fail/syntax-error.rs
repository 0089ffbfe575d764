use axum::Router;
use cors_runtime::{cors, with_cors};

#[cors(origins = ["https://a.example.com" "https://b.example.com"], max_age = 600 credentials, = 5, methods = [GET], headers = [1])]
async fn handler() {}

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(handler)));
}
