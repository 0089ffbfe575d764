//! The requests a test sends: a [`Preflight`], an actual [`CorsRequest`].

use std::fmt;

use axum::{
    body::{Body, Bytes, HttpBody},
    BoxError,
};
use http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response};
use tower_service::Service;

use super::response::{CorsResponse, Kind, Sent};

/// A CORS preflight, as a browser sends it before a request that is not "simple": `OPTIONS`
/// with `Origin`, `Access-Control-Request-Method` and, when the request will carry headers
/// that are not CORS-safelisted, `Access-Control-Request-Headers`.
///
/// ```
/// # use axum::http::Method;
/// # use cors_runtime::{cors, with_cors, testing::Preflight, CorsRouter};
/// #[cors(origins = ["https://app.example"], headers = ["content-type"], max_age = 600)]
/// async fn create_task() {}
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let router: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(post(create_task)));
///
/// // `Content-Type: application/json` is not safelisted: the browser asks first.
/// Preflight::new("https://app.example", Method::POST)
///     .header("content-type")
///     .send(&router, "/tasks")
///     .await
///     .assert_allowed()
///     .assert_max_age(600);
///
/// // A header the policy does not list: the browser would not send the request.
/// Preflight::new("https://app.example", Method::POST)
///     .header("x-trace")
///     .send(&router, "/tasks")
///     .await
///     .assert_rejected();
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Preflight {
    origin: String,
    method: Method,
    headers: Vec<String>,
    credentials: bool,
    private_network: bool,
}

impl Preflight {
    /// A preflight from `origin` (such as `"https://app.example"`) for a `method` request.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::Preflight;
    /// let request = Preflight::new("https://app.example", Method::PUT).request("/tasks/1");
    /// assert_eq!(request.method(), Method::OPTIONS);
    /// assert_eq!(request.headers()["origin"], "https://app.example");
    /// assert_eq!(request.headers()["access-control-request-method"], "PUT");
    /// // No `.header(..)`: no `Access-Control-Request-Headers`.
    /// assert!(request.headers().get("access-control-request-headers").is_none());
    /// ```
    pub fn new(origin: &str, method: Method) -> Preflight {
        Preflight {
            origin: origin.to_owned(),
            method,
            headers: Vec::new(),
            credentials: false,
            private_network: false,
        }
    }

    /// Adds `name` to `Access-Control-Request-Headers`: the request will carry this header.
    ///
    /// Browsers list only the headers that are not CORS-safelisted, in lower case, sorted;
    /// the helper sends the names as given, in the order given.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::Preflight;
    /// let preflight = Preflight::new("https://app.example", Method::PUT)
    ///     .header("authorization")
    ///     .header("content-type");
    /// let request = preflight.request("/tasks/1");
    /// assert_eq!(request.headers()["access-control-request-headers"], "authorization,content-type");
    /// ```
    pub fn header(mut self, name: &str) -> Preflight {
        self.headers.push(name.to_owned());
        self
    }

    /// The request will be made with credentials (`fetch(url, { credentials: "include" })`,
    /// `XMLHttpRequest.withCredentials`): the preflight is then allowed only with
    /// `Access-Control-Allow-Credentials: true` and never by a `*`.
    ///
    /// The preflight itself carries no credentials (browsers never send cookies or
    /// `Authorization` on it); this only changes how the answer is judged.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, with_cors, testing::Preflight, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn logout() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/logout", with_cors!(delete(logout)));
    /// // Without `credentials` in the policy, a credentialed request is refused.
    /// Preflight::new("https://app.example", Method::DELETE)
    ///     .credentials()
    ///     .send(&router, "/logout")
    ///     .await
    ///     .assert_rejected();
    /// # }
    /// ```
    pub fn credentials(mut self) -> Preflight {
        self.credentials = true;
        self
    }

    /// Adds `Access-Control-Request-Private-Network: true` (a public page calling a server on
    /// a private network); the answer must then carry
    /// `Access-Control-Allow-Private-Network: true` to be allowed.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::{cors, with_cors, testing::Preflight, CorsRouter};
    /// #[cors(origins = ["https://app.example"], private_network)]
    /// async fn status() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/status", with_cors!(put(status)));
    /// Preflight::new("https://app.example", Method::PUT)
    ///     .private_network()
    ///     .send(&router, "/status")
    ///     .await
    ///     .assert_allowed();
    /// # }
    /// ```
    pub fn private_network(mut self) -> Preflight {
        self.private_network = true;
        self
    }

    /// The request this preflight sends to `uri`.
    ///
    /// # Panics
    ///
    /// If `uri`, the origin, the method or a header name cannot be put in a request.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::Preflight;
    /// let request = Preflight::new("https://app.example", Method::DELETE).request("/tasks/1");
    /// assert_eq!(request.method(), Method::OPTIONS);
    /// assert_eq!(request.headers()["origin"], "https://app.example");
    /// assert_eq!(request.headers()["access-control-request-method"], "DELETE");
    /// ```
    pub fn request(&self, uri: &str) -> Request<Body> {
        let mut builder = Request::builder()
            .method(Method::OPTIONS)
            .uri(uri)
            .header(header::ORIGIN, &self.origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, self.method.as_str());
        if !self.headers.is_empty() {
            builder = builder.header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                self.headers.join(","),
            );
        }
        if self.private_network {
            builder = builder.header("access-control-request-private-network", "true");
        }
        builder.body(Body::empty()).unwrap_or_else(|error| {
            panic!("cannot build the preflight to {uri:?}: {error}");
        })
    }

    /// Sends the preflight to `uri` through `service` (a clone of it: a [`Router`](axum::Router)
    /// clone is cheap) and reads the whole response.
    ///
    /// # Panics
    ///
    /// As [`Preflight::request`], and if the service fails or the body cannot be read.
    ///
    /// Any `Service` will do, a group layer's router included:
    ///
    /// ```
    /// # use axum::{http::Method, routing::put};
    /// # use cors_runtime::{cors_policy, testing::Preflight, CorsRouter};
    /// #[cors_policy(origins = ["https://app.example"], methods = [PUT])]
    /// pub struct Api;
    ///
    /// async fn update_task() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new()
    ///     .route("/tasks/{id}", put(update_task))
    ///     .layer(Api::layer());
    /// Preflight::new("https://app.example", Method::PUT)
    ///     .send(&router, "/tasks/1")
    ///     .await
    ///     .assert_allowed();
    /// # }
    /// ```
    pub async fn send<S, B>(self, service: &S, uri: &str) -> CorsResponse
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: fmt::Debug,
        B: HttpBody<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let request = self.request(uri);
        let sent = Sent::of(&request);
        let kind = Kind::Preflight {
            method: self.method,
            headers: self.headers,
            private_network: self.private_network,
        };
        CorsResponse::receive(service, request, sent, self.origin, self.credentials, kind).await
    }
}

/// An actual CORS request (not a preflight): a `fetch` from a page on another origin.
///
/// ```
/// # use cors_runtime::{cors, with_cors, testing::CorsRequest, CorsRouter};
/// #[cors(origins = ["https://app.example"], expose = ["x-request-id"])]
/// async fn list_tasks() -> ([(&'static str, &'static str); 1], &'static str) {
///     ([("x-request-id", "42")], "[]")
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let router: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(get(list_tasks)));
///
/// let response = CorsRequest::get("https://app.example")
///     .send(&router, "/tasks")
///     .await
///     .assert_allowed()
///     .assert_exposes("x-request-id")
///     .assert_vary("origin");
/// assert_eq!(response.body(), b"[]");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct CorsRequest {
    origin: String,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
    credentials: bool,
}

impl CorsRequest {
    /// A `method` request from `origin`.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::new(Method::HEAD, "https://app.example").request("/tasks");
    /// assert_eq!(request.method(), Method::HEAD);
    /// assert_eq!(request.headers()["origin"], "https://app.example");
    /// ```
    pub fn new(method: Method, origin: &str) -> CorsRequest {
        CorsRequest {
            origin: origin.to_owned(),
            method,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            credentials: false,
        }
    }

    /// A `GET` request from `origin`.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::get("https://app.example").request("/tasks/1");
    /// assert_eq!(request.method(), Method::GET);
    /// assert_eq!(request.uri(), "/tasks/1");
    /// ```
    pub fn get(origin: &str) -> CorsRequest {
        CorsRequest::new(Method::GET, origin)
    }

    /// A `POST` request from `origin`.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::post("https://app.example").request("/tasks/1");
    /// assert_eq!(request.method(), Method::POST);
    /// assert_eq!(request.uri(), "/tasks/1");
    /// ```
    pub fn post(origin: &str) -> CorsRequest {
        CorsRequest::new(Method::POST, origin)
    }

    /// A `PUT` request from `origin`.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::put("https://app.example").request("/tasks/1");
    /// assert_eq!(request.method(), Method::PUT);
    /// assert_eq!(request.uri(), "/tasks/1");
    /// ```
    pub fn put(origin: &str) -> CorsRequest {
        CorsRequest::new(Method::PUT, origin)
    }

    /// A `PATCH` request from `origin`.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::patch("https://app.example").request("/tasks/1");
    /// assert_eq!(request.method(), Method::PATCH);
    /// assert_eq!(request.uri(), "/tasks/1");
    /// ```
    pub fn patch(origin: &str) -> CorsRequest {
        CorsRequest::new(Method::PATCH, origin)
    }

    /// A `DELETE` request from `origin`.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::delete("https://app.example").request("/tasks/1");
    /// assert_eq!(request.method(), Method::DELETE);
    /// assert_eq!(request.uri(), "/tasks/1");
    /// ```
    pub fn delete(origin: &str) -> CorsRequest {
        CorsRequest::new(Method::DELETE, origin)
    }

    /// Adds a request header.
    ///
    /// # Panics
    ///
    /// If `name` or `value` is not a valid header name or value.
    ///
    /// ```
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::put("https://app.example")
    ///     .header("content-type", "application/json")
    ///     .body(r#"{"done":true}"#)
    ///     .request("/tasks/1");
    /// assert_eq!(request.headers()["content-type"], "application/json");
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> CorsRequest {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|error| panic!("invalid header name {name:?}: {error}"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|error| panic!("invalid value {value:?} for `{name}`: {error}"));
        self.headers.append(name, value);
        self
    }

    /// Sets the request body.
    ///
    /// ```
    /// # use cors_runtime::{cors, testing::CorsRequest, with_cors, CorsRouter};
    /// #[cors(origins = ["https://app.example"])]
    /// async fn echo(body: String) -> String {
    ///     body
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/echo", with_cors!(post(echo)));
    /// let response = CorsRequest::post("https://app.example")
    ///     .header("content-type", "text/plain")
    ///     .body("hello")
    ///     .send(&router, "/echo")
    ///     .await
    ///     .assert_allowed();
    /// assert_eq!(response.body(), b"hello");
    /// # }
    /// ```
    pub fn body(mut self, body: impl Into<Bytes>) -> CorsRequest {
        self.body = body.into();
        self
    }

    /// The request will be made with credentials (`fetch(url, { credentials: "include" })`):
    /// the response is then readable only with `Access-Control-Allow-Credentials: true` and
    /// an `Access-Control-Allow-Origin` naming the origin (not `*`).
    ///
    /// This does not add a `Cookie` or `Authorization` header: add those with
    /// [`CorsRequest::header`] if your handler needs them.
    ///
    /// ```
    /// # use cors_runtime::{cors, with_cors, testing::CorsRequest, CorsRouter};
    /// #[cors(origins = "*")]
    /// async fn feed() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new().route("/feed", with_cors!(get(feed)));
    /// CorsRequest::get("https://app.example").send(&router, "/feed").await.assert_allowed();
    /// // `*` never lets a page read a credentialed response.
    /// CorsRequest::get("https://app.example")
    ///     .credentials()
    ///     .send(&router, "/feed")
    ///     .await
    ///     .assert_rejected();
    /// # }
    /// ```
    pub fn credentials(mut self) -> CorsRequest {
        self.credentials = true;
        self
    }

    /// The request this sends to `uri`.
    ///
    /// # Panics
    ///
    /// If `uri` or the origin cannot be put in a request.
    ///
    /// ```
    /// # use axum::http::Method;
    /// # use cors_runtime::testing::CorsRequest;
    /// let request = CorsRequest::delete("https://app.example")
    ///     .header("authorization", "Bearer secret")
    ///     .request("/tasks/1");
    /// assert_eq!(request.method(), Method::DELETE);
    /// assert_eq!(request.uri(), "/tasks/1");
    /// assert_eq!(request.headers()["origin"], "https://app.example");
    /// assert_eq!(request.headers()["authorization"], "Bearer secret");
    /// ```
    pub fn request(&self, uri: &str) -> Request<Body> {
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(uri)
            .header(header::ORIGIN, &self.origin)
            .body(Body::from(self.body.clone()))
            .unwrap_or_else(|error| panic!("cannot build the request to {uri:?}: {error}"));
        for (name, value) in &self.headers {
            request.headers_mut().append(name, value.clone());
        }
        request
    }

    /// Sends the request to `uri` through `service` (a clone of it) and reads the whole
    /// response.
    ///
    /// # Panics
    ///
    /// As [`CorsRequest::request`], and if the service fails or the body cannot be read.
    ///
    /// Any `Service` will do, a group layer's router included:
    ///
    /// ```
    /// # use axum::routing::get;
    /// # use cors_runtime::{cors_policy, testing::CorsRequest, CorsRouter};
    /// #[cors_policy(origins = ["https://app.example"])]
    /// pub struct Api;
    ///
    /// async fn list_tasks() -> &'static str {
    ///     "[]"
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let router: CorsRouter = CorsRouter::new()
    ///     .route("/tasks", get(list_tasks))
    ///     .layer(Api::layer());
    /// CorsRequest::get("https://app.example")
    ///     .send(&router, "/tasks")
    ///     .await
    ///     .assert_allowed();
    /// CorsRequest::get("https://evil.example")
    ///     .send(&router, "/tasks")
    ///     .await
    ///     .assert_rejected();
    /// # }
    /// ```
    pub async fn send<S, B>(self, service: &S, uri: &str) -> CorsResponse
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: fmt::Debug,
        B: HttpBody<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let request = self.request(uri);
        let sent = Sent::of(&request);
        CorsResponse::receive(
            service,
            request,
            sent,
            self.origin,
            self.credentials,
            Kind::Actual,
        )
        .await
    }
}
