//! Items the macros' generated code names. Not public API; may change in any release.

pub use crate::route::Route;
pub use crate::spec::{Annotated, NamedPolicy, Names, Origins, Spec};
pub use crate::CorsLayer;
pub use axum::routing::MethodRouter;
pub use core::{option::Option, primitive::u32};

/// What `with_cors!` expands to after a compile error: a route that serves nothing, so the
/// error is the only one reported.
pub fn empty_router<S>() -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    MethodRouter::new()
}

/// Compile-time check of a merged spec (`policy = X` with overrides).
pub const fn check(spec: &Spec) {
    spec.assert_valid();
}

/// The layer of a named policy: `X::layer()`.
#[track_caller]
pub fn layer(spec: &Spec) -> CorsLayer {
    CorsLayer::new(spec)
}
