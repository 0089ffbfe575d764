use super::*;
use crate::{Key, Problem, Syntax};

/// The attribute message of a refused name.
fn text(key: Key, s: &str, kind: Kind) -> String {
    Problem::at(key, 0, s, kind).message(Syntax::Cors)
}

fn check_method(s: &str) -> Result<(), String> {
    method(s).map_err(|kind| text(Key::Methods, s, kind))
}

fn check_request_header(s: &str) -> Result<String, String> {
    request_header(s).map_err(|kind| text(Key::Headers, s, kind))
}

fn check_exposed_header(s: &str) -> Result<String, String> {
    exposed_header(s).map_err(|kind| text(Key::Expose, s, kind))
}

// --- methods -------------------------------------------------------------------------

#[test]
fn methods() {
    for m in [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PURGE", "purge", "M-SEARCH",
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
