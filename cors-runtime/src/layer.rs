//! Group policies: a tower layer for every route under a `Router`.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::{
        atomic::{AtomicU8, Ordering},
        Arc,
    },
    task::{ready, Context, Poll},
};

use axum::{extract::Request, response::Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::{
    policy::{is_preflight, Decision, Rejection},
    route::{InGroup, RouteAnswered},
    spec::Spec,
    Policy, PolicyError,
};

/// A group policy as a tower [`Layer`]: `SomePolicy::layer()`.
///
/// Apply it with `Router::layer` **after** the routes and after any authentication
/// `route_layer`, so that it sits outside them: it then answers preflights before
/// authentication runs (preflights never carry credentials) and decorates every response of
/// the group, errors included. A route whose handlers have their own `#[cors]` policy
/// (`with_cors!`) answers for itself; the group layer leaves its responses alone.
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
            route_preflights: Arc::new(AtomicU8::new(UNKNOWN)),
        }
    }
}

/// Whether the wrapped endpoint answers preflights itself (a `with_cors!` route): not known
/// until the first preflight has been forwarded to it.
const UNKNOWN: u8 = 0;
const ROUTE_ANSWERS: u8 = 1;
const GROUP_ANSWERS: u8 = 2;

/// The service of [`CorsLayer`].
///
/// `Router::layer` wraps each endpoint of each route (every method handler and the fallback)
/// separately. The first preflight an endpoint receives is forwarded to it, marked: a
/// `with_cors!` route answers with its handler's policy (which beats the group's). Any other
/// endpoint (a plain axum route, whose preflight lands in its 405 fallback) does not, and from
/// then on the group answers that endpoint's preflights at once, without calling it.
#[derive(Clone)]
pub struct Cors<S> {
    inner: S,
    policy: Arc<Policy>,
    route_preflights: Arc<AtomicU8>,
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
        if let Kind::Preflight(answer) = kind {
            if self.route_preflights.load(Ordering::Relaxed) == GROUP_ANSWERS {
                return ResponseFuture {
                    state: State::Answered {
                        answer: Some(answer),
                    },
                    policy: self.policy.clone(),
                };
            }
            req.extensions_mut().insert(InGroup);
            return ResponseFuture {
                state: State::Forwarded {
                    future: self.inner.call(req),
                    kind: Some(Kind::Preflight(answer)),
                    learn: Some(self.route_preflights.clone()),
                },
                policy: self.policy.clone(),
            };
        }
        // Routes with their own policy (`with_cors!`) answer for themselves when they see this.
        req.extensions_mut().insert(InGroup);
        ResponseFuture {
            state: State::Forwarded {
                future: self.inner.call(req),
                kind: Some(kind),
                learn: None,
            },
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
            Kind::Preflight(self.policy.preflight(headers, parts))
        } else {
            Kind::Actual(self.policy.actual(headers, parts))
        }
    }
}

#[derive(Debug)]
enum Kind {
    /// The group's own answer, used unless the route answers the preflight itself.
    Preflight(Result<Response, Rejection>),
    Actual(Decision),
}

pin_project! {
    /// Response future of [`Cors`].
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
        policy: Arc<Policy>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        /// The group answered a preflight without calling the endpoint.
        Answered { answer: Option<Result<Response, Rejection>> },
        /// The endpoint runs; its response is decorated (or, for a preflight, replaced unless
        /// the route answered it).
        Forwarded {
            #[pin]
            future: F,
            kind: Option<Kind>,
            learn: Option<Arc<AtomicU8>>,
        },
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
        let (future, kind, learn) = match this.state.project() {
            StateProj::Answered { answer } => {
                let answer = answer
                    .take()
                    .expect("ResponseFuture polled after completion");
                return Poll::Ready(Ok(answer.unwrap_or_else(Rejection::into_response)));
            }
            StateProj::Forwarded { future, kind, learn } => (future, kind, learn),
        };
        let mut response = ready!(future.poll(cx))?;
        let route_answered = response.extensions().get::<RouteAnswered>().is_some();
        if let Some(learn) = learn.take() {
            let mode = if route_answered {
                ROUTE_ANSWERS
            } else {
                GROUP_ANSWERS
            };
            let _ = learn.compare_exchange(UNKNOWN, mode, Ordering::Relaxed, Ordering::Relaxed);
        }
        match kind.take() {
            Some(Kind::Preflight(answer)) if !route_answered => {
                return Poll::Ready(Ok(answer.unwrap_or_else(Rejection::into_response)));
            }
            Some(Kind::Actual(decision)) if !route_answered => {
                this.policy.decorate(decision, response.headers_mut());
            }
            _ => {}
        }
        Poll::Ready(Ok(response))
    }
}
