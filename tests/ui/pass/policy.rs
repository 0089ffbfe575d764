//! Named policies: `#[cors_policy]`, `policy = X` with overrides, `X::layer()`.
use axum::{routing::get};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};

#[cors_policy(origins = ["https://app.example.com"], credentials, headers = ["authorization"])]
pub struct AuthPolicy;

#[cors_policy(
    origins = "*",
    methods = [GET],
    headers = "*",
    expose = ["x-request-id"],
    max_age = 600,
    private_network,
    preflight_status = 200
)]
pub struct PublicPolicy;

mod policies {
    use cors_runtime::cors_policy;

    #[cors_policy(origins = ["https://admin.example.com"], credentials)]
    pub struct AdminPolicy;
}

#[cors(policy = AuthPolicy)]
async fn as_is() {}

#[cors(policy = AuthPolicy, max_age = 60, headers = ["authorization", "content-type"])]
async fn overridden() {}

#[cors(policy = PublicPolicy, origins = ["https://app.example.com"], credentials)]
async fn tightened() {}

#[cors(policy = policies::AdminPolicy, credentials = false)]
async fn by_path() {}

async fn health() -> &'static str {
    "ok"
}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route("/a", with_cors!(get(as_is).put(overridden)))
        .route("/b", with_cors!(get(tightened).delete(by_path)))
        .merge(
            CorsRouter::new()
                .route("/health", get(health))
                .layer(PublicPolicy::layer()),
        )
        .merge(
            CorsRouter::new()
                .route("/admin", get(health))
                .layer(policies::AdminPolicy::layer()),
        );
}
