//! `Vary`: the tokens an answer depends on, merged into the response's own `Vary` without
//! duplicates, never touching `Vary: *`; built at compile time.

use http::{header, HeaderMap, HeaderValue};

use crate::headers::trim_ows;

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
    /// Actual responses of an `enforce` policy: refused or not depends on the origin, and,
    /// without one, on `Sec-Fetch-Site` (and, for a cross-site request, on `Sec-Fetch-Mode` and
    /// `Sec-Fetch-Dest`: a top-level navigation passes, an `<img>` does not).
    pub(crate) const ENFORCE: Vary = vary!(
        "origin",
        "sec-fetch-site",
        "sec-fetch-mode",
        "sec-fetch-dest";
        "origin, sec-fetch-site, sec-fetch-mode, sec-fetch-dest"
    );
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
