//! [`Inventory`]: every CORS policy a [`CorsRouter`](crate::CorsRouter) applies, by route, for
//! start-up logs, tests and security reviews.

use std::{collections::BTreeSet, fmt, sync::Arc};

use super::router::{CorsRouter, ScopeRecord};
use crate::{AllowedOrigins, Policy};

/// Where a row's policy comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// A `#[cors]` handler mounted with `with_cors!`.
    Handler,
    /// A group policy given to `CorsRouter::layer` or `route_layer`.
    Group,
}

/// One line of an [`Inventory`]: a policy and where it applies.
#[derive(Clone, Debug)]
pub struct Row {
    pub(crate) route: String,
    pub(crate) methods: String,
    pub(crate) source: Source,
    pub(crate) policy: Arc<Policy>,
}

impl Row {
    /// The route pattern (`/tasks/{id}`), `/prefix/…` for everything under a nested service or
    /// axum `Router`, or `(unmatched)` for requests no route matches (404s).
    pub fn route(&self) -> &str {
        &self.route
    }

    /// The methods the policy answers for: the `with_cors!` ones (`PUT, DELETE`), `all` for a
    /// group on a route without handler policies, `others` for a group under handler ones.
    pub fn methods(&self) -> &str {
        &self.methods
    }

    /// A handler's policy, or a group's.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

/// Every CORS policy a [`CorsRouter`](crate::CorsRouter) applies, by route: what a security
/// review asks ("which origins can make credentialed requests to this API, on which routes?"),
/// as data.
///
/// Its [`Display`](fmt::Display) is a table for start-up logs; [`rows`](Inventory::rows) are
/// the data; [`assert_credentials_only_for`](Inventory::assert_credentials_only_for) and
/// [`assert_no_credentials_with_patterns`](Inventory::assert_no_credentials_with_patterns)
/// are one-line checks for your tests. Built from what the router recorded, without a request:
/// it lists the policy that applies to each route and method (the handler's, else the innermost
/// group's), not the shadowed ones.
///
/// ```
/// use axum::routing::get;
/// use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
///
/// #[cors(origins = ["https://app.example.com"], credentials)]
/// async fn update_task() {}
///
/// #[cors_policy(origins = "*", methods = [GET])]
/// pub struct Public;
///
/// # async fn health() {}
/// let app: CorsRouter = CorsRouter::new()
///     .route("/tasks/{id}", with_cors!(put(update_task)))
///     .route("/health", get(health))
///     .layer(Public::layer());
///
/// let inventory = app.inventory();
/// println!("{inventory}"); // at start-up
/// inventory.assert_credentials_only_for(&["https://app.example.com"]);
/// inventory.assert_no_credentials_with_patterns();
/// assert_eq!(inventory.rows()[0].route(), "/tasks/{id}");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub(crate) rows: Vec<Row>,
}

impl Inventory {
    /// Every row: route, methods, source, policy.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The distinct policies (by name), in the order they first appear.
    pub fn policies(&self) -> Vec<&Policy> {
        let mut seen = BTreeSet::new();
        self.rows
            .iter()
            .filter(|row| seen.insert(row.policy.name()))
            .map(|row| &*row.policy)
            .collect()
    }

    /// The origins that can make credentialed requests, each with the routes they can reach;
    /// `Err` names the rows whose credentialed origins are decided at run time (a predicate,
    /// an async check), which no list can state.
    pub fn credentialed_origins(&self) -> Result<Vec<(String, Vec<String>)>, Vec<&Row>> {
        let mut origins: Vec<(String, Vec<String>)> = Vec::new();
        let mut undecidable = Vec::new();
        for row in self.rows.iter().filter(|row| row.policy.credentials()) {
            match row.policy.origins() {
                AllowedOrigins::List(list) => {
                    for origin in list {
                        let place = format!("{} {}", row.methods, row.route);
                        match origins.iter_mut().find(|(o, _)| o == origin) {
                            Some((_, routes)) => routes.push(place),
                            None => origins.push((origin.to_owned(), vec![place])),
                        }
                    }
                }
                AllowedOrigins::None | AllowedOrigins::Any => {}
                AllowedOrigins::Predicate
                | AllowedOrigins::AsyncPredicate
                | AllowedOrigins::FromState(_) => undecidable.push(row),
            }
        }
        if undecidable.is_empty() {
            origins.sort();
            Ok(origins)
        } else {
            Err(undecidable)
        }
    }

    /// Panics unless every origin that can make credentialed requests is one of `allowed`
    /// (patterns like `https://*.example.com` must be listed as written), naming the offending
    /// origins and routes. A policy whose credentialed origins are decided at run time (a
    /// predicate, an async check) fails it too: nothing proves what it allows.
    #[track_caller]
    pub fn assert_credentials_only_for(&self, allowed: &[&str]) {
        match self.credentialed_origins() {
            Err(rows) => panic!(
                "CORS inventory: credentials are allowed to origins decided at run time:\n{}",
                rows.iter()
                    .map(|row| format!("  {}", line(row)))
                    .collect::<String>()
            ),
            Ok(origins) => {
                let extra: Vec<_> = origins
                    .iter()
                    .filter(|(origin, _)| !allowed.contains(&origin.as_str()))
                    .map(|(origin, routes)| format!("  {origin}: {}\n", routes.join(", ")))
                    .collect();
                if !extra.is_empty() {
                    panic!(
                        "CORS inventory: credentials are allowed to origins outside {allowed:?}:\n{}",
                        extra.concat()
                    );
                }
            }
        }
    }

    /// Panics if a policy with credentials allows a wildcard pattern (`https://*.example.com`):
    /// any subdomain (a user-content host, a forgotten staging app) could then read your users'
    /// data. Names the offending policies and routes.
    #[track_caller]
    pub fn assert_no_credentials_with_patterns(&self) {
        let offending: Vec<String> = self
            .rows
            .iter()
            .filter(|row| row.policy.credentials())
            .filter(|row| match row.policy.origins() {
                AllowedOrigins::List(list) => list.iter().any(|origin| origin.contains('*')),
                _ => false,
            })
            .map(|row| format!("  {}", line(row)))
            .collect();
        if !offending.is_empty() {
            panic!(
                "CORS inventory: credentials are allowed to wildcard patterns:\n{}",
                offending.concat()
            );
        }
    }
}

fn line(row: &Row) -> String {
    let source = match row.source {
        Source::Handler => "handler",
        Source::Group => "group",
    };
    format!("{} {} ({source}): {}\n", row.methods, row.route, row.policy)
}

/// One line per route and policy: route, methods, where the policy comes from, and its
/// one-line summary.
impl fmt::Display for Inventory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "CORS inventory: {} routes, {} policies",
            self.rows
                .iter()
                .map(|row| row.route.as_str())
                .collect::<BTreeSet<_>>()
                .len(),
            self.policies().len()
        )?;
        let route_width = self.rows.iter().map(|row| row.route.len()).max();
        let methods_width = self.rows.iter().map(|row| row.methods.len()).max();
        let (route_width, methods_width) = (route_width.unwrap_or(0), methods_width.unwrap_or(0));
        for row in &self.rows {
            let source = match row.source {
                Source::Handler => "handler",
                Source::Group => "group  ",
            };
            writeln!(
                f,
                "  {:route_width$}  {:methods_width$}  {source}  {}",
                row.route, row.methods, row.policy
            )?;
        }
        Ok(())
    }
}

impl<S> CorsRouter<S> {
    /// Every CORS policy the router applies, by route and method: see [`Inventory`].
    pub fn inventory(&self) -> Inventory {
        let mut rows = Vec::new();
        for route in &self.routes {
            let mut handlers: Vec<(&Arc<Policy>, Vec<&str>)> = Vec::new();
            for mount in &route.mounts {
                let method = mount.method.as_str();
                let gets = route.mounts.iter().any(|m| {
                    m.method == http::Method::GET && Arc::ptr_eq(&m.declared, &mount.declared)
                });
                if method == "HEAD" && gets {
                    continue; // mounted with GET
                }
                match handlers
                    .iter_mut()
                    .find(|(p, _)| Arc::ptr_eq(p, &mount.declared))
                {
                    Some((_, methods)) => methods.push(method),
                    None => handlers.push((&mount.declared, vec![method])),
                }
            }
            for (policy, methods) in &handlers {
                rows.push(Row {
                    route: route.path.clone(),
                    methods: methods.join(", "),
                    source: Source::Handler,
                    policy: Arc::clone(policy),
                });
            }
            if let Some(group) = route.groups.first() {
                rows.push(Row {
                    route: route.path.clone(),
                    methods: if handlers.is_empty() { "all" } else { "others" }.to_owned(),
                    source: Source::Group,
                    policy: group.clone(),
                });
            }
        }
        let mut scopes: Vec<&ScopeRecord> = Vec::new();
        for scope in self.matched.iter().chain(&self.unmatched) {
            if !scopes.iter().any(|s| s.prefix == scope.prefix) {
                scopes.push(scope);
            }
        }
        let group_row = |route: String, groups: &[Arc<Policy>]| {
            groups.first().map(|group| Row {
                route,
                methods: "all".to_owned(),
                source: Source::Group,
                policy: group.clone(),
            })
        };
        for scope in scopes {
            rows.extend(group_row(format!("{}/…", scope.prefix), &scope.groups));
        }
        for groups in &self.merged {
            rows.extend(group_row("(merged axum Router)".to_owned(), groups));
        }
        rows.extend(group_row("(unmatched)".to_owned(), &self.fallback));
        Inventory { rows }
    }
}
