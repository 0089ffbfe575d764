//! Heap allocations per request, counted exactly with a counting global allocator, against a
//! no-CORS baseline ("bare") and a preflight handler that returns fixed headers ("static floor").
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
use cors_runtime::{cors, cors_policy, with_cors};
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
/// `axum::serve` does, so handlers are turned into routes once, not per request.
fn allocations(router: &Router, req: Request<Body>) -> (usize, Response) {
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
fn count(router: &Router, make: impl Fn() -> Request<Body>) -> (usize, Response) {
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

fn get_request(origin: Option<&'static str>) -> Request<Body> {
    let mut builder = Request::get("/tasks");
    if let Some(origin) = origin {
        builder = builder.header(header::ORIGIN, origin);
    }
    builder.body(Body::empty()).unwrap()
}

fn preflight(origin: &'static str) -> Request<Body> {
    Request::options("/tasks/1")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type",
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
    let ours = Router::new()
        .route("/tasks", with_cors!(get(annotated)))
        .route("/tasks/{id}", with_cors!(put(annotated)))
        .with_state(());
    let group = Router::new()
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

    let (group_get, res) = count(&group, || get_request(Some(ORIGIN)));
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    let (group_preflight, res) = count(&group, || preflight(ORIGIN));
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    println!(
        "allocations per request: bare GET {bare_get}, bare GET without Origin {bare_get_no_origin}, \
         static preflight floor {floor}; handler policy: GET {get_with_origin}, GET without Origin \
         {get_without_origin}, preflight {allowed_preflight}, rejected preflight \
         {rejected_preflight}; group policy: GET {group_get}, preflight {group_preflight}"
    );
    assert!(
        get_with_origin <= bare_get,
        "GET with Origin: {get_with_origin} > bare {bare_get}"
    );
    assert!(
        get_without_origin <= bare_get_no_origin,
        "GET without Origin: {get_without_origin} > bare {bare_get_no_origin}"
    );
    assert!(
        allowed_preflight <= floor,
        "preflight: {allowed_preflight} > floor {floor}"
    );
    assert!(
        rejected_preflight <= floor,
        "rejected preflight: {rejected_preflight} > floor {floor}"
    );
    // Group layers are tower layers: axum clones the (non-zero-sized) layered service per request
    // and the request is marked in its extensions. Measured: bare + 3 and floor + 2. The
    // performance issue's target for groups is bare + 2; these bounds guard against regressions.
    assert!(
        group_get <= bare_get + 3,
        "group GET: {group_get} > bare {bare_get} + 3"
    );
    assert!(
        group_preflight <= floor + 2,
        "group preflight: {group_preflight} > floor {floor} + 2"
    );
}
