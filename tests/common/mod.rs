//! Shared helpers of the behaviour tests: request builders, a `send` that reads the whole
//! response and checks the invariants every response must keep, and header assertions.
#![allow(dead_code)]

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use axum::{
    body::Body,
    http::{request::Builder, HeaderMap, Method, Request, StatusCode},
    Router,
};
use tower::ServiceExt;

/// The origin most policies in the tests allow.
pub(crate) const APP: &str = "https://app.example.com";
/// A second allowed origin, for policies that differ by origin.
pub(crate) const ADMIN: &str = "https://admin.example.com";
/// An origin no policy allows (except `"*"`).
pub(crate) const EVIL: &str = "https://evil.example.net";

/// Request-counting state: how many times a handler (or middleware) ran.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hits(Arc<AtomicUsize>);

impl Hits {
    pub(crate) fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A whole response, body read.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// `OPTIONS uri` with `Origin` and `Access-Control-Request-Method`: a preflight.
pub(crate) fn preflight(uri: &str, origin: &str, method: &str) -> Builder {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(uri)
        .header("origin", origin)
        .header("access-control-request-method", method)
}

/// `method uri` with `Origin`: an actual CORS request.
pub(crate) fn actual(method: &str, uri: &str, origin: &str) -> Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("origin", origin)
}

/// `method uri`, no `Origin`.
pub(crate) fn plain(method: &str, uri: &str) -> Builder {
    Request::builder().method(method).uri(uri)
}

/// An app the tests send requests to: an axum `Router`, or a `CorsRouter` (served as
/// `into_router()` serves it).
pub(crate) trait App {
    fn into_app(self) -> Router;
}

impl App for Router {
    fn into_app(self) -> Router {
        self
    }
}

impl App for cors_runtime::CorsRouter {
    fn into_app(self) -> Router {
        self.into_router()
    }
}

/// Sends `request` (empty body) through `app`.
pub(crate) async fn send(app: impl App, request: Builder) -> Reply {
    send_request(app, request.body(Body::empty()).unwrap()).await
}

/// Sends `request` through `app` and reads the response. Every response, whatever the test,
/// carries at most one `Access-Control-Allow-Origin`.
pub(crate) async fn send_request(app: impl App, request: Request<Body>) -> Reply {
    let response = app.into_app().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap()
        .to_vec();
    let reply = Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    };
    reply.assert_at_most_one_allow_origin();
    reply
}

impl Reply {
    /// The single value of `name` as text; panics when the header is repeated or not text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        let mut all = self.headers.get_all(name).iter();
        let first = all.next()?;
        assert!(
            all.next().is_none(),
            "`{name}` appears more than once: {:?}",
            self.headers
        );
        Some(first.to_str().expect("header value is text"))
    }

    /// `Access-Control-Allow-Origin`.
    pub(crate) fn allow_origin(&self) -> Option<&str> {
        self.header("access-control-allow-origin")
    }

    pub(crate) fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn assert_at_most_one_allow_origin(&self) {
        let count = self
            .headers
            .get_all("access-control-allow-origin")
            .iter()
            .count();
        assert!(
            count <= 1,
            "{count} Access-Control-Allow-Origin headers: {:?}",
            self.headers
        );
    }

    /// No `Access-Control-*` response header at all.
    pub(crate) fn assert_no_cors_headers(&self) {
        let cors: Vec<_> = self
            .headers
            .keys()
            .filter(|name| name.as_str().starts_with("access-control-"))
            .collect();
        assert!(
            cors.is_empty(),
            "expected no Access-Control-* headers, got {cors:?} in {:?}",
            self.headers
        );
    }

    /// Every `Vary` token, lower-cased, in order, across all `Vary` fields.
    pub(crate) fn vary(&self) -> Vec<String> {
        self.headers
            .get_all("vary")
            .iter()
            .flat_map(|v| {
                v.to_str()
                    .expect("vary is text")
                    .split(',')
                    .map(|t| t.trim().to_ascii_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// `Vary` lists each of `tokens` exactly once.
    pub(crate) fn assert_vary_has(&self, tokens: &[&str]) {
        let vary = self.vary();
        for token in tokens {
            let n = vary.iter().filter(|t| t == token).count();
            assert_eq!(n, 1, "`{token}` should appear once in Vary {vary:?}");
        }
    }

    /// `Vary` names no token twice.
    pub(crate) fn assert_vary_has_no_duplicates(&self) {
        let vary = self.vary();
        for (i, token) in vary.iter().enumerate() {
            assert!(
                !vary[i + 1..].contains(token),
                "`{token}` is repeated in Vary {vary:?}"
            );
        }
    }

    /// A rejected preflight: 403, a short plain-text reason, no `Access-Control-*` header.
    pub(crate) fn assert_rejected_preflight(&self) {
        assert!(
            self.status == 403,
            "expected a 403 rejection, got {} {:?} {:?}",
            self.status,
            self.headers,
            self.body_text()
        );
        self.assert_no_cors_headers();
        assert!(
            self.header("content-type")
                .is_some_and(|ct| ct.starts_with("text/plain")),
            "rejection should be text/plain: {:?}",
            self.headers
        );
        let body = self.body_text();
        assert!(
            !body.is_empty() && body.len() < 200,
            "rejection body should be a short reason, got {body:?}"
        );
        assert!(!self.vary().is_empty(), "rejection should carry Vary");
    }
}
