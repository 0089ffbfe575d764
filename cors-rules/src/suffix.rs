//! Public suffixes, from the full Public Suffix List (<https://publicsuffix.org>) as the `psl`
//! crate compiles it. Looked up only where a policy is checked (by the macros, or when a
//! runtime policy is built), never per request.

/// Is `domain` (lower case, no trailing dot) a public suffix: a name under which anyone can
/// register a site (`com`, `co.uk`, `github.io`, `s3.amazonaws.com`)?
///
/// Follows the list's algorithm, wildcard and exception rules included; a name the list does
/// not know is a public suffix when it has one label (the list's default rule `*`), so
/// `intranet` is one. `localhost` is not: `*.localhost` names only this machine (RFC 6761), a
/// useful development pattern.
pub fn is_public_suffix(domain: &str) -> bool {
    use psl::Psl as _;

    if domain == "localhost" {
        return false;
    }
    match psl::List.suffix(domain.as_bytes()) {
        Some(suffix) => suffix.as_bytes() == domain.as_bytes(),
        // The list finds no suffix in an empty or malformed name: treat it as one, so that
        // `*.` before it is refused.
        None => true,
    }
}

/// Does the pattern `*.domain` cover a site under a public suffix: is `domain` a public suffix,
/// or is every name directly under it one (a wildcard rule, `*.sch.uk`, `*.kawasaki.jp`)?
///
/// The list cannot say whether some deeper name is a suffix without one (it has
/// `s3.amazonaws.com` but not `amazonaws.com`), so `*.amazonaws.com` passes: a limit of the
/// list's lookup, not a judgement.
pub fn wildcard_covers_public_suffix(domain: &str) -> bool {
    // No exception rule names this label, so it stands for "any name" under `domain`.
    const PROBE: &str = "cors-rules-probe";
    is_public_suffix(domain) || is_public_suffix(&format!("{PROBE}.{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_cases_are_public_suffixes() {
        for domain in [
            "s3.amazonaws.com",
            "com.vn",
            "co.ke",
            "r2.dev",
            "eu.org",
            "supabase.co",
            "ondigitalocean.app",
            "com.ng",
        ] {
            assert!(is_public_suffix(domain), "{domain}");
        }
    }

    #[test]
    fn wildcards_over_wildcard_rules_are_caught() {
        for domain in [
            "sch.uk",
            "school.sch.uk",
            "kawasaki.jp",
            "com",
            "github.io",
            "s3.amazonaws.com",
        ] {
            assert!(wildcard_covers_public_suffix(domain), "{domain}");
        }
        for domain in [
            "example.com",
            "web.school.sch.uk",
            "me.github.io",
            "localhost",
            "www.ck",
        ] {
            assert!(!wildcard_covers_public_suffix(domain), "{domain}");
        }
        // The lookup's limit, kept visible: no rule names `amazonaws.com` itself.
        assert!(!wildcard_covers_public_suffix("amazonaws.com"));
    }

    #[test]
    fn known_suffixes_single_labels_and_wildcard_rules() {
        for domain in [
            "com",
            "dev",
            "io",
            "intranet",
            "co.uk",
            "ac.uk",
            "com.au",
            "co.jp",
            "github.io",
            "herokuapp.com",
            "workers.dev",
            "vercel.app",
            // `*.ck` is a wildcard rule: every name directly under `ck` is a suffix ...
            "anything.ck",
            "",
        ] {
            assert!(is_public_suffix(domain), "{domain}");
        }
        for domain in [
            "example.com",
            "example.co.uk",
            "uk.co",
            "me.github.io",
            "github.com",
            "localhost",
            "app.internal",
            // ... except `www.ck` (an exception rule).
            "www.ck",
        ] {
            assert!(!is_public_suffix(domain), "{domain}");
        }
    }
}
