//! Why did the browser say "CORS error"? Turn on the `cors_runtime` debug events and read the
//! reason, the route and the refused value.
//!
//! ```text
//! RUST_LOG=cors_runtime=debug cargo run --example diagnostics
//! ```
//!
//! Sends three requests through a router with `oneshot` (no server is started) and prints each
//! answer; with the filter above, each refusal is preceded by its one `tracing` event, e.g.
//!
//! ```text
//! DEBUG cors_runtime: CORS preflight rejected: request header not allowed policy="update_task"
//!   route="/tasks/{id}" reason="header" refused="x-api-key" origin="https://app.example.com"
//!   method="PUT" headers="content-type,x-api-key"
//! ```
//!
//! Header values in events are escaped (no control characters, no raw non-UTF-8), so a hostile
//! `Origin` cannot forge log lines. Without `RUST_LOG`, the filter defaults to
//! `cors_runtime=debug` here; in your application, add the directive to your own filter.

use axum::{
    body::Body,
    http::{Request, Response},
    routing::get,
};
use cors_runtime::{cors, cors_policy, policy_of, with_cors, CorsRouter};
use tower::ServiceExt;
use tracing_subscriber::EnvFilter;

#[cors(
    origins = ["https://app.example.com"],
    headers = ["content-type", "authorization"],
    credentials
)]
async fn update_task() -> &'static str {
    "updated"
}

#[cors_policy(origins = ["https://app.example.com"])]
struct Reports;

async fn report() -> &'static str {
    "report"
}

fn app() -> CorsRouter {
    let reports = CorsRouter::new()
        .route("/{year}", get(report))
        .layer(Reports::layer());
    CorsRouter::new()
        .route("/tasks/{id}", with_cors!(put(update_task)))
        .nest("/reports", reports)
}

fn show(what: &str, response: &Response<Body>) {
    let cors: Vec<String> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-"))
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("<binary>")))
        .collect();
    println!("{what} -> {} {cors:?}", response.status());
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("cors_runtime=debug"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stdout)
        .init();

    // Start-up log: which policy answers what.
    println!("{}", policy_of::<update_task>());
    println!("{}", Reports::layer().policy());

    let preflight = Request::options("/tasks/1")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type,x-api-key")
        .body(Body::empty())?;
    let response = app().oneshot(preflight).await?;
    show("preflight PUT /tasks/1 asking for x-api-key", &response);

    let actual = Request::get("/reports/2026")
        .header("origin", "https://evil.example")
        .body(Body::empty())?;
    let response = app().oneshot(actual).await?;
    show("GET /reports/2026 from https://evil.example", &response);

    let allowed = Request::options("/tasks/1")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())?;
    let response = app().oneshot(allowed).await?;
    show(
        "preflight PUT /tasks/1 (allowed, nothing logged)",
        &response,
    );
    Ok(())
}
