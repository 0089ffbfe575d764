use axum::Router;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = ["https://app.example.com"])]
pub struct AppPolicy;

pub struct AuthPolicy;

#[cors(policy = AuthPolicy)]
async fn handler() {}

#[cors(policy = AppPolicy)]
async fn other() {}

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(handler).post(other)));
}
