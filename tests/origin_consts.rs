//! Consts as origins: `origins = [FRONTEND, "https://b.example"]` (`&str` consts) and
//! `origins = FRONTENDS` (a `&[&str]` const). Their values are checked with every rule when the
//! policy is built (tests/start_up_panics.rs has the panic); then they behave as a literal
//! list.

use axum::{http::Method, routing::get};
use cors_runtime::{
    cors, cors_policy, policy_of, testing::Preflight, with_cors, AllowedOrigins, CorsRouter,
};

const FRONTEND: &str = "https://app.example";

mod config {
    pub(crate) const ADMIN: &str = "https://admin.example";
    pub(crate) const PARTNERS: &[&str] =
        &["https://a.partner.example", "https://*.b.partner.example"];
}

#[cors(origins = [FRONTEND, "https://literal.example", config::ADMIN], credentials)]
async fn update_task() {}

#[cors_policy(origins = config::PARTNERS)]
struct Partners;

#[tokio::test]
async fn const_entries_are_allowed_like_literals() {
    let app: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
    for origin in [
        "https://app.example",
        "https://literal.example",
        "https://admin.example",
    ] {
        Preflight::new(origin, Method::PUT)
            .credentials()
            .send(&app, "/tasks/1")
            .await
            .assert_allowed()
            .assert_credentials();
    }
    Preflight::new("https://evil.example", Method::PUT)
        .send(&app, "/tasks/1")
        .await
        .assert_rejected();
    assert_eq!(
        policy_of::<update_task>().origins(),
        AllowedOrigins::List(vec![
            "https://admin.example",
            "https://app.example",
            "https://literal.example",
        ])
    );
}

#[tokio::test]
async fn a_const_list_is_allowed_like_a_literal_list() {
    let app: CorsRouter = CorsRouter::new()
        .route("/catalogue", get(|| async { "ok" }))
        .layer(Partners::layer());
    for origin in ["https://a.partner.example", "https://x.b.partner.example"] {
        Preflight::new(origin, Method::GET)
            .send(&app, "/catalogue")
            .await
            .assert_allowed();
    }
    Preflight::new("https://b.partner.example", Method::GET)
        .send(&app, "/catalogue")
        .await
        .assert_rejected();
}
