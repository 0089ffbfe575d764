//! Origin matching, built once from a spec's origin list.

use std::{borrow::Cow, future::Future, pin::Pin, sync::Arc};

use http::{request::Parts, HeaderValue};

use crate::{
    rules::{self, OriginKind},
    spec::{OriginPredicate, Origins, Spec},
    PolicyError,
};

/// Exact-origin lists up to this long are scanned; longer ones are binary-searched.
const SCAN_MAX: usize = 8;

/// Longest `Origin` value considered at all.
pub(crate) const MAX_ORIGIN_LEN: usize = 300;

/// A wildcard-subdomain pattern split as `scheme://` + labels + `.domain[:port]`.
#[derive(Clone, Debug)]
pub(crate) struct Wildcard {
    pattern: Cow<'static, str>,
    prefix: Cow<'static, str>,
    suffix: Cow<'static, str>,
}

/// The future of an async origin predicate.
pub(crate) type OriginCheckFuture = Pin<Box<dyn Future<Output = bool> + Send + 'static>>;

/// An async origin predicate with its state captured (see
/// [`PolicyBuilder::origins_async`](crate::PolicyBuilder::origins_async)).
pub(crate) type AsyncPredicate = Arc<dyn Fn(HeaderValue) -> OriginCheckFuture + Send + Sync>;

/// How `null` and plain-http entries are judged: from the policy's flags.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OriginFlags {
    /// `allow_null_origin`.
    pub(crate) null_allowed: bool,
    /// `credentials` without `allow_insecure_origins`.
    pub(crate) insecure_refused: bool,
}

impl OriginFlags {
    pub(crate) fn of(spec: &Spec) -> Self {
        OriginFlags {
            null_allowed: spec.allow_null_origin,
            insecure_refused: spec.credentials && !spec.allow_insecure_origins,
        }
    }
}

/// The compiled form of `origins`.
#[derive(Clone)]
pub(crate) enum OriginMatcher {
    /// `*` without credentials: the answer is always a literal `*`.
    Any,
    /// Exact origins (sorted by bytes, answered with the stored value) and patterns (answered by
    /// echoing the request's origin).
    List {
        exact: Box<[HeaderValue]>,
        wildcards: Box<[Wildcard]>,
    },
    /// A user predicate: the request's origin is echoed when it returns true.
    Predicate(OriginPredicate),
    /// An async user predicate (runtime policies, group layers only): decided by the layer,
    /// which awaits it and passes the answer to [`OriginMatcher::allow`].
    Async(AsyncPredicate),
    /// `origins = state(Type)` of a handler: the check is taken from the router state by the
    /// handler, which awaits it and passes the answer to [`OriginMatcher::allow`].
    State(&'static str),
}

impl std::fmt::Debug for OriginMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginMatcher::Any => f.write_str("Any"),
            OriginMatcher::List { exact, wildcards } => f
                .debug_struct("List")
                .field("exact", exact)
                .field("wildcards", wildcards)
                .finish(),
            OriginMatcher::Predicate(_) => f.write_str("Predicate(..)"),
            OriginMatcher::Async(_) => f.write_str("Async(..)"),
            OriginMatcher::State(ty) => f.debug_tuple("State").field(ty).finish(),
        }
    }
}

impl OriginMatcher {
    pub(crate) fn new(spec: &Spec) -> Result<Self, PolicyError> {
        let flags = OriginFlags::of(spec);
        match spec.origins {
            Origins::Unset => Err(PolicyError::new(
                spec.name,
                "the policy has no `origins`; add `origins = [...]` or `policy = SomePolicy`",
            )),
            Origins::Any => Ok(OriginMatcher::Any),
            Origins::Predicate(predicate) => Ok(OriginMatcher::Predicate(predicate)),
            Origins::State(ty) => Ok(OriginMatcher::State(ty)),
            Origins::List(list) => {
                let entries = list.iter().map(|s| (Cow::Borrowed(*s), None));
                Self::from_entries(spec.name, flags, entries)
            }
            Origins::Env(var) => {
                let value = std::env::var(var).map_err(|e| {
                    PolicyError::new(
                        spec.name,
                        format!(
                            "environment variable `{var}` (from `origins = env(\"{var}\")`) {}; set it to a comma-separated list of origins",
                            match e {
                                std::env::VarError::NotPresent => "is not set",
                                std::env::VarError::NotUnicode(_) => "is not valid unicode",
                            }
                        ),
                    )
                })?;
                let entries: Vec<(Cow<'static, str>, Option<&'static str>)> = value
                    .split(',')
                    .map(|s| (Cow::Owned(s.trim().to_owned()), Some(var)))
                    .collect();
                if entries.iter().all(|(s, _)| s.is_empty()) {
                    return Err(PolicyError::new(
                        spec.name,
                        format!("environment variable `{var}` holds no origin; set it to a comma-separated list of origins"),
                    ));
                }
                Self::from_entries(
                    spec.name,
                    flags,
                    entries.into_iter().filter(|(s, _)| !s.is_empty()),
                )
            }
        }
    }

    /// Compiles checked-as-we-go entries; `var` names the environment variable an entry came
    /// from, for the message.
    pub(crate) fn from_entries(
        name: &str,
        flags: OriginFlags,
        entries: impl Iterator<Item = (Cow<'static, str>, Option<&'static str>)>,
    ) -> Result<Self, PolicyError> {
        let mut exact: Vec<HeaderValue> = Vec::new();
        let mut wildcards = Vec::new();
        for (entry, var) in entries {
            let context = |message: String| match var {
                Some(var) => PolicyError::new(
                    name.to_owned(),
                    format!("environment variable `{var}`, entry `{entry}`: {message}"),
                ),
                None => PolicyError::new(name.to_owned(), message),
            };
            let checked = rules::check_origin(&entry).map_err(context)?;
            rules::check_origin_flags(&entry, checked, flags.null_allowed, flags.insecure_refused)
                .map_err(context)?;
            if checked.kind == OriginKind::Subdomains {
                let malformed = || context(format!("pattern `{entry}` is malformed"));
                let wildcard = match &entry {
                    Cow::Borrowed(s) => {
                        let (prefix, suffix) = rules::split_wildcard(s).ok_or_else(malformed)?;
                        Wildcard {
                            pattern: Cow::Borrowed(s),
                            prefix: Cow::Borrowed(prefix),
                            suffix: Cow::Borrowed(suffix),
                        }
                    }
                    Cow::Owned(s) => {
                        let (prefix, suffix) = rules::split_wildcard(s).ok_or_else(malformed)?;
                        Wildcard {
                            prefix: Cow::Owned(prefix.to_owned()),
                            suffix: Cow::Owned(suffix.to_owned()),
                            pattern: Cow::Owned(s.clone()),
                        }
                    }
                };
                wildcards.push(wildcard);
            } else {
                let value = match &entry {
                    Cow::Borrowed(s) => HeaderValue::from_static(s),
                    Cow::Owned(s) => HeaderValue::from_str(s).map_err(|_| {
                        context(format!("origin `{s}` is not a valid header value"))
                    })?,
                };
                exact.push(value);
            }
        }
        exact.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        exact.dedup();
        Ok(OriginMatcher::List {
            exact: exact.into_boxed_slice(),
            wildcards: wildcards.into_boxed_slice(),
        })
    }

    /// Whether the answer depends on the request's `Origin` (and so needs `Vary: Origin`).
    pub(crate) fn varies(&self) -> bool {
        !matches!(self, OriginMatcher::Any)
    }

    /// Whether [`OriginMatcher::allow`] needs the request head.
    pub(crate) fn needs_parts(&self) -> bool {
        matches!(self, OriginMatcher::Predicate(_))
    }

    /// The async predicate, if this matcher is one.
    pub(crate) fn async_predicate(&self) -> Option<&AsyncPredicate> {
        match self {
            OriginMatcher::Async(predicate) => Some(predicate),
            _ => None,
        }
    }

    /// The listed origins and patterns (exact ones sorted), for introspection.
    pub(crate) fn entries(&self) -> Vec<&str> {
        match self {
            OriginMatcher::List { exact, wildcards } => exact
                .iter()
                .filter_map(|v| v.to_str().ok())
                .chain(wildcards.iter().map(|w| &*w.pattern))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The `Access-Control-Allow-Origin` value for this request's origin, or `None` when the
    /// origin is not allowed. `parts` is only read for predicates; `resolved` is the answer of an
    /// async predicate, awaited by the caller (`None`: not awaited, refused).
    pub(crate) fn allow(
        &self,
        origin: &HeaderValue,
        parts: Option<&Parts>,
        resolved: Option<bool>,
    ) -> Option<HeaderValue> {
        if origin.len() > MAX_ORIGIN_LEN {
            // Longer than any serialized origin (scheme, 253-byte host, port): never allowed,
            // never echoed, never passed to a predicate.
            return None;
        }
        match self {
            OriginMatcher::Any => Some(HeaderValue::from_static("*")),
            OriginMatcher::List { exact, wildcards } => {
                let bytes = origin.as_bytes();
                // Short lists: a scan comparing lengths first (most entries differ in length,
                // and a length compare is one instruction); long ones: a binary search.
                let found = if exact.len() <= SCAN_MAX {
                    exact
                        .iter()
                        .find(|v| v.len() == bytes.len() && v.as_bytes() == bytes)
                } else {
                    exact
                        .binary_search_by(|probe| probe.as_bytes().cmp(bytes))
                        .ok()
                        .map(|i| &exact[i])
                };
                if let Some(value) = found {
                    return Some(value.clone());
                }
                if wildcards
                    .iter()
                    .any(|w| rules::matches_wildcard(&w.prefix, &w.suffix, bytes))
                {
                    return Some(origin.clone());
                }
                None
            }
            OriginMatcher::Predicate(predicate) => match parts {
                Some(parts) if predicate(origin, parts) => Some(origin.clone()),
                _ => None,
            },
            OriginMatcher::Async(_) | OriginMatcher::State(_) => {
                (resolved == Some(true)).then(|| origin.clone())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(list: &'static [&'static str]) -> OriginMatcher {
        OriginMatcher::new(&Spec {
            origins: Origins::List(list),
            allow_null_origin: true,
            ..Spec::DEFAULT
        })
        .unwrap()
    }

    fn allows(m: &OriginMatcher, origin: &[u8]) -> Option<Vec<u8>> {
        let origin = HeaderValue::from_bytes(origin).unwrap();
        m.allow(&origin, None, None).map(|v| v.as_bytes().to_vec())
    }

    #[test]
    fn exact_origins_compare_bytes() {
        let m = matcher(&[
            "https://b.example",
            "https://a.example",
            "http://localhost:3000",
        ]);
        for ok in [
            "https://a.example",
            "https://b.example",
            "http://localhost:3000",
        ] {
            assert_eq!(allows(&m, ok.as_bytes()).as_deref(), Some(ok.as_bytes()));
        }
        for bad in [
            "https://a.example/",
            "https://A.example",
            "https://a.example:443",
            "http://a.example",
            "https://a.example.",
            "https://c.example",
            "null",
            "",
            "https://a.examplex",
        ] {
            assert_eq!(allows(&m, bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(allows(&m, b"https://a.example\xff"), None);
    }

    #[test]
    fn patterns_match_subdomains_only() {
        let m = matcher(&["https://*.example.com"]);
        assert!(allows(&m, b"https://a.example.com").is_some());
        assert!(allows(&m, b"https://a.b.example.com").is_some());
        for bad in [
            "https://example.com",
            "https://evilexample.com",
            "https://a.example.com.evil.com",
            "http://a.example.com",
            "https://a.example.com:8443",
            "https://a.example.com%60.evil.com",
            "https://.example.com",
        ] {
            assert_eq!(allows(&m, bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn null_needs_the_flag() {
        assert!(allows(&matcher(&["null"]), b"null").is_some());
        let error = OriginMatcher::new(&Spec {
            origins: Origins::List(&["null"]),
            ..Spec::DEFAULT
        })
        .unwrap_err();
        assert!(error.message().contains("allow_null_origin"), "{error}");
    }

    #[test]
    fn env_lists_are_validated_with_the_variable_named() {
        std::env::set_var(
            "CORS_RUNTIME_UNIT_ORIGINS",
            " https://a.example , https://*.b.example ",
        );
        let m = OriginMatcher::new(&Spec {
            origins: Origins::Env("CORS_RUNTIME_UNIT_ORIGINS"),
            ..Spec::DEFAULT
        })
        .unwrap();
        assert!(allows(&m, b"https://a.example").is_some());
        assert!(allows(&m, b"https://x.b.example").is_some());
        assert!(allows(&m, b"https://b.example").is_none());

        std::env::set_var(
            "CORS_RUNTIME_UNIT_BAD",
            "https://a.example,https://b.example/",
        );
        let error = OriginMatcher::new(&Spec {
            origins: Origins::Env("CORS_RUNTIME_UNIT_BAD"),
            ..Spec::DEFAULT
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("CORS_RUNTIME_UNIT_BAD"), "{error}");
        assert!(error.contains("https://b.example/"), "{error}");

        let error = OriginMatcher::new(&Spec {
            origins: Origins::Env("CORS_RUNTIME_UNIT_UNSET"),
            ..Spec::DEFAULT
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("is not set"), "{error}");
    }
}
