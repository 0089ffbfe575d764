//! The frontend origins: they serve the scenario page and collect the results it posts back.
//!
//! The page posts to its own origin, so reporting never depends on the CORS under test.
//!
//! The two frontends are shared by every test of the binary, on their own thread and runtime:
//! the API policies read the allowed origin (`env("CORS_E2E_ORIGINS")`) when a router is
//! built, and a handler policy may be compiled once per process, so the allowed origin must be
//! the same for every test. Each test's API is its own, on a port of its own; a page learns it,
//! and the run it reports for, from its query string.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, OnceLock, PoisonError,
    },
    time::Duration,
};

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{Html, IntoResponse},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use tokio::sync::mpsc;

const SCENARIOS_JS: &str = include_str!("scenarios.js");

const PAGE: &str = "<!doctype html>
<html><head><meta charset=\"utf-8\"><title>cors e2e</title></head>
<body><pre id=\"log\"></pre><script src=\"/scenarios.js\"></script></body></html>
";

/// One scenario's outcome as the page saw it, e.g. `200 hello` or `blocked`.
#[derive(Debug, Deserialize)]
pub(crate) struct Outcome {
    pub(crate) name: String,
    pub(crate) outcome: String,
}

/// What the page posts when it is done.
#[derive(Debug, Deserialize)]
pub(crate) struct Report {
    /// The run this report belongs to (from the page's query string).
    run: u64,
    /// `location.origin` of the page, to be sure which origin ran the scenarios.
    pub(crate) origin: String,
    pub(crate) results: Vec<Outcome>,
    /// Uncaught errors and other trouble the page noticed.
    #[serde(default)]
    pub(crate) errors: Vec<String>,
}

type Runs = Arc<Mutex<HashMap<u64, mpsc::Sender<Report>>>>;

/// The allowed and the disallowed frontend, both on `127.0.0.1` (and so also reachable as
/// `<name>.localhost`).
#[derive(Debug)]
pub(crate) struct Frontends {
    pub(crate) allowed_port: u16,
    pub(crate) disallowed_port: u16,
    runs: Runs,
}

/// The shared frontends, started on first use.
pub(crate) fn frontends() -> &'static Frontends {
    static FRONTENDS: OnceLock<Frontends> = OnceLock::new();
    FRONTENDS.get_or_init(|| {
        let bind = || {
            let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
                .expect("bind a loopback port");
            listener
                .set_nonblocking(true)
                .expect("non-blocking listener");
            listener
        };
        let (allowed, disallowed) = (bind(), bind());
        let port = |l: &std::net::TcpListener| l.local_addr().expect("address").port();
        let frontends = Frontends {
            allowed_port: port(&allowed),
            disallowed_port: port(&disallowed),
            runs: Runs::default(),
        };
        let app = Router::new()
            .route("/", get(|| async { Html(PAGE) }))
            .route("/scenarios.js", get(scenarios_js))
            .route("/report", post(report))
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
            .with_state(frontends.runs.clone());
        // The test runtimes end with their tests; these servers live as long as the process.
        std::thread::Builder::new()
            .name("cors-e2e-frontends".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("frontend runtime");
                let serve = |listener: std::net::TcpListener| {
                    let app = app.clone();
                    async move {
                        let listener = tokio::net::TcpListener::from_std(listener)?;
                        axum::serve(listener, app).await
                    }
                };
                runtime.block_on(async move {
                    let (a, b) = tokio::join!(serve(allowed), serve(disallowed));
                    a.and(b).expect("serve the frontends");
                });
            })
            .expect("start the frontend thread");
        frontends
    })
}

impl Frontends {
    /// A new run: its id goes into the page's query string, its report comes back here.
    pub(crate) fn run(&self) -> Run {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(1);
        lock(&self.runs).insert(id, tx);
        Run {
            id,
            reports: rx,
            runs: self.runs.clone(),
        }
    }
}

/// One page load's report channel; unregistered on drop.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) id: u64,
    reports: mpsc::Receiver<Report>,
    runs: Runs,
}

impl Run {
    /// The page's report, or `None` after `timeout`.
    pub(crate) async fn report(&mut self, timeout: Duration) -> Option<Report> {
        tokio::time::timeout(timeout, self.reports.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        lock(&self.runs).remove(&self.id);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn scenarios_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCENARIOS_JS,
    )
}

async fn report(State(runs): State<Runs>, Json(report): Json<Report>) -> StatusCode {
    let sender = lock(&runs).get(&report.run).cloned();
    match sender {
        Some(sender) => {
            let _ = sender.send(report).await;
            StatusCode::NO_CONTENT
        }
        None => StatusCode::NOT_FOUND,
    }
}
