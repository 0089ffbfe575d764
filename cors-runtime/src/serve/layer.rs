//! [`CorsLayer`]: a policy as a tower layer, for a group of routes.

use std::sync::Arc;

use tower_layer::Layer;

use super::service::{Cors, Source};
use crate::{spec::Spec, Policy, PolicyError};

/// A group policy as a tower [`Layer`]: `SomePolicy::layer()`, or
/// `CorsLayer::from(policy)` for a policy built at run time.
///
/// Give it to [`CorsRouter::layer`](crate::CorsRouter::layer): the router records it for the
/// routes added before it (as axum's `Router::layer` would wrap them) and answers their
/// preflights before any middleware runs, whatever the order of `layer` and `route_layer`
/// calls; a route's own `with_cors!` handlers take precedence over it, an inner group over an
/// outer one. It decorates every response of those routes, errors included (an authentication
/// middleware's 401 too).
///
/// ```
/// use axum::routing::get;
/// use cors_runtime::{cors_policy, CorsRouter};
///
/// #[cors_policy(origins = ["https://app.example"], methods = [GET, POST])]
/// pub struct Api;
///
/// async fn list_tasks() {}
///
/// let api: CorsRouter = CorsRouter::new()
///     .route("/tasks", get(list_tasks))
///     .layer(Api::layer()); // a `CorsLayer`
/// # drop(api);
/// ```
///
/// It is also a plain tower layer: on an axum `Router` or any service it answers every
/// preflight itself, like tower-http's `CorsLayer`, and must then be the outermost of the
/// route's layers (an authentication layer outside it answers the preflights first).
#[derive(Clone, Debug)]
#[must_use]
pub struct CorsLayer {
    policy: Arc<Policy>,
}

impl CorsLayer {
    /// Builds the layer of `spec`, panicking with the problem if the policy is invalid (an
    /// `env("VAR")` list with a bad entry, say). See [`CorsLayer::try_new`].
    ///
    /// ```
    /// use cors_runtime::{CorsLayer, Origins, Spec};
    ///
    /// const PUBLIC: Spec = Spec { name: "public", origins: Origins::Any, ..Spec::DEFAULT };
    /// let layer = CorsLayer::new(&PUBLIC);
    /// assert_eq!(layer.policy().name(), "public");
    /// ```
    #[track_caller]
    pub fn new(spec: &Spec) -> Self {
        match Self::try_new(spec) {
            Ok(layer) => layer,
            Err(error) => panic!("{error}"),
        }
    }

    /// Builds the layer of `spec`, or says what is wrong with it.
    ///
    /// ```
    /// use cors_runtime::{CorsLayer, Origins, Spec};
    ///
    /// // `env("VAR")` origins are read and checked when the layer is built.
    /// std::env::set_var("DOC_TRY_NEW_ORIGINS", "https://app.example/");
    /// let spec = Spec { name: "api", origins: Origins::Env("DOC_TRY_NEW_ORIGINS"), ..Spec::DEFAULT };
    /// let error = CorsLayer::try_new(&spec).unwrap_err();
    /// assert!(error.message().contains("trailing slash"), "{error}");
    /// ```
    pub fn try_new(spec: &Spec) -> Result<Self, PolicyError> {
        Ok(CorsLayer {
            policy: Arc::new(Policy::new(spec)?),
        })
    }

    /// The layer of a policy built at run time ([`Policy::builder`]); same as
    /// [`CorsLayer::from`].
    ///
    /// For one route, give the route its own `CorsRouter` and merge it:
    ///
    /// ```
    /// use axum::{body::Body, http::Request, routing::put};
    /// use cors_runtime::{CorsLayer, CorsRouter, Policy};
    /// use tower::ServiceExt;
    ///
    /// # async fn update() {}
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let policy = Policy::builder("Uploads")
    ///     .origins(["https://app.example.com"])
    ///     .methods(["PUT"])
    ///     .build()?;
    /// let uploads = CorsRouter::new()
    ///     .route("/uploads/{id}", put(update))
    ///     .layer(CorsLayer::from_policy(policy));
    /// let app = CorsRouter::new().merge(uploads);
    ///
    /// let preflight = Request::options("/uploads/7")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(Body::empty())?;
    /// let response = app.oneshot(preflight).await?;
    /// assert_eq!(response.status(), 204);
    /// assert_eq!(response.headers()["access-control-allow-methods"], "PUT");
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_policy(policy: Policy) -> Self {
        CorsLayer {
            policy: Arc::new(policy),
        }
    }

    /// The compiled policy.
    ///
    /// ```
    /// #[cors_runtime::cors_policy(origins = ["https://app.example.com"])]
    /// struct AppPolicy;
    ///
    /// assert_eq!(AppPolicy::layer().policy().name(), "AppPolicy");
    /// ```
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub(crate) fn shared(&self) -> &Arc<Policy> {
        &self.policy
    }
}

/// [`CorsLayer::from_policy`].
///
/// ```
/// let policy = cors_runtime::Policy::builder("P").any_origin().build()?;
/// let layer = cors_runtime::CorsLayer::from(policy);
/// assert_eq!(layer.policy().name(), "P");
/// # Ok::<(), cors_runtime::PolicyError>(())
/// ```
impl From<Policy> for CorsLayer {
    fn from(policy: Policy) -> Self {
        CorsLayer::from_policy(policy)
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors::new(inner, Source::Policy(self.policy.clone()))
    }
}
