//! [`CorsMethodRouter`]: what `with_cors!` builds, an axum `MethodRouter` plus the policy of
//! each handler in it, for [`CorsRouter::route`](crate::CorsRouter::route).

use std::{any::TypeId, convert::Infallible, fmt, sync::Arc};

use axum::{
    extract::Request,
    handler::Handler,
    response::IntoResponse,
    routing::{MethodFilter, MethodRouter, Route},
};
use http::{HeaderValue, Method};
use tower_layer::Layer;
use tower_service::Service;

use crate::{origin::OriginCheckFuture, spec::Spec, Policy};

/// `<A as StateOrigins<S>>::start`: the `origins = state(Type)` check of a mounted handler.
#[doc(hidden)]
pub type StartCheck<S> = fn(&S, &HeaderValue) -> Option<OriginCheckFuture>;

/// One `with_cors!` handler under one method, before the router state is known.
pub(crate) struct Mount<S> {
    pub(crate) method: Method,
    pub(crate) policy: Arc<Policy>,
    /// The policy as declared (`state(..)` origins shown as such), for the inventory.
    pub(crate) declared: Arc<Policy>,
    pub(crate) handler: TypeId,
    /// The `state(Type)` origin check, until `CorsRouter::with_state` binds it.
    pub(crate) check: Option<StartCheck<S>>,
}

impl<S> Clone for Mount<S> {
    fn clone(&self) -> Self {
        Mount {
            method: self.method.clone(),
            policy: self.policy.clone(),
            declared: self.declared.clone(),
            handler: self.handler,
            check: self.check,
        }
    }
}

impl<S> fmt::Debug for Mount<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mount")
            .field("method", &self.method)
            .field("policy", &self.policy.name())
            .finish_non_exhaustive()
    }
}

/// An axum [`MethodRouter`] whose handlers carry their `#[cors]` policies: what
/// `with_cors!(put(a).delete(b))` returns, for [`CorsRouter::route`](crate::CorsRouter::route).
///
/// The handlers are mounted as they are (no wrapper): the router's CORS layer answers their
/// preflights and decorates their responses with the policy of the handler mounted under the
/// method, before and after any middleware.
///
/// ```
/// use cors_runtime::{cors, with_cors, CorsMethodRouter, CorsRouter};
///
/// #[cors(origins = ["https://app.example"])]
/// async fn update_task() {}
///
/// let route: CorsMethodRouter = with_cors!(put(update_task));
/// let app: CorsRouter = CorsRouter::new().route("/tasks/{id}", route);
/// # drop(app);
/// ```
///
/// An axum `Router` does not take it (`Router::route` wants a `MethodRouter`): outside a
/// `CorsRouter`, nothing would answer its preflights before your middleware.
pub struct CorsMethodRouter<S = ()> {
    pub(crate) router: MethodRouter<S>,
    pub(crate) mounts: Vec<Mount<S>>,
}

impl<S> fmt::Debug for CorsMethodRouter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for mount in &self.mounts {
            map.entry(&mount.method, &mount.policy.name());
        }
        map.finish()
    }
}

impl<S> Default for CorsMethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

/// A plain axum method router, with no handler policy (group policies may cover it).
impl<S> From<MethodRouter<S>> for CorsMethodRouter<S> {
    fn from(router: MethodRouter<S>) -> Self {
        CorsMethodRouter {
            router,
            mounts: Vec::new(),
        }
    }
}

/// The methods `with_cors!` mounts a handler under (`with_cors!(put(a))` passes `Put`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum RouteMethod {
    /// `get`: `GET` and `HEAD`, as axum's `get`.
    Get,
    /// `head`.
    Head,
    /// `post`.
    Post,
    /// `put`.
    Put,
    /// `delete`.
    Delete,
    /// `patch`.
    Patch,
}

impl RouteMethod {
    fn filter(self) -> (MethodFilter, &'static [Method]) {
        match self {
            RouteMethod::Get => (MethodFilter::GET, &[Method::GET, Method::HEAD]),
            RouteMethod::Head => (MethodFilter::HEAD, &[Method::HEAD]),
            RouteMethod::Post => (MethodFilter::POST, &[Method::POST]),
            RouteMethod::Put => (MethodFilter::PUT, &[Method::PUT]),
            RouteMethod::Delete => (MethodFilter::DELETE, &[Method::DELETE]),
            RouteMethod::Patch => (MethodFilter::PATCH, &[Method::PATCH]),
        }
    }
}

/// A handler `with_cors!` can mount: implemented for every axum [`Handler`].
///
/// `with_cors!(put(update_task))` mounts `update_task` through this trait, so that a function
/// that is not a handler (extractors in the wrong order, a return type that is not
/// `IntoResponse`, a `State` the router does not have) is reported in words that say how to
/// fix it. You never implement or call it yourself.
///
/// ```
/// use axum::routing::MethodFilter;
/// use cors_runtime::AxumHandler;
///
/// async fn update_task() {}
///
/// let router: axum::routing::MethodRouter = AxumHandler::on(update_task, MethodFilter::PUT);
/// # drop(router);
/// ```
#[diagnostic::on_unimplemented(
    message = "this function is not an axum handler; take the extractor that reads the body last, and return a type that implements `IntoResponse`",
    label = "not an axum handler",
    note = "a handler's arguments are extractors: `State`, `Path`, `Query`, `HeaderMap` and other `FromRequestParts` types, then at most one that reads the body (`Json`, `Form`, `String`, `Bytes`, `Request`), last",
    note = "a `State<T>` argument needs a router whose state is `T`, or provides `T` through `FromRef`",
    note = "add `#[axum::debug_handler]` (axum's `macros` feature) above the handler to see which argument or type is wrong"
)]
pub trait AxumHandler<M, S> {
    /// The handler on its own method router, under `filter`.
    fn on(self, filter: MethodFilter) -> MethodRouter<S>;
}

#[diagnostic::do_not_recommend]
impl<F, M, S> AxumHandler<M, S> for F
where
    F: Handler<M, S>,
    M: 'static,
    S: Clone + Send + Sync + 'static,
{
    fn on(self, filter: MethodFilter) -> MethodRouter<S> {
        axum::routing::on(filter, self)
    }
}

impl<S> CorsMethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// An empty method router; `with_cors!(put(a))` starts from it.
    ///
    /// ```
    /// use cors_runtime::CorsMethodRouter;
    ///
    /// let route: CorsMethodRouter = CorsMethodRouter::new();
    /// # drop(route);
    /// ```
    pub fn new() -> Self {
        CorsMethodRouter {
            router: MethodRouter::new(),
            mounts: Vec::new(),
        }
    }

    /// Mounts one `#[cors]` handler under `method` with its policy (`base`, `spec`): what
    /// [`Annotated`](crate::Annotated)'s mount does for `with_cors!(put(a))`. `router` is the
    /// handler on its own axum method router ([`AxumHandler::on`], whose message says what is
    /// wrong with a handler that is not one). Not generic in the handler: compiled once, not
    /// once per handler.
    pub(crate) fn mount(
        mut self,
        method: RouteMethod,
        (base, spec, handler): (&'static Policy, &Spec, TypeId),
        start: StartCheck<S>,
        router: MethodRouter<S>,
    ) -> Self {
        let (_, methods) = method.filter();
        let policy = Arc::new(base.for_mount(spec, methods));
        let check = base.checks_state().then_some(start);
        for method in methods {
            self.mounts.push(Mount {
                method: method.clone(),
                policy: policy.clone(),
                declared: policy.clone(),
                handler,
                check,
            });
        }
        self.router = self.router.merge(router);
        self
    }

    /// `with_cors!(put(a).options(b))`: `b` mounted as [`CorsMethodRouter::options`] does,
    /// through [`AxumHandler::on`].
    #[doc(hidden)]
    pub fn __cors_options(mut self, router: MethodRouter<S>) -> Self {
        self.router = self.router.merge(router);
        self
    }

    /// Your own `OPTIONS` handler, for `OPTIONS` requests that are not preflights (the router
    /// answers preflights before any handler runs): `with_cors!(put(a).options(describe))`.
    ///
    /// ```
    /// use axum::{body::Body, http::{Method, Request}};
    /// use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// use tower::ServiceExt;
    ///
    /// #[cors(origins = ["https://app.example"])]
    /// async fn update_task() {}
    ///
    /// async fn describe() -> &'static str {
    ///     "PUT updates the task"
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let app = CorsRouter::new()
    ///     .route("/tasks/{id}", with_cors!(put(update_task).options(describe)));
    ///
    /// // A plain `OPTIONS` reaches `describe`...
    /// let plain = Request::options("/tasks/1").body(Body::empty())?;
    /// let response = app.clone().oneshot(plain).await?;
    /// let body = axum::body::to_bytes(response.into_body(), 1024).await?;
    /// assert_eq!(body, "PUT updates the task");
    ///
    /// // ...while preflights are answered by the policy.
    /// Preflight::new("https://app.example", Method::PUT)
    ///     .send(&app, "/tasks/1")
    ///     .await
    ///     .assert_allowed()
    ///     .assert_status(204);
    /// # Ok(())
    /// # }
    /// ```
    pub fn options<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.router = self.router.options(handler);
        self
    }

    /// Middleware for this route's handlers only, as axum's [`MethodRouter::layer`]: it runs
    /// inside the router's CORS layer, so it never sees a preflight and its answers (a 401)
    /// carry the CORS headers.
    pub fn layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        CorsMethodRouter {
            router: self.router.layer(layer),
            mounts: self.mounts,
        }
    }

    /// Middleware for this route's handlers only, as axum's [`MethodRouter::route_layer`]
    /// (not for the 405 of a method the route does not serve).
    ///
    /// ```
    /// use axum::{extract::Request, http::StatusCode, middleware::{self, Next}, response::Response};
    /// use cors_runtime::{cors, with_cors, CorsRouter};
    ///
    /// async fn require_bearer(request: Request, next: Next) -> Result<Response, StatusCode> {
    ///     match request.headers().get("authorization") {
    ///         Some(value) if value == "Bearer demo-token" => Ok(next.run(request).await),
    ///         _ => Err(StatusCode::UNAUTHORIZED),
    ///     }
    /// }
    ///
    /// #[cors(origins = ["https://app.example"], headers = ["authorization"])]
    /// async fn update_task() {}
    ///
    /// let app: CorsRouter = CorsRouter::new().route(
    ///     "/tasks/{id}",
    ///     with_cors!(put(update_task)).route_layer(middleware::from_fn(require_bearer)),
    /// );
    /// # drop(app);
    /// ```
    #[track_caller]
    pub fn route_layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        CorsMethodRouter {
            router: self.router.route_layer(layer),
            mounts: self.mounts,
        }
    }
}
