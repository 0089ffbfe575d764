//! Items the macros' generated code names. Not public API; may change in any release.

pub use crate::serve::{RouteMethod, StartCheck};
pub use crate::spec::{
    Annotated, NamedPolicy, Names, OriginPredicateFn, Origins, OriginsPart, Spec, StateOrigins,
};
pub use crate::{CorsLayer, CorsMethodRouter, Policy};
pub use axum::extract::FromRef;

// Aliases rather than re-exports, so that rustc never picks this module's path to name these
// types in a message.

/// `http::HeaderValue`.
pub type HeaderValue = http::HeaderValue;
/// `http::request::Parts`.
pub type Parts = http::request::Parts;
/// `axum::routing::MethodRouter`.
pub type MethodRouter<S> = axum::routing::MethodRouter<S>;
/// `axum::routing::MethodFilter`.
pub type MethodFilter = axum::routing::MethodFilter;

/// The future of an async origin check.
pub type OriginCheckFuture = crate::origin::OriginCheckFuture;

/// Starts the check `T` (from `state`) of `origin`: `origins = state(T)`.
pub fn start_check<T, S>(state: &S, origin: &HeaderValue) -> Option<OriginCheckFuture>
where
    T: crate::OriginCheck + FromRef<S>,
{
    crate::state::start_check::<T, S>(state, origin)
}

/// `X::layer_with_state(&state)` of a named policy with `origins = state(T)`.
#[track_caller]
pub fn layer_with_state<T, S>(spec: &Spec, state: &S) -> CorsLayer
where
    T: crate::OriginCheck + FromRef<S>,
{
    crate::state::layer_with_state::<T, S>(spec, state)
}
pub use core::{
    clone::Clone,
    marker::{Send, Sync},
    option::Option,
    primitive::u32,
};

/// What `with_cors!` expands to after a compile error: a route that serves nothing, so the
/// error is the only one reported.
pub fn empty_router<S>() -> CorsMethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    CorsMethodRouter::new()
}

/// The first statement of every `#[cors]` handler: checks that the policy serving the request
/// is the handler's own (it was mounted with `with_cors!` in a `CorsRouter`), and reports it
/// once at `error` level when not.
#[inline]
pub fn served<A: Annotated>() {
    crate::serve::frame::handler_runs(std::any::TypeId::of::<A>(), A::SPEC.name);
}

pub use cors_rules::shape::ListFacts;

/// Compile-time check of a merged spec (`policy = X` with overrides): its flags against the
/// facts the macros computed for the origin list it ends up with.
pub const fn check(spec: &Spec, facts: ListFacts) {
    if let Err(message) = spec.shape(facts).check() {
        panic!("{}", message);
    }
}

/// Compile-time check of a handler that takes its origins from `policy = X`: `state(T)`
/// origins are not inherited.
pub const fn check_inherited(spec: &Spec) {
    if let Origins::State(_) = spec.origins {
        panic!("`origins = state(..)` of the base policy is not inherited; repeat `origins = state(..)` on this handler");
    }
}

/// The layer of a named policy: `X::layer()`.
#[track_caller]
pub fn layer(spec: &Spec) -> CorsLayer {
    CorsLayer::new(spec)
}
