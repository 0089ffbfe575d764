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

#[cors(origins = env("FRONTEND_ORIGINS", default = "http://localhost:3000, http://127.0.0.1:3000"), credentials)]
async fn from_env_or_default() {}

#[cors(origins = env("FRONTEND_ORIGINS", default = "http://localhost:3000",))]
async fn from_env_or_default_trailing_comma() {}

const FRONTEND: &str = "https://app.example.com";

mod config {
    pub const ADMIN: &str = "https://admin.example.com";
    pub const PARTNERS: &[&str] = &["https://a.partner.example", "https://*.b.partner.example"];
}

const FRONTENDS: &[&str] = &[FRONTEND, config::ADMIN];

#[cors(origins = [FRONTEND, "https://literal.example.com", config::ADMIN], credentials)]
async fn from_consts() {}

#[cors(origins = FRONTENDS)]
async fn from_const_list() {}

#[cors(origins = config::PARTNERS)]
async fn from_const_list_path() {}

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
        .route("/env", with_cors!(get(from_env)))
        .route(
            "/consts",
            with_cors!(get(from_consts).post(from_const_list).put(from_const_list_path)),
        )
        .route(
            "/env-default",
            with_cors!(get(from_env_or_default).post(from_env_or_default_trailing_comma)),
        );
}
