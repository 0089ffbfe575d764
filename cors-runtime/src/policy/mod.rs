//! A compiled policy: everything a request needs, precomputed when the router is built.
//!
//! One concern per file: the data and what it allows (here), building it (`compile`),
//! deciding a preflight (`preflight`) and an actual request (`actual`), its errors (`error`).

mod actual;
mod compile;
mod error;
mod preflight;
#[cfg(test)]
mod tests;

use std::{borrow::Cow, fmt};

use http::{HeaderValue, Method, StatusCode};

pub(crate) use actual::{Decision, Unmounted};
pub(crate) use compile::{Draft, DEFAULT_GROUP_METHODS};
pub use error::PolicyError;

use crate::{headers::AllowedNames, origin::OriginMatcher, spec::Names, vary::Vary};

/// Methods a policy allows.
#[derive(Clone, Debug)]
enum AllowMethods {
    Any,
    List(Box<[Method]>),
}

/// Request headers a policy allows, with the precomputed answer.
#[derive(Clone, Debug)]
enum AllowHeaders {
    /// Echo whatever valid names were requested.
    Any,
    /// The listed (lower-case) names; `value` is the joined list, `None` when empty.
    List {
        names: Box<[Cow<'static, str>]>,
        value: Option<HeaderValue>,
        /// The names again, sorted for [`headers::check_requested`].
        lookup: AllowedNames,
    },
}

/// A validated list-valued key (`methods`, `headers`, `expose`), borrowed from a [`Spec`] or
/// owned (built at run time).
#[derive(Clone, Debug)]
pub(crate) enum NameList {
    Default,
    Any,
    List(Box<[Cow<'static, str>]>),
}

impl NameList {
    fn of(names: Names) -> Self {
        match names {
            Names::Default => NameList::Default,
            Names::Any => NameList::Any,
            Names::List(list) => NameList::List(list.iter().map(|s| Cow::Borrowed(*s)).collect()),
        }
    }
}

/// What a list-valued key of a [`Policy`] allows: see [`Policy::methods`], [`Policy::headers`]
/// and [`Policy::expose`].
///
/// ```
/// use cors_runtime::{Allowed, Policy};
///
/// // A start-up log line for one key (the enum is `#[non_exhaustive]`: keep a `_` arm).
/// fn describe(allowed: Allowed<'_>) -> String {
///     match allowed {
///         Allowed::Any => "any".to_owned(),
///         Allowed::List(names) if names.is_empty() => "none".to_owned(),
///         Allowed::List(names) => names.join(", "),
///         Allowed::Mounted => "as mounted".to_owned(),
///         _ => "see the policy".to_owned(),
///     }
/// }
///
/// let policy = Policy::builder("Api")
///     .origins(["https://app.example"])
///     .methods(["GET", "PUT"])
///     .any_header()
///     .build()?;
/// assert_eq!(describe(policy.methods()), "GET, PUT, HEAD");
/// assert_eq!(describe(policy.headers()), "any");
/// assert_eq!(describe(policy.expose()), "none");
/// # Ok::<(), cors_runtime::PolicyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Allowed<'a> {
    /// `"*"`.
    Any,
    /// These names (possibly none).
    List(Vec<&'a str>),
    /// `methods` of a handler that lists none: the methods it is mounted under.
    Mounted,
}

/// Which origins a [`Policy`] allows: see [`Policy::origins`].
///
/// ```
/// use cors_runtime::{cors, policy_of, AllowedOrigins, Policy};
///
/// let public = Policy::builder("Public").any_origin().build()?;
/// assert_eq!(public.origins(), AllowedOrigins::Any);
///
/// let app = Policy::builder("App").origins(["https://app.example"]).build()?;
/// assert_eq!(app.origins(), AllowedOrigins::List(vec!["https://app.example"]));
///
/// #[cors(disable)]
/// async fn internal() {}
/// assert_eq!(policy_of::<internal>().origins(), AllowedOrigins::None);
/// # Ok::<(), cors_runtime::PolicyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AllowedOrigins<'a> {
    /// `"*"`: any origin, answered with a literal `*` on every actual response, with or without
    /// `Origin` (the same answer for everyone, so that any cached copy serves every page).
    Any,
    /// Exact origins (sorted) then wildcard-subdomain patterns, as listed.
    List(Vec<&'a str>),
    /// A predicate fn decides (`origins = path::to::fn`).
    Predicate,
    /// An async predicate decides
    /// ([`PolicyBuilder::origins_async`](crate::PolicyBuilder::origins_async)).
    AsyncPredicate,
    /// `origins = state(Type)`: the [`OriginCheck`](crate::OriginCheck) of this type, taken
    /// from the router state, decides.
    FromState(&'a str),
    /// `#[cors(disable)]`: no origin gets CORS headers.
    None,
}

/// A compiled CORS policy: the origin table and every header value, built once.
///
/// Built from a [`Spec`](crate::Spec) by the routers and layers the macros generate, or at run time from
/// configuration with [`Policy::builder`]; both produce this same type, checked by the same
/// rules. Use one as a group layer with [`CorsLayer::from`](crate::CorsLayer), inspect a
/// handler's with [`policy_of`](crate::policy_of), print it (its [`Display`](fmt::Display) is
/// a one-line summary for start-up logs).
///
/// ```
/// let policy = cors_runtime::Policy::builder("ApiPolicy")
///     .origins(["https://app.example.com"])
///     .methods(["GET", "PUT"])
///     .headers(["content-type", "authorization"])
///     .credentials(true)
///     .max_age(600)
///     .build()?;
/// assert_eq!(
///     policy.to_string(),
///     "CORS policy `ApiPolicy`: origins https://app.example.com; methods GET, PUT, HEAD; \
///      request headers content-type, authorization; exposed headers none; credentials; \
///      max-age 600 s"
/// );
/// # Ok::<(), cors_runtime::PolicyError>(())
/// ```
#[derive(Clone)]
pub struct Policy {
    name: Cow<'static, str>,
    disabled: bool,
    origins: OriginMatcher,
    methods: AllowMethods,
    /// `methods` not given for a handler: the mounted methods apply.
    methods_mounted: bool,
    headers: AllowHeaders,
    expose: Option<HeaderValue>,
    expose_names: NameList,
    credentials: bool,
    max_age: Option<HeaderValue>,
    max_age_secs: Option<u32>,
    private_network: bool,
    preflight_status: StatusCode,
    vary_actual: Option<Vary>,
    vary_preflight: Vary,
    enforce: bool,
    /// A hash of the name: tells policies apart without comparing them (see
    /// [`Policy::fingerprint`]).
    fingerprint: u64,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("name", &self.name)
            .field("disabled", &self.disabled)
            .field("origins", &self.origins)
            .field("methods", &self.methods)
            .field("methods_mounted", &self.methods_mounted)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("private_network", &self.private_network)
            .field("preflight_status", &self.preflight_status)
            .field("enforce", &self.enforce)
            .finish()
    }
}

/// A one-line summary for start-up logs: name, origins, methods, headers, exposed headers,
/// credentials, max-age (and private network, preflight status when not the defaults).
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(f: &mut fmt::Formatter<'_>, allowed: Allowed<'_>) -> fmt::Result {
            match allowed {
                Allowed::Any => f.write_str("*"),
                Allowed::Mounted => f.write_str("as mounted"),
                Allowed::List(list) if list.is_empty() => f.write_str("none"),
                Allowed::List(list) => f.write_str(&list.join(", ")),
            }
        }
        write!(f, "CORS policy `{}`: ", self.name)?;
        if self.disabled {
            return f.write_str("disabled (no CORS headers)");
        }
        f.write_str("origins ")?;
        match self.origins() {
            AllowedOrigins::Any => f.write_str("*")?,
            AllowedOrigins::List(list) => f.write_str(&list.join(", "))?,
            AllowedOrigins::Predicate => f.write_str("decided by a predicate")?,
            AllowedOrigins::AsyncPredicate => f.write_str("decided by an async predicate")?,
            AllowedOrigins::FromState(ty) => write!(f, "checked by `{ty}` from the app state")?,
            AllowedOrigins::None => f.write_str("none")?,
        }
        f.write_str("; methods ")?;
        list(f, self.methods())?;
        f.write_str("; request headers ")?;
        list(f, self.headers())?;
        f.write_str("; exposed headers ")?;
        list(f, self.expose())?;
        if self.credentials {
            f.write_str("; credentials")?;
        }
        if let Some(age) = self.max_age_secs {
            write!(f, "; max-age {age} s")?;
        }
        if self.enforce {
            f.write_str("; enforced (403 for other origins)")?;
        }
        if self.private_network {
            f.write_str("; private network")?;
        }
        if self.preflight_status != StatusCode::NO_CONTENT {
            write!(f, "; preflight status {}", self.preflight_status.as_u16())?;
        }
        Ok(())
    }
}

/// FNV-1a of `name`, never 0 (0 means "no policy" in a serving frame).
pub(super) fn fingerprint(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash.max(1)
}

impl Policy {
    /// Identifies the policy by its name (two layers of the same named policy are the same
    /// policy), without comparing strings on the request path.
    pub(crate) fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Whether the origin is decided by a `state(Type)` check the caller runs.
    pub(crate) fn checks_state(&self) -> bool {
        !self.disabled && matches!(self.origins, OriginMatcher::State(_))
    }

    /// The policy's name (handler, policy type, or the name given to [`Policy::builder`]).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("ApiPolicy").any_origin().build()?;
    /// assert_eq!(policy.name(), "ApiPolicy");
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `#[cors(disable)]`.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().build()?;
    /// assert!(!policy.is_disabled());
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }

    /// The origins this policy allows.
    ///
    /// ```
    /// use cors_runtime::{AllowedOrigins, Policy};
    ///
    /// let policy = Policy::builder("P")
    ///     .origins(["https://b.example", "https://*.a.example", "https://a.example"])
    ///     .build()?;
    /// assert_eq!(
    ///     policy.origins(),
    ///     AllowedOrigins::List(vec!["https://a.example", "https://b.example", "https://*.a.example"])
    /// );
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn origins(&self) -> AllowedOrigins<'_> {
        if self.disabled {
            return AllowedOrigins::None;
        }
        match &self.origins {
            OriginMatcher::Any => AllowedOrigins::Any,
            OriginMatcher::List { .. } => AllowedOrigins::List(self.origins.entries()),
            OriginMatcher::Predicate(_) => AllowedOrigins::Predicate,
            OriginMatcher::Async(_) => AllowedOrigins::AsyncPredicate,
            OriginMatcher::State(ty) => AllowedOrigins::FromState(ty),
        }
    }

    /// The methods this policy allows (`GET` brings `HEAD`, as in axum).
    ///
    /// ```
    /// use cors_runtime::{Allowed, Policy};
    ///
    /// let policy = Policy::builder("P").any_origin().methods(["PUT"]).build()?;
    /// assert_eq!(policy.methods(), Allowed::List(vec!["PUT"]));
    /// let group_default = Policy::builder("P").any_origin().build()?;
    /// assert_eq!(group_default.methods(), Allowed::List(vec!["GET", "HEAD", "POST"]));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn methods(&self) -> Allowed<'_> {
        match &self.methods {
            AllowMethods::Any => Allowed::Any,
            AllowMethods::List(_) if self.methods_mounted => Allowed::Mounted,
            AllowMethods::List(list) => Allowed::List(list.iter().map(Method::as_str).collect()),
        }
    }

    /// The request headers this policy allows (lower case), besides the CORS-safelisted ones.
    ///
    /// ```
    /// use cors_runtime::{Allowed, Policy};
    ///
    /// let policy = Policy::builder("P")
    ///     .any_origin()
    ///     .headers(["Content-Type", "authorization"])
    ///     .build()?;
    /// assert_eq!(policy.headers(), Allowed::List(vec!["content-type", "authorization"]));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn headers(&self) -> Allowed<'_> {
        match &self.headers {
            AllowHeaders::Any => Allowed::Any,
            AllowHeaders::List { names, .. } => Allowed::List(names.iter().map(|n| &**n).collect()),
        }
    }

    /// The response headers this policy exposes to scripts, besides the CORS-safelisted ones.
    ///
    /// ```
    /// use cors_runtime::{Allowed, Policy};
    ///
    /// let policy = Policy::builder("P").any_origin().expose(["x-request-id"]).build()?;
    /// assert_eq!(policy.expose(), Allowed::List(vec!["x-request-id"]));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn expose(&self) -> Allowed<'_> {
        match &self.expose_names {
            NameList::Any => Allowed::Any,
            NameList::Default => Allowed::List(Vec::new()),
            NameList::List(names) => Allowed::List(names.iter().map(|n| &**n).collect()),
        }
    }

    /// Whether responses carry `Access-Control-Allow-Credentials: true`.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P")
    ///     .origins(["https://a.example"])
    ///     .credentials(true)
    ///     .build()?;
    /// assert!(policy.credentials());
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn credentials(&self) -> bool {
        self.credentials
    }

    /// `Access-Control-Max-Age` in seconds, if sent.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().max_age(600).build()?;
    /// assert_eq!(policy.max_age(), Some(600));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn max_age(&self) -> Option<u32> {
        self.max_age_secs
    }

    /// Whether a preflight's `Access-Control-Request-Private-Network: true` is answered with
    /// `Access-Control-Allow-Private-Network: true` (the Private Network Access draft). Without
    /// it such a preflight is still answered, only without that header: the browser decides.
    /// Current Chrome no longer sends these preflights (Local Network Access asks the user
    /// instead; see SECURITY.md).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().build()?;
    /// assert!(!policy.private_network());
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn private_network(&self) -> bool {
        self.private_network
    }

    /// Whether requests from origins outside the policy are refused with 403 (`enforce`).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P")
    ///     .origins(["https://app.example"])
    ///     .enforce(true)
    ///     .build()?;
    /// assert!(policy.enforces());
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn enforces(&self) -> bool {
        self.enforce
    }

    /// The status of a successful preflight (204 or 200).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().build()?;
    /// assert_eq!(policy.preflight_status(), axum::http::StatusCode::NO_CONTENT);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn preflight_status(&self) -> StatusCode {
        self.preflight_status
    }

    pub(crate) fn needs_parts(&self) -> bool {
        self.origins.needs_parts()
    }

    /// The async origin predicate, when the policy has one (only runtime policies do).
    pub(crate) fn async_predicate(&self) -> Option<&crate::origin::AsyncPredicate> {
        if self.disabled {
            return None;
        }
        self.origins.async_predicate()
    }
}
