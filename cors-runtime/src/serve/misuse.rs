//! Misuse that cannot be refused at compile time or start-up, reported once, at `error` level,
//! on the first request that shows it (target `cors_runtime`). Each message names what is wrong,
//! where, and the fix.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
};

/// True the first time `key` is seen in this process.
fn first_time(key: String) -> bool {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(HashSet::new()));
    match seen.lock() {
        Ok(mut seen) => seen.insert(key),
        // A panic while holding the lock cannot lose a report that matters: report again.
        Err(poisoned) => poisoned.into_inner().insert(key),
    }
}

fn route_name(route: Option<&str>) -> &str {
    route.unwrap_or("(unmatched path)")
}

/// An annotated handler ran with no CORS layer or router around it.
pub(crate) fn unserved_handler(handler: &'static str) {
    if first_time(format!("unserved\0{handler}")) {
        tracing::error!(
            target: "cors_runtime",
            handler,
            "handler `{handler}` has #[cors(...)] but is served outside a `CorsRouter`, so its \
             CORS policy is not applied; mount it with `CorsRouter::new().route(path, \
             with_cors!(get({handler})))`"
        );
    }
}

/// An annotated handler ran on a route that did not mount it with `with_cors!`.
pub(crate) fn stray_handler(handler: &'static str, route: Option<&str>, policy: Option<&str>) {
    let route = route_name(route);
    if first_time(format!("stray\0{route}\0{handler}")) {
        let instead = match policy {
            Some(policy) => format!("the policy `{policy}` answers for it instead of its own"),
            None => "no CORS policy answers for it".to_owned(),
        };
        tracing::error!(
            target: "cors_runtime",
            handler,
            route,
            "handler `{handler}` has #[cors(...)] but route `{route}` mounts it without \
             `with_cors!`, so {instead}; mount it with `with_cors!(<method>({handler}))`"
        );
    }
}

/// A CORS layer found another one outside it with a different policy for this request.
pub(crate) fn nested_layer(layer: &str, route: Option<&str>) {
    let route = route_name(route);
    if first_time(format!("nested\0{layer}\0{route}")) {
        tracing::error!(
            target: "cors_runtime",
            policy = layer,
            route,
            "CORS layer `{layer}` is inside a `CorsRouter` or another CORS layer that answers the \
             preflights of route `{route}` with another policy (or none), so it does nothing \
             there; apply it with `CorsRouter::layer` (it then covers the routes added before \
             it), or remove it"
        );
    }
}

/// A response came back with `Access-Control-Allow-Origin` already set by code inside.
pub(crate) fn inner_cors_headers(route: Option<&str>, policy: Option<&str>) {
    let route = route_name(route);
    if !first_time(format!("inner\0{route}")) {
        return;
    }
    match policy {
        Some(policy) => tracing::error!(
            target: "cors_runtime",
            policy,
            route,
            "route `{route}`: the response already carries `Access-Control-Allow-Origin`, set by \
             code inside the CORS layer whose policy `{policy}` answers this route's preflights; \
             it was left as is, so the preflight and the request may disagree; remove the inner \
             CORS handling (tower-http's `CorsLayer`, a hand-written header)"
        ),
        None => tracing::error!(
            target: "cors_runtime",
            route,
            "route `{route}`: the response carries `Access-Control-Allow-Origin` set by code \
             inside a `CorsRouter` that has no CORS policy for this route, so its preflights \
             are refused; give the route a policy (`with_cors!`, `CorsRouter::layer`)"
        ),
    }
}

/// A request matched a route the router never recorded.
pub(crate) fn unknown_route(route: &str) {
    if first_time(format!("unknown\0{route}")) {
        tracing::error!(
            target: "cors_runtime",
            route,
            "route `{route}` is not known to its `CorsRouter`, so no CORS policy applies to it; \
             was the router converted with `into_router()` and then nested or merged? Nest or \
             merge the `CorsRouter` itself"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_is_reported_once() {
        assert!(first_time("report-test\0a".to_owned()));
        assert!(!first_time("report-test\0a".to_owned()));
        assert!(first_time("report-test\0b".to_owned()));
    }
}
