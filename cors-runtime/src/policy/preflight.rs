//! Deciding a preflight: the origin, the requested method and headers checked against the
//! policy; the answer built, or the refusal.

use axum::{body::Body, response::Response};
use http::{header, HeaderMap, HeaderValue};

use super::{AllowHeaders, AllowMethods, Policy};
use crate::{
    headers::HeadersRefusal,
    reject::{Reason, Rejection},
    request::{single, CorsHeaders, Ctx, RouteOf, ACAPN},
};

impl Policy {
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
        let source = CorsHeaders(headers);
        match self.approve(origin, method, source, ctx) {
            Ok(approved) => Ok(self.answer(approved, Some(source))),
            Err((reason, detail)) => Err(self.reject(reason, detail, source, ctx.route)),
        }
    }

    pub(crate) fn reject(
        &self,
        reason: Reason,
        detail: Option<&[u8]>,
        source: CorsHeaders<'_>,
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
        source: CorsHeaders<'a>,
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
    fn answer(&self, approved: Approved, request: Option<CorsHeaders<'_>>) -> Response {
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
        if !crate::headers::is_token(method) {
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
