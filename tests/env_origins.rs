//! `origins = env("VAR")` on a handler: read once, when the first router mounting the handler
//! is built; preflights and actual responses then agree.

use axum::{body::Body, http::Request};
use cors_runtime::{cors, with_cors, CorsRouter};
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
