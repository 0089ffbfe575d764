use super::*;

fn message(key: Key, kind: Kind, syntax: Syntax) -> String {
    Problem::new(key, kind).message(syntax)
}

#[test]
fn flags_are_named_as_each_entry_point_sets_them() {
    let null = Problem::at(Key::Origins, 0, "null", Kind::NullOrigin);
    assert_eq!(
        null.message(Syntax::Cors),
        "`\"null\"` trusts every sandboxed iframe and local file; add the flag `allow_null_origin` if you mean it"
    );
    assert_eq!(null.message(Syntax::Spec), null.message(Syntax::Cors));
    assert_eq!(
        null.message(Syntax::Builder),
        "`\"null\"` trusts every sandboxed iframe and local file; call `.allow_null_origin(true)` if you mean it"
    );
    let insecure = Problem::at(Key::Origins, 2, "http://a.example", Kind::InsecureOrigin);
    assert_eq!(
        insecure.message(Syntax::CorsPolicy),
        "origin `http://a.example` is plain http and not loopback, so with `credentials` any network attacker could use it; use https, or add the flag `allow_insecure_origins`"
    );
    assert_eq!(
        insecure.message(Syntax::Builder),
        "origin `http://a.example` is plain http and not loopback, so with `.credentials(true)` any network attacker could use it; use https, or call `.allow_insecure_origins(true)`"
    );
}

#[test]
fn settings_are_spelled_as_each_entry_point_writes_them() {
    let cases = [
        (
            Key::MaxAge,
            Kind::MaxAgeTooLarge(90_000),
            "`max_age = 90000` is above 86400 seconds (24 h), which no browser honours (Chromium caps at 7200); use at most `max_age = 86400`",
            "`.max_age(90000)` is above 86400 seconds (24 h), which no browser honours (Chromium caps at 7200); use at most `.max_age(86400)`",
        ),
        (
            Key::PreflightStatus,
            Kind::PreflightStatus(201),
            "`preflight_status = 201` is not allowed; use `204` (the default) or `200` (for old clients that reject 204)",
            "`.preflight_status(201)` is not allowed; use `204` (the default) or `200` (for old clients that reject 204)",
        ),
        (
            Key::Origins,
            Kind::EmptyOrigins,
            "`origins = []` allows no origin; list at least one",
            "`.origins([])` allows no origin; list at least one",
        ),
        (
            Key::Credentials,
            Kind::Conflict(Conflict::CredentialsWithAnyOrigin),
            "`credentials` cannot be combined with `origins = \"*\"`; list the allowed origins",
            "`.credentials(true)` cannot be combined with `.any_origin()`; list the allowed origins with `.origins([...])`",
        ),
        (
            Key::Enforce,
            Kind::Conflict(Conflict::EnforceWithAnyOrigin),
            "`enforce` refuses nothing with `origins = \"*\"`; list the allowed origins, or remove `enforce`",
            "`.enforce(true)` refuses nothing with `.any_origin()`; list the allowed origins, or remove `.enforce(true)`",
        ),
    ];
    for (key, kind, attribute, builder) in cases {
        assert_eq!(message(key, kind.clone(), Syntax::Cors), attribute);
        assert_eq!(message(key, kind, Syntax::Builder), builder);
    }
}

#[test]
fn star_in_a_list_names_the_form_that_allows_everything() {
    for (key, attribute, builder) in [
        (
            Key::Origins,
            "write `origins = \"*\"`",
            "call `.any_origin()`",
        ),
        (
            Key::Methods,
            "write `methods = \"*\"`",
            "call `.any_method()`",
        ),
        (
            Key::Headers,
            "write `headers = \"*\"`",
            "call `.any_header()`",
        ),
        (
            Key::Expose,
            "write `expose = \"*\"`",
            "call `.expose_any()`",
        ),
    ] {
        let problem = Problem::at(key, 0, "*", Kind::StarInList);
        assert_eq!(
            problem.message(Syntax::Cors),
            format!("`\"*\"` must stand alone; {attribute}")
        );
        assert_eq!(
            problem.message(Syntax::Builder),
            format!("`\"*\"` must stand alone; {builder}")
        );
    }
}

#[test]
fn missing_origins_is_worded_for_each_entry_point() {
    let kind = Kind::Conflict(Conflict::MissingOrigins);
    let cors = message(Key::Origins, kind.clone(), Syntax::Cors);
    let policy = message(Key::Origins, kind.clone(), Syntax::CorsPolicy);
    let spec = message(Key::Origins, kind.clone(), Syntax::Spec);
    let builder = message(Key::Origins, kind, Syntax::Builder);
    assert!(cors.starts_with("#[cors] needs `origins`"), "{cors}");
    assert!(
        policy.starts_with("#[cors_policy] needs `origins`"),
        "{policy}"
    );
    assert!(!policy.contains("policy ="), "{policy}");
    assert_eq!(spec, Conflict::MissingOrigins.attribute_message());
    assert!(builder.contains("call `.origins([...])`"), "{builder}");
}

#[test]
fn every_message_reads_as_problem_then_fix() {
    let kinds = [
        Kind::PublicSuffixPattern,
        Kind::NullOrigin,
        Kind::InsecureOrigin,
        Kind::StarInList,
        Kind::DuplicateOrigin,
        Kind::DuplicateMethod,
        Kind::DuplicateHeader("x".to_owned()),
        Kind::EmptyOrigins,
        Kind::EmptyMethods,
        Kind::CookieHeader,
        Kind::Conflict(Conflict::MissingOrigins),
        Kind::Conflict(Conflict::CredentialsWithAnyOrigin),
        Kind::Conflict(Conflict::EnforceWithAnyOrigin),
        Kind::Conflict(Conflict::ExposeAnyWithCredentials),
        Kind::MaxAgeTooLarge(100_000),
        Kind::PreflightStatus(0),
        Kind::DisabledWithOtherKeys,
        Kind::EnvNotSet("V".to_owned()),
        Kind::EnvNotUnicode("V".to_owned()),
        Kind::EnvEmpty("V".to_owned()),
        Kind::EnvDefaultEmpty("V".to_owned()),
    ];
    for syntax in [
        Syntax::Cors,
        Syntax::CorsPolicy,
        Syntax::Spec,
        Syntax::Builder,
    ] {
        for kind in &kinds {
            let m = Problem::at(Key::Headers, 0, "X", kind.clone()).message(syntax);
            assert!(m.contains("; "), "{m}");
            assert!(!m.ends_with('.'), "{m}");
            assert!(m.starts_with(|c: char| !c.is_uppercase()), "{m}");
            assert_eq!(m.matches('`').count() % 2, 0, "{m}");
        }
    }
}
