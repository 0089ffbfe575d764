use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = ["https://app.example.com"])]
pub struct AppPolicy;

pub struct AuthPolicy;

#[cors(policy = AuthPolicy)]
async fn handler() {}

#[cors(policy = AppPolicy)]
async fn other() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler).post(other)));
}
