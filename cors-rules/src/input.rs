//! A policy as any entry point describes it, and [`check`], which runs every rule over it.

use crate::{
    names,
    origin::{self, OriginKind},
    problem::{Key, Kind, Problem},
    shape::{self, Conflict},
};

/// The value of `origins`.
#[derive(Clone, Copy, Debug)]
pub enum Origins<'a> {
    /// Not given, and not taken from elsewhere.
    Unset,
    /// Not given here: taken from `policy = X` (checked where the policy is merged).
    Inherited,
    /// `"*"`.
    Any,
    /// A list of entries: literal, from the builder, or read from `env(..)`.
    List(&'a [&'a str]),
    /// Decided at run time: a predicate, an async check, `env(..)` before it is read.
    Other,
}

/// The value of `methods`, `headers` or `expose`.
#[derive(Clone, Copy, Debug)]
pub enum Names<'a> {
    /// Not given: the key's default (or the base policy's value).
    Default,
    /// `"*"`.
    Any,
    /// A list of names.
    List(&'a [&'a str]),
}

/// One policy, from any entry point. A flag is `None` where its value is not known: a key the
/// attribute leaves to `policy = X` (the merged policy is checked at compile time by
/// [`shape::Shape::check`]); runtime entry points know every value.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// `origins`.
    pub origins: Origins<'a>,
    /// `methods`.
    pub methods: Names<'a>,
    /// `headers`.
    pub headers: Names<'a>,
    /// `expose`.
    pub expose: Names<'a>,
    /// `credentials`.
    pub credentials: Option<bool>,
    /// `allow_null_origin`.
    pub allow_null_origin: Option<bool>,
    /// `allow_insecure_origins`.
    pub allow_insecure_origins: Option<bool>,
    /// `enforce`.
    pub enforce: Option<bool>,
    /// `max_age`, when given.
    pub max_age: Option<u64>,
    /// `preflight_status`, when given.
    pub preflight_status: Option<u64>,
}

impl Input<'_> {
    /// Every key at its default, every flag known to be off: fill in what was given.
    pub const DEFAULT: Input<'static> = Input {
        origins: Origins::Unset,
        methods: Names::Default,
        headers: Names::Default,
        expose: Names::Default,
        credentials: Some(false),
        allow_null_origin: Some(false),
        allow_insecure_origins: Some(false),
        enforce: Some(false),
        max_age: None,
        preflight_status: None,
    };
}

/// Every problem of `input`, in key order (origins, methods, headers, expose, then the rules
/// between keys), each list in entry order.
pub fn check(input: &Input<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Origins::List(list) = input.origins {
        check_origins(list, input, &mut problems);
    }
    if let Names::List(list) = input.methods {
        check_methods(list, &mut problems);
    }
    if let Names::List(list) = input.headers {
        check_headers(Key::Headers, list, &mut problems);
    }
    if let Names::List(list) = input.expose {
        check_headers(Key::Expose, list, &mut problems);
    }
    check_shape(input, &mut problems);
    problems
}

/// `origins = [..]`: grammar, then the flags, then duplicates; one problem per entry.
fn check_origins(list: &[&str], input: &Input<'_>, problems: &mut Vec<Problem>) {
    if list.is_empty() {
        problems.push(Problem::new(Key::Origins, Kind::EmptyOrigins));
    }
    for (index, &value) in list.iter().enumerate() {
        let kind = match origin::parse(value) {
            Err(message) => Kind::InvalidOrigin(message),
            Ok(o) if o.kind == OriginKind::Any => Kind::StarInList,
            Ok(o) if o.kind == OriginKind::Null && shape::refuses_null(input.allow_null_origin) => {
                Kind::NullOrigin
            }
            Ok(o) if o.public_suffix_wildcard => Kind::PublicSuffixPattern,
            Ok(o)
                if o.insecure
                    && shape::refuses_insecure(input.credentials, input.allow_insecure_origins) =>
            {
                Kind::InsecureOrigin
            }
            Ok(_) if list[..index].contains(&value) => Kind::DuplicateOrigin,
            Ok(_) => continue,
        };
        problems.push(Problem::at(Key::Origins, index, value, kind));
    }
}

fn check_methods(list: &[&str], problems: &mut Vec<Problem>) {
    if list.is_empty() {
        problems.push(Problem::new(Key::Methods, Kind::EmptyMethods));
    }
    for (index, &name) in list.iter().enumerate() {
        let kind = if name == "*" {
            Kind::StarInList
        } else if let Err(kind) = names::method(name) {
            kind
        } else if list[..index].contains(&name) {
            Kind::DuplicateMethod
        } else {
            continue;
        };
        problems.push(Problem::at(Key::Methods, index, name, kind));
    }
}

fn check_headers(key: Key, list: &[&str], problems: &mut Vec<Problem>) {
    let mut seen: Vec<String> = Vec::with_capacity(list.len());
    for (index, &raw) in list.iter().enumerate() {
        let checked = if raw == "*" {
            Err(Kind::StarInList)
        } else if key == Key::Expose {
            names::exposed_header(raw)
        } else {
            names::request_header(raw)
        };
        let kind = match checked {
            Ok(name) if seen.contains(&name) => Kind::DuplicateHeader(name),
            Ok(name) => {
                seen.push(name);
                continue;
            }
            Err(kind) => kind,
        };
        problems.push(Problem::at(key, index, raw, kind));
    }
}

/// The rules between keys, on the values known here.
fn check_shape(input: &Input<'_>, problems: &mut Vec<Problem>) {
    let any = matches!(input.origins, Origins::Any);
    let expose_any = matches!(input.expose, Names::Any);
    if matches!(input.origins, Origins::Unset) {
        problems.push(Problem::new(
            Key::Origins,
            Kind::Conflict(Conflict::MissingOrigins),
        ));
    }
    if shape::credentials_with_any_origin(input.credentials, any) {
        problems.push(Problem::new(
            Key::Credentials,
            Kind::Conflict(Conflict::CredentialsWithAnyOrigin),
        ));
    }
    if shape::enforce_with_any_origin(input.enforce, any) {
        problems.push(Problem::new(
            Key::Enforce,
            Kind::Conflict(Conflict::EnforceWithAnyOrigin),
        ));
    }
    if shape::expose_any_with_credentials(expose_any, input.credentials) {
        problems.push(Problem::new(
            Key::Expose,
            Kind::Conflict(Conflict::ExposeAnyWithCredentials),
        ));
    }
    if let Some(seconds) = input.max_age.filter(|&s| shape::max_age_too_large(s)) {
        problems.push(Problem::new(Key::MaxAge, Kind::MaxAgeTooLarge(seconds)));
    }
    if let Some(status) = input
        .preflight_status
        .filter(|&s| !shape::is_preflight_status(s))
    {
        problems.push(Problem::new(
            Key::PreflightStatus,
            Kind::PreflightStatus(status),
        ));
    }
}

/// `disable` with other keys (`given`): each of them has no effect. Attribute only: a `Spec`
/// with `disabled` ignores its other fields, and the builder has no `disable`.
pub fn check_disable(given: &[Key]) -> Vec<Problem> {
    given
        .iter()
        .filter(|&&key| key != Key::Disable)
        .map(|&key| Problem::new(key, Kind::DisabledWithOtherKeys))
        .collect()
}
