//! Every form of `origins`.
use axum::http::{request::Parts, HeaderValue};
use cors_runtime::{cors, with_cors, CorsRouter};

#[cors(origins = "*")]
async fn any_origin() {}

#[cors(origins = [
    "https://app.example.com",
    "https://app.example.com:8443",
    "https://*.example.com",
    "http://localhost:3000",
    "http://127.0.0.1:8080",
    "http://[::1]:5173",
])]
async fn listed() {}

fn same_tenant(origin: &HeaderValue, parts: &Parts) -> bool {
    origin.as_bytes().ends_with(b".tenant.example") && parts.uri.path().starts_with("/t/")
}

mod predicates {
    pub fn internal(origin: &axum::http::HeaderValue, _: &axum::http::request::Parts) -> bool {
        origin == "https://internal.example.com"
    }
}

#[cors(origins = same_tenant)]
async fn by_predicate() {}

#[cors(origins = predicates::internal, credentials)]
async fn by_predicate_path() {}

#[cors(origins = env("CORS_ORIGINS"))]
async fn from_env() {}

fn main() {
    std::env::set_var(
        "CORS_ORIGINS",
        "https://a.example.com,https://*.b.example.com",
    );
    let _app: CorsRouter = CorsRouter::new()
        .route("/any", with_cors!(get(any_origin)))
        .route("/listed", with_cors!(get(listed)))
        .route(
            "/t/predicate",
            with_cors!(get(by_predicate).post(by_predicate_path)),
        )
        .route("/env", with_cors!(get(from_env)));
}
