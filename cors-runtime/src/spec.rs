//! The const data the macros generate: one [`Spec`] per annotated handler or named policy.
//!
//! A `Spec` is plain `'static` data (string slices, flags, integers, a fn pointer). It is turned
//! into a [`Policy`](crate::Policy) (prebuilt header values, a sorted origin table) once, when a
//! router or layer is built.

use cors_rules::shape::{ListFacts, OriginsShape, Shape};
use http::{request::Parts, HeaderValue};

/// Signature of an origin predicate: `origins = path::to::fn`.
///
/// It receives the request's `Origin` value and the rest of the request head, and returns whether
/// that origin is allowed. It runs on every CORS request, so keep it cheap.
///
/// ```
/// use axum::http::{request::Parts, HeaderValue};
/// use cors_runtime::{cors, OriginPredicate};
///
/// /// Any https subdomain of `partner.example`, checked without allocating.
/// fn is_partner(origin: &HeaderValue, _request: &Parts) -> bool {
///     origin.to_str().is_ok_and(|origin| {
///         origin.strip_prefix("https://").is_some_and(|host| host.ends_with(".partner.example"))
///     })
/// }
///
/// #[cors(origins = is_partner)]
/// async fn catalogue() {}
///
/// // The attribute takes any fn of this type.
/// let _check: OriginPredicate = is_partner;
/// ```
pub type OriginPredicate = fn(&HeaderValue, &Parts) -> bool;

/// Implemented by every fn of type [`OriginPredicate`]: what `origins = path` requires of the
/// fn it names (the macros call the predicate through it, so that a fn of another type is
/// reported with this trait's message). You never implement it.
///
/// ```
/// use axum::http::{request::Parts, HeaderValue};
/// use cors_runtime::OriginPredicateFn;
///
/// fn is_partner(origin: &HeaderValue, _request: &Parts) -> bool {
///     origin.as_bytes().ends_with(b".partner.example")
/// }
///
/// fn takes<P: OriginPredicateFn>(_: P) {}
/// takes(is_partner);
/// ```
#[diagnostic::on_unimplemented(
    message = "this origin predicate is not a `fn(&HeaderValue, &Parts) -> bool`; give it the signature `fn(origin: &HeaderValue, request: &Parts) -> bool`",
    label = "not a `fn(&HeaderValue, &Parts) -> bool`",
    note = "`HeaderValue` and `Parts` are `axum::http::HeaderValue` and `axum::http::request::Parts`: the request's `Origin` and the rest of its head; return whether the origin is allowed",
    note = "for an async check (a database, a tenant table), use `origins = state(Type)` with a `Type` that implements `OriginCheck`",
    note = "for a constant list of origins, name the const in upper case: `origins = FRONTENDS` with `const FRONTENDS: &[&str]`"
)]
pub trait OriginPredicateFn {
    /// Whether the predicate allows `origin`.
    fn allows(&self, origin: &HeaderValue, request: &Parts) -> bool;
}

#[allow(unknown_or_malformed_diagnostic_attributes)]
#[diagnostic::do_not_recommend]
impl<F> OriginPredicateFn for F
where
    F: Fn(&HeaderValue, &Parts) -> bool,
{
    #[inline]
    fn allows(&self, origin: &HeaderValue, request: &Parts) -> bool {
        self(origin, request)
    }
}

/// Which origins a policy allows.
///
/// ```
/// use cors_runtime::{cors_policy, NamedPolicy, Origins};
///
/// #[cors_policy(origins = ["https://app.example", "https://*.app.example"])]
/// pub struct Api;
///
/// #[cors_policy(origins = env("CORS_ORIGINS"))]
/// pub struct FromEnv;
///
/// #[cors_policy(origins = env("CORS_ORIGINS", default = "http://localhost:3000, http://127.0.0.1:3000"))]
/// pub struct FromEnvInDevelopment;
///
/// assert!(matches!(
///     Api::SPEC.origins,
///     Origins::List(["https://app.example", "https://*.app.example"])
/// ));
/// assert!(matches!(FromEnv::SPEC.origins, Origins::Env("CORS_ORIGINS")));
/// assert!(matches!(
///     FromEnvInDevelopment::SPEC.origins,
///     Origins::EnvOr {
///         var: "CORS_ORIGINS",
///         default: ["http://localhost:3000", "http://127.0.0.1:3000"],
///     }
/// ));
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Origins {
    /// `origins` was not given (only valid as a stub, or when `policy = X` supplies it).
    Unset,
    /// `origins = "*"`: any origin, answered with a literal `*` (never combined with credentials).
    Any,
    /// `origins = [...]`: exact serialized origins, wildcard-subdomain patterns and `null`.
    List(&'static [&'static str]),
    /// `origins = path::to::predicate`.
    Predicate(OriginPredicate),
    /// `origins = env("VAR")`: a comma-separated list read when the router is built.
    Env(&'static str),
    /// `origins = env("VAR", default = "...")`: the variable's comma-separated list when it is
    /// set, else the default (checked at compile time, split into its entries).
    EnvOr {
        /// The variable.
        var: &'static str,
        /// The entries of the default.
        default: &'static [&'static str],
    },
    /// `origins = state(Type)`: an async [`OriginCheck`](crate::OriginCheck) taken from the
    /// router state (the type's name, for logs and introspection).
    State(&'static str),
    /// `origins = [FRONTEND, "https://b.example"]` (a list that names `&str` consts) or
    /// `origins = FRONTENDS` (a `&[&str]` const): the consts' values are checked with every
    /// rule when the policy is built (start-up), the literals at compile time too.
    WithConsts(&'static [OriginsPart]),
}

/// One part of [`Origins::WithConsts`]: a const's value, or literal entries.
///
/// ```
/// use cors_runtime::{cors_policy, NamedPolicy, Origins, OriginsPart};
///
/// const FRONTEND: &str = "https://app.example";
///
/// #[cors_policy(origins = [FRONTEND, "https://admin.example"])]
/// pub struct Api;
///
/// let Origins::WithConsts(parts) = Api::SPEC.origins else { unreachable!() };
/// assert!(matches!(
///     parts,
///     [
///         OriginsPart { constant: Some("FRONTEND"), origins: ["https://app.example"] },
///         OriginsPart { constant: None, origins: ["https://admin.example"] },
///     ]
/// ));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct OriginsPart {
    /// The const's path as written (`None` for literal entries).
    pub constant: Option<&'static str>,
    /// Its origins.
    pub origins: &'static [&'static str],
}

impl std::fmt::Debug for Origins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origins::Unset => f.write_str("Unset"),
            Origins::Any => f.write_str("Any"),
            Origins::List(list) => f.debug_tuple("List").field(list).finish(),
            Origins::Predicate(_) => f.write_str("Predicate(..)"),
            Origins::Env(var) => f.debug_tuple("Env").field(var).finish(),
            Origins::EnvOr { var, default } => f
                .debug_struct("EnvOr")
                .field("var", var)
                .field("default", default)
                .finish(),
            Origins::State(ty) => f.debug_tuple("State").field(ty).finish(),
            Origins::WithConsts(parts) => f.debug_tuple("WithConsts").field(parts).finish(),
        }
    }
}

/// A list of names (`methods`, `headers`, `expose`) or `"*"`.
///
/// ```
/// use cors_runtime::{cors_policy, NamedPolicy, Names};
///
/// #[cors_policy(origins = "*", headers = ["Content-Type", "x-trace"], expose = "*")]
/// pub struct Public;
///
/// assert_eq!(Public::SPEC.headers, Names::List(&["content-type", "x-trace"]));
/// assert_eq!(Public::SPEC.expose, Names::Any);
/// assert_eq!(Public::SPEC.methods, Names::Default); // GET, HEAD, POST for a policy
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Names {
    /// Not given: the key's default applies.
    Default,
    /// `"*"`: anything requested (answered by echo, never by a literal `*`, except `expose`).
    Any,
    /// An explicit list (possibly empty). Header names are lower case.
    List(&'static [&'static str]),
}

/// The validated content of one `#[cors(...)]` or `#[cors_policy(...)]` attribute.
///
/// Generated by the macros; users normally never write one. All fields are public so that
/// `policy = X` with overrides can be expressed as struct update syntax in a `const`.
///
/// Read one to see what an attribute compiled to, or write one by hand and compile it with
/// [`Policy::new`](crate::Policy::new) (or [`CorsLayer::try_new`](crate::CorsLayer::try_new)),
/// which applies the same rules as the macros and returns an error instead of failing the build:
///
/// ```
/// use cors_runtime::{cors_policy, NamedPolicy, Names, Origins, Policy, Spec};
///
/// #[cors_policy(origins = ["https://app.example"], credentials, max_age = 600)]
/// pub struct Api;
///
/// assert_eq!(Api::SPEC.name, "Api");
/// assert!(Api::SPEC.credentials);
/// assert_eq!(Api::SPEC.max_age, Some(600));
///
/// let by_hand = Spec {
///     name: "by_hand",
///     origins: Origins::List(&["https://app.example"]),
///     headers: Names::List(&["authorization"]),
///     ..Spec::DEFAULT
/// };
/// assert!(Policy::new(&by_hand).is_ok());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Name used in logs and introspection: the handler or policy type name.
    pub name: &'static str,
    /// Allowed origins.
    pub origins: Origins,
    /// Allowed methods. `Default` means: the methods the handler is mounted under (handlers), or
    /// GET, HEAD and POST (named policies).
    pub methods: Names,
    /// Allowed request headers (lower case).
    pub headers: Names,
    /// Exposed response headers (lower case).
    pub expose: Names,
    /// `Access-Control-Allow-Credentials: true`.
    pub credentials: bool,
    /// `Access-Control-Max-Age` in seconds; `None` omits the header.
    pub max_age: Option<u32>,
    /// Answer `Access-Control-Request-Private-Network: true` with
    /// `Access-Control-Allow-Private-Network: true`.
    pub private_network: bool,
    /// `"null"` may appear in `origins`.
    pub allow_null_origin: bool,
    /// Plain-http, non-loopback origins may be combined with credentials.
    pub allow_insecure_origins: bool,
    /// Status of a successful preflight: 204 or 200.
    pub preflight_status: u16,
    /// `#[cors(disable)]`: no CORS at all for this handler, even inside a group policy.
    pub disabled: bool,
    /// `enforce`: requests whose `Origin` the policy does not allow get 403 before the handler
    /// runs (requests without `Origin`, and `Sec-Fetch-Site: same-origin` ones, pass).
    pub enforce: bool,
}

impl Spec {
    /// The defaults every generated spec starts from (and the stub emitted after a compile error).
    ///
    /// ```
    /// use cors_runtime::Spec;
    ///
    /// assert_eq!(Spec::DEFAULT.preflight_status, 204);
    /// assert!(!Spec::DEFAULT.credentials);
    /// assert_eq!(Spec::DEFAULT.max_age, None);
    /// ```
    pub const DEFAULT: Spec = Spec {
        name: "",
        origins: Origins::Unset,
        methods: Names::Default,
        headers: Names::Default,
        expose: Names::Default,
        credentials: false,
        max_age: None,
        private_network: false,
        allow_null_origin: false,
        allow_insecure_origins: false,
        preflight_status: 204,
        disabled: false,
        enforce: false,
    };

    /// The keys the rules between keys look at, with the facts the macros computed for the
    /// origin list this spec ends up with: what the compile-time check of `policy = X` with
    /// overrides compares (`__private::check`).
    pub(crate) const fn shape<'a>(&self, facts: ListFacts<&'a str>) -> Shape<'a> {
        Shape {
            disabled: self.disabled,
            origins: match self.origins {
                Origins::Unset => OriginsShape::Unset,
                Origins::Any => OriginsShape::Any,
                // An `env(..)` default: its facts, since the policy may use it.
                Origins::List(_) | Origins::EnvOr { .. } => OriginsShape::List(facts),
                // Checked entry by entry when read or built: `env(..)`, consts.
                Origins::Predicate(_)
                | Origins::Env(_)
                | Origins::State(_)
                | Origins::WithConsts(_) => OriginsShape::Other,
            },
            credentials: self.credentials,
            enforce: self.enforce,
            expose_any: matches!(self.expose, Names::Any),
            allow_null_origin: self.allow_null_origin,
            allow_insecure_origins: self.allow_insecure_origins,
        }
    }
}

/// Implemented by the companion type that `#[cors(...)]` generates next to a handler.
///
/// `#[cors]` generates a type with the handler's name, so a handler's policy can be read in
/// tests and start-up logs:
///
/// ```
/// use cors_runtime::{cors, Annotated};
///
/// #[cors(origins = ["https://app.example"], headers = ["authorization"])]
/// async fn update_task() {}
///
/// assert_eq!(<update_task as Annotated>::SPEC.name, "update_task");
/// let policy = <update_task as Annotated>::policy(); // compiled once, then shared
/// assert_eq!(policy.name(), "update_task");
/// ```
#[diagnostic::on_unimplemented(
    message = "handler `{Self}` has no CORS policy; annotate it with `#[cors(...)]`",
    label = "not annotated with `#[cors(...)]`",
    note = "every handler mounted with `with_cors!` needs a policy: put `#[cors(origins = [...])]`, `#[cors(policy = SomePolicy)]` or `#[cors(disable)]` above `fn {Self}`"
)]
pub trait Annotated: 'static {
    /// The handler's validated policy.
    const SPEC: Spec;

    /// The name of the named policy this handler's is based on (`#[cors(policy = X, ..)]`), for
    /// messages; `None` otherwise.
    #[doc(hidden)]
    const BASE: Option<&'static str> = None;

    /// The policy compiled once, on the first call (kept for the life of the program, one per
    /// handler, in a table of the runtime keyed by the companion type).
    ///
    /// ```
    /// use cors_runtime::{cors, Annotated};
    ///
    /// #[cors(origins = ["https://app.example"], max_age = 600)]
    /// async fn update_task() {}
    ///
    /// let policy = <update_task as Annotated>::policy();
    /// assert_eq!(policy.max_age(), Some(600));
    /// // Built on the first call, the same `&'static` afterwards.
    /// assert!(std::ptr::eq(policy, <update_task as Annotated>::policy()));
    /// ```
    ///
    /// # Panics
    ///
    /// On the first call, if the policy cannot be built (an `env("VAR")` origin list that is
    /// unset or invalid), naming the handler and every problem, at the caller's location.
    #[track_caller]
    fn policy() -> &'static crate::Policy {
        compiled(std::any::TypeId::of::<Self>(), &Self::SPEC, Self::BASE)
    }

    /// What `with_cors!(put(a))` expands to: mounts handler `a` (`router`) under `method` with
    /// its policy. A path through this trait, so that a handler without `#[cors]` is reported
    /// once, with this trait's message naming it, and nothing else fails.
    #[doc(hidden)]
    #[track_caller]
    fn __cors_mount<S>(
        route: crate::CorsMethodRouter<S>,
        method: crate::serve::RouteMethod,
        router: axum::routing::MethodRouter<S>,
    ) -> crate::CorsMethodRouter<S>
    where
        Self: Sized + StateOrigins<S>,
        S: Clone + Send + Sync + 'static,
    {
        let start = <Self as StateOrigins<S>>::start;
        // Built (and `env("VAR")` read) once per handler, when the first router mounting it is
        // built, so an invalid list stops start-up there, at the caller's `with_cors!`.
        let handler = (Self::policy(), &Self::SPEC, std::any::TypeId::of::<Self>());
        route.mount(method, handler, start, router)
    }
}

/// [`Annotated::policy`]: the compiled policy of the handler whose companion type is
/// `handler`, built from `spec` on the first call and kept for the life of the program. Not
/// generic, so that nothing of it is compiled per handler (a `static` and a function in every
/// `#[cors]` expansion cost compile time). Called when routers are built and by `policy_of`,
/// never per request.
#[track_caller]
fn compiled(
    handler: std::any::TypeId,
    spec: &Spec,
    base: Option<&'static str>,
) -> &'static crate::Policy {
    use std::{
        collections::HashMap,
        sync::{Mutex, OnceLock, PoisonError},
    };
    type Table = Mutex<HashMap<std::any::TypeId, &'static crate::Policy>>;
    static COMPILED: OnceLock<Table> = OnceLock::new();
    let table = COMPILED.get_or_init(Table::default);
    let lookup = || {
        table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&handler)
            .copied()
    };
    if let Some(policy) = lookup() {
        return policy;
    }
    // Built without the lock held, so that the panic of an invalid policy points at the
    // caller (`with_cors!`, `policy_of`) and leaves the table usable. Two threads may both build
    // it; the first one stored is kept.
    let policy = match crate::Policy::build(spec, &[]) {
        Ok(policy) => policy,
        Err(error) => panic!("{}", error.of_handler(base)),
    };
    let mut table = table.lock().unwrap_or_else(PoisonError::into_inner);
    match table.get(&handler) {
        Some(&kept) => kept,
        None => {
            let policy: &'static crate::Policy = Box::leak(Box::new(policy));
            table.insert(handler, policy);
            policy
        }
    }
}

/// Where the async origin check of `origins = state(Type)` comes from, for router state `S`:
/// implemented by every `#[cors]` companion type (doing nothing unless its origins are
/// `state(Type)`).
///
/// `with_cors!` requires it of each handler for the router's state type, which is how a
/// `state(Type)` not reachable from that state is caught at compile time. A fixed origin list
/// fits any state:
///
/// ```
/// use cors_runtime::{cors, StateOrigins};
///
/// #[cors(origins = ["https://app.example"])]
/// async fn list_tasks() {}
///
/// fn mountable_with<A: StateOrigins<S>, S>() {}
///
/// mountable_with::<list_tasks, ()>();
/// mountable_with::<list_tasks, String>();
/// ```
#[diagnostic::on_unimplemented(
    message = "handler `{Self}` takes its origins from `origins = state(..)`, which router state `{S}` does not provide; implement `FromRef<{S}>` for the type in `state(..)`",
    label = "its `origins = state(..)` type is not available from this router's state",
    note = "the router's state must provide the type named in `#[cors(origins = state(..))]`: `impl axum::extract::FromRef<{S}> for ThatType`; or mount the handler in a router whose state provides it"
)]
pub trait StateOrigins<S>: 'static {
    /// Starts the check of `origin` with the check taken from `state`; `None` when the policy
    /// has no `state(Type)` origins.
    ///
    /// `with_cors!` routes call it for every CORS request; you call it only to test a check:
    ///
    /// ```
    /// use axum::{extract::FromRef, http::HeaderValue};
    /// use cors_runtime::{cors, OriginCheck, StateOrigins};
    ///
    /// #[derive(Clone)]
    /// struct Tenants;
    ///
    /// impl OriginCheck for Tenants {
    ///     async fn allows(self, origin: HeaderValue) -> bool {
    ///         origin == "https://acme.example"
    ///     }
    /// }
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
    /// #[cors(origins = state(Tenants))]
    /// async fn update_task() {}
    ///
    /// #[cors(origins = ["https://app.example"])]
    /// async fn list_tasks() {}
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let state = AppState { tenants: Tenants };
    /// let acme = HeaderValue::from_static("https://acme.example");
    /// let check = <update_task as StateOrigins<AppState>>::start(&state, &acme);
    /// assert!(check.expect("`state(Tenants)` starts a check").await);
    ///
    /// // A fixed origin list has nothing to start.
    /// assert!(<list_tasks as StateOrigins<AppState>>::start(&state, &acme).is_none());
    /// # }
    /// ```
    fn start(state: &S, origin: &HeaderValue) -> Option<crate::OriginCheckFuture> {
        let _ = (state, origin);
        None
    }
}

/// Implemented by a `#[cors_policy(...)]` struct.
///
/// ```
/// use cors_runtime::{cors_policy, NamedPolicy, Policy};
///
/// #[cors_policy(origins = ["https://app.example"], methods = [GET, PUT])]
/// pub struct Api;
///
/// assert_eq!(<Api as NamedPolicy>::SPEC.name, "Api");
/// // The same policy the group layer uses, compiled by hand (say, to log it at start-up).
/// let policy = Policy::new(&Api::SPEC).unwrap();
/// assert_eq!(policy.name(), "Api");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a CORS policy",
    label = "expected a type declared with `#[cors_policy(...)]`",
    note = "declare it as `#[cors_policy(origins = [...])] pub struct SomePolicy;`"
)]
pub trait NamedPolicy {
    /// The policy's validated spec.
    const SPEC: Spec;

    /// What the macro found in the policy's literal origin list that the flags decide on
    /// (`null`, plain-http origins), for the compile-time check of handlers that take the
    /// list with `policy = X`. Generated; not public API.
    #[doc(hidden)]
    const FACTS: ListFacts = ListFacts::NONE;
}
