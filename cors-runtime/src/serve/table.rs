//! Which policy applies to a request: the table a [`CorsRouter`](crate::CorsRouter) records
//! while the app is built, looked up by the request's path before axum routes it.
//!
//! The route patterns go into a `matchit` router, the matcher axum itself uses, with the same
//! paths axum was given (nest prefixes joined as axum joins them), so a path matches here the
//! route it matches in axum. Precedence, most specific first: the `with_cors!` handler mounted
//! for the method, then the group policies covering the route, innermost (applied first) first.

use std::{any::TypeId, sync::Arc};

use http::Method;

use crate::{reject::Reason, Policy};

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
    /// The route pattern, for logs.
    pub(crate) path: Arc<str>,
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
pub(crate) struct Table {
    /// Route pattern to index in `routes`.
    pub(crate) matcher: matchit::Router<usize>,
    /// The patterns without parameters (no `{`, `}`), sorted, with their index in `routes`:
    /// a path equal to one of them is that route (in matchit, as in axum, a static route wins
    /// over every pattern with parameters), found without walking the matcher's tree.
    pub(crate) statics: Box<[(Box<str>, usize)]>,
    pub(crate) routes: Vec<RouteCors>,
    /// Paths under a prefix the router cannot see inside (nested axum routers and services,
    /// nested routers' fallbacks), longest first.
    pub(crate) scopes: Vec<Scope>,
    /// Every other path: the router's 404s (and the routes of merged axum routers, which a
    /// path cannot tell from them).
    pub(crate) unmatched: Coverage,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("routes", &self.routes)
            .field("scopes", &self.scopes)
            .field("unmatched", &self.unmatched)
            .finish_non_exhaustive()
    }
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
    /// The route pattern the path matched, if the router knows it.
    pub(crate) route: Option<&'a Arc<str>>,
}

impl<'a> Target<'a> {
    pub(crate) fn of(policy: &'a Arc<Policy>) -> Self {
        Target {
            policy: Some(policy),
            handler: None,
            miss: Reason::NoPolicy,
            unmounted: &[],
            route: None,
        }
    }

    fn groups(groups: &'a [Arc<Policy>]) -> Self {
        Target {
            policy: groups.first(),
            handler: None,
            miss: Reason::NoPolicy,
            unmounted: &[],
            route: None,
        }
    }
}

/// Whether the route pattern `path` has no parameter (matches only itself).
pub(crate) fn is_static(path: &str) -> bool {
    !path.contains(['{', '}'])
}

impl Table {
    /// The policy for `method` on the route that `path` (the request's, as axum sees it)
    /// matches.
    pub(crate) fn resolve<'a>(&'a self, path: &str, method: &[u8]) -> Target<'a> {
        if let Ok(at) = self
            .statics
            .binary_search_by(|(pattern, _)| (**pattern).cmp(path))
        {
            return self.routes[self.statics[at].1].resolve(method);
        }
        if let Ok(found) = self.matcher.at(path) {
            return self.routes[*found.value].resolve(method);
        }
        match longest(&self.scopes, path) {
            Some(scope) => Target::groups(&scope.groups),
            None => Target::groups(&self.unmatched),
        }
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
                route: Some(&self.path),
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
            route: Some(&self.path),
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
    fn a_static_pattern_is_what_matchit_matches_for_its_own_path() {
        // The shortcut in `Table::resolve` takes a path equal to a static pattern to be that
        // route: matchit agrees whatever patterns with parameters (and catch-alls) sit beside
        // it, as long as the pattern has no `{` or `}` (escaped braces `{{` are not static).
        let patterns = [
            "/{*rest}",
            "/tasks/{id}",
            "/tasks",
            "/{x}",
            "/a/{x}",
            "/a/b",
            "/a/b/",
            "/",
            "/{x}/b",
            "/t{x}",
            "/tasks/{id}/x",
            "/tasks/new",
            "/lit{{eral}}",
        ];
        let mut matcher = matchit::Router::new();
        let mut inserted = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            // A pattern matchit refuses beside the others, axum refuses too.
            if matcher.insert(*p, i).is_ok() {
                inserted.push(i);
            }
        }
        for (i, p) in patterns.iter().enumerate() {
            if is_static(p) {
                assert!(inserted.contains(&i), "{p}");
                assert_eq!(*matcher.at(p).unwrap().value, i, "{p}");
            }
        }
        assert!(is_static("/tasks"));
        assert!(!is_static("/tasks/{id}"));
        assert!(!is_static("/lit{{eral}}"));
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
