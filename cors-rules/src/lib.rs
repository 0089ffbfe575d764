//! The validation rules of [cors-runtime](https://docs.rs/cors-runtime), each written once,
//! with every message: the macros report them as compile errors, the runtime as a
//! `PolicyError` (runtime-built policies, `env(..)` origin lists, hand-written `Spec`s).
//! Depend on cors-runtime, not on this crate: its API follows cors-runtime's needs.
//!
//! - [`origin`]: the origin grammar, canonical forms, and the facts the flags decide on
//!   (`null`, plain http, public-suffix patterns).
//! - [`names`]: method and header names.
//! - [`shape`]: the rules between keys, as `const fn`s over flags, so that a policy merged at
//!   compile time (`policy = X` with overrides) is checked by the same code.
//! - [`check`] runs every rule over one [`Input`] and returns typed [`Problem`]s; each
//!   problem's [`message`](Problem::message) is worded for its entry point ([`Syntax`]).
//!
//! ```
//! use cors_rules::{check, Input, Origins, Syntax};
//!
//! let input = Input {
//!     origins: Origins::List(&["http://127.evil.example"]),
//!     credentials: Some(true),
//!     ..Input::DEFAULT
//! };
//! let problems = check(&input);
//! assert_eq!(
//!     problems[0].message(Syntax::Builder),
//!     "origin `http://127.evil.example` is plain http and not loopback, so with \
//!      `.credentials(true)` any network attacker could use it; use https, or call \
//!      `.allow_insecure_origins(true)`"
//! );
//! ```
#![doc(test(attr(deny(warnings))))]

mod authority;
mod host;
mod input;
pub mod names;
pub mod origin;
mod problem;
pub mod shape;
mod suffix;

pub use input::{check, check_disable, Input, Names, Origins};
pub use problem::{Entry, Key, Kind, Problem, Syntax};
pub use suffix::{is_public_suffix, wildcard_covers_public_suffix};
