//! Origins checked against application state: [`OriginCheck`], used by `origins = state(Type)`
//! and [`PolicyBuilder::origins_checked_by`](crate::PolicyBuilder::origins_checked_by).

use std::future::Future;

use axum::extract::FromRef;
use http::HeaderValue;

use crate::{origin::OriginCheckFuture, spec::Spec, CorsLayer, Policy};

/// An async check of a request's origin against your application's state: a tenant table,
/// a database of registered front ends.
///
/// Implement it on the part of your router state that knows the allowed origins (cheap to
/// clone: an `Arc`, a pool handle), make it reachable with axum's
/// [`FromRef`](axum::extract::FromRef), and name it in the attribute:
/// `#[cors(origins = state(Tenants))]`. The state type is checked at compile time where the
/// handler is mounted (`with_cors!`). For a named policy, `#[cors_policy(origins =
/// state(Tenants))]` generates `P::layer_with_state(&state)` instead of `P::layer()`; for a
/// runtime policy, see [`PolicyBuilder::origins_checked_by`](crate::PolicyBuilder::origins_checked_by).
///
/// The check runs once per CORS request that carries an `Origin` (preflights included, before
/// they are answered; actual requests before their handler runs); the origin is echoed when it
/// resolves to `true`.
///
/// ```
/// use std::{collections::HashSet, sync::{Arc, RwLock}};
///
/// use axum::{body::Body, extract::FromRef, http::{HeaderValue, Request}};
/// use cors_runtime::{cors, with_cors, OriginCheck, CorsRouter};
/// use tower::ServiceExt;
///
/// #[derive(Clone, Default)]
/// struct Tenants(Arc<RwLock<HashSet<String>>>);
///
/// impl OriginCheck for Tenants {
///     async fn allows(self, origin: HeaderValue) -> bool {
///         // a database query, in a real application
///         let origin = origin.to_str().unwrap_or_default();
///         self.0.read().unwrap().contains(origin)
///     }
/// }
///
/// #[derive(Clone, Default)]
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
/// #[cors(origins = state(Tenants), headers = ["authorization"], credentials)]
/// async fn update_task() -> &'static str {
///     "updated"
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let state = AppState::default();
/// state.tenants.0.write().unwrap().insert("https://acme.example".to_owned());
/// let app = CorsRouter::new()
///     .route("/tasks/{id}", with_cors!(put(update_task)))
///     .with_state(state);
///
/// let preflight = Request::options("/tasks/1")
///     .header("origin", "https://acme.example")
///     .header("access-control-request-method", "PUT")
///     .body(Body::empty())?;
/// let response = app.oneshot(preflight).await?;
/// assert_eq!(response.status(), 204);
/// assert_eq!(response.headers()["access-control-allow-origin"], "https://acme.example");
/// # Ok(())
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot check CORS origins",
    label = "named in `origins = state(..)`",
    note = "implement `cors_runtime::OriginCheck` for `{Self}`: `async fn allows(self, origin: HeaderValue) -> bool`"
)]
pub trait OriginCheck: Clone + Send + Sync + 'static {
    /// Whether `origin` (the request's `Origin` value, at most 300 bytes) is allowed.
    ///
    /// ```
    /// use axum::http::HeaderValue;
    /// use cors_runtime::OriginCheck;
    ///
    /// /// The front ends of every tenant: `https://<tenant>.acme.example`.
    /// #[derive(Clone)]
    /// struct TenantFrontEnds;
    ///
    /// impl OriginCheck for TenantFrontEnds {
    ///     async fn allows(self, origin: HeaderValue) -> bool {
    ///         let origin = origin.to_str().unwrap_or_default();
    ///         origin
    ///             .strip_prefix("https://")
    ///             .and_then(|host| host.strip_suffix(".acme.example"))
    ///             .is_some_and(|tenant| !tenant.is_empty() && !tenant.contains('.'))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let eu = HeaderValue::from_static("https://eu.acme.example");
    /// assert!(TenantFrontEnds.allows(eu).await);
    /// let other = HeaderValue::from_static("https://acme.example.evil.com");
    /// assert!(!TenantFrontEnds.allows(other).await);
    /// # }
    /// ```
    fn allows(self, origin: HeaderValue) -> impl Future<Output = bool> + Send;
}

/// The check `T` of `state` for `origin`, started (generated code of `origins = state(T)`).
pub(crate) fn start_check<T, S>(state: &S, origin: &HeaderValue) -> Option<OriginCheckFuture>
where
    T: OriginCheck + FromRef<S>,
{
    Some(Box::pin(T::from_ref(state).allows(origin.clone())))
}

/// The group layer of a named policy with `origins = state(T)`.
#[track_caller]
pub(crate) fn layer_with_state<T, S>(spec: &Spec, state: &S) -> CorsLayer
where
    T: OriginCheck + FromRef<S>,
{
    match Policy::build(spec, crate::policy::DEFAULT_GROUP_METHODS) {
        Ok(policy) => CorsLayer::from_policy(policy.with_state_check(T::from_ref(state))),
        Err(error) => panic!("{error}"),
    }
}
