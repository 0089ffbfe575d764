//! Reading a request's CORS headers: exactly-one lookups, the preflight test, and what a
//! decision needs besides the headers.

use http::{
    header::{self, HeaderName},
    request::Parts,
    HeaderMap, HeaderValue, Method,
};

use crate::{
    headers::{self, AllowedNames, HeadersRefusal},
    reject::Escaped,
};

// Built once: looking a header up by `&str` parses the name on every request.
pub(crate) const ACRPN: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
pub(crate) const ACAPN: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");
pub(crate) const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
pub(crate) const SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
pub(crate) const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

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

/// The request's CORS headers, as a decision and its log line read them (the preflight's map, kept
/// whole across an async origin check: a preflight is never passed on, so it is moved, not
/// copied).
#[derive(Clone, Copy)]
pub(crate) struct CorsHeaders<'a>(pub(crate) &'a HeaderMap);

impl<'a> CorsHeaders<'a> {
    pub(crate) fn check_requested(
        self,
        allowed: Option<&AllowedNames>,
    ) -> Result<bool, HeadersRefusal<'a>> {
        let fields = self.0.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        headers::check_requested(|| fields.iter(), allowed)
    }

    pub(crate) fn private_network(self) -> bool {
        self.0
            .get(ACRPN)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    }

    /// Echoes the requested header names as `Access-Control-Allow-Headers` (`headers = "*"`).
    pub(crate) fn echo_requested(self, map: &mut HeaderMap) {
        for value in self.0.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            if !value.is_empty() {
                map.append(header::ACCESS_CONTROL_ALLOW_HEADERS, value.clone());
            }
        }
    }

    /// The escaped values of one of the CORS request headers, for a log line.
    pub(crate) fn log_field(self, name: &HeaderName) -> String {
        self.0
            .get_all(name)
            .iter()
            .map(|v| Escaped(v.as_bytes()).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
