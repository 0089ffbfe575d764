//! Property test: origin matching against a simple reference model (an exact list, plus
//! `scheme://*.domain[:port]` patterns matched by splitting strings), for generated policies and
//! for origins built from the same pieces, their scheme/case/port/trailing-dot variants, and
//! arbitrary bytes.

use http::HeaderValue;
use proptest::prelude::*;

use crate::{
    origin::OriginMatcher,
    spec::{Origins, Spec},
};

/// The obviously-correct model.
#[derive(Debug, Clone)]
struct Model {
    exact: Vec<String>,
    /// (scheme, domain, port) of `scheme://*.domain[:port]`.
    patterns: Vec<(String, String, Option<u16>)>,
}

impl Model {
    fn allows(&self, origin: &[u8]) -> bool {
        if origin.len() > 300 {
            return false;
        }
        let Ok(origin) = std::str::from_utf8(origin) else {
            return false;
        };
        if self.exact.iter().any(|e| e == origin) {
            return true;
        }
        self.patterns.iter().any(|(scheme, domain, port)| {
            let Some(rest) = origin.strip_prefix(&format!("{scheme}://")) else {
                return false;
            };
            let host = match port {
                Some(port) => match rest.strip_suffix(&format!(":{port}")) {
                    Some(host) => host,
                    None => return false,
                },
                None => rest,
            };
            let Some(sub) = host.strip_suffix(&format!(".{domain}")) else {
                return false;
            };
            !sub.is_empty()
                && sub.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                })
        })
    }

    fn entries(&self) -> Vec<String> {
        let mut entries = self.exact.clone();
        for (scheme, domain, port) in &self.patterns {
            entries.push(match port {
                Some(port) => format!("{scheme}://*.{domain}:{port}"),
                None => format!("{scheme}://*.{domain}"),
            });
        }
        entries
    }

    fn matcher(&self) -> Option<OriginMatcher> {
        let entries: Vec<&'static str> = self
            .entries()
            .into_iter()
            .map(|e| &*Box::leak(e.into_boxed_str()))
            .collect();
        let list: &'static [&'static str] = Box::leak(entries.into_boxed_slice());
        OriginMatcher::checked(&Spec {
            origins: Origins::List(list),
            allow_null_origin: true,
            ..Spec::DEFAULT
        })
        .ok()
    }
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_owned()),
        Just("app".to_owned()),
        Just("example".to_owned()),
        Just("x-y".to_owned()),
        Just("b2".to_owned()),
        "[a-z0-9]{1,3}",
    ]
}

fn domain() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(label(), 1..3),
        prop_oneof![Just("com"), Just("org"), Just("test")],
    )
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

fn scheme() -> impl Strategy<Value = String> {
    prop_oneof![Just("https".to_owned()), Just("http".to_owned())]
}

fn port() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(8443)),
        1 => Just(Some(3000)),
    ]
}

fn origin() -> impl Strategy<Value = String> {
    (
        scheme(),
        prop::collection::vec(label(), 0..3),
        domain(),
        port(),
    )
        .prop_map(|(scheme, sub, domain, port)| {
            let host = if sub.is_empty() {
                domain
            } else {
                format!("{}.{domain}", sub.join("."))
            };
            match port {
                Some(port) => format!("{scheme}://{host}:{port}"),
                None => format!("{scheme}://{host}"),
            }
        })
}

fn model() -> impl Strategy<Value = Model> {
    (
        prop::collection::vec(origin(), 0..4),
        prop::collection::vec((scheme(), domain(), port()), 0..3),
        any::<bool>(),
    )
        .prop_map(|(mut exact, patterns, null)| {
            // Default ports are a compile error, and entries are listed once.
            exact.retain(|e| !e.ends_with(":443") && !e.ends_with(":80"));
            exact.sort();
            exact.dedup();
            if null {
                exact.push("null".to_owned());
            }
            let mut patterns = patterns;
            patterns.sort();
            patterns.dedup();
            Model { exact, patterns }
        })
}

/// Variants of an origin that must be compared exactly: case, trailing dot, ports, scheme,
/// prefixes and suffixes.
fn variants(origin: &str) -> Vec<Vec<u8>> {
    let mut out = vec![
        origin.to_ascii_uppercase(),
        format!("{origin}."),
        format!("{origin}/"),
        format!("{origin}:443"),
        format!("{origin}:80"),
        format!("{origin}.evil.com"),
        format!("{origin}%60.evil.com"),
        format!("{origin}`.evil.com"),
        format!("x{origin}"),
        format!(" {origin}"),
        origin.replacen("https://", "http://", 1),
        origin.replacen("http://", "https://", 1),
        origin.replacen("://", "://evil", 1),
        origin.replacen("://", "://a.", 1),
        origin.replacen("://", "://.", 1),
        origin.replacen('.', "", 1),
        origin.replacen('.', "..", 1),
        origin.replacen('.', "-", 1),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect::<Vec<_>>();
    let mut bytes = origin.as_bytes().to_vec();
    bytes.push(0xff);
    out.push(bytes);
    out
}

fn check(matcher: &OriginMatcher, model: &Model, origin: &[u8]) -> Result<(), TestCaseError> {
    let Ok(value) = HeaderValue::from_bytes(origin) else {
        return Ok(());
    };
    let answer = matcher.allow(&value, None, None);
    prop_assert_eq!(
        answer.is_some(),
        model.allows(origin),
        "origin {:?}, entries {:?}",
        String::from_utf8_lossy(origin),
        model.entries()
    );
    if let Some(answer) = answer {
        prop_assert_eq!(answer.as_bytes(), origin);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn matching_agrees_with_the_reference_model(
        model in model(),
        probes in prop::collection::vec(origin(), 1..8),
        raw in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..4),
    ) {
        // A generated entry the rules refuse is not a policy; proptest fails the test if this
        // rejects too many cases, so the property cannot pass vacuously.
        let matcher = model.matcher();
        prop_assume!(matcher.is_some());
        let matcher = matcher.unwrap();
        for entry in model.entries() {
            if !entry.contains('*') {
                check(&matcher, &model, entry.as_bytes())?;
            }
            for variant in variants(&entry.replace("*.", "a.")) {
                check(&matcher, &model, &variant)?;
            }
        }
        for probe in &probes {
            check(&matcher, &model, probe.as_bytes())?;
            for variant in variants(probe) {
                check(&matcher, &model, &variant)?;
            }
        }
        for bytes in &raw {
            check(&matcher, &model, bytes)?;
        }
    }

    #[test]
    fn listed_origins_and_pattern_subdomains_are_always_allowed(
        model in model(),
        sub in prop::collection::vec(label(), 1..4),
    ) {
        let matcher = model.matcher();
        prop_assume!(matcher.is_some());
        let matcher = matcher.unwrap();
        for entry in model.entries() {
            let origin = entry.replace('*', &sub.join("."));
            let value = HeaderValue::from_str(&origin).unwrap();
            prop_assert!(matcher.allow(&value, None, None).is_some(), "{} for {}", origin, entry);
        }
    }
}
