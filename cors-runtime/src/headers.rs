//! Request-header parsing and `Vary` merging: allocation-free and bounded.

use http::{header, HeaderMap, HeaderValue};

/// Longest `Access-Control-Request-Headers` (all fields together) a preflight may carry.
///
/// Browsers send the sorted, lower-cased names of the non-safelisted headers a script set;
/// 4 KiB is more than a hundred typical names. Anything longer is rejected before it is parsed.
pub(crate) const MAX_REQUEST_HEADERS_LEN: usize = 4096;

/// Most names an `Access-Control-Request-Headers` may list (empty items count too).
pub(crate) const MAX_REQUEST_HEADERS_ITEMS: usize = 128;

/// Why the requested headers were refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeadersRefusal<'a> {
    /// A header name the policy does not allow.
    NotAllowed(&'a [u8]),
    /// Not a comma-separated list of header names.
    Malformed,
    /// Longer than [`MAX_REQUEST_HEADERS_LEN`] or more than [`MAX_REQUEST_HEADERS_ITEMS`] names.
    TooLong,
}

pub(crate) use cors_rules::names::is_token;

fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Checks every name listed in the request's `Access-Control-Request-Headers` fields.
///
/// `allowed` is `None` for `headers = "*"` (any valid name) or the policy's lower-case names.
/// Names compare ASCII case-insensitively; empty items (`a,,b`) are skipped. Returns whether any
/// name was requested. Work is bounded by [`MAX_REQUEST_HEADERS_LEN`] bytes.
///
/// `allowed_are_tokens` says every allowed name is a valid token (always so for names the
/// macros accepted), so that a requested name equal to one of them needs no token check.
pub(crate) fn check_requested<'a, N: AsRef<str>>(
    fields: &http::header::GetAll<'a, HeaderValue>,
    allowed: Option<&[N]>,
    allowed_are_tokens: bool,
) -> Result<bool, HeadersRefusal<'a>> {
    let total: usize = fields.iter().map(|v| v.len() + 1).sum();
    if total > MAX_REQUEST_HEADERS_LEN + 1 {
        return Err(HeadersRefusal::TooLong);
    }
    let mut items = 0usize;
    let mut any = false;
    for field in fields.iter() {
        for item in field.as_bytes().split(|&b| b == b',') {
            items += 1;
            if items > MAX_REQUEST_HEADERS_ITEMS {
                return Err(HeadersRefusal::TooLong);
            }
            let name = trim_ows(item);
            if name.is_empty() {
                continue;
            }
            any = true;
            // Fast path: browsers send allowed names lower case, exactly as listed (and a
            // listed name is a valid token).
            if allowed_are_tokens
                && allowed
                    .is_some_and(|allowed| allowed.iter().any(|a| a.as_ref().as_bytes() == name))
            {
                continue;
            }
            if !is_token(name) {
                return Err(HeadersRefusal::Malformed);
            }
            if let Some(allowed) = allowed {
                if !allowed
                    .iter()
                    .any(|a| a.as_ref().as_bytes().eq_ignore_ascii_case(name))
                {
                    return Err(HeadersRefusal::NotAllowed(name));
                }
            }
        }
    }
    Ok(any)
}

/// Does the response's `Vary` already list `token` (or `*`)?
fn vary_has(headers: &HeaderMap, token: &str) -> bool {
    headers.get_all(header::VARY).iter().any(|value| {
        value.as_bytes().split(|&b| b == b',').any(|item| {
            let item = trim_ows(item);
            item == b"*" || item.eq_ignore_ascii_case(token.as_bytes())
        })
    })
}

/// A `Vary` addition: the tokens, and all of them joined in one static value.
#[derive(Clone, Copy)]
pub(crate) struct Vary {
    tokens: &'static [&'static str],
    /// The joined value, built at compile time: `HeaderValue::from_static` on a string that is
    /// not a literal at the call site checks every byte at run time (~70 bytes for preflights).
    value: fn() -> HeaderValue,
}

impl std::fmt::Debug for Vary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Vary").field(&(self.value)()).finish()
    }
}

macro_rules! vary {
    ($($token:literal),+; $joined:literal) => {
        Vary {
            tokens: &[$($token),+],
            value: || {
                const VALUE: HeaderValue = HeaderValue::from_static($joined);
                VALUE
            },
        }
    };
}

impl Vary {
    pub(crate) const ORIGIN: Vary = vary!("origin"; "origin");
    /// Actual responses of an `enforce` policy: refused or not depends on both.
    pub(crate) const ORIGIN_SEC_FETCH_SITE: Vary =
        vary!("origin", "sec-fetch-site"; "origin, sec-fetch-site");
    pub(crate) const PREFLIGHT: Vary = vary!(
        "origin",
        "access-control-request-method",
        "access-control-request-headers";
        "origin, access-control-request-method, access-control-request-headers"
    );
    pub(crate) const PREFLIGHT_ANY_ORIGIN: Vary = vary!(
        "access-control-request-method",
        "access-control-request-headers";
        "access-control-request-method, access-control-request-headers"
    );
    pub(crate) const PREFLIGHT_PNA: Vary = vary!(
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
        "access-control-request-private-network";
        "origin, access-control-request-method, access-control-request-headers, access-control-request-private-network"
    );
    pub(crate) const PREFLIGHT_ANY_ORIGIN_PNA: Vary = vary!(
        "access-control-request-method",
        "access-control-request-headers",
        "access-control-request-private-network";
        "access-control-request-method, access-control-request-headers, access-control-request-private-network"
    );

    /// Sets `Vary` in a map known to have none (a response this crate builds).
    pub(crate) fn insert(&self, headers: &mut HeaderMap) {
        headers.insert(header::VARY, (self.value)());
    }

    /// Adds the tokens to `headers`' `Vary`, keeping what is there: no token twice (compared
    /// case-insensitively), nothing added when `Vary: *` is present.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        // One lookup in the common case (no `Vary` yet).
        if let header::Entry::Vacant(entry) = headers.entry(header::VARY) {
            entry.insert((self.value)());
            return;
        }
        let missing = self
            .tokens
            .iter()
            .filter(|token| !vary_has(headers, token))
            .count();
        if missing == self.tokens.len() {
            headers.append(header::VARY, (self.value)());
        } else if missing > 0 {
            for token in self.tokens {
                if !vary_has(headers, token) {
                    headers.append(header::VARY, HeaderValue::from_static(token));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(values: &[HeaderValue], allowed: Option<&[&str]>) -> Result<bool, Vec<u8>> {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(header::ACCESS_CONTROL_REQUEST_HEADERS, v.clone());
        }
        check_requested(
            &map.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS),
            allowed,
            allowed.is_some_and(|names| names.iter().all(|n| is_token(n.as_bytes()))),
        )
        .map_err(|e| match e {
            HeadersRefusal::NotAllowed(name) => name.to_vec(),
            HeadersRefusal::Malformed => b"<malformed>".to_vec(),
            HeadersRefusal::TooLong => b"<too long>".to_vec(),
        })
    }

    #[test]
    fn requested_headers_are_matched_case_insensitively() {
        let v = [HeaderValue::from_static("Content-Type , AUTHORIZATION")];
        assert_eq!(
            check(&v, Some(&["authorization", "content-type"])),
            Ok(true)
        );
        assert_eq!(
            check(&v, Some(&["content-type"])),
            Err(b"AUTHORIZATION".to_vec())
        );
        assert_eq!(check(&v, None), Ok(true));
    }

    #[test]
    fn exact_match_fast_path_keeps_the_token_check() {
        let v = [HeaderValue::from_static("content-type,authorization")];
        assert_eq!(
            check(&v, Some(&["authorization", "content-type"])),
            Ok(true)
        );
        // A hand-written spec may list a name that is not a token: an exact match must not
        // let it through unchecked.
        let v = [HeaderValue::from_static("x a")];
        assert_eq!(check(&v, Some(&["x a"])), Err(b"<malformed>".to_vec()));
    }

    #[test]
    fn empty_items_and_fields_are_skipped() {
        let v = [
            HeaderValue::from_static(" , ,"),
            HeaderValue::from_static(""),
        ];
        assert_eq!(check(&v, Some(&[])), Ok(false));
        let v = [
            HeaderValue::from_static("a,,b"),
            HeaderValue::from_static("c"),
        ];
        assert_eq!(check(&v, Some(&["a", "b", "c"])), Ok(true));
        assert_eq!(check(&v, Some(&["a", "b"])), Err(b"c".to_vec()));
    }

    #[test]
    fn malformed_and_oversized_lists_are_refused() {
        let v = [HeaderValue::from_static("x-a b")];
        assert_eq!(check(&v, None), Err(b"<malformed>".to_vec()));
        let long = ",".repeat(100_000);
        let v = [HeaderValue::from_str(&long).unwrap()];
        assert_eq!(check(&v, None), Err(b"<too long>".to_vec()));
        let many = vec!["x"; MAX_REQUEST_HEADERS_ITEMS + 1].join(",");
        let v = [HeaderValue::from_str(&many).unwrap()];
        assert_eq!(check(&v, None), Err(b"<too long>".to_vec()));
        let name = "x".repeat(MAX_REQUEST_HEADERS_LEN + 1);
        let v = [HeaderValue::from_str(&name).unwrap()];
        assert_eq!(check(&v, None), Err(b"<too long>".to_vec()));
    }

    #[test]
    fn vary_is_merged_without_duplicates() {
        let vary = Vary::PREFLIGHT;
        let mut h = HeaderMap::new();
        vary.apply(&mut h);
        assert_eq!(
            h.get_all(header::VARY).iter().collect::<Vec<_>>(),
            ["origin, access-control-request-method, access-control-request-headers"]
        );
        vary.apply(&mut h);
        assert_eq!(h.get_all(header::VARY).iter().count(), 1);

        let mut h = HeaderMap::new();
        h.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Encoding, ORIGIN"),
        );
        vary.apply(&mut h);
        assert_eq!(
            h.get_all(header::VARY).iter().collect::<Vec<_>>(),
            [
                "Accept-Encoding, ORIGIN",
                "access-control-request-method",
                "access-control-request-headers"
            ]
        );

        let mut h = HeaderMap::new();
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        Vary::ORIGIN.apply(&mut h);
        assert_eq!(
            h.get_all(header::VARY).iter().collect::<Vec<_>>(),
            ["accept-encoding", "origin"]
        );

        let mut h = HeaderMap::new();
        h.insert(header::VARY, HeaderValue::from_static("*"));
        vary.apply(&mut h);
        assert_eq!(h.get_all(header::VARY).iter().collect::<Vec<_>>(), ["*"]);
    }
}
