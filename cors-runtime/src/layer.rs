//! Group policies: a tower layer for every route under a `Router`.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{ready, Context, Poll},
};

use axum::{
    extract::{MatchedPath, Request},
    response::Response,
};
use http::{header, HeaderMap};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::{
    origin::{OriginCheckFuture, MAX_ORIGIN_LEN},
    policy::{
        is_preflight, single, Ctx, Decision, Gate, GateProj, PreflightDecision, Rejection, RouteOf,
    },
    route::{InGroup, RouteAnswered},
    spec::Spec,
    Policy, PolicyError,
};

/// A group policy as a tower [`Layer`]: `SomePolicy::layer()`.
///
/// Apply it with `Router::layer` **after** the routes and after any authentication
/// `route_layer`, so that it sits outside them: its preflight answers then succeed even when
/// authentication refuses the preflight (preflights never carry credentials), and it decorates
/// every response of the group, errors included (a 401 too). A route whose handlers have their
/// own `#[cors]` policy (`with_cors!`) answers for itself; the group layer leaves its responses
/// alone. See [`Cors`] for how preflights reach such routes.
///
/// ```
/// use axum::{routing::get, Router};
/// use cors_runtime::cors_policy;
///
/// #[cors_policy(origins = ["https://app.example"], methods = [GET, POST])]
/// pub struct Api;
///
/// async fn list_tasks() {}
///
/// let api: Router = Router::new()
///     .route("/tasks", get(list_tasks))
///     .layer(Api::layer()); // a `CorsLayer`
/// # drop(api);
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CorsLayer {
    policy: Arc<Policy>,
}

impl CorsLayer {
    /// Builds the layer of `spec`, panicking with the problem if the policy is invalid (an
    /// `env("VAR")` list with a bad entry, say). See [`CorsLayer::try_new`].
    ///
    /// ```
    /// use cors_runtime::{CorsLayer, Origins, Spec};
    ///
    /// const PUBLIC: Spec = Spec { name: "public", origins: Origins::Any, ..Spec::DEFAULT };
    /// let layer = CorsLayer::new(&PUBLIC);
    /// assert_eq!(layer.policy().name(), "public");
    /// ```
    #[track_caller]
    pub fn new(spec: &Spec) -> Self {
        match Self::try_new(spec) {
            Ok(layer) => layer,
            Err(error) => panic!("{error}"),
        }
    }

    /// Builds the layer of `spec`, or says what is wrong with it.
    ///
    /// ```
    /// use cors_runtime::{CorsLayer, Origins, Spec};
    ///
    /// // `env("VAR")` origins are read and checked when the layer is built.
    /// std::env::set_var("DOC_TRY_NEW_ORIGINS", "https://app.example/");
    /// let spec = Spec { name: "api", origins: Origins::Env("DOC_TRY_NEW_ORIGINS"), ..Spec::DEFAULT };
    /// let error = CorsLayer::try_new(&spec).unwrap_err();
    /// assert!(error.message().contains("trailing slash"), "{error}");
    /// ```
    pub fn try_new(spec: &Spec) -> Result<Self, PolicyError> {
        Ok(CorsLayer {
            policy: Arc::new(Policy::new(spec)?),
        })
    }

    /// The layer of a policy built at run time ([`Policy::builder`]); same as
    /// [`CorsLayer::from`].
    ///
    /// For one route, layer its `MethodRouter` with `.layer(..)` (not `.route_layer(..)`:
    /// preflights reach the method router's fallback, which `.layer` wraps too):
    ///
    /// ```
    /// use axum::{body::Body, http::Request, routing::put, Router};
    /// use cors_runtime::{CorsLayer, Policy};
    /// use tower::ServiceExt;
    ///
    /// # async fn update() {}
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let policy = Policy::builder("Uploads")
    ///     .origins(["https://app.example.com"])
    ///     .methods(["PUT"])
    ///     .build()?;
    /// let app: Router = Router::new()
    ///     .route("/uploads/{id}", put(update).layer(CorsLayer::from_policy(policy)));
    ///
    /// let preflight = Request::options("/uploads/7")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(Body::empty())?;
    /// let response = app.oneshot(preflight).await?;
    /// assert_eq!(response.status(), 204);
    /// assert_eq!(response.headers()["access-control-allow-methods"], "PUT");
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_policy(policy: Policy) -> Self {
        CorsLayer {
            policy: Arc::new(policy),
        }
    }

    /// The compiled policy.
    ///
    /// ```
    /// #[cors_runtime::cors_policy(origins = ["https://app.example.com"])]
    /// struct AppPolicy;
    ///
    /// assert_eq!(AppPolicy::layer().policy().name(), "AppPolicy");
    /// ```
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

/// [`CorsLayer::from_policy`].
///
/// ```
/// let policy = cors_runtime::Policy::builder("P").any_origin().build()?;
/// let layer = cors_runtime::CorsLayer::from(policy);
/// assert_eq!(layer.policy().name(), "P");
/// # Ok::<(), cors_runtime::PolicyError>(())
/// ```
impl From<Policy> for CorsLayer {
    fn from(policy: Policy) -> Self {
        CorsLayer::from_policy(policy)
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors {
            inner,
            policy: self.policy.clone(),
        }
    }
}

/// The service of [`CorsLayer`].
///
/// `Router::layer` wraps each endpoint of each route (every method handler and the fallback)
/// separately. Requests are marked before they are passed on, so that a `with_cors!` route
/// (or an inner group layer) can answer for itself: its answer beats the group's. A preflight
/// is therefore passed to the endpoint too, and its response is replaced by the group's answer
/// unless the route answered it. Layers between the group layer and the route (authentication)
/// thus see preflights; wrap them in [`skip_preflights`](crate::skip_preflights) so they let
/// them through to the route.
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
    policy: Arc<Policy>,
}

impl<S: fmt::Debug> fmt::Debug for Cors<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cors")
            .field("inner", &self.inner)
            .field("policy", &self.policy.name())
            .finish()
    }
}

impl<S> Cors<S> {
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
        let preflight = is_preflight(req.method(), req.headers());
        let (kind, mut req) = if let Some(pending) = self.pending(preflight, &req) {
            (Kind::Pending(pending), req)
        } else if self.policy.needs_parts() {
            let (parts, body) = req.into_parts();
            let kind = self.decide(preflight, &parts.headers, Some(&parts), &parts.extensions);
            (kind, Request::from_parts(parts, body))
        } else {
            let kind = self.decide(preflight, req.headers(), None, req.extensions());
            (kind, req)
        };
        // An outer group layer marked the request: this (inner, more specific) layer's answers
        // must be left alone by it.
        let nested = req.extensions().get::<InGroup>().is_some();
        if let Kind::Actual(decision) = &kind {
            if let Some(refusal) = self.policy.enforce(
                req.headers(),
                decision,
                RouteOf::Extensions(req.extensions()),
            ) {
                // `enforce`: refused before any route under the group runs.
                return ResponseFuture {
                    future: Gate::Refused {
                        rejection: Some(refusal),
                    },
                    kind: None,
                    nested,
                    policy: self.policy.clone(),
                };
            }
        }
        // Routes with their own policy (`with_cors!`) answer for themselves when they see this.
        req.extensions_mut().insert(InGroup);
        ResponseFuture {
            future: Gate::Open {
                future: self.inner.call(req),
            },
            kind: Some(kind),
            nested,
            policy: self.policy.clone(),
        }
    }
}

impl<S> Cors<S> {
    fn decide(
        &self,
        preflight: bool,
        headers: &http::HeaderMap,
        parts: Option<&http::request::Parts>,
        extensions: &http::Extensions,
    ) -> Kind {
        let ctx = Ctx {
            parts,
            route: RouteOf::Extensions(extensions),
            resolved: None,
        };
        if preflight {
            Kind::Preflight(self.policy.decide_preflight(headers, ctx))
        } else {
            Kind::Actual(self.policy.actual(headers, ctx))
        }
    }

    /// For a policy with an async origin predicate: starts the check, keeps what the decision
    /// needs once it resolves. `None` for other policies, and when there is nothing to check.
    fn pending(&self, preflight: bool, req: &Request) -> Option<Box<Pending>> {
        let predicate = self.policy.async_predicate()?;
        let origin = single(req.headers(), &header::ORIGIN)?;
        if origin.len() > MAX_ORIGIN_LEN {
            return None;
        }
        Some(Box::new(Pending {
            check: predicate(origin.clone()),
            // A preflight is answered from its CORS request headers; an actual request needs
            // only its origin.
            headers: if preflight {
                req.headers().clone()
            } else {
                let mut map = HeaderMap::with_capacity(1);
                map.insert(header::ORIGIN, origin.clone());
                map
            },
            preflight,
            route: req.extensions().get::<MatchedPath>().cloned(),
            // What `enforce` answers if the check refuses the origin (decided while the
            // request's headers are at hand).
            refusal: if preflight {
                None
            } else {
                self.policy.enforce(
                    req.headers(),
                    &Decision::default(),
                    RouteOf::Extensions(req.extensions()),
                )
            },
        }))
    }
}

/// An async origin check in flight, and what the decision needs when it resolves.
struct Pending {
    check: OriginCheckFuture,
    headers: HeaderMap,
    preflight: bool,
    route: Option<MatchedPath>,
    refusal: Option<Rejection>,
}

impl fmt::Debug for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending")
            .field("preflight", &self.preflight)
            .finish_non_exhaustive()
    }
}

impl Pending {
    fn resolve(self, policy: &Policy, allowed: bool) -> Kind {
        let ctx = Ctx {
            parts: None,
            route: self.route.as_ref().map_or(RouteOf::Unknown, RouteOf::Path),
            resolved: Some(allowed),
        };
        if self.preflight {
            Kind::Preflight(policy.decide_preflight(&self.headers, ctx))
        } else {
            Kind::Actual(policy.actual(&self.headers, ctx))
        }
    }
}

#[derive(Debug)]
enum Kind {
    /// The group's own answer, used (and only then built) unless the route answers the
    /// preflight itself.
    Preflight(PreflightDecision),
    Actual(Decision),
    /// An async origin predicate decides; resolved before the inner response is awaited.
    Pending(Box<Pending>),
}

pin_project! {
    /// Response future of [`Cors`]: the inner service's future, then the group's CORS headers
    /// (or its preflight answer).
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
        future: Gate<F>,
        kind: Option<Kind>,
        nested: bool,
        policy: Arc<Policy>,
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("policy", &self.policy.name())
            .finish_non_exhaustive()
    }
}

impl<F, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut future = this.future;
        if let Some(Kind::Pending(pending)) = this.kind {
            let allowed = ready!(pending.check.as_mut().poll(cx));
            if let Some(Kind::Pending(mut pending)) = this.kind.take() {
                let refusal = pending.refusal.take();
                match pending.resolve(this.policy, allowed) {
                    Kind::Actual(decision) if !decision.is_allowed() && refusal.is_some() => {
                        // `enforce`: refused before any route under the group runs (the inner
                        // future is dropped unpolled).
                        future.set(Gate::Refused { rejection: refusal });
                    }
                    kind => *this.kind = Some(kind),
                }
            }
        }
        let mut response = match future.project() {
            GateProj::Open { future } => ready!(future.poll(cx))?,
            GateProj::Refused { rejection } => rejection
                .take()
                .expect("ResponseFuture polled after completion")
                .into_response(),
        };
        if response.extensions().get::<RouteAnswered>().is_some() {
            // A more specific policy answered (or deliberately did not).
            return Poll::Ready(Ok(response));
        }
        match this.kind.take() {
            Some(Kind::Preflight(decision)) => {
                response = decision.into_response(this.policy);
            }
            Some(Kind::Actual(decision)) => {
                this.policy.decorate(decision, response.headers_mut());
            }
            Some(Kind::Pending(_)) | None => {}
        }
        if *this.nested {
            response.extensions_mut().insert(RouteAnswered);
        }
        Poll::Ready(Ok(response))
    }
}
