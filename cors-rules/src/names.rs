//! Method and header names: RFC 9110 tokens, the names the Fetch standard forbids, and the
//! spelling browsers send.

use crate::{
    origin::{show, show_char},
    problem::Kind,
};

/// Methods the Fetch standard forbids; browsers never send them cross-origin.
const FORBIDDEN_METHODS: &[&str] = &["CONNECT", "TRACE", "TRACK"];

/// Methods with a canonical upper-case spelling that a lowercase entry most likely meant.
const STANDARD_METHODS: &[&str] = &["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/// Check a method name from `methods`: a valid RFC 9110 token, not forbidden by the Fetch
/// standard, and standard methods spelled in upper case (methods are case-sensitive and browsers
/// upper-case only some of them). A custom token like `PURGE` is fine.
pub fn method(s: &str) -> Result<(), Kind> {
    method_problem(s).map_or(Ok(()), |message| Err(Kind::InvalidMethod(message)))
}

fn method_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("method name is empty; write one such as `GET`".to_owned());
    }
    if let Some(message) = token_problem("method", s) {
        return Some(message);
    }
    if FORBIDDEN_METHODS.iter().any(|m| m.eq_ignore_ascii_case(s)) {
        return Some(format!(
            "method `{s}` is forbidden by the Fetch standard and browsers never send it cross-origin; remove it"
        ));
    }
    if let Some(upper) = STANDARD_METHODS.iter().find(|m| m.eq_ignore_ascii_case(s)) {
        if *upper != s {
            return Some(format!("method `{s}` must be upper case; write `{upper}`"));
        }
    }
    None
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

/// Checks a request header name for `headers`. Case-insensitive: returns the lower-cased name.
pub fn request_header(s: &str) -> Result<String, Kind> {
    let name = header_token(s).map_err(Kind::InvalidHeader)?;
    if name.starts_with("access-control-request-") {
        return Err(Kind::InvalidHeader(format!(
            "header `{s}` is set by the browser on preflight requests and scripts can never set it; remove it"
        )));
    }
    if name.starts_with("access-control-") {
        return Err(Kind::InvalidHeader(format!(
            "header `{s}` is a CORS response header, not a request header; remove it"
        )));
    }
    if name == "cookie" || name == "cookie2" {
        return Err(Kind::CookieHeader);
    }
    if FORBIDDEN_REQUEST_HEADERS.contains(&name.as_str()) {
        return Err(Kind::InvalidHeader(format!(
            "header `{s}` is a forbidden request header, which browsers never let scripts set; remove it"
        )));
    }
    if let Some(prefix) = ["proxy-", "sec-"].iter().find(|p| name.starts_with(*p)) {
        return Err(Kind::InvalidHeader(format!(
            "header `{s}` starts with `{prefix}`, which browsers reserve and never let scripts set; remove it"
        )));
    }
    Ok(name)
}

/// Checks a response header name for `expose`. Returns the lower-cased name.
pub fn exposed_header(s: &str) -> Result<String, Kind> {
    let name = header_token(s).map_err(Kind::InvalidHeader)?;
    if name == "set-cookie" || name == "set-cookie2" {
        return Err(Kind::InvalidHeader(format!(
            "header `{s}` is a forbidden response header, which browsers never expose to scripts; remove it"
        )));
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
#[inline]
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

/// Is `bytes` an RFC 9110 token (a valid method or header name)? Also used per request, by
/// the runtime's `Access-Control-Request-Headers` parser: allocation-free.
#[inline]
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// The message for a non-empty `s` that is not an RFC 9110 token, or `None` if it is one.
fn token_problem(what: &str, s: &str) -> Option<String> {
    if is_token(s.as_bytes()) {
        return None;
    }
    let o = show(s);
    let trimmed = s.trim();
    let fix = if is_token(trimmed.as_bytes()) {
        format!("write `{trimmed}`")
    } else if s.contains(',') && s.split(',').all(|p| is_token(p.trim().as_bytes())) {
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

#[cfg(test)]
mod tests;
