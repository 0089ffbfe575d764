//! Fuzz target: the runtime's request evaluation, through a real `CorsRouter` holding every
//! kind of policy (handler policies via `with_cors!`, group policies, a nested group, `enforce`,
//! runtime policies from `Policy::builder` with an exact list, an async predicate and `enforce`,
//! `origins = state(..)` handlers and groups, with and without `enforce`), served as axum
//! serves it (`axum::serve(listener, app)` calls the `CorsRouter` service).
//!
//! Input (text-like, so seeds are readable): line 1 = method, line 2 = path, every further
//! line = `name: value` (raw bytes; lines that are not a valid header are skipped).
//! After each request the response is checked against a reference model of who may be allowed.
#![no_main]

use std::{
    cell::Cell,
    future::Future,
    pin::{pin, Pin},
    task::{Context, Poll, Waker},
};

use axum::{
    body::Body,
    http::{HeaderMap, HeaderName, HeaderValue, Method, Request},
    response::Response,
    routing::get,
};
use cors_runtime::{cors, cors_policy, with_cors, CorsLayer, CorsRouter, OriginCheck, Policy};
use libfuzzer_sys::fuzz_target;
use tower_service::Service;

const APP: &[u8] = b"https://app.example.com";

#[cors(origins = ["https://app.example.com", "https://*.example.com", "http://localhost:3000"], credentials, headers = ["content-type", "authorization"], expose = ["x-request-id"], max_age = 600)]
async fn list() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

#[cors(
    origins = "*",
    methods = "*",
    headers = "*",
    expose = "*",
    private_network
)]
async fn any() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

#[cors(origins = ["null", "https://app.example.com"], allow_null_origin, methods = "*", headers = "*", credentials)]
async fn null() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

#[cors(origins = ["https://app.example.com", "https://*.example.com"], enforce, credentials)]
async fn enforced() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

#[cors(disable)]
async fn disabled() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

#[cors_policy(origins = ["https://app.example.com"], credentials, methods = [GET, POST, PUT], headers = ["authorization"], enforce)]
struct Group;

#[cors_policy(origins = ["https://admin.example.com"], methods = "*", headers = "*")]
struct Inner;

/// The tenant table of the app state (`origins = state(Tenants)`): a fixed, known set.
const TENANTS: &[&str] = &["https://acme.example", "https://beta.example:8443"];
/// The set the runtime policy's async predicate answers from (a different one, so the model
/// knows which check answered).
const PARTNERS: &[&str] = &["https://partner.example", "http://localhost:4000"];

thread_local! {
    /// Async origin checks started for the current request.
    static LOOKUPS: Cell<u32> = const { Cell::new(0) };
}

/// Pending once (waking itself), then ready: an async check that really is awaited.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[derive(Clone)]
struct Tenants(&'static [&'static str]);

impl OriginCheck for Tenants {
    async fn allows(self, origin: HeaderValue) -> bool {
        LOOKUPS.with(|n| n.set(n.get() + 1));
        YieldOnce(false).await;
        self.0.iter().any(|o| origin.as_bytes() == o.as_bytes())
    }
}

/// The runtime policy's async predicate (`origins_async`).
async fn partner_allowed(origin: HeaderValue, partners: Tenants) -> bool {
    partners.allows(origin).await
}

#[derive(Clone)]
struct AppState {
    tenants: Tenants,
}

impl axum::extract::FromRef<AppState> for Tenants {
    fn from_ref(state: &AppState) -> Tenants {
        state.tenants.clone()
    }
}

#[cors(origins = state(Tenants), methods = [GET, PUT], headers = ["authorization"], credentials, max_age = 60)]
async fn tenant_handler() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

#[cors(origins = state(Tenants), methods = [GET, POST], enforce)]
async fn tenant_enforced() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

#[cors_policy(origins = state(Tenants), methods = [GET, POST], credentials)]
struct TenantGroup;

#[cors_policy(origins = state(Tenants), methods = [GET, POST, DELETE], headers = "*", enforce)]
struct TenantEnforcedGroup;

fn runtime_list() -> Policy {
    Policy::builder("RuntimeList")
        .origins(["https://app.example.com", "https://*.tenant.example"])
        .methods(["GET", "PUT"])
        .headers(["content-type", "authorization"])
        .expose(["x-request-id"])
        .credentials(true)
        .max_age(600)
        .build()
        .unwrap()
}

fn runtime_async() -> Policy {
    Policy::builder("RuntimeAsync")
        .origins_async(Tenants(PARTNERS), partner_allowed)
        .any_method()
        .any_header()
        .build()
        .unwrap()
}

fn runtime_enforced() -> Policy {
    Policy::builder("RuntimeEnforced")
        .origins(["https://app.example.com", "https://*.tenant.example"])
        .methods(["GET", "POST", "PATCH"])
        .credentials(true)
        .enforce(true)
        .build()
        .unwrap()
}

async fn plain() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-handler", "ran")], "ok")
}

/// Which policy answers a path, as a reference model.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Model {
    List,
    Any,
    Null,
    Enforced,
    Disabled,
    Group,
    Inner,
    RuntimeList,
    RuntimeAsync,
    RuntimeEnforced,
    StateHandler,
    StateEnforced,
    StateGroup,
    StateEnforcedGroup,
    None,
}

/// The methods `with_cors!` mounts on a handler route (`GET` includes `HEAD`), or `None` for a
/// route with no handler policy.
fn mounted(path: &str) -> Option<&'static [&'static [u8]]> {
    Some(match path {
        "/h/list" => &[b"GET", b"HEAD", b"POST", b"PUT"],
        "/h/any" => &[b"GET", b"HEAD", b"POST", b"DELETE"],
        "/h/null" | "/h/disabled" | "/g/own" | "/s/ge/own" | "/s/enforce" => {
            &[b"GET", b"HEAD", b"POST"]
        }
        "/h/enforce" => &[b"GET", b"HEAD", b"POST", b"PATCH"],
        "/s/h" => &[b"GET", b"HEAD", b"PUT"],
        _ => return None,
    })
}

/// Which policy answers `method` (for a preflight: the requested method) on `path`, as a
/// reference model: the `with_cors!` handler's for a mounted method, else the innermost group
/// covering the route, else none. Paths that match no route (404s) have no policy: no group
/// is applied with `layer` at the root.
fn model(path: &str, method: &[u8]) -> Model {
    let handler = match path {
        "/h/list" | "/g/own" | "/s/ge/own" => Model::List,
        "/h/any" => Model::Any,
        "/h/null" => Model::Null,
        "/h/enforce" => Model::Enforced,
        "/h/disabled" => Model::Disabled,
        "/s/h" => Model::StateHandler,
        "/s/enforce" => Model::StateEnforced,
        _ => Model::None,
    };
    if mounted(path).is_some_and(|methods| methods.contains(&method)) {
        return handler;
    }
    match path {
        "/g/plain" | "/g/own" => Model::Group,
        "/g/inner/plain" => Model::Inner,
        "/r/list/plain" => Model::RuntimeList,
        "/r/async/plain" => Model::RuntimeAsync,
        "/r/enforce/plain" => Model::RuntimeEnforced,
        "/s/g/plain" => Model::StateGroup,
        "/s/ge/plain" | "/s/ge/own" => Model::StateEnforcedGroup,
        _ => Model::None,
    }
}

/// Who may read the `405` of a method a handler route without a group does not serve: the
/// origins every handler of the route allows (one handler per route here); none when a handler
/// decides at run time (an async check) or is disabled.
fn unmounted(path: &str) -> Model {
    match path {
        "/h/list" => Model::List,
        "/h/any" => Model::Any,
        "/h/null" => Model::Null,
        "/h/enforce" => Model::Enforced,
        _ => Model::None,
    }
}

/// Whether the policy `enforce`s.
fn enforces(model: Model) -> bool {
    matches!(
        model,
        Model::Enforced
            | Model::Group
            | Model::RuntimeEnforced
            | Model::StateEnforced
            | Model::StateEnforcedGroup
    )
}

/// Whether the policy checks origins asynchronously (at most one check per request).
fn looks_up(model: Model) -> bool {
    matches!(
        model,
        Model::RuntimeAsync
            | Model::StateHandler
            | Model::StateEnforced
            | Model::StateGroup
            | Model::StateEnforcedGroup
    )
}

/// Obviously-correct reference: is `origin` one of `https://<labels>.example.com`?
fn example_subdomain(origin: &[u8]) -> bool {
    subdomain_of(origin, b".example.com")
}

/// Is `origin` one of `https://<labels><suffix>`?
fn subdomain_of(origin: &[u8], suffix: &[u8]) -> bool {
    let Some(rest) = origin.strip_prefix(b"https://") else {
        return false;
    };
    let Some(labels) = rest.strip_suffix(suffix) else {
        return false;
    };
    !labels.is_empty()
        && labels.split(|&b| b == b'.').all(|label| {
            !label.is_empty()
                && label
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        })
}

fn allowed(model: Model, origin: &[u8]) -> bool {
    match model {
        Model::List => {
            origin == APP || origin == b"http://localhost:3000" || example_subdomain(origin)
        }
        Model::Any => true,
        Model::Null => origin == b"null" || origin == APP,
        Model::Enforced => origin == APP || example_subdomain(origin),
        Model::Group => origin == APP,
        Model::Inner => origin == b"https://admin.example.com",
        Model::RuntimeList | Model::RuntimeEnforced => {
            origin == APP || subdomain_of(origin, b".tenant.example")
        }
        Model::RuntimeAsync => PARTNERS.iter().any(|o| o.as_bytes() == origin),
        Model::StateHandler
        | Model::StateEnforced
        | Model::StateGroup
        | Model::StateEnforcedGroup => TENANTS.iter().any(|o| o.as_bytes() == origin),
        Model::Disabled | Model::None => false,
    }
}

fn router() -> CorsRouter {
    let state = AppState {
        tenants: Tenants(TENANTS),
    };
    let group = CorsRouter::new()
        .route("/plain", get(plain).post(plain).put(plain).delete(plain))
        .route("/own", with_cors!(get(list).post(list)))
        .nest(
            "/inner",
            CorsRouter::new()
                .route("/plain", get(plain).post(plain))
                .layer(Inner::layer()),
        )
        .route_layer(Group::layer());
    CorsRouter::new()
        .route("/h/list", with_cors!(get(list).post(list).put(list)))
        .route("/h/any", with_cors!(get(any).post(any).delete(any)))
        .route("/h/null", with_cors!(get(null).post(null)))
        .route(
            "/h/enforce",
            with_cors!(get(enforced).post(enforced).patch(enforced)),
        )
        .route("/h/disabled", with_cors!(get(disabled).post(disabled)))
        .nest("/g", group)
        .nest(
            "/r/list",
            CorsRouter::new()
                .route("/plain", get(plain).post(plain).put(plain))
                .route_layer(CorsLayer::from(runtime_list())),
        )
        .nest(
            "/r/async",
            CorsRouter::new()
                .route("/plain", get(plain).post(plain).delete(plain))
                .route_layer(CorsLayer::from(runtime_async())),
        )
        .nest(
            "/r/enforce",
            CorsRouter::new()
                .route("/plain", get(plain).post(plain).patch(plain))
                .route_layer(CorsLayer::from(runtime_enforced())),
        )
        .route("/s/h", with_cors!(get(tenant_handler).put(tenant_handler)))
        .route(
            "/s/enforce",
            with_cors!(get(tenant_enforced).post(tenant_enforced)),
        )
        .nest(
            "/s/g",
            CorsRouter::new()
                .route("/plain", get(plain).post(plain).put(plain))
                .route_layer(TenantGroup::layer_with_state(&state)),
        )
        .nest(
            "/s/ge",
            CorsRouter::new()
                .route("/plain", get(plain).post(plain).delete(plain))
                .route("/own", with_cors!(get(list).post(list)))
                .route_layer(TenantEnforcedGroup::layer_with_state(&state)),
        )
        .with_state(state)
}

thread_local! {
    static ROUTER: CorsRouter = router();
}

/// Polls to completion. Nothing here does I/O: a future is pending only while an async origin
/// check yields (once, waking itself), so one still pending after 1000 polls is a bug.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("request future never completed");
}

fn parse(data: &[u8]) -> Option<(Method, http::Uri, HeaderMap)> {
    let mut lines = data.split(|&b| b == b'\n');
    let method = Method::from_bytes(lines.next()?).unwrap_or(Method::GET);
    let path = std::str::from_utf8(lines.next()?).ok()?;
    if !path.starts_with('/') {
        return None;
    }
    let uri = path.parse::<http::Uri>().ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            headers.append(name, value);
        }
    }
    Some((method, uri, headers))
}

fn check(method: &Method, path: &str, request: &HeaderMap, response: &Response) {
    let headers = response.headers();
    let origins: Vec<&HeaderValue> = request.get_all("origin").iter().collect();
    let single = (origins.len() == 1).then(|| origins[0].as_bytes());
    let requested: Vec<&HeaderValue> = request
        .get_all("access-control-request-method")
        .iter()
        .collect();
    let preflight = method == Method::OPTIONS && !origins.is_empty() && !requested.is_empty();
    // The method whose policy applies: a preflight's requested one (none when several).
    let applies: &[u8] = match (preflight, requested.as_slice()) {
        (true, [one]) => one.as_bytes(),
        (true, _) => b"",
        (false, _) => method.as_str().as_bytes(),
    };
    let model = match model(path, applies) {
        Model::None if !preflight => unmounted(path),
        model => model,
    };
    let acao: Vec<&HeaderValue> = headers
        .get_all("access-control-allow-origin")
        .iter()
        .collect();
    assert!(
        acao.len() <= 1,
        "two Access-Control-Allow-Origin: {headers:?}"
    );
    let ran = headers.contains_key("x-handler");

    // A preflight never enters the app: no handler runs for one, on any path, whatever the
    // origin.
    assert!(!(preflight && ran), "{path}: a preflight ran the handler");

    if let Some(value) = acao.first() {
        if value.as_bytes() == b"*" {
            // `origins = "*"` answers `*` whatever the request's `Origin` (none, several, any
            // length): the cache-safe answer.
            assert_eq!(model, Model::Any, "`*` from a non-`*` policy");
            assert!(!headers.contains_key("access-control-allow-credentials"));
        } else {
            let origin =
                single.expect("Access-Control-Allow-Origin without a single request Origin");
            assert_eq!(
                value.as_bytes(),
                origin,
                "answered an origin other than the request's"
            );
            // One policy per exchange: the one for the route and method, nothing else.
            assert!(
                allowed(model, origin),
                "{path}: origin {origin:?} allowed by accident ({model:?}): {headers:?}"
            );
            let vary: Vec<String> = headers
                .get_all("vary")
                .iter()
                .flat_map(|v| {
                    String::from_utf8_lossy(v.as_bytes())
                        .split(',')
                        .map(|t| t.trim().to_ascii_lowercase())
                        .collect::<Vec<_>>()
                })
                .collect();
            assert!(
                vary.iter().any(|t| t == "origin"),
                "echoed origin without Vary: Origin"
            );
        }
    } else {
        assert!(
            !headers.contains_key("access-control-allow-credentials"),
            "credentials without an allowed origin"
        );
    }

    // A preflight answer (it alone carries `Access-Control-Allow-Methods`): an `OPTIONS` with one
    // allowed `Origin` and one `Access-Control-Request-Method`, echoed.
    if let Some(allow_methods) = headers.get("access-control-allow-methods") {
        assert!(preflight, "{path}: preflight answer to a request that is not one");
        assert_eq!(acao.len(), 1, "preflight answer without an allowed origin");
        assert_eq!(requested.as_slice(), [allow_methods], "request method not echoed");
    }

    // `enforce`: the handler runs for a request with `Origin` only when the origin is allowed
    // by the policy that applies to the route and method, or the browser says same-origin;
    // without `Origin`, never for a cross-site request but a top-level navigation.
    if enforces(model) && ran {
        let is = |name: &str, value: &str| {
            let mut all = request.get_all(name).iter();
            matches!((all.next(), all.next()), (Some(v), None) if v == value)
        };
        if origins.is_empty() {
            assert!(
                !is("sec-fetch-site", "cross-site")
                    || (is("sec-fetch-mode", "navigate") && is("sec-fetch-dest", "document")),
                "{path}: enforce let a cross-site request without Origin through"
            );
        } else {
            let same_origin = is("sec-fetch-site", "same-origin");
            let by_policy = single.is_some_and(|o| allowed(model, o));
            assert!(
                single.is_some() && (by_policy || same_origin),
                "{path}: enforce let {origins:?} through"
            );
        }
    }

    // Async origin checks (runtime `origins_async`, `state(..)`): at most one per request, none
    // without an `Origin` or when the policy that applies has none.
    let lookups = LOOKUPS.with(Cell::get);
    assert!(
        lookups <= 1,
        "{path}: {lookups} origin checks for one request"
    );
    if origins.is_empty() || !looks_up(model) {
        assert_eq!(
            lookups, 0,
            "{path}: an origin check that was not needed ({model:?}, preflight {preflight}, applies {:?}, request {request:?})",
            String::from_utf8_lossy(applies)
        );
    }
    if model == Model::Disabled {
        assert!(acao.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((method, uri, headers)) = parse(data) else {
        return;
    };
    let path = uri.path().to_owned();
    let mut request = Request::builder()
        .method(method.clone())
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    *request.headers_mut() = headers.clone();
    LOOKUPS.with(|n| n.set(0));
    let response = ROUTER.with(|router| {
        let mut router = router.clone();
        block_on(router.call(request)).unwrap()
    });
    check(&method, &path, &headers, &response);
});
