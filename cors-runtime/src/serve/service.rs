//! The per-request work of every CORS layer: [`Cors`], the service of a [`CorsLayer`] and of a
//! [`CorsRouter`](crate::CorsRouter).
//!
//! A preflight is answered here, with the policy that applies to the route and the requested
//! method, and never passed on: no handler and no middleware inside runs for it, whatever the
//! origin. An actual request is decided here (refused first when the policy `enforce`s), passed
//! on, and its response decorated with the same policy, whoever made it: the handler, an
//! extractor's rejection, an authentication middleware's `401`, a panic (answered `500`).
//!
//! [`CorsLayer`]: crate::CorsLayer

use std::{
    any::Any,
    fmt,
    future::Future,
    panic::{catch_unwind, AssertUnwindSafe},
    pin::Pin,
    sync::Arc,
    task::{ready, Context, Poll},
};

use axum::{
    body::Body,
    extract::{MatchedPath, Request},
    response::Response,
};
use http::{header, request::Parts, HeaderValue, Method, StatusCode};
use pin_project_lite::pin_project;
use tower_service::Service;

use super::{
    frame::{self, Frame},
    misuse,
    table::{Table, Target},
};
use crate::{
    origin::{OriginCheckFuture, MAX_ORIGIN_LEN},
    policy::{Decision, Unmounted},
    reject::{Reason, Rejection, TEXT_PLAIN},
    request::{present_and_single, single, CorsHeaders, Ctx, RouteOf},
    Policy,
};

/// Where a [`Cors`] service finds the policy of a request.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// One policy for everything under the layer: a [`CorsLayer`](crate::CorsLayer).
    Policy(Arc<Policy>),
    /// Per route and method: what a [`CorsRouter`](crate::CorsRouter) recorded.
    Table(Arc<Table>),
}

impl Source {
    fn resolve<'a>(&'a self, req: &Request, method: &[u8]) -> Target<'a> {
        match self {
            Source::Policy(policy) => Target::of(policy),
            Source::Table(table) => table.resolve(req.uri().path(), method),
        }
    }
}

/// The route a request matched, kept for log lines: the pattern a `CorsRouter` matched, or
/// axum's `MatchedPath` (a `CorsLayer` inside a router).
#[derive(Clone, Debug)]
enum RouteName {
    Known(Arc<str>),
    Matched(MatchedPath),
}

impl RouteName {
    fn of(target: &Target<'_>, req: &Request) -> Option<RouteName> {
        match target.route {
            Some(path) => Some(RouteName::Known(path.clone())),
            None => req
                .extensions()
                .get::<MatchedPath>()
                .cloned()
                .map(RouteName::Matched),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            RouteName::Known(path) => path,
            RouteName::Matched(path) => path.as_str(),
        }
    }
}

/// The route of a log line.
fn route_of(route: &Option<RouteName>) -> RouteOf<'_> {
    route
        .as_ref()
        .map_or(RouteOf::Unknown, |r| RouteOf::Name(r.as_str()))
}

/// The service of a [`CorsLayer`](crate::CorsLayer) (and of the layer a
/// [`CorsRouter`](crate::CorsRouter) puts around its routes).
///
/// It answers preflights itself, refuses `enforce`d requests from other origins, and decorates
/// the responses of what it wraps. Inside another CORS layer or a `CorsRouter` it does nothing
/// (the outer one answered the preflight, so the outer one decorates the response: one policy
/// per exchange) and logs an error once if its policy is not the outer one's.
///
/// ```
/// use cors_runtime::{cors_policy, Cors};
/// use tower::{service_fn, Layer};
/// # use std::convert::Infallible;
/// # use axum::{body::Body, http::{Request, Response}};
///
/// #[cors_policy(origins = "*")]
/// pub struct Public;
///
/// let inner = service_fn(|_: Request<Body>| async { Ok::<_, Infallible>(Response::new(Body::empty())) });
/// let service: Cors<_> = Public::layer().layer(inner);
/// let _inner = service.into_inner();
/// ```
#[derive(Clone)]
pub struct Cors<S> {
    inner: S,
    source: Source,
}

impl<S: fmt::Debug> fmt::Debug for Cors<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Cors");
        debug.field("inner", &self.inner);
        match &self.source {
            Source::Policy(policy) => debug.field("policy", &policy.name()),
            Source::Table(table) => debug.field("routes", &table.routes.len()),
        };
        debug.finish()
    }
}

impl<S> Cors<S> {
    pub(crate) fn new(inner: S, source: Source) -> Self {
        Cors { inner, source }
    }

    /// The wrapped service.
    ///
    /// ```
    /// use cors_runtime::{Cors, CorsLayer, Policy};
    /// use tower::{service_fn, Layer};
    /// # use std::convert::Infallible;
    /// # use axum::{body::Body, http::{Request, Response}};
    ///
    /// # fn main() -> Result<(), cors_runtime::PolicyError> {
    /// let layer = CorsLayer::from_policy(Policy::builder("Public").any_origin().build()?);
    /// let inner = service_fn(|_: Request<Body>| async {
    ///     Ok::<_, Infallible>(Response::new(Body::empty()))
    /// });
    /// let service: Cors<_> = layer.layer(inner);
    /// let _inner = service.get_ref(); // the `service_fn`, untouched
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// use cors_runtime::{Cors, CorsLayer, Policy};
    /// use tower::Layer;
    ///
    /// # fn main() -> Result<(), cors_runtime::PolicyError> {
    /// let layer = CorsLayer::from_policy(Policy::builder("Public").any_origin().build()?);
    /// // Any value stands in for the inner service here.
    /// let mut service: Cors<Vec<&str>> = layer.layer(Vec::new());
    /// service.get_mut().push("reconfigured");
    /// assert_eq!(service.get_ref(), &["reconfigured"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// use cors_runtime::{Cors, CorsLayer, Policy};
    /// use tower::Layer;
    ///
    /// # fn main() -> Result<(), cors_runtime::PolicyError> {
    /// let layer = CorsLayer::from_policy(Policy::builder("Public").any_origin().build()?);
    /// let service: Cors<u32> = layer.layer(7); // any value stands in for the inner service
    /// assert_eq!(service.into_inner(), 7);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<Request> for Cors<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if frame::current().active {
            return self.stand_down(req);
        }
        // The method first: an actual request then costs no header lookup here.
        if req.method() == Method::OPTIONS {
            let headers = req.headers();
            let (has_origin, _) = present_and_single(headers, &header::ORIGIN);
            if has_origin && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
                return self.preflight(req);
            }
        }
        self.actual(req)
    }
}

impl<S> Cors<S>
where
    S: Service<Request, Response = Response>,
{
    /// Answers a preflight; the inner service is not called.
    fn preflight(&self, req: Request) -> ResponseFuture<S::Future> {
        let headers = req.headers();
        let origin = single(headers, &header::ORIGIN);
        let method = single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD);
        let target = self
            .source
            .resolve(&req, method.map_or(&[][..], HeaderValue::as_bytes));
        let route = RouteName::of(&target, &req);
        // No usable requested method (absent, or several fields): the route's own policy refuses
        // it (as a group's would), rather than "no handler for this method".
        let policy = match (target.policy, method) {
            (None, None) => target.unmounted.first().map(|m| &m.policy),
            (policy, _) => policy,
        };
        let Some(policy) = policy else {
            let rejection = Rejection::new(
                "",
                target.miss,
                method.map(HeaderValue::as_bytes),
                headers,
                route_of(&route),
                None,
            );
            return ResponseFuture::ready(rejection.into_response());
        };
        if method.is_none() {
            // Several `Access-Control-Request-Method` fields (no browser sends that): refused
            // whatever the origin, so without asking an async origin check.
            let rejection =
                policy.reject(Reason::Method, None, CorsHeaders(headers), route_of(&route));
            return ResponseFuture::ready(rejection.into_response());
        }
        if let Some(check) = start_check(policy, origin) {
            let policy = policy.clone();
            let (parts, _) = req.into_parts();
            return ResponseFuture {
                gate: Gate::Ready { response: None },
                pending: Some(Box::new(Pending {
                    check,
                    kind: PendingKind::Preflight {
                        parts,
                        policy,
                        route,
                    },
                })),
                serving: None,
            };
        }
        let answer = if policy.needs_parts() {
            let (parts, _) = req.into_parts();
            let ctx = Ctx {
                parts: Some(&parts),
                route: route_of(&route),
                resolved: None,
            };
            policy.preflight(&parts.headers, ctx)
        } else {
            let ctx = Ctx {
                parts: None,
                route: route_of(&route),
                resolved: None,
            };
            policy.preflight_with(origin, method, headers, ctx)
        };
        ResponseFuture::ready(answer.unwrap_or_else(Rejection::into_response))
    }

    /// Decides an actual request, passes it on, decorates the response.
    // Inlined into `call`: the response future (the inner one inside) is then built where it is
    // returned, not moved (copied) once per function on the way.
    #[inline(always)]
    fn actual(&mut self, req: Request) -> ResponseFuture<S::Future> {
        let target = self.source.resolve(&req, req.method().as_str().as_bytes());
        let policy = target.policy.cloned();
        let frame = Frame {
            active: true,
            policy: policy.as_ref().map_or(0, |p| p.fingerprint()),
            handler: target.handler,
            stray: None,
        };
        let route = RouteName::of(&target, &req);
        let Some(policy) = policy else {
            let unmounted = (!target.unmounted.is_empty()).then(|| {
                Unmounted::decide(target.unmounted.iter().map(|m| &*m.policy), req.headers())
            });
            let mut future = self.pass(req, frame, None, Decision::default(), route, None);
            if let Some(serving) = &mut future.serving {
                serving.unmounted = unmounted;
            }
            return future;
        };
        let origin = single(req.headers(), &header::ORIGIN);
        if let Some(check) = start_check(&policy, origin) {
            let origin = origin.cloned().unwrap_or(HeaderValue::from_static(""));
            // What `enforce` answers if the check refuses the origin, decided now while the
            // request's headers are at hand.
            let refusal = policy.enforce(
                req.method(),
                req.headers(),
                &Decision::default(),
                route_of(&route),
            );
            let pending = Pending {
                check,
                kind: PendingKind::Actual { origin, refusal },
            };
            return self.pass(
                req,
                frame,
                Some(policy),
                Decision::default(),
                route,
                Some(Box::new(pending)),
            );
        }
        let (decision, req) = if policy.needs_parts() {
            let (parts, body) = req.into_parts();
            let ctx = Ctx {
                parts: Some(&parts),
                route: route_of(&route),
                resolved: None,
            };
            let decision = policy.actual(&parts.headers, ctx);
            (decision, Request::from_parts(parts, body))
        } else {
            let ctx = Ctx {
                parts: None,
                route: route_of(&route),
                resolved: None,
            };
            // The `Origin` looked up above: one lookup per request.
            (policy.actual_with(origin, ctx), req)
        };
        if let Some(refusal) =
            policy.enforce(req.method(), req.headers(), &decision, route_of(&route))
        {
            // `enforce`: refused before anything inside runs.
            return ResponseFuture {
                gate: Gate::Refused {
                    rejection: Some(refusal),
                },
                pending: None,
                serving: None,
            };
        }
        self.pass(req, frame, Some(policy), decision, route, None)
    }

    #[inline(always)]
    fn pass(
        &mut self,
        req: Request,
        frame: Frame,
        policy: Option<Arc<Policy>>,
        decision: Decision,
        route: Option<RouteName>,
        pending: Option<Box<Pending>>,
    ) -> ResponseFuture<S::Future> {
        let (future, left) = frame::within(frame, || self.inner.call(req));
        let serving = Serving {
            frame,
            policy,
            decision,
            route,
            unmounted: None,
        };
        serving.report_stray(left);
        ResponseFuture {
            gate: Gate::Open { future },
            pending,
            serving: Some(serving),
        }
    }

    /// Inside another CORS layer or router, which answered the preflight: pass through, and say
    /// so if this layer's policy for the request is not the outer one's.
    fn stand_down(&mut self, req: Request) -> ResponseFuture<S::Future> {
        let outer = frame::current();
        let target = self.source.resolve(&req, req.method().as_str().as_bytes());
        let mine = target.policy.map_or(0, |p| p.fingerprint());
        if mine != outer.policy {
            let name = target.policy.map_or("CorsRouter", |p| p.name());
            let route = RouteName::of(&target, &req);
            misuse::nested_layer(name, route.as_ref().map(RouteName::as_str));
        }
        ResponseFuture {
            gate: Gate::Open {
                future: self.inner.call(req),
            },
            pending: None,
            serving: None,
        }
    }
}

/// Starts the async origin check of `policy`, if it has one and the request has a usable
/// `Origin` (absent or oversized origins are refused without asking).
fn start_check(policy: &Policy, origin: Option<&HeaderValue>) -> Option<OriginCheckFuture> {
    let check = policy.async_predicate()?;
    let origin = origin.filter(|origin| origin.len() <= MAX_ORIGIN_LEN)?;
    Some(check(origin.clone()))
}

/// An async origin check in flight, and what its answer decides.
struct Pending {
    check: OriginCheckFuture,
    kind: PendingKind,
}

enum PendingKind {
    /// The preflight, kept whole (it is never passed on): answered when the check resolves.
    Preflight {
        parts: Parts,
        policy: Arc<Policy>,
        route: Option<RouteName>,
    },
    /// An actual request's origin, and the `enforce` refusal sent instead of its response if
    /// the check says no (the inner future is then dropped unpolled).
    Actual {
        origin: HeaderValue,
        refusal: Option<Rejection>,
    },
}

/// How to finish an actual request's response.
struct Serving {
    frame: Frame,
    policy: Option<Arc<Policy>>,
    decision: Decision,
    route: Option<RouteName>,
    /// A method the route's handlers do not serve: who may read its `405`.
    unmounted: Option<Unmounted>,
}

impl Serving {
    fn route(&self) -> Option<&str> {
        self.route.as_ref().map(RouteName::as_str)
    }

    fn report_stray(&self, left: Frame) {
        if let Some(handler) = left.stray {
            misuse::stray_handler(
                handler,
                self.route(),
                self.policy.as_deref().map(Policy::name),
            );
        }
    }

    fn finish(self, response: &mut Response) {
        let inside = response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        if inside {
            misuse::inner_cors_headers(self.route(), self.policy.as_deref().map(Policy::name));
        }
        if let Some(policy) = &self.policy {
            policy.decorate(self.decision, response.headers_mut());
        } else if let Some(unmounted) = self.unmounted {
            unmounted.decorate(response.headers_mut());
        }
    }
}

pin_project! {
    #[project = GateProj]
    enum Gate<F> {
        Open { #[pin] future: F },
        Ready { response: Option<Response> },
        Refused { rejection: Option<Rejection> },
    }
}

pin_project! {
    /// Response future of [`Cors`]: a preflight's answer, or the inner service's response with
    /// the CORS headers added.
    ///
    /// It is the [`Service::Future`] of `Cors<S>`; you name it only when naming the futures of
    /// a tower stack:
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use axum::{body::Body, http::{Request, Response}};
    /// use cors_runtime::{Cors, CorsLayer, Policy, ResponseFuture};
    /// use tower::{service_fn, Layer, Service, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let layer = CorsLayer::from_policy(Policy::builder("Public").any_origin().build()?);
    /// let inner = service_fn(|_: Request<Body>| async {
    ///     Ok::<_, Infallible>(Response::new(Body::from("hello")))
    /// });
    /// let mut service: Cors<_> = layer.layer(inner);
    ///
    /// let request = Request::get("/")
    ///     .header("origin", "https://app.example")
    ///     .body(Body::empty())?;
    /// let future: ResponseFuture<_> = service.ready().await?.call(request);
    /// let response = future.await?;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "*");
    /// # Ok(())
    /// # }
    /// ```
    pub struct ResponseFuture<F> {
        #[pin]
        gate: Gate<F>,
        pending: Option<Box<Pending>>,
        // `None`: a preflight, a refusal, or a layer standing down inside another one.
        serving: Option<Serving>,
    }
}

impl<F> ResponseFuture<F> {
    fn ready(response: Response) -> Self {
        ResponseFuture {
            gate: Gate::Ready {
                response: Some(response),
            },
            pending: None,
            serving: None,
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = self
            .serving
            .as_ref()
            .and_then(|serving| serving.policy.as_deref())
            .map(Policy::name);
        f.debug_struct("ResponseFuture")
            .field("policy", &policy)
            .finish_non_exhaustive()
    }
}

impl<F, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some(pending) = this.pending.as_mut() {
            let allowed = ready!(pending.check.as_mut().poll(cx));
            if let Some(pending) = this.pending.take() {
                match pending.kind {
                    PendingKind::Preflight {
                        parts,
                        policy,
                        route,
                    } => {
                        let ctx = Ctx {
                            parts: None,
                            route: route_of(&route),
                            resolved: Some(allowed),
                        };
                        let answer = policy
                            .preflight(&parts.headers, ctx)
                            .unwrap_or_else(Rejection::into_response);
                        return Poll::Ready(Ok(answer));
                    }
                    PendingKind::Actual { origin, refusal } => {
                        if let Some(serving) = this.serving.as_mut() {
                            if let Some(policy) = &serving.policy {
                                let ctx = Ctx {
                                    parts: None,
                                    route: route_of(&serving.route),
                                    resolved: Some(allowed),
                                };
                                serving.decision = policy.actual_for(&origin, ctx);
                            }
                            if let (false, Some(refusal)) = (serving.decision.is_allowed(), refusal)
                            {
                                // `enforce`: the inner future is dropped unpolled.
                                this.gate.set(Gate::Refused {
                                    rejection: Some(refusal),
                                });
                                *this.serving = None;
                            }
                        }
                    }
                }
            }
        }
        let mut response = match this.gate.project() {
            GateProj::Ready { response } => {
                let response = response
                    .take()
                    .expect("ResponseFuture polled after completion");
                return Poll::Ready(Ok(response));
            }
            GateProj::Refused { rejection } => {
                let rejection = rejection
                    .take()
                    .expect("ResponseFuture polled after completion");
                return Poll::Ready(Ok(rejection.into_response()));
            }
            GateProj::Open { mut future } => {
                let Some(serving) = this.serving.as_ref() else {
                    return future.poll(cx);
                };
                let (polled, left) = frame::within(serving.frame, || {
                    catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx)))
                });
                serving.report_stray(left);
                match polled {
                    Ok(Poll::Pending) => return Poll::Pending,
                    Ok(Poll::Ready(Err(error))) => return Poll::Ready(Err(error)),
                    Ok(Poll::Ready(Ok(response))) => response,
                    Err(payload) => match &serving.policy {
                        Some(policy) => panic_response(policy.name(), payload),
                        // No policy applies: not ours to answer.
                        None => std::panic::resume_unwind(payload),
                    },
                }
            }
        };
        if let Some(serving) = this.serving.take() {
            serving.finish(&mut response);
        }
        Poll::Ready(Ok(response))
    }
}

/// What ran inside panicked: answer 500 (with the CORS headers, so the browser shows the status
/// rather than a CORS error), as tower-http's `CatchPanicLayer` would.
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
