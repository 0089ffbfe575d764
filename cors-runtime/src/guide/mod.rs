//! The guide: CORS explained with this crate, migrating from tower-http, and the browser
//! errors you may meet with their fixes. Documentation only; nothing here is code to call.
//!
//! - [`cors_explained`]: what CORS protects, what triggers a preflight, why `Authorization`
//!   must be listed, the credentials rules, what `Vary: Origin` is for, `max_age`.
//! - [`migration`]: from tower-http's `CorsLayer` builder to `#[cors]` / `#[cors_policy]`
//!   keys, with the behaviour that differs.
//! - [`mistakes`]: each Chromium console error, its cause, and the fix in this library.
//!
//! Every example in these pages is a doctest: it compiles, and those that send a request
//! run it and check the answer.

#[doc = include_str!("cors_explained.md")]
pub mod cors_explained {}

#[doc = include_str!("migration.md")]
pub mod migration {}

#[doc = include_str!("mistakes.md")]
pub mod mistakes {}
