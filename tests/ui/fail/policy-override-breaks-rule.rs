use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = "*")]
pub struct PublicPolicy;

#[cors(policy = PublicPolicy, credentials)]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
