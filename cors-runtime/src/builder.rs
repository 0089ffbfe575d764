//! Policies built at run time, from configuration: [`PolicyBuilder`].

use std::{borrow::Cow, fmt, future::Future, sync::Arc};

use http::HeaderValue;

use cors_rules::{Input, Syntax};

use crate::{
    origin::{AsyncPredicate, OriginCheckFuture, OriginMatcher},
    policy::{Draft, NameList},
    spec::OriginPredicate,
    Policy, PolicyError,
};

/// Methods of a runtime policy that lists none (as for a `#[cors_policy]` group policy).

#[derive(Clone)]
enum OriginsInput {
    Unset,
    Any,
    List(Vec<String>),
    Predicate(OriginPredicate),
    Async(AsyncPredicate),
}

#[derive(Clone, Debug)]
enum NamesInput {
    Default,
    Any,
    List(Vec<String>),
}

fn collect<I>(names: I) -> NamesInput
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    NamesInput::List(
        names
            .into_iter()
            .map(|name| name.as_ref().to_owned())
            .collect(),
    )
}

/// Builds a [`Policy`] at run time, e.g. from configuration: [`Policy::builder`].
///
/// The result is the same type the macros produce, checked by the same rules with the same
/// messages; [`build`](PolicyBuilder::build) reports every problem at once as a [`PolicyError`]
/// and never panics. Keys not set keep the defaults of a `#[cors_policy]`: methods `GET`,
/// `HEAD`, `POST`; only CORS-safelisted request headers; nothing exposed; no credentials; no
/// `Access-Control-Max-Age`.
///
/// Use the policy for a group of routes, or one route, as a layer
/// ([`CorsLayer::from`](crate::CorsLayer)):
///
/// ```
/// use axum::{body::Body, http::Request, routing::{get, put}};
/// use cors_runtime::{CorsLayer, Policy, CorsRouter};
/// use tower::ServiceExt;
///
/// # async fn list() {}
/// # async fn update() {}
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // e.g. std::env::var("ALLOWED_ORIGINS")? or a field of your config file
/// let configured = "https://app.example.com, https://admin.example.com";
/// let policy = Policy::builder("ApiPolicy")
///     .origins_from_str(configured)
///     .methods(["GET", "PUT"])
///     .headers(["content-type", "authorization"])
///     .credentials(true)
///     .max_age(600)
///     .build()?;
/// println!("{policy}"); // one-line summary for the start-up log
///
/// let app: CorsRouter = CorsRouter::new()
///     .route("/tasks", get(list))
///     .route("/tasks/{id}", put(update))
///     .layer(CorsLayer::from(policy));
///
/// let preflight = Request::options("/tasks/1")
///     .header("origin", "https://admin.example.com")
///     .header("access-control-request-method", "PUT")
///     .header("access-control-request-headers", "authorization")
///     .body(Body::empty())?;
/// let response = app.oneshot(preflight).await?;
/// assert_eq!(response.status(), 204);
/// assert_eq!(response.headers()["access-control-allow-origin"], "https://admin.example.com");
/// assert_eq!(response.headers()["access-control-allow-credentials"], "true");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[must_use]
pub struct PolicyBuilder {
    name: Cow<'static, str>,
    origins: OriginsInput,
    methods: NamesInput,
    headers: NamesInput,
    expose: NamesInput,
    credentials: bool,
    max_age: Option<u64>,
    private_network: bool,
    allow_null_origin: bool,
    allow_insecure_origins: bool,
    preflight_status: u16,
    enforce: bool,
}

impl fmt::Debug for PolicyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origins: &dyn fmt::Debug = match &self.origins {
            OriginsInput::Unset => &"unset",
            OriginsInput::Any => &"*",
            OriginsInput::List(list) => list,
            OriginsInput::Predicate(_) => &"predicate",
            OriginsInput::Async(_) => &"async predicate",
        };
        f.debug_struct("PolicyBuilder")
            .field("name", &self.name)
            .field("origins", origins)
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("private_network", &self.private_network)
            .field("allow_null_origin", &self.allow_null_origin)
            .field("allow_insecure_origins", &self.allow_insecure_origins)
            .field("preflight_status", &self.preflight_status)
            .field("enforce", &self.enforce)
            .finish()
    }
}

impl Policy {
    /// Starts a policy built at run time; `name` appears in logs, errors and introspection.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("ApiPolicy")
    ///     .origins(["https://app.example.com"])
    ///     .build()?;
    /// assert_eq!(policy.name(), "ApiPolicy");
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn builder(name: impl Into<Cow<'static, str>>) -> PolicyBuilder {
        PolicyBuilder {
            name: name.into(),
            origins: OriginsInput::Unset,
            methods: NamesInput::Default,
            headers: NamesInput::Default,
            expose: NamesInput::Default,
            credentials: false,
            max_age: None,
            private_network: false,
            allow_null_origin: false,
            allow_insecure_origins: false,
            preflight_status: 204,
            enforce: false,
        }
    }
}

impl PolicyBuilder {
    /// The allowed origins: serialized origins (`https://app.example.com`), wildcard-subdomain
    /// patterns (`https://*.example.com`) and, with
    /// [`allow_null_origin`](Self::allow_null_origin), `null`. Replaces earlier origins.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P")
    ///     .origins(vec![String::from("https://app.example.com"), "https://*.example.org".into()])
    ///     .build()?;
    /// assert_eq!(
    ///     policy.origins(),
    ///     cors_runtime::AllowedOrigins::List(vec!["https://app.example.com", "https://*.example.org"])
    /// );
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.origins = match collect(origins) {
            NamesInput::List(list) => OriginsInput::List(list),
            _ => OriginsInput::Unset,
        };
        self
    }

    /// The allowed origins from one configuration string: a comma-separated list (spaces
    /// around entries and empty entries are ignored), as `origins = env("VAR")` reads.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P")
    ///     .origins_from_str(" https://a.example ,https://b.example,")
    ///     .build()?;
    /// assert_eq!(
    ///     policy.origins(),
    ///     cors_runtime::AllowedOrigins::List(vec!["https://a.example", "https://b.example"])
    /// );
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn origins_from_str(self, list: &str) -> Self {
        self.origins(cors_rules::origin::split_list(list))
    }

    /// Any origin, answered with a literal `*` (cannot be combined with credentials).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("Public").any_origin().build()?;
    /// assert_eq!(policy.origins(), cors_runtime::AllowedOrigins::Any);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn any_origin(mut self) -> Self {
        self.origins = OriginsInput::Any;
        self
    }

    /// Origins decided by a predicate, as `origins = path::to::fn`: it gets the request's
    /// `Origin` value and head, and the origin is echoed when it returns `true`.
    ///
    /// ```
    /// use axum::http::{request::Parts, HeaderValue};
    ///
    /// fn ours(origin: &HeaderValue, _: &Parts) -> bool {
    ///     origin.as_bytes().ends_with(b".example.com") && origin.as_bytes().starts_with(b"https://")
    /// }
    /// let policy = cors_runtime::Policy::builder("P").origin_predicate(ours).build()?;
    /// assert_eq!(policy.origins(), cors_runtime::AllowedOrigins::Predicate);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn origin_predicate(mut self, predicate: OriginPredicate) -> Self {
        self.origins = OriginsInput::Predicate(predicate);
        self
    }

    /// Origins decided by an async predicate that can reach your application's state, e.g. a
    /// tenant table: `check(origin, state.clone())` runs for each CORS request whose `Origin`
    /// is present, and the origin is echoed when it resolves to `true`.
    ///
    /// The state is typed: pass the part of your state the check needs (with axum's
    /// [`FromRef`](axum::extract::FromRef), `Tenants::from_ref(&app_state)`), cloned per request,
    /// so make it cheap to clone (an `Arc`, a pool handle). Supported by the layer
    /// ([`CorsLayer::from`](crate::CorsLayer)) only, for groups or one route.
    ///
    /// ```
    /// use std::{collections::HashSet, sync::Arc};
    ///
    /// use axum::{body::Body, extract::FromRef, http::{HeaderValue, Request}, routing::get};
    /// use cors_runtime::{CorsLayer, Policy, CorsRouter};
    /// use tower::ServiceExt;
    ///
    /// #[derive(Clone)]
    /// struct Tenants(Arc<HashSet<String>>);
    ///
    /// #[derive(Clone)]
    /// struct AppState {
    ///     tenants: Tenants,
    /// }
    ///
    /// impl FromRef<AppState> for Tenants {
    ///     fn from_ref(state: &AppState) -> Tenants {
    ///         state.tenants.clone()
    ///     }
    /// }
    ///
    /// async fn tenant_allowed(origin: HeaderValue, tenants: Tenants) -> bool {
    ///     // a database lookup, in a real application
    ///     origin.to_str().is_ok_and(|o| tenants.0.contains(o))
    /// }
    ///
    /// # async fn handler() {}
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let state = AppState {
    ///     tenants: Tenants(Arc::new(HashSet::from(["https://acme.example".to_owned()]))),
    /// };
    /// let policy = Policy::builder("Tenants")
    ///     .origins_async(Tenants::from_ref(&state), tenant_allowed)
    ///     .credentials(true)
    ///     .build()?;
    /// let app = CorsRouter::new()
    ///     .route("/", get(handler))
    ///     .layer(CorsLayer::from(policy))
    ///     .with_state(state);
    ///
    /// let request = Request::get("/").header("origin", "https://acme.example").body(Body::empty())?;
    /// let response = app.oneshot(request).await?;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://acme.example");
    /// # Ok(())
    /// # }
    /// ```
    pub fn origins_async<T, F, Fut>(mut self, state: T, check: F) -> Self
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(HeaderValue, T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        let predicate: AsyncPredicate = Arc::new(move |origin: HeaderValue| {
            Box::pin(check(origin, state.clone())) as OriginCheckFuture
        });
        self.origins = OriginsInput::Async(predicate);
        self
    }

    /// Origins decided by an [`OriginCheck`](crate::OriginCheck) (the same check
    /// `#[cors(origins = state(Type))]` takes from the router state): pass it, taken from your
    /// state with `Type::from_ref(&state)`. Cloned per request.
    ///
    /// ```
    /// use axum::http::HeaderValue;
    /// use cors_runtime::{OriginCheck, Policy};
    ///
    /// #[derive(Clone)]
    /// struct Registered(std::sync::Arc<Vec<String>>);
    ///
    /// impl OriginCheck for Registered {
    ///     async fn allows(self, origin: HeaderValue) -> bool {
    ///         self.0.iter().any(|o| origin == o.as_str())
    ///     }
    /// }
    ///
    /// let registered = Registered(std::sync::Arc::new(vec!["https://a.example".into()]));
    /// let policy = Policy::builder("Registered").origins_checked_by(registered).build()?;
    /// assert_eq!(policy.origins(), cors_runtime::AllowedOrigins::AsyncPredicate);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn origins_checked_by<T: crate::OriginCheck>(mut self, check: T) -> Self {
        let predicate: AsyncPredicate = Arc::new(move |origin: HeaderValue| {
            Box::pin(check.clone().allows(origin)) as OriginCheckFuture
        });
        self.origins = OriginsInput::Async(predicate);
        self
    }

    /// The allowed methods (case-sensitive: `GET`, `PATCH`, custom tokens like `PURGE`);
    /// `GET` brings `HEAD`. Default: `GET`, `HEAD`, `POST`.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().methods(["GET", "PUT"]).build()?;
    /// assert_eq!(policy.methods(), cors_runtime::Allowed::List(vec!["GET", "PUT", "HEAD"]));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn methods<I>(mut self, methods: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.methods = collect(methods);
        self
    }

    /// Any method (the requested one is echoed).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().any_method().build()?;
    /// assert_eq!(policy.methods(), cors_runtime::Allowed::Any);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn any_method(mut self) -> Self {
        self.methods = NamesInput::Any;
        self
    }

    /// The request headers scripts may send besides the CORS-safelisted ones (case-insensitive).
    /// `Authorization` is never safelisted: list it if your clients send it.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P")
    ///     .any_origin()
    ///     .headers(["content-type", "authorization"])
    ///     .build()?;
    /// assert_eq!(
    ///     policy.headers(),
    ///     cors_runtime::Allowed::List(vec!["content-type", "authorization"])
    /// );
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.headers = collect(headers);
        self
    }

    /// Any request header (the requested names are echoed).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().any_header().build()?;
    /// assert_eq!(policy.headers(), cors_runtime::Allowed::Any);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn any_header(mut self) -> Self {
        self.headers = NamesInput::Any;
        self
    }

    /// The response headers scripts may read besides the CORS-safelisted ones.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().expose(["x-request-id"]).build()?;
    /// assert_eq!(policy.expose(), cors_runtime::Allowed::List(vec!["x-request-id"]));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn expose<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.expose = collect(headers);
        self
    }

    /// Expose every response header (`Access-Control-Expose-Headers: *`; not with credentials).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().expose_any().build()?;
    /// assert_eq!(policy.expose(), cors_runtime::Allowed::Any);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn expose_any(mut self) -> Self {
        self.expose = NamesInput::Any;
        self
    }

    /// Send `Access-Control-Allow-Credentials: true` (cookies, HTTP authentication).
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("P").any_origin().credentials(true).build();
    /// assert!(error.unwrap_err().message().contains("cannot be combined"));
    /// ```
    pub fn credentials(mut self, credentials: bool) -> Self {
        self.credentials = credentials;
        self
    }

    /// Refuse requests whose `Origin` the policy does not allow with `403 Forbidden` before
    /// the routes under the layer run (the attribute key `enforce`; see its documentation for
    /// the trade-offs). Cannot be combined with any origin.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("P").any_origin().enforce(true).build();
    /// assert!(error.unwrap_err().message().contains("`.enforce(true)` refuses nothing"));
    /// ```
    pub fn enforce(mut self, enforce: bool) -> Self {
        self.enforce = enforce;
        self
    }

    /// `Access-Control-Max-Age` in seconds (at most 86400).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().max_age(600).build()?;
    /// assert_eq!(policy.max_age(), Some(600));
    /// let error = cors_runtime::Policy::builder("P").any_origin().max_age(90_000).build();
    /// assert!(error.unwrap_err().message().contains("use at most `.max_age(86400)`"));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Allow private-network preflights (`Access-Control-Allow-Private-Network: true`).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().private_network(true).build()?;
    /// assert!(policy.private_network());
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// Let `null` appear among the origins (sandboxed iframes, `file:` pages).
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P")
    ///     .origins(["null"])
    ///     .allow_null_origin(true)
    ///     .build()?;
    /// assert_eq!(policy.origins(), cors_runtime::AllowedOrigins::List(vec!["null"]));
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn allow_null_origin(mut self, allow: bool) -> Self {
        self.allow_null_origin = allow;
        self
    }

    /// Let plain-http, non-loopback origins be combined with credentials.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P")
    ///     .origins(["http://intranet.example"])
    ///     .credentials(true)
    ///     .allow_insecure_origins(true)
    ///     .build()?;
    /// assert!(policy.credentials());
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn allow_insecure_origins(mut self, allow: bool) -> Self {
        self.allow_insecure_origins = allow;
        self
    }

    /// Status of a successful preflight: 204 (default) or 200.
    ///
    /// ```
    /// let policy = cors_runtime::Policy::builder("P").any_origin().preflight_status(200).build()?;
    /// assert_eq!(policy.preflight_status(), axum::http::StatusCode::OK);
    /// # Ok::<(), cors_runtime::PolicyError>(())
    /// ```
    pub fn preflight_status(mut self, status: u16) -> Self {
        self.preflight_status = status;
        self
    }

    /// Checks every key with the rules of the macros and compiles the policy, or returns every
    /// problem found.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("P")
    ///     .origins(["https://a.example"])
    ///     .methods(["get"])
    ///     .headers(["cookie"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.problems()[0], "method `get` must be upper case; write `GET`");
    /// assert!(error.problems()[1].starts_with("header `cookie` is set by the browser"));
    /// ```
    pub fn build(self) -> Result<Policy, PolicyError> {
        let origins: Vec<&str> = match &self.origins {
            OriginsInput::List(list) => list.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        let (methods, headers, expose) =
            (strs(&self.methods), strs(&self.headers), strs(&self.expose));
        let input = Input {
            origins: match &self.origins {
                OriginsInput::Unset => cors_rules::Origins::Unset,
                OriginsInput::Any => cors_rules::Origins::Any,
                OriginsInput::List(_) => cors_rules::Origins::List(&origins),
                OriginsInput::Predicate(_) | OriginsInput::Async(_) => cors_rules::Origins::Other,
            },
            methods: names_input(&self.methods, &methods),
            headers: names_input(&self.headers, &headers),
            expose: names_input(&self.expose, &expose),
            credentials: Some(self.credentials),
            allow_null_origin: Some(self.allow_null_origin),
            allow_insecure_origins: Some(self.allow_insecure_origins),
            enforce: Some(self.enforce),
            max_age: self.max_age,
            preflight_status: Some(u64::from(self.preflight_status)),
        };
        let problems = cors_rules::check(&input);
        if !problems.is_empty() {
            return Err(crate::check::error(
                self.name,
                &problems,
                Syntax::Builder,
                &crate::check::Source::Written,
            ));
        }
        let origins = match self.origins {
            OriginsInput::Unset | OriginsInput::Any => OriginMatcher::Any,
            OriginsInput::List(list) => {
                OriginMatcher::from_entries(&self.name, list.into_iter().map(Cow::Owned).collect())?
            }
            OriginsInput::Predicate(predicate) => OriginMatcher::Predicate(predicate),
            OriginsInput::Async(predicate) => OriginMatcher::Async(predicate),
        };
        Policy::assemble(
            Draft {
                name: self.name,
                disabled: false,
                origins,
                methods: name_list(self.methods, false),
                headers: name_list(self.headers, true),
                expose: name_list(self.expose, true),
                credentials: self.credentials,
                // Checked: at most 86400.
                max_age: self.max_age.and_then(|n| u32::try_from(n).ok()),
                private_network: self.private_network,
                preflight_status: self.preflight_status,
                enforce: self.enforce,
            },
            crate::policy::DEFAULT_GROUP_METHODS,
        )
    }
}

/// The names of a list key, borrowed (empty for the other forms).
fn strs(input: &NamesInput) -> Vec<&str> {
    match input {
        NamesInput::List(list) => list.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

/// A list key as the rules see it, its names in `strs`.
fn names_input<'a>(input: &NamesInput, strs: &'a [&'a str]) -> cors_rules::Names<'a> {
    match input {
        NamesInput::Default => cors_rules::Names::Default,
        NamesInput::Any => cors_rules::Names::Any,
        NamesInput::List(_) => cors_rules::Names::List(strs),
    }
}

/// A checked list key, header names lower-cased (they are case-insensitive).
fn name_list(input: NamesInput, lower: bool) -> NameList {
    match input {
        NamesInput::Default => NameList::Default,
        NamesInput::Any => NameList::Any,
        NamesInput::List(list) => NameList::List(
            list.into_iter()
                .map(|name| {
                    Cow::Owned(if lower {
                        name.to_ascii_lowercase()
                    } else {
                        name
                    })
                })
                .collect(),
        ),
    }
}
