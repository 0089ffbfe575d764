//! Declarative, compile-time validated CORS for [axum](https://docs.rs/axum).
//!
//! See the crate README (below) for the guide; the macros [`cors`], [`cors_policy`] and
//! [`with_cors!`] for the attribute reference.
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
