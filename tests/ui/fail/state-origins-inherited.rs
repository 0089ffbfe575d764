use axum::{http::HeaderValue};
use cors_runtime::{cors, cors_policy, with_cors, OriginCheck, CorsRouter};

#[derive(Clone)]
struct Tenants;

impl OriginCheck for Tenants {
    async fn allows(self, _origin: HeaderValue) -> bool {
        true
    }
}

#[cors_policy(origins = state(Tenants))]
struct TenantPolicy;

#[cors(policy = TenantPolicy)]
async fn handler() {}

fn main() {
    let _app: CorsRouter<Tenants> = CorsRouter::new().route("/", with_cors!(get(handler)));
}
