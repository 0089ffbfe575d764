//! Test your app's CORS in one line: send a preflight or an actual CORS request to a
//! [`CorsRouter`](crate::CorsRouter) (or an axum `Router`, or any `Service`) and assert on what a browser would make of the
//! answer.
//!
//! ```
//! use axum::http::Method;
//! use cors_runtime::{
//!     cors, with_cors,
//!     testing::{CorsRequest, Preflight},
//!     CorsRouter,
//! };
//!
//! #[cors(origins = ["https://app.example"], headers = ["authorization"])]
//! async fn update_task() {}
//!
//! #[cors(origins = ["https://app.example"])]
//! async fn list_tasks() {}
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let router: CorsRouter = CorsRouter::new()
//!     .route("/tasks", with_cors!(get(list_tasks)))
//!     .route("/tasks/{id}", with_cors!(put(update_task)));
//!
//! Preflight::new("https://app.example", Method::PUT)
//!     .header("authorization")
//!     .send(&router, "/tasks/1")
//!     .await
//!     .assert_allowed()
//!     .assert_allows_header("authorization");
//!
//! CorsRequest::get("https://evil.example")
//!     .send(&router, "/tasks")
//!     .await
//!     .assert_rejected();
//! # }
//! ```
//!
//! "Allowed" and "rejected" are decided the way a browser decides, following the CORS checks of
//! the [Fetch standard](https://fetch.spec.whatwg.org/#cors-check), not by looking at this
//! crate's own choices (such as the `403` of a rejected preflight): the helper works the same
//! for a route answered by tower-http's `CorsLayer` or a hand-written handler. A failed
//! assertion panics with what was expected, why the browser would disagree, the request that
//! was sent, and what came back (status, every `Access-Control-*` and `Vary` header, the start
//! of the body):
//!
//! ```text
//! CORS assertion failed: expected a browser to allow this preflight
//!   but: `Access-Control-Allow-Origin` is missing
//! request sent:
//!   OPTIONS /tasks/1
//!   origin: "https://evil.example"
//!   access-control-request-method: "PUT"
//! response received:
//!   403 Forbidden
//!   vary: "origin, access-control-request-method, access-control-request-headers"
//!   body: "CORS preflight rejected: origin not allowed"
//! ```
//!
//! The helper needs an async runtime to `.await` in (`#[tokio::test]`, say); it adds no
//! dependency to your build.

mod request;
mod response;

pub use request::{CorsRequest, Preflight};
pub use response::CorsResponse;
