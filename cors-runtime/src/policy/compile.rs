//! Building a [`Policy`]: a validated spec (or the builder's input) becomes prebuilt header
//! values and an origin table, once.

use std::borrow::Cow;

use http::{HeaderValue, Method, StatusCode};

use super::{AllowHeaders, AllowMethods, NameList, Policy, PolicyError};
use crate::{
    headers::AllowedNames,
    origin::OriginMatcher,
    spec::{Names, Spec},
    vary::Vary,
};

/// The methods of a named or runtime policy that lists none (a handler's default is the
/// methods it is mounted under).
pub(crate) const DEFAULT_GROUP_METHODS: &[Method] = &[Method::GET, Method::HEAD, Method::POST];

fn header_list(names: &[Cow<'static, str>]) -> Option<HeaderValue> {
    if names.is_empty() {
        return None;
    }
    HeaderValue::from_str(&names.join(", ")).ok()
}

/// The validated content of a policy, before its header values are built: from a [`Spec`]
/// (macros) or a [`PolicyBuilder`](crate::PolicyBuilder) (run time).
pub(crate) struct Draft {
    pub(crate) name: Cow<'static, str>,
    pub(crate) disabled: bool,
    pub(crate) origins: OriginMatcher,
    pub(crate) methods: NameList,
    pub(crate) headers: NameList,
    pub(crate) expose: NameList,
    pub(crate) credentials: bool,
    pub(crate) max_age: Option<u32>,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: u16,
    pub(crate) enforce: bool,
}

impl Policy {
    /// Compiles `spec` as a group policy (default methods GET, HEAD, POST).
    ///
    /// ```
    /// use cors_runtime::{Names, Origins, Policy, Spec};
    ///
    /// let spec = Spec {
    ///     name: "api",
    ///     origins: Origins::Any,
    ///     expose: Names::List(&["x-request-id"]),
    ///     credentials: true,
    ///     ..Spec::DEFAULT
    /// };
    /// let error = Policy::new(&spec).unwrap_err();
    /// assert!(error.message().starts_with("`credentials` cannot be combined"), "{error}");
    /// ```
    pub fn new(spec: &Spec) -> Result<Policy, PolicyError> {
        if let crate::spec::Origins::State(ty) = spec.origins {
            return Err(PolicyError::new(
                spec.name,
                format!("`origins = state({ty})` needs the router state; build the layer with `{}::layer_with_state(&state)`", spec.name),
            ));
        }
        Policy::build(spec, DEFAULT_GROUP_METHODS)
    }

    /// This policy with its `state(Type)` origins replaced by the check `T` taken from `state`.
    pub(crate) fn with_state_check<T: crate::OriginCheck>(mut self, check: T) -> Policy {
        if matches!(self.origins, OriginMatcher::State(_)) {
            self.origins = OriginMatcher::Async(std::sync::Arc::new(move |origin| {
                Box::pin(check.clone().allows(origin)) as crate::origin::OriginCheckFuture
            }));
        }
        self
    }

    /// This policy with its `state(Type)` origins replaced by `check` (a `with_cors!` handler's
    /// check, bound to the router state by `CorsRouter::with_state`).
    pub(crate) fn with_origin_check(mut self, check: crate::origin::AsyncPredicate) -> Policy {
        if matches!(self.origins, OriginMatcher::State(_)) {
            self.origins = OriginMatcher::Async(check);
        }
        self
    }

    /// Compiles `spec`; `mounted` are the methods used when the spec lists none.
    pub(crate) fn build(spec: &Spec, mounted: &[Method]) -> Result<Policy, PolicyError> {
        let entries = crate::check::spec(spec)?;
        let origins = OriginMatcher::new(spec, entries)?;
        Policy::assemble(
            Draft {
                name: Cow::Borrowed(spec.name),
                disabled: spec.disabled,
                origins,
                methods: NameList::of(spec.methods),
                headers: NameList::of(spec.headers),
                expose: NameList::of(spec.expose),
                credentials: spec.credentials,
                max_age: spec.max_age,
                private_network: spec.private_network,
                preflight_status: spec.preflight_status,
                enforce: spec.enforce,
            },
            mounted,
        )
    }

    /// Builds the header values of validated `parts`.
    pub(crate) fn assemble(parts: Draft, mounted: &[Method]) -> Result<Policy, PolicyError> {
        let Draft {
            name,
            disabled,
            origins,
            methods,
            headers,
            expose,
            credentials,
            max_age,
            private_network: pna,
            preflight_status,
            enforce,
        } = parts;
        let methods_mounted = matches!(methods, NameList::Default) && mounted.is_empty();
        let methods = match methods {
            NameList::Any => AllowMethods::Any,
            NameList::Default => AllowMethods::List(mounted.into()),
            NameList::List(list) => {
                let mut methods = Vec::with_capacity(list.len() + 1);
                for m in list.iter() {
                    let method = Method::from_bytes(m.as_bytes()).map_err(|_| {
                        PolicyError::new(name.clone(), format!("method `{m}` is not a valid token"))
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
        let headers = match headers {
            NameList::Any => AllowHeaders::Any,
            NameList::Default => AllowHeaders::List {
                names: Box::default(),
                value: None,
                lookup: AllowedNames::default(),
            },
            NameList::List(names) => AllowHeaders::List {
                value: header_list(&names),
                lookup: AllowedNames::new(&names),
                names,
            },
        };
        let expose_value = match &expose {
            NameList::Any => Some(HeaderValue::from_static("*")),
            NameList::Default => None,
            NameList::List(names) => header_list(names),
        };
        let varies = origins.varies() || credentials;
        let vary_preflight = match (varies, pna) {
            (true, false) => Vary::PREFLIGHT,
            (false, false) => Vary::PREFLIGHT_ANY_ORIGIN,
            (true, true) => Vary::PREFLIGHT_PNA,
            (false, true) => Vary::PREFLIGHT_ANY_ORIGIN_PNA,
        };
        Ok(Policy {
            disabled,
            origins,
            methods,
            methods_mounted,
            headers,
            expose: expose_value,
            expose_names: expose,
            credentials,
            max_age: max_age.map(HeaderValue::from),
            max_age_secs: max_age,
            private_network: pna,
            preflight_status: if preflight_status == 200 {
                StatusCode::OK
            } else {
                StatusCode::NO_CONTENT
            },
            vary_actual: match (disabled, enforce, varies) {
                (true, _, _) | (false, false, false) => None,
                (false, true, _) => Some(Vary::ENFORCE),
                (false, false, true) => Some(Vary::ORIGIN),
            },
            vary_preflight,
            enforce: enforce && !disabled,
            fingerprint: super::fingerprint(&name),
            name,
        })
    }

    /// This policy with `mounted` as its methods when its spec lists none (a handler's default:
    /// the methods it is mounted under). Shares everything else, `env("VAR")` origins included.
    pub(crate) fn for_mount(&self, spec: &Spec, mounted: &[Method]) -> Policy {
        let mut policy = self.clone();
        if matches!(spec.methods, Names::Default) {
            policy.methods = AllowMethods::List(mounted.into());
            policy.methods_mounted = false;
        }
        policy
    }
}
