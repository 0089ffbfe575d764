//! A compiled policy: everything a request needs, precomputed when the router is built.

use std::{borrow::Cow, fmt};

use axum::{body::Body, response::Response};
use http::{
    header::{self, HeaderName},
    request::Parts,
    HeaderMap, HeaderValue, Method, StatusCode,
};

use crate::{
    headers::{self, AllowedNames, HeadersRefusal, Vary},
    origin::OriginMatcher,
    spec::{Names, Spec},
};

// Built once: looking a header up by `&str` parses the name on every request.
const ACRPN: HeaderName = HeaderName::from_static("access-control-request-private-network");
const ACAPN: HeaderName = HeaderName::from_static("access-control-allow-private-network");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");
/// `Content-Type` of the plain-text answers (built at compile time, not checked per request).
pub(crate) const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

/// A policy that could not be built: an invalid `env("VAR")` origin list, a
/// [`PolicyBuilder`](crate::PolicyBuilder) given invalid configuration, or a hand-written
/// [`Spec`] that breaks a rule.
///
/// The messages are the ones the macros report at compile time for the same mistakes.
///
/// ```
/// let error = cors_runtime::Policy::builder("ApiPolicy")
///     .origins(["https://app.example.com/"])
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "invalid CORS policy `ApiPolicy`: origin `https://app.example.com/` has a trailing slash; \
///      write `https://app.example.com`"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    policy: Cow<'static, str>,
    /// Never empty.
    problems: Vec<String>,
}

impl PolicyError {
    pub(crate) fn new(policy: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        PolicyError {
            policy: policy.into(),
            problems: vec![message.into()],
        }
    }

    /// `problems` must not be empty.
    pub(crate) fn many(policy: Cow<'static, str>, problems: Vec<String>) -> Self {
        debug_assert!(!problems.is_empty());
        PolicyError { policy, problems }
    }

    /// The (first) problem and its fix.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("P").build().unwrap_err();
    /// assert!(error.message().starts_with("the policy has no origins"));
    /// ```
    pub fn message(&self) -> &str {
        &self.problems[0]
    }

    /// Every problem found (a [`PolicyBuilder`](crate::PolicyBuilder) reports all of them, as
    /// the macros do), each with its fix.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("P")
    ///     .origins(["https://a.example/", "http//b.example"])
    ///     .methods(["get"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.problems().len(), 3);
    /// ```
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The name of the policy that could not be built.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("ApiPolicy").build().unwrap_err();
    /// assert_eq!(error.policy(), "ApiPolicy");
    /// ```
    pub fn policy(&self) -> &str {
        &self.policy
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.policy.is_empty() {
            f.write_str("invalid CORS policy: ")?;
        } else {
            write!(f, "invalid CORS policy `{}`: ", self.policy)?;
        }
        match &self.problems[..] {
            [one] => f.write_str(one),
            many => {
                write!(f, "{} problems", many.len())?;
                for problem in many {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PolicyError {}

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

/// Per-request inputs of a decision besides the headers: the request head (for predicates),
/// the matched route (for the log line) and the answer of an async predicate.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ctx<'a> {
    pub(crate) parts: Option<&'a Parts>,
    pub(crate) route: RouteOf<'a>,
    pub(crate) resolved: Option<bool>,
}

/// The route a request matched (a `CorsRouter`'s pattern, or axum's `MatchedPath` for a
/// `CorsLayer` inside a router), for log lines.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) enum RouteOf<'a> {
    #[default]
    Unknown,
    Name(&'a str),
}

impl<'a> RouteOf<'a> {
    pub(crate) fn get(self) -> Option<&'a str> {
        match self {
            RouteOf::Unknown => None,
            RouteOf::Name(name) => Some(name),
        }
    }
}

/// Why a CORS request was refused; logged, and named in a rejected preflight's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    Origin,
    Method,
    Header,
    HeadersMalformed,
    HeadersTooLong,
    Disabled,
    NoHandler,
    NoPolicy,
    Enforced,
    /// `enforce`: no `Origin`, and `Sec-Fetch-Site: cross-site` (not a top-level navigation).
    CrossSite,
}

impl Reason {
    pub(crate) fn text(self) -> &'static str {
        match self {
            Reason::Origin => "CORS preflight rejected: origin not allowed",
            Reason::Method => "CORS preflight rejected: method not allowed",
            Reason::Header => "CORS preflight rejected: request header not allowed",
            Reason::HeadersMalformed => {
                "CORS preflight rejected: malformed Access-Control-Request-Headers"
            }
            Reason::HeadersTooLong => {
                "CORS preflight rejected: Access-Control-Request-Headers too long"
            }
            Reason::Disabled => "CORS preflight rejected: CORS is disabled for this method",
            Reason::NoHandler => "CORS preflight rejected: no CORS-enabled handler for this method",
            Reason::NoPolicy => "CORS preflight rejected: no CORS policy covers this route",
            Reason::Enforced => "request refused: origin not allowed by the CORS policy",
            Reason::CrossSite => {
                "request refused: cross-site request without Origin (Sec-Fetch-Site: cross-site)"
            }
        }
    }

    fn key(self) -> &'static str {
        match self {
            Reason::Origin => "origin",
            Reason::Method => "method",
            Reason::Header => "header",
            Reason::HeadersMalformed => "malformed-request-headers",
            Reason::HeadersTooLong => "request-headers-too-long",
            Reason::Disabled => "disabled",
            Reason::NoHandler => "no-handler",
            Reason::NoPolicy => "no-policy",
            Reason::Enforced => "enforce",
            Reason::CrossSite => "enforce-cross-site",
        }
    }
}

/// Escapes bytes from a request header for a log line (no control characters, no raw
/// non-UTF-8), capped at 256 bytes.
pub(crate) struct Escaped<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = self.0.len() > 256;
        let bytes = &self.0[..self.0.len().min(256)];
        f.write_str("\"")?;
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                write!(f, "{}", c.escape_debug())?;
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        f.write_str("\"")?;
        if cut {
            write!(f, "... ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

/// The request's single `Origin`, or `None` (absent, or several fields: not a valid CORS request).
pub(crate) fn single<'a>(
    headers: &'a HeaderMap,
    name: &header::HeaderName,
) -> Option<&'a HeaderValue> {
    let mut all = headers.get_all(name).iter();
    let first = all.next()?;
    if all.next().is_some() {
        return None;
    }
    Some(first)
}

/// One lookup of `name`: whether the request has it at all, and its value if it has exactly
/// one (as [`single`]).
pub(crate) fn present_and_single<'a>(
    headers: &'a HeaderMap,
    name: &header::HeaderName,
) -> (bool, Option<&'a HeaderValue>) {
    let mut all = headers.get_all(name).iter();
    match all.next() {
        None => (false, None),
        Some(first) => (true, all.next().is_none().then_some(first)),
    }
}

/// Is this request a CORS preflight (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`)?
///
/// For logs and metrics. Never let a request skip authentication because it looks like a
/// preflight: anyone can send those headers, and the request then reaches your handler
/// unauthenticated. A [`CorsRouter`](crate::CorsRouter) answers real preflights before your
/// middleware runs, so the middleware never needs to tell them apart.
///
/// ```
/// use axum::http::{Method, Request};
///
/// let preflight = Request::builder()
///     .method(Method::OPTIONS)
///     .header("origin", "https://app.example.com")
///     .header("access-control-request-method", "PUT")
///     .body(())
///     .unwrap();
/// assert!(cors_runtime::is_preflight(preflight.method(), preflight.headers()));
/// ```
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key(header::ORIGIN)
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// A compiled CORS policy: the origin table and every header value, built once.
///
/// Built from a [`Spec`] by the routers and layers the macros generate, or at run time from
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
fn fingerprint(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash.max(1)
}

const DEFAULT_GROUP_METHODS: &[Method] = &[Method::GET, Method::HEAD, Method::POST];

fn header_list(names: &[Cow<'static, str>]) -> Option<HeaderValue> {
    if names.is_empty() {
        return None;
    }
    HeaderValue::from_str(&names.join(", ")).ok()
}

/// The validated content of a policy, before its header values are built: from a [`Spec`]
/// (macros) or a [`PolicyBuilder`](crate::PolicyBuilder) (run time).
pub(crate) struct Draft {
    pub(crate) name: Cow<'static, str>,
    pub(crate) disabled: bool,
    pub(crate) origins: OriginMatcher,
    pub(crate) methods: NameList,
    pub(crate) headers: NameList,
    pub(crate) expose: NameList,
    pub(crate) credentials: bool,
    pub(crate) max_age: Option<u32>,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: u16,
    pub(crate) enforce: bool,
}

impl Policy {
    /// Compiles `spec` as a group policy (default methods GET, HEAD, POST).
    ///
    /// ```
    /// use cors_runtime::{Names, Origins, Policy, Spec};
    ///
    /// let spec = Spec {
    ///     name: "api",
    ///     origins: Origins::Any,
    ///     expose: Names::List(&["x-request-id"]),
    ///     credentials: true,
    ///     ..Spec::DEFAULT
    /// };
    /// let error = Policy::new(&spec).unwrap_err();
    /// assert!(error.message().starts_with("`credentials` cannot be combined"), "{error}");
    /// ```
    pub fn new(spec: &Spec) -> Result<Policy, PolicyError> {
        if let crate::spec::Origins::State(ty) = spec.origins {
            return Err(PolicyError::new(
                spec.name,
                format!("`origins = state({ty})` needs the router state; build the layer with `{}::layer_with_state(&state)`", spec.name),
            ));
        }
        Policy::build(spec, DEFAULT_GROUP_METHODS)
    }

    /// This policy with its `state(Type)` origins replaced by the check `T` taken from `state`.
    pub(crate) fn with_state_check<T: crate::OriginCheck>(mut self, check: T) -> Policy {
        if matches!(self.origins, OriginMatcher::State(_)) {
            self.origins = OriginMatcher::Async(std::sync::Arc::new(move |origin| {
                Box::pin(check.clone().allows(origin)) as crate::origin::OriginCheckFuture
            }));
        }
        self
    }

    /// This policy with its `state(Type)` origins replaced by `check` (a `with_cors!` handler's
    /// check, bound to the router state by `CorsRouter::with_state`).
    pub(crate) fn with_origin_check(mut self, check: crate::origin::AsyncPredicate) -> Policy {
        if matches!(self.origins, OriginMatcher::State(_)) {
            self.origins = OriginMatcher::Async(check);
        }
        self
    }

    /// Identifies the policy by its name (two layers of the same named policy are the same
    /// policy), without comparing strings on the request path.
    pub(crate) fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Whether the origin is decided by a `state(Type)` check the caller runs.
    pub(crate) fn checks_state(&self) -> bool {
        !self.disabled && matches!(self.origins, OriginMatcher::State(_))
    }

    /// Compiles `spec`; `mounted` are the methods used when the spec lists none.
    pub(crate) fn build(spec: &Spec, mounted: &[Method]) -> Result<Policy, PolicyError> {
        let entries = crate::check::spec(spec)?;
        let origins = OriginMatcher::new(spec, entries)?;
        Policy::assemble(
            Draft {
                name: Cow::Borrowed(spec.name),
                disabled: spec.disabled,
                origins,
                methods: NameList::of(spec.methods),
                headers: NameList::of(spec.headers),
                expose: NameList::of(spec.expose),
                credentials: spec.credentials,
                max_age: spec.max_age,
                private_network: spec.private_network,
                preflight_status: spec.preflight_status,
                enforce: spec.enforce,
            },
            mounted,
        )
    }

    /// Builds the header values of validated `parts`.
    pub(crate) fn assemble(parts: Draft, mounted: &[Method]) -> Result<Policy, PolicyError> {
        let Draft {
            name,
            disabled,
            origins,
            methods,
            headers,
            expose,
            credentials,
            max_age,
            private_network: pna,
            preflight_status,
            enforce,
        } = parts;
        let methods_mounted = matches!(methods, NameList::Default) && mounted.is_empty();
        let methods = match methods {
            NameList::Any => AllowMethods::Any,
            NameList::Default => AllowMethods::List(mounted.into()),
            NameList::List(list) => {
                let mut methods = Vec::with_capacity(list.len() + 1);
                for m in list.iter() {
                    let method = Method::from_bytes(m.as_bytes()).map_err(|_| {
                        PolicyError::new(name.clone(), format!("method `{m}` is not a valid token"))
                    })?;
                    methods.push(method);
                }
                // `GET` also serves `HEAD` in axum.
                if methods.contains(&Method::GET) && !methods.contains(&Method::HEAD) {
                    methods.push(Method::HEAD);
                }
                AllowMethods::List(methods.into())
            }
        };
        let headers = match headers {
            NameList::Any => AllowHeaders::Any,
            NameList::Default => AllowHeaders::List {
                names: Box::default(),
                value: None,
                lookup: AllowedNames::default(),
            },
            NameList::List(names) => AllowHeaders::List {
                value: header_list(&names),
                lookup: AllowedNames::new(&names),
                names,
            },
        };
        let expose_value = match &expose {
            NameList::Any => Some(HeaderValue::from_static("*")),
            NameList::Default => None,
            NameList::List(names) => header_list(names),
        };
        let varies = origins.varies() || credentials;
        let vary_preflight = match (varies, pna) {
            (true, false) => Vary::PREFLIGHT,
            (false, false) => Vary::PREFLIGHT_ANY_ORIGIN,
            (true, true) => Vary::PREFLIGHT_PNA,
            (false, true) => Vary::PREFLIGHT_ANY_ORIGIN_PNA,
        };
        Ok(Policy {
            disabled,
            origins,
            methods,
            methods_mounted,
            headers,
            expose: expose_value,
            expose_names: expose,
            credentials,
            max_age: max_age.map(HeaderValue::from),
            max_age_secs: max_age,
            private_network: pna,
            preflight_status: if preflight_status == 200 {
                StatusCode::OK
            } else {
                StatusCode::NO_CONTENT
            },
            vary_actual: match (disabled, enforce, varies) {
                (true, _, _) | (false, false, false) => None,
                (false, true, _) => Some(Vary::ENFORCE),
                (false, false, true) => Some(Vary::ORIGIN),
            },
            vary_preflight,
            enforce: enforce && !disabled,
            fingerprint: fingerprint(&name),
            name,
        })
    }

    /// This policy with `mounted` as its methods when its spec lists none (a handler's default:
    /// the methods it is mounted under). Shares everything else, `env("VAR")` origins included.
    pub(crate) fn for_mount(&self, spec: &Spec, mounted: &[Method]) -> Policy {
        let mut policy = self.clone();
        if matches!(spec.methods, Names::Default) {
            policy.methods = AllowMethods::List(mounted.into());
            policy.methods_mounted = false;
        }
        policy
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

    /// Decides an actual (non-preflight) request: the `Access-Control-Allow-Origin` value to send,
    /// or `None`. `ctx.parts` is needed only when [`Policy::needs_parts`].
    ///
    /// `origins = "*"` answers `*` to every request, whether or not it has an `Origin` (and
    /// whatever that is: several fields, an oversized value): the response is then the same for
    /// everyone, so a shared cache may store any of them and serve it to every reader (Fetch
    /// standard, "CORS protocol and HTTP caches"), and it needs no `Vary`.
    pub(crate) fn actual(&self, headers: &HeaderMap, ctx: Ctx<'_>) -> Decision {
        if let Some(any) = self.any_origin() {
            return any;
        }
        let Some(origin) = single(headers, &header::ORIGIN) else {
            return Decision::default();
        };
        self.actual_for(origin, ctx)
    }

    /// [`Policy::actual`] for the request's (single) `origin`.
    pub(crate) fn actual_for(&self, origin: &HeaderValue, ctx: Ctx<'_>) -> Decision {
        if self.disabled {
            return Decision::default();
        }
        if let Some(any) = self.any_origin() {
            return any;
        }
        let allow_origin = self.origins.allow(origin, ctx.parts, ctx.resolved);
        // Kept for the log line, which is written only if this decision is applied (an outer
        // group's decision is dropped when the route answered), and only when it is enabled.
        let refused = (allow_origin.is_none()
            && tracing::enabled!(target: "cors_runtime", tracing::Level::DEBUG))
        .then(|| {
            Box::new(Refused {
                origin: origin.clone(),
                route: ctx.route.get().map(Box::from),
            })
        });
        Decision {
            allow_origin,
            refused,
        }
    }

    /// The decision of every actual request to an `origins = "*"` policy (`None` for others).
    fn any_origin(&self) -> Option<Decision> {
        (!self.disabled && matches!(self.origins, OriginMatcher::Any)).then(|| Decision {
            allow_origin: Some(HeaderValue::from_static("*")),
            refused: None,
        })
    }

    /// `enforce`: the 403 to send instead of running the handler, for an actual request this
    /// policy refuses.
    ///
    /// - **With `Origin`** (every CORS request, and every browser request whose method is not
    ///   `GET` or `HEAD`: Fetch adds `Origin` to those): refused unless the origin is allowed or
    ///   the browser says `Sec-Fetch-Site: same-origin` (the API's own pages; page scripts
    ///   cannot set `Sec-*` headers). Several `Origin` fields (which no browser sends) are
    ///   refused.
    /// - **Without `Origin`**, the Fetch Metadata resource-isolation policy: a request with
    ///   `Sec-Fetch-Site: cross-site` is refused (another site's `<img>`, `<script>`, `<iframe>`,
    ///   `no-cors` `fetch`), unless it is a top-level navigation (`Sec-Fetch-Mode: navigate` and
    ///   `Sec-Fetch-Dest: document`: a link followed from another site). `same-site`, `none`
    ///   (typed into the address bar, a bookmark), `same-origin`, and requests without a valid
    ///   `Sec-Fetch-Site` (non-browser clients, older browsers; the Fetch Metadata spec says to
    ///   ignore an invalid value) pass. Such a request is a `GET` or `HEAD` when a browser sends
    ///   it, so the method is not looked at.
    ///
    /// The answer depends on these four headers: [`Vary::ENFORCE`] names them, on the refusal and
    /// (through [`Policy::decorate`]) on every response the policy lets through.
    pub(crate) fn enforce(
        &self,
        method: &Method,
        headers: &HeaderMap,
        decision: &Decision,
        route: RouteOf<'_>,
    ) -> Option<Rejection> {
        if !self.enforce || decision.allow_origin.is_some() {
            return None;
        }
        let mut origins = headers.get_all(header::ORIGIN).iter();
        let Some(origin) = origins.next() else {
            return self.enforce_without_origin(method, headers, route);
        };
        let several = origins.next().is_some();
        if !several && fetch_metadata_is(headers, &SEC_FETCH_SITE, b"same-origin") {
            return None;
        }
        Some(Rejection::refused_request(
            &self.name,
            Reason::Enforced,
            Some(origin.as_bytes()),
            method,
            headers,
            route,
        ))
    }

    /// [`Policy::enforce`] for a request without `Origin`.
    fn enforce_without_origin(
        &self,
        method: &Method,
        headers: &HeaderMap,
        route: RouteOf<'_>,
    ) -> Option<Rejection> {
        if !fetch_metadata_is(headers, &SEC_FETCH_SITE, b"cross-site") {
            return None;
        }
        if fetch_metadata_is(headers, &SEC_FETCH_MODE, b"navigate")
            && fetch_metadata_is(headers, &SEC_FETCH_DEST, b"document")
        {
            return None;
        }
        // The log names what was refused: the destination (`image`, `script`, `empty`, ...).
        let dest = single(headers, &SEC_FETCH_DEST).map(HeaderValue::as_bytes);
        Some(Rejection::refused_request(
            &self.name,
            Reason::CrossSite,
            dest,
            method,
            headers,
            route,
        ))
    }

    /// Adds the CORS headers of an actual response.
    pub(crate) fn decorate(&self, decision: Decision, headers: &mut HeaderMap) {
        if let Some(vary) = &self.vary_actual {
            vary.apply(headers);
        }
        if let Some(refused) = &decision.refused {
            tracing::debug!(
                target: "cors_runtime",
                policy = &*self.name,
                route = refused.route.as_deref().unwrap_or(""),
                origin = %Escaped(refused.origin.as_bytes()),
                reason = "origin",
                "CORS request from a disallowed origin: no CORS headers added"
            );
        }
        let Some(origin) = decision.allow_origin else {
            return;
        };
        match headers.entry(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
            // Somebody closer to the handler already answered; never send two.
            header::Entry::Occupied(_) => return,
            header::Entry::Vacant(entry) => {
                entry.insert(origin);
            }
        }
        if self.credentials {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        if let Some(expose) = &self.expose {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
        }
    }

    /// Answers a preflight: the success response, or a [`Rejection`] to log and send.
    pub(crate) fn preflight(
        &self,
        headers: &HeaderMap,
        ctx: Ctx<'_>,
    ) -> Result<Response, Rejection> {
        let origin = single(headers, &header::ORIGIN);
        let method = single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD);
        self.preflight_with(origin, method, headers, ctx)
    }

    /// [`Policy::preflight`] with the request's single `Origin` and
    /// `Access-Control-Request-Method` (see [`single`]) already looked up by the caller.
    pub(crate) fn preflight_with(
        &self,
        origin: Option<&HeaderValue>,
        method: Option<&HeaderValue>,
        headers: &HeaderMap,
        ctx: Ctx<'_>,
    ) -> Result<Response, Rejection> {
        let source = Source(headers);
        match self.approve(origin, method, source, ctx) {
            Ok(approved) => Ok(self.answer(approved, Some(source))),
            Err((reason, detail)) => Err(self.reject(reason, detail, source, ctx.route)),
        }
    }

    fn reject(
        &self,
        reason: Reason,
        detail: Option<&[u8]>,
        source: Source<'_>,
        route: RouteOf<'_>,
    ) -> Rejection {
        Rejection::from_source(
            &self.name,
            reason,
            detail,
            source,
            route,
            Some(&self.vary_preflight),
        )
    }

    /// Checks a preflight against the policy, in the Fetch standard's order: origin, method,
    /// request headers.
    ///
    /// `Access-Control-Request-Private-Network: true` never refuses a preflight: a policy with
    /// `private_network` grants it (`Access-Control-Allow-Private-Network: true`), any other
    /// answers as if it had not been asked, and the browser decides (as rs/cors and the Private
    /// Network Access draft do).
    fn approve<'a>(
        &self,
        origin: Option<&'a HeaderValue>,
        method: Option<&'a HeaderValue>,
        source: Source<'a>,
        ctx: Ctx<'_>,
    ) -> Result<Approved, (Reason, Option<&'a [u8]>)> {
        if self.disabled {
            return Err((Reason::Disabled, None));
        }
        let origin = origin.ok_or((Reason::Origin, None))?;
        let allow_origin = self
            .origins
            .allow(origin, ctx.parts, ctx.resolved)
            .ok_or((Reason::Origin, Some(origin.as_bytes())))?;
        let method = method.ok_or((Reason::Method, None))?;
        if !self.allows_method(method.as_bytes()) {
            return Err((Reason::Method, Some(method.as_bytes())));
        }
        let allowed = match &self.headers {
            AllowHeaders::Any => None,
            AllowHeaders::List { lookup, .. } => Some(lookup),
        };
        let any_requested = source.check_requested(allowed).map_err(|e| match e {
            HeadersRefusal::NotAllowed(name) => (Reason::Header, Some(name)),
            HeadersRefusal::Malformed => (Reason::HeadersMalformed, None),
            HeadersRefusal::TooLong => (Reason::HeadersTooLong, None),
        })?;
        Ok(Approved {
            allow_origin,
            // The requested method, echoed: it is a token, and allowed.
            method: method.clone(),
            any_requested,
            // Looked up only when it can change the answer.
            private_network: self.private_network && source.private_network(),
        })
    }

    /// The success response to an approved preflight. `request` (the preflight's CORS headers)
    /// is read only to echo the requested header names under `headers = "*"`.
    fn answer(&self, approved: Approved, request: Option<Source<'_>>) -> Response {
        let mut map = HeaderMap::with_capacity(8);
        map.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, approved.allow_origin);
        if self.credentials {
            map.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        map.insert(header::ACCESS_CONTROL_ALLOW_METHODS, approved.method);
        if approved.any_requested {
            match &self.headers {
                AllowHeaders::List {
                    value: Some(value), ..
                } => {
                    map.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value.clone());
                }
                AllowHeaders::List { value: None, .. } => {}
                AllowHeaders::Any => {
                    if let Some(request) = request {
                        request.echo_requested(&mut map);
                    }
                }
            }
        }
        if let Some(max_age) = &self.max_age {
            map.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        if approved.private_network {
            map.insert(ACAPN, HeaderValue::from_static("true"));
        }
        // A fresh map: nothing to merge with.
        self.vary_preflight.insert(&mut map);
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.preflight_status;
        *response.headers_mut() = map;
        response
    }

    fn allows_method(&self, method: &[u8]) -> bool {
        if !headers::is_token(method) {
            return false;
        }
        match &self.methods {
            AllowMethods::Any => true,
            AllowMethods::List(list) => list.iter().any(|m| m.as_str().as_bytes() == method),
        }
    }
}

/// Whether the request has exactly one `name` field, equal to `value` (a Fetch Metadata token,
/// compared byte for byte: browsers send them lower case). Anything else (absent, repeated, an
/// unknown or mis-cased value) is not a browser's, and counts as "not `value`".
fn fetch_metadata_is(headers: &HeaderMap, name: &HeaderName, value: &[u8]) -> bool {
    single(headers, name).is_some_and(|v| v.as_bytes() == value)
}

/// The request's CORS headers, as a preflight decision reads them (the preflight's map, kept
/// whole across an async origin check: a preflight is never passed on, so it is moved, not
/// copied).
#[derive(Clone, Copy)]
struct Source<'a>(&'a HeaderMap);

impl<'a> Source<'a> {
    fn check_requested(self, allowed: Option<&AllowedNames>) -> Result<bool, HeadersRefusal<'a>> {
        let fields = self.0.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        headers::check_requested(|| fields.iter(), allowed)
    }

    fn private_network(self) -> bool {
        self.0
            .get(ACRPN)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    }

    /// Echoes the requested header names as `Access-Control-Allow-Headers` (`headers = "*"`).
    fn echo_requested(self, map: &mut HeaderMap) {
        for value in self.0.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            if !value.is_empty() {
                map.append(header::ACCESS_CONTROL_ALLOW_HEADERS, value.clone());
            }
        }
    }

    /// The escaped values of one of the CORS request headers, for a log line.
    fn log_field(self, name: &HeaderName) -> String {
        self.0
            .get_all(name)
            .iter()
            .map(|v| Escaped(v.as_bytes()).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A preflight the policy accepts; its answer is not built yet.
#[derive(Debug)]
pub(crate) struct Approved {
    allow_origin: HeaderValue,
    method: HeaderValue,
    any_requested: bool,
    private_network: bool,
}

/// A refused request, not yet logged nor answered.
#[derive(Debug)]
pub(crate) struct Rejection {
    reason: Reason,
    vary: Option<Vary>,
    /// Escaped `[policy, route, refused, origin, method, headers]`, rendered only when debug
    /// logging is on. For a preflight, `method` and `headers` are the requested ones; for an
    /// actual request (`enforce`), the request's method and its `Sec-Fetch-Site`.
    log: Option<Box<[String; 6]>>,
    /// The refusal of an actual request (`enforce`), not of a preflight.
    request: bool,
}

impl Rejection {
    pub(crate) fn new(
        policy: &str,
        reason: Reason,
        detail: Option<&[u8]>,
        headers: &HeaderMap,
        route: RouteOf<'_>,
        vary: Option<&Vary>,
    ) -> Self {
        Rejection::from_source(policy, reason, detail, Source(headers), route, vary)
    }

    /// The `enforce` refusal of an actual request: logged with the request's method and
    /// `Sec-Fetch-Site`.
    fn refused_request(
        policy: &str,
        reason: Reason,
        detail: Option<&[u8]>,
        method: &Method,
        headers: &HeaderMap,
        route: RouteOf<'_>,
    ) -> Self {
        let log = tracing::enabled!(target: "cors_runtime", tracing::Level::DEBUG).then(|| {
            let source = Source(headers);
            Box::new([
                policy.to_owned(),
                route.get().map_or_else(String::new, str::to_owned),
                detail.map(|d| Escaped(d).to_string()).unwrap_or_default(),
                source.log_field(&header::ORIGIN),
                Escaped(method.as_str().as_bytes()).to_string(),
                source.log_field(&SEC_FETCH_SITE),
            ])
        });
        Rejection {
            reason,
            vary: Some(Vary::ENFORCE),
            log,
            request: true,
        }
    }

    fn from_source(
        policy: &str,
        reason: Reason,
        detail: Option<&[u8]>,
        source: Source<'_>,
        route: RouteOf<'_>,
        vary: Option<&Vary>,
    ) -> Self {
        let log = tracing::enabled!(target: "cors_runtime", tracing::Level::DEBUG).then(|| {
            Box::new([
                policy.to_owned(),
                route.get().map_or_else(String::new, str::to_owned),
                detail.map(|d| Escaped(d).to_string()).unwrap_or_default(),
                source.log_field(&header::ORIGIN),
                source.log_field(&header::ACCESS_CONTROL_REQUEST_METHOD),
                source.log_field(&header::ACCESS_CONTROL_REQUEST_HEADERS),
            ])
        });
        Rejection {
            reason,
            vary: vary.copied(),
            log,
            request: false,
        }
    }

    /// Logs the rejection and builds its response: 403, a short plain-text reason, no
    /// `Access-Control-*` header, and `Vary` naming what the answer depended on.
    pub(crate) fn into_response(self) -> Response {
        if let (Some(log), true) = (&self.log, self.request) {
            let [policy, route, refused, origin, method, site] = &**log;
            tracing::debug!(
                target: "cors_runtime",
                policy = policy.as_str(),
                route = route.as_str(),
                reason = self.reason.key(),
                refused = %refused,
                origin = %origin,
                method = %method,
                sec_fetch_site = %site,
                "{}",
                self.reason.text()
            );
        } else if let Some(log) = &self.log {
            let [policy, route, refused, origin, method, headers] = &**log;
            tracing::debug!(
                target: "cors_runtime",
                policy = policy.as_str(),
                route = route.as_str(),
                reason = self.reason.key(),
                refused = %refused,
                origin = %origin,
                method = %method,
                headers = %headers,
                "{}",
                self.reason.text()
            );
        }
        let mut response = Response::new(Body::from(self.reason.text()));
        *response.status_mut() = StatusCode::FORBIDDEN;
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, TEXT_PLAIN);
        match &self.vary {
            Some(vary) => vary.apply(response.headers_mut()),
            None => Vary::PREFLIGHT_ANY_ORIGIN.apply(response.headers_mut()),
        }
        response
    }
}

/// The answer to a method none of a route's `with_cors!` handlers serves (axum's `405`, or your
/// `method_not_allowed_fallback`'s): readable by an origin that every handler's policy allows,
/// so that a page sees the `405` rather than a CORS error. Credentials only when every policy
/// has them; nothing exposed; `Vary: Origin` when the answer depends on the origin.
#[derive(Debug, Default)]
pub(crate) struct Unmounted {
    allow_origin: Option<HeaderValue>,
    credentials: bool,
    varies: bool,
}

impl Unmounted {
    /// Decides for the request's `headers` with the `policies` of the route's handlers. A policy
    /// that decides at run time with the request head or asynchronously (a predicate, an async
    /// check) makes the answer "not readable": the 405 is not worth a lookup.
    pub(crate) fn decide<'a>(
        policies: impl Iterator<Item = &'a Policy>,
        headers: &HeaderMap,
    ) -> Unmounted {
        let origin = single(headers, &header::ORIGIN);
        let mut answer = Unmounted {
            allow_origin: None,
            credentials: true,
            varies: false,
        };
        let mut every = true;
        for policy in policies {
            answer.varies |= policy.vary_actual.is_some();
            answer.credentials &= policy.credentials;
            if policy.needs_parts() || policy.async_predicate().is_some() {
                every = false;
                continue;
            }
            let decision = match (policy.any_origin(), origin) {
                (Some(any), _) => any,
                (None, Some(origin)) => policy.actual_for(origin, Ctx::default()),
                (None, None) => Decision::default(),
            };
            match decision.allow_origin {
                None => every = false,
                // An echoed origin wins over `*` (it is allowed by the `*` policy too).
                Some(value) => match &answer.allow_origin {
                    Some(current) if current != "*" => {}
                    _ => answer.allow_origin = Some(value),
                },
            }
        }
        if !every {
            answer.allow_origin = None;
        }
        answer
    }

    /// Adds the CORS headers to the response of the unserved method.
    pub(crate) fn decorate(self, headers: &mut HeaderMap) {
        if self.varies {
            Vary::ORIGIN.apply(headers);
        }
        let Some(origin) = self.allow_origin else {
            return;
        };
        let star = origin == "*";
        if let header::Entry::Vacant(entry) = headers.entry(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
            entry.insert(origin);
            if self.credentials && !star {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
        }
    }
}

/// What an actual request gets, decided before the handler runs.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    allow_origin: Option<HeaderValue>,
    /// The refused origin and the route, when debug logging is on.
    refused: Option<Box<Refused>>,
}

impl Decision {
    /// Whether the origin is allowed (an `Access-Control-Allow-Origin` value will be sent).
    pub(crate) fn is_allowed(&self) -> bool {
        self.allow_origin.is_some()
    }
}

#[derive(Debug)]
pub(crate) struct Refused {
    origin: HeaderValue,
    route: Option<Box<str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "https://app.example.com";

    fn map(headers: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn enforcing() -> Policy {
        Policy::builder("Enforcing")
            .origins([APP])
            .enforce(true)
            .build()
            .unwrap()
    }

    /// `Some(reason key)` when `enforce` refuses a request with these headers.
    fn enforced(policy: &Policy, headers: &[(&str, &str)]) -> Option<&'static str> {
        let headers = map(headers);
        let decision = policy.actual(&headers, Ctx::default());
        policy
            .enforce(&Method::GET, &headers, &decision, RouteOf::Unknown)
            .map(|rejection| rejection.reason.key())
    }

    #[test]
    fn enforce_follows_the_fetch_metadata_resource_isolation_policy() {
        let policy = enforcing();
        let site = "sec-fetch-site";
        let (mode, dest) = ("sec-fetch-mode", "sec-fetch-dest");
        let cross_site = "enforce-cross-site";
        type Headers<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(Headers<'_>, Option<&str>)] = &[
            // Without `Origin`: no Fetch Metadata (curl, servers, old browsers) passes.
            (&[], None),
            // The browser's own requests and the user's: pass.
            (&[(site, "same-origin")], None),
            (
                &[(site, "none"), (mode, "navigate"), (dest, "document")],
                None,
            ),
            // Same site (a sibling subdomain's `<img>`): passes (see `Policy::enforce`).
            (
                &[(site, "same-site"), (mode, "no-cors"), (dest, "image")],
                None,
            ),
            // Another site's `<img>`, `no-cors` fetch, `<script>`, `<iframe>`, `<object>`: 403.
            (
                &[(site, "cross-site"), (mode, "no-cors"), (dest, "image")],
                Some(cross_site),
            ),
            (
                &[(site, "cross-site"), (mode, "no-cors"), (dest, "empty")],
                Some(cross_site),
            ),
            (
                &[(site, "cross-site"), (mode, "no-cors"), (dest, "script")],
                Some(cross_site),
            ),
            (
                &[(site, "cross-site"), (mode, "navigate"), (dest, "iframe")],
                Some(cross_site),
            ),
            (
                &[(site, "cross-site"), (mode, "navigate"), (dest, "object")],
                Some(cross_site),
            ),
            (
                &[(site, "cross-site"), (mode, "navigate"), (dest, "embed")],
                Some(cross_site),
            ),
            (&[(site, "cross-site")], Some(cross_site)),
            // A top-level navigation from another site (a link): passes.
            (
                &[(site, "cross-site"), (mode, "navigate"), (dest, "document")],
                None,
            ),
            // ...but only a well-formed one.
            (
                &[(site, "cross-site"), (mode, "navigate")],
                Some(cross_site),
            ),
            (
                &[(site, "cross-site"), (mode, "Navigate"), (dest, "document")],
                Some(cross_site),
            ),
            (
                &[
                    (site, "cross-site"),
                    (mode, "navigate"),
                    (dest, "document"),
                    (dest, "document"),
                ],
                Some(cross_site),
            ),
            // An invalid `Sec-Fetch-Site` is ignored (the Fetch Metadata spec): no browser sends
            // one, and a client that can send it can as well leave the header out.
            (&[(site, "Cross-Site")], None),
            (&[(site, "cross-site, cross-site")], None),
            (&[(site, "cross-site"), (site, "cross-site")], None),
            (&[(site, "elsewhere")], None),
            // With `Origin`: the origin decides, as before.
            (&[("origin", APP), (site, "cross-site")], None),
            (
                &[("origin", "https://evil.example"), (site, "cross-site")],
                Some("enforce"),
            ),
            (
                &[("origin", "https://evil.example"), (site, "same-site")],
                Some("enforce"),
            ),
            (
                &[("origin", "https://evil.example"), (site, "same-origin")],
                None,
            ),
            (&[("origin", "null")], Some("enforce")),
        ];
        for (headers, expected) in cases {
            assert_eq!(enforced(&policy, headers), *expected, "{headers:?}");
        }
        // A policy without `enforce` refuses nothing.
        let lenient = Policy::builder("Lenient").origins([APP]).build().unwrap();
        for (headers, _) in cases {
            assert_eq!(enforced(&lenient, headers), None, "{headers:?}");
        }
    }

    #[test]
    fn enforce_refusals_and_answers_name_every_header_they_depend_on() {
        let policy = enforcing();
        let headers = map(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-dest", "image"),
        ]);
        let refusal = policy
            .enforce(
                &Method::GET,
                &headers,
                &Decision::default(),
                RouteOf::Unknown,
            )
            .unwrap()
            .into_response();
        assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
        let expected = "origin, sec-fetch-site, sec-fetch-mode, sec-fetch-dest";
        assert_eq!(refusal.headers()[header::VARY], expected);
        // What passes says so too: a cache must not serve the top-level navigation's 200 to
        // an `<img>` of the same site.
        let mut response = HeaderMap::new();
        policy.decorate(Decision::default(), &mut response);
        assert_eq!(response[header::VARY], expected);
        assert!(response.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    }

    #[test]
    fn any_origin_answers_star_to_every_actual_request() {
        let policy = Policy::builder("Public")
            .any_origin()
            .expose(["x-request-id"])
            .build()
            .unwrap();
        let huge = format!("https://{}.example", "a".repeat(64 * 1024));
        let requests: [&[(&str, &str)]; 5] = [
            &[],
            &[("origin", APP)],
            &[("origin", "null")],
            &[("origin", APP), ("origin", "https://evil.example")],
            &[("origin", &huge)],
        ];
        for headers in requests {
            let decision = policy.actual(&map(headers), Ctx::default());
            let mut response = HeaderMap::new();
            policy.decorate(decision, &mut response);
            assert_eq!(response[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
            assert_eq!(
                response[header::ACCESS_CONTROL_EXPOSE_HEADERS],
                "x-request-id"
            );
            // The same answer for everyone: nothing to vary on, and never credentials.
            assert!(response.get(header::VARY).is_none(), "{response:?}");
            assert!(response
                .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
                .is_none());
        }
        // `actual_for` (the caller looked the origin up) answers the same.
        let decision = policy.actual_for(&HeaderValue::from_str(&huge).unwrap(), Ctx::default());
        assert_eq!(decision.allow_origin.unwrap(), "*");
        // A disabled policy answers nothing; a list policy still needs an allowed origin.
        let list = Policy::builder("List").origins([APP]).build().unwrap();
        assert!(!list.actual(&map(&[]), Ctx::default()).is_allowed());
        // `*` cannot be combined with credentials, nor with `enforce`.
        for builder in [
            Policy::builder("P").any_origin().credentials(true),
            Policy::builder("P").any_origin().enforce(true),
        ] {
            assert!(builder.build().is_err());
        }
    }

    #[test]
    fn private_network_access_never_refuses_a_preflight() {
        let ask = [
            ("origin", APP),
            ("access-control-request-method", "GET"),
            ("access-control-request-private-network", "true"),
        ];
        let without = Policy::builder("Public").origins([APP]).build().unwrap();
        let with = Policy::builder("Private")
            .origins([APP])
            .private_network(true)
            .build()
            .unwrap();
        let answer = without.preflight(&map(&ask), Ctx::default()).unwrap();
        assert_eq!(answer.status(), StatusCode::NO_CONTENT);
        assert_eq!(answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
        assert!(answer.headers().get(&ACAPN).is_none());
        // It is not granted, and the answer does not depend on the request's
        // `Access-Control-Request-Private-Network`: it is not in `Vary`.
        assert!(!answer.headers()[header::VARY]
            .to_str()
            .unwrap()
            .contains("private-network"));
        let answer = with.preflight(&map(&ask), Ctx::default()).unwrap();
        assert_eq!(answer.headers()[&ACAPN], "true");
        assert!(answer.headers()[header::VARY]
            .to_str()
            .unwrap()
            .contains("access-control-request-private-network"));
        // Not asked, not granted.
        let answer = with.preflight(&map(&ask[..2]), Ctx::default()).unwrap();
        assert!(answer.headers().get(&ACAPN).is_none());
    }
}
