//! Group policies: a tower layer for every route under a `Router`.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{ready, Context, Poll},
};

use axum::{extract::Request, response::Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::{
    policy::{is_preflight, Decision, PreflightDecision},
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
#[derive(Clone, Debug)]
#[must_use]
pub struct CorsLayer {
    policy: Arc<Policy>,
}

impl CorsLayer {
    /// Builds the layer of `spec`, panicking with the problem if the policy is invalid (an
    /// `env("VAR")` list with a bad entry, say). See [`CorsLayer::try_new`].
    #[track_caller]
    pub fn new(spec: &Spec) -> Self {
        match Self::try_new(spec) {
            Ok(layer) => layer,
            Err(error) => panic!("{error}"),
        }
    }

    /// Builds the layer of `spec`, or says what is wrong with it.
    pub fn try_new(spec: &Spec) -> Result<Self, PolicyError> {
        Ok(CorsLayer {
            policy: Arc::new(Policy::new(spec)?),
        })
    }

    /// The compiled policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
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
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
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
        let (kind, mut req) = if self.policy.needs_parts() {
            let (parts, body) = req.into_parts();
            let kind = self.decide(preflight, &parts.headers, Some(&parts));
            (kind, Request::from_parts(parts, body))
        } else {
            (self.decide(preflight, req.headers(), None), req)
        };
        // An outer group layer marked the request: this (inner, more specific) layer's answers
        // must be left alone by it.
        let nested = req.extensions().get::<InGroup>().is_some();
        // Routes with their own policy (`with_cors!`) answer for themselves when they see this.
        req.extensions_mut().insert(InGroup);
        ResponseFuture {
            future: self.inner.call(req),
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
    ) -> Kind {
        if preflight {
            Kind::Preflight(self.policy.decide_preflight(headers, parts))
        } else {
            Kind::Actual(self.policy.actual(headers, parts))
        }
    }
}

#[derive(Debug)]
enum Kind {
    /// The group's own answer, used (and only then built) unless the route answers the
    /// preflight itself.
    Preflight(PreflightDecision),
    Actual(Decision),
}

pin_project! {
    /// Response future of [`Cors`].
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
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
        let mut response = ready!(this.future.poll(cx))?;
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
            None => {}
        }
        if *this.nested {
            response.extensions_mut().insert(RouteAnswered);
        }
        Poll::Ready(Ok(response))
    }
}
