use axum::{body::Body, http::Request, routing::get, Router};
use cors_runtime::{cors, cors_policy, with_cors};
use tower::ServiceExt;

#[cors(origins = ["http://localhost:3000"], headers = ["content-type", "authorization"], max_age = 600)]
async fn update_task() -> &'static str {
    "updated"
}

#[cors(policy = AuthPolicy)]
async fn delete_task() -> &'static str {
    "deleted"
}

#[cors_policy(origins = ["http://localhost:3000"], credentials, methods = [GET, PUT, DELETE])]
pub struct AuthPolicy;

#[cors_policy(origins = "*", methods = [GET])]
pub struct PublicPolicy;

async fn public() -> &'static str {
    "public"
}

fn app() -> Router {
    Router::new()
        .route(
            "/tasks/{id}",
            with_cors!(put(update_task).delete(delete_task)),
        )
        .nest(
            "/public",
            Router::new()
                .route("/x", get(public))
                .layer(PublicPolicy::layer()),
        )
}

#[tokio::test]
async fn smoke() {
    let res = app()
        .oneshot(
            Request::builder()
                .method("OPTIONS")
                .uri("/tasks/1")
                .header("origin", "http://localhost:3000")
                .header("access-control-request-method", "PUT")
                .header(
                    "access-control-request-headers",
                    "content-type,authorization",
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    println!("{res:?}");
    assert_eq!(res.status(), 204);
    let res = app()
        .oneshot(
            Request::builder()
                .method("OPTIONS")
                .uri("/public/x")
                .header("origin", "http://evil.com")
                .header("access-control-request-method", "GET")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    println!("{res:?}");
    assert_eq!(res.status(), 204);
    let res = app()
        .oneshot(
            Request::builder()
                .method("DELETE")
                .uri("/tasks/1")
                .header("origin", "http://localhost:3000")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    println!("{res:?}");
    assert_eq!(res.headers()["access-control-allow-credentials"], "true");
}
