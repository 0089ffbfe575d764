use cors_runtime::CorsRouter;
use cors_runtime::cors_policy;

#[cors_policy(origins = "*", credentials, max_age = 100000)]
pub struct ApiPolicy;

fn main() {
    let _app: CorsRouter = CorsRouter::new().layer(ApiPolicy::layer());
}
