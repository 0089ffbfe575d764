//! The `cors_runtime::testing` helper itself: its verdicts follow the browser's CORS checks
//! (also on services this crate did not build), and its failure messages say what was
//! expected, why it failed, what was sent and what came back.

use std::panic::{catch_unwind, AssertUnwindSafe};

use axum::{
    http::{HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::{any, get},
};
use cors_runtime::{
    cors, cors_policy,
    testing::{CorsRequest, CorsResponse, Preflight},
    with_cors, CorsRouter,
};

const APP: &str = "https://app.example";
const EVIL: &str = "https://evil.example";

#[cors(origins = ["https://app.example"], headers = ["authorization", "content-type"], max_age = 600)]
async fn update_task() -> &'static str {
    "updated"
}

#[cors(origins = ["https://app.example"], expose = ["x-request-id"], credentials)]
async fn list_tasks() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("x-request-id", "42")], "[]")
}

#[cors(origins = "*")]
async fn public() {}

/// A group policy.
#[cors_policy(origins = ["https://app.example"], methods = [GET, DELETE], private_network)]
#[derive(Debug)]
pub struct Group;

async fn plain() {}

fn app() -> CorsRouter {
    CorsRouter::new()
        .route("/tasks", with_cors!(get(list_tasks)))
        .route("/tasks/{id}", with_cors!(put(update_task)))
        .route("/public", with_cors!(get(public)))
        .nest(
            "/group",
            CorsRouter::new()
                .route("/item", get(plain).delete(plain))
                .layer(Group::layer()),
        )
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce() -> CorsResponse) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should have failed");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

/// A router whose every response (preflights included) carries `headers` and `status`:
/// hand-written CORS, to check the helper judges the headers, not this crate's choices.
/// A hand-written CORS answer on a plain axum router (no CORS layer of this crate).
fn fixed(status: StatusCode, headers: &'static [(&'static str, &'static str)]) -> axum::Router {
    axum::Router::new().route(
        "/x",
        any(move || async move {
            let mut response = Response::new(axum::body::Body::empty());
            *response.status_mut() = status;
            for (name, value) in headers {
                response
                    .headers_mut()
                    .append(*name, HeaderValue::from_static(value));
            }
            response.into_response()
        }),
    )
}

#[tokio::test]
async fn allowed_preflight_passes_every_assertion() {
    let response = Preflight::new(APP, Method::PUT)
        .header("authorization")
        .header("content-type")
        .send(&app(), "/tasks/1")
        .await
        .assert_allowed()
        .assert_allows_header("authorization")
        .assert_allows_header("Content-Type")
        .assert_allows_method(Method::PUT)
        .assert_max_age(600)
        .assert_vary("origin")
        .assert_vary("access-control-request-headers")
        .assert_status(204);
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.body().is_empty());
}

#[tokio::test]
async fn refused_preflight_is_rejected_and_assert_allowed_says_why() {
    let response = Preflight::new(EVIL, Method::PUT)
        .send(&app(), "/tasks/1")
        .await;
    let response = response
        .assert_rejected()
        .assert_status(403)
        .assert_no_cors_headers();
    let message = panic_message(|| response.assert_allowed());
    for expected in [
        "CORS assertion failed: expected a browser to allow this preflight",
        "but: `Access-Control-Allow-Origin` is missing",
        "request sent:\n  OPTIONS /tasks/1\n",
        "  origin: \"https://evil.example\"\n",
        "  access-control-request-method: \"PUT\"\n",
        "response received:\n  403 Forbidden\n",
        "  vary: \"origin, access-control-request-method, access-control-request-headers\"\n",
        "  body: \"CORS preflight rejected: origin not allowed\"",
    ] {
        assert!(
            message.contains(expected),
            "missing {expected:?} in:\n{message}"
        );
    }
}

#[tokio::test]
async fn unlisted_header_names_the_header() {
    let response = Preflight::new(APP, Method::PUT)
        .header("x-trace")
        .send(&app(), "/tasks/1")
        .await
        .assert_rejected();
    let message = panic_message(|| response.assert_allows_header("x-trace"));
    assert!(
        message.contains("expected the request header `x-trace` to be allowed"),
        "{message}"
    );
    assert!(
        message.contains("`Access-Control-Allow-Headers` is missing"),
        "{message}"
    );
    assert!(
        message.contains("access-control-request-headers: \"x-trace\""),
        "{message}"
    );
}

#[tokio::test]
async fn assert_rejected_fails_on_an_allowed_answer() {
    let response = CorsRequest::get(APP).send(&app(), "/public").await;
    let message = panic_message(|| response.assert_rejected());
    assert!(
        message.contains("expected a browser to reject this request"),
        "{message}"
    );
    assert!(
        message.contains("but: it passes every CORS check"),
        "{message}"
    );
    assert!(
        message.contains("request sent:\n  GET /public\n"),
        "{message}"
    );
    assert!(
        message.contains("access-control-allow-origin: \"*\""),
        "{message}"
    );
}

#[tokio::test]
#[should_panic(expected = "expected the method DELETE to be allowed")]
async fn assert_allows_method_panics_for_an_unlisted_method() {
    Preflight::new(APP, Method::PUT)
        .send(&app(), "/tasks/1")
        .await
        .assert_allows_method(Method::DELETE);
}

#[tokio::test]
async fn actual_requests_credentials_and_exposed_headers() {
    let response = CorsRequest::get(APP)
        .credentials()
        .header("cookie", "session=1")
        .send(&app(), "/tasks")
        .await
        .assert_allowed()
        .assert_credentials()
        .assert_exposes("X-Request-Id")
        .assert_vary("origin");
    assert_eq!(response.body(), b"[]");

    let refused = CorsRequest::get(EVIL)
        .send(&app(), "/tasks")
        .await
        .assert_rejected();
    let message = panic_message(|| refused.assert_exposes("x-request-id"));
    assert!(
        message.contains("`Access-Control-Expose-Headers` is missing"),
        "{message}"
    );

    // `*` never allows a credentialed request.
    let star = CorsRequest::get(APP)
        .credentials()
        .send(&app(), "/public")
        .await;
    let message = panic_message(|| star.assert_allowed());
    assert!(
        message.contains(
            "`Access-Control-Allow-Origin` is `*`, which never allows a credentialed request"
        ),
        "{message}"
    );
    assert!(message.contains("(credentials mode: include)"), "{message}");
}

#[tokio::test]
async fn group_policies_and_private_network() {
    Preflight::new(APP, Method::DELETE)
        .private_network()
        .send(&app(), "/group/item")
        .await
        .assert_allowed();
    let response = Preflight::new(APP, Method::PUT)
        .send(&app(), "/group/item")
        .await;
    response.assert_rejected();
}

#[tokio::test]
async fn credentialed_preflight_needs_allow_credentials() {
    let response = Preflight::new(APP, Method::PUT)
        .credentials()
        .send(&app(), "/tasks/1")
        .await;
    let message = panic_message(|| response.assert_allowed());
    assert!(
        message.contains("`Access-Control-Allow-Credentials: true` is missing"),
        "{message}"
    );
}

#[tokio::test]
async fn verdicts_follow_the_fetch_standard_on_hand_written_answers() {
    const OK: StatusCode = StatusCode::OK;
    // Not a 2xx: refused even with every header right.
    let unauthorized = fixed(
        StatusCode::UNAUTHORIZED,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "PUT"),
        ],
    );
    let response = Preflight::new(APP, Method::PUT)
        .send(&unauthorized, "/x")
        .await;
    let message = panic_message(|| response.assert_allowed());
    assert!(
        message.contains("the preflight's status is 401 Unauthorized, not 2xx"),
        "{message}"
    );

    // A literal `*` covers other headers, never `Authorization`.
    let star = fixed(
        OK,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "*"),
        ],
    );
    Preflight::new(APP, Method::PUT)
        .header("x-custom")
        .send(&star, "/x")
        .await
        .assert_allowed();
    let response = Preflight::new(APP, Method::PUT)
        .header("authorization")
        .send(&star, "/x")
        .await;
    let message = panic_message(|| response.assert_allowed());
    assert!(
        message.contains("`Access-Control-Allow-Headers: *` never covers `authorization`"),
        "{message}"
    );

    // Under credentials, `*` for methods is no wildcard.
    let creds = fixed(
        OK,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "*"),
        ],
    );
    Preflight::new(APP, Method::PUT)
        .send(&creds, "/x")
        .await
        .assert_allowed();
    Preflight::new(APP, Method::PUT)
        .credentials()
        .send(&creds, "/x")
        .await
        .assert_rejected();
    // Safelisted methods need no listing.
    Preflight::new(APP, Method::POST)
        .credentials()
        .send(&creds, "/x")
        .await
        .assert_allowed();

    // Two `Access-Control-Allow-Origin` fields, or one naming another origin.
    let twice = fixed(
        OK,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-origin", "*"),
        ],
    );
    let response = CorsRequest::get(APP).send(&twice, "/x").await;
    let message = panic_message(|| response.assert_allowed());
    assert!(message.contains("sent more than once"), "{message}");
    let other = fixed(
        OK,
        &[("access-control-allow-origin", "https://app.example/")],
    );
    let response = CorsRequest::get(APP).send(&other, "/x").await;
    let message = panic_message(|| response.assert_allowed());
    assert!(
        message.contains(
            "is \"https://app.example/\", not the request's origin \"https://app.example\""
        ),
        "{message}"
    );

    // Private network access asked and not granted.
    let no_pna = fixed(
        OK,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "PUT"),
        ],
    );
    Preflight::new(APP, Method::PUT)
        .send(&no_pna, "/x")
        .await
        .assert_allowed();
    Preflight::new(APP, Method::PUT)
        .private_network()
        .send(&no_pna, "/x")
        .await
        .assert_rejected();
}

#[tokio::test]
async fn requests_carry_what_was_set() {
    let request = CorsRequest::put(APP)
        .header("content-type", "application/json")
        .body("{}")
        .request("/tasks/1");
    assert_eq!(request.method(), Method::PUT);
    assert_eq!(request.uri(), "/tasks/1");
    assert_eq!(request.headers()["origin"], APP);
    assert_eq!(request.headers()["content-type"], "application/json");

    let preflight = Preflight::new(APP, Method::PATCH)
        .header("a")
        .header("b")
        .private_network()
        .request("/p");
    assert_eq!(preflight.method(), Method::OPTIONS);
    assert_eq!(
        preflight.headers()["access-control-request-method"],
        "PATCH"
    );
    assert_eq!(preflight.headers()["access-control-request-headers"], "a,b");
    assert_eq!(
        preflight.headers()["access-control-request-private-network"],
        "true"
    );
    assert!(Preflight::new(APP, Method::PATCH)
        .request("/p")
        .headers()
        .get("access-control-request-headers")
        .is_none());
}

/// The natural mistake: authentication middleware outside the CORS layer (here, added to the
/// finished router) answers the preflight 401. The failure says so and how to fix it.
#[tokio::test]
async fn a_preflight_refused_by_auth_middleware_gets_a_hint() {
    async fn deny(
        _: axum::extract::Request,
        _: axum::middleware::Next,
    ) -> axum::response::Response {
        StatusCode::UNAUTHORIZED.into_response()
    }
    let behind_auth = app().into_router().layer(axum::middleware::from_fn(deny));
    let response = Preflight::new(APP, Method::PUT)
        .send(&behind_auth, "/tasks/1")
        .await;
    let message = panic_message(|| response.assert_allowed());
    assert!(
        message.contains("hint: the preflight was answered by something other than cors-runtime"),
        "{message}"
    );
    assert!(message.contains("`CorsRouter::route_layer`"), "{message}");

    // This crate's own refusal gets no such hint.
    let refused = Preflight::new(EVIL, Method::PUT)
        .send(&app(), "/tasks/1")
        .await;
    let message = panic_message(|| refused.assert_allowed());
    assert!(!message.contains("hint:"), "{message}");
}
