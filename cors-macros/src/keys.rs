//! The attribute keys: one table, used for matching and for messages. Their names are the
//! ones cors-rules' problems use.

use cors_rules::Key;

pub(crate) const ORIGINS: &str = Key::Origins.name();
pub(crate) const METHODS: &str = Key::Methods.name();
pub(crate) const HEADERS: &str = Key::Headers.name();
pub(crate) const EXPOSE: &str = Key::Expose.name();
pub(crate) const CREDENTIALS: &str = Key::Credentials.name();
pub(crate) const MAX_AGE: &str = Key::MaxAge.name();
pub(crate) const PRIVATE_NETWORK: &str = Key::PrivateNetwork.name();
pub(crate) const ALLOW_NULL_ORIGIN: &str = Key::AllowNullOrigin.name();
pub(crate) const ALLOW_INSECURE_ORIGINS: &str = Key::AllowInsecureOrigins.name();
pub(crate) const PREFLIGHT_STATUS: &str = Key::PreflightStatus.name();
pub(crate) const ENFORCE: &str = Key::Enforce.name();
pub(crate) const POLICY: &str = Key::Policy.name();
pub(crate) const DISABLE: &str = Key::Disable.name();

/// Every key, with the rules' name for it.
pub(crate) const KEYS: &[(&str, Key)] = &[
    (ORIGINS, Key::Origins),
    (METHODS, Key::Methods),
    (HEADERS, Key::Headers),
    (EXPOSE, Key::Expose),
    (CREDENTIALS, Key::Credentials),
    (MAX_AGE, Key::MaxAge),
    (PRIVATE_NETWORK, Key::PrivateNetwork),
    (ALLOW_NULL_ORIGIN, Key::AllowNullOrigin),
    (ALLOW_INSECURE_ORIGINS, Key::AllowInsecureOrigins),
    (PREFLIGHT_STATUS, Key::PreflightStatus),
    (ENFORCE, Key::Enforce),
    (POLICY, Key::Policy),
    (DISABLE, Key::Disable),
];

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
