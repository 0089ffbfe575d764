#![allow(dead_code)]
//! Validation rules shared by the macros (compile time) and the runtime (start-up, `env("VAR")`).
//!
//! std-only: this file is compiled into both crates (`cors-macros` includes it with `#[path]`).
//! One rule, one message. Messages follow the style `<problem>; <fix>`, lowercase, code in
//! backticks, no trailing period. When the fix is a corrected literal, the message shows it, fully
//! corrected: every automatic fix is applied in turn, so `HTTPS://App.Example.com:443/` gets the
//! message for its first problem and the literal `https://app.example.com`.
//!
//! Nothing here panics, whatever the input.

use std::fmt::Write as _;
use std::net::Ipv6Addr;

/// What a validated origin entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OriginKind {
    /// the lone `*`
    Any,
    /// the literal `null`
    Null,
    /// an exact serialized origin, e.g. `https://app.example.com:8443`
    Exact,
    /// a wildcard-subdomain pattern `scheme://*.domain[:port]`
    Subdomains,
}

/// The result of [`check_origin`]: what the entry is, plus facts callers combine with policy flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CheckedOrigin {
    /// what the entry is
    pub(crate) kind: OriginKind,
    /// scheme is `http` (or anything but https) and the host is not loopback
    /// (loopback = `localhost`, `*.localhost`, 127.0.0.0/8 dotted quad, `[::1]`)
    pub(crate) insecure: bool,
    /// a `Subdomains` pattern whose domain (after `*.`) is a public suffix (`*.com`, `*.co.uk`, `*.github.io`)
    pub(crate) public_suffix_wildcard: bool,
}

/// Highest `max_age` browsers honour (Firefox's cap, 24 h).
pub(crate) const MAX_AGE_LIMIT: u64 = 86_400;

const EXAMPLE_ORIGIN: &str = "write a serialized origin such as `https://app.example.com`";
const PORT_RANGE: &str = "write a port from 1 to 65535";

// ---------------------------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------------------------

/// Grammar check of one entry of `origins`. Does NOT apply policy flags (null allowed, credentials):
/// callers combine `kind`/`insecure`/`public_suffix_wildcard` with the flags themselves.
pub(crate) fn check_origin(s: &str) -> Result<CheckedOrigin, String> {
    check(s).map_err(Problem::render)
}

/// For a `Subdomains` pattern `https://*.example.com:8443` returns
/// `("https://", ".example.com:8443")`; `None` for anything else.
pub(crate) fn split_wildcard(pattern: &str) -> Option<(&str, &str)> {
    let checked = check(pattern).ok()?;
    if checked.kind != OriginKind::Subdomains {
        return None;
    }
    let at = pattern.find("://*.")?;
    Some((pattern.get(..at + 3)?, pattern.get(at + 4..)?))
}

/// Runtime matcher: does the serialized `origin` (raw bytes of the request's Origin header) match
/// the wildcard pattern given by (prefix, suffix) from [`split_wildcard`]?
///
/// True iff origin = prefix + L + suffix where L is one or more DNS labels separated by single
/// dots, each label non-empty and made of `[a-z0-9-]` (browsers serialize hosts in lower case and
/// punycode). Allocation-free, one pass. A suffix that does not start with `.` (never produced by
/// [`split_wildcard`]) matches nothing.
pub(crate) fn matches_wildcard(prefix: &str, suffix: &str, origin: &[u8]) -> bool {
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

/// One problem with an origin: what is wrong, and either a corrected literal or advice.
struct Problem {
    text: String,
    fix: Fix,
}

enum Fix {
    /// A corrected literal; rendered as "write `...`" after applying any further automatic fixes.
    Write(String),
    /// Advice when no literal can be derived.
    Advice(String),
}

impl Problem {
    fn write(text: String, literal: String) -> Self {
        Self {
            text,
            fix: Fix::Write(literal),
        }
    }

    fn advise(text: String, advice: &str) -> Self {
        Self {
            text,
            fix: Fix::Advice(advice.to_owned()),
        }
    }

    fn render(self) -> String {
        match self.fix {
            Fix::Write(literal) => format!("{}; write `{}`", self.text, show(&finish_fix(literal))),
            Fix::Advice(advice) => format!("{}; {}", self.text, advice),
        }
    }
}

/// Applies further automatic fixes to a corrected literal until it is valid or no literal fix is
/// left, so one message shows the whole correction. Bounded: every step changes the string.
fn finish_fix(mut literal: String) -> String {
    for _ in 0..16 {
        match check(&literal) {
            Err(Problem {
                fix: Fix::Write(next),
                ..
            }) if next != literal => literal = next,
            _ => break,
        }
    }
    literal
}

const fn checked(kind: OriginKind, insecure: bool, public_suffix_wildcard: bool) -> CheckedOrigin {
    CheckedOrigin {
        kind,
        insecure,
        public_suffix_wildcard,
    }
}

fn check(s: &str) -> Result<CheckedOrigin, Problem> {
    if s == "*" {
        return Ok(checked(OriginKind::Any, false, false));
    }
    if s == "null" {
        return Ok(checked(OriginKind::Null, false, false));
    }
    let o = show(s);
    if s.is_empty() {
        return Err(Problem::advise(
            "origin is empty".to_owned(),
            EXAMPLE_ORIGIN,
        ));
    }

    // Whitespace.
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(Problem::advise(
            format!("origin `{o}` is only whitespace"),
            EXAMPLE_ORIGIN,
        ));
    }
    if trimmed.len() != s.len() {
        let leading = s.starts_with(char::is_whitespace);
        let trailing = s.ends_with(char::is_whitespace);
        let what = match (leading, trailing) {
            (true, true) => "leading and trailing whitespace",
            (true, false) => "leading whitespace",
            _ => "trailing whitespace",
        };
        return Err(Problem::write(
            format!("origin `{o}` has {what}"),
            trimmed.to_owned(),
        ));
    }
    if s.contains(char::is_whitespace) {
        let fixed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        return Err(Problem::write(
            format!("origin `{o}` contains whitespace"),
            fixed,
        ));
    }
    if s.eq_ignore_ascii_case("null") {
        return Err(Problem::write(
            format!(
                "origin `{o}` is not lower case, but browsers send the opaque origin as `null`"
            ),
            "null".to_owned(),
        ));
    }

    // Scheme.
    let Some((scheme, rest)) = s
        .split_once("://")
        .filter(|(scheme, _)| is_scheme_text(scheme))
    else {
        return Err(no_scheme(s, &o));
    };
    let secure = scheme.eq_ignore_ascii_case("https");
    if !secure && !scheme.eq_ignore_ascii_case("http") {
        return Err(Problem::advise(
            format!("origin `{o}` has scheme `{}`", show(scheme)),
            "only http and https origins are supported",
        ));
    }

    // Regular-expression syntax (a classic source of bypasses): patterns are not regexes.
    if rest.contains(['\\', '^', '$', '(', ')', '|']) {
        return Err(Problem::advise(
            format!("origin `{o}` looks like a regular expression"),
            "patterns are not regexes: write the exact origin, or a leading `*.` label, as in `https://*.example.com`",
        ));
    }

    // Path, query, fragment, trailing slash.
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.is_empty() {
        return Err(Problem::advise(
            format!("origin `{o}` has an empty host"),
            "write a host, as in `https://app.example.com`",
        ));
    }
    if !tail.is_empty() {
        let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
        let (path, after) = tail.split_at(path_end);
        let what = if path.len() > 1 || path == "\\" {
            "a path"
        } else if after.starts_with('?') {
            "a query"
        } else if after.starts_with('#') {
            "a fragment"
        } else {
            "a trailing slash"
        };
        return Err(Problem::write(
            format!("origin `{o}` has {what}"),
            format!("{scheme}://{authority}"),
        ));
    }

    // Userinfo.
    if let Some(at) = authority.rfind('@') {
        return Err(Problem::write(
            format!("origin `{o}` has userinfo `{}`", show(&authority[..=at])),
            format!("{scheme}://{}", &authority[at + 1..]),
        ));
    }

    // Host and port.
    if authority.starts_with("*.[") {
        return Err(star_before_ip(&o));
    }
    let (host, port) = split_host_port(scheme, authority, &o)?;

    if !host.is_ascii() {
        let text = format!(
            "origin `{o}` has a non-ASCII host, but browsers send its punycode (A-label) form"
        );
        return Err(match punycode_host(host) {
            Some(ascii) => {
                Problem::write(text, rebuild(&scheme.to_ascii_lowercase(), &ascii, port))
            }
            None => Problem::advise(text, "write each non-ASCII label as its `xn--` A-label"),
        });
    }
    if scheme
        .bytes()
        .chain(host.bytes())
        .any(|b| b.is_ascii_uppercase())
    {
        return Err(Problem::write(
            format!("origin `{o}` has uppercase letters, but browsers send scheme and host in lower case"),
            rebuild(&scheme.to_ascii_lowercase(), &host.to_ascii_lowercase(), port),
        ));
    }

    if let Some(p) = port {
        check_port(scheme, host, p, secure, &o)?;
    }

    if host.is_empty() {
        return Err(Problem::advise(
            format!("origin `{o}` has an empty host"),
            "write a host, as in `https://app.example.com`",
        ));
    }

    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        let loopback = check_ipv6(scheme, host, inner, port, &o)?;
        return Ok(checked(OriginKind::Exact, !secure && !loopback, false));
    }

    check_domain_or_ipv4(scheme, host, port, secure, &o)
}

/// Errors for an entry without `scheme://`.
fn no_scheme(s: &str, o: &str) -> Problem {
    if s.starts_with("//") {
        return Problem::write(format!("origin `{o}` has no scheme"), format!("https:{s}"));
    }
    if s.starts_with("://") {
        return Problem::write(format!("origin `{o}` has no scheme"), format!("https{s}"));
    }
    if let Some((scheme, rest)) = s.split_once(':') {
        if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            return Problem::write(
                format!("origin `{o}` is missing `//` after the scheme"),
                format!("{scheme}://{}", rest.trim_start_matches('/')),
            );
        }
    }
    // `localhost:3000` most likely means a plain-http development server.
    let host_end = if s.starts_with('[') {
        s.find(']').map_or(s.len(), |i| i + 1)
    } else {
        s.find([':', '/']).unwrap_or(s.len())
    };
    let guess = if is_loopback_text(&s[..host_end].to_ascii_lowercase()) {
        "http"
    } else {
        "https"
    };
    Problem::write(
        format!("origin `{o}` has no scheme"),
        format!("{guess}://{s}"),
    )
}

/// RFC 3986 scheme characters; anything else before `://` means the entry has no scheme.
fn is_scheme_text(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

fn is_loopback_text(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
}

fn rebuild(scheme: &str, host: &str, port: Option<&str>) -> String {
    match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }
}

fn split_host_port<'a>(
    scheme: &str,
    authority: &'a str,
    o: &str,
) -> Result<(&'a str, Option<&'a str>), Problem> {
    if authority.starts_with('[') {
        let Some(close) = authority.find(']') else {
            return Err(Problem::advise(
                format!("origin `{o}` has an unclosed `[` in its host"),
                "write an IPv6 address in brackets, as in `http://[::1]:3000`",
            ));
        };
        let (host, after) = authority.split_at(close + 1);
        if after.is_empty() {
            return Ok((host, None));
        }
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None => Err(Problem::advise(
                format!(
                    "origin `{o}` has `{}` after the IPv6 address `{}`",
                    show(after),
                    show(host)
                ),
                "write only a port there, as in `http://[::1]:3000`",
            )),
        };
    }
    match authority.split_once(':') {
        None => Ok((authority, None)),
        Some((host, port)) if !port.contains(':') => Ok((host, Some(port))),
        Some(_) => Err(match authority.parse::<Ipv6Addr>() {
            Ok(addr) => Problem::write(
                format!("origin `{o}` has an IPv6 address without brackets"),
                format!(
                    "{}://[{}]",
                    scheme.to_ascii_lowercase(),
                    serialize_ipv6(addr)
                ),
            ),
            Err(_) => Problem::advise(
                format!("origin `{o}` has more than one `:` after the scheme"),
                "put an IPv6 address in brackets, as in `http://[::1]:3000`",
            ),
        }),
    }
}

fn check_port(scheme: &str, host: &str, p: &str, secure: bool, o: &str) -> Result<(), Problem> {
    if p.is_empty() {
        return Err(Problem::write(
            format!("origin `{o}` has an empty port after `:`"),
            rebuild(scheme, host, None),
        ));
    }
    let shown = show(p);
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::advise(
            format!("origin `{o}` has port `{shown}`, which is not a number"),
            PORT_RANGE,
        ));
    }
    let value = p.bytes().fold(0u32, |acc, d| {
        acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    });
    if value == 0 {
        return Err(Problem::advise(
            format!("origin `{o}` has port `{shown}`, which is not a usable port"),
            PORT_RANGE,
        ));
    }
    if value > 65_535 {
        return Err(Problem::advise(
            format!("origin `{o}` has port `{shown}`, which is above 65535"),
            PORT_RANGE,
        ));
    }
    if p.starts_with('0') {
        return Err(Problem::write(
            format!("origin `{o}` has port `{shown}` with a leading zero, which browsers drop"),
            rebuild(scheme, host, Some(&value.to_string())),
        ));
    }
    if value == if secure { 443 } else { 80 } {
        return Err(Problem::write(
            format!("origin `{o}` has the default port `:{value}`, which browsers omit"),
            rebuild(scheme, host, None),
        ));
    }
    Ok(())
}

/// Checks a bracketed IPv6 host; returns whether it is loopback (`[::1]`).
fn check_ipv6(
    scheme: &str,
    host: &str,
    inner: &str,
    port: Option<&str>,
    o: &str,
) -> Result<bool, Problem> {
    let plausible = host.ends_with(']')
        && !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    match inner.parse::<Ipv6Addr>() {
        Ok(addr) if plausible => {
            let canonical = serialize_ipv6(addr);
            if canonical != inner {
                return Err(Problem::write(
                    format!("origin `{o}` has IPv6 address `{host}`, which browsers serialize as `[{canonical}]`"),
                    rebuild(scheme, &format!("[{canonical}]"), port),
                ));
            }
            Ok(canonical == "::1")
        }
        _ => Err(Problem::advise(
            format!("origin `{o}` has an invalid IPv6 address `{}`", show(host)),
            "write it as browsers do, as in `http://[::1]:3000`",
        )),
    }
}

fn check_domain_or_ipv4(
    scheme: &str,
    host: &str,
    port: Option<&str>,
    secure: bool,
    o: &str,
) -> Result<CheckedOrigin, Problem> {
    let wildcard = host.strip_prefix("*.");
    if let Some(domain) = wildcard {
        if domain.is_empty() {
            return Err(Problem::advise(
                format!("origin `{o}` has nothing after `*.`"),
                "write a domain, as in `https://*.example.com`",
            ));
        }
        if ends_in_number(domain) {
            return Err(star_before_ip(o));
        }
    }
    if let Some(c) = host
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '*')))
    {
        return Err(Problem::advise(
            format!("origin `{o}` has `{}` in its host", show_char(c)),
            "use only a-z, 0-9, `-` and `.`",
        ));
    }
    if wildcard.unwrap_or(host).contains('*') {
        return Err(Problem::advise(
            format!("origin `{o}` has `*` inside its host"),
            "`*` may only appear as a whole leading label, as in `https://*.example.com`",
        ));
    }
    if host.starts_with('.') {
        return Err(Problem::write(
            format!("origin `{o}` has a leading dot in its host"),
            rebuild(scheme, host.trim_start_matches('.'), port),
        ));
    }
    if host.ends_with('.') {
        return Err(Problem::write(
            format!("origin `{o}` has a trailing dot in its host"),
            rebuild(scheme, host.trim_end_matches('.'), port),
        ));
    }
    if host.contains("..") {
        let collapsed: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
        return Err(Problem::write(
            format!("origin `{o}` has an empty label in its host"),
            rebuild(scheme, &collapsed.join("."), port),
        ));
    }

    let mut ipv4 = None;
    if wildcard.is_none() && ends_in_number(host) {
        let Some(addr) = parse_ipv4(host) else {
            return Err(Problem::advise(
                format!("origin `{o}` has host `{host}`, which ends in a number but is not a valid IPv4 address"),
                "write a dotted quad such as `127.0.0.1`, or a domain name",
            ));
        };
        let canonical = format!("{}.{}.{}.{}", addr[0], addr[1], addr[2], addr[3]);
        if canonical != host {
            return Err(Problem::write(
                format!("origin `{o}` has IPv4 address `{host}`, which browsers serialize as `{canonical}`"),
                rebuild(scheme, &canonical, port),
            ));
        }
        ipv4 = Some(addr);
    } else {
        for label in wildcard.unwrap_or(host).split('.') {
            let edge = if label.starts_with('-') {
                "starts"
            } else if label.ends_with('-') {
                "ends"
            } else {
                continue;
            };
            return Err(Problem::advise(
                format!("origin `{o}` has host label `{label}`, which {edge} with `-`"),
                "start and end each label with a letter or digit",
            ));
        }
    }

    let loopback =
        host == "localhost" || host.ends_with(".localhost") || ipv4.is_some_and(|a| a[0] == 127);
    let insecure = !secure && !loopback;
    Ok(match wildcard {
        Some(domain) => checked(OriginKind::Subdomains, insecure, is_public_suffix(domain)),
        None => checked(OriginKind::Exact, insecure, false),
    })
}

fn star_before_ip(o: &str) -> Problem {
    Problem::advise(
        format!("origin `{o}` puts `*.` before an IP address, which has no subdomains"),
        "list each origin exactly, as in `http://127.0.0.1:3000`",
    )
}

/// The URL Standard's "ends in a number" test: such a host is parsed as IPv4, never as a domain.
fn ends_in_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x").or_else(|| last.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// The URL Standard's IPv4 parser (decimal, `0x` hex and leading-zero octal parts; 1 to 4 parts).
fn parse_ipv4(host: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) {
        return None;
    }
    // The last part fills the remaining bytes: 256^(5 - number of parts).
    let room = 8 * (4 - init.len() as u32);
    if *last >= 1u64 << room {
        return None;
    }
    let mut value = *last;
    for (i, &n) in init.iter().enumerate() {
        value += n << (8 * (3 - i as u32));
    }
    let value = u32::try_from(value).ok()?;
    Some(value.to_be_bytes())
}

fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let digit = c.to_digit(radix)?;
        // Anything this large is already out of range; stop before overflowing.
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(digit))?;
        if value > u64::from(u32::MAX) {
            return None;
        }
    }
    Some(value)
}

/// Serializes an IPv6 address as the URL Standard does: lowercase hex, no leading zeros, the first
/// longest run of two or more zero pieces compressed to `::`, never a dotted IPv4 tail.
fn serialize_ipv6(addr: Ipv6Addr) -> String {
    let pieces = addr.segments();
    let (mut best_start, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_start = Some(start);
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if best_start == Some(i) {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        let _ = write!(out, "{:x}", pieces[i]);
        if i != 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Punycode (RFC 3492), to show the A-label browsers send for a non-ASCII host
// ---------------------------------------------------------------------------------------------

/// The ASCII form of a non-ASCII host, or `None` when it cannot be derived with certainty.
///
/// Full IDNA processing (UTS #46 mapping, normalization, bidi rules) needs Unicode tables this
/// std-only file does not carry, so a literal is offered only when every non-ASCII character is a
/// lowercase letter (or the uppercase form of one) from a script whose letters IDNA passes through
/// unchanged; for anything else the message gives advice instead of a literal.
fn punycode_host(host: &str) -> Option<String> {
    if host.starts_with('[') {
        return None;
    }
    let mut labels = Vec::new();
    for label in host.split('.') {
        if label.is_ascii() {
            labels.push(label.to_ascii_lowercase());
            continue;
        }
        let chars = label
            .chars()
            .map(idna_lower)
            .collect::<Option<Vec<char>>>()?;
        labels.push(format!("xn--{}", punycode_encode(&chars)?));
    }
    Some(labels.join("."))
}

fn idna_lower(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if idna_passes_through(c) {
        return Some(c);
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l != c && idna_passes_through(l) => Some(l),
        _ => None,
    }
}

/// Lowercase letters that are NFC-stable and valid, unmapped, in UTS #46 non-transitional
/// processing (what browsers use): Latin-1 and Latin Extended-A letters, Greek, Cyrillic,
/// Hiragana, Katakana, CJK ideographs and Hangul syllables.
fn idna_passes_through(c: char) -> bool {
    matches!(c,
        '\u{DF}'..='\u{F6}'
        | '\u{F8}'..='\u{FF}'
        | '\u{3AC}'..='\u{3CE}'
        | '\u{430}'..='\u{45F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}')
        || (('\u{100}'..='\u{17F}').contains(&c)
            && c.is_lowercase()
            && !matches!(c, '\u{133}' | '\u{140}' | '\u{149}' | '\u{17F}'))
}

const PUNY_BASE: u32 = 36;
const PUNY_TMIN: u32 = 1;
const PUNY_TMAX: u32 = 26;
const PUNY_SKEW: u32 = 38;
const PUNY_DAMP: u32 = 700;

fn punycode_encode(input: &[char]) -> Option<String> {
    let mut out: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = u32::try_from(out.len()).ok()?;
    let total = u32::try_from(input.len()).ok()?;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while handled < total {
        let m = input.iter().map(|&c| c as u32).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in input {
            let c = c as u32;
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = PUNY_BASE;
                loop {
                    let t = if k <= bias {
                        PUNY_TMIN
                    } else if k >= bias + PUNY_TMAX {
                        PUNY_TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(puny_digit(t + (q - t) % (PUNY_BASE - t)));
                    q = (q - t) / (PUNY_BASE - t);
                    k += PUNY_BASE;
                }
                out.push(puny_digit(q));
                bias = puny_adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

fn puny_adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / PUNY_DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2 {
        delta /= PUNY_BASE - PUNY_TMIN;
        k += PUNY_BASE;
    }
    k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW)
}

fn puny_digit(d: u32) -> char {
    match d {
        0..=25 => char::from(b'a' + d as u8),
        _ => char::from(b'0' + (d.min(35) - 26) as u8),
    }
}

// ---------------------------------------------------------------------------------------------
// Public suffixes
// ---------------------------------------------------------------------------------------------

/// Multi-label public suffixes: a curated subset of the Public Suffix List
/// (<https://publicsuffix.org>), not all of it. It holds the common country second-level domains
/// and the big shared-hosting domains where anyone can get a subdomain, which are the ones a
/// `*.` pattern realistically names by mistake. Single-label names need no list (see
/// [`is_public_suffix`]).
#[rustfmt::skip]
const PUBLIC_SUFFIXES: &[&str] = &[
    // United Kingdom
    "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk", "nhs.uk",
    "police.uk", "sch.uk",
    // Australia, New Zealand
    "com.au", "net.au", "org.au", "edu.au", "gov.au", "id.au", "asn.au",
    "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
    // Japan, Korea, China, Taiwan, Hong Kong, Singapore, Malaysia, India, Indonesia, Thailand
    "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "gr.jp", "ad.jp", "ed.jp", "lg.jp",
    "co.kr", "or.kr", "go.kr", "ac.kr",
    "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
    "com.tw", "com.hk", "com.sg", "com.my",
    "co.in", "net.in", "org.in", "gov.in", "ac.in",
    "co.id", "co.th",
    // Americas
    "com.br", "net.br", "org.br", "gov.br", "edu.br",
    "com.mx", "org.mx", "gob.mx", "com.ar", "com.co",
    // Europe, Middle East, Africa
    "com.tr", "net.tr", "org.tr", "gov.tr",
    "com.ua", "com.pl", "com.es", "co.il", "co.za", "org.za", "gov.za", "ac.za",
    // Shared hosting: anyone can get a subdomain
    "github.io", "githubusercontent.com", "gitlab.io", "bitbucket.io", "codeberg.page",
    "herokuapp.com", "vercel.app", "now.sh", "netlify.app", "pages.dev", "workers.dev",
    "trycloudflare.com", "appspot.com", "web.app", "firebaseapp.com", "cloudfunctions.net",
    "azurewebsites.net", "azurestaticapps.net", "cloudapp.net", "cloudfront.net",
    "amazonaws.com", "elasticbeanstalk.com", "blogspot.com", "glitch.me", "fly.dev",
    "onrender.com", "ngrok.io", "ngrok-free.app", "surge.sh", "deno.dev", "readthedocs.io",
    "myshopify.com", "pythonanywhere.com",
];

/// Is `domain` (lowercase, no trailing dot) a public suffix? Single-label names (`com`, `dev`,
/// `io`, also the empty name) always are; multi-label names are looked up in a curated subset of
/// the Public Suffix List (not all of it), so `false` does not prove a domain is registrable.
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    // `*.localhost` names only this machine (RFC 6761): a useful development pattern.
    (!domain.contains('.') && domain != "localhost")
        || PUBLIC_SUFFIXES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(domain))
}

// ---------------------------------------------------------------------------------------------
// Methods and headers
// ---------------------------------------------------------------------------------------------

/// Methods the Fetch standard forbids; browsers never send them cross-origin.
const FORBIDDEN_METHODS: &[&str] = &["CONNECT", "TRACE", "TRACK"];

/// Methods with a canonical upper-case spelling that a lowercase entry most likely meant.
const STANDARD_METHODS: &[&str] = &["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/// Check a method name from `methods`: a valid RFC 9110 token, not forbidden by the Fetch
/// standard, and standard methods spelled in upper case (methods are case-sensitive and browsers
/// upper-case only some of them). A custom token like `PURGE` is fine.
pub(crate) fn check_method(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("method name is empty; write one such as `GET`".to_owned());
    }
    if let Some(message) = token_problem("method", s) {
        return Err(message);
    }
    if FORBIDDEN_METHODS.iter().any(|m| m.eq_ignore_ascii_case(s)) {
        return Err(format!(
            "method `{s}` is forbidden by the Fetch standard and browsers never send it cross-origin; remove it"
        ));
    }
    if let Some(upper) = STANDARD_METHODS.iter().find(|m| m.eq_ignore_ascii_case(s)) {
        if *upper != s {
            return Err(format!("method `{s}` must be upper case; write `{upper}`"));
        }
    }
    Ok(())
}

/// Forbidden request-header names of the Fetch standard (the `proxy-` and `sec-` prefixes and
/// `access-control-*` are checked separately).
const FORBIDDEN_REQUEST_HEADERS: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "connection",
    "content-length",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Check a request header name for `headers`. Case-insensitive: returns the lowercased name.
pub(crate) fn check_request_header(s: &str) -> Result<String, String> {
    let name = header_token(s)?;
    if name.starts_with("access-control-request-") {
        return Err(format!(
            "header `{s}` is set by the browser on preflight requests and scripts can never set it; remove it"
        ));
    }
    if name.starts_with("access-control-") {
        return Err(format!(
            "header `{s}` is a CORS response header, not a request header; remove it"
        ));
    }
    if name == "cookie" || name == "cookie2" {
        return Err(format!(
            "header `{s}` is set by the browser and scripts can never set it; remove it and enable `credentials` to send cookies"
        ));
    }
    if FORBIDDEN_REQUEST_HEADERS.contains(&name.as_str()) {
        return Err(format!(
            "header `{s}` is a forbidden request header, which browsers never let scripts set; remove it"
        ));
    }
    if let Some(prefix) = ["proxy-", "sec-"].iter().find(|p| name.starts_with(*p)) {
        return Err(format!(
            "header `{s}` starts with `{prefix}`, which browsers reserve and never let scripts set; remove it"
        ));
    }
    Ok(name)
}

/// Check a response header name for `expose`. Returns the lowercased name.
pub(crate) fn check_exposed_header(s: &str) -> Result<String, String> {
    let name = header_token(s)?;
    if name == "set-cookie" || name == "set-cookie2" {
        return Err(format!(
            "header `{s}` is a forbidden response header, which browsers never expose to scripts; remove it"
        ));
    }
    Ok(name)
}

fn header_token(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err("header name is empty; write one such as `x-request-id`".to_owned());
    }
    match token_problem("header", s) {
        Some(message) => Err(message),
        None => Ok(s.to_ascii_lowercase()),
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// The message for a non-empty `s` that is not an RFC 9110 token, or `None` if it is one.
fn token_problem(what: &str, s: &str) -> Option<String> {
    if is_token(s) {
        return None;
    }
    let o = show(s);
    let trimmed = s.trim();
    let fix = if is_token(trimmed) {
        format!("write `{trimmed}`")
    } else if s.contains(',') && s.split(',').all(|p| is_token(p.trim())) {
        format!("list each {what} separately")
    } else {
        match s.chars().find(|&c| !(c.is_ascii() && is_tchar(c as u8))) {
            Some(' ') => "remove the space".to_owned(),
            Some(c) => format!("remove `{}`", show_char(c)),
            None => "use only letters, digits and ``!#$%&'*+-.^_`|~``".to_owned(),
        }
    };
    Some(format!("{what} `{o}` is not a valid token; {fix}"))
}

// ---------------------------------------------------------------------------------------------
// List-level rules: shared by the attribute macros and the runtime `PolicyBuilder`
// ---------------------------------------------------------------------------------------------

/// `origins = []`.
pub(crate) const EMPTY_ORIGINS: &str = "`origins = []` allows no origin; list at least one";

/// `credentials` with `origins = "*"`.
pub(crate) const CREDENTIALS_WITH_ANY_ORIGIN: &str =
    "`credentials` cannot be combined with `origins = \"*\"`; list the allowed origins";

/// `expose = "*"` with `credentials`.
pub(crate) const EXPOSE_ANY_WITH_CREDENTIALS: &str = "`expose = \"*\"` cannot be combined with `credentials` (browsers then read it as a header named `*`); list the exposed headers";

/// `methods = []`.
pub(crate) const EMPTY_METHODS: &str =
    "`methods = []` allows no method; list at least one, or leave `methods` out for the default";

/// `"*"` inside a list of `key`.
pub(crate) fn star_must_stand_alone(key: &str) -> String {
    format!("`\"*\"` must stand alone; write `{key} = \"*\"`")
}

/// The same origin listed twice.
pub(crate) fn duplicate_origin(value: &str) -> String {
    format!("duplicate origin `{value}`; list it once")
}

/// The same method listed twice.
pub(crate) fn duplicate_method(name: &str) -> String {
    format!("duplicate method `{name}`; list it once")
}

/// The same header listed twice; `name` is the lower-cased form of `raw`.
pub(crate) fn duplicate_header(raw: &str, name: &str) -> String {
    let note = if raw == name {
        ""
    } else {
        " (header names are case-insensitive)"
    };
    format!("duplicate header `{raw}`{note}; list it once")
}

/// `max_age` above [`MAX_AGE_LIMIT`].
pub(crate) fn max_age_too_large(n: u64) -> String {
    format!(
        "`max_age = {n}` is above 86400 seconds (24 h), which no browser honours (Chromium caps at 7200); use at most `max_age = 86400`"
    )
}

/// The rules of one origin entry that depend on the policy's flags: `*` in a list, `null`
/// without `allow_null_origin`, public-suffix patterns, plain http with credentials.
///
/// `null_allowed` is whether `allow_null_origin` is (or may be) set; `insecure_refused` whether
/// `credentials` is set without `allow_insecure_origins`.
pub(crate) fn check_origin_flags(
    value: &str,
    checked: CheckedOrigin,
    null_allowed: bool,
    insecure_refused: bool,
) -> Result<(), String> {
    match checked.kind {
        OriginKind::Any => return Err(star_must_stand_alone("origins")),
        OriginKind::Null if !null_allowed => {
            return Err("`\"null\"` trusts every sandboxed iframe and local file; add the flag `allow_null_origin` if you mean it".to_owned());
        }
        _ => {}
    }
    if checked.public_suffix_wildcard {
        return Err(format!(
            "pattern `{value}` covers every site under a public suffix; name your registrable domain, e.g. `https://*.example.com`"
        ));
    }
    if checked.insecure && insecure_refused {
        return Err(format!(
            "origin `{value}` is plain http and not loopback, so with `credentials` any network attacker could use it; use https, or add the flag `allow_insecure_origins`"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Display helpers
// ---------------------------------------------------------------------------------------------

/// User text for a message: control characters are escaped so the message stays on one line.
fn show(s: &str) -> String {
    s.chars().map(show_char).collect()
}

fn show_char(c: char) -> String {
    if c.is_control() {
        c.escape_default().collect()
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        match check_origin(s) {
            Ok(c) => panic!("`{s}` was accepted as {c:?}"),
            Err(e) => e,
        }
    }

    fn ok(s: &str) -> CheckedOrigin {
        match check_origin(s) {
            Ok(c) => c,
            Err(e) => panic!("`{s}` was rejected: {e}"),
        }
    }

    fn exact(insecure: bool) -> CheckedOrigin {
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
    fn public_suffix_lookup() {
        for d in [
            "com",
            "dev",
            "io",
            "co.uk",
            "ac.uk",
            "com.au",
            "co.jp",
            "github.io",
            "herokuapp.com",
            "workers.dev",
        ] {
            assert!(is_public_suffix(d), "{d}");
        }
        for d in [
            "example.com",
            "example.co.uk",
            "uk.co",
            "me.github.io",
            "github.com",
        ] {
            assert!(!is_public_suffix(d), "{d}");
        }
        assert!(PUBLIC_SUFFIXES
            .iter()
            .all(|s| s.contains('.') && *s == s.to_ascii_lowercase()));
        assert!((60..=120).contains(&PUBLIC_SUFFIXES.len()));
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
        assert_eq!(err("https://:8080"), "origin `https://:8080` has an empty host; write a host, as in `https://app.example.com`");
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
        assert_eq!(err("https://a.com.:8443"), "origin `https://a.com.:8443` has a trailing dot in its host; write `https://a.com:8443`");
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
        assert_eq!(err("https://*."), "origin `https://*.` has nothing after `*.`; write a domain, as in `https://*.example.com`");
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
        assert!(err("HTTPS://Bücher.example:8443")
            .ends_with("write `https://xn--bcher-kva.example:8443`"));
        assert!(err("https://BÜCHER.example").ends_with("write `https://xn--bcher-kva.example`"));
        assert!(err("https://münchen.de").ends_with("write `https://xn--mnchen-3ya.de`"));
        assert!(err("https://日本語.jp").ends_with("write `https://xn--wgv71a119e.jp`"));
        assert!(
            err("https://*.bücher.example").ends_with("write `https://*.xn--bcher-kva.example`")
        );
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
            let _ = check_origin(s);
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

    fn wild(pattern: &str, origin: &str) -> bool {
        let (prefix, suffix) =
            split_wildcard(pattern).unwrap_or_else(|| panic!("`{pattern}` is not a wildcard"));
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

    // --- methods -------------------------------------------------------------------------

    #[test]
    fn methods() {
        for m in [
            "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PURGE", "purge",
            "M-SEARCH",
        ] {
            assert_eq!(check_method(m), Ok(()), "{m}");
        }
        assert_eq!(
            check_method("").unwrap_err(),
            "method name is empty; write one such as `GET`"
        );
        assert_eq!(
            check_method("G T").unwrap_err(),
            "method `G T` is not a valid token; remove the space"
        );
        assert_eq!(
            check_method("GET ").unwrap_err(),
            "method `GET ` is not a valid token; write `GET`"
        );
        assert_eq!(
            check_method("G@T").unwrap_err(),
            "method `G@T` is not a valid token; remove `@`"
        );
        assert_eq!(
            check_method("GET,POST").unwrap_err(),
            "method `GET,POST` is not a valid token; list each method separately"
        );
        assert_eq!(
            check_method("GÉT").unwrap_err(),
            "method `GÉT` is not a valid token; remove `É`"
        );
        assert_eq!(
            check_method("G\tT").unwrap_err(),
            "method `G\\tT` is not a valid token; remove `\\t`"
        );
        assert_eq!(
            check_method("CONNECT").unwrap_err(),
            "method `CONNECT` is forbidden by the Fetch standard and browsers never send it cross-origin; remove it"
        );
        assert!(check_method("trace")
            .unwrap_err()
            .contains("forbidden by the Fetch standard"));
        assert!(check_method("Track")
            .unwrap_err()
            .contains("forbidden by the Fetch standard"));
        assert_eq!(
            check_method("patch").unwrap_err(),
            "method `patch` must be upper case; write `PATCH`"
        );
        assert_eq!(
            check_method("Get").unwrap_err(),
            "method `Get` must be upper case; write `GET`"
        );
        assert_eq!(
            check_method("options").unwrap_err(),
            "method `options` must be upper case; write `OPTIONS`"
        );
    }

    // --- headers -------------------------------------------------------------------------

    #[test]
    fn request_headers_are_lowercased() {
        assert_eq!(
            check_request_header("Content-Type"),
            Ok("content-type".to_owned())
        );
        assert_eq!(
            check_request_header("X-Request-Id"),
            Ok("x-request-id".to_owned())
        );
        assert_eq!(
            check_request_header("authorization"),
            Ok("authorization".to_owned())
        );
        assert_eq!(check_request_header("secret"), Ok("secret".to_owned()));
        assert_eq!(check_request_header("proxy"), Ok("proxy".to_owned()));
    }

    #[test]
    fn request_header_errors() {
        assert_eq!(
            check_request_header("").unwrap_err(),
            "header name is empty; write one such as `x-request-id`"
        );
        assert_eq!(
            check_request_header("X Token").unwrap_err(),
            "header `X Token` is not a valid token; remove the space"
        );
        assert_eq!(
            check_request_header("x-token:").unwrap_err(),
            "header `x-token:` is not a valid token; remove `:`"
        );
        assert_eq!(
            check_request_header("Cookie").unwrap_err(),
            "header `Cookie` is set by the browser and scripts can never set it; remove it and enable `credentials` to send cookies"
        );
        assert_eq!(
            check_request_header("Host").unwrap_err(),
            "header `Host` is a forbidden request header, which browsers never let scripts set; remove it"
        );
        assert_eq!(
            check_request_header("Sec-Fetch-Mode").unwrap_err(),
            "header `Sec-Fetch-Mode` starts with `sec-`, which browsers reserve and never let scripts set; remove it"
        );
        assert!(check_request_header("proxy-authorization")
            .unwrap_err()
            .contains("starts with `proxy-`"));
        assert_eq!(
            check_request_header("Access-Control-Request-Method").unwrap_err(),
            "header `Access-Control-Request-Method` is set by the browser on preflight requests and scripts can never set it; remove it"
        );
        assert_eq!(
            check_request_header("access-control-allow-origin").unwrap_err(),
            "header `access-control-allow-origin` is a CORS response header, not a request header; remove it"
        );
        for h in [
            "accept-charset",
            "accept-encoding",
            "access-control-request-headers",
            "access-control-request-method",
            "connection",
            "content-length",
            "cookie",
            "cookie2",
            "date",
            "dnt",
            "expect",
            "host",
            "keep-alive",
            "origin",
            "referer",
            "set-cookie",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "via",
            "proxy-x",
            "sec-x",
            "access-control-max-age",
            "ORIGIN",
        ] {
            let e = check_request_header(h).unwrap_err();
            assert!(
                e.ends_with("remove it") || e.ends_with("to send cookies"),
                "{h}: {e}"
            );
        }
    }

    #[test]
    fn exposed_headers() {
        assert_eq!(
            check_exposed_header("X-Total-Count"),
            Ok("x-total-count".to_owned())
        );
        assert_eq!(
            check_exposed_header("content-length"),
            Ok("content-length".to_owned())
        );
        assert_eq!(
            check_exposed_header("").unwrap_err(),
            "header name is empty; write one such as `x-request-id`"
        );
        assert_eq!(
            check_exposed_header("x total").unwrap_err(),
            "header `x total` is not a valid token; remove the space"
        );
        assert_eq!(
            check_exposed_header("Set-Cookie").unwrap_err(),
            "header `Set-Cookie` is a forbidden response header, which browsers never expose to scripts; remove it"
        );
        assert!(check_exposed_header("set-cookie2").is_err());
    }

    #[test]
    fn punycode_matches_rfc_3492() {
        let enc = |s: &str| punycode_encode(&s.chars().collect::<Vec<_>>());
        assert_eq!(enc("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(enc("münchen").as_deref(), Some("mnchen-3ya"));
        assert_eq!(enc("straße").as_deref(), Some("strae-oqa"));
        assert_eq!(enc("日本語").as_deref(), Some("wgv71a119e"));
        // RFC 3492 section 7.1 sample (L): "3年B組金八先生" lower-cased.
        assert_eq!(
            enc("3年b組金八先生").as_deref(),
            Some("3b-ww4c5e180e575a65lsy2b")
        );
    }

    #[test]
    fn max_age_limit_is_a_day() {
        assert_eq!(MAX_AGE_LIMIT, 24 * 60 * 60);
    }
}
