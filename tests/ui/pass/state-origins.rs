//! `origins = state(Type)` on handlers (own and with overrides of a base policy), on a named
//! policy (`layer_with_state`), with a state that holds the check through `FromRef`.
#![deny(warnings)]

use axum::{extract::FromRef, http::HeaderValue, routing::get};
use cors_runtime::{cors, cors_policy, with_cors, OriginCheck, Policy, CorsRouter};

#[derive(Clone)]
pub struct Tenants(std::sync::Arc<Vec<String>>);

impl OriginCheck for Tenants {
    async fn allows(self, origin: HeaderValue) -> bool {
        self.0.iter().any(|o| origin == o.as_str())
    }
}

#[derive(Clone)]
struct AppState {
    tenants: Tenants,
}

impl FromRef<AppState> for Tenants {
    fn from_ref(state: &AppState) -> Tenants {
        state.tenants.clone()
    }
}

#[cors_policy(origins = state(Tenants), credentials)]
struct TenantPolicy;

#[cors_policy(origins = ["https://app.example.com"])]
struct Fixed;

mod api {
    use cors_runtime::cors;

    #[cors(origins = state(super::Tenants), methods = [PUT])]
    pub async fn update() {}
}

#[cors(policy = TenantPolicy, origins = state(Tenants), max_age = 60)]
async fn overridden() {}

#[cors(policy = Fixed)]
async fn fixed() {}

async fn plain() {}

fn main() {
    let state = AppState {
        tenants: Tenants(std::sync::Arc::new(vec![])),
    };
    let _policy = Policy::builder("Runtime")
        .origins_checked_by(Tenants::from_ref(&state))
        .build();
    let _app: CorsRouter = CorsRouter::new()
        .route("/a", with_cors!(put(api::update).get(overridden)))
        .route("/b", with_cors!(get(fixed)))
        .route("/c", get(plain))
        .layer(TenantPolicy::layer_with_state(&state))
        .with_state(state);
}
