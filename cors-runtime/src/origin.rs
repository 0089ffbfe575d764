//! Origin matching, built once from a spec's origin list.

use std::{borrow::Cow, future::Future, pin::Pin, sync::Arc};

use http::{request::Parts, HeaderValue};

use crate::{
    check::Entries,
    spec::{OriginPredicate, Origins, Spec},
    PolicyError,
};

/// Exact-origin lists up to this long are scanned; longer ones are looked up in a hash table.
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
/// An async origin check in flight ([`OriginCheck::allows`](crate::OriginCheck::allows), boxed):
/// what [`StateOrigins::start`](crate::StateOrigins::start) returns.
pub type OriginCheckFuture = Pin<Box<dyn Future<Output = bool> + Send + 'static>>;

/// An async origin predicate with its state captured (see
/// [`PolicyBuilder::origins_async`](crate::PolicyBuilder::origins_async)).
pub(crate) type AsyncPredicate = Arc<dyn Fn(HeaderValue) -> OriginCheckFuture + Send + Sync>;

/// The compiled form of `origins`.
#[derive(Clone)]
pub(crate) enum OriginMatcher {
    /// `*` without credentials: the answer is always a literal `*`.
    Any,
    /// Exact origins (sorted by bytes, answered with the stored value) and patterns (answered by
    /// echoing the request's origin).
    List {
        exact: Box<[HeaderValue]>,
        /// For lists longer than [`SCAN_MAX`]: an open-addressing table of indexes into `exact`
        /// (index + 1; 0 is an empty slot), at least twice as many slots as origins.
        index: Box<[u32]>,
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
            OriginMatcher::List {
                exact, wildcards, ..
            } => f
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
    /// Compiles the origins of a spec checked by [`crate::check::spec`], which returned
    /// `entries` (for a list or `env(..)`).
    pub(crate) fn new(spec: &Spec, entries: Option<Entries>) -> Result<Self, PolicyError> {
        Ok(match (spec.origins, entries) {
            (_, Some(entries)) => Self::from_entries(spec.name, entries)?,
            (Origins::Predicate(predicate), None) => OriginMatcher::Predicate(predicate),
            (Origins::State(ty), None) => OriginMatcher::State(ty),
            // `Any`; `Unset` only for a disabled spec, which never matches origins.
            _ => OriginMatcher::Any,
        })
    }

    /// Compiles checked entries: exact origins sorted for lookup, patterns split once.
    pub(crate) fn from_entries(name: &str, entries: Entries) -> Result<Self, PolicyError> {
        let mut exact: Vec<HeaderValue> = Vec::new();
        let mut wildcards = Vec::new();
        for entry in entries {
            if let Some((prefix, suffix)) = cors_rules::origin::split_wildcard(&entry) {
                let (prefix, suffix) = (prefix.len(), entry.len() - suffix.len());
                wildcards.push(match entry {
                    Cow::Borrowed(s) => Wildcard {
                        pattern: Cow::Borrowed(s),
                        prefix: Cow::Borrowed(&s[..prefix]),
                        suffix: Cow::Borrowed(&s[suffix..]),
                    },
                    Cow::Owned(s) => Wildcard {
                        prefix: Cow::Owned(s[..prefix].to_owned()),
                        suffix: Cow::Owned(s[suffix..].to_owned()),
                        pattern: Cow::Owned(s),
                    },
                });
                continue;
            }
            exact.push(match entry {
                Cow::Borrowed(s) => HeaderValue::from_static(s),
                Cow::Owned(s) => HeaderValue::from_str(&s).map_err(|_| {
                    PolicyError::new(
                        name.to_owned(),
                        format!("origin `{s}` is not a valid header value"),
                    )
                })?,
            });
        }
        exact.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        exact.dedup();
        let index = exact_index(&exact);
        Ok(OriginMatcher::List {
            exact: exact.into_boxed_slice(),
            index,
            wildcards: wildcards.into_boxed_slice(),
        })
    }

    /// Checks `spec` and compiles its origins (tests).
    #[cfg(test)]
    pub(crate) fn checked(spec: &Spec) -> Result<Self, PolicyError> {
        Self::new(spec, crate::check::spec(spec)?)
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
            OriginMatcher::List {
                exact, wildcards, ..
            } => exact
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
            OriginMatcher::List {
                exact,
                index,
                wildcards,
            } => {
                let bytes = origin.as_bytes();
                // Short lists: a scan comparing lengths first (most entries differ in length,
                // and a length compare is one instruction); long ones: one hash of the origin
                // and, on a hit, one comparison, whatever the list's length.
                let found = if index.is_empty() {
                    exact
                        .iter()
                        .find(|v| v.len() == bytes.len() && v.as_bytes() == bytes)
                } else {
                    find_exact(exact, index, bytes)
                };
                if let Some(value) = found {
                    return Some(value.clone());
                }
                if wildcards
                    .iter()
                    .any(|w| matches_wildcard(&w.prefix, &w.suffix, bytes))
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

/// A hash of an origin's bytes, for the exact-origin table: FxHash-style over 8-byte words, the
/// last one zero-padded, then the length; the table picks candidates, bytes decide.
fn origin_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(K);
    let mut hash = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word));
    }
    let tail = chunks.remainder();
    let mut word = [0; 8];
    word[..tail.len()].copy_from_slice(tail);
    hash = mix(hash, u64::from_le_bytes(word));
    let hash = mix(hash, bytes.len() as u64);
    // The slot is picked by the top bits: fold the high half into them.
    (hash ^ (hash >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The open-addressing table of `exact` (empty for lists short enough to scan).
fn exact_index(exact: &[HeaderValue]) -> Box<[u32]> {
    if exact.len() <= SCAN_MAX {
        return Box::default();
    }
    let slots = (2 * exact.len()).next_power_of_two();
    let mut table = vec![0u32; slots];
    for (i, value) in exact.iter().enumerate() {
        let mut slot = slot_of(origin_hash(value.as_bytes()), slots);
        while table[slot] != 0 {
            slot = (slot + 1) & (slots - 1);
        }
        table[slot] = u32::try_from(i + 1).expect("fewer than 2^32 origins");
    }
    table.into_boxed_slice()
}

fn slot_of(hash: u64, slots: usize) -> usize {
    (hash >> (64 - slots.trailing_zeros())) as usize
}

/// Looks `bytes` up in the table: linear probing from its slot to the first empty one (the table
/// is at most half full, so a probe sequence is short and always ends).
fn find_exact<'a>(
    exact: &'a [HeaderValue],
    index: &[u32],
    bytes: &[u8],
) -> Option<&'a HeaderValue> {
    let slots = index.len();
    let mut slot = slot_of(origin_hash(bytes), slots);
    loop {
        let entry = index[slot];
        if entry == 0 {
            return None;
        }
        let value = &exact[entry as usize - 1];
        if value.as_bytes() == bytes {
            return Some(value);
        }
        slot = (slot + 1) & (slots - 1);
    }
}

/// Does the serialized `origin` (raw bytes of the request's Origin header) match
/// the wildcard pattern given by (prefix, suffix) from `cors_rules::origin::split_wildcard`?
///
/// True iff origin = prefix + L + suffix where L is one or more DNS labels separated by single
/// dots, each label non-empty and made of `[a-z0-9-]` (browsers serialize hosts in lower case and
/// punycode). Allocation-free, one pass. A suffix that does not start with `.` (never produced by
/// `split_wildcard`) matches nothing.
fn matches_wildcard(prefix: &str, suffix: &str, origin: &[u8]) -> bool {
    let (prefix, suffix) = (prefix.as_bytes(), suffix.as_bytes());
    if suffix.first() != Some(&b'.') || origin.len() <= prefix.len() + suffix.len() {
        return false;
    }
    if !origin.starts_with(prefix) || !origin.ends_with(suffix) {
        return false;
    }
    let labels = &origin[prefix.len()..origin.len() - suffix.len()];
    // `after_dot` starts true so that a leading dot is rejected like an empty label.
    let mut after_dot = true;
    for &b in labels {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' => after_dot = false,
            b'.' if !after_dot => after_dot = true,
            _ => return false,
        }
    }
    !after_dot
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(list: &'static [&'static str]) -> OriginMatcher {
        OriginMatcher::checked(&Spec {
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
    fn long_exact_lists_are_found_through_the_table() {
        for n in [SCAN_MAX + 1, 50, 300] {
            let origins: Vec<String> = (0..n)
                .map(|i| format!("https://app{i:03}.example.com"))
                .collect();
            let exact: Vec<HeaderValue> = origins
                .iter()
                .map(|o| HeaderValue::from_str(o).unwrap())
                .collect();
            let index = exact_index(&exact);
            assert!(index.len() >= 2 * n);
            for o in &origins {
                assert_eq!(
                    find_exact(&exact, &index, o.as_bytes()).map(HeaderValue::as_bytes),
                    Some(o.as_bytes())
                );
            }
            for miss in [
                "https://app999.example.com",
                "https://app001.example.co",
                "https://APP001.example.com",
                "",
                "https://app001.example.com.",
            ] {
                assert_eq!(find_exact(&exact, &index, miss.as_bytes()), None, "{miss}");
            }
        }
        assert!(exact_index(&[HeaderValue::from_static("https://a.example")]).is_empty());
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
        let error = OriginMatcher::checked(&Spec {
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
        let m = OriginMatcher::checked(&Spec {
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
        let error = OriginMatcher::checked(&Spec {
            origins: Origins::Env("CORS_RUNTIME_UNIT_BAD"),
            ..Spec::DEFAULT
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("CORS_RUNTIME_UNIT_BAD"), "{error}");
        assert!(error.contains("https://b.example/"), "{error}");

        let error = OriginMatcher::checked(&Spec {
            origins: Origins::Env("CORS_RUNTIME_UNIT_UNSET"),
            ..Spec::DEFAULT
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("is not set"), "{error}");
    }

    fn wild(pattern: &str, origin: &str) -> bool {
        let (prefix, suffix) = cors_rules::origin::split_wildcard(pattern)
            .unwrap_or_else(|| panic!("`{pattern}` is not a wildcard"));
        matches_wildcard(prefix, suffix, origin.as_bytes())
    }

    #[test]
    fn wildcard_matches_one_or_more_labels() {
        let p = "https://*.example.com";
        for o in [
            "https://a.example.com",
            "https://a.b.example.com",
            "https://x-1.example.com",
            "https://xn--bcher-kva.example.com",
            "https://0.example.com",
        ] {
            assert!(wild(p, o), "{o}");
        }
        assert!(wild(
            "https://*.example.com:8443",
            "https://a.example.com:8443"
        ));
        assert!(wild("http://*.localhost:3000", "http://app.localhost:3000"));
    }

    #[test]
    fn wildcard_rejects_everything_else() {
        let p = "https://*.example.com";
        for o in [
            "https://example.com",
            "https://evilexample.com",
            "https://a.example.com.evil.com",
            "http://a.example.com",
            "https://a.example.com:444",
            "https://a.example.com:443",
            "https://.example.com",
            "https://a..example.com",
            "https://..example.com",
            "https://A.example.com",
            "https://a.example.com%60.evil.com",
            "https://a_b.example.com",
            "https://a@b.example.com",
            "https://a/b.example.com",
            "https://a b.example.com",
            "https://a.example.com/",
            "https://a.example.com.",
            "https://.",
            "https://",
            "",
            "null",
            "https://*.example.com",
        ] {
            assert!(!wild(p, o), "{o}");
        }
        assert!(!wild("https://*.example.com:8443", "https://a.example.com"));
        assert!(!matches_wildcard(
            "https://a.example.com",
            "",
            b"https://a.example.com"
        ));
        assert!(!matches_wildcard(
            "https://",
            "example.com",
            b"https://aexample.com"
        ));
        assert!(!matches_wildcard(
            "https://",
            ".example.com",
            b"https://\xffa.example.com"
        ));
    }
}
