//! A compiled policy: everything a request needs, precomputed when the router is built.

use std::fmt;

use axum::{body::Body, response::Response};
use http::{
    header::{self, HeaderName},
    request::Parts,
    HeaderMap, HeaderValue, Method, StatusCode,
};

use crate::{
    headers::{self, HeadersRefusal, Vary},
    origin::OriginMatcher,
    spec::{Names, Spec},
};

// Built once: looking a header up by `&str` parses the name on every request.
const ACRPN: HeaderName = HeaderName::from_static("access-control-request-private-network");
const ACAPN: HeaderName = HeaderName::from_static("access-control-allow-private-network");
/// `Content-Type` of the plain-text answers (built at compile time, not checked per request).
pub(crate) const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

/// A policy that could not be built: an invalid `env("VAR")` origin list, or a hand-written
/// [`Spec`] that breaks a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    policy: &'static str,
    message: String,
}

impl PolicyError {
    pub(crate) fn new(policy: &'static str, message: impl Into<String>) -> Self {
        PolicyError {
            policy,
            message: message.into(),
        }
    }

    /// The problem and its fix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.policy.is_empty() {
            write!(f, "invalid CORS policy: {}", self.message)
        } else {
            write!(f, "invalid CORS policy `{}`: {}", self.policy, self.message)
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
        names: &'static [&'static str],
        value: Option<HeaderValue>,
        /// Every name is a valid token (see [`headers::check_requested`]).
        tokens: bool,
    },
}

/// Why a CORS request was refused; logged, and named in a rejected preflight's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    Origin,
    Method,
    Header,
    HeadersMalformed,
    HeadersTooLong,
    PrivateNetwork,
    Disabled,
    NoHandler,
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
            Reason::PrivateNetwork => "CORS preflight rejected: private network access not allowed",
            Reason::Disabled => "CORS preflight rejected: CORS is disabled for this method",
            Reason::NoHandler => "CORS preflight rejected: no CORS-enabled handler for this method",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Reason::Origin => "origin",
            Reason::Method => "method",
            Reason::Header => "header",
            Reason::HeadersMalformed => "malformed-request-headers",
            Reason::HeadersTooLong => "request-headers-too-long",
            Reason::PrivateNetwork => "private-network",
            Reason::Disabled => "disabled",
            Reason::NoHandler => "no-handler",
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
/// Use it in authentication middleware that cannot sit inside the CORS layer: a preflight
/// never carries credentials, so it must not be refused for lacking them.
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
/// Built from a [`Spec`] by the routers and layers the macros generate; build one yourself
/// with [`Policy::new`] to check a spec at start-up.
#[derive(Clone)]
pub struct Policy {
    name: &'static str,
    disabled: bool,
    origins: OriginMatcher,
    methods: AllowMethods,
    headers: AllowHeaders,
    expose: Option<HeaderValue>,
    credentials: bool,
    max_age: Option<HeaderValue>,
    private_network: bool,
    preflight_status: StatusCode,
    vary_actual: Option<Vary>,
    vary_preflight: Vary,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("name", &self.name)
            .field("disabled", &self.disabled)
            .field("origins", &self.origins)
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("private_network", &self.private_network)
            .field("preflight_status", &self.preflight_status)
            .finish()
    }
}

const DEFAULT_GROUP_METHODS: &[Method] = &[Method::GET, Method::HEAD, Method::POST];

fn header_list(names: &[&str]) -> Option<HeaderValue> {
    if names.is_empty() {
        return None;
    }
    HeaderValue::from_str(&names.join(", ")).ok()
}

impl Policy {
    /// Compiles `spec` as a group policy (default methods GET, HEAD, POST).
    pub fn new(spec: &Spec) -> Result<Policy, PolicyError> {
        Policy::build(spec, DEFAULT_GROUP_METHODS)
    }

    /// Compiles `spec`; `mounted` are the methods used when the spec lists none.
    pub(crate) fn build(spec: &Spec, mounted: &[Method]) -> Result<Policy, PolicyError> {
        if let Err(message) = spec.check() {
            return Err(PolicyError::new(spec.name, message));
        }
        let disabled = spec.disabled;
        let origins = if disabled {
            OriginMatcher::Any
        } else {
            OriginMatcher::new(spec)?
        };
        let methods = match spec.methods {
            Names::Any => AllowMethods::Any,
            Names::Default => AllowMethods::List(mounted.into()),
            Names::List(list) => {
                let mut methods = Vec::with_capacity(list.len() + 1);
                for m in list {
                    let method = Method::from_bytes(m.as_bytes()).map_err(|_| {
                        PolicyError::new(spec.name, format!("method `{m}` is not a valid token"))
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
        let headers = match spec.headers {
            Names::Any => AllowHeaders::Any,
            Names::Default => AllowHeaders::List {
                names: &[],
                value: None,
                tokens: true,
            },
            Names::List(names) => AllowHeaders::List {
                names,
                value: header_list(names),
                tokens: names.iter().all(|n| headers::is_token(n.as_bytes())),
            },
        };
        let expose = match spec.expose {
            Names::Any => Some(HeaderValue::from_static("*")),
            Names::Default => None,
            Names::List(names) => header_list(names),
        };
        let varies = origins.varies() || spec.credentials;
        let pna = spec.private_network;
        let vary_preflight = match (varies, pna) {
            (true, false) => Vary::PREFLIGHT,
            (false, false) => Vary::PREFLIGHT_ANY_ORIGIN,
            (true, true) => Vary::PREFLIGHT_PNA,
            (false, true) => Vary::PREFLIGHT_ANY_ORIGIN_PNA,
        };
        Ok(Policy {
            name: spec.name,
            disabled,
            origins,
            methods,
            headers,
            expose,
            credentials: spec.credentials,
            max_age: spec.max_age.map(HeaderValue::from),
            private_network: pna,
            preflight_status: if spec.preflight_status == 200 {
                StatusCode::OK
            } else {
                StatusCode::NO_CONTENT
            },
            vary_actual: (varies && !disabled).then_some(Vary::ORIGIN),
            vary_preflight,
        })
    }

    /// This policy with `mounted` as its methods when its spec lists none (a handler's default:
    /// the methods it is mounted under). Shares everything else, `env("VAR")` origins included.
    pub(crate) fn for_mount(&self, spec: &Spec, mounted: &[Method]) -> Policy {
        let mut policy = self.clone();
        if matches!(spec.methods, Names::Default) {
            policy.methods = AllowMethods::List(mounted.into());
        }
        policy
    }

    /// The policy's name (handler or policy type).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `#[cors(disable)]`.
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }

    pub(crate) fn needs_parts(&self) -> bool {
        self.origins.needs_parts()
    }

    /// Decides an actual (non-preflight) request: the `Access-Control-Allow-Origin` value to send,
    /// or `None`. `parts` is needed only when [`Policy::needs_parts`].
    pub(crate) fn actual(&self, headers: &HeaderMap, parts: Option<&Parts>) -> Decision {
        if self.disabled {
            return Decision::default();
        }
        let Some(origin) = single(headers, &header::ORIGIN) else {
            return Decision::default();
        };
        let allow_origin = self.origins.allow(origin, parts);
        // Kept for the log line, which is written only if this decision is applied (an outer
        // group's decision is dropped when the route answered), and only when it is enabled.
        let refused = (allow_origin.is_none()
            && tracing::enabled!(target: "cors_runtime", tracing::Level::DEBUG))
        .then(|| origin.clone());
        Decision {
            allow_origin,
            refused,
        }
    }

    /// Adds the CORS headers of an actual response.
    pub(crate) fn decorate(&self, decision: Decision, headers: &mut HeaderMap) {
        if let Some(vary) = &self.vary_actual {
            vary.apply(headers);
        }
        if let Some(origin) = &decision.refused {
            tracing::debug!(
                target: "cors_runtime",
                policy = self.name,
                origin = %Escaped(origin.as_bytes()),
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
        parts: Option<&Parts>,
    ) -> Result<Response, Rejection> {
        let origin = single(headers, &header::ORIGIN);
        let method = single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD);
        self.preflight_with(origin, method, headers, parts)
    }

    /// [`Policy::preflight`] with the request's single `Origin` and
    /// `Access-Control-Request-Method` (see [`single`]) already looked up by the caller.
    pub(crate) fn preflight_with(
        &self,
        origin: Option<&HeaderValue>,
        method: Option<&HeaderValue>,
        headers: &HeaderMap,
        parts: Option<&Parts>,
    ) -> Result<Response, Rejection> {
        match self.approve(origin, method, headers, parts) {
            Ok(approved) => Ok(self.answer(approved, Some(headers))),
            Err((reason, detail)) => Err(self.reject(reason, detail, headers)),
        }
    }

    /// Decides a preflight for a group layer, which answers only if the route under it does not:
    /// the success response is built later ([`PreflightDecision::into_response`]), when it is
    /// sent, unless it must echo the request's header names (`headers = "*"`).
    pub(crate) fn decide_preflight(
        &self,
        headers: &HeaderMap,
        parts: Option<&Parts>,
    ) -> PreflightDecision {
        let origin = single(headers, &header::ORIGIN);
        let method = single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD);
        match self.approve(origin, method, headers, parts) {
            Ok(approved) if approved.any_requested && matches!(self.headers, AllowHeaders::Any) => {
                PreflightDecision::Answered(self.answer(approved, Some(headers)))
            }
            Ok(approved) => PreflightDecision::Approved(approved),
            Err((reason, detail)) => {
                PreflightDecision::Rejected(self.reject(reason, detail, headers))
            }
        }
    }

    fn reject(&self, reason: Reason, detail: Option<&[u8]>, headers: &HeaderMap) -> Rejection {
        Rejection::new(
            self.name,
            reason,
            detail,
            headers,
            Some(&self.vary_preflight),
        )
    }

    /// Checks a preflight against the policy.
    fn approve<'a>(
        &self,
        origin: Option<&'a HeaderValue>,
        method: Option<&'a HeaderValue>,
        headers: &'a HeaderMap,
        parts: Option<&Parts>,
    ) -> Result<Approved, (Reason, Option<&'a [u8]>)> {
        if self.disabled {
            return Err((Reason::Disabled, None));
        }
        let origin = origin.ok_or((Reason::Origin, None))?;
        let allow_origin = self
            .origins
            .allow(origin, parts)
            .ok_or((Reason::Origin, Some(origin.as_bytes())))?;
        let method = method.ok_or((Reason::Method, None))?;
        if !self.allows_method(method.as_bytes()) {
            return Err((Reason::Method, Some(method.as_bytes())));
        }
        let requested = headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        let (allowed_names, tokens) = match &self.headers {
            AllowHeaders::Any => (None, false),
            AllowHeaders::List { names, tokens, .. } => (Some(*names), *tokens),
        };
        let any_requested =
            headers::check_requested(&requested, allowed_names, tokens).map_err(|e| match e {
                HeadersRefusal::NotAllowed(name) => (Reason::Header, Some(name)),
                HeadersRefusal::Malformed => (Reason::HeadersMalformed, None),
                HeadersRefusal::TooLong => (Reason::HeadersTooLong, None),
            })?;
        let private_network = headers
            .get(ACRPN)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        if private_network && !self.private_network {
            return Err((Reason::PrivateNetwork, None));
        }
        Ok(Approved {
            allow_origin,
            // The requested method, echoed: it is a token, and allowed.
            method: method.clone(),
            any_requested,
            private_network,
        })
    }

    /// The success response to an approved preflight. `request` (the preflight's headers) is
    /// read only to echo the requested header names under `headers = "*"`.
    fn answer(&self, approved: Approved, request: Option<&HeaderMap>) -> Response {
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
                    let requested = request
                        .into_iter()
                        .flat_map(|h| h.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS));
                    for value in requested {
                        if !value.is_empty() {
                            map.append(header::ACCESS_CONTROL_ALLOW_HEADERS, value.clone());
                        }
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

/// A preflight the policy accepts; its answer is not built yet.
#[derive(Debug)]
pub(crate) struct Approved {
    allow_origin: HeaderValue,
    method: HeaderValue,
    any_requested: bool,
    private_network: bool,
}

/// A group layer's decision on a preflight ([`Policy::decide_preflight`]).
#[derive(Debug)]
pub(crate) enum PreflightDecision {
    /// Accepted; the answer is built if it is sent.
    Approved(Approved),
    /// Accepted, answer built (it echoes the request).
    Answered(Response),
    /// Refused.
    Rejected(Rejection),
}

impl PreflightDecision {
    /// The response to send (and the rejection logged) when the group's answer is used.
    pub(crate) fn into_response(self, policy: &Policy) -> Response {
        match self {
            PreflightDecision::Approved(approved) => policy.answer(approved, None),
            PreflightDecision::Answered(response) => response,
            PreflightDecision::Rejected(rejection) => rejection.into_response(),
        }
    }
}

/// A refused preflight, not yet logged nor answered.
#[derive(Debug)]
pub(crate) struct Rejection {
    policy: &'static str,
    reason: Reason,
    vary: Option<Vary>,
    /// Escaped `[refused, origin, method, headers]`, rendered only when debug logging is on.
    log: Option<Box<[String; 4]>>,
}

impl Rejection {
    pub(crate) fn new(
        policy: &'static str,
        reason: Reason,
        detail: Option<&[u8]>,
        headers: &HeaderMap,
        vary: Option<&Vary>,
    ) -> Self {
        let log = tracing::enabled!(target: "cors_runtime", tracing::Level::DEBUG).then(|| {
            let field = |name: header::HeaderName| {
                headers
                    .get_all(name)
                    .iter()
                    .map(|v| Escaped(v.as_bytes()).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Box::new([
                detail.map(|d| Escaped(d).to_string()).unwrap_or_default(),
                field(header::ORIGIN),
                field(header::ACCESS_CONTROL_REQUEST_METHOD),
                field(header::ACCESS_CONTROL_REQUEST_HEADERS),
            ])
        });
        Rejection {
            policy,
            reason,
            vary: vary.copied(),
            log,
        }
    }

    /// Logs the rejection and builds its response: 403, a short plain-text reason, no
    /// `Access-Control-*` header, and `Vary` naming what the answer depended on.
    pub(crate) fn into_response(self) -> Response {
        if let Some(log) = &self.log {
            let [refused, origin, method, headers] = &**log;
            tracing::debug!(
                target: "cors_runtime",
                policy = self.policy,
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

/// What an actual request gets, decided before the handler runs.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    allow_origin: Option<HeaderValue>,
    /// The refused origin, when debug logging is on.
    refused: Option<HeaderValue>,
}
