//! Flags and numbers: `credentials`, `max_age`, `private_network`, `allow_null_origin`,
//! `allow_insecure_origins`, `preflight_status`.
use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = ["https://app.example.com"], credentials)]
async fn with_credentials() {}

#[cors(origins = ["https://app.example.com"], credentials = true)]
async fn with_credentials_true() {}

#[cors(origins = "*", credentials = false)]
async fn without_credentials() {}

#[cors(origins = "*", max_age = 600)]
async fn cached() {}

#[cors(origins = "*", max_age = 86400)]
async fn cached_a_day() {}

#[cors(origins = "*", max_age = 0)]
async fn not_cached() {}

#[cors(origins = ["https://app.example.com"], private_network)]
async fn private() {}

#[cors(origins = ["null", "https://app.example.com"], allow_null_origin)]
async fn sandboxed() {}

#[cors(origins = ["http://intranet.example.com"], credentials, allow_insecure_origins)]
async fn intranet() {}

#[cors(origins = ["http://intranet.example.com"])]
async fn insecure_without_credentials() {}

#[cors(origins = "*", preflight_status = 200)]
async fn old_clients() {}

#[cors(origins = "*", preflight_status = 204)]
async fn default_status() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route(
            "/c",
            with_cors!(get(with_credentials)
                .post(with_credentials_true)
                .put(without_credentials)),
        )
        .route(
            "/a",
            with_cors!(get(cached).post(cached_a_day).put(not_cached)),
        )
        .route("/p", with_cors!(get(private).post(sandboxed)))
        .route(
            "/i",
            with_cors!(get(intranet).post(insecure_without_credentials)),
        )
        .route("/s", with_cors!(get(old_clients).post(default_status)));
}
