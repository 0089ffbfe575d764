//! The known CORS misconfiguration classes cannot be expressed by accident. Most are compile
//! errors (tests/ui/fail, listed per class below); this file covers the ways around the macros:
//! hand-written `Spec`s, `env("VAR")` origin lists read at start-up, and the matching itself.
//!
//! | class | compile error (tests/ui/fail) | here |
//! |---|---|---|
//! | any origin reflected with credentials | credentials-with-any-origin, policy-override-breaks-rule, expose-any-with-credentials | `star_with_credentials_cannot_be_built`, `env_lists_cannot_hold_star` |
//! | trusting `null` | origin-null-without-flag | `null_needs_the_loudly_named_flag` |
//! | pattern bypasses (suffix, prefix, unescaped dot, regex) | origin-pattern-bypasses, origin-star-inside-host, origin-star-without-dot, origin-wildcard-public-suffix | `env_patterns_follow_the_same_rules`, `patterns_match_whole_labels_only` |
//! | http origins for https patterns; plain http with credentials | origin-insecure-with-credentials | `http_never_matches_an_https_pattern`, `insecure_with_credentials_needs_the_flag` |
//! | missing `Vary: Origin` | (cannot be configured) | `vary_origin_is_always_sent_when_the_answer_depends_on_it` |
//! | `enforce` that refuses nothing | enforce-with-any-origin | `enforce_with_star_cannot_be_built` |

mod common;

use axum::{routing::get, Router};
use common::{actual, preflight, send, APP};
use cors_runtime::{Names, Origins, Policy, Spec};

fn error(spec: Spec) -> String {
    Policy::new(&spec)
        .expect_err("the policy should be refused")
        .to_string()
}

#[test]
fn star_with_credentials_cannot_be_built() {
    let message = error(Spec {
        origins: Origins::Any,
        credentials: true,
        ..Spec::DEFAULT
    });
    assert!(
        message.contains("`credentials` cannot be combined with `origins = \"*\"`"),
        "{message}"
    );
    let message = error(Spec {
        origins: Origins::List(&["https://app.example.com"]),
        credentials: true,
        expose: Names::Any,
        ..Spec::DEFAULT
    });
    assert!(message.contains("expose"), "{message}");
}

#[test]
fn env_lists_cannot_hold_star() {
    std::env::set_var("CORS_MISCONFIG_STAR", "*");
    std::env::set_var("CORS_MISCONFIG_STAR_LIST", "https://app.example.com, *");
    for var in ["CORS_MISCONFIG_STAR", "CORS_MISCONFIG_STAR_LIST"] {
        let message = error(Spec {
            origins: Origins::Env(var),
            credentials: true,
            ..Spec::DEFAULT
        });
        assert!(message.contains(var) && message.contains('*'), "{message}");
    }
}

#[test]
fn null_needs_the_loudly_named_flag() {
    let message = error(Spec {
        origins: Origins::List(&["null"]),
        ..Spec::DEFAULT
    });
    assert!(message.contains("allow_null_origin"), "{message}");
    std::env::set_var("CORS_MISCONFIG_NULL", "https://app.example.com,null");
    let message = error(Spec {
        origins: Origins::Env("CORS_MISCONFIG_NULL"),
        ..Spec::DEFAULT
    });
    assert!(message.contains("allow_null_origin"), "{message}");
    assert!(Policy::new(&Spec {
        origins: Origins::Env("CORS_MISCONFIG_NULL"),
        allow_null_origin: true,
        ..Spec::DEFAULT
    })
    .is_ok());
}

#[test]
fn env_patterns_follow_the_same_rules() {
    for (var, value) in [
        ("CORS_MISCONFIG_P1", "https://example.com.*"),
        ("CORS_MISCONFIG_P2", "https://*example.com"),
        ("CORS_MISCONFIG_P3", "https://.*\\.example\\.com"),
        ("CORS_MISCONFIG_P4", "https://*.com"),
        ("CORS_MISCONFIG_P5", "https://*.github.io"),
        ("CORS_MISCONFIG_P6", "*.example.com"),
        ("CORS_MISCONFIG_P7", "https://app.example.com/"),
        ("CORS_MISCONFIG_P8", "HTTPS://APP.EXAMPLE.COM"),
    ] {
        std::env::set_var(var, value);
        let message = error(Spec {
            origins: Origins::Env(var),
            ..Spec::DEFAULT
        });
        assert!(message.contains(var), "{value}: {message}");
    }
}

#[test]
fn insecure_with_credentials_needs_the_flag() {
    let spec = Spec {
        origins: Origins::List(&["http://app.example.com"]),
        credentials: true,
        ..Spec::DEFAULT
    };
    assert!(error(spec).contains("allow_insecure_origins"));
    assert!(Policy::new(&Spec {
        allow_insecure_origins: true,
        ..spec
    })
    .is_ok());
}

#[test]
fn enforce_with_star_cannot_be_built() {
    let message = error(Spec {
        origins: Origins::Any,
        enforce: true,
        ..Spec::DEFAULT
    });
    assert!(message.contains("enforce"), "{message}");
}

fn group(spec: &'static Spec) -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .layer(cors_runtime::CorsLayer::new(spec))
}

static PATTERN: Spec = Spec {
    origins: Origins::List(&["https://*.example.com", "https://app.example.com"]),
    credentials: true,
    ..Spec::DEFAULT
};

#[tokio::test]
async fn patterns_match_whole_labels_only() {
    for origin in [
        "https://example.com.evil.com",
        "https://app.example.com.evil.com",
        "https://evilexample.com",
        "https://example.com%60.evil.com",
        "https://a.example.com%60.evil.com",
        "https://a.example.com`.evil.com",
        "https://a.exampleXcom",
        "https://evil.com/.example.com",
        "https://evil.com?.example.com",
        "https://evil.com#.example.com",
        "https://evil.com\\.example.com",
        "https://evil.com@a.example.com",
        "https://a.example.com@evil.com",
    ] {
        let reply = send(group(&PATTERN), actual("GET", "/", origin)).await;
        assert_eq!(reply.allow_origin(), None, "{origin}");
        let reply = send(group(&PATTERN), preflight("/", origin, "GET")).await;
        reply.assert_rejected_preflight();
    }
    let reply = send(group(&PATTERN), actual("GET", "/", "https://x.example.com")).await;
    assert_eq!(reply.allow_origin(), Some("https://x.example.com"));
}

#[tokio::test]
async fn http_never_matches_an_https_pattern() {
    for origin in ["http://x.example.com", "http://app.example.com"] {
        let reply = send(group(&PATTERN), actual("GET", "/", origin)).await;
        assert_eq!(reply.allow_origin(), None, "{origin}");
    }
}

static ONE: Spec = Spec {
    origins: Origins::List(&["https://app.example.com"]),
    ..Spec::DEFAULT
};

#[tokio::test]
async fn vary_origin_is_always_sent_when_the_answer_depends_on_it() {
    // Allowed, refused, absent: a shared cache must key every one of them on `Origin`.
    for spec in [&ONE, &PATTERN] {
        for request in [
            actual("GET", "/", APP),
            actual("GET", "/", "https://evil.example.net"),
            common::plain("GET", "/"),
            preflight("/", APP, "GET"),
            preflight("/", "https://evil.example.net", "GET"),
        ] {
            let reply = send(group(spec), request).await;
            reply.assert_vary_has(&["origin"]);
        }
    }
}

#[test]
fn hand_written_names_follow_the_macro_rules() {
    let origins = Origins::List(&["https://app.example.com"]);
    for (spec, expected) in [
        (
            Spec {
                origins,
                headers: Names::List(&["cookie"]),
                ..Spec::DEFAULT
            },
            "cookie",
        ),
        (
            Spec {
                origins,
                methods: Names::List(&["CONNECT"]),
                ..Spec::DEFAULT
            },
            "CONNECT",
        ),
        (
            Spec {
                origins,
                methods: Names::List(&["get"]),
                ..Spec::DEFAULT
            },
            "get",
        ),
        (
            Spec {
                origins,
                expose: Names::List(&["set-cookie"]),
                ..Spec::DEFAULT
            },
            "set-cookie",
        ),
    ] {
        let message = error(spec);
        assert!(message.contains(expected), "{message}");
    }
}
