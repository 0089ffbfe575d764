//! Heap allocations per request, counted exactly with a counting global allocator, against a
//! no-CORS baseline ("bare") and a preflight handler that returns fixed headers ("static floor").
//!
//! What is asserted: preflights, answered by the router's CORS layer without routing into the
//! app, stay at or under the static floor; an actual request costs the router's layer (2, as
//! any tower layer in axum) and nothing for the CORS decision; a 50-origin list and a
//! wildcard-subdomain pattern allocate exactly as a 3-origin list does; no allocation depends on
//! how many headers the request carries, async origin checks included. `cors-bench` (see
//! BENCHMARKS.md) prints the same counts next to tower-http's.
//!
//! Handlers here never await, so each request completes in one poll with a no-op waker: no
//! runtime is involved and the count is exactly what axum and this crate allocate.
#![allow(unsafe_code)] // the counting allocator: `GlobalAlloc` is an unsafe trait

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
    future::Future,
    pin::pin,
    task::{Context, Poll, Waker},
};

use axum::{
    body::Body,
    http::{header, HeaderValue, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, put},
    Router,
};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use tower::ServiceExt;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: delegates every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made while `router` answers `req`. Routers get `.with_state(())` first, as
/// `axum::serve` does, so handlers are turned into routes once, not per request; a
/// `CorsRouter` is served as `axum::serve` serves it (its finished service, built once).
fn allocations<S>(router: &S, req: Request<Body>) -> (usize, Response)
where
    S: tower::Service<Request<Body>, Response = Response, Error = std::convert::Infallible> + Clone,
{
    let router = router.clone();
    let mut cx = Context::from_waker(Waker::noop());
    let before = ALLOCATIONS.with(Cell::get);
    let mut future = pin!(router.oneshot(req));
    let Poll::Ready(response) = future.as_mut().poll(&mut cx) else {
        panic!("handler did not complete in one poll");
    };
    let response = response.unwrap();
    let after = ALLOCATIONS.with(Cell::get);
    (after - before, response)
}

/// The median of several runs (the first request warms lazily initialised state).
fn count<S>(router: &S, make: impl Fn() -> Request<Body>) -> (usize, Response)
where
    S: tower::Service<Request<Body>, Response = Response, Error = std::convert::Infallible> + Clone,
{
    let _ = allocations(router, make());
    let mut runs: Vec<(usize, Response)> = (0..5).map(|_| allocations(router, make())).collect();
    runs.sort_by_key(|(n, _)| *n);
    runs.swap_remove(2)
}

const ORIGIN: &str = "https://app.example.com";

#[cors(
    origins = ["https://app.example.com", "https://admin.example.com", "https://other.example.com"],
    headers = ["content-type", "authorization"],
    credentials,
    max_age = 600
)]
async fn annotated() -> &'static str {
    "ok"
}

async fn plain() -> &'static str {
    "ok"
}

#[cors_policy(
    origins = ["https://app.example.com", "https://admin.example.com", "https://other.example.com"],
    methods = [GET, PUT, DELETE],
    headers = ["content-type", "authorization"],
    credentials,
    max_age = 600
)]
struct GroupPolicy;

#[cors_policy(
    origins = ["https://app01.example.com", "https://app02.example.com", "https://app03.example.com", "https://app04.example.com", "https://app05.example.com", "https://app06.example.com", "https://app07.example.com", "https://app08.example.com", "https://app09.example.com", "https://app10.example.com", "https://app11.example.com", "https://app12.example.com", "https://app13.example.com", "https://app14.example.com", "https://app15.example.com", "https://app16.example.com", "https://app17.example.com", "https://app18.example.com", "https://app19.example.com", "https://app20.example.com", "https://app21.example.com", "https://app22.example.com", "https://app23.example.com", "https://app24.example.com", "https://app25.example.com", "https://app26.example.com", "https://app27.example.com", "https://app28.example.com", "https://app29.example.com", "https://app30.example.com", "https://app31.example.com", "https://app32.example.com", "https://app33.example.com", "https://app34.example.com", "https://app35.example.com", "https://app36.example.com", "https://app37.example.com", "https://app38.example.com", "https://app39.example.com", "https://app40.example.com", "https://app41.example.com", "https://app42.example.com", "https://app43.example.com", "https://app44.example.com", "https://app45.example.com", "https://app46.example.com", "https://app47.example.com", "https://app48.example.com", "https://app49.example.com", "https://app50.example.com"],
    methods = [GET, PUT, DELETE],
    headers = ["content-type", "authorization"],
    credentials,
    max_age = 600
)]
struct FiftyOrigins;

#[cors_policy(
    origins = ["https://*.example.com"],
    methods = [GET, PUT, DELETE],
    headers = ["content-type", "authorization"],
    credentials,
    max_age = 600
)]
struct Subdomains;

#[cors(policy = FiftyOrigins)]
async fn fifty() -> &'static str {
    "ok"
}

#[cors(policy = Subdomains)]
async fn subdomains() -> &'static str {
    "ok"
}

/// What the fastest possible preflight answer looks like: fixed headers, nothing checked.
async fn static_preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static(ORIGIN),
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

// Header values are `from_static`: cloning one costs no allocation, as with a request parsed by
// hyper (its values share the read buffer). A value built from a `&str` allocates on its first
// clone, which would charge a policy that echoes a request value for an allocation a server
// never makes.
fn get_request(origin: Option<&'static str>) -> Request<Body> {
    let mut builder = Request::get("/tasks");
    if let Some(origin) = origin {
        builder = builder.header(header::ORIGIN, HeaderValue::from_static(origin));
    }
    builder.body(Body::empty()).unwrap()
}

fn preflight(origin: &'static str) -> Request<Body> {
    Request::options("/tasks/1")
        .header(header::ORIGIN, HeaderValue::from_static(origin))
        .header(
            header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_static("PUT"),
        )
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_static("authorization,content-type"),
        )
        .body(Body::empty())
        .unwrap()
}

#[test]
fn cors_adds_no_allocations_beyond_the_baselines() {
    let bare = Router::new()
        .route("/tasks", get(plain))
        .route("/tasks/{id}", put(plain).options(static_preflight))
        .with_state(());
    let ours = CorsRouter::new()
        .route("/tasks", with_cors!(get(annotated)))
        .route("/tasks/{id}", with_cors!(put(annotated)))
        .with_state(());
    let group = CorsRouter::new()
        .route("/tasks", get(plain))
        .route("/tasks/{id}", put(plain))
        .layer(GroupPolicy::layer())
        .with_state(());

    let (bare_get, _) = count(&bare, || get_request(Some(ORIGIN)));
    let (bare_get_no_origin, _) = count(&bare, || get_request(None));
    let (floor, res) = count(&bare, || preflight(ORIGIN));
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let (get_with_origin, res) = count(&ours, || get_request(Some(ORIGIN)));
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    let (get_without_origin, _) = count(&ours, || get_request(None));
    let (allowed_preflight, res) = count(&ours, || preflight(ORIGIN));
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    let (rejected_preflight, res) = count(&ours, || preflight("https://evil.example"));
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Served as `axum::serve(listener, app)` serves it: no explicit `with_state(())`.
    let served = CorsRouter::new()
        .route("/tasks", with_cors!(get(annotated)))
        .route("/tasks/{id}", with_cors!(put(annotated)));
    let (served_get, _) = count(&served, || get_request(Some(ORIGIN)));
    // As an axum `Router` (`into_router()`: the CORS service as the fallback of an empty
    // router, which axum boxes).
    let as_router = served.clone().into_router();
    let (router_get, _) = count(&as_router, || get_request(Some(ORIGIN)));

    let (group_get, res) = count(&group, || get_request(Some(ORIGIN)));
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    let (group_preflight, res) = count(&group, || preflight(ORIGIN));
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (group_rejected, res) = count(&group, || preflight("https://evil.example"));
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    println!(
        "allocations per request: bare GET {bare_get}, bare GET without Origin {bare_get_no_origin}, \
         static preflight floor {floor}; handler policy: GET {get_with_origin}, GET without Origin \
         {get_without_origin}, preflight {allowed_preflight}, rejected preflight \
         {rejected_preflight}; group policy: GET {group_get}, preflight {group_preflight}"
    );
    // The router's CORS layer stands in front of axum's routing: an actual request costs what
    // the bare router costs, the CORS decision allocates nothing.
    assert_eq!(get_with_origin, bare_get, "GET with Origin");
    assert_eq!(get_without_origin, bare_get_no_origin, "GET without Origin");
    assert_eq!(
        served_get, bare_get,
        "GET with Origin, CorsRouter served as itself"
    );
    assert_eq!(
        router_get,
        bare_get + 2,
        "GET with Origin through into_router(): axum's boxed fallback"
    );
    // A preflight is answered without routing into the app, so it saves the route's own
    // allocations (exact figures with the locked axum 0.8.9 / http 1.5: the floor is 15).
    assert_eq!(allowed_preflight, 2, "preflight (floor {floor})");
    assert_eq!(
        rejected_preflight, 3,
        "rejected preflight, a 403 with a text body (floor {floor})"
    );
    assert!(allowed_preflight < floor && rejected_preflight < floor);
    assert_eq!(group_get, bare_get, "group GET");
    assert_eq!(group_preflight, 2, "group preflight (floor {floor})");
    assert_eq!(
        group_rejected, 3,
        "group rejected preflight (floor {floor})"
    );
}

async fn anyone(_: HeaderValue, _: ()) -> bool {
    true
}

/// An async origin check (a group built with `Policy::builder(..).origins_async(..)`): the
/// preflight is kept whole across the check (moved, never copied), so its allocations do not
/// depend on how many headers it carries; neither do an actual request's.
#[test]
fn async_origin_checks_allocate_the_same_whatever_the_request_headers() {
    let policy = cors_runtime::Policy::builder("Async")
        .origins_async((), anyone)
        .methods(["PUT"])
        .headers(["authorization", "content-type"])
        .build()
        .unwrap();
    let router = CorsRouter::new()
        .route("/tasks", get(plain))
        .route("/tasks/{id}", put(plain))
        .layer(cors_runtime::CorsLayer::from(policy))
        .with_state(());
    let with_extra = |mut request: Request<Body>, extra: usize| {
        for i in 0..extra {
            request.headers_mut().append(
                header::HeaderName::from_bytes(format!("x-extra-{i}").as_bytes()).unwrap(),
                HeaderValue::from_static("value"),
            );
        }
        request
    };
    let (few, res) = count(&router, || with_extra(preflight(ORIGIN), 0));
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (many, res) = count(&router, || with_extra(preflight(ORIGIN), 95));
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        few, many,
        "async preflight: {few} allocations with no extra header, {many} with 95"
    );
    let (few, res) = count(&router, || with_extra(get_request(Some(ORIGIN)), 0));
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    let (many, _) = count(&router, || with_extra(get_request(Some(ORIGIN)), 95));
    assert_eq!(
        few, many,
        "async actual: {few} allocations with no extra header, {many} with 95"
    );
    println!("async origin check: preflight {few} allocations");
}

/// A 50-origin list and a wildcard-subdomain pattern allocate exactly as 3 origins do.
#[test]
fn origin_list_size_and_patterns_add_no_allocations() {
    let three = CorsRouter::new()
        .route("/tasks", with_cors!(get(annotated)))
        .route("/tasks/{id}", with_cors!(put(annotated)))
        .with_state(());
    let wide = CorsRouter::new()
        .route("/tasks", with_cors!(get(fifty)))
        .route("/tasks/{id}", with_cors!(put(fifty)))
        .with_state(());
    let pattern = CorsRouter::new()
        .route("/tasks", with_cors!(get(subdomains)))
        .route("/tasks/{id}", with_cors!(put(subdomains)))
        .with_state(());
    let group = |layer: cors_runtime::CorsLayer| {
        CorsRouter::new()
            .route("/tasks", get(plain))
            .route("/tasks/{id}", put(plain))
            .layer(layer)
            .with_state(())
    };
    let routers = [
        ("handler, 3 origins", three, ORIGIN),
        ("handler, 50 origins", wide, "https://app37.example.com"),
        ("handler, pattern", pattern, ORIGIN),
        ("group, 3 origins", group(GroupPolicy::layer()), ORIGIN),
        (
            "group, 50 origins",
            group(FiftyOrigins::layer()),
            "https://app37.example.com",
        ),
        ("group, pattern", group(Subdomains::layer()), ORIGIN),
    ];
    let mut counts = Vec::new();
    for (name, router, origin) in &routers {
        let (allowed, res) = count(router, || preflight(origin));
        assert_eq!(
            res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            *origin,
            "{name}"
        );
        let (rejected, res) = count(router, || preflight("https://evil.example.net"));
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        let (get_origin, res) = count(router, || get_request(Some(origin)));
        assert_eq!(
            res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            *origin,
            "{name}"
        );
        let (get_no_origin, _) = count(router, || get_request(None));
        counts.push((name, [allowed, rejected, get_origin, get_no_origin]));
    }
    println!("allocations [preflight, rejected, GET, GET without Origin]: {counts:?}");
    for (name, c) in &counts[1..3] {
        assert_eq!(*c, counts[0].1, "{name} vs handler, 3 origins");
    }
    for (name, c) in &counts[4..6] {
        assert_eq!(*c, counts[3].1, "{name} vs group, 3 origins");
    }
}
