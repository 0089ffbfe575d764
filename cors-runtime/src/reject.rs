//! Refusals: why a request was refused ([`Reason`]), the `403` sent for it, and its log line
//! (values escaped, rendered only when debug logging is on).

use std::fmt;

use axum::{body::Body, response::Response};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};

use crate::{
    request::{CorsHeaders, RouteOf, SEC_FETCH_SITE},
    vary::Vary,
};

/// `Content-Type` of the plain-text answers (built at compile time, not checked per request).
pub(crate) const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

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

    pub(crate) fn key(self) -> &'static str {
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

/// A refused request, not yet logged nor answered.
#[derive(Debug)]
pub(crate) struct Rejection {
    pub(crate) reason: Reason,
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
        Rejection::from_source(policy, reason, detail, CorsHeaders(headers), route, vary)
    }

    /// The `enforce` refusal of an actual request: logged with the request's method and
    /// `Sec-Fetch-Site`.
    pub(crate) fn refused_request(
        policy: &str,
        reason: Reason,
        detail: Option<&[u8]>,
        method: &Method,
        headers: &HeaderMap,
        route: RouteOf<'_>,
    ) -> Self {
        let log = tracing::enabled!(target: "cors_runtime", tracing::Level::DEBUG).then(|| {
            let source = CorsHeaders(headers);
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

    pub(crate) fn from_source(
        policy: &str,
        reason: Reason,
        detail: Option<&[u8]>,
        source: CorsHeaders<'_>,
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
