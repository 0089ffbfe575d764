//! Serving: the layer that answers preflights and decorates responses ([`Cors`]), the group
//! policy layer ([`CorsLayer`]), the router that records every route's policy
//! ([`CorsRouter`]) and what `with_cors!` builds ([`CorsMethodRouter`]).

mod finish;
pub(crate) mod frame;
pub mod inventory;
mod layer;
mod method_router;
mod misuse;
mod router;
mod service;
mod table;

pub use inventory::Inventory;
pub use layer::CorsLayer;
pub use method_router::{AxumHandler, CorsMethodRouter, RouteMethod, StartCheck};
pub use router::CorsRouter;
pub use service::{Cors, ResponseFuture};
