//! The origin grammar: what an entry of `origins` may be, its canonical form (every message
//! shows the fully corrected literal when one can be derived: `HTTPS://App.Example.com:443/`
//! gets the message of its first problem and the literal `https://app.example.com`), and the
//! facts the rules between keys combine with the policy's flags (`null`, plain http, wildcard
//! pattern, public suffix).
//!
//! Nothing here panics, whatever the input.

use crate::{
    authority::{check_domain_or_ipv4, check_ipv6, check_port, split_host_port, star_before_ip},
    host,
    problem::{Kind, Problem as Reported, Syntax},
    shape::ListFacts,
    Key,
};

/// What a valid origin entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginKind {
    /// The lone `*`.
    Any,
    /// The literal `null`.
    Null,
    /// An exact serialized origin, e.g. `https://app.example.com:8443`.
    Exact,
    /// A wildcard-subdomain pattern `scheme://*.domain[:port]`.
    Subdomains,
}

/// A valid origin entry: what it is, and the facts the rules combine with the policy's flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// What the entry is.
    pub kind: OriginKind,
    /// The scheme is not https and the host is not loopback (`localhost`, `*.localhost`,
    /// 127.0.0.0/8, `[::1]`).
    pub insecure: bool,
    /// A `Subdomains` pattern that covers sites under a public suffix (`*.com`, `*.co.uk`,
    /// `*.github.io`, `*.sch.uk`): refused whatever the flags.
    pub public_suffix_wildcard: bool,
}

const EXAMPLE_ORIGIN: &str = "write a serialized origin such as `https://app.example.com`";
pub(crate) const PORT_RANGE: &str = "write a port from 1 to 65535";

/// Checks the grammar of one entry of `origins`; the error is the message (`<problem>; <fix>`).
/// Policy flags (`allow_null_origin`, `credentials`) are not applied here: see
/// [`crate::check`], which reports the problems they cause.
pub fn parse(s: &str) -> Result<Origin, String> {
    check(s).map_err(Problem::render)
}

/// For a `Subdomains` pattern `https://*.example.com:8443` returns
/// `("https://", ".example.com:8443")`; `None` for anything else.
pub fn split_wildcard(pattern: &str) -> Option<(&str, &str)> {
    let checked = check(pattern).ok()?;
    if checked.kind != OriginKind::Subdomains {
        return None;
    }
    let at = pattern.find("://*.")?;
    Some((pattern.get(..at + 3)?, pattern.get(at + 4..)?))
}

/// The entries of a comma-separated origin list (an `env(..)` variable, its `default`,
/// `PolicyBuilder::origins_from_str`): trimmed, empty items dropped.
///
/// ```
/// assert_eq!(
///     cors_rules::origin::split_list(" https://a.example ,https://b.example,"),
///     ["https://a.example", "https://b.example"]
/// );
/// assert!(cors_rules::origin::split_list(" , ").is_empty());
/// ```
pub fn split_list(list: &str) -> Vec<&str> {
    list.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect()
}

/// The facts of a literal list that the flags of the policy decide on, each the message
/// (worded for `syntax`) of its first entry; invalid entries are skipped (they are reported
/// anyway).
pub fn list_facts<S: AsRef<str>>(list: &[S], syntax: Syntax) -> ListFacts<String> {
    let mut facts = ListFacts {
        null: None,
        insecure: None,
    };
    for (index, entry) in list.iter().enumerate() {
        let entry = entry.as_ref();
        let Ok(origin) = check(entry) else { continue };
        let fact = |kind| Some(Reported::at(Key::Origins, index, entry, kind).message(syntax));
        if origin.kind == OriginKind::Null && facts.null.is_none() {
            facts.null = fact(Kind::NullOrigin);
        }
        if origin.insecure && facts.insecure.is_none() {
            facts.insecure = fact(Kind::InsecureOrigin);
        }
    }
    facts
}

/// One problem with an origin: what is wrong, and either a corrected literal or advice.
pub(crate) struct Problem {
    text: String,
    fix: Fix,
}

pub(crate) enum Fix {
    /// A corrected literal; rendered as "write `...`" after applying any further automatic fixes.
    Write(String),
    /// Advice when no literal can be derived.
    Advice(String),
}

impl Problem {
    pub(crate) fn write(text: String, literal: String) -> Self {
        Self {
            text,
            fix: Fix::Write(literal),
        }
    }

    pub(crate) fn advise(text: String, advice: &str) -> Self {
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

pub(crate) const fn checked(
    kind: OriginKind,
    insecure: bool,
    public_suffix_wildcard: bool,
) -> Origin {
    Origin {
        kind,
        insecure,
        public_suffix_wildcard,
    }
}

fn check(s: &str) -> Result<Origin, Problem> {
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
        return Err(match host::punycode(host) {
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

pub(crate) fn rebuild(scheme: &str, host: &str, port: Option<&str>) -> String {
    match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }
}

/// User text for a message: control characters are escaped so the message stays on one line.
pub(crate) fn show(s: &str) -> String {
    s.chars().map(show_char).collect()
}

pub(crate) fn show_char(c: char) -> String {
    if c.is_control() {
        c.escape_default().collect()
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests;
