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

mod bypass;
mod headers;
mod layer;
mod origin;
mod policy;
mod route;
mod rules;
mod spec;

pub mod guide;
pub mod testing;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use bypass::{skip_preflights, SkipPreflights, SkipPreflightsFuture, SkipPreflightsLayer};
pub use cors_macros::{cors, cors_policy, with_cors};
pub use layer::{Cors, CorsLayer, ResponseFuture};
pub use policy::{is_preflight, Policy, PolicyError};
pub use route::{
    CorsFuture, CorsHandler, PreflightFuture, PreflightHandler, PreflightMarker, Route,
};
pub use spec::{Annotated, NamedPolicy, Names, OriginPredicate, Origins, Spec};
