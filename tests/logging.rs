//! The `tracing` events (target `cors_runtime`, debug level) that say why CORS was refused.

use std::sync::{Arc, Mutex};

use axum::{body::Body, http::Request, Router};
use cors_runtime::{cors, cors_policy, with_cors};
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

async fn send(app: Router, req: Request<Body>, log: &Captured) -> String {
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
    let app = Router::new().route("/", with_cors!(get(handler)));
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
    let app = Router::new().route("/", with_cors!(get(handler)));
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
    let app = Router::new()
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
