//! Benchmark scenarios for cors-runtime (see `BENCHMARKS.md` at the repository root).
//!
//! Three policies (tables), four contenders and four request kinds, all answered by a real axum
//! [`Router`] (after `.with_state(())`, as `axum::serve` does) driven through
//! [`tower::Service::call`]. The binaries measure instructions (callgrind), allocations (a
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
}

impl Table {
    /// Every table, main first.
    pub const ALL: [Table; 3] = [Table::Main, Table::Origins50, Table::Wildcard];

    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Main => "3 exact origins",
            Table::Origins50 => "50 exact origins",
            Table::Wildcard => "wildcard subdomain pattern",
        }
    }

    /// Command-line key.
    pub fn key(self) -> &'static str {
        match self {
            Table::Main => "main",
            Table::Origins50 => "origins50",
            Table::Wildcard => "wildcard",
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

    /// The router of this contender for `table`, ready to serve.
    pub fn router(self, table: Table) -> Router {
        match (table, self) {
            (Table::Main, Contender::Floor) => main::floor_router(),
            (Table::Origins50, Contender::Floor) => origins50::floor_router(),
            (Table::Wildcard, Contender::Floor) => wildcard::floor_router(),
            (_, Contender::TowerHttp) => {
                bare_routes().layer(tower_http_layer(table)).with_state(())
            }
            (Table::Main, Contender::Handler) => main::handler_router(),
            (Table::Main, Contender::Group) => main::group_router(),
            (Table::Origins50, Contender::Handler) => origins50::handler_router(),
            (Table::Origins50, Contender::Group) => origins50::group_router(),
            (Table::Wildcard, Contender::Handler) => wildcard::handler_router(),
            (Table::Wildcard, Contender::Group) => wildcard::group_router(),
            (Table::Main, Contender::HandlerInGroup) => main::handler_in_group_router(),
            (Table::Origins50, Contender::HandlerInGroup) => origins50::handler_in_group_router(),
            (Table::Wildcard, Contender::HandlerInGroup) => wildcard::handler_in_group_router(),
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
                    HeaderValue::from_static("authorization,content-type"),
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

/// Sends `req` through `router` with `tower::Service::call` and polls the future once (every
/// handler here completes in one poll, so no runtime is involved).
pub fn call(router: &mut Router, req: Request<Body>) -> Response {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(Service::call(router, req));
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
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
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
    ($module:ident, allowed = $allowed:literal, origins = [$($origin:literal),+], handler = $handler:tt) => {
        mod $module {
            use super::*;

            pub(super) const ALLOWED: &str = $allowed;
            #[allow(dead_code)]
            pub(super) const ORIGINS: &[&str] = &[$($origin),+];

            #[cors_policy(
                origins = [$($origin),+],
                methods = [GET, PUT, DELETE],
                headers = ["content-type", "authorization"],
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

            pub(super) fn floor_router() -> Router {
                Router::new()
                    .route("/tasks", get(plain))
                    .route("/tasks/{id}", put(plain).options(static_floor))
                    .with_state(())
            }

            fn handler_routes() -> CorsRouter {
                CorsRouter::new()
                    .route("/tasks", with_cors!(get(list_tasks)))
                    .route("/tasks/{id}", with_cors!(put(update_task)))
            }

            pub(super) fn handler_router() -> Router {
                handler_routes().into_router()
            }

            pub(super) fn handler_in_group_router() -> Router {
                handler_routes().layer(Group::layer()).into_router()
            }

            pub(super) fn group_router() -> Router {
                CorsRouter::new()
                    .route("/tasks", get(plain))
                    .route("/tasks/{id}", put(plain))
                    .layer(Group::layer())
                    .into_router()
            }
        }
    };
}

// The main table writes the handler attribute out in full, the others name the group policy
// (`policy = Group`): both expand to the same per-handler static policy.
table!(
    main,
    allowed = "https://app.example.com",
    origins = [
        "https://app.example.com",
        "https://admin.example.com",
        "https://other.example.com"
    ],
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
    handler = (policy = Group)
);

table!(
    wildcard,
    allowed = "https://app.example.com",
    origins = ["https://*.example.com"],
    handler = (policy = Group)
);
