//! Declarative, compile-time validated CORS for [axum](https://docs.rs/axum).
//!
//! The README below gets you started. Then: [`guide::cors_explained`] teaches CORS with this
//! crate's keys, [`guide::migration`] maps tower-http's `CorsLayer` to them,
//! [`guide::mistakes`] turns a browser console error into a fix, and [`testing`] checks your
//! policies from your own tests. The macros [`cors`], [`cors_policy`] and [`with_cors!`] hold
//! the attribute reference.
#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings), allow(dead_code))))]

#[allow(unused_extern_crates)]
extern crate self as cors_runtime;

mod builder;
mod check;
mod headers;
mod origin;
#[cfg(test)]
mod origin_props;
mod policy;
mod reject;
mod request;
mod serve;
mod spec;
mod state;
mod vary;

pub mod guide;
pub mod testing;

#[doc(hidden)]
pub mod __private;

pub use builder::PolicyBuilder;
pub use cors_macros::{cors, cors_policy, with_cors};
pub use origin::OriginCheckFuture;
pub use policy::{Allowed, AllowedOrigins, Policy, PolicyError};
pub use request::is_preflight;
pub use serve::{
    inventory, AxumHandler, Cors, CorsLayer, CorsMethodRouter, CorsRouter, Inventory,
    ResponseFuture,
};
pub use spec::{
    Annotated, NamedPolicy, Names, OriginPredicate, OriginPredicateFn, Origins, OriginsPart, Spec,
    StateOrigins,
};
pub use state::OriginCheck;

/// The compiled policy of a `#[cors(...)]` handler, for tests and start-up logs.
///
/// `H` is the handler's name: `#[cors]` declares a companion type of the same name next to the
/// handler fn. The policy is built on the first call (reading `env("VAR")` origins then) and
/// shared with the routers that mount the handler. Its [`Display`](std::fmt::Display) is a
/// one-line summary; its accessors ([`Policy::origins`], [`Policy::methods`], ...) return what
/// the attribute allows. A handler that lists no `methods` reports
/// [`Allowed::Mounted`]: it allows the methods it is mounted under.
///
/// ```
/// use cors_runtime::{cors, policy_of, Allowed, AllowedOrigins};
///
/// #[cors(origins = ["https://app.example.com"], headers = ["authorization"], credentials)]
/// async fn update_task() {}
///
/// let policy = policy_of::<update_task>();
/// assert_eq!(policy.origins(), AllowedOrigins::List(vec!["https://app.example.com"]));
/// assert_eq!(policy.methods(), Allowed::Mounted);
/// assert_eq!(policy.headers(), Allowed::List(vec!["authorization"]));
/// assert!(policy.credentials());
/// assert_eq!(
///     policy.to_string(),
///     "CORS policy `update_task`: origins https://app.example.com; methods as mounted; \
///      request headers authorization; exposed headers none; credentials"
/// );
/// ```
///
/// # Panics
///
/// If the policy cannot be built (an `env("VAR")` origin list that is unset or invalid), as a
/// router mounting the handler would.
#[track_caller]
pub fn policy_of<H: Annotated>() -> &'static Policy {
    H::policy()
}
