//! End-to-end tests in headless Chromium: a real browser is the judge of every policy.
//!
//! On loopback ports the OS picks: two frontends shared by the tests of this binary (`P1`,
//! allowed: listed as `http://127.0.0.1:P1` and matched as `http://app.localhost:P1` by the
//! pattern `http://*.localhost:P1`; `P3`, which no policy allows), and one API per test at
//! `http://localhost:P2`. Chromium first visits the API's `/login`, which sets a cookie on the
//! API's origin and redirects to the frontend page; the page's script
//! (`tests/browser/scenarios.js`) runs every scenario with `fetch()` / `XMLHttpRequest` and
//! POSTs the outcomes to its own origin. The test compares them with [`EXPECTED`] and checks
//! the preflights its API counted ([`PREFLIGHTS`]). One browser launch per test; the four
//! scenario tests load the page from the four [`PageOrigin`]s. A fifth test runs
//! `examples/tasks.rs` and checks its page.
//!
//! Without Chromium (`CHROMIUM=/path`, or `chromium`, `chromium-browser`, `google-chrome` on
//! `PATH`) each test prints why it is skipped and passes; `CORS_E2E_REQUIRE_BROWSER=1` makes
//! that a failure.

use std::{
    collections::HashMap,
    net::SocketAddr,
    process::Stdio,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use axum::{
    extract::{Path, Query, Request, State},
    http::{
        header::{AUTHORIZATION, SET_COOKIE},
        request::Parts,
        HeaderMap, HeaderValue, Method, StatusCode,
    },
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, put},
    Json,
};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use serde::Deserialize;
use tokio::{
    net::TcpListener,
    process::{Child, Command},
    task::JoinHandle,
};

#[path = "browser/chromium.rs"]
mod chromium;
#[path = "browser/page.rs"]
mod page;

use chromium::{Browser, TempDir};

/// How long a page may take to report (its own watchdog fires at 40 s).
const REPORT_TIMEOUT: Duration = Duration::from_secs(60);
/// What a script sees when CORS refuses it.
const BLOCKED: &str = "blocked";
const COOKIE_VALUE: &str = "sid=e2e-session";
/// `cargo run --example tasks` may have to build the example first.
const EXAMPLE_START_TIMEOUT: Duration = Duration::from_secs(240);

/// `(scenario, outcome from an allowed origin, outcome from a refused origin)`.
///
/// Scenario names start with the routes they use: `h` = `#[cors]` handlers in `with_cors!`,
/// `g` / `ga` / `gw` = plain handlers under a `#[cors_policy]` group layer.
const EXPECTED: &[(&str, &str, &str)] = &[
    // Simple GET: readable when allowed; the response arrives but the script gets a TypeError.
    ("h.simple-get", "200 hello", BLOCKED),
    ("g.simple-get", "200 hello", BLOCKED),
    // Preflighted PUT/DELETE with a JSON body and `Authorization`, with fetch and XHR.
    (
        "h.put-json-authorization",
        "200 put 7 write tests authorization=Bearer good-token",
        BLOCKED,
    ),
    (
        "g.put-json-authorization",
        "200 put 7 write tests authorization=Bearer good-token",
        BLOCKED,
    ),
    (
        "h.delete-authorization",
        "200 deleted 7 authorization=Bearer good-token",
        BLOCKED,
    ),
    (
        "g.delete-authorization",
        "200 deleted 7 authorization=Bearer good-token",
        BLOCKED,
    ),
    (
        "h.xhr-put-json-authorization",
        "200 put 8 via xhr authorization=Bearer good-token",
        BLOCKED,
    ),
    (
        "g.xhr-put-json-authorization",
        "200 put 8 via xhr authorization=Bearer good-token",
        BLOCKED,
    ),
    (
        "h.xhr-delete-authorization",
        "200 deleted 9 authorization=Bearer good-token",
        BLOCKED,
    ),
    (
        "g.xhr-delete-authorization",
        "200 deleted 9 authorization=Bearer good-token",
        BLOCKED,
    ),
    // A request header and a method the policy does not list (the routes do serve PATCH).
    ("h.header-outside-policy", BLOCKED, BLOCKED),
    ("g.header-outside-policy", BLOCKED, BLOCKED),
    ("h.method-outside-policy", BLOCKED, BLOCKED),
    ("g.method-outside-policy", BLOCKED, BLOCKED),
    // The Json extractor's rejection is a status the script can read, not a network error.
    ("h.json-rejection-status", "422 with body", BLOCKED),
    ("g.json-rejection-status", "422 with body", BLOCKED),
    // A policy without `credentials`: fine without credentials, refused with them.
    ("h.me-without-credentials", "200 cookie=", BLOCKED),
    ("g.me-without-credentials", "200 cookie=", BLOCKED),
    ("h.credentials-not-in-policy", BLOCKED, BLOCKED),
    ("g.credentials-not-in-policy", BLOCKED, BLOCKED),
    // A policy with `credentials`: the API's cookie goes along and the answer is readable.
    (
        "h.credentials-cookie",
        "200 cookie=sid=e2e-session",
        BLOCKED,
    ),
    (
        "ga.credentials-cookie",
        "200 cookie=sid=e2e-session",
        BLOCKED,
    ),
    // Only exposed response headers are visible to the script.
    (
        "h.headers-not-exposed",
        "200 x-request-id=null x-internal=null",
        BLOCKED,
    ),
    (
        "h.headers-exposed",
        "200 x-request-id=req-42 x-internal=null",
        BLOCKED,
    ),
    (
        "g.headers-exposed",
        "200 x-request-id=req-42 x-internal=null",
        BLOCKED,
    ),
    (
        "gw.headers-not-exposed",
        "200 x-request-id=null x-internal=null",
        BLOCKED,
    ),
    // 401s: from the handler itself, and from an auth `route_layer` inside the group layer
    // (the preflight of the PUT is answered before authentication).
    (
        "h.unauthorized-status",
        "401 missing or bad bearer token",
        BLOCKED,
    ),
    ("h.authorized", "200 the secret", BLOCKED),
    (
        "ga.no-token-status",
        "401 missing or bad bearer token",
        BLOCKED,
    ),
    (
        "ga.bad-token-put-status",
        "401 missing or bad bearer token",
        BLOCKED,
    ),
    ("ga.good-token", "200 the secret", BLOCKED),
    // `headers = "*"` with `Authorization`: the requested names echoed (a literal `*` is no
    // wildcard with credentials, and never covers Authorization in the Fetch standard).
    (
        "h.any-headers-authorization",
        "200 authorization=Bearer good-token x-trace-id=t-1",
        BLOCKED,
    ),
    (
        "h.any-headers-authorization-credentials",
        "200 authorization=Bearer good-token x-trace-id=t-1 cookie=sid=e2e-session",
        BLOCKED,
    ),
    (
        "gw.any-headers-authorization-credentials",
        "200 authorization=Bearer good-token x-trace-id=t-1 cookie=sid=e2e-session",
        BLOCKED,
    ),
    // Preflight caching: the outcomes here, the OPTIONS counts in `PREFLIGHTS`.
    (
        "h.max-age",
        "200 put first | 200 put second",
        "blocked | blocked",
    ),
    (
        "h.no-max-age",
        "200 put first | 200 put second",
        "blocked | blocked",
    ),
    (
        "ga.max-age",
        "200 put first | 200 put second",
        "blocked | blocked",
    ),
    (
        "g.no-max-age",
        "200 put first | 200 put second",
        "blocked | blocked",
    ),
];

/// OPTIONS requests the API must see for two identical preflighted PUTs 6 s apart, from an
/// allowed origin: one with `max_age = 600`, two without `max_age` (Chromium's default cache
/// lifetime is 5 s).
const PREFLIGHTS: &[(&str, usize)] = &[
    ("/h/cached", 1),
    ("/ga/cached", 1),
    ("/h/uncached", 2),
    ("/g/uncached", 2),
];

// --- Policies ------------------------------------------------------------------------------
//
// The frontend's port is only known at run time, so the policies read their origins from the
// environment when the router is built (`env(..)`, see `allowed_origins_env`) or ask a
// predicate.
#[cors_policy(
    origins = env("CORS_E2E_ORIGINS"),
    methods = [GET, PUT, DELETE, POST],
    headers = ["content-type", "authorization"],
    expose = ["x-request-id"]
)]
struct ApiGroup;

#[cors_policy(
    origins = registered_origin,
    credentials,
    methods = [GET, PUT],
    headers = ["content-type", "authorization"],
    max_age = 600
)]
struct AuthGroup;

#[cors_policy(
    origins = env("CORS_E2E_ORIGINS"),
    credentials,
    methods = [GET, PUT],
    headers = "*"
)]
struct AnyHeadersGroup;

/// The predicate policy's origins: the allowed frontend, under both of its names.
fn registered_origin(origin: &HeaderValue, _request: &Parts) -> bool {
    let port = page::frontends().allowed_port;
    [
        format!("http://127.0.0.1:{port}"),
        format!("http://app.localhost:{port}"),
    ]
    .iter()
    .any(|allowed| origin == allowed.as_str())
}

/// Sets `CORS_E2E_ORIGINS` (once per process: it never changes) to the allowed frontend, by
/// its address and by the pattern `http://*.localhost:P1`.
fn allowed_origins_env() {
    static SET: std::sync::Once = std::sync::Once::new();
    SET.call_once(|| {
        let port = page::frontends().allowed_port;
        let origins = format!("http://127.0.0.1:{port}, http://*.localhost:{port}");
        std::env::set_var("CORS_E2E_ORIGINS", origins);
    });
}

// --- Handlers ------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Task {
    title: String,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Every answer carries one header that some policies expose and one that none does.
fn with_ids(body: &'static str) -> impl IntoResponse {
    ([("x-request-id", "req-42"), ("x-internal", "secret")], body)
}

async fn simple() -> impl IntoResponse {
    with_ids("hello")
}

async fn update_task(Path(id): Path<u32>, headers: HeaderMap, Json(task): Json<Task>) -> String {
    let auth = header(&headers, "authorization");
    format!("put {id} {} authorization={auth}", task.title)
}

async fn delete_task(Path(id): Path<u32>, headers: HeaderMap) -> String {
    format!(
        "deleted {id} authorization={}",
        header(&headers, "authorization")
    )
}

async fn patch_task(Path(id): Path<u32>) -> String {
    format!("patched {id}")
}

async fn create_task(Json(task): Json<Task>) -> String {
    format!("created {}", task.title)
}

async fn put_title(Json(task): Json<Task>) -> String {
    format!("put {}", task.title)
}

async fn me(headers: HeaderMap) -> String {
    format!("cookie={}", header(&headers, "cookie"))
}

async fn any_headers(headers: HeaderMap) -> String {
    format!(
        "authorization={} x-trace-id={}",
        header(&headers, "authorization"),
        header(&headers, "x-trace-id")
    )
}

async fn any_headers_session(headers: HeaderMap) -> String {
    let cookie = header(&headers, "cookie").to_owned();
    format!("{} cookie={cookie}", any_headers(headers).await)
}

fn bearer_ok(headers: &HeaderMap) -> bool {
    headers
        .get(AUTHORIZATION)
        .is_some_and(|v| v == "Bearer good-token")
}

async fn secret() -> &'static str {
    "the secret"
}

async fn require_bearer(request: Request, next: Next) -> Response {
    if bearer_ok(request.headers()) {
        next.run(request).await
    } else {
        (StatusCode::UNAUTHORIZED, "missing or bad bearer token").into_response()
    }
}

// The `#[cors]` twins of the handlers above.

#[cors(origins = env("CORS_E2E_ORIGINS"))]
async fn h_simple() -> impl IntoResponse {
    simple().await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), expose = ["x-request-id"])]
async fn h_expose() -> impl IntoResponse {
    simple().await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = ["content-type", "authorization"])]
async fn h_update_task(id: Path<u32>, headers: HeaderMap, task: Json<Task>) -> String {
    update_task(id, headers, task).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = ["content-type", "authorization"])]
async fn h_delete_task(id: Path<u32>, headers: HeaderMap) -> String {
    delete_task(id, headers).await
}

/// Mounted under PATCH, but its policy allows PUT only.
#[cors(origins = env("CORS_E2E_ORIGINS"), methods = [PUT], headers = ["content-type"])]
async fn h_patch_task(id: Path<u32>) -> String {
    patch_task(id).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = ["content-type"])]
async fn h_create_task(task: Json<Task>) -> String {
    create_task(task).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"))]
async fn h_me(headers: HeaderMap) -> String {
    me(headers).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), credentials)]
async fn h_session(headers: HeaderMap) -> String {
    me(headers).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = ["authorization"])]
async fn h_secret(headers: HeaderMap) -> Response {
    if bearer_ok(&headers) {
        secret().await.into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "missing or bad bearer token").into_response()
    }
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = "*")]
async fn h_any_headers(headers: HeaderMap) -> String {
    any_headers(headers).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = "*", credentials)]
async fn h_any_headers_session(headers: HeaderMap) -> String {
    any_headers_session(headers).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = ["content-type"], max_age = 600)]
async fn h_cached(task: Json<Task>) -> String {
    put_title(task).await
}

#[cors(origins = env("CORS_E2E_ORIGINS"), headers = ["content-type"])]
async fn h_uncached(task: Json<Task>) -> String {
    put_title(task).await
}

#[derive(Deserialize)]
struct Login {
    next: String,
}

/// Sets the session cookie on the API's origin (a first-party response) and sends the
/// browser on to the frontend page.
async fn login(Query(login): Query<Login>) -> impl IntoResponse {
    (
        [(
            SET_COOKIE,
            format!("{COOKIE_VALUE}; Path=/; HttpOnly; Secure; SameSite=None"),
        )],
        Redirect::to(&login.next),
    )
}

/// OPTIONS requests received, per path.
#[derive(Clone, Debug, Default)]
struct Preflights(Arc<Mutex<HashMap<String, usize>>>);

impl Preflights {
    fn get(&self, path: &str) -> usize {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(path).copied().unwrap_or(0)
    }
}

async fn count_options(
    State(preflights): State<Preflights>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() == Method::OPTIONS {
        let mut map = preflights.0.lock().unwrap_or_else(PoisonError::into_inner);
        *map.entry(request.uri().path().to_owned()).or_default() += 1;
    }
    next.run(request).await
}

fn api_router(preflights: Preflights) -> axum::Router {
    let handlers = CorsRouter::new()
        .route("/h/simple", with_cors!(get(h_simple)))
        .route("/h/expose", with_cors!(get(h_expose)))
        .route(
            "/h/tasks/{id}",
            with_cors!(put(h_update_task).delete(h_delete_task).patch(h_patch_task)),
        )
        .route("/h/tasks", with_cors!(post(h_create_task)))
        .route("/h/me", with_cors!(get(h_me)))
        .route("/h/session", with_cors!(get(h_session)))
        .route("/h/secret", with_cors!(get(h_secret)))
        .route("/h/any-headers", with_cors!(put(h_any_headers)))
        .route(
            "/h/any-headers-session",
            with_cors!(put(h_any_headers_session)),
        )
        .route("/h/cached", with_cors!(put(h_cached)))
        .route("/h/uncached", with_cors!(put(h_uncached)));

    let group = CorsRouter::new()
        .route("/simple", get(simple))
        .route(
            "/tasks/{id}",
            put(update_task).delete(delete_task).patch(patch_task),
        )
        .route("/tasks", axum::routing::post(create_task))
        .route("/me", get(me))
        .route("/uncached", put(put_title))
        .layer(ApiGroup::layer());

    // The recommended order: authentication as a `route_layer`, the policy layer after it.
    let auth_group = CorsRouter::new()
        .route("/session", get(me))
        .route("/secret", get(secret).put(secret))
        .route("/cached", put(put_title))
        .route_layer(middleware::from_fn(require_bearer))
        .layer(AuthGroup::layer());

    let any_headers_group = CorsRouter::new()
        .route("/simple", get(simple))
        .route("/any-headers-session", put(any_headers_session))
        .layer(AnyHeadersGroup::layer());

    CorsRouter::new()
        .merge(handlers)
        .nest("/g", group)
        .nest("/ga", auth_group)
        .nest("/gw", any_headers_group)
        .route("/login", get(login))
        .into_router()
        // Outside the CORS layer (added to the finished router): it sees the preflights that
        // reach the server, which no middleware inside the `CorsRouter` ever does.
        .layer(middleware::from_fn_with_state(preflights, count_options))
}

// --- The servers ---------------------------------------------------------------------------

/// One test's API server, at `http://localhost:port`.
#[derive(Debug)]
struct Api {
    origin: String,
    preflights: Preflights,
    server: JoinHandle<()>,
}

impl Api {
    async fn start() -> Api {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind the API port");
        let port = listener.local_addr().expect("API address").port();
        allowed_origins_env();
        let preflights = Preflights::default();
        let router = api_router(preflights.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve the API");
        });
        Api {
            origin: format!("http://localhost:{port}"),
            preflights,
            server,
        }
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Where the page is loaded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PageOrigin {
    /// `http://127.0.0.1:P1`, listed exactly.
    Allowed,
    /// `http://app.localhost:P1`, matched by `http://*.localhost:P1` (the predicate policy
    /// lists it exactly).
    Wildcard,
    /// `http://127.0.0.1:P3`, allowed by no policy.
    Disallowed,
    /// `http://app.localhost:P3`: a subdomain the pattern covers, on another port.
    WildcardOtherPort,
}

/// Loads the scenario page from `from` in Chromium and checks every outcome.
async fn run_scenarios(test: &str, from: PageOrigin) {
    let Some(chromium) = chromium::find_or_skip(test) else {
        return;
    };
    let started = Instant::now();
    let api = Api::start().await;
    let frontends = page::frontends();
    let (host, port) = match from {
        PageOrigin::Allowed => ("127.0.0.1", frontends.allowed_port),
        PageOrigin::Wildcard => ("app.localhost", frontends.allowed_port),
        PageOrigin::Disallowed => ("127.0.0.1", frontends.disallowed_port),
        PageOrigin::WildcardOtherPort => ("app.localhost", frontends.disallowed_port),
    };
    let refused = matches!(from, PageOrigin::Disallowed | PageOrigin::WildcardOtherPort);
    let page_origin = format!("http://{host}:{port}");
    let mut run = frontends.run();
    // The login sets the API's cookie, then redirects to the page (the query string has no
    // character that needs escaping inside `next`'s value but `&`, hence `%26`).
    let url = format!(
        "{api}/login?next={page_origin}/?api={api}%26run={run}",
        api = api.origin,
        run = run.id
    );
    let browser = Browser::open(&chromium, &url).expect("start chromium");
    let report = run.report(REPORT_TIMEOUT).await;
    let log = browser.log_tail();
    browser.close().await;
    let report = report.unwrap_or_else(|| {
        panic!(
            "{test}: the page at {page_origin} reported nothing within {REPORT_TIMEOUT:?}\n{log}"
        )
    });
    assert_eq!(
        report.origin, page_origin,
        "the report came from another origin"
    );

    let observed: HashMap<&str, &str> = report
        .results
        .iter()
        .map(|r| (r.name.as_str(), r.outcome.as_str()))
        .collect();
    let mut problems = Vec::new();
    let mut table = String::new();
    for (name, if_allowed, if_disallowed) in EXPECTED {
        let expected = if refused { if_disallowed } else { if_allowed };
        let got = observed.get(name).copied().unwrap_or("<missing>");
        let ok = got == *expected;
        if !ok {
            problems.push(format!("{name}: expected `{expected}`, observed `{got}`"));
        }
        table.push_str(&format!(
            "  {} {name:<30} {got}\n",
            if ok { "ok  " } else { "FAIL" }
        ));
    }
    for result in &report.results {
        if !EXPECTED.iter().any(|(name, ..)| *name == result.name) {
            problems.push(format!(
                "{}: ran in the page but has no expectation",
                result.name
            ));
        }
    }
    // From a refused origin every preflight fails, and failures are never cached.
    if !refused {
        for (path, expected) in PREFLIGHTS {
            let seen = api.preflights.get(path);
            let ok = seen == *expected;
            if !ok {
                problems.push(format!(
                    "{path}: expected {expected} OPTIONS request(s) for two PUTs, the API saw {seen}"
                ));
            }
            table.push_str(&format!(
                "  {} OPTIONS {path:<22} {seen}\n",
                if ok { "ok  " } else { "FAIL" }
            ));
        }
    }
    problems.extend(report.errors.iter().map(|e| format!("page: {e}")));
    println!(
        "{test} from {page_origin}, {:.1?}:\n{table}",
        started.elapsed()
    );
    assert!(
        problems.is_empty(),
        "{test}: from {page_origin}:\n{}\n\nall outcomes:\n{table}\n{log}",
        problems.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_origin_reads_every_answer_its_policies_grant() {
    run_scenarios("allowed_origin", PageOrigin::Allowed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wildcard_subdomain_origin_is_allowed_like_a_listed_one() {
    run_scenarios("wildcard_origin", PageOrigin::Wildcard).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disallowed_origin_is_refused_by_every_policy() {
    run_scenarios("disallowed_origin", PageOrigin::Disallowed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wildcard_pattern_does_not_cover_another_port() {
    run_scenarios("wildcard_other_port", PageOrigin::WildcardOtherPort).await;
}

// --- examples/tasks.rs ---------------------------------------------------------------------

/// Two ports the OS considers free right now (held together, so they differ).
fn free_ports() -> (u16, u16) {
    let bind = || {
        std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("bind a loopback port")
    };
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().expect("address").port();
    (port(&a), port(&b))
}

/// Waits until every port accepts connections; fails early if `child` exits.
async fn wait_for_ports(child: &mut Child, ports: &[u16], timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the example exited with {status} before listening"));
        }
        let mut up = true;
        for port in ports {
            let connect = tokio::net::TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], *port)));
            up &= matches!(
                tokio::time::timeout(Duration::from_secs(1), connect).await,
                Ok(Ok(_))
            );
        }
        if up {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("ports {ports:?} not listening after {timeout:?}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `--profile <name>` when this test binary was not built with the dev profile, so that
/// `cargo run` reuses what `cargo test --release` (say) built.
fn profile_args() -> Vec<String> {
    // target/<profile dir>/deps/browser-<hash>
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe.parent().and_then(|deps| deps.parent());
    match dir.and_then(|d| d.file_name()).and_then(|n| n.to_str()) {
        None | Some("debug") => Vec::new(),
        Some("release") => vec!["--release".to_owned()],
        Some(name) => vec!["--profile".to_owned(), name.to_owned()],
    }
}

/// The text of the element with `id` in serialized HTML (no nested tags expected).
fn element_text<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].trim())
}

/// `cargo run --example tasks` on free ports, then its page in Chromium: the page's
/// preflighted, credentialed PUT must succeed (`#result` starts with `OK`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_example_page_reports_ok() {
    const TEST: &str = "tasks_example";
    let Some(chromium) = chromium::find_or_skip(TEST) else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (api_port, frontend_port) = free_ports();
    let logs = TempDir::new("tasks-example").expect("temp dir");
    let log_path = logs.path().join("tasks.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    // `cargo run` execs the example in place (Unix), so killing the child kills the server.
    // Under a plain `cargo test` the example is already built; `--test browser` builds it here.
    let mut example = Command::new(cargo)
        .args(["run", "--quiet", "--example", "tasks"])
        .args(profile_args())
        .current_dir(root)
        .env("API_PORT", api_port.to_string())
        .env("FRONTEND_PORT", frontend_port.to_string())
        .env("RUST_LOG", "cors_runtime=debug")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file"))
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("start `cargo run --example tasks`");
    let example_log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    if let Err(e) = wait_for_ports(
        &mut example,
        &[api_port, frontend_port],
        EXAMPLE_START_TIMEOUT,
    )
    .await
    {
        let _ = example.kill().await;
        panic!("{TEST}: {e}\n--- example output ---\n{}", example_log());
    }

    let url = format!("http://localhost:{frontend_port}/");
    let mut outcome: Result<String, String> = Err(String::new());
    // The DOM is dumped when the page settles; `pending` means it was dumped too early.
    for _ in 0..3 {
        outcome = Browser::dump_dom(&chromium, &url, 10_000, Duration::from_secs(30))
            .await
            .and_then(|dom: String| {
                element_text(&dom, "result")
                    .map(str::to_owned)
                    .ok_or_else(|| format!("no element `#result` in the page:\n{dom}"))
            });
        if !matches!(&outcome, Ok(text) if text == "pending") {
            break;
        }
    }
    let _ = example.kill().await;
    match outcome {
        Ok(text) if text.starts_with("OK") => println!("{TEST}: #result = {text}"),
        Ok(text) => panic!(
            "{TEST}: #result = `{text}`, expected `OK ...`\n--- example output ---\n{}",
            example_log()
        ),
        Err(e) => panic!("{TEST}: {e}\n--- example output ---\n{}", example_log()),
    }
}
