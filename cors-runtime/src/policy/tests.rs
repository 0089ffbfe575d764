use http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

use super::*;
use crate::request::{Ctx, RouteOf, ACAPN};

const APP: &str = "https://app.example.com";

fn map(headers: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn enforcing() -> Policy {
    Policy::builder("Enforcing")
        .origins([APP])
        .enforce(true)
        .build()
        .unwrap()
}

/// `Some(reason key)` when `enforce` refuses a request with these headers.
fn enforced(policy: &Policy, headers: &[(&str, &str)]) -> Option<&'static str> {
    let headers = map(headers);
    let decision = policy.actual(&headers, Ctx::default());
    policy
        .enforce(&Method::GET, &headers, &decision, RouteOf::Unknown)
        .map(|rejection| rejection.reason.key())
}

#[test]
fn enforce_follows_the_fetch_metadata_resource_isolation_policy() {
    let policy = enforcing();
    let site = "sec-fetch-site";
    let (mode, dest) = ("sec-fetch-mode", "sec-fetch-dest");
    let cross_site = "enforce-cross-site";
    type Headers<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(Headers<'_>, Option<&str>)] = &[
        // Without `Origin`: no Fetch Metadata (curl, servers, old browsers) passes.
        (&[], None),
        // The browser's own requests and the user's: pass.
        (&[(site, "same-origin")], None),
        (
            &[(site, "none"), (mode, "navigate"), (dest, "document")],
            None,
        ),
        // Same site (a sibling subdomain's `<img>`): passes (see `Policy::enforce`).
        (
            &[(site, "same-site"), (mode, "no-cors"), (dest, "image")],
            None,
        ),
        // Another site's `<img>`, `no-cors` fetch, `<script>`, `<iframe>`, `<object>`: 403.
        (
            &[(site, "cross-site"), (mode, "no-cors"), (dest, "image")],
            Some(cross_site),
        ),
        (
            &[(site, "cross-site"), (mode, "no-cors"), (dest, "empty")],
            Some(cross_site),
        ),
        (
            &[(site, "cross-site"), (mode, "no-cors"), (dest, "script")],
            Some(cross_site),
        ),
        (
            &[(site, "cross-site"), (mode, "navigate"), (dest, "iframe")],
            Some(cross_site),
        ),
        (
            &[(site, "cross-site"), (mode, "navigate"), (dest, "object")],
            Some(cross_site),
        ),
        (
            &[(site, "cross-site"), (mode, "navigate"), (dest, "embed")],
            Some(cross_site),
        ),
        (&[(site, "cross-site")], Some(cross_site)),
        // A top-level navigation from another site (a link): passes.
        (
            &[(site, "cross-site"), (mode, "navigate"), (dest, "document")],
            None,
        ),
        // ...but only a well-formed one.
        (
            &[(site, "cross-site"), (mode, "navigate")],
            Some(cross_site),
        ),
        (
            &[(site, "cross-site"), (mode, "Navigate"), (dest, "document")],
            Some(cross_site),
        ),
        (
            &[
                (site, "cross-site"),
                (mode, "navigate"),
                (dest, "document"),
                (dest, "document"),
            ],
            Some(cross_site),
        ),
        // An invalid `Sec-Fetch-Site` is ignored (the Fetch Metadata spec): no browser sends
        // one, and a client that can send it can as well leave the header out.
        (&[(site, "Cross-Site")], None),
        (&[(site, "cross-site, cross-site")], None),
        (&[(site, "cross-site"), (site, "cross-site")], None),
        (&[(site, "elsewhere")], None),
        // With `Origin`: the origin decides, as before.
        (&[("origin", APP), (site, "cross-site")], None),
        (
            &[("origin", "https://evil.example"), (site, "cross-site")],
            Some("enforce"),
        ),
        (
            &[("origin", "https://evil.example"), (site, "same-site")],
            Some("enforce"),
        ),
        (
            &[("origin", "https://evil.example"), (site, "same-origin")],
            None,
        ),
        (&[("origin", "null")], Some("enforce")),
    ];
    for (headers, expected) in cases {
        assert_eq!(enforced(&policy, headers), *expected, "{headers:?}");
    }
    // A policy without `enforce` refuses nothing.
    let lenient = Policy::builder("Lenient").origins([APP]).build().unwrap();
    for (headers, _) in cases {
        assert_eq!(enforced(&lenient, headers), None, "{headers:?}");
    }
}

#[test]
fn enforce_refusals_and_answers_name_every_header_they_depend_on() {
    let policy = enforcing();
    let headers = map(&[
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-dest", "image"),
    ]);
    let refusal = policy
        .enforce(
            &Method::GET,
            &headers,
            &Decision::default(),
            RouteOf::Unknown,
        )
        .unwrap()
        .into_response();
    assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
    let expected = "origin, sec-fetch-site, sec-fetch-mode, sec-fetch-dest";
    assert_eq!(refusal.headers()[header::VARY], expected);
    // What passes says so too: a cache must not serve the top-level navigation's 200 to
    // an `<img>` of the same site.
    let mut response = HeaderMap::new();
    policy.decorate(Decision::default(), &mut response);
    assert_eq!(response[header::VARY], expected);
    assert!(response.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[test]
fn any_origin_answers_star_to_every_actual_request() {
    let policy = Policy::builder("Public")
        .any_origin()
        .expose(["x-request-id"])
        .build()
        .unwrap();
    let huge = format!("https://{}.example", "a".repeat(64 * 1024));
    let requests: [&[(&str, &str)]; 5] = [
        &[],
        &[("origin", APP)],
        &[("origin", "null")],
        &[("origin", APP), ("origin", "https://evil.example")],
        &[("origin", &huge)],
    ];
    for headers in requests {
        let decision = policy.actual(&map(headers), Ctx::default());
        let mut response = HeaderMap::new();
        policy.decorate(decision, &mut response);
        assert_eq!(response[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(
            response[header::ACCESS_CONTROL_EXPOSE_HEADERS],
            "x-request-id"
        );
        // The same answer for everyone: nothing to vary on, and never credentials.
        assert!(response.get(header::VARY).is_none(), "{response:?}");
        assert!(response
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none());
    }
    // `actual_for` (the caller looked the origin up) answers the same.
    let decision = policy.actual_for(&HeaderValue::from_str(&huge).unwrap(), Ctx::default());
    assert_eq!(decision.allow_origin.unwrap(), "*");
    // A disabled policy answers nothing; a list policy still needs an allowed origin.
    let list = Policy::builder("List").origins([APP]).build().unwrap();
    assert!(!list.actual(&map(&[]), Ctx::default()).is_allowed());
    // `*` cannot be combined with credentials, nor with `enforce`.
    for builder in [
        Policy::builder("P").any_origin().credentials(true),
        Policy::builder("P").any_origin().enforce(true),
    ] {
        assert!(builder.build().is_err());
    }
}

#[test]
fn private_network_access_never_refuses_a_preflight() {
    let ask = [
        ("origin", APP),
        ("access-control-request-method", "GET"),
        ("access-control-request-private-network", "true"),
    ];
    let without = Policy::builder("Public").origins([APP]).build().unwrap();
    let with = Policy::builder("Private")
        .origins([APP])
        .private_network(true)
        .build()
        .unwrap();
    let answer = without.preflight(&map(&ask), Ctx::default()).unwrap();
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert_eq!(answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(answer.headers().get(&ACAPN).is_none());
    // It is not granted, and the answer does not depend on the request's
    // `Access-Control-Request-Private-Network`: it is not in `Vary`.
    assert!(!answer.headers()[header::VARY]
        .to_str()
        .unwrap()
        .contains("private-network"));
    let answer = with.preflight(&map(&ask), Ctx::default()).unwrap();
    assert_eq!(answer.headers()[&ACAPN], "true");
    assert!(answer.headers()[header::VARY]
        .to_str()
        .unwrap()
        .contains("access-control-request-private-network"));
    // Not asked, not granted.
    let answer = with.preflight(&map(&ask[..2]), Ctx::default()).unwrap();
    assert!(answer.headers().get(&ACAPN).is_none());
}
