//! Let preflights around a layer that must not see them (authentication, rate limits).

use std::{
    fmt,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use axum::{extract::Request, response::Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::policy::is_preflight;

/// Wraps `layer` so that CORS preflights go around it, straight to the route.
///
/// A browser never sends credentials with a preflight, so an authentication layer in front of
/// a `with_cors!` route would answer its preflights with 401 and the browser would never send
/// the real request. The simplest fix is a group layer applied after the authentication layer
/// (`.route_layer(auth).layer(SomePolicy::layer())`); when a route has only handler policies,
/// wrap the authentication layer instead:
///
/// ```
/// use axum::{Router, middleware::{self, Next}, extract::Request, response::Response, http::StatusCode};
/// use cors_runtime::{cors, skip_preflights, with_cors};
///
/// async fn require_bearer(req: Request, next: Next) -> Result<Response, StatusCode> {
///     match req.headers().get("authorization") {
///         Some(v) if v == "Bearer secret" => Ok(next.run(req).await),
///         _ => Err(StatusCode::UNAUTHORIZED),
///     }
/// }
///
/// #[cors(origins = ["https://app.example.com"], headers = ["authorization"])]
/// async fn update_task() {}
///
/// let app: Router = Router::new()
///     .route("/tasks/{id}", with_cors!(put(update_task)))
///     .route_layer(skip_preflights(middleware::from_fn(require_bearer)));
/// # drop(app);
/// ```
pub fn skip_preflights<L>(layer: L) -> SkipPreflightsLayer<L> {
    SkipPreflightsLayer { layer }
}

/// The layer of [`skip_preflights`].
///
/// ```
/// use cors_runtime::{skip_preflights, SkipPreflightsLayer};
/// use tower::layer::util::Identity;
///
/// // Any tower layer (an authentication middleware, say): preflights go around it.
/// let _layer: SkipPreflightsLayer<Identity> = skip_preflights(Identity::new());
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct SkipPreflightsLayer<L> {
    layer: L,
}

impl<L, S> Layer<S> for SkipPreflightsLayer<L>
where
    L: Layer<S>,
    S: Clone,
{
    type Service = SkipPreflights<L::Service, S>;

    fn layer(&self, inner: S) -> Self::Service {
        SkipPreflights {
            wrapped: self.layer.layer(inner.clone()),
            direct: inner,
        }
    }
}

/// The service of [`SkipPreflightsLayer`]: preflights go to `direct`, the rest to `wrapped`.
///
/// ```
/// use std::convert::Infallible;
/// use axum::{body::Body, http::{Request, Response}};
/// use cors_runtime::{skip_preflights, SkipPreflights};
/// use tower::{layer::util::Identity, service_fn, Layer};
///
/// let inner = service_fn(|_: Request<Body>| async { Ok::<_, Infallible>(Response::new(Body::empty())) });
/// let _service: SkipPreflights<_, _> = skip_preflights(Identity::new()).layer(inner);
/// ```
#[derive(Clone)]
pub struct SkipPreflights<W, S> {
    wrapped: W,
    direct: S,
}

impl<W, S> fmt::Debug for SkipPreflights<W, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SkipPreflights").finish_non_exhaustive()
    }
}

impl<W, S> Service<Request> for SkipPreflights<W, S>
where
    W: Service<Request, Response = Response>,
    S: Service<Request, Response = Response, Error = W::Error>,
{
    type Response = Response;
    type Error = W::Error;
    type Future = SkipPreflightsFuture<W::Future, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.wrapped.poll_ready(cx) {
            Poll::Ready(Ok(())) => self.direct.poll_ready(cx),
            other => other,
        }
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if is_preflight(req.method(), req.headers()) {
            SkipPreflightsFuture {
                route: Route::Direct {
                    future: self.direct.call(req),
                },
            }
        } else {
            SkipPreflightsFuture {
                route: Route::Wrapped {
                    future: self.wrapped.call(req),
                },
            }
        }
    }
}

pin_project! {
    /// Response future of [`SkipPreflights`]: the wrapped layer's future for ordinary
    /// requests, the route's own future for preflights.
    ///
    /// It is the [`Service::Future`] of `SkipPreflights<W, S>`:
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use axum::{body::Body, http::{Request, Response, StatusCode}};
    /// use cors_runtime::{skip_preflights, SkipPreflightsFuture};
    /// use tower::{service_fn, Layer, Service, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // An "authentication" layer that refuses everything it sees.
    /// let deny = tower::layer::layer_fn(|_inner| {
    ///     service_fn(|_: Request<Body>| async {
    ///         let mut response = Response::new(Body::empty());
    ///         *response.status_mut() = StatusCode::UNAUTHORIZED;
    ///         Ok::<_, Infallible>(response)
    ///     })
    /// });
    /// let route = service_fn(|_: Request<Body>| async {
    ///     Ok::<_, Infallible>(Response::new(Body::empty()))
    /// });
    /// let mut service = skip_preflights(deny).layer(route);
    ///
    /// let preflight = Request::options("/tasks/1")
    ///     .header("origin", "https://app.example")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(Body::empty())?;
    /// let future: SkipPreflightsFuture<_, _> = service.ready().await?.call(preflight);
    /// assert_eq!(future.await?.status(), StatusCode::OK); // went around `deny`
    ///
    /// let get = Request::get("/tasks/1").body(Body::empty())?;
    /// let response = service.ready().await?.call(get).await?;
    /// assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    /// # Ok(())
    /// # }
    /// ```
    pub struct SkipPreflightsFuture<A, B> {
        #[pin]
        route: Route<A, B>,
    }
}

pin_project! {
    #[project = RouteProj]
    enum Route<A, B> {
        Wrapped { #[pin] future: A },
        Direct { #[pin] future: B },
    }
}

impl<A, B> fmt::Debug for SkipPreflightsFuture<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SkipPreflightsFuture")
    }
}

impl<A, B, E> Future for SkipPreflightsFuture<A, B>
where
    A: Future<Output = Result<Response, E>>,
    B: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().route.project() {
            RouteProj::Wrapped { future } => future.poll(cx),
            RouteProj::Direct { future } => future.poll(cx),
        }
    }
}
