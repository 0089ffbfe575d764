//! The `tracing` events (target `cors_runtime`, debug level) that say why CORS was refused.

use std::sync::{Arc, Mutex};

use axum::{body::Body, http::Request};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use tower::ServiceExt;
use tracing_subscriber::{fmt::MakeWriter, util::SubscriberInitExt, EnvFilter};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[cors(origins = ["https://app.example"], headers = ["content-type"])]
async fn handler() -> &'static str {
    "ok"
}

#[cors_policy(origins = ["https://group.example"])]
struct Group;

async fn send(app: CorsRouter, req: Request<Body>, log: &Captured) -> String {
    let _guard = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("cors_runtime=debug"))
        .with_writer(log.clone())
        .with_ansi(false)
        .finish()
        .set_default();
    app.oneshot(req).await.unwrap();
    log.text()
}

#[tokio::test]
async fn rejected_preflight_logs_the_reason_and_the_refused_header_escaped() {
    let log = Captured::default();
    let app = CorsRouter::new().route("/", with_cors!(get(handler)));
    let req = Request::options("/")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-evil")
        .body(Body::empty())
        .unwrap();
    let text = send(app, req, &log).await;
    assert!(text.contains("reason=\"header\""), "{text}");
    assert!(text.contains("x-evil"), "{text}");
    assert!(text.contains("policy=\"handler\""), "{text}");

    let log = Captured::default();
    let app = CorsRouter::new().route("/", with_cors!(get(handler)));
    let req = Request::options("/")
        .header("origin", &b"https://evil.example\t\"\xff"[..])
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap();
    let text = send(app, req, &log).await;
    assert!(text.contains("reason=\"origin\""), "{text}");
    assert!(
        text.contains(r#"refused="https://evil.example\t\"\xff""#),
        "header bytes are escaped: {text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[tokio::test]
async fn disallowed_origin_is_logged_once_by_the_policy_that_answered() {
    let log = Captured::default();
    let app = CorsRouter::new()
        .route("/", with_cors!(get(handler)))
        .layer(Group::layer());
    let req = Request::get("/")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let text = send(app, req, &log).await;
    assert_eq!(text.matches("disallowed origin").count(), 1, "{text}");
    assert!(text.contains("policy=\"handler\""), "{text}");
}

#[cors(origins = ["https://app.example"], methods = [PUT])]
async fn update() -> &'static str {
    "ok"
}

fn preflight(uri: &str, origin: &str, method: &str) -> Request<Body> {
    Request::options(uri)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .body(Body::empty())
        .unwrap()
}

fn get_from(uri: &str, origin: &str) -> Request<Body> {
    Request::get(uri)
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

/// The one event in `text`; fails when there are none or several.
fn one_event(text: &str) -> &str {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "expected exactly one event:\n{text}");
    lines[0]
}

#[tokio::test]
async fn handler_preflight_rejection_names_the_matched_route() {
    let log = Captured::default();
    let app = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update)));
    let text = send(
        app.clone(),
        preflight("/tasks/7", "https://app.example", "DELETE"),
        &log,
    )
    .await;
    let event = one_event(&text);
    assert!(event.contains("route=\"/tasks/{id}\""), "{event}");
    assert!(event.contains("reason=\"no-handler\""), "{event}");
    assert!(event.contains("refused=\"DELETE\""), "{event}");

    let log = Captured::default();
    let mut request = preflight("/tasks/7", "https://app.example", "PUT");
    request.headers_mut().insert(
        "access-control-request-headers",
        axum::http::HeaderValue::from_static("x-evil"),
    );
    let text = send(app, request, &log).await;
    let event = one_event(&text);
    assert!(event.contains("route=\"/tasks/{id}\""), "{event}");
    assert!(event.contains("reason=\"header\""), "{event}");
    assert!(event.contains("refused=\"x-evil\""), "{event}");
    assert!(event.contains("policy=\"update\""), "{event}");
}

#[tokio::test]
async fn group_preflight_rejection_names_the_matched_route() {
    let log = Captured::default();
    let app = CorsRouter::new()
        .route("/reports/{year}", axum::routing::get(|| async { "ok" }))
        .layer(Group::layer());
    let text = send(
        app,
        preflight("/reports/2026", "https://evil.example", "GET"),
        &log,
    )
    .await;
    let event = one_event(&text);
    assert!(event.contains("route=\"/reports/{year}\""), "{event}");
    assert!(event.contains("policy=\"Group\""), "{event}");
    assert!(event.contains("reason=\"origin\""), "{event}");
}

#[tokio::test]
async fn disallowed_origin_event_names_the_route_for_handlers_and_groups() {
    let log = Captured::default();
    let app = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update)));
    let request = Request::put("/tasks/1")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let text = send(app, request, &log).await;
    let event = one_event(&text);
    assert!(event.contains("route=\"/tasks/{id}\""), "{event}");
    assert!(event.contains("disallowed origin"), "{event}");

    let log = Captured::default();
    let app = CorsRouter::new()
        .route("/reports", axum::routing::get(|| async { "ok" }))
        .layer(Group::layer());
    let text = send(app, get_from("/reports", "https://evil.example"), &log).await;
    let event = one_event(&text);
    assert!(event.contains("route=\"/reports\""), "{event}");
    assert!(event.contains("policy=\"Group\""), "{event}");
}

#[tokio::test]
async fn preflight_for_an_unannotated_method_inside_a_group_is_logged_once_by_the_group() {
    let log = Captured::default();
    let app = CorsRouter::new()
        .route("/tasks/{id}", with_cors!(put(update)))
        .layer(Group::layer());
    let text = send(
        app,
        preflight("/tasks/1", "https://evil.example", "GET"),
        &log,
    )
    .await;
    let event = one_event(&text);
    assert!(event.contains("policy=\"Group\""), "{event}");
    assert!(event.contains("route=\"/tasks/{id}\""), "{event}");

    // Allowed by the group: no rejection is logged at all.
    let log = Captured::default();
    let app = CorsRouter::new()
        .route("/tasks/{id}", with_cors!(put(update)))
        .layer(Group::layer());
    let text = send(
        app,
        preflight("/tasks/1", "https://group.example", "GET"),
        &log,
    )
    .await;
    assert_eq!(text, "", "an allowed preflight logs nothing");
}

#[tokio::test]
async fn runtime_policies_log_like_macro_policies() {
    let policy = cors_runtime::Policy::builder("FromConfig")
        .origins_async((), |origin: axum::http::HeaderValue, ()| async move {
            origin == "https://tenant.example"
        })
        .build()
        .unwrap();
    let app = || {
        CorsRouter::new()
            .route("/t/{id}", axum::routing::get(|| async { "ok" }))
            .layer(cors_runtime::CorsLayer::from(policy.clone()))
    };
    let log = Captured::default();
    let text = send(
        app(),
        preflight("/t/1", "https://evil.example", "GET"),
        &log,
    )
    .await;
    let event = one_event(&text);
    assert!(event.contains("policy=\"FromConfig\""), "{event}");
    assert!(event.contains("route=\"/t/{id}\""), "{event}");
    assert!(event.contains("reason=\"origin\""), "{event}");

    let log = Captured::default();
    let text = send(app(), get_from("/t/1", "https://evil.example"), &log).await;
    let event = one_event(&text);
    assert!(event.contains("disallowed origin"), "{event}");
    assert!(event.contains("route=\"/t/{id}\""), "{event}");

    let log = Captured::default();
    let text = send(app(), get_from("/t/1", "https://tenant.example"), &log).await;
    assert_eq!(text, "", "an allowed origin logs nothing");
}

#[derive(Clone)]
struct NoTenants;

impl cors_runtime::OriginCheck for NoTenants {
    async fn allows(self, _origin: axum::http::HeaderValue) -> bool {
        false
    }
}

#[cors(origins = state(NoTenants))]
async fn tenant_only() -> &'static str {
    "ok"
}

#[tokio::test]
async fn state_checked_origins_log_one_event_naming_the_route() {
    let app = || {
        CorsRouter::new()
            .route("/t/{id}", with_cors!(get(tenant_only)))
            .with_state(NoTenants)
    };
    let log = Captured::default();
    let text = send(
        app(),
        preflight("/t/1", "https://evil.example", "GET"),
        &log,
    )
    .await;
    let event = one_event(&text);
    assert!(event.contains("policy=\"tenant_only\""), "{event}");
    assert!(event.contains("route=\"/t/{id}\""), "{event}");
    assert!(event.contains("reason=\"origin\""), "{event}");

    let log = Captured::default();
    let text = send(app(), get_from("/t/1", "https://evil.example"), &log).await;
    let event = one_event(&text);
    assert!(event.contains("disallowed origin"), "{event}");
    assert!(event.contains("route=\"/t/{id}\""), "{event}");
}
