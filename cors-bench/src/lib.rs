//! Benchmark scenarios for cors-runtime (see `BENCHMARKS.md` at the repository root).
//!
//! Four policies (tables: three typical, one worst case), five contenders and four request
//! kinds, each answered by what `axum::serve` would serve (an axum [`Router`] after
//! `.with_state(())`, or our [`CorsRouter`] itself) driven through [`tower::Service::call`]. The binaries measure instructions (callgrind), allocations (a
//! counting allocator), interleaved wall-clock time and loopback requests per second.

use std::{
    future::Future,
    pin::pin,
    task::{Context, Poll, Waker},
    time::Duration,
};

use axum::{
    body::Body,
    http::{header, HeaderValue, Method, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, put},
    Router,
};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use tower::Service;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// A policy, and so a table of results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// 3 exact origins (the main table).
    Main,
    /// 50 exact origins.
    Origins50,
    /// One wildcard-subdomain pattern, `https://*.example.com`.
    Wildcard,
    /// The worst case of issue 13: 200 allowed request headers, and preflights requesting 128
    /// upper-case names (the most a preflight may list), which miss the exact-name fast path.
    Headers200,
}

impl Table {
    /// Every table, main first.
    pub const ALL: [Table; 4] = [
        Table::Main,
        Table::Origins50,
        Table::Wildcard,
        Table::Headers200,
    ];

    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Main => "3 exact origins",
            Table::Origins50 => "50 exact origins",
            Table::Wildcard => "wildcard subdomain pattern",
            Table::Headers200 => "worst case: 200 allowed headers, 128 upper-case requested names",
        }
    }

    /// Command-line key.
    pub fn key(self) -> &'static str {
        match self {
            Table::Main => "main",
            Table::Origins50 => "origins50",
            Table::Wildcard => "wildcard",
            Table::Headers200 => "headers200",
        }
    }

    /// Parses [`Table::key`].
    pub fn from_key(key: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The allowed origin the requests send.
    pub fn allowed_origin(self) -> &'static str {
        match self {
            Table::Main => main::ALLOWED,
            Table::Origins50 => origins50::ALLOWED,
            Table::Wildcard => wildcard::ALLOWED,
            Table::Headers200 => headers200::ALLOWED,
        }
    }

    /// The `Access-Control-Request-Headers` of this table's preflights.
    pub fn requested_headers(self) -> &'static str {
        match self {
            Table::Headers200 => worst_requested_headers(),
            _ => "authorization,content-type",
        }
    }
}

/// An origin no policy allows.
pub const REJECTED_ORIGIN: &str = "https://evil.example.net";

/// Who answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contender {
    /// No CORS on the routes ("bare"), plus an `OPTIONS` handler returning fixed CORS headers and
    /// checking nothing ("static floor"): the baseline of every ratio.
    Floor,
    /// `tower_http::cors::CorsLayer` configured for the same policy.
    TowerHttp,
    /// Ours, handler policy: `#[cors]` handlers mounted with `with_cors!`.
    Handler,
    /// Ours, group policy: `#[cors_policy]` and `P::layer()` on plain routes.
    Group,
    /// Ours, both: the handler-policy routes under a group policy (the handler's policy
    /// answers). Not a target; shows what the precedence lookup costs.
    HandlerInGroup,
}

impl Contender {
    /// Every contender, baseline first.
    pub const ALL: [Contender; 5] = [
        Contender::Floor,
        Contender::TowerHttp,
        Contender::Handler,
        Contender::Group,
        Contender::HandlerInGroup,
    ];

    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Floor => "floor / bare",
            Contender::TowerHttp => "tower-http",
            Contender::Handler => "ours: handler",
            Contender::Group => "ours: group",
            Contender::HandlerInGroup => "ours: handler in group",
        }
    }

    /// Command-line key.
    pub fn key(self) -> &'static str {
        match self {
            Contender::Floor => "floor",
            Contender::TowerHttp => "tower-http",
            Contender::Handler => "handler",
            Contender::Group => "group",
            Contender::HandlerInGroup => "handler-in-group",
        }
    }

    /// Parses [`Contender::key`].
    pub fn from_key(key: &str) -> Option<Contender> {
        Contender::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The app of this contender for `table`, ready to serve.
    pub fn router(self, table: Table) -> App {
        match (table, self) {
            (_, Contender::TowerHttp) => {
                App::Axum(bare_routes().layer(tower_http_layer(table)).with_state(()))
            }
            (Table::Main, c) => main::app(c),
            (Table::Origins50, c) => origins50::app(c),
            (Table::Wildcard, c) => wildcard::app(c),
            (Table::Headers200, c) => headers200::app(c),
        }
    }
}

/// What is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `OPTIONS /tasks/1` from the allowed origin, for `PUT` with `authorization, content-type`.
    Preflight,
    /// The same preflight from an origin the policy does not allow.
    Rejected,
    /// `GET /tasks` with the allowed `Origin`.
    GetOrigin,
    /// `GET /tasks` without `Origin` (same-origin or non-browser).
    GetNoOrigin,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 4] = [
        Kind::Preflight,
        Kind::Rejected,
        Kind::GetOrigin,
        Kind::GetNoOrigin,
    ];

    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Preflight => "allowed preflight",
            Kind::Rejected => "rejected preflight",
            Kind::GetOrigin => "GET with Origin",
            Kind::GetNoOrigin => "GET without Origin",
        }
    }

    /// Command-line key.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Preflight => "preflight",
            Kind::Rejected => "rejected",
            Kind::GetOrigin => "get-origin",
            Kind::GetNoOrigin => "get-no-origin",
        }
    }

    /// Parses [`Kind::key`].
    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Whether the baseline of this kind is the static floor (preflights) rather than bare.
    pub fn is_preflight(self) -> bool {
        matches!(self, Kind::Preflight | Kind::Rejected)
    }

    /// A fresh request of this kind for `table`.
    ///
    /// Header values are `HeaderValue::from_static`, so cloning one costs no allocation, as with
    /// a request parsed by hyper (its header values share the read buffer). A value built from a
    /// `&str` would allocate on its first clone, charging an echoing policy for an allocation it
    /// does not cause in a server.
    pub fn request(self, table: Table) -> Request<Body> {
        let origin = |o: &'static str| HeaderValue::from_static(o);
        let preflight = |o: &'static str| {
            Request::options("/tasks/1")
                .header(header::ORIGIN, origin(o))
                .header(
                    header::ACCESS_CONTROL_REQUEST_METHOD,
                    HeaderValue::from_static("PUT"),
                )
                .header(
                    header::ACCESS_CONTROL_REQUEST_HEADERS,
                    HeaderValue::from_static(table.requested_headers()),
                )
                .body(Body::empty())
                .expect("valid request")
        };
        match self {
            Kind::Preflight => preflight(table.allowed_origin()),
            Kind::Rejected => preflight(REJECTED_ORIGIN),
            Kind::GetOrigin => Request::get("/tasks")
                .header(header::ORIGIN, origin(table.allowed_origin()))
                .body(Body::empty())
                .expect("valid request"),
            Kind::GetNoOrigin => Request::get("/tasks")
                .body(Body::empty())
                .expect("valid request"),
        }
    }

    /// Panics unless `response` is what `contender` should answer to this kind: a benchmark
    /// that measures the wrong path is worse than none.
    pub fn check(self, table: Table, contender: Contender, response: &Response) {
        let status = response.status();
        let acao = response
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| v.to_str().unwrap_or("<bytes>").to_owned());
        let allowed = Some(table.allowed_origin().to_owned());
        let ok = match (self, contender) {
            // The static floor checks nothing: it always answers the fixed headers.
            (Kind::Preflight | Kind::Rejected, Contender::Floor) => {
                status == StatusCode::NO_CONTENT && acao == allowed
            }
            (Kind::Preflight, _) => status.is_success() && acao == allowed,
            (Kind::Rejected, Contender::TowerHttp) => status.is_success() && acao.is_none(),
            (Kind::Rejected, _) => status == StatusCode::FORBIDDEN && acao.is_none(),
            (Kind::GetOrigin, Contender::Floor) => status == StatusCode::OK && acao.is_none(),
            (Kind::GetOrigin, _) => status == StatusCode::OK && acao == allowed,
            (Kind::GetNoOrigin, _) => status == StatusCode::OK && acao.is_none(),
        };
        assert!(
            ok,
            "{} / {} / {}: unexpected answer {status} with Access-Control-Allow-Origin {acao:?}",
            table.key(),
            contender.key(),
            self.key()
        );
    }
}

/// What serves a contender's requests: an axum [`Router`] (floor, tower-http), or a
/// [`CorsRouter`] served as itself, as `axum::serve(listener, app)` serves it (ours).
#[derive(Clone, Debug)]
pub enum App {
    /// A plain axum router, after `.with_state(())`.
    Axum(Router),
    /// Our router, served as itself (no `into_router`).
    Cors(CorsRouter),
    /// The bare routes behind [`MinimalCors`]: a lower bound, not a contender.
    Minimal(MinimalCors<Router>),
}

/// The irreducible work of CORS on an actual request, for the main table's policy (3 exact
/// origins, credentials), written out by hand around the bare router: look `Origin` up once,
/// compare it with the three allowed origins, then add `Vary: origin` to every response and,
/// for an allowed origin, `Access-Control-Allow-Origin` (the request's value) and
/// `Access-Control-Allow-Credentials: true`. No preflights, no policy per route, no guard of
/// any kind: what any CORS layer answering the same headers through `http`'s `HeaderMap`
/// cannot avoid, so a lower bound for the actual-request targets, not a usable layer.
#[derive(Clone, Debug)]
pub struct MinimalCors<S> {
    inner: S,
}

impl MinimalCors<Router> {
    /// The bare routes of the main table behind it.
    pub fn app() -> App {
        App::Minimal(MinimalCors {
            inner: bare_routes().with_state(()),
        })
    }
}

impl<S> Service<Request<Body>> for MinimalCors<S>
where
    S: Service<Request<Body>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = MinimalFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let allow = req
            .headers()
            .get(header::ORIGIN)
            .filter(|origin| {
                main::ORIGINS
                    .iter()
                    .any(|allowed| origin.as_bytes() == allowed.as_bytes())
            })
            .cloned();
        MinimalFuture {
            inner: self.inner.call(req),
            allow,
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`MinimalCors`].
    pub struct MinimalFuture<F> {
        #[pin]
        inner: F,
        allow: Option<HeaderValue>,
    }
}

impl<F, E> Future for MinimalFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = std::task::ready!(this.inner.poll(cx))?;
        let headers = response.headers_mut();
        headers.insert(header::VARY, HeaderValue::from_static("origin"));
        if let Some(origin) = this.allow.take() {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        Poll::Ready(Ok(response))
    }
}

/// Sends `req` through `app` with `tower::Service::call` and polls the future once (every
/// handler here completes in one poll, so no runtime is involved).
pub fn call(app: &mut App, req: Request<Body>) -> Response {
    match app {
        App::Axum(router) => poll_once(Service::call(router, req)),
        App::Cors(router) => poll_once(Service::call(router, req)),
        App::Minimal(service) => poll_once(Service::call(service, req)),
    }
}

fn poll_once<F>(future: F) -> Response
where
    F: Future<Output = Result<Response, std::convert::Infallible>>,
{
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the router did not answer in one poll"),
    }
}

async fn plain() -> &'static str {
    "ok"
}

/// The routes with no CORS at all: `GET /tasks` and `PUT /tasks/{id}`.
fn bare_routes() -> Router {
    Router::new()
        .route("/tasks", get(plain))
        .route("/tasks/{id}", put(plain))
}

/// What the fastest preflight answer through axum looks like: fixed headers, nothing checked.
fn static_preflight(origin: &'static str) -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static(origin),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("PUT"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type, authorization"),
            ),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            ),
            (
                header::VARY,
                HeaderValue::from_static(
                    "origin, access-control-request-method, access-control-request-headers",
                ),
            ),
        ],
    )
        .into_response()
}

fn tower_http_layer(table: Table) -> CorsLayer {
    let origins = match table {
        Table::Main => AllowOrigin::list(main::ORIGINS.iter().map(|o| HeaderValue::from_static(o))),
        Table::Origins50 => AllowOrigin::list(
            origins50::ORIGINS
                .iter()
                .map(|o| HeaderValue::from_static(o)),
        ),
        Table::Wildcard => {
            AllowOrigin::predicate(|origin, _| is_example_subdomain(origin.as_bytes()))
        }
        Table::Headers200 => AllowOrigin::list(
            headers200::ORIGINS
                .iter()
                .map(|o| HeaderValue::from_static(o)),
        ),
    };
    let headers: &[&str] = match table {
        Table::Headers200 => headers200::HEADERS,
        Table::Main => main::HEADERS,
        Table::Origins50 => origins50::HEADERS,
        Table::Wildcard => wildcard::HEADERS,
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers(
            headers
                .iter()
                .map(|h| header::HeaderName::from_static(h))
                .collect::<Vec<_>>(),
        )
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

/// The predicate a tower-http user would write for `https://*.example.com`.
fn is_example_subdomain(origin: &[u8]) -> bool {
    let Some(rest) = origin.strip_prefix(b"https://") else {
        return false;
    };
    let Some(labels) = rest.strip_suffix(b".example.com") else {
        return false;
    };
    !labels.is_empty()
        && !labels.starts_with(b".")
        && labels
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'.')
}

/// One policy's handlers, group policy and routers. `$handler` is the `#[cors]` argument list.
macro_rules! table {
    ($module:ident, allowed = $allowed:literal, origins = [$($origin:literal),+], headers = [$($name:literal),+], handler = $handler:tt) => {
        mod $module {
            use super::*;

            pub(super) const ALLOWED: &str = $allowed;
            #[allow(dead_code)]
            pub(super) const ORIGINS: &[&str] = &[$($origin),+];
            pub(super) const HEADERS: &[&str] = &[$($name),+];

            #[cors_policy(
                origins = [$($origin),+],
                methods = [GET, PUT, DELETE],
                headers = [$($name),+],
                credentials,
                max_age = 600
            )]
            struct Group;

            #[cors $handler]
            async fn list_tasks() -> &'static str {
                "ok"
            }

            #[cors $handler]
            async fn update_task() -> &'static str {
                "ok"
            }

            async fn static_floor() -> Response {
                static_preflight(ALLOWED)
            }

            fn handler_routes() -> CorsRouter {
                CorsRouter::new()
                    .route("/tasks", with_cors!(get(list_tasks)))
                    .route("/tasks/{id}", with_cors!(put(update_task)))
            }

            /// The app of `contender` (tower-http is built in [`Contender::router`]).
            pub(super) fn app(contender: Contender) -> App {
                match contender {
                    Contender::Floor => App::Axum(
                        Router::new()
                            .route("/tasks", get(plain))
                            .route("/tasks/{id}", put(plain).options(static_floor))
                            .with_state(()),
                    ),
                    Contender::TowerHttp => unreachable!("built in Contender::router"),
                    Contender::Handler => App::Cors(handler_routes()),
                    Contender::HandlerInGroup => {
                        App::Cors(handler_routes().layer(Group::layer()))
                    }
                    Contender::Group => App::Cors(
                        CorsRouter::new()
                            .route("/tasks", get(plain))
                            .route("/tasks/{id}", put(plain))
                            .layer(Group::layer()),
                    ),
                }
            }
        }
    };
}

// The main table writes the handler attribute out in full, the others name the group policy
// (`policy = Group`): both expand to the same per-handler compiled policy.
table!(
    main,
    allowed = "https://app.example.com",
    origins = [
        "https://app.example.com",
        "https://admin.example.com",
        "https://other.example.com"
    ],
    headers = ["content-type", "authorization"],
    handler = (
        origins = [
            "https://app.example.com",
            "https://admin.example.com",
            "https://other.example.com"
        ],
        methods = [GET, PUT, DELETE],
        headers = ["content-type", "authorization"],
        credentials,
        max_age = 600
    )
);

table!(
    origins50,
    allowed = "https://app37.example.com",
    origins = [
        "https://app01.example.com",
        "https://app02.example.com",
        "https://app03.example.com",
        "https://app04.example.com",
        "https://app05.example.com",
        "https://app06.example.com",
        "https://app07.example.com",
        "https://app08.example.com",
        "https://app09.example.com",
        "https://app10.example.com",
        "https://app11.example.com",
        "https://app12.example.com",
        "https://app13.example.com",
        "https://app14.example.com",
        "https://app15.example.com",
        "https://app16.example.com",
        "https://app17.example.com",
        "https://app18.example.com",
        "https://app19.example.com",
        "https://app20.example.com",
        "https://app21.example.com",
        "https://app22.example.com",
        "https://app23.example.com",
        "https://app24.example.com",
        "https://app25.example.com",
        "https://app26.example.com",
        "https://app27.example.com",
        "https://app28.example.com",
        "https://app29.example.com",
        "https://app30.example.com",
        "https://app31.example.com",
        "https://app32.example.com",
        "https://app33.example.com",
        "https://app34.example.com",
        "https://app35.example.com",
        "https://app36.example.com",
        "https://app37.example.com",
        "https://app38.example.com",
        "https://app39.example.com",
        "https://app40.example.com",
        "https://app41.example.com",
        "https://app42.example.com",
        "https://app43.example.com",
        "https://app44.example.com",
        "https://app45.example.com",
        "https://app46.example.com",
        "https://app47.example.com",
        "https://app48.example.com",
        "https://app49.example.com",
        "https://app50.example.com"
    ],
    headers = ["content-type", "authorization"],
    handler = (policy = Group)
);

table!(
    wildcard,
    allowed = "https://app.example.com",
    origins = ["https://*.example.com"],
    headers = ["content-type", "authorization"],
    handler = (policy = Group)
);

// Issue 13's worst case: the main table's policy with 200 allowed headers; its preflights request
// the first 128 custom names in upper case (see [`worst_requested_headers`]).
table!(
    headers200,
    allowed = "https://app.example.com",
    origins = [
        "https://app.example.com",
        "https://admin.example.com",
        "https://other.example.com"
    ],
    headers = [
        "content-type",
        "authorization",
        "x-custom-header-001",
        "x-custom-header-002",
        "x-custom-header-003",
        "x-custom-header-004",
        "x-custom-header-005",
        "x-custom-header-006",
        "x-custom-header-007",
        "x-custom-header-008",
        "x-custom-header-009",
        "x-custom-header-010",
        "x-custom-header-011",
        "x-custom-header-012",
        "x-custom-header-013",
        "x-custom-header-014",
        "x-custom-header-015",
        "x-custom-header-016",
        "x-custom-header-017",
        "x-custom-header-018",
        "x-custom-header-019",
        "x-custom-header-020",
        "x-custom-header-021",
        "x-custom-header-022",
        "x-custom-header-023",
        "x-custom-header-024",
        "x-custom-header-025",
        "x-custom-header-026",
        "x-custom-header-027",
        "x-custom-header-028",
        "x-custom-header-029",
        "x-custom-header-030",
        "x-custom-header-031",
        "x-custom-header-032",
        "x-custom-header-033",
        "x-custom-header-034",
        "x-custom-header-035",
        "x-custom-header-036",
        "x-custom-header-037",
        "x-custom-header-038",
        "x-custom-header-039",
        "x-custom-header-040",
        "x-custom-header-041",
        "x-custom-header-042",
        "x-custom-header-043",
        "x-custom-header-044",
        "x-custom-header-045",
        "x-custom-header-046",
        "x-custom-header-047",
        "x-custom-header-048",
        "x-custom-header-049",
        "x-custom-header-050",
        "x-custom-header-051",
        "x-custom-header-052",
        "x-custom-header-053",
        "x-custom-header-054",
        "x-custom-header-055",
        "x-custom-header-056",
        "x-custom-header-057",
        "x-custom-header-058",
        "x-custom-header-059",
        "x-custom-header-060",
        "x-custom-header-061",
        "x-custom-header-062",
        "x-custom-header-063",
        "x-custom-header-064",
        "x-custom-header-065",
        "x-custom-header-066",
        "x-custom-header-067",
        "x-custom-header-068",
        "x-custom-header-069",
        "x-custom-header-070",
        "x-custom-header-071",
        "x-custom-header-072",
        "x-custom-header-073",
        "x-custom-header-074",
        "x-custom-header-075",
        "x-custom-header-076",
        "x-custom-header-077",
        "x-custom-header-078",
        "x-custom-header-079",
        "x-custom-header-080",
        "x-custom-header-081",
        "x-custom-header-082",
        "x-custom-header-083",
        "x-custom-header-084",
        "x-custom-header-085",
        "x-custom-header-086",
        "x-custom-header-087",
        "x-custom-header-088",
        "x-custom-header-089",
        "x-custom-header-090",
        "x-custom-header-091",
        "x-custom-header-092",
        "x-custom-header-093",
        "x-custom-header-094",
        "x-custom-header-095",
        "x-custom-header-096",
        "x-custom-header-097",
        "x-custom-header-098",
        "x-custom-header-099",
        "x-custom-header-100",
        "x-custom-header-101",
        "x-custom-header-102",
        "x-custom-header-103",
        "x-custom-header-104",
        "x-custom-header-105",
        "x-custom-header-106",
        "x-custom-header-107",
        "x-custom-header-108",
        "x-custom-header-109",
        "x-custom-header-110",
        "x-custom-header-111",
        "x-custom-header-112",
        "x-custom-header-113",
        "x-custom-header-114",
        "x-custom-header-115",
        "x-custom-header-116",
        "x-custom-header-117",
        "x-custom-header-118",
        "x-custom-header-119",
        "x-custom-header-120",
        "x-custom-header-121",
        "x-custom-header-122",
        "x-custom-header-123",
        "x-custom-header-124",
        "x-custom-header-125",
        "x-custom-header-126",
        "x-custom-header-127",
        "x-custom-header-128",
        "x-custom-header-129",
        "x-custom-header-130",
        "x-custom-header-131",
        "x-custom-header-132",
        "x-custom-header-133",
        "x-custom-header-134",
        "x-custom-header-135",
        "x-custom-header-136",
        "x-custom-header-137",
        "x-custom-header-138",
        "x-custom-header-139",
        "x-custom-header-140",
        "x-custom-header-141",
        "x-custom-header-142",
        "x-custom-header-143",
        "x-custom-header-144",
        "x-custom-header-145",
        "x-custom-header-146",
        "x-custom-header-147",
        "x-custom-header-148",
        "x-custom-header-149",
        "x-custom-header-150",
        "x-custom-header-151",
        "x-custom-header-152",
        "x-custom-header-153",
        "x-custom-header-154",
        "x-custom-header-155",
        "x-custom-header-156",
        "x-custom-header-157",
        "x-custom-header-158",
        "x-custom-header-159",
        "x-custom-header-160",
        "x-custom-header-161",
        "x-custom-header-162",
        "x-custom-header-163",
        "x-custom-header-164",
        "x-custom-header-165",
        "x-custom-header-166",
        "x-custom-header-167",
        "x-custom-header-168",
        "x-custom-header-169",
        "x-custom-header-170",
        "x-custom-header-171",
        "x-custom-header-172",
        "x-custom-header-173",
        "x-custom-header-174",
        "x-custom-header-175",
        "x-custom-header-176",
        "x-custom-header-177",
        "x-custom-header-178",
        "x-custom-header-179",
        "x-custom-header-180",
        "x-custom-header-181",
        "x-custom-header-182",
        "x-custom-header-183",
        "x-custom-header-184",
        "x-custom-header-185",
        "x-custom-header-186",
        "x-custom-header-187",
        "x-custom-header-188",
        "x-custom-header-189",
        "x-custom-header-190",
        "x-custom-header-191",
        "x-custom-header-192",
        "x-custom-header-193",
        "x-custom-header-194",
        "x-custom-header-195",
        "x-custom-header-196",
        "x-custom-header-197",
        "x-custom-header-198"
    ],
    handler = (policy = Group)
);

/// `X-CUSTOM-HEADER-001,...,X-CUSTOM-HEADER-128`: 128 names (the most a preflight may list),
/// allowed by the 200-header policy but in upper case, so every one is hashed and compared.
fn worst_requested_headers() -> &'static str {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        (1..=128)
            .map(|i| format!("X-CUSTOM-HEADER-{i:03}"))
            .collect::<Vec<_>>()
            .join(",")
    })
}
