//! `origins = env("VAR")` on a handler: read once, when the first router mounting the handler
//! is built; preflights and actual responses then agree. `env("VAR", default = "...")`: the
//! default when the variable is unset (what tests get without setting anything), the variable
//! when it is set.

use axum::{
    body::Body,
    http::{Method, Request},
    routing::get,
};
use cors_runtime::{
    cors, cors_policy, policy_of, testing::Preflight, with_cors, AllowedOrigins, CorsRouter,
};
use tower::ServiceExt;

#[cors(origins = env("CORS_RUNTIME_TEST_ENV_ONCE"))]
async fn handler() -> &'static str {
    "ok"
}

fn app() -> CorsRouter {
    CorsRouter::new().route("/", with_cors!(get(handler)))
}

async fn allow_origin(app: CorsRouter, req: Request<Body>) -> Option<String> {
    let res = app.oneshot(req).await.unwrap();
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn preflight_and_actual_response_use_the_same_env_read() {
    std::env::set_var("CORS_RUNTIME_TEST_ENV_ONCE", "https://a.example");
    let first = app();
    std::env::set_var("CORS_RUNTIME_TEST_ENV_ONCE", "https://b.example");
    let second = app();
    for app in [first, second] {
        let preflight = Request::options("/")
            .header("origin", "https://a.example")
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap();
        let actual = Request::get("/")
            .header("origin", "https://a.example")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            allow_origin(app.clone(), preflight).await.as_deref(),
            Some("https://a.example")
        );
        assert_eq!(
            allow_origin(app.clone(), actual).await.as_deref(),
            Some("https://a.example")
        );
        let other = Request::get("/")
            .header("origin", "https://b.example")
            .body(Body::empty())
            .unwrap();
        assert_eq!(allow_origin(app, other).await, None);
    }
}

// --- env("VAR", default = "...") ---------------------------------------------------------

/// Never set by any test: the default applies.
#[cors(
    origins = env("CORS_RUNTIME_TEST_ENV_DEFAULT_NEVER_SET", default = "http://localhost:3000, https://*.dev.example"),
    credentials
)]
async fn with_default() -> &'static str {
    "ok"
}

#[cors_policy(origins = env("CORS_RUNTIME_TEST_ENV_DEFAULT_SET", default = "http://localhost:3000"))]
struct DefaultedGroup;

#[tokio::test]
async fn the_default_applies_when_the_variable_is_unset() {
    let app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(with_default)));
    for allowed in ["http://localhost:3000", "https://a.dev.example"] {
        Preflight::new(allowed, Method::GET)
            .credentials()
            .send(&app, "/")
            .await
            .assert_allowed()
            .assert_credentials();
    }
    Preflight::new("https://app.example", Method::GET)
        .send(&app, "/")
        .await
        .assert_rejected();
    assert_eq!(
        policy_of::<with_default>().origins(),
        AllowedOrigins::List(vec!["http://localhost:3000", "https://*.dev.example"])
    );
}

#[tokio::test]
async fn the_variable_wins_over_the_default_when_set() {
    std::env::set_var("CORS_RUNTIME_TEST_ENV_DEFAULT_SET", "https://app.example");
    let app: CorsRouter = CorsRouter::new()
        .route("/", get(|| async { "ok" }))
        .layer(DefaultedGroup::layer());
    Preflight::new("https://app.example", Method::GET)
        .send(&app, "/")
        .await
        .assert_allowed();
    Preflight::new("http://localhost:3000", Method::GET)
        .send(&app, "/")
        .await
        .assert_rejected();
}
