use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors(origins = "*", enforce)]
async fn handler() {}

#[cors_policy(origins = "*", enforce)]
pub struct Public;

#[cors_policy(origins = "*")]
pub struct AnyOrigin;

// The merged spec (`policy = X` + own keys) is checked by a const assertion.
#[cors(policy = AnyOrigin, enforce)]
async fn based() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route("/", with_cors!(get(handler)))
        .route("/b", with_cors!(get(based)))
        .layer(Public::layer());
}
