//! Origin matching, built once from a spec's origin list.

use std::borrow::Cow;

use http::{request::Parts, HeaderValue};

use crate::{
    rules::{self, OriginKind},
    spec::{OriginPredicate, Origins, Spec},
    PolicyError,
};

/// A wildcard-subdomain pattern split as `scheme://` + labels + `.domain[:port]`.
#[derive(Clone, Debug)]
pub(crate) struct Wildcard {
    prefix: Cow<'static, str>,
    suffix: Cow<'static, str>,
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
        }
    }
}

impl OriginMatcher {
    pub(crate) fn new(spec: &Spec) -> Result<Self, PolicyError> {
        match spec.origins {
            Origins::Unset => Err(PolicyError::new(
                spec.name,
                "the policy has no `origins`; add `origins = [...]` or `policy = SomePolicy`",
            )),
            Origins::Any => Ok(OriginMatcher::Any),
            Origins::Predicate(predicate) => Ok(OriginMatcher::Predicate(predicate)),
            Origins::List(list) => {
                let entries = list.iter().map(|s| (Cow::Borrowed(*s), None));
                Self::from_entries(spec, entries)
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
                Self::from_entries(spec, entries.into_iter().filter(|(s, _)| !s.is_empty()))
            }
        }
    }

    fn from_entries(
        spec: &Spec,
        entries: impl Iterator<Item = (Cow<'static, str>, Option<&'static str>)>,
    ) -> Result<Self, PolicyError> {
        let mut exact: Vec<HeaderValue> = Vec::new();
        let mut wildcards = Vec::new();
        for (entry, var) in entries {
            let context = |message: String| match var {
                Some(var) => PolicyError::new(
                    spec.name,
                    format!("environment variable `{var}`, entry `{entry}`: {message}"),
                ),
                None => PolicyError::new(spec.name, message),
            };
            let checked = rules::check_origin(&entry).map_err(context)?;
            match checked.kind {
                OriginKind::Any => {
                    return Err(context(
                        "`*` cannot be part of a list; use `origins = \"*\"` on its own".to_owned(),
                    ));
                }
                OriginKind::Null if !spec.allow_null_origin => {
                    return Err(context(
                        "`null` trusts every sandboxed iframe and file; add the flag `allow_null_origin` if you mean it"
                            .to_owned(),
                    ));
                }
                _ => {}
            }
            if checked.insecure && spec.credentials && !spec.allow_insecure_origins {
                return Err(context(format!(
                    "origin `{entry}` is plain http and not loopback, which cannot be combined with `credentials`; use https, or add the flag `allow_insecure_origins`"
                )));
            }
            if checked.public_suffix_wildcard {
                return Err(context(format!(
                    "pattern `{entry}` covers every site under a public suffix; name the registrable domain, e.g. `https://*.example.com`"
                )));
            }
            if checked.kind == OriginKind::Subdomains {
                let malformed = || context(format!("pattern `{entry}` is malformed"));
                let wildcard = match &entry {
                    Cow::Borrowed(s) => {
                        let (prefix, suffix) = rules::split_wildcard(s).ok_or_else(malformed)?;
                        Wildcard {
                            prefix: Cow::Borrowed(prefix),
                            suffix: Cow::Borrowed(suffix),
                        }
                    }
                    Cow::Owned(s) => {
                        let (prefix, suffix) = rules::split_wildcard(s).ok_or_else(malformed)?;
                        Wildcard {
                            prefix: Cow::Owned(prefix.to_owned()),
                            suffix: Cow::Owned(suffix.to_owned()),
                        }
                    }
                };
                wildcards.push(wildcard);
            } else {
                let value = match &entry {
                    Cow::Borrowed(s) => HeaderValue::from_static(s),
                    Cow::Owned(s) => HeaderValue::from_str(s)
                        .map_err(|_| context(format!("origin `{s}` is not a valid header value")))?,
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

    /// The `Access-Control-Allow-Origin` value for this request's origin, or `None` when the
    /// origin is not allowed. `parts` is only read for predicates.
    pub(crate) fn allow(&self, origin: &HeaderValue, parts: Option<&Parts>) -> Option<HeaderValue> {
        match self {
            OriginMatcher::Any => Some(HeaderValue::from_static("*")),
            OriginMatcher::List { exact, wildcards } => {
                let bytes = origin.as_bytes();
                if let Ok(i) = exact.binary_search_by(|probe| probe.as_bytes().cmp(bytes)) {
                    return Some(exact[i].clone());
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
        }
    }
}
