//! Which policy applies to a request: the table a [`CorsRouter`](crate::CorsRouter) records
//! while the app is built, looked up with axum's [`MatchedPath`] (or, for a request no route
//! matched, its path).
//!
//! Precedence, most specific first: the `with_cors!` handler mounted for the method, then the
//! group policies covering the route, innermost (applied first) first.

use std::{any::TypeId, collections::HashMap, sync::Arc};

use axum::extract::{MatchedPath, NestedPath, Request};
use http::Method;

use crate::{policy::Reason, Policy};

/// Group policies covering a route or scope, innermost first.
pub(crate) type Coverage = Box<[Arc<Policy>]>;

/// A `with_cors!` handler mounted under one method.
#[derive(Clone, Debug)]
pub(crate) struct Mounted {
    pub(crate) method: Method,
    pub(crate) policy: Arc<Policy>,
    /// The handler's `#[cors]` companion type.
    pub(crate) handler: TypeId,
}

/// What the table knows about one route.
#[derive(Debug)]
pub(crate) struct RouteCors {
    pub(crate) handlers: Box<[Mounted]>,
    pub(crate) groups: Coverage,
}

/// Routes the router cannot see inside (a nested or merged axum `Router`, a nested service, a
/// nested router's fallback): covered as a whole, by path prefix.
#[derive(Debug)]
pub(crate) struct Scope {
    pub(crate) prefix: Box<str>,
    pub(crate) groups: Coverage,
}

/// Everything a `CorsRouter` recorded, ready for lookups.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub(crate) routes: HashMap<Box<str>, RouteCors>,
    /// Prefixes of routes with a `MatchedPath` the router did not record (nested axum
    /// routers, the exact paths of a nested service), longest first.
    pub(crate) matched: Vec<Scope>,
    /// Routes of merged axum routers (no prefix to tell them by).
    pub(crate) merged: Option<Coverage>,
    /// Prefixes for requests without a `MatchedPath` (nested services, nested routers'
    /// fallbacks), longest first.
    pub(crate) unmatched: Vec<Scope>,
    /// The router's fallback.
    pub(crate) fallback: Coverage,
}

/// The policy for one request (or, for a preflight, its requested method).
#[derive(Debug)]
pub(crate) struct Target<'a> {
    pub(crate) policy: Option<&'a Arc<Policy>>,
    /// The handler `with_cors!` mounted for the method.
    pub(crate) handler: Option<TypeId>,
    /// Why there is no policy (when `policy` is `None`).
    pub(crate) miss: Reason,
    /// For a method the route's `with_cors!` handlers do not serve (and no group covers): those
    /// handlers, whose policies decide who may read the `405`.
    pub(crate) unmounted: &'a [Mounted],
}

impl<'a> Target<'a> {
    pub(crate) fn of(policy: &'a Arc<Policy>) -> Self {
        Target {
            policy: Some(policy),
            handler: None,
            miss: Reason::NoPolicy,
            unmounted: &[],
        }
    }

    fn groups(groups: &'a [Arc<Policy>]) -> Self {
        Target {
            policy: groups.first(),
            handler: None,
            miss: Reason::NoPolicy,
            unmounted: &[],
        }
    }
}

impl Table {
    /// The policy for `method` on the route `req` matched.
    pub(crate) fn resolve<'a>(&'a self, req: &Request, method: &[u8]) -> Target<'a> {
        let Some(matched) = req.extensions().get::<MatchedPath>() else {
            let path = req.uri().path();
            return match longest(&self.unmatched, path) {
                Some(scope) => Target::groups(&scope.groups),
                None => Target::groups(&self.fallback),
            };
        };
        let path = matched.as_str();
        if let Some(route) = self.route(path, req) {
            return route.resolve(method);
        }
        if let Some(scope) = longest(&self.matched, path) {
            return Target::groups(&scope.groups);
        }
        if let Some(merged) = &self.merged {
            return Target::groups(merged);
        }
        super::misuse::unknown_route(path);
        Target::groups(&[])
    }

    fn route(&self, path: &str, req: &Request) -> Option<&RouteCors> {
        if let Some(route) = self.routes.get(path) {
            return Some(route);
        }
        // Converted with `into_router()`, then nested in an axum router: the matched path has
        // the outer prefix, which axum's `NestedPath` names.
        let prefix = req.extensions().get::<NestedPath>()?.as_str();
        let inner = path.strip_prefix(prefix)?;
        let inner = match inner {
            "" => "/".to_owned(),
            rest if prefix.ends_with('/') => format!("/{rest}"),
            rest => rest.to_owned(),
        };
        self.routes.get(inner.as_str())
    }
}

impl RouteCors {
    fn resolve(&self, method: &[u8]) -> Target<'_> {
        if let Some(mounted) = self
            .handlers
            .iter()
            .find(|m| m.method.as_str().as_bytes() == method)
        {
            return Target {
                policy: Some(&mounted.policy),
                handler: Some(mounted.handler),
                miss: Reason::NoHandler,
                unmounted: &[],
            };
        }
        Target {
            policy: self.groups.first(),
            handler: None,
            miss: if self.handlers.is_empty() {
                Reason::NoPolicy
            } else {
                Reason::NoHandler
            },
            unmounted: if self.groups.is_empty() {
                &self.handlers
            } else {
                &[]
            },
        }
    }
}

/// The scope with the longest prefix that `path` is under (`prefix` itself, or `prefix/...`).
fn longest<'a>(scopes: &'a [Scope], path: &str) -> Option<&'a Scope> {
    scopes.iter().find(|scope| under(path, &scope.prefix))
}

pub(crate) fn under(path: &str, prefix: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || prefix.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

/// axum's path of a route `path` nested at `prefix` (`path_for_nested_route` in axum 0.8).
pub(crate) fn nested_path(prefix: &str, path: &str) -> String {
    if prefix.ends_with('/') {
        format!("{prefix}{}", path.trim_start_matches('/'))
    } else if path == "/" {
        prefix.to_owned()
    } else {
        format!("{prefix}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_are_joined_as_axum_joins_them() {
        assert_eq!(nested_path("/api", "/tasks"), "/api/tasks");
        assert_eq!(nested_path("/api", "/"), "/api");
        assert_eq!(nested_path("/api/", "/tasks"), "/api/tasks");
        assert_eq!(nested_path("/api/", "/"), "/api/");
        assert_eq!(
            nested_path("/{tenant}", "/tasks/{id}"),
            "/{tenant}/tasks/{id}"
        );
    }

    #[test]
    fn a_path_is_under_a_prefix_at_a_segment_boundary() {
        assert!(under("/api", "/api"));
        assert!(under("/api/x", "/api"));
        assert!(!under("/apix", "/api"));
        assert!(under("/api/x", "/api/"));
        assert!(!under("/other", "/api"));
    }
}
