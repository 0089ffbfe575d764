use super::*;

fn err(s: &str) -> String {
    match parse(s) {
        Ok(c) => panic!("`{s}` was accepted as {c:?}"),
        Err(e) => e,
    }
}

fn ok(s: &str) -> Origin {
    match parse(s) {
        Ok(c) => c,
        Err(e) => panic!("`{s}` was rejected: {e}"),
    }
}

fn exact(insecure: bool) -> Origin {
    checked(OriginKind::Exact, insecure, false)
}

// --- accepted forms ------------------------------------------------------------------

#[test]
fn accepts_any_and_null() {
    assert_eq!(ok("*"), checked(OriginKind::Any, false, false));
    assert_eq!(ok("null"), checked(OriginKind::Null, false, false));
}

#[test]
fn accepts_exact_origins() {
    assert_eq!(ok("https://a.example.com"), exact(false));
    assert_eq!(ok("https://app.example.com:8443"), exact(false));
    assert_eq!(ok("http://localhost:3000"), exact(false));
    assert_eq!(ok("http://127.0.0.1:8080"), exact(false));
    assert_eq!(ok("http://[::1]:3000"), exact(false));
    assert_eq!(ok("https://xn--bcher-kva.example"), exact(false));
    assert_eq!(ok("https://intranet"), exact(false));
    assert_eq!(ok("https://a-b.example.com"), exact(false));
    assert_eq!(ok("https://[2001:db8::1]"), exact(false));
    assert_eq!(ok("http://a.com:443"), exact(true));
    assert_eq!(ok("https://a.com:80"), exact(false));
    assert_eq!(ok("https://a.com:65535"), exact(false));
}

#[test]
fn accepts_subdomain_patterns() {
    let sub = checked(OriginKind::Subdomains, false, false);
    assert_eq!(ok("https://*.example.com"), sub);
    assert_eq!(ok("https://*.example.com:8443"), sub);
    assert_eq!(ok("https://*.example.co.uk"), sub);
    assert_eq!(
        ok("http://*.example.com"),
        checked(OriginKind::Subdomains, true, false)
    );
}

// --- insecure flag -------------------------------------------------------------------

#[test]
fn insecure_is_http_to_a_non_loopback_host() {
    assert!(ok("http://app.example.com").insecure);
    assert!(ok("http://10.0.0.1:8080").insecure);
    assert!(ok("http://[2001:db8::1]").insecure);
    assert!(ok("http://localhost.example.com").insecure);
    assert!(ok("http://128.0.0.1").insecure);
    assert!(!ok("https://app.example.com").insecure);
    assert!(!ok("https://10.0.0.1").insecure);
    assert!(!ok("http://localhost").insecure);
    assert!(!ok("http://app.localhost:5173").insecure);
    assert!(!ok("http://127.0.0.1").insecure);
    assert!(!ok("http://127.255.0.9:3000").insecure);
    assert!(!ok("http://[::1]").insecure);
    assert!(!ok("http://*.localhost:3000").insecure);
}

// --- public suffixes -----------------------------------------------------------------

#[test]
fn flags_wildcards_over_public_suffixes() {
    for s in [
        "https://*.com",
        "https://*.co.uk",
        "https://*.github.io",
        "https://*.dev",
        "https://*.vercel.app",
    ] {
        let c = ok(s);
        assert_eq!(c.kind, OriginKind::Subdomains, "{s}");
        assert!(c.public_suffix_wildcard, "{s}");
    }
    for s in [
        "https://*.example.com",
        "https://*.example.co.uk",
        "https://*.me.github.io",
    ] {
        assert!(!ok(s).public_suffix_wildcard, "{s}");
    }
    assert!(!ok("https://github.io").public_suffix_wildcard);
}

#[test]
fn issue_11_wildcards_over_public_suffixes_are_flagged() {
    for s in [
        "https://*.s3.amazonaws.com",
        "https://*.com.vn",
        "https://*.co.ke",
        "https://*.r2.dev",
        "https://*.eu.org",
        "https://*.supabase.co",
        "https://*.ondigitalocean.app",
        "https://*.com.ng",
    ] {
        assert!(ok(s).public_suffix_wildcard, "{s}");
    }
    assert!(!ok("https://*.localhost").public_suffix_wildcard);
}

// --- origin errors, one class at a time ----------------------------------------------

#[test]
fn rejects_empty_and_whitespace() {
    assert_eq!(
        err(""),
        "origin is empty; write a serialized origin such as `https://app.example.com`"
    );
    assert_eq!(err("  "), "origin `  ` is only whitespace; write a serialized origin such as `https://app.example.com`");
    assert_eq!(
        err(" https://a.com"),
        "origin ` https://a.com` has leading whitespace; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com\n"),
        "origin `https://a.com\\n` has trailing whitespace; write `https://a.com`"
    );
    assert_eq!(
        err(" https://a.com "),
        "origin ` https://a.com ` has leading and trailing whitespace; write `https://a.com`"
    );
    assert_eq!(
        err("https://a .com"),
        "origin `https://a .com` contains whitespace; write `https://a.com`"
    );
}

#[test]
fn rejects_null_in_other_casings() {
    assert_eq!(
        err("NULL"),
        "origin `NULL` is not lower case, but browsers send the opaque origin as `null`; write `null`"
    );
    assert!(err("Null").ends_with("write `null`"));
}

#[test]
fn rejects_missing_or_unsupported_scheme() {
    assert_eq!(
        err("app.example.com"),
        "origin `app.example.com` has no scheme; write `https://app.example.com`"
    );
    assert_eq!(
        err("localhost:3000"),
        "origin `localhost:3000` has no scheme; write `http://localhost:3000`"
    );
    assert_eq!(
        err("//a.com"),
        "origin `//a.com` has no scheme; write `https://a.com`"
    );
    assert_eq!(
        err("://a.com"),
        "origin `://a.com` has no scheme; write `https://a.com`"
    );
    assert_eq!(
        err("*.example.com"),
        "origin `*.example.com` has no scheme; write `https://*.example.com`"
    );
    assert_eq!(
        err("https:/a.com"),
        "origin `https:/a.com` is missing `//` after the scheme; write `https://a.com`"
    );
    assert_eq!(
        err("ftp://x"),
        "origin `ftp://x` has scheme `ftp`; only http and https origins are supported"
    );
    assert_eq!(
        err("ws://a.com"),
        "origin `ws://a.com` has scheme `ws`; only http and https origins are supported"
    );
}

#[test]
fn rejects_uppercase() {
    assert_eq!(
        err("HTTPS://App.Example.com"),
        "origin `HTTPS://App.Example.com` has uppercase letters, but browsers send scheme and host in lower case; write `https://app.example.com`"
    );
    assert!(err("http://[::A]").ends_with("write `http://[::a]`"));
}

#[test]
fn regular_expressions_are_named_and_never_given_a_broken_fix() {
    for o in [
        "https://.*\\.example\\.com",
        "https://(app|admin).example.com",
        "https://app.example.com\\",
    ] {
        let message = err(o);
        assert!(
            message.contains("looks like a regular expression"),
            "{message}"
        );
        assert!(
            message.ends_with("as in `https://*.example.com`"),
            "{message}"
        );
    }
}

#[test]
fn rejects_path_query_fragment_trailing_slash() {
    assert_eq!(
        err("https://app.example.com/"),
        "origin `https://app.example.com/` has a trailing slash; write `https://app.example.com`"
    );
    assert_eq!(
        err("https://a.com/x"),
        "origin `https://a.com/x` has a path; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com/x?y#z"),
        "origin `https://a.com/x?y#z` has a path; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com?x=1"),
        "origin `https://a.com?x=1` has a query; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com/?x=1"),
        "origin `https://a.com/?x=1` has a query; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com#top"),
        "origin `https://a.com#top` has a fragment; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com:8443/"),
        "origin `https://a.com:8443/` has a trailing slash; write `https://a.com:8443`"
    );
}

#[test]
fn rejects_userinfo() {
    assert_eq!(
        err("https://user@a.com"),
        "origin `https://user@a.com` has userinfo `user@`; write `https://a.com`"
    );
    assert_eq!(
        err("https://u:p@a.com:8443"),
        "origin `https://u:p@a.com:8443` has userinfo `u:p@`; write `https://a.com:8443`"
    );
}

#[test]
fn rejects_default_ports() {
    assert_eq!(
        err("https://a.com:443"),
        "origin `https://a.com:443` has the default port `:443`, which browsers omit; write `https://a.com`"
    );
    assert_eq!(
        err("http://a.com:80"),
        "origin `http://a.com:80` has the default port `:80`, which browsers omit; write `http://a.com`"
    );
    assert!(err("https://*.example.com:443").ends_with("write `https://*.example.com`"));
}

#[test]
fn rejects_bad_ports() {
    assert_eq!(
        err("https://a.com:"),
        "origin `https://a.com:` has an empty port after `:`; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com:80a"),
        "origin `https://a.com:80a` has port `80a`, which is not a number; write a port from 1 to 65535"
    );
    assert!(err("https://a.com:-1").contains("which is not a number"));
    assert_eq!(
        err("https://a.com:08443"),
        "origin `https://a.com:08443` has port `08443` with a leading zero, which browsers drop; write `https://a.com:8443`"
    );
    assert_eq!(
        err("https://a.com:0"),
        "origin `https://a.com:0` has port `0`, which is not a usable port; write a port from 1 to 65535"
    );
    assert_eq!(
        err("https://a.com:65536"),
        "origin `https://a.com:65536` has port `65536`, which is above 65535; write a port from 1 to 65535"
    );
    assert!(err("https://a.com:99999999999999999999999").contains("above 65535"));
    assert!(err("https://a.com:0443").ends_with("write `https://a.com`"));
}

#[test]
fn rejects_empty_host() {
    assert_eq!(
        err("https://"),
        "origin `https://` has an empty host; write a host, as in `https://app.example.com`"
    );
    assert_eq!(
        err("https://:8080"),
        "origin `https://:8080` has an empty host; write a host, as in `https://app.example.com`"
    );
    assert!(err("https:///").contains("empty host"));
}

#[test]
fn rejects_bad_host_characters() {
    assert_eq!(
        err("https://a_b.example.com"),
        "origin `https://a_b.example.com` has `_` in its host; use only a-z, 0-9, `-` and `.`"
    );
    assert!(err("https://a%2e.com").contains("has `%` in its host"));
    assert!(err("https://a\u{0}b.com").contains("has `\\u{0}` in its host"));
    assert!(err("https://a]b.com").contains("has `]` in its host"));
}

#[test]
fn rejects_bad_labels() {
    assert_eq!(
        err("https://a..com"),
        "origin `https://a..com` has an empty label in its host; write `https://a.com`"
    );
    assert_eq!(
        err("https://.a.com"),
        "origin `https://.a.com` has a leading dot in its host; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com."),
        "origin `https://a.com.` has a trailing dot in its host; write `https://a.com`"
    );
    assert_eq!(
        err("https://a.com.:8443"),
        "origin `https://a.com.:8443` has a trailing dot in its host; write `https://a.com:8443`"
    );
    assert_eq!(
        err("https://-a.example.com"),
        "origin `https://-a.example.com` has host label `-a`, which starts with `-`; start and end each label with a letter or digit"
    );
    assert_eq!(
        err("https://a-.example.com"),
        "origin `https://a-.example.com` has host label `a-`, which ends with `-`; start and end each label with a letter or digit"
    );
    assert!(err("https://*.-a.com").contains("label `-a`"));
}

#[test]
fn rejects_misplaced_star() {
    let msg = "`*` may only appear as a whole leading label, as in `https://*.example.com`";
    assert_eq!(
        err("https://a.*.com"),
        format!("origin `https://a.*.com` has `*` inside its host; {msg}")
    );
    for s in [
        "https://*",
        "https://*example.com",
        "https://*.*.example.com",
        "https://a*.example.com",
        "https://example.*",
    ] {
        assert!(err(s).ends_with(msg), "{s}");
    }
}

#[test]
fn rejects_star_before_nothing_or_an_ip() {
    assert_eq!(
        err("https://*."),
        "origin `https://*.` has nothing after `*.`; write a domain, as in `https://*.example.com`"
    );
    assert_eq!(err("https://*.:8443"), "origin `https://*.:8443` has nothing after `*.`; write a domain, as in `https://*.example.com`");
    assert_eq!(
        err("http://*.0.0.1"),
        "origin `http://*.0.0.1` puts `*.` before an IP address, which has no subdomains; list each origin exactly, as in `http://127.0.0.1:3000`"
    );
    assert!(err("http://*.[::1]").contains("before an IP address"));
}

#[test]
fn rejects_non_ascii_hosts() {
    assert_eq!(
        err("https://bücher.example"),
        "origin `https://bücher.example` has a non-ASCII host, but browsers send its punycode (A-label) form; write `https://xn--bcher-kva.example`"
    );
    assert!(
        err("HTTPS://Bücher.example:8443").ends_with("write `https://xn--bcher-kva.example:8443`")
    );
    assert!(err("https://BÜCHER.example").ends_with("write `https://xn--bcher-kva.example`"));
    assert!(err("https://münchen.de").ends_with("write `https://xn--mnchen-3ya.de`"));
    assert!(err("https://日本語.jp").ends_with("write `https://xn--wgv71a119e.jp`"));
    assert!(err("https://*.bücher.example").ends_with("write `https://*.xn--bcher-kva.example`"));
    // No literal when IDNA mapping would be needed (full-width letters map to ASCII).
    assert_eq!(
        err("https://ｅxample.com"),
        "origin `https://ｅxample.com` has a non-ASCII host, but browsers send its punycode (A-label) form; write each non-ASCII label as its `xn--` A-label"
    );
}

#[test]
fn ipv4_hosts_must_be_canonical_dotted_quads() {
    assert_eq!(
        err("http://127.1"),
        "origin `http://127.1` has IPv4 address `127.1`, which browsers serialize as `127.0.0.1`; write `http://127.0.0.1`"
    );
    assert!(err("http://010.0.0.1:3000").ends_with("write `http://8.0.0.1:3000`"));
    assert!(err("http://0x7f.0.0.1").ends_with("write `http://127.0.0.1`"));
    assert_eq!(
        err("http://1.2.3.256"),
        "origin `http://1.2.3.256` has host `1.2.3.256`, which ends in a number but is not a valid IPv4 address; write a dotted quad such as `127.0.0.1`, or a domain name"
    );
    for s in [
        "http://1.2.3.4.5",
        "http://a.123",
        "http://256.0.0.1",
        "http://1.2.3.09",
        "https://example.0x",
    ] {
        assert!(err(s).contains("not a valid IPv4 address"), "{s}");
    }
}

#[test]
fn ipv6_hosts() {
    assert_eq!(
        err("http://[0:0:0:0:0:0:0:1]"),
        "origin `http://[0:0:0:0:0:0:0:1]` has IPv6 address `[0:0:0:0:0:0:0:1]`, which browsers serialize as `[::1]`; write `http://[::1]`"
    );
    assert!(err("http://[::ffff:1.2.3.4]:81").ends_with("write `http://[::ffff:102:304]:81`"));
    assert_eq!(
        err("http://[zz]"),
        "origin `http://[zz]` has an invalid IPv6 address `[zz]`; write it as browsers do, as in `http://[::1]:3000`"
    );
    assert!(err("http://[]").contains("invalid IPv6"));
    assert!(err("http://[::1%25eth0]").contains("invalid IPv6"));
    assert!(err("http://[::1").contains("unclosed `[`"));
    assert!(err("http://[::1]x").contains("after the IPv6 address `[::1]`"));
    assert_eq!(
        err("http://::1"),
        "origin `http://::1` has an IPv6 address without brackets; write `http://[::1]`"
    );
    assert!(err("http://a:1:2").contains("more than one `:`"));
}

#[test]
fn fixes_are_applied_together() {
    assert_eq!(
        err("HTTPS://App.Example.com:443/"),
        "origin `HTTPS://App.Example.com:443/` has a trailing slash; write `https://app.example.com`"
    );
    assert_eq!(
        err(" https://user@a.com:443/x "),
        "origin ` https://user@a.com:443/x ` has leading and trailing whitespace; write `https://a.com`"
    );
    // Stops at the first fix that cannot be derived and shows the partial correction.
    assert!(err("https://a_b.com/").ends_with("write `https://a_b.com`"));
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "https://",
        "https://*",
        "https://*.",
        "://",
        ":",
        "[",
        "]",
        "https://[",
        "https://]",
        "https://@",
        "https://a:",
        "https://a:b:c",
        "http://[::1]:",
        "http://[::1]:0",
        "\u{0}",
        "é",
        "https://é",
        "https://é:é",
        "https://.",
        "https://..",
        "https://*..",
        "https://-",
        "http://0x",
        "http://0.0.0.0",
        "http://4294967295",
        "http://4294967296",
        "http://99999999999999999999999",
        "https://ÿ.ÿ",
    ];
    for s in odd {
        let _ = parse(s);
        let _ = split_wildcard(s);
    }
    // The URL Standard reads `0x` as the IPv4 number 0.
    assert!(err("http://0x").ends_with("write `http://0.0.0.0`"));
}

// --- split_wildcard / matches_wildcard -----------------------------------------------

#[test]
fn split_wildcard_returns_prefix_and_suffix() {
    assert_eq!(
        split_wildcard("https://*.example.com:8443"),
        Some(("https://", ".example.com:8443"))
    );
    assert_eq!(
        split_wildcard("http://*.example.com"),
        Some(("http://", ".example.com"))
    );
    assert_eq!(split_wildcard("https://a.example.com"), None);
    assert_eq!(split_wildcard("*"), None);
    assert_eq!(split_wildcard("null"), None);
    assert_eq!(split_wildcard("https://*.example.com/"), None);
    assert_eq!(split_wildcard("https://a.*.com"), None);
}
