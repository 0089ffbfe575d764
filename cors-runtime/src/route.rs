//! Handler-level CORS: what `with_cors!` builds.
//!
//! Each annotated handler is wrapped at the [`Handler`] level (no tower layer, no boxing): the
//! wrapper decides the CORS headers from the request, runs the handler (extractors included) and
//! decorates whatever response comes back. The route also gets a generated `OPTIONS` handler that
//! answers preflights with the policy of the handler mounted under the requested method, and
//! passes other `OPTIONS` requests to the user's own `.options(..)` handler, if any.

use std::{
    any::Any,
    future::Future,
    marker::PhantomData,
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::Arc,
    task::{ready, Context, Poll},
};

use axum::{
    body::Body,
    extract::{MatchedPath, Request},
    handler::Handler,
    response::Response,
    routing::{MethodFilter, MethodRouter},
};
use http::{header, HeaderValue, Method, StatusCode};
use pin_project_lite::pin_project;

use crate::{
    origin::{OriginCheckFuture, MAX_ORIGIN_LEN},
    policy::{
        present_and_single, single, Ctx, Decision, Gate, GateProj, Reason, Rejection, RouteOf,
        TEXT_PLAIN,
    },
    spec::{Annotated, StateOrigins},
    Policy,
};

/// `<A as StateOrigins<S>>::start`: the `origins = state(Type)` check of a mounted handler.
type StartCheck<S> = fn(&S, &HeaderValue) -> Option<OriginCheckFuture>;

/// Starts the `state(Type)` origin check of `policy` for this request, if it has one and the
/// request has a usable `Origin`.
fn start_state_check<S>(
    policy: &Policy,
    start: StartCheck<S>,
    headers: &http::HeaderMap,
    state: &S,
) -> Option<(OriginCheckFuture, HeaderValue)> {
    if !policy.checks_state() {
        return None;
    }
    let origin = single(headers, &header::ORIGIN)?;
    if origin.len() > MAX_ORIGIN_LEN {
        return None;
    }
    Some((start(state, origin)?, origin.clone()))
}

/// Zero-sized token naming the annotated handler `A` whose policy a mount uses.
pub struct PolicyOf<A>(PhantomData<fn() -> A>);

impl<A> PolicyOf<A> {
    pub(crate) const fn new() -> Self {
        PolicyOf(PhantomData)
    }
}

impl<A> std::fmt::Debug for PolicyOf<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PolicyOf")
    }
}

/// Request extension: a group [`CorsLayer`](crate::CorsLayer) is outside this route.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InGroup;

/// Response extension: a route-level policy answered (or deliberately did not), so an outer
/// group layer must leave the CORS headers alone.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RouteAnswered;

/// A handler wrapped with the policy of its annotation `A`.
///
/// Zero-sized when the handler is (an `async fn` is): axum clones the handler for every
/// request, and a zero-sized clone costs no allocation. The policy lives in a `static`.
///
/// `with_cors!` builds it; you name it only in generic code:
///
/// ```
/// use axum::{routing::MethodRouter, Router};
/// use cors_runtime::{cors, with_cors};
///
/// #[cors(origins = ["https://app.example"])]
/// async fn update_task() {}
///
/// let route: MethodRouter = with_cors!(put(update_task));
/// let app: Router = Router::new().route("/tasks/{id}", route);
/// # drop(app);
/// ```
pub struct CorsHandler<H, A> {
    inner: H,
    annotation: PhantomData<fn() -> A>,
}

impl<H: Clone, A> Clone for CorsHandler<H, A> {
    fn clone(&self) -> Self {
        CorsHandler {
            inner: self.inner.clone(),
            annotation: PhantomData,
        }
    }
}

impl<H, A: Annotated> std::fmt::Debug for CorsHandler<H, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorsHandler")
            .field("policy", &A::SPEC.name)
            .finish_non_exhaustive()
    }
}

impl<H, A: Annotated> CorsHandler<H, A> {
    /// Wraps `inner` with the policy of `A`.
    ///
    /// `with_cors!` calls it for each handler it mounts, with the token naming the handler's
    /// `#[cors]` companion type; write `with_cors!` rather than calling it:
    ///
    /// ```
    /// use axum::{routing::MethodRouter, Router};
    /// use cors_runtime::{cors, with_cors};
    ///
    /// #[cors(origins = ["https://app.example"])]
    /// async fn update_task() {}
    ///
    /// // `CorsHandler::new(update_task, ..)` mounted under PUT, plus the preflight handler.
    /// let route: MethodRouter = with_cors!(put(update_task));
    /// let app: Router = Router::new().route("/tasks/{id}", route);
    /// # drop(app);
    /// ```
    pub fn new(inner: H, _policy: PolicyOf<A>) -> Self {
        CorsHandler {
            inner,
            annotation: PhantomData,
        }
    }

    /// The policy this handler answers with.
    ///
    /// ```
    /// use cors_runtime::{cors, CorsHandler};
    ///
    /// #[cors(origins = ["https://app.example"], credentials)]
    /// async fn update_task() {}
    ///
    /// # use cors_runtime::__private::policy_of;
    /// # let handler = CorsHandler::new(update_task, policy_of::<update_task>());
    /// // `handler`: the `CorsHandler` that `with_cors!(put(update_task))` mounts.
    /// let policy = handler.policy();
    /// assert_eq!(policy.name(), "update_task");
    /// assert!(policy.credentials());
    /// ```
    pub fn policy(&self) -> &'static Policy {
        A::policy()
    }
}

impl<H, A, T, S> Handler<T, S> for CorsHandler<H, A>
where
    H: Handler<T, S>,
    A: Annotated + StateOrigins<S>,
    S: Send + 'static,
{
    type Future = CorsFuture<H::Future>;

    fn call(self, req: Request, state: S) -> Self::Future {
        let policy = A::policy();
        let in_group = req.extensions().get::<InGroup>().is_some();
        if let Some((check, origin)) = start_state_check(policy, A::start, req.headers(), &state) {
            let route = req.extensions().get::<MatchedPath>().cloned();
            // What `enforce` answers if the check refuses the origin, decided now while the
            // request's headers are at hand (the handler's future owns the request).
            let refusal = policy.enforce(
                req.headers(),
                &Decision::default(),
                RouteOf::Extensions(req.extensions()),
            );
            return CorsFuture {
                inner: Gate::Open {
                    future: self.inner.call(req, state),
                },
                policy,
                decision: None,
                pending: Some(Box::new(PendingActual {
                    check,
                    origin,
                    route,
                    refusal,
                })),
                in_group,
            };
        }
        let (decision, req) = if policy.needs_parts() {
            let (parts, body) = req.into_parts();
            let ctx = Ctx {
                parts: Some(&parts),
                route: RouteOf::Extensions(&parts.extensions),
                resolved: None,
            };
            let decision = policy.actual(&parts.headers, ctx);
            (decision, Request::from_parts(parts, body))
        } else {
            let ctx = Ctx {
                parts: None,
                route: RouteOf::Extensions(req.extensions()),
                resolved: None,
            };
            (policy.actual(req.headers(), ctx), req)
        };
        if let Some(refusal) = policy.enforce(
            req.headers(),
            &decision,
            RouteOf::Extensions(req.extensions()),
        ) {
            return CorsFuture {
                inner: Gate::Refused {
                    rejection: Some(refusal),
                },
                policy,
                decision: None,
                pending: None,
                in_group,
            };
        }
        CorsFuture {
            inner: Gate::Open {
                future: self.inner.call(req, state),
            },
            policy,
            decision: Some(decision),
            pending: None,
            in_group,
        }
    }
}

/// A `state(Type)` origin check in flight for an actual request.
struct PendingActual {
    check: OriginCheckFuture,
    origin: HeaderValue,
    route: Option<MatchedPath>,
    /// The `enforce` refusal sent instead of running the handler if the check says no.
    refusal: Option<Rejection>,
}

pin_project! {
    /// Response future of [`CorsHandler`]: the handler's future, then the CORS headers.
    ///
    /// It is the [`Handler::Future`] of a `CorsHandler`; axum drives it, and you name it only
    /// in generic code:
    ///
    /// ```
    /// use axum::{body::Body, handler::Handler, http::Request};
    /// use cors_runtime::{cors, CorsFuture, CorsHandler};
    ///
    /// #[cors(origins = ["https://app.example"])]
    /// async fn list_tasks() -> &'static str {
    ///     "[]"
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use cors_runtime::__private::policy_of;
    /// # let handler = CorsHandler::new(list_tasks, policy_of::<list_tasks>());
    /// // `handler`: the `CorsHandler` that `with_cors!(get(list_tasks))` mounts.
    /// let request = Request::get("/tasks")
    ///     .header("origin", "https://app.example")
    ///     .body(Body::empty())?;
    /// let future: CorsFuture<_> = handler.call(request, ());
    /// let response = future.await;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example");
    /// # Ok(())
    /// # }
    /// ```
    pub struct CorsFuture<F> {
        #[pin]
        inner: Gate<F>,
        policy: &'static Policy,
        decision: Option<Decision>,
        pending: Option<Box<PendingActual>>,
        in_group: bool,
    }
}

impl<F> std::fmt::Debug for CorsFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorsFuture")
            .field("policy", &self.policy.name())
            .finish_non_exhaustive()
    }
}

impl<F> Future for CorsFuture<F>
where
    F: Future<Output = Response>,
{
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.project();
        let mut inner = this.inner;
        if let Some(pending) = this.pending {
            // The origin check decides before the handler runs.
            let allowed = ready!(pending.check.as_mut().poll(cx));
            let ctx = Ctx {
                parts: None,
                route: pending
                    .route
                    .as_ref()
                    .map_or(RouteOf::Unknown, RouteOf::Path),
                resolved: Some(allowed),
            };
            let decision = this.policy.actual_for(&pending.origin, ctx);
            let refusal = pending.refusal.take();
            *this.pending = None;
            match refusal {
                Some(refusal) if !decision.is_allowed() => {
                    // `enforce`: the handler's future is dropped unpolled.
                    inner.set(Gate::Refused {
                        rejection: Some(refusal),
                    });
                }
                _ => *this.decision = Some(decision),
            }
        }
        let mut response = match inner.project() {
            GateProj::Open { mut future } => {
                let polled =
                    std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx)));
                match polled {
                    Ok(poll) => ready!(poll),
                    Err(payload) => panic_response(this.policy.name(), payload),
                }
            }
            GateProj::Refused { rejection } => rejection
                .take()
                .expect("CorsFuture polled after completion")
                .into_response(),
        };
        if let Some(decision) = this.decision.take() {
            this.policy.decorate(decision, response.headers_mut());
        }
        if *this.in_group {
            response.extensions_mut().insert(RouteAnswered);
        }
        Poll::Ready(response)
    }
}

/// A handler panicked: answer 500 (with the CORS headers, so the browser shows the status
/// rather than a CORS error), like tower-http's `CatchPanicLayer` would.
fn panic_response(policy: &str, payload: Box<dyn Any + Send>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<non-string panic payload>");
    tracing::error!(target: "cors_runtime", policy, panic = message, "handler panicked; answered 500");
    let mut response = Response::new(Body::from("internal server error"));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, TEXT_PLAIN);
    response
}

type BoxedFuture = Pin<Box<dyn Future<Output = Response> + Send>>;
type UserOptions<S> = Arc<dyn Fn(Request, S) -> BoxedFuture + Send + Sync>;

struct Table<S> {
    /// (method, policy) in mount order; later entries win.
    entries: Vec<(Method, Arc<Policy>)>,
    /// The `state(Type)` origin check of each entry, same order.
    checks: Vec<StartCheck<S>>,
    /// `Allow` of the 405 answer to a non-preflight `OPTIONS` without a user handler.
    allow: HeaderValue,
    user: Option<UserOptions<S>>,
}

/// The generated `OPTIONS` handler of a `with_cors!` route.
///
/// `with_cors!` builds it; you name it only in generic code:
///
/// ```
/// use axum::{routing::MethodRouter, Router};
/// use cors_runtime::{cors, with_cors};
///
/// #[cors(origins = ["https://app.example"])]
/// async fn update_task() {}
///
/// let route: MethodRouter = with_cors!(put(update_task));
/// let app: Router = Router::new().route("/tasks/{id}", route);
/// # drop(app);
/// ```
pub struct PreflightHandler<S> {
    table: Arc<Table<S>>,
}

impl<S> Clone for PreflightHandler<S> {
    fn clone(&self) -> Self {
        PreflightHandler {
            table: self.table.clone(),
        }
    }
}

impl<S> std::fmt::Debug for PreflightHandler<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (method, policy) in &self.table.entries {
            map.entry(method, &policy.name());
        }
        map.finish()
    }
}

impl<S> PreflightHandler<S> {
    fn policy_for(&self, method: &[u8]) -> Option<(&Arc<Policy>, StartCheck<S>)> {
        let entries = &self.table.entries;
        entries
            .iter()
            .enumerate()
            .rev()
            .find(|(_, (m, _))| m.as_str().as_bytes() == method)
            .map(|(i, (_, p))| (p, self.table.checks[i]))
    }
}

/// Marker type for the [`Handler`] impl of [`PreflightHandler`].
///
/// axum's `Handler<T, S>` takes a type parameter `T` to tell its impls apart; this is the `T`
/// of the generated `OPTIONS` handler. It matters only in bounds:
///
/// ```
/// use axum::handler::Handler;
/// use cors_runtime::{PreflightHandler, PreflightMarker};
///
/// fn is_handler<H: Handler<PreflightMarker, S>, S>() {}
///
/// is_handler::<PreflightHandler<()>, ()>();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PreflightMarker;

impl<S> Handler<PreflightMarker, S> for PreflightHandler<S>
where
    S: Clone + Send + Sync + 'static,
{
    type Future = PreflightFuture;

    fn call(self, req: Request, state: S) -> Self::Future {
        // `Origin` and `Access-Control-Request-Method` are looked up once each, for both the
        // preflight test (`is_preflight`: present at all) and the answer (exactly one value).
        let headers = req.headers();
        let (has_origin, origin) = present_and_single(headers, &header::ORIGIN);
        let (has_method, method) =
            present_and_single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD);
        if !(req.method() == Method::OPTIONS && has_origin && has_method) {
            return match &self.table.user {
                Some(user) => PreflightFuture::Boxed(user(req, state)),
                None => {
                    let mut response = Response::new(Body::empty());
                    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                    response
                        .headers_mut()
                        .insert(header::ALLOW, self.table.allow.clone());
                    PreflightFuture::Ready(Some(response))
                }
            };
        }
        let in_group = req.extensions().get::<InGroup>().is_some();
        let found = method.and_then(|m| self.policy_for(m.as_bytes()));
        if let Some((policy, start)) = found {
            if let Some((check, _)) = start_state_check(policy, start, req.headers(), &state) {
                let policy = policy.clone();
                let (parts, _) = req.into_parts();
                return PreflightFuture::Boxed(Box::pin(async move {
                    let allowed = check.await;
                    let ctx = Ctx {
                        parts: None,
                        route: RouteOf::Extensions(&parts.extensions),
                        resolved: Some(allowed),
                    };
                    let mut response = policy
                        .preflight(&parts.headers, ctx)
                        .unwrap_or_else(Rejection::into_response);
                    if in_group {
                        response.extensions_mut().insert(RouteAnswered);
                    }
                    response
                }));
            }
        }
        let policy = found.map(|(policy, _)| policy);
        let answered = policy.is_some();
        let route = RouteOf::Extensions(req.extensions());
        let mut response = match policy {
            // No annotated handler behind this method: an outer group policy (if any) answers;
            // its rejection is the one logged.
            None if in_group => Rejection::new(
                "",
                Reason::NoHandler,
                None,
                req.headers(),
                RouteOf::Unknown,
                None,
            )
            .into_response_unlogged(),
            None => Rejection::new(
                "",
                Reason::NoHandler,
                method.map(HeaderValue::as_bytes),
                req.headers(),
                route,
                None,
            )
            .into_response(),
            Some(policy) if policy.needs_parts() => {
                let (parts, _) = req.into_parts();
                let ctx = Ctx {
                    parts: Some(&parts),
                    route: RouteOf::Extensions(&parts.extensions),
                    resolved: None,
                };
                policy
                    .preflight(&parts.headers, ctx)
                    .unwrap_or_else(Rejection::into_response)
            }
            Some(policy) => {
                let ctx = Ctx {
                    parts: None,
                    route,
                    resolved: None,
                };
                policy
                    .preflight_with(origin, method, req.headers(), ctx)
                    .unwrap_or_else(Rejection::into_response)
            }
        };
        if in_group && answered {
            response.extensions_mut().insert(RouteAnswered);
        }
        PreflightFuture::Ready(Some(response))
    }
}

/// Response future of [`PreflightHandler`]: ready at once for preflights.
///
/// It is the [`Handler::Future`] of the generated `OPTIONS` handler:
///
/// ```
/// use axum::{body::Body, handler::Handler, http::Request, response::Response};
/// use cors_runtime::{PreflightFuture, PreflightHandler};
///
/// fn answer(handler: PreflightHandler<()>, request: Request<Body>) -> PreflightFuture {
///     handler.call(request, ())
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // A preflight's answer is ready at once: the future resolves on its first poll.
/// let future = PreflightFuture::Ready(Some(Response::new(Body::empty())));
/// assert_eq!(future.await.status(), 200);
/// # }
/// ```
pub enum PreflightFuture {
    /// A preflight answer (or the 405 of a plain `OPTIONS`).
    Ready(Option<Response>),
    /// The user's own `OPTIONS` handler.
    Boxed(BoxedFuture),
}

impl std::fmt::Debug for PreflightFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PreflightFuture::Ready(_) => f.write_str("PreflightFuture::Ready"),
            PreflightFuture::Boxed(_) => f.write_str("PreflightFuture::Boxed"),
        }
    }
}

impl Future for PreflightFuture {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        match self.get_mut() {
            PreflightFuture::Ready(response) => Poll::Ready(
                response
                    .take()
                    .expect("PreflightFuture polled after completion"),
            ),
            PreflightFuture::Boxed(future) => future.as_mut().poll(cx),
        }
    }
}

/// Builder behind `with_cors!`: mounts annotated handlers and the generated preflight handler.
///
/// `with_cors!(put(a).delete(b))` expands to
/// `Route::new().put(a, policy_of::<a>()).delete(b, policy_of::<b>()).finish()`.
///
/// `with_cors!` builds it; you name it only in generic code:
///
/// ```
/// use axum::{routing::MethodRouter, Router};
/// use cors_runtime::{cors, with_cors};
///
/// #[cors(origins = ["https://app.example"])]
/// async fn update_task() {}
///
/// let route: MethodRouter = with_cors!(put(update_task));
/// let app: Router = Router::new().route("/tasks/{id}", route);
/// # drop(app);
/// ```
pub struct Route<S = ()> {
    router: MethodRouter<S>,
    entries: Vec<(Method, Arc<Policy>)>,
    checks: Vec<StartCheck<S>>,
    user: Option<UserOptions<S>>,
}

impl<S> std::fmt::Debug for Route<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (method, policy) in &self.entries {
            map.entry(method, &policy.name());
        }
        map.finish()
    }
}

impl<S> Default for Route<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

macro_rules! mount_fns {
    ($($(#[$doc:meta])* $name:ident => $filter:ident [$($method:ident),+];)+) => {
        $(
            $(#[$doc])*
            #[track_caller]
            pub fn $name<H, T, A>(self, handler: H, policy: PolicyOf<A>) -> Self
            where
                H: Handler<T, S>,
                T: 'static,
                A: Annotated + StateOrigins<S>,
            {
                self.mount(MethodFilter::$filter, &[$(Method::$method),+], handler, policy)
            }
        )+
    };
}

impl<S> Route<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// An empty route.
    ///
    /// `with_cors!(put(a))` expands to `Route::new().put(a, ..).finish()`. A route with only
    /// the user's own `OPTIONS` handler needs no token:
    ///
    /// ```
    /// use axum::routing::MethodRouter;
    /// use cors_runtime::Route;
    ///
    /// async fn describe() -> &'static str {
    ///     "no methods yet"
    /// }
    ///
    /// let route: MethodRouter = Route::new().options(describe).finish();
    /// # drop(route);
    /// ```
    pub fn new() -> Self {
        Route {
            router: MethodRouter::new(),
            entries: Vec::new(),
            checks: Vec::new(),
            user: None,
        }
    }

    mount_fns! {
        /// Mounts `handler` under `GET` (and `HEAD`, as axum does).
        ///
        /// `with_cors!` calls it, passing the token of the handler's `#[cors]` policy:
        ///
        /// ```
        /// # use axum::{http::Method, Router};
        /// # use cors_runtime::{cors, testing::CorsRequest, with_cors};
        /// #[cors(origins = ["https://app.example"])]
        /// async fn read_task() {}
        ///
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() {
        /// let router: Router = Router::new().route("/tasks/{id}", with_cors!(get(read_task)));
        /// CorsRequest::get("https://app.example")
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_allowed();
        /// // `HEAD` is mounted too, with the same policy.
        /// CorsRequest::new(Method::HEAD, "https://app.example")
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_allowed();
        /// # }
        /// ```
        get => GET [GET, HEAD];
        /// Mounts `handler` under `HEAD`.
        ///
        /// `with_cors!` calls it, passing the token of the handler's `#[cors]` policy:
        ///
        /// ```
        /// # use axum::{http::Method, Router};
        /// # use cors_runtime::{cors, testing::CorsRequest, with_cors};
        /// #[cors(origins = ["https://app.example"])]
        /// async fn task_exists() {}
        ///
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() {
        /// let router: Router = Router::new().route("/tasks/{id}", with_cors!(head(task_exists)));
        /// CorsRequest::new(Method::HEAD, "https://app.example")
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_allowed()
        ///     .assert_vary("origin");
        /// # }
        /// ```
        head => HEAD [HEAD];
        /// Mounts `handler` under `POST`.
        ///
        /// `with_cors!` calls it, passing the token of the handler's `#[cors]` policy:
        ///
        /// ```
        /// # use axum::{http::Method, Router};
        /// # use cors_runtime::{cors, testing::Preflight, with_cors};
        /// #[cors(origins = ["https://app.example"], headers = ["content-type"])]
        /// async fn create_task() {}
        ///
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() {
        /// let router: Router = Router::new().route("/tasks/{id}", with_cors!(post(create_task)));
        /// // A JSON `POST` is preflighted for its `Content-Type`.
        /// Preflight::new("https://app.example", Method::POST)
        ///     .header("content-type")
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_allowed();
        /// # }
        /// ```
        post => POST [POST];
        /// Mounts `handler` under `PUT`.
        ///
        /// `with_cors!` calls it, passing the token of the handler's `#[cors]` policy:
        ///
        /// ```
        /// # use axum::{http::Method, Router};
        /// # use cors_runtime::{cors, testing::Preflight, with_cors};
        /// #[cors(origins = ["https://app.example"])]
        /// async fn update_task() {}
        ///
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() {
        /// let router: Router = Router::new().route("/tasks/{id}", with_cors!(put(update_task)));
        /// Preflight::new("https://app.example", Method::PUT)
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_allowed()
        ///     .assert_allows_method(Method::PUT);
        /// # }
        /// ```
        put => PUT [PUT];
        /// Mounts `handler` under `DELETE`.
        ///
        /// `with_cors!` calls it, passing the token of the handler's `#[cors]` policy:
        ///
        /// ```
        /// # use axum::{http::Method, Router};
        /// # use cors_runtime::{cors, testing::Preflight, with_cors};
        /// #[cors(origins = ["https://app.example"])]
        /// async fn delete_task() {}
        ///
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() {
        /// let router: Router =
        ///     Router::new().route("/tasks/{id}", with_cors!(delete(delete_task)));
        /// Preflight::new("https://app.example", Method::DELETE)
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_allowed()
        ///     .assert_allows_method(Method::DELETE);
        /// // Only `DELETE` is mounted: a `PUT` preflight finds no policy.
        /// Preflight::new("https://app.example", Method::PUT)
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_rejected();
        /// # }
        /// ```
        delete => DELETE [DELETE];
        /// Mounts `handler` under `PATCH`.
        ///
        /// `with_cors!` calls it, passing the token of the handler's `#[cors]` policy:
        ///
        /// ```
        /// # use axum::{http::Method, Router};
        /// # use cors_runtime::{cors, testing::Preflight, with_cors};
        /// #[cors(origins = ["https://app.example"])]
        /// async fn patch_task() {}
        ///
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() {
        /// let router: Router = Router::new().route("/tasks/{id}", with_cors!(patch(patch_task)));
        /// Preflight::new("https://app.example", Method::PATCH)
        ///     .send(&router, "/tasks/1")
        ///     .await
        ///     .assert_allowed()
        ///     .assert_allows_method(Method::PATCH);
        /// # }
        /// ```
        patch => PATCH [PATCH];
    }

    #[track_caller]
    fn mount<H, T, A>(
        mut self,
        filter: MethodFilter,
        methods: &[Method],
        handler: H,
        policy: PolicyOf<A>,
    ) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
        A: Annotated + StateOrigins<S>,
    {
        // Built (and `env("VAR")` read) once per handler, when the first router mounting it is
        // built, so an invalid list stops start-up there; preflights and actual responses share it.
        let preflight = Arc::new(A::policy().for_mount(&A::SPEC, methods));
        for method in methods {
            self.entries.push((method.clone(), preflight.clone()));
            self.checks.push(<A as StateOrigins<S>>::start);
        }
        self.router = self.router.on(filter, CorsHandler::new(handler, policy));
        self
    }

    /// The user's own `OPTIONS` handler: it receives the `OPTIONS` requests that are not
    /// preflights (preflights are answered by the generated handler).
    ///
    /// ```
    /// use axum::{body::Body, http::{Method, Request}, Router};
    /// use cors_runtime::{cors, testing::Preflight, with_cors};
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
    /// let router: Router =
    ///     Router::new().route("/tasks/{id}", with_cors!(put(update_task).options(describe)));
    ///
    /// // A plain `OPTIONS` reaches `describe`...
    /// let plain = Request::options("/tasks/1").body(Body::empty())?;
    /// let response = router.clone().oneshot(plain).await?;
    /// let body = axum::body::to_bytes(response.into_body(), 1024).await?;
    /// assert_eq!(body, "PUT updates the task");
    ///
    /// // ...while preflights are answered by the policy.
    /// Preflight::new("https://app.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
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
        self.user = Some(Arc::new(move |req: Request, state: S| {
            Box::pin(handler.clone().call(req, state)) as BoxedFuture
        }));
        self
    }

    /// The finished method router, with the generated `OPTIONS` handler.
    ///
    /// Without a user `OPTIONS` handler, an `OPTIONS` request that is not a preflight gets
    /// `405 Method Not Allowed` with an `Allow` header listing the mounted methods:
    ///
    /// ```
    /// use axum::{body::Body, http::Request, Router};
    /// use cors_runtime::{cors, with_cors};
    /// use tower::ServiceExt;
    ///
    /// #[cors(origins = ["https://app.example"])]
    /// async fn read_task() {}
    ///
    /// #[cors(origins = ["https://app.example"])]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let router: Router =
    ///     Router::new().route("/tasks/{id}", with_cors!(get(read_task).put(update_task)));
    ///
    /// let plain = Request::options("/tasks/1").body(Body::empty())?;
    /// let response = router.oneshot(plain).await?;
    /// assert_eq!(response.status(), 405);
    /// assert_eq!(response.headers()["allow"], "GET,HEAD,PUT");
    /// # Ok(())
    /// # }
    /// ```
    pub fn finish(self) -> MethodRouter<S> {
        let mut allow: Vec<&str> = Vec::new();
        for (method, _) in &self.entries {
            if !allow.contains(&method.as_str()) {
                allow.push(method.as_str());
            }
        }
        if self.user.is_some() {
            allow.push("OPTIONS");
        }
        let allow = HeaderValue::from_str(&allow.join(",")).unwrap_or(HeaderValue::from_static(""));
        let table = Table {
            entries: self.entries,
            checks: self.checks,
            allow,
            user: self.user,
        };
        self.router.options(PreflightHandler {
            table: Arc::new(table),
        })
    }
}
