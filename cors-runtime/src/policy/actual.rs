//! Deciding an actual (non-preflight) request: which `Access-Control-Allow-Origin` to send,
//! whether `enforce` refuses it first, and the headers added to its response.

use http::{header, HeaderMap, HeaderName, HeaderValue, Method};

use super::Policy;
use crate::{
    origin::OriginMatcher,
    reject::{Escaped, Reason, Rejection},
    request::{single, Ctx, RouteOf, SEC_FETCH_DEST, SEC_FETCH_MODE, SEC_FETCH_SITE},
    vary::Vary,
};

/// Whether the request has exactly one `name` field, equal to `value` (a Fetch Metadata token,
/// compared byte for byte: browsers send them lower case). Anything else (absent, repeated, an
/// unknown or mis-cased value) is not a browser's, and counts as "not `value`".
fn fetch_metadata_is(headers: &HeaderMap, name: &HeaderName, value: &[u8]) -> bool {
    single(headers, name).is_some_and(|v| v.as_bytes() == value)
}

impl Policy {
    /// Decides an actual (non-preflight) request: the `Access-Control-Allow-Origin` value to send,
    /// or `None`. `ctx.parts` is needed only when [`Policy::needs_parts`].
    ///
    /// `origins = "*"` answers `*` to every request, whether or not it has an `Origin` (and
    /// whatever that is: several fields, an oversized value): the response is then the same for
    /// everyone, so a shared cache may store any of them and serve it to every reader (Fetch
    /// standard, "CORS protocol and HTTP caches"), and it needs no `Vary`.
    pub(crate) fn actual(&self, headers: &HeaderMap, ctx: Ctx<'_>) -> Decision {
        self.actual_with(single(headers, &header::ORIGIN), ctx)
    }

    /// [`Policy::actual`] for the request's single `Origin`, already looked up (`None`: absent
    /// or several fields).
    pub(crate) fn actual_with(&self, origin: Option<&HeaderValue>, ctx: Ctx<'_>) -> Decision {
        if let Some(any) = self.any_origin() {
            return any;
        }
        let Some(origin) = origin else {
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
        // Kept for the log line, written when the decision is applied to a response, and only
        // when debug logging is on.
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
    pub(super) allow_origin: Option<HeaderValue>,
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
