//! What came back, judged as a browser judges it: [`CorsResponse`] and its assertions.

use std::{fmt, future::poll_fn};

use axum::{
    body::{Body, Bytes, HttpBody},
    BoxError,
};
use http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use tower_service::Service;

/// What a [`Preflight`](super::Preflight) or [`CorsRequest`](super::CorsRequest) got back, body read, with assertions that name the
/// request and the response when they fail.
///
/// Every `assert_*` method returns the response, so they chain; the accessors let you check
/// anything else with the usual `assert!`.
///
/// ```
/// # use axum::http::Method;
/// # use cors_runtime::{cors, with_cors, testing::Preflight, CorsRouter};
/// #[cors(origins = ["https://app.example"], credentials, headers = ["authorization"])]
/// async fn update_task() {}
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
/// let response = Preflight::new("https://app.example", Method::PUT)
///     .header("authorization")
///     .credentials()
///     .send(&router, "/tasks/1")
///     .await
///     .assert_allowed()
///     .assert_credentials()
///     .assert_allows_method(Method::PUT)
///     .assert_status(204);
/// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example");
/// # }
/// ```
#[derive(Debug)]
pub struct CorsResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    origin: String,
    credentials: bool,
    kind: Kind,
    sent: Sent,
}

#[derive(Debug)]
pub(super) enum Kind {
    Preflight {
        method: Method,
        headers: Vec<String>,
        private_network: bool,
    },
    Actual,
}

/// The request as sent, for failure messages.
#[derive(Debug)]
pub(super) struct Sent {
    line: String,
    headers: Vec<(String, String)>,
}

impl Sent {
    pub(super) fn of(request: &Request<Body>) -> Sent {
        Sent {
            line: format!("{} {}", request.method(), request.uri()),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| (name.as_str().to_owned(), format!("{value:?}")))
                .collect(),
        }
    }
}

impl CorsResponse {
    pub(super) async fn receive<S, B>(
        service: &S,
        request: Request<Body>,
        sent: Sent,
        origin: String,
        credentials: bool,
        kind: Kind,
    ) -> CorsResponse
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: fmt::Debug,
        B: HttpBody<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let mut service = service.clone();
        if let Err(error) = poll_fn(|cx| service.poll_ready(cx)).await {
            panic!("the service was not ready for {}: {error:?}", sent.line);
        }
        let response = match service.call(request).await {
            Ok(response) => response,
            Err(error) => panic!("the service failed on {}: {error:?}", sent.line),
        };
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(Body::new(body), usize::MAX)
            .await
            .unwrap_or_else(|error| panic!("cannot read the body of {}: {error}", sent.line));
        CorsResponse {
            status: parts.status,
            headers: parts.headers,
            body,
            origin,
            credentials,
            kind,
            sent,
        }
    }

    /// The response's status.
    ///
    /// ```
    /// # use axum::{http::{Method, StatusCode}};
    /// # use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
    /// let allowed = Preflight::new("https://app.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
    ///     .await;
    /// assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    /// // This crate refuses a preflight with 403 (browsers only look at the CORS headers).
    /// let refused = Preflight::new("https://evil.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
    ///     .await;
    /// assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    /// # }
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"], max_age = 600)]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
    /// let response = Preflight::new("https://app.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
    ///     .await;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example");
    /// assert_eq!(response.headers()["access-control-max-age"], "600");
    /// # }
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response's body.
    ///
    /// ```
    /// # use cors_runtime::{cors, testing::CorsRequest, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn list_tasks() -> &'static str {
    ///     "[]"
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(get(list_tasks)));
    /// let response = CorsRequest::get("https://app.example")
    ///     .send(&router, "/tasks")
    ///     .await;
    /// assert_eq!(response.body(), b"[]");
    /// # }
    /// ```
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Asserts that a browser would accept this answer: for a preflight, that it would go on
    /// and send the request; for an actual request, that the page could read the response.
    ///
    /// A preflight passes when its status is 2xx, `Access-Control-Allow-Origin` is the origin
    /// (or `*` without credentials), `Access-Control-Allow-Credentials: true` is there for a
    /// credentialed request, the method is a safelisted one (GET, HEAD, POST) or listed in
    /// `Access-Control-Allow-Methods` (`*` counts without credentials), every requested header
    /// is listed in `Access-Control-Allow-Headers` (`*` counts without credentials, never for
    /// `Authorization`), and private network access, when asked, is allowed. An actual
    /// request passes the same origin and credentials checks, whatever its status.
    ///
    /// ```should_panic
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
    /// // Panics: "CORS assertion failed: expected a browser to allow this preflight
    /// //   but: `Access-Control-Allow-Origin` is missing", then the request and the response.
    /// Preflight::new("https://evil.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
    ///     .await
    ///     .assert_allowed();
    /// # }
    /// ```
    ///
    /// A preflight answered `401` or `403` by something other than this crate (an
    /// authentication check that ran before the CORS answer) fails with a hint saying so.
    #[track_caller]
    pub fn assert_allowed(self) -> CorsResponse {
        if let Err(mut reason) = self.browser_verdict() {
            if let Some(hint) = self.not_answered_by_cors() {
                reason.push_str("\n  hint: ");
                reason.push_str(hint);
            }
            self.fail(
                &format!("expected a browser to allow this {}", self.what()),
                &reason,
            );
        }
        self
    }

    /// For a preflight refused with 401/403 without CORS headers and without this crate's
    /// refusal body: what probably happened, and the fix.
    fn not_answered_by_cors(&self) -> Option<&'static str> {
        let Kind::Preflight { .. } = self.kind else {
            return None;
        };
        let ours = self.body.starts_with(b"CORS preflight rejected:");
        let refused = matches!(self.status.as_u16(), 401 | 403);
        let cors_headers = self.headers.keys().any(is_cors_header);
        (refused && !ours && !cors_headers).then_some(
            "the preflight was answered by something other than cors-runtime (whose refusals \
             are 403 with a `CORS preflight rejected: ...` body): an authentication check \
             probably ran before the CORS answer; preflights never carry credentials. Serve the \
             routes from a `CorsRouter` and add the check through it (`CorsRouter::route_layer`, \
             `layer`), or check credentials in an extractor; middleware added to the router \
             returned by `into_router()`, or around the service, runs before the CORS layer",
        )
    }

    /// Asserts that a browser would refuse this answer (the opposite of
    /// [`assert_allowed`](CorsResponse::assert_allowed)): the preflight fails, or the page
    /// cannot read the response.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"], methods = [PUT])]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task).delete(update_task)));
    /// // `DELETE` is mounted but not in `methods`: its preflight is refused.
    /// Preflight::new("https://app.example", Method::DELETE)
    ///     .send(&router, "/tasks/1")
    ///     .await
    ///     .assert_rejected();
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_rejected(self) -> CorsResponse {
        if self.browser_verdict().is_ok() {
            self.fail(
                &format!("expected a browser to reject this {}", self.what()),
                "it passes every CORS check",
            );
        }
        self
    }

    /// Asserts that `Access-Control-Allow-Headers` allows a request header `name`
    /// (case-insensitive; a `*` counts without credentials, except for `Authorization`).
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"], headers = ["authorization", "content-type"])]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
    /// Preflight::new("https://app.example", Method::PUT)
    ///     .header("authorization")
    ///     .send(&router, "/tasks/1")
    ///     .await
    ///     .assert_allows_header("authorization")
    ///     .assert_allows_header("Content-Type"); // listed too, whatever the case
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_allows_header(self, name: &str) -> CorsResponse {
        if let Err(reason) = self.header_allowed(name) {
            self.fail(
                &format!("expected the request header `{name}` to be allowed"),
                &reason,
            );
        }
        self
    }

    /// Asserts that `Access-Control-Allow-Methods` allows `method` (listed, or `*` without
    /// credentials; GET, HEAD and POST need no listing and pass).
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
    /// Preflight::new("https://app.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
    ///     .await
    ///     .assert_allows_method(Method::PUT)
    ///     .assert_allows_method(Method::GET); // safelisted: needs no listing
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_allows_method(self, method: Method) -> CorsResponse {
        if let Err(reason) = self.method_allowed(&method) {
            self.fail(
                &format!("expected the method {method} to be allowed"),
                &reason,
            );
        }
        self
    }

    /// Asserts that `Access-Control-Expose-Headers` lets the page read the response header
    /// `name` (case-insensitive; a `*` counts without credentials).
    ///
    /// ```
    /// # use cors_runtime::{cors, testing::CorsRequest, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"], expose = ["x-request-id"])]
    /// async fn list_tasks() -> ([(&'static str, &'static str); 1], &'static str) {
    ///     ([("x-request-id", "42")], "[]")
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(get(list_tasks)));
    /// let response = CorsRequest::get("https://app.example")
    ///     .send(&router, "/tasks")
    ///     .await
    ///     .assert_exposes("X-Request-Id");
    /// // The page can now read it.
    /// assert_eq!(response.headers()["x-request-id"], "42");
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_exposes(self, name: &str) -> CorsResponse {
        let exposed = list(&self.headers, header::ACCESS_CONTROL_EXPOSE_HEADERS);
        let ok = exposed.iter().any(|item| item.eq_ignore_ascii_case(name))
            || (!self.credentials && exposed.iter().any(|item| item == "*"));
        if !ok {
            let reason = match exposed.is_empty() {
                true => "`Access-Control-Expose-Headers` is missing".to_owned(),
                false => format!("`Access-Control-Expose-Headers` does not list `{name}`"),
            };
            self.fail(
                &format!("expected the response header `{name}` to be exposed"),
                &reason,
            );
        }
        self
    }

    /// Asserts `Access-Control-Allow-Credentials: true`.
    ///
    /// ```
    /// # use cors_runtime::{cors, testing::CorsRequest, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"], credentials)]
    /// async fn profile() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/me", with_cors!(get(profile)));
    /// CorsRequest::get("https://app.example")
    ///     .credentials()
    ///     .send(&router, "/me")
    ///     .await
    ///     .assert_allowed()
    ///     .assert_credentials();
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_credentials(self) -> CorsResponse {
        if self.headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            != Some(&HeaderValue::from_static("true"))
        {
            self.fail(
                "expected `Access-Control-Allow-Credentials: true`",
                "it is missing or not `true`",
            );
        }
        self
    }

    /// Asserts `Access-Control-Max-Age: seconds`.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, testing::Preflight, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"], max_age = 3600)]
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
    /// // The browser may reuse this answer for an hour.
    /// Preflight::new("https://app.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
    ///     .await
    ///     .assert_max_age(3600);
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_max_age(self, seconds: u32) -> CorsResponse {
        let expected = HeaderValue::from(seconds);
        if self.headers.get(header::ACCESS_CONTROL_MAX_AGE) != Some(&expected) {
            self.fail(
                &format!("expected `Access-Control-Max-Age: {seconds}`"),
                "it is missing or different",
            );
        }
        self
    }

    /// Asserts that `Vary` names `token` (case-insensitive), such as `origin`: caches must
    /// then keep one answer per origin.
    ///
    /// ```
    /// # use cors_runtime::{cors, testing::CorsRequest, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example", "https://admin.example"])]
    /// async fn list_tasks() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(get(list_tasks)));
    /// // The answer depends on the origin: a shared cache must not serve it to another one.
    /// CorsRequest::get("https://app.example")
    ///     .send(&router, "/tasks")
    ///     .await
    ///     .assert_vary("origin");
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_vary(self, token: &str) -> CorsResponse {
        let vary = list(&self.headers, header::VARY);
        if !vary
            .iter()
            .any(|item| item.eq_ignore_ascii_case(token) || item == "*")
        {
            self.fail(&format!("expected `Vary` to name `{token}`"), "it does not");
        }
        self
    }

    /// Asserts the response's status.
    ///
    /// ```
    /// # use cors_runtime::{cors, testing::CorsRequest, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn create_task() -> axum::http::StatusCode {
    ///     axum::http::StatusCode::CREATED
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(post(create_task)));
    /// CorsRequest::post("https://app.example")
    ///     .send(&router, "/tasks")
    ///     .await
    ///     .assert_allowed()
    ///     .assert_status(201);
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_status(self, status: u16) -> CorsResponse {
        if self.status != status {
            let expected = status;
            self.fail(
                &format!("expected the status {expected}"),
                "the status differs",
            );
        }
        self
    }

    /// Asserts that the response carries no `Access-Control-*` header at all (`Vary` may be
    /// there).
    ///
    /// ```
    /// # use cors_runtime::{cors, testing::CorsRequest, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn list_tasks() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(get(list_tasks)));
    /// // An origin the policy does not list gets the response without any CORS header.
    /// CorsRequest::get("https://evil.example")
    ///     .send(&router, "/tasks")
    ///     .await
    ///     .assert_rejected()
    ///     .assert_no_cors_headers();
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_no_cors_headers(self) -> CorsResponse {
        if let Some(name) = self.headers.keys().find(|name| is_cors_header(name)) {
            self.fail(
                "expected no `Access-Control-*` header",
                &format!("`{name}` is there"),
            );
        }
        self
    }

    fn what(&self) -> &'static str {
        match (&self.kind, self.credentials) {
            (Kind::Preflight { .. }, false) => "preflight",
            (Kind::Preflight { .. }, true) => "preflight (credentialed request)",
            (Kind::Actual, false) => "request",
            (Kind::Actual, true) => "credentialed request",
        }
    }

    /// The Fetch standard's CORS check, then, for a preflight, its status, method, header and
    /// private-network checks.
    fn browser_verdict(&self) -> Result<(), String> {
        // Chromium's order: the CORS check first, then the preflight's status.
        self.cors_check()?;
        if let Kind::Preflight { .. } = self.kind {
            if !self.status.is_success() {
                return Err(format!(
                    "the preflight's status is {}, not 2xx (\"It does not have HTTP ok status.\")",
                    self.status
                ));
            }
        }
        if let Kind::Preflight {
            method,
            headers,
            private_network,
        } = &self.kind
        {
            self.method_allowed(method)?;
            for name in headers {
                self.header_allowed(name)?;
            }
            if *private_network
                && self.headers.get("access-control-allow-private-network")
                    != Some(&HeaderValue::from_static("true"))
            {
                return Err(
                    "private network access was asked and `Access-Control-Allow-Private-Network: true` is missing"
                        .to_owned(),
                );
            }
        }
        Ok(())
    }

    fn cors_check(&self) -> Result<(), String> {
        let mut values = self
            .headers
            .get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .iter();
        let Some(allow_origin) = values.next() else {
            return Err("`Access-Control-Allow-Origin` is missing".to_owned());
        };
        if values.next().is_some() {
            return Err("`Access-Control-Allow-Origin` is sent more than once".to_owned());
        }
        if allow_origin == "*" {
            if self.credentials {
                return Err(
                    "`Access-Control-Allow-Origin` is `*`, which never allows a credentialed request"
                        .to_owned(),
                );
            }
            return Ok(());
        }
        if allow_origin.as_bytes() != self.origin.as_bytes() {
            return Err(format!(
                "`Access-Control-Allow-Origin` is {allow_origin:?}, not the request's origin {:?}",
                self.origin
            ));
        }
        if self.credentials
            && self.headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
                != Some(&HeaderValue::from_static("true"))
        {
            return Err(
                "the request has credentials and `Access-Control-Allow-Credentials: true` is missing"
                    .to_owned(),
            );
        }
        Ok(())
    }

    fn method_allowed(&self, method: &Method) -> Result<(), String> {
        let methods = list(&self.headers, header::ACCESS_CONTROL_ALLOW_METHODS);
        let safelisted = [Method::GET, Method::HEAD, Method::POST].contains(method);
        if safelisted
            || methods.iter().any(|item| item == method.as_str())
            || (!self.credentials && methods.iter().any(|item| item == "*"))
        {
            return Ok(());
        }
        Err(match methods.is_empty() {
            true => format!("`Access-Control-Allow-Methods` is missing, and {method} is not a safelisted method"),
            false => format!("`Access-Control-Allow-Methods` does not list {method}"),
        })
    }

    fn header_allowed(&self, name: &str) -> Result<(), String> {
        let allowed = list(&self.headers, header::ACCESS_CONTROL_ALLOW_HEADERS);
        if allowed.iter().any(|item| item.eq_ignore_ascii_case(name)) {
            return Ok(());
        }
        let wildcard = allowed.iter().any(|item| item == "*");
        if wildcard && !self.credentials && !name.eq_ignore_ascii_case("authorization") {
            return Ok(());
        }
        Err(if allowed.is_empty() {
            format!("`Access-Control-Allow-Headers` is missing, so `{name}` is not allowed")
        } else if wildcard && name.eq_ignore_ascii_case("authorization") {
            "`Access-Control-Allow-Headers: *` never covers `authorization`; it must be listed"
                .to_owned()
        } else if wildcard {
            format!("`Access-Control-Allow-Headers: *` does not count for a credentialed request, and `{name}` is not listed")
        } else {
            format!("`Access-Control-Allow-Headers` does not list `{name}`")
        })
    }

    #[track_caller]
    fn fail(&self, expected: &str, reason: &str) -> ! {
        panic!("CORS assertion failed: {expected}\n  but: {reason}\n{self}");
    }
}

impl fmt::Display for CorsResponse {
    /// The request sent and the response received, as in a failure message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "request sent:")?;
        writeln!(f, "  {}", self.sent.line)?;
        for (name, value) in &self.sent.headers {
            writeln!(f, "  {name}: {value}")?;
        }
        if self.credentials {
            writeln!(f, "  (credentials mode: include)")?;
        }
        writeln!(f, "response received:")?;
        writeln!(f, "  {}", self.status)?;
        let mut any = false;
        for (name, value) in &self.headers {
            if is_cors_header(name) || name == header::VARY {
                any = true;
                writeln!(f, "  {name}: {value:?}")?;
            }
        }
        if !any {
            writeln!(f, "  (no Access-Control-* or Vary header)")?;
        }
        if !self.body.is_empty() {
            let shown = &self.body[..self.body.len().min(200)];
            let more = if shown.len() < self.body.len() {
                "..."
            } else {
                ""
            };
            match std::str::from_utf8(shown) {
                Ok(text) => writeln!(f, "  body: {text:?}{more}")?,
                Err(_) => writeln!(f, "  body: {} bytes", self.body.len())?,
            }
        }
        Ok(())
    }
}

fn is_cors_header(name: &HeaderName) -> bool {
    name.as_str().starts_with("access-control-")
}

/// The comma-separated items of every `name` field, trimmed, empty items dropped.
fn list(headers: &HeaderMap, name: HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}
