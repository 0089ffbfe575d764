use axum::{extract::FromRef, http::HeaderValue};
use cors_runtime::{cors, with_cors, OriginCheck, CorsRouter};

#[derive(Clone)]
struct Tenants;

impl OriginCheck for Tenants {
    async fn allows(self, _origin: HeaderValue) -> bool {
        true
    }
}

#[derive(Clone)]
struct AppState;

#[derive(Clone)]
struct OtherState {
    tenants: Tenants,
}

impl FromRef<OtherState> for Tenants {
    fn from_ref(state: &OtherState) -> Tenants {
        state.tenants.clone()
    }
}

#[cors(origins = state(Tenants))]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route("/", with_cors!(get(handler)))
        .with_state(AppState);
}
