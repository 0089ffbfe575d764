//! The attribute keys: one table, used for matching and for messages.

pub(crate) const ORIGINS: &str = "origins";
pub(crate) const METHODS: &str = "methods";
pub(crate) const HEADERS: &str = "headers";
pub(crate) const EXPOSE: &str = "expose";
pub(crate) const CREDENTIALS: &str = "credentials";
pub(crate) const MAX_AGE: &str = "max_age";
pub(crate) const PRIVATE_NETWORK: &str = "private_network";
pub(crate) const ALLOW_NULL_ORIGIN: &str = "allow_null_origin";
pub(crate) const ALLOW_INSECURE_ORIGINS: &str = "allow_insecure_origins";
pub(crate) const PREFLIGHT_STATUS: &str = "preflight_status";
pub(crate) const ENFORCE: &str = "enforce";
pub(crate) const POLICY: &str = "policy";
pub(crate) const DISABLE: &str = "disable";

/// Keys of `#[cors(...)]`, in documentation order.
pub(crate) const CORS_KEYS: &[&str] = &[
    ORIGINS,
    METHODS,
    HEADERS,
    EXPOSE,
    CREDENTIALS,
    MAX_AGE,
    PRIVATE_NETWORK,
    ALLOW_NULL_ORIGIN,
    ALLOW_INSECURE_ORIGINS,
    PREFLIGHT_STATUS,
    ENFORCE,
    POLICY,
    DISABLE,
];

/// Keys of `#[cors_policy(...)]`.
pub(crate) const POLICY_KEYS: &[&str] = &[
    ORIGINS,
    METHODS,
    HEADERS,
    EXPOSE,
    CREDENTIALS,
    MAX_AGE,
    PRIVATE_NETWORK,
    ALLOW_NULL_ORIGIN,
    ALLOW_INSECURE_ORIGINS,
    PREFLIGHT_STATUS,
    ENFORCE,
];

/// Methods `with_cors!` accepts, as axum's `MethodRouter` names them.
pub(crate) const ROUTE_METHODS: &[&str] =
    &["get", "head", "post", "put", "delete", "patch", "options"];
