//! A frontend origin: serves the scenario page and collects the results it posts back.
//!
//! The page posts to its own origin, so reporting never depends on the CORS under test.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{Html, IntoResponse},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use tokio::{net::TcpListener, sync::mpsc, task::JoinHandle};

const SCENARIOS_JS: &str = include_str!("scenarios.js");

/// One scenario's outcome as the page saw it, e.g. `200 hello` or `blocked`.
#[derive(Debug, Deserialize)]
pub(crate) struct Outcome {
    pub(crate) name: String,
    pub(crate) outcome: String,
}

/// What the page posts when it is done.
#[derive(Debug, Deserialize)]
pub(crate) struct Report {
    /// `location.origin` of the page, to be sure which origin ran the scenarios.
    pub(crate) origin: String,
    pub(crate) results: Vec<Outcome>,
    /// Uncaught errors and other trouble the page noticed.
    #[serde(default)]
    pub(crate) errors: Vec<String>,
}

/// A frontend server on `127.0.0.1:port` (also reachable as `<anything>.localhost:port`).
#[derive(Debug)]
pub(crate) struct Frontend {
    pub(crate) port: u16,
    reports: mpsc::Receiver<Report>,
    server: JoinHandle<()>,
}

#[derive(Clone)]
struct PageState {
    api: Arc<str>,
    reports: mpsc::Sender<Report>,
}

impl Frontend {
    /// Serves, on `listener`, a page that runs the scenarios against `api` (an origin).
    pub(crate) fn start(listener: TcpListener, api: &str) -> Frontend {
        let (tx, rx) = mpsc::channel(4);
        let state = PageState {
            api: api.into(),
            reports: tx,
        };
        let app = Router::new()
            .route("/", get(page))
            .route("/scenarios.js", get(scenarios_js))
            .route("/report", post(report))
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
            .with_state(state);
        let port = listener.local_addr().expect("frontend address").port();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve a frontend");
        });
        Frontend {
            port,
            reports: rx,
            server,
        }
    }

    /// The next report, or `None` after `timeout`.
    pub(crate) async fn report(&mut self, timeout: Duration) -> Option<Report> {
        tokio::time::timeout(timeout, self.reports.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for Frontend {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A listener on a loopback port the OS picks.
pub(crate) async fn bind_loopback() -> TcpListener {
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind a loopback port")
}

async fn page(State(state): State<PageState>) -> Html<String> {
    // The API origin is a plain `http://host:port` string: safe inside a JS string literal.
    Html(format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>cors e2e</title></head>\n\
         <body><pre id=\"log\"></pre>\n\
         <script>window.E2E = {{ api: \"{}\" }};</script>\n\
         <script src=\"/scenarios.js\"></script></body></html>\n",
        state.api
    ))
}

async fn scenarios_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCENARIOS_JS,
    )
}

async fn report(State(state): State<PageState>, Json(report): Json<Report>) -> StatusCode {
    let _ = state.reports.send(report).await;
    StatusCode::NO_CONTENT
}
