//! Procedural macros of [`cors-runtime`](https://docs.rs/cors-runtime). Depend on
//! `cors-runtime` and use its re-exports; this crate is an implementation detail.
#![doc(test(attr(deny(warnings), allow(dead_code))))]

use proc_macro::TokenStream;

mod errors;
mod expand;
mod item;
mod keys;
mod parse;
mod validate;

/// A handler's CORS policy, checked at compile time.
///
/// Put it on an axum handler fn and mount the handler with [`with_cors!`] in a
/// `cors_runtime::CorsRouter`. The router then answers preflights for this handler's method
/// with this policy, before any middleware runs, and every response of the route for that
/// method (extractor rejections, errors, an authentication middleware's 401 included) carries
/// its CORS headers.
///
/// A handler with `#[cors]` that runs without its policy (mounted with a plain `get(handler)`,
/// or in a plain axum `Router`) is reported once, at `error` level, on its first request: the
/// attribute adds that one check at the top of the handler's body (a test that calls the handler
/// fn directly triggers it too; the event is all it does).
///
/// | key | forms | default |
/// |---|---|---|
/// | `origins` | `"*"`; `["https://a.example", "https://*.example.com"]`; consts: `[FRONTEND, "https://b.example"]` (`&str` consts), `FRONTENDS` (a `&[&str]` const; consts are named in upper case, their values checked when the policy is built); a path to `fn(&HeaderValue, &Parts) -> bool`; `env("VAR")`, `env("VAR", default = "http://localhost:3000")` (the default checked at compile time, used when the variable is unset); `state(Type)` (an async `OriginCheck` from the router state, see below) | required, unless `policy =` |
/// | `methods` | `[GET, PUT, "PATCH"]`; `"*"` | the methods the handler is mounted under |
/// | `headers` | `["content-type", "x-custom"]` (case-insensitive); `"*"` | none beyond the CORS-safelisted ones |
/// | `expose` | `["x-request-id"]`; `"*"` | none |
/// | `credentials` | `credentials`, `credentials = true/false` | false |
/// | `max_age` | seconds, at most 86400 | header omitted |
/// | `private_network` | flag | false |
/// | `allow_null_origin` | flag: permits `"null"` in `origins` | false |
/// | `allow_insecure_origins` | flag: permits plain-http, non-loopback origins with `credentials` | false |
/// | `preflight_status` | `204` or `200` | 204 |
/// | `enforce` | flag: refuse requests from origins outside the policy with 403, before the handler runs (see below) | false |
/// | `policy` | path to a [`cors_policy`] struct; other keys override its values | none |
/// | `disable` | flag: no CORS for this handler, even inside a group policy | |
///
/// ```
/// use axum::Json;
/// use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
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
/// let _app: CorsRouter = CorsRouter::new()
///     .route("/tasks", with_cors!(get(list_tasks).post(create_task)))
///     .route("/tasks/{id}", with_cors!(delete(delete_task)));
/// ```
///
/// Origins only your application knows (a tenant table): `origins = state(Type)`, where `Type`
/// implements [`OriginCheck`](https://docs.rs/cors-runtime/latest/cors_runtime/trait.OriginCheck.html)
/// and the router state provides it through axum's `FromRef` (checked at compile time where the
/// handler is mounted). The check is awaited for each CORS request, preflights included.
///
/// ```
/// use axum::{extract::FromRef, http::HeaderValue};
/// use cors_runtime::{cors, with_cors, CorsRouter, OriginCheck};
///
/// #[derive(Clone)]
/// struct Tenants(std::sync::Arc<Vec<String>>);
///
/// impl OriginCheck for Tenants {
///     async fn allows(self, origin: HeaderValue) -> bool {
///         self.0.iter().any(|o| origin == o.as_str())
///     }
/// }
///
/// #[derive(Clone)]
/// struct AppState {
///     tenants: Tenants,
/// }
///
/// impl FromRef<AppState> for Tenants {
///     fn from_ref(state: &AppState) -> Tenants {
///         state.tenants.clone()
///     }
/// }
///
/// #[cors(origins = state(Tenants), credentials)]
/// async fn update_task() {}
///
/// let state = AppState { tenants: Tenants(std::sync::Arc::new(vec![])) };
/// let _app: CorsRouter = CorsRouter::new()
///     .route("/tasks/{id}", with_cors!(put(update_task)))
///     .with_state(state);
/// ```
///
/// ## `enforce`
///
/// CORS only decides whether a *browser lets a page read* a response: a cross-site form `POST`
/// or a "simple" `fetch` still reaches the handler and runs it. With `enforce`, a request whose
/// `Origin` the policy does not allow is answered `403 Forbidden` before the handler (or, for a
/// group layer, any route) runs:
///
/// - no `Origin` header: let through (curl, server-to-server calls, and browsers' same-origin
///   `GET`/`HEAD`, which carry no `Origin`); `enforce` is not authentication;
/// - an allowed origin: let through;
/// - `Sec-Fetch-Site: same-origin` (browsers set it and page scripts cannot): let through, so the
///   API's own pages keep working though browsers send `Origin` on same-origin `POST`, `PUT`,
///   `DELETE`. Browsers without Fetch Metadata (Safari before 16.4) are refused there unless the
///   API's own origin is listed in `origins`;
/// - `Origin: null` (sandboxed frames, `file:` pages, some redirects): refused unless allowed
///   with `allow_null_origin`, or sent with `Sec-Fetch-Site: same-origin`;
/// - several `Origin` headers (no browser sends that): refused;
/// - preflights: unchanged (a refused preflight is already a 403).
///
/// `enforce` with `origins = "*"` is a compile error (it would refuse nothing). The refusal
/// comes from the router's CORS layer, before any middleware runs; it uses the policy that
/// applies to the route and method (the handler's own, else the group's).
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
/// group of routes (`CorsRouter::layer(AuthPolicy::layer())`: it covers the routes added
/// before it, under any handler's own policy). Takes the keys of [`cors`] except `policy` and
/// `disable`; `methods` defaults to GET, HEAD and POST.
///
/// With `origins = state(Type)` the struct gets `layer_with_state(&state)` instead of
/// `layer()`: the layer takes its `OriginCheck` from your state (`Type: FromRef<S>`). Handlers
/// based on it (`policy = X`) repeat `origins = state(Type)` (a compile error says so).
///
/// ```
/// use axum::routing::get;
/// use cors_runtime::{cors_policy, CorsRouter};
///
/// #[cors_policy(origins = "*", methods = [GET])]
/// pub struct PublicPolicy;
///
/// async fn health() -> &'static str { "ok" }
///
/// let _public: CorsRouter = CorsRouter::new()
///     .route("/health", get(health))
///     .layer(PublicPolicy::layer());
/// ```
#[proc_macro_attribute]
pub fn cors_policy(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::cors_policy(args.into(), item.into()).into()
}

/// A route's handlers with their `#[cors]` policies, for `CorsRouter::route`.
///
/// Takes the same chain as axum's `MethodRouter` (`get`, `head`, `post`, `put`, `delete`,
/// `patch`), each with a handler annotated with [`cors`], and returns a
/// `cors_runtime::CorsMethodRouter`. The router answers a preflight with the policy of the
/// handler mounted under the requested method, before any middleware, and decorates the
/// responses of each method with its handler's policy. Your own `.options(handler)` (not
/// annotated) receives the `OPTIONS` requests that are not preflights.
///
/// ```
/// use cors_runtime::{cors, with_cors, CorsRouter};
///
/// #[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
/// async fn update_task() {}
///
/// #[cors(origins = ["https://app.example.com"])]
/// async fn delete_task() {}
///
/// async fn describe() -> &'static str { "PUT, DELETE" }
///
/// let _app: CorsRouter = CorsRouter::new()
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
///
/// A fn that axum cannot use as a handler (the body extractor not last, a return type that is
/// not `IntoResponse`, a `State<T>` the router does not have) is reported on the handler in
/// the same way, with what a handler must look like:
///
/// ```text
/// error[E0277]: this function is not an axum handler; take the extractor that reads the body last, and return a type that implements `IntoResponse`
///   --> src/main.rs:13:50
///    |
/// 13 |     .route("/tasks", with_cors!(post(create_task)));
///    |                                      ^^^^^^^^^^^ not an axum handler
///    |
///    = help: the trait `AxumHandler<_, _>` is not implemented for fn item `fn(Json<Task>, State<AppState>) -> impl Future<Output = String> {create_task}`
/// ```
#[proc_macro]
pub fn with_cors(input: TokenStream) -> TokenStream {
    expand::with_cors(input.into()).into()
}
