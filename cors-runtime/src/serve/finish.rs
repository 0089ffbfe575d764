//! Finishing a [`CorsRouter`]: the table of what it recorded, the service that serves it (its
//! CORS layer in front of axum's routing), and the ways to serve it.

use std::{
    convert::Infallible,
    sync::Arc,
    task::{Context, Poll},
};

use axum::{
    body::HttpBody,
    extract::Request,
    response::Response,
    routing::{future::RouteFuture, IntoMakeService},
    Router,
};
use tower_service::Service;

use super::{
    router::{bind, CorsRouter, RouteRecord},
    service::{Cors, ResponseFuture, Source},
    table::{is_static, Mounted, RouteCors, Scope, Table},
};
use crate::Policy;

/// A `with_cors!` handler without `enforce` inside a group that enforces: its own policy
/// applies to its methods (the most specific wins), so the group's `enforce` does not. Allowed,
/// but said at start-up.
fn warn_enforce_overridden<S>(route: &RouteRecord<S>) {
    let Some(group) = route.groups.iter().find(|g| g.enforces()) else {
        return;
    };
    for mount in route.mounts.iter().filter(|m| !m.policy.enforces()) {
        tracing::warn!(
            target: "cors_runtime",
            route = route.path.as_str(),
            handler = mount.policy.name(),
            group = group.name(),
            "route `{}`: handler `{}` has its own CORS policy without `enforce`, so the `enforce` \
             of the group policy `{}` does not apply to {} requests; add `enforce` to the \
             handler's #[cors] (or base it on the group with `policy = {}`) if it should",
            route.path,
            mount.policy.name(),
            group.name(),
            mount.method,
            group.name(),
        );
    }
}

impl CorsRouter<()> {
    /// The finished app as an axum [`Router`], for a tool or framework that wants one (or to
    /// nest or merge it into an axum `Router`): the routes, behind the CORS layer.
    ///
    /// Add no middleware to the returned router: it would run before the CORS layer and see
    /// preflights (an authentication check would refuse them). Add it to the `CorsRouter`.
    /// Serving the `CorsRouter` itself (`axum::serve(listener, app)`) saves the two
    /// allocations per request of the router this returns (axum boxes its fallback).
    ///
    /// ```
    /// use axum::routing::get;
    /// use cors_runtime::{cors_policy, CorsRouter};
    ///
    /// #[cors_policy(origins = ["https://app.example"])]
    /// pub struct Api;
    ///
    /// # async fn list_tasks() {}
    /// let app = CorsRouter::new().route("/tasks", get(list_tasks)).layer(Api::layer());
    /// let router: axum::Router = axum::Router::new().nest("/v1", app.into_router());
    /// # drop(router);
    /// ```
    pub fn into_router(self) -> Router {
        Router::new().fallback_service(self.into_service())
    }

    /// The finished router as a make-service, as axum's [`Router::into_make_service`].
    pub fn into_make_service(self) -> IntoMakeService<Router> {
        self.into_router().into_make_service()
    }

    /// The finished router as a make-service that provides axum's `ConnectInfo`, as axum's
    /// [`Router::into_make_service_with_connect_info`].
    #[cfg(feature = "serve")]
    pub fn into_make_service_with_connect_info<C>(
        self,
    ) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, C> {
        self.into_router().into_make_service_with_connect_info()
    }

    /// The routes behind the CORS layer: what serves each request.
    fn into_service(self) -> Cors<Router> {
        let table = self.table();
        // `with_state(())` turns every method router into a ready route once, as axum does
        // for each connection (`Router<()>` as a make-service); without it each request would
        // pay axum's per-request conversion (an allocation).
        Cors::new(self.inner.with_state(()), Source::Table(Arc::new(table)))
    }

    fn table(&self) -> Table {
        let mut matcher = matchit::Router::new();
        let mut routes = Vec::with_capacity(self.routes.len());
        for route in &self.routes {
            warn_enforce_overridden(route);
            if let Err(error) = matcher.insert(route.path.as_str(), routes.len()) {
                // axum accepted the path with the same matcher: this would be a bug here.
                panic!(
                    "CorsRouter cannot mirror axum's route `{}`: {error}; please report this",
                    route.path
                );
            }
            let handlers = route
                .mounts
                .iter()
                .map(|mount| {
                    let mount = bind::<(), ()>(mount.clone(), &());
                    Mounted {
                        method: mount.method,
                        policy: mount.policy,
                        handler: mount.handler,
                    }
                })
                .collect();
            routes.push(RouteCors {
                path: route.path.as_str().into(),
                handlers,
                groups: route.groups.clone().into(),
            });
        }
        let mut scopes: Vec<Scope> = Vec::new();
        // The last recorded first among equal prefixes (axum keeps the last nested fallback).
        for record in self.matched.iter().chain(&self.unmatched).rev() {
            if !scopes.iter().any(|s| *s.prefix == *record.prefix) {
                scopes.push(Scope {
                    prefix: record.prefix.as_str().into(),
                    groups: record.groups.clone().into(),
                });
            }
        }
        scopes.sort_by_key(|s| std::cmp::Reverse(s.prefix.len()));
        let mut statics: Vec<(Box<str>, usize)> = routes
            .iter()
            .enumerate()
            .filter(|(_, route)| is_static(&route.path))
            .map(|(i, route)| (Box::from(&*route.path), i))
            .collect();
        statics.sort_unstable();
        Table {
            matcher,
            statics: statics.into(),
            routes,
            scopes,
            unmatched: self.unmatched_coverage().into(),
        }
    }

    /// What covers the paths no route matches: the fallback's groups, or those of the merged
    /// axum routers, whose routes a path cannot tell from unmatched paths.
    fn unmatched_coverage(&self) -> Vec<Arc<Policy>> {
        let fingerprints =
            |groups: &[Arc<Policy>]| groups.iter().map(|p| p.fingerprint()).collect::<Vec<_>>();
        let Some(first) = self.merged.first() else {
            return self.fallback.clone();
        };
        if self
            .merged
            .iter()
            .any(|g| fingerprints(g) != fingerprints(first))
        {
            panic!(
                "two axum Routers merged into this CorsRouter are covered by different CORS \
                 group policies, and a request cannot be told apart by the router it came \
                 from; turn each into a CorsRouter (`CorsRouter::from(router)`) and nest it \
                 under its own prefix, or apply the policies after merging"
            );
        }
        if fingerprints(first) != fingerprints(&self.fallback) {
            tracing::warn!(
                target: "cors_runtime",
                "the routes of an axum Router merged into a CorsRouter cannot be told apart \
                 from paths no route matches: the group policies covering the merged router \
                 also answer for those paths; nest it under its own prefix to keep them apart"
            );
        }
        first.clone()
    }

    fn ready(&self) -> Cors<Router> {
        self.ready
            .get_or_init(|| self.clone().into_service())
            .clone()
    }
}

/// Serves the finished router ([`CorsRouter::into_router`], built on the first request), so
/// that a `CorsRouter` can be passed to `tower::ServiceExt::oneshot` and to
/// [`cors_runtime::testing`](crate::testing).
impl<B> Service<Request<B>> for CorsRouter<()>
where
    B: HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ResponseFuture<RouteFuture<Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        self.ready().call(req.map(axum::body::Body::new))
    }
}

/// `axum::serve(listener, app)`: each connection gets the finished router.
#[cfg(feature = "serve")]
impl<L> Service<axum::serve::IncomingStream<'_, L>> for CorsRouter<()>
where
    L: axum::serve::Listener,
{
    type Response = Cors<Router>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Cors<Router>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _stream: axum::serve::IncomingStream<'_, L>) -> Self::Future {
        std::future::ready(Ok(self.ready()))
    }
}
