//! [`CorsRouter`]: axum's `Router`, recording the CORS policy of every route so that one layer
//! outside all the app's middleware answers preflights and decorates responses.

use std::{
    any::Any,
    convert::Infallible,
    fmt,
    sync::{Arc, OnceLock},
};

use axum::{extract::Request, handler::Handler, response::IntoResponse, routing::Route, Router};
use http::HeaderValue;
use tower_layer::Layer;
use tower_service::Service;

use super::{
    method_router::{CorsMethodRouter, Mount},
    service::Cors,
    table::nested_path,
};
use crate::{origin::OriginCheckFuture, CorsLayer, Policy};

/// One route, as the router recorded it.
pub(super) struct RouteRecord<S> {
    /// The path axum matches (nest prefixes included).
    pub(super) path: String,
    pub(super) mounts: Vec<Mount<S>>,
    /// Group policies covering it, innermost first.
    pub(super) groups: Vec<Arc<Policy>>,
}

impl<S> Clone for RouteRecord<S> {
    fn clone(&self) -> Self {
        RouteRecord {
            path: self.path.clone(),
            mounts: self.mounts.clone(),
            groups: self.groups.clone(),
        }
    }
}

/// Routes known only by prefix, or a fallback.
#[derive(Clone, Debug)]
pub(super) struct ScopeRecord {
    pub(super) prefix: String,
    pub(super) groups: Vec<Arc<Policy>>,
}

/// An axum [`Router`] that knows the CORS policy of every route: the router to build your app
/// with.
///
/// It has axum's `Router` API (`route`, `nest`, `merge`, `layer`, `route_layer`, `fallback`,
/// `with_state`, ...) and records, for each route, the `#[cors]` handlers `with_cors!` mounted
/// and the group policies ([`CorsLayer`]s) given to `layer`/`route_layer`. When it is served,
/// its CORS layer stands in front of the routing, outside all the middleware you added, matches
/// the request's path against the routes as axum does, and:
///
/// - answers each preflight with the most specific policy for the route and the requested
///   method: the `with_cors!` handler's, else the innermost group's; no handler and no
///   middleware runs for a preflight, whatever the origin (an authentication `route_layer`
///   never sees one, in any order of `layer` and `route_layer` calls);
/// - decorates every response of an actual request with that same policy, whoever made it (the
///   handler, an extractor's rejection, your authentication middleware's `401`).
///
/// ```
/// use axum::{extract::Request, http::StatusCode, middleware::{self, Next}, response::Response};
/// use cors_runtime::{cors, testing::{CorsRequest, Preflight}, with_cors, CorsRouter};
/// # use axum::http::Method;
///
/// #[cors(origins = ["https://app.example"], headers = ["authorization"], credentials)]
/// async fn update_task() -> &'static str {
///     "updated"
/// }
///
/// async fn require_bearer(request: Request, next: Next) -> Result<Response, StatusCode> {
///     match request.headers().get("authorization") {
///         Some(value) if value == "Bearer demo-token" => Ok(next.run(request).await),
///         _ => Err(StatusCode::UNAUTHORIZED),
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = CorsRouter::new()
///     .route("/tasks/{id}", with_cors!(put(update_task)))
///     .route_layer(middleware::from_fn(require_bearer));
///
/// // The preflight never reaches the bearer check...
/// Preflight::new("https://app.example", Method::PUT)
///     .header("authorization")
///     .credentials()
///     .send(&app, "/tasks/1")
///     .await
///     .assert_allowed();
/// // ...and its 401 is readable by the page.
/// CorsRequest::put("https://app.example")
///     .credentials()
///     .send(&app, "/tasks/1")
///     .await
///     .assert_allowed()
///     .assert_status(401);
/// # }
/// ```
///
/// Serve it as an axum `Router`: `axum::serve(listener, app)`, `tower::ServiceExt::oneshot`, or
/// [`cors_runtime::testing`](crate::testing). [`into_router`](CorsRouter::into_router) gives
/// the finished axum `Router` (for a tool that wants one); add every middleware through the
/// `CorsRouter` rather than to that `Router`, where it would run before the CORS layer and see
/// (and might refuse) preflights.
pub struct CorsRouter<S = ()> {
    pub(super) inner: Router<S>,
    pub(super) routes: Vec<RouteRecord<S>>,
    /// Routes with a matched path the router cannot see (nested axum routers, a nested
    /// service's own paths).
    pub(super) matched: Vec<ScopeRecord>,
    /// Routes of merged axum routers, one entry per merge.
    pub(super) merged: Vec<Vec<Arc<Policy>>>,
    /// Requests without a matched path under a prefix: nested services, nested fallbacks.
    pub(super) unmatched: Vec<ScopeRecord>,
    /// Whether the fallback is the user's (axum's merge keeps a custom one).
    pub(super) custom_fallback: bool,
    pub(super) fallback: Vec<Arc<Policy>>,
    /// The finished service, built when first served.
    pub(super) ready: Arc<OnceLock<Cors<Router>>>,
}

impl<S> Clone for CorsRouter<S> {
    fn clone(&self) -> Self {
        CorsRouter {
            inner: self.inner.clone(),
            routes: self.routes.clone(),
            matched: self.matched.clone(),
            merged: self.merged.clone(),
            unmatched: self.unmatched.clone(),
            custom_fallback: self.custom_fallback,
            fallback: self.fallback.clone(),
            ready: self.ready.clone(),
        }
    }
}

impl<S> fmt::Debug for CorsRouter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for route in &self.routes {
            let handlers: Vec<_> = route
                .mounts
                .iter()
                .map(|m| format!("{} {}", m.method, m.policy.name()))
                .collect();
            let groups: Vec<_> = route.groups.iter().map(|p| p.name()).collect();
            map.entry(&route.path, &(handlers, groups));
        }
        map.finish()
    }
}

impl<S> Default for CorsRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

/// An axum router whose routes the `CorsRouter` cannot see: covered as a whole by the group
/// policies applied after it is merged or nested.
impl<S> From<Router<S>> for CorsRouter<S> {
    fn from(router: Router<S>) -> Self {
        CorsRouter {
            inner: router,
            routes: Vec::new(),
            matched: Vec::new(),
            merged: vec![Vec::new()],
            unmatched: Vec::new(),
            custom_fallback: false,
            fallback: Vec::new(),
            ready: Arc::default(),
        }
    }
}

impl<S> CorsRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// An empty router.
    ///
    /// ```
    /// let app: cors_runtime::CorsRouter = cors_runtime::CorsRouter::new();
    /// # drop(app);
    /// ```
    pub fn new() -> Self {
        CorsRouter {
            inner: Router::new(),
            routes: Vec::new(),
            matched: Vec::new(),
            merged: Vec::new(),
            unmatched: Vec::new(),
            custom_fallback: false,
            fallback: Vec::new(),
            ready: Arc::default(),
        }
    }

    /// Adds a route, as axum's [`Router::route`]: `with_cors!(..)` for handlers with their own
    /// `#[cors]` policy, or any axum `MethodRouter` (`get(h)`), covered by the group policies
    /// applied after it.
    ///
    /// ```
    /// use axum::routing::get;
    /// use cors_runtime::{cors, with_cors, CorsRouter};
    ///
    /// #[cors(origins = ["https://app.example"])]
    /// async fn list_tasks() {}
    ///
    /// async fn health() {}
    ///
    /// let app: CorsRouter = CorsRouter::new()
    ///     .route("/tasks", with_cors!(get(list_tasks)))
    ///     .route("/health", get(health));
    /// # drop(app);
    /// ```
    ///
    /// # Panics
    ///
    /// As axum's (an invalid path, a method mounted twice), and when a path is extended with
    /// more methods after a group policy was applied to it (the group would cover only some of
    /// its methods): add all of a path's methods before the `layer` call.
    #[track_caller]
    pub fn route(mut self, path: &str, method_router: impl Into<CorsMethodRouter<S>>) -> Self {
        let CorsMethodRouter { router, mounts } = method_router.into();
        self.inner = self.inner.route(path, router);
        match self.routes.iter_mut().find(|r| r.path == path) {
            Some(existing) => {
                if !existing.groups.is_empty() {
                    panic!(
                        "route `{path}` gets more methods after the CORS policy `{}` was applied \
                         to it, which would cover only some of its methods; add all of the \
                         route's methods before `.layer({}::layer())`",
                        existing.groups[0].name(),
                        existing.groups[0].name(),
                    );
                }
                existing.mounts.extend(mounts);
            }
            None => self.routes.push(RouteRecord {
                path: path.to_owned(),
                mounts,
                groups: Vec::new(),
            }),
        }
        self.edited()
    }

    /// Adds a service as a route, as axum's [`Router::route_service`]; group policies applied
    /// after it cover it.
    #[track_caller]
    pub fn route_service<T>(mut self, path: &str, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        self.inner = self.inner.route_service(path, service);
        self.routes.push(RouteRecord {
            path: path.to_owned(),
            mounts: Vec::new(),
            groups: Vec::new(),
        });
        self.edited()
    }

    /// Nests a router at `path`, as axum's [`Router::nest`]: a `CorsRouter` keeps its routes'
    /// policies (and its groups cover them before the outer ones), an axum `Router` is
    /// covered as a whole by the outer groups.
    ///
    /// ```
    /// use axum::routing::get;
    /// use cors_runtime::{cors_policy, CorsRouter};
    ///
    /// #[cors_policy(origins = ["https://admin.example"])]
    /// pub struct Admin;
    ///
    /// async fn stats() {}
    ///
    /// let admin = CorsRouter::new().route("/stats", get(stats)).layer(Admin::layer());
    /// let app: CorsRouter = CorsRouter::new().nest("/admin", admin);
    /// # drop(app);
    /// ```
    #[track_caller]
    pub fn nest(mut self, path: &str, router: impl Into<CorsRouter<S>>) -> Self {
        let other = router.into();
        self.inner = self.inner.nest(path, other.inner);
        for mut route in other.routes {
            route.path = nested_path(path, &route.path);
            self.routes.push(route);
        }
        let prefixed = |scope: ScopeRecord| ScopeRecord {
            prefix: nested_path(path, &scope.prefix),
            groups: scope.groups,
        };
        self.matched.extend(other.matched.into_iter().map(prefixed));
        self.unmatched
            .extend(other.unmatched.into_iter().map(prefixed));
        for groups in other.merged {
            // An axum router nested here: its routes are under `path`, and so is its fallback
            // (when it has one; otherwise axum sends those requests to this router's fallback).
            self.matched.push(ScopeRecord {
                prefix: path.to_owned(),
                groups: groups.clone(),
            });
            self.unmatched.push(ScopeRecord {
                prefix: path.to_owned(),
                groups,
            });
        }
        if other.custom_fallback {
            self.unmatched.push(ScopeRecord {
                prefix: path.to_owned(),
                groups: other.fallback,
            });
        }
        self.edited()
    }

    /// Nests a service at `path`, as axum's [`Router::nest_service`]; group policies applied
    /// after it cover everything under `path`.
    #[track_caller]
    pub fn nest_service<T>(mut self, path: &str, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        self.inner = self.inner.nest_service(path, service);
        let scope = ScopeRecord {
            prefix: path.to_owned(),
            groups: Vec::new(),
        };
        self.matched.push(scope.clone());
        self.unmatched.push(scope);
        self.edited()
    }

    /// Merges the routes of another router, as axum's [`Router::merge`]. The other router's
    /// group policies cover its routes, not this router's 404s (unless it brings its own
    /// fallback, which then serves them, as in axum).
    ///
    /// # Panics
    ///
    /// As axum's (both routers have a fallback, a method mounted twice), and when a path is in
    /// both routers with different group policies.
    #[track_caller]
    pub fn merge(mut self, other: impl Into<CorsRouter<S>>) -> Self {
        let other = other.into();
        self.inner = self.inner.merge(other.inner);
        for route in other.routes {
            match self.routes.iter_mut().find(|r| r.path == route.path) {
                Some(existing) => {
                    let same = existing.groups.len() == route.groups.len()
                        && existing
                            .groups
                            .iter()
                            .zip(&route.groups)
                            .all(|(a, b)| a.fingerprint() == b.fingerprint());
                    if !same {
                        panic!(
                            "route `{}` is in both merged routers with different CORS group \
                             policies; apply the group policies after merging",
                            route.path
                        );
                    }
                    existing.mounts.extend(route.mounts);
                }
                None => self.routes.push(route),
            }
        }
        self.matched.extend(other.matched);
        self.unmatched.extend(other.unmatched);
        self.merged.extend(other.merged);
        if other.custom_fallback {
            self.custom_fallback = true;
            self.fallback = other.fallback;
        }
        self.edited()
    }

    /// Adds middleware to every route added so far and to the fallback, as axum's
    /// [`Router::layer`]. A [`CorsLayer`] is recorded instead: its policy covers those routes,
    /// answered by the router's CORS layer outside all middleware.
    ///
    /// ```
    /// use axum::{routing::get, middleware::{self, Next}, extract::Request, response::Response};
    /// use cors_runtime::{cors_policy, CorsRouter};
    ///
    /// #[cors_policy(origins = ["https://app.example"])]
    /// pub struct Api;
    ///
    /// async fn log(request: Request, next: Next) -> Response {
    ///     next.run(request).await
    /// }
    ///
    /// # async fn list_tasks() {}
    /// let app: CorsRouter = CorsRouter::new()
    ///     .route("/tasks", get(list_tasks))
    ///     .layer(Api::layer()) // recorded: `Api` covers `/tasks`
    ///     .layer(middleware::from_fn(log)); // applied, inside the CORS layer
    /// # drop(app);
    /// ```
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        match (&layer as &dyn Any).downcast_ref::<CorsLayer>() {
            Some(cors) => self.cover(cors.shared(), true),
            None => {
                refuse_hidden_cors_layer::<L>("layer");
                self.inner = self.inner.layer(layer);
            }
        }
        self.edited()
    }

    /// Adds middleware to every route added so far, not the fallback, as axum's
    /// [`Router::route_layer`]. A [`CorsLayer`] is recorded: its policy covers those routes.
    ///
    /// # Panics
    ///
    /// As axum's, when the router has no routes yet.
    #[track_caller]
    pub fn route_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        match (&layer as &dyn Any).downcast_ref::<CorsLayer>() {
            Some(cors) => {
                if !self.inner.has_routes() {
                    panic!(
                        "Adding a route_layer before any routes is a no-op. \
                         Add the routes you want the layer to apply to first."
                    );
                }
                self.cover(cors.shared(), false);
            }
            None => {
                refuse_hidden_cors_layer::<L>("route_layer");
                self.inner = self.inner.route_layer(layer);
            }
        }
        self.edited()
    }

    fn cover(&mut self, policy: &Arc<Policy>, fallback: bool) {
        let scopes = self.matched.iter_mut().chain(&mut self.unmatched);
        for groups in self
            .routes
            .iter_mut()
            .map(|r| &mut r.groups)
            .chain(scopes.map(|s| &mut s.groups))
            .chain(&mut self.merged)
        {
            groups.push(policy.clone());
        }
        if fallback {
            self.fallback.push(policy.clone());
        }
    }

    /// The handler for requests no route matches, as axum's [`Router::fallback`]. Group
    /// policies applied after it cover it.
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.inner = self.inner.fallback(handler);
        self.custom_fallback = true;
        self.fallback.clear();
        self.edited()
    }

    /// A service for requests no route matches, as axum's [`Router::fallback_service`].
    pub fn fallback_service<T>(mut self, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        self.inner = self.inner.fallback_service(service);
        self.custom_fallback = true;
        self.fallback.clear();
        self.edited()
    }

    /// The handler for a method a route does not serve (its 405), as axum's
    /// [`Router::method_not_allowed_fallback`]. Its answers are decorated with the route's
    /// group policy.
    pub fn method_not_allowed_fallback<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.inner = self.inner.method_not_allowed_fallback(handler);
        self.edited()
    }

    /// Provides the state, as axum's [`Router::with_state`]; the `origins = state(..)` checks
    /// of the handlers mounted so far take theirs from it.
    pub fn with_state<S2>(self, state: S) -> CorsRouter<S2> {
        let routes = self
            .routes
            .into_iter()
            .map(|route| RouteRecord {
                path: route.path,
                mounts: route.mounts.into_iter().map(|m| bind(m, &state)).collect(),
                groups: route.groups,
            })
            .collect();
        CorsRouter {
            inner: self.inner.with_state(state),
            routes,
            matched: self.matched,
            merged: self.merged,
            unmatched: self.unmatched,
            custom_fallback: self.custom_fallback,
            fallback: self.fallback,
            ready: Arc::default(),
        }
    }

    /// Whether the router has routes, as axum's [`Router::has_routes`].
    pub fn has_routes(&self) -> bool {
        self.inner.has_routes()
    }

    fn edited(mut self) -> Self {
        self.ready = Arc::default();
        self
    }
}

/// A CORS layer the router cannot record (tower-http's, or one inside a `ServiceBuilder`
/// stack) would sit inside the router's own CORS layer and never see a preflight: refused at
/// start-up, with the fix.
#[track_caller]
fn refuse_hidden_cors_layer<L>(method: &str) {
    let name = std::any::type_name::<L>();
    if name.contains("tower_http::cors::") {
        panic!(
            "tower-http's `CorsLayer` given to `CorsRouter::{method}` would never see a \
             preflight (the router answers them first); write the policy with `#[cors_policy]` \
             or `Policy::builder` and give its `CorsLayer` to `CorsRouter::{method}`"
        );
    }
    if name.contains("cors_runtime::serve::layer::CorsLayer") {
        panic!(
            "a `CorsLayer` inside a layer stack given to `CorsRouter::{method}` cannot be \
             recorded by the router, and would never see a preflight; give it to \
             `CorsRouter::{method}` on its own"
        );
    }
}

/// `mount` with its `state(..)` check (if any) taking its check from `state`.
pub(super) fn bind<S, S2>(mount: Mount<S>, state: &S) -> Mount<S2>
where
    S: Clone + Send + Sync + 'static,
{
    let policy = match mount.check {
        Some(start) => {
            let state = state.clone();
            let check = move |origin: HeaderValue| -> OriginCheckFuture {
                start(&state, &origin).unwrap_or_else(|| Box::pin(std::future::ready(false)))
            };
            Arc::new((*mount.policy).clone().with_origin_check(Arc::new(check)))
        }
        None => mount.policy,
    };
    Mount {
        method: mount.method,
        policy,
        declared: mount.declared,
        handler: mount.handler,
        check: None,
    }
}
