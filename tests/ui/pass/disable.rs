//! `#[cors(disable)]`: no CORS for one handler, even inside a group policy.
use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = "*")]
pub struct PublicPolicy;

#[cors(disable)]
async fn webhook() {}

#[cors(disable = true)]
async fn internal() {}

#[cors(origins = "*")]
async fn list() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route("/hook", with_cors!(post(webhook).get(list)))
        .route("/internal", with_cors!(get(internal)))
        .layer(PublicPolicy::layer());
}
