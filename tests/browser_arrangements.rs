//! The README's three arrangements in headless Chromium: (a) handler policies with middleware
//! authentication, (b) named-policy groups with middleware authentication, (c) handler
//! policies with extractor authentication. For each, a page on an allowed origin sends a
//! preflighted, credentialed `PUT` with `Authorization` (the preflight is approved without
//! credentials, the success is readable), then the same with a wrong token (the `401` is
//! readable), and a page on another origin is refused. Counters show that the authentication
//! middleware and the handler never ran for a preflight.
//!
//! The API is on `http://127.0.0.1:A`; the allowed page on `http://localhost:P`, the foreign
//! one on `http://localhost:F`. The routers are the README's, with the allowed origin read from
//! `CORS_E2E_ARRANGEMENT_ORIGIN` (the page's port is chosen at run time). Skipped with a notice
//! without Chromium, like tests/browser.rs.

#[allow(dead_code)]
#[path = "browser/chromium.rs"]
mod chromium;

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{request::Parts, Method, StatusCode},
    middleware::{self, Next},
    response::{Html, Response},
    routing::{get, put},
};
use chromium::Browser;
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use tokio::net::TcpListener;

const ORIGIN_VAR: &str = "CORS_E2E_ARRANGEMENT_ORIGIN";

/// What ran on the API: preflights that reached the server, middleware and handler runs, and
/// preflights that middleware or a handler saw (must stay 0).
#[derive(Clone, Default)]
struct Seen {
    preflights: Arc<AtomicUsize>,
    auth: Arc<AtomicUsize>,
    handler: Arc<AtomicUsize>,
    preflights_inside: Arc<AtomicUsize>,
}

impl Seen {
    fn count(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }

    fn saw(&self, request_method: &Method, counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::SeqCst);
        if request_method == Method::OPTIONS {
            self.preflights_inside.fetch_add(1, Ordering::SeqCst);
        }
    }
}

async fn require_bearer(
    State(seen): State<Seen>,
    request: Request,
    next: Next,
) -> Result<Response, StatusCode> {
    seen.saw(request.method(), &seen.auth);
    match request.headers().get("authorization") {
        Some(value) if value == "Bearer demo-token" => Ok(next.run(request).await),
        _ => Err(StatusCode::UNAUTHORIZED),
    }
}

// --- (a) handler policies, middleware authentication ----------------------------------------

#[cors(origins = env("CORS_E2E_ARRANGEMENT_ORIGIN"), headers = ["authorization", "content-type"], credentials, max_age = 600)]
async fn a_update_task(State(seen): State<Seen>, method: Method) -> &'static str {
    seen.saw(&method, &seen.handler);
    "updated"
}

fn arrangement_a(seen: &Seen) -> CorsRouter {
    CorsRouter::new()
        .route("/tasks/{id}", with_cors!(put(a_update_task)))
        .route_layer(middleware::from_fn_with_state(seen.clone(), require_bearer))
        .with_state(seen.clone())
}

// --- (b) named-policy groups, middleware authentication -------------------------------------

#[cors_policy(
    origins = env("CORS_E2E_ARRANGEMENT_ORIGIN"),
    methods = [GET, PUT, DELETE],
    headers = ["authorization", "content-type"],
    credentials,
    max_age = 600
)]
struct AuthPolicy;

#[cors_policy(origins = "*", methods = [GET])]
struct PublicPolicy;

async fn b_update_task(State(seen): State<Seen>, method: Method) -> &'static str {
    seen.saw(&method, &seen.handler);
    "updated"
}

async fn health() -> &'static str {
    "ok"
}

fn arrangement_b(seen: &Seen) -> CorsRouter {
    let api = CorsRouter::new()
        .route("/tasks/{id}", put(b_update_task))
        .route_layer(middleware::from_fn_with_state(seen.clone(), require_bearer))
        .layer(AuthPolicy::layer());
    let public = CorsRouter::new()
        .route("/health", get(health))
        .layer(PublicPolicy::layer());
    CorsRouter::new()
        .nest("/api", api)
        .nest("/public", public)
        .with_state(seen.clone())
}

// --- (c) handler policies, extractor authentication -----------------------------------------

struct User(String);

impl FromRequestParts<Seen> for User {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, seen: &Seen) -> Result<Self, StatusCode> {
        seen.saw(&parts.method, &seen.auth);
        match parts.headers.get("authorization") {
            Some(value) if value == "Bearer demo-token" => Ok(User("demo".to_owned())),
            _ => Err(StatusCode::UNAUTHORIZED),
        }
    }
}

#[cors(origins = env("CORS_E2E_ARRANGEMENT_ORIGIN"), headers = ["authorization", "content-type"], credentials)]
async fn c_update_task(State(seen): State<Seen>, User(name): User) -> String {
    seen.handler.fetch_add(1, Ordering::SeqCst);
    format!("updated by {name}")
}

fn arrangement_c(seen: &Seen) -> CorsRouter {
    CorsRouter::new()
        .route("/tasks/{id}", with_cors!(put(c_update_task)))
        .with_state(seen.clone())
}

// --- the pages and the servers --------------------------------------------------------------

const PAGE: &str = r#"<!doctype html><p id="result">pending</p><script>
const params = new URLSearchParams(location.search);
const url = params.get("api") + params.get("path");
const put = token => fetch(url, {
    method: "PUT",
    credentials: "include",
    headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
    body: "{}",
  })
  .then(r => r.text().then(t => (r.status + " " + t).trim()), () => "blocked");
(async () => {
  const good = await put("demo-token");
  const wrong = await put("wrong");
  document.getElementById("result").textContent = good + " | " + wrong;
})();
</script>"#;

fn element_text<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].trim())
}

async fn listen() -> (TcpListener, u16) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Serves the API; a counter outside the CORS layer counts the preflights that reach it.
fn serve_api(listener: TcpListener, router: CorsRouter, seen: &Seen) {
    async fn count(State(seen): State<Seen>, request: Request, next: Next) -> Response {
        if request.method() == Method::OPTIONS {
            seen.preflights.fetch_add(1, Ordering::SeqCst);
        }
        next.run(request).await
    }
    let app = router
        .into_router()
        .layer(middleware::from_fn_with_state(seen.clone(), count));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
}

async fn page_result(chromium: &std::path::Path, url: &str) -> String {
    let mut last = String::new();
    for _ in 0..3 {
        let dom = Browser::dump_dom(chromium, url, 10_000, Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        last = element_text(&dom, "result")
            .unwrap_or_else(|| panic!("{url}: no #result in {dom}"))
            .to_owned();
        if last != "pending" {
            break;
        }
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_arrangement_approves_preflights_and_lets_the_page_read_401_and_success() {
    let Some(chromium) = chromium::find_or_skip("arrangements") else {
        return;
    };
    let (allowed_listener, allowed) = listen().await;
    let (foreign_listener, foreign) = listen().await;
    // Before any router mounting the handlers is built: `env(..)` is read then.
    std::env::set_var(ORIGIN_VAR, format!("http://localhost:{allowed}"));
    for listener in [allowed_listener, foreign_listener] {
        let pages = CorsRouter::new().route("/", get(|| async { Html(PAGE) }));
        tokio::spawn(async move { axum::serve(listener, pages).await.unwrap() });
    }

    type Build = fn(&Seen) -> CorsRouter;
    let arrangements: [(&str, Build, &str, &str); 3] = [
        ("a", arrangement_a, "/tasks/1", "200 updated | 401"),
        ("b", arrangement_b, "/api/tasks/1", "200 updated | 401"),
        ("c", arrangement_c, "/tasks/1", "200 updated by demo | 401"),
    ];
    for (name, build, path, expected) in arrangements {
        let seen = Seen::default();
        let (listener, port) = listen().await;
        serve_api(listener, build(&seen), &seen);
        let api = format!("http://127.0.0.1:{port}");

        let result = page_result(
            &chromium,
            &format!("http://localhost:{allowed}/?api={api}&path={path}"),
        )
        .await;
        assert_eq!(result, expected, "({name}) allowed origin");
        assert!(
            Seen::count(&seen.preflights) >= 1,
            "({name}) the browser sent no preflight"
        );
        assert_eq!(
            Seen::count(&seen.auth),
            2,
            "({name}) auth ran for both PUTs"
        );
        assert_eq!(Seen::count(&seen.handler), 1, "({name}) handler ran once");

        let result = page_result(
            &chromium,
            &format!("http://localhost:{foreign}/?api={api}&path={path}"),
        )
        .await;
        assert_eq!(result, "blocked | blocked", "({name}) foreign origin");
        assert_eq!(
            Seen::count(&seen.handler),
            1,
            "({name}) the foreign page ran nothing"
        );
        assert_eq!(
            Seen::count(&seen.preflights_inside),
            0,
            "({name}) a preflight reached middleware or a handler"
        );
    }
}
