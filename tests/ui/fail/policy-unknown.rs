use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = ["https://app.example.com"])]
pub struct AuthPolicy;

#[cors(policy = AuthPolcy, max_age = 60)]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
