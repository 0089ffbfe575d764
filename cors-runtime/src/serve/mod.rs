//! Serving: the layer that answers preflights and decorates responses ([`Cors`]), the group
//! policy layer ([`CorsLayer`]), the router that records every route's policy
//! ([`CorsRouter`]) and what `with_cors!` builds ([`CorsMethodRouter`]).

pub(crate) mod frame;
mod layer;
mod method_router;
mod report;
mod router;
mod service;
mod table;

pub use layer::CorsLayer;
pub use method_router::{CorsMethodRouter, PolicyOf};
pub use router::CorsRouter;
pub use service::{Cors, ResponseFuture};
