//! Procedural macros of [`cors-runtime`](https://docs.rs/cors-runtime). Depend on
//! `cors-runtime` and use its re-exports; this crate is an implementation detail.
#![doc(test(attr(deny(warnings), allow(dead_code))))]

use proc_macro::TokenStream;

mod errors;
mod expand;
mod item;
mod keys;
mod parse;
// `rules.rs` is a symlink to `cors-runtime/src/rules.rs`: one source for both crates, and a
// real file in the packaged crate.
mod rules;
mod validate;

/// A handler's CORS policy, checked at compile time.
///
/// Put it on an axum handler fn and mount the handler with [`with_cors!`]. The route then
/// answers preflights for this handler's method with this policy, and every response of the
/// handler (extractor rejections and errors included) carries the CORS headers.
///
/// | key | forms | default |
/// |---|---|---|
/// | `origins` | `"*"`; `["https://a.example", "https://*.example.com"]`; a path to `fn(&HeaderValue, &Parts) -> bool`; `env("VAR")` | required, unless `policy =` |
/// | `methods` | `[GET, PUT, "PATCH"]`; `"*"` | the methods the handler is mounted under |
/// | `headers` | `["content-type", "x-custom"]` (case-insensitive); `"*"` | none beyond the CORS-safelisted ones |
/// | `expose` | `["x-request-id"]`; `"*"` | none |
/// | `credentials` | `credentials`, `credentials = true/false` | false |
/// | `max_age` | seconds, at most 86400 | header omitted |
/// | `private_network` | flag | false |
/// | `allow_null_origin` | flag: permits `"null"` in `origins` | false |
/// | `allow_insecure_origins` | flag: permits plain-http, non-loopback origins with `credentials` | false |
/// | `preflight_status` | `204` or `200` | 204 |
/// | `policy` | path to a [`cors_policy`] struct; other keys override its values | none |
/// | `disable` | flag: no CORS for this handler, even inside a group policy | |
///
/// ```
/// use axum::{Json, Router};
/// use cors_runtime::{cors, cors_policy, with_cors};
///
/// #[cors_policy(origins = ["https://app.example.com"], credentials, headers = ["authorization"])]
/// pub struct AuthPolicy;
///
/// #[cors(origins = "*")]
/// async fn list_tasks() -> Json<Vec<String>> {
///     Json(vec![])
/// }
///
/// #[cors(origins = ["https://app.example.com", "https://*.example.com"], headers = ["content-type"], max_age = 600)]
/// async fn create_task(Json(task): Json<String>) -> Json<String> {
///     Json(task)
/// }
///
/// #[cors(policy = AuthPolicy, max_age = 60)]
/// async fn delete_task() {}
///
/// let _app: Router = Router::new()
///     .route("/tasks", with_cors!(get(list_tasks).post(create_task)))
///     .route("/tasks/{id}", with_cors!(delete(delete_task)));
/// ```
///
/// Mistakes are compile errors pointing at the token, with the fix:
///
/// ```text
/// error: origin `https://app.example.com/` has a trailing slash; write `https://app.example.com`
///  --> src/main.rs:3:18
///   |
/// 3 | #[cors(origins = ["https://app.example.com/"])]
///   |                   ^^^^^^^^^^^^^^^^^^^^^^^^^^
/// ```
#[proc_macro_attribute]
pub fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::cors(args.into(), item.into()).into()
}

/// A named, reusable CORS policy on a unit struct.
///
/// Use it for a handler (`#[cors(policy = AuthPolicy)]`, other keys override it) and for a
/// group of routes (`AuthPolicy::layer()`). Takes the keys of [`cors`] except `policy` and
/// `disable`; `methods` defaults to GET, HEAD and POST.
///
/// ```
/// use axum::{Router, routing::get};
/// use cors_runtime::cors_policy;
///
/// #[cors_policy(origins = "*", methods = [GET])]
/// pub struct PublicPolicy;
///
/// async fn health() -> &'static str { "ok" }
///
/// let _public: Router = Router::new()
///     .route("/health", get(health))
///     .layer(PublicPolicy::layer());
/// ```
#[proc_macro_attribute]
pub fn cors_policy(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::cors_policy(args.into(), item.into()).into()
}

/// A route's method router with a generated preflight (`OPTIONS`) handler.
///
/// Takes the same chain as axum's `MethodRouter` (`get`, `head`, `post`, `put`, `delete`,
/// `patch`), each with a handler annotated with [`cors`]. A preflight is answered with the
/// policy of the handler mounted under the requested method. Your own `.options(handler)` (not
/// annotated) keeps receiving the `OPTIONS` requests that are not preflights.
///
/// ```
/// use axum::Router;
/// use cors_runtime::{cors, with_cors};
///
/// #[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
/// async fn update_task() {}
///
/// #[cors(origins = ["https://app.example.com"])]
/// async fn delete_task() {}
///
/// async fn describe() -> &'static str { "PUT, DELETE" }
///
/// let _app: Router = Router::new()
///     .route("/tasks/{id}", with_cors!(put(update_task).delete(delete_task).options(describe)));
/// ```
///
/// A handler without `#[cors]` is a compile error on the handler:
///
/// ```text
/// error[E0277]: handler `create_task` has no CORS policy; annotate it with `#[cors(...)]`
///   --> src/main.rs:10:86
///    |
/// 10 |     .route("/tasks", with_cors!(get(list_tasks).post(create_task)));
///    |                                                      ^^^^^^^^^^^ not annotated with `#[cors(...)]`
/// ```
#[proc_macro]
pub fn with_cors(input: TokenStream) -> TokenStream {
    expand::with_cors(input.into()).into()
}
