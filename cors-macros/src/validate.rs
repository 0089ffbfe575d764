//! Semantic checks: one `check_*` per rule, all run, every problem reported with its span.
//! The output holds only valid data.

use proc_macro2::Span;
use syn::{Ident, Path};

use crate::{
    errors::{Errors, LAST},
    keys,
    parse::{Arg, AttrArgs, Elem, Value},
    rules,
};

/// Which attribute is being checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attr {
    Cors,
    Policy,
}

impl Attr {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Attr::Cors => keys::CORS_KEYS,
            Attr::Policy => keys::POLICY_KEYS,
        }
    }
}

pub(crate) enum OriginsSpec {
    Any,
    List(Vec<String>),
    Predicate(Path),
    Env(String),
    /// `state(Type)`.
    State(Path),
}

pub(crate) enum NamesSpec {
    Any,
    List(Vec<String>),
}

/// A validated attribute. `None` = not given (the default, or the base policy's value).
#[derive(Default)]
pub(crate) struct Spec {
    pub(crate) origins: Option<OriginsSpec>,
    pub(crate) methods: Option<NamesSpec>,
    pub(crate) headers: Option<NamesSpec>,
    pub(crate) expose: Option<NamesSpec>,
    pub(crate) credentials: Option<bool>,
    pub(crate) max_age: Option<u32>,
    pub(crate) private_network: Option<bool>,
    pub(crate) allow_null_origin: Option<bool>,
    pub(crate) allow_insecure_origins: Option<bool>,
    pub(crate) preflight_status: Option<u16>,
    pub(crate) disable: Option<bool>,
    pub(crate) enforce: Option<bool>,
    /// `policy = X`, with the span of the key for the merged-spec check.
    pub(crate) policy: Option<(Path, Span)>,
}

fn is(key: &Ident, name: &str) -> bool {
    key == name
}

/// Checks the arguments of one attribute. Errors come out in source order (see [`Errors::at`]).
pub(crate) fn attr(attr: Attr, args: &AttrArgs, errors: &mut Errors) -> Spec {
    let mut spec = Spec::default();
    let complete = args.complete;
    let (args, all_known) = check_keys(attr, &args.args, errors);
    let find = |name: &str| args.iter().copied().find(|a| is(&a.key, name));
    let check = |name: &str, errors: &mut Errors| {
        let arg = find(name)?;
        errors.at(arg.index);
        Some(arg)
    };

    spec.credentials = check(keys::CREDENTIALS, errors).and_then(|a| check_flag(a, errors));
    spec.private_network = check(keys::PRIVATE_NETWORK, errors).and_then(|a| check_flag(a, errors));
    spec.allow_null_origin =
        check(keys::ALLOW_NULL_ORIGIN, errors).and_then(|a| check_flag(a, errors));
    spec.allow_insecure_origins =
        check(keys::ALLOW_INSECURE_ORIGINS, errors).and_then(|a| check_flag(a, errors));
    spec.disable = check(keys::DISABLE, errors).and_then(|a| check_flag(a, errors));
    spec.enforce = check(keys::ENFORCE, errors).and_then(|a| check_flag(a, errors));
    spec.max_age = check(keys::MAX_AGE, errors).and_then(|a| check_max_age(a, errors));
    spec.preflight_status =
        check(keys::PREFLIGHT_STATUS, errors).and_then(|a| check_status(a, errors));
    spec.policy = check(keys::POLICY, errors).and_then(|a| check_policy(a, errors));
    spec.methods = check(keys::METHODS, errors).and_then(|a| check_methods(a, errors));
    spec.headers = check(keys::HEADERS, errors).and_then(|a| check_headers(a, errors, false));
    spec.expose = check(keys::EXPOSE, errors).and_then(|a| check_headers(a, errors, true));
    let origins_arg = check(keys::ORIGINS, errors);
    spec.origins = origins_arg.and_then(|a| check_origins(a, &spec, errors));

    if spec.disable == Some(true) {
        for other in args.iter().filter(|a| !is(&a.key, keys::DISABLE)) {
            errors.at(other.index).push(
                &other.key,
                format!(
                    "`disable` turns CORS off for this handler, so `{}` has no effect; remove it",
                    other.key
                ),
            );
        }
        return spec;
    }
    // An unknown or unparsable argument may be a misspelled `origins`: do not guess.
    if origins_arg.is_none() && spec.policy.is_none() && all_known && complete {
        errors.at(LAST).push_at(
            Span::call_site(),
            match attr {
                Attr::Cors => "#[cors] needs `origins`; add `origins = [\"https://app.example.com\"]`, `origins = \"*\"` or `policy = SomePolicy`",
                Attr::Policy => "#[cors_policy] needs `origins`; add `origins = [\"https://app.example.com\"]` or `origins = \"*\"`",
            },
        );
    }
    check_cross_keys(&args, &spec, errors);
    spec
}

/// Unknown and duplicate keys; returns the known, first occurrences, and whether every key was
/// known.
fn check_keys<'a>(attr: Attr, args: &'a [Arg], errors: &mut Errors) -> (Vec<&'a Arg>, bool) {
    let mut seen: Vec<&Arg> = Vec::new();
    let mut all_known = true;
    for arg in args {
        errors.at(arg.index);
        let name = arg.key.to_string();
        if !attr.keys().contains(&name.as_str()) {
            all_known = false;
            let hint = match name.as_str() {
                "origin" | "allow_origin" | "allowed_origins" => " (did you mean `origins`?)",
                "method" | "allow_methods" => " (did you mean `methods`?)",
                "header" | "allow_headers" | "allowed_headers" => " (did you mean `headers`?)",
                "expose_headers" | "exposed_headers" => " (did you mean `expose`?)",
                "allow_credentials" | "credential" => " (did you mean `credentials`?)",
                "maxage" | "max_age_secs" => " (did you mean `max_age`?)",
                "disable" => " (`disable` is for #[cors] on a handler)",
                "policy" => " (a named policy cannot be based on another; list its keys)",
                _ => "",
            };
            errors.push(
                &arg.key,
                format!(
                    "unknown key `{name}`{hint}; expected one of: {}",
                    attr.keys().join(", ")
                ),
            );
            continue;
        }
        if seen.iter().any(|s| s.key == arg.key) {
            errors.push(
                &arg.key,
                format!("duplicate key `{name}`; give each key once"),
            );
            continue;
        }
        seen.push(arg);
    }
    (seen, all_known)
}

fn check_flag(arg: &Arg, errors: &mut Errors) -> Option<bool> {
    match &arg.value {
        Value::Flag => Some(true),
        Value::Bool(b) => Some(b.value),
        other => {
            errors.push_at(
                other.span(&arg.key),
                format!(
                    "`{key}` is a flag; write `{key}` or `{key} = true`",
                    key = arg.key
                ),
            );
            None
        }
    }
}

fn check_max_age(arg: &Arg, errors: &mut Errors) -> Option<u32> {
    let Value::Int(lit) = &arg.value else {
        errors.push_at(
            arg.value.span(&arg.key),
            "`max_age` takes a number of seconds; write e.g. `max_age = 600`",
        );
        return None;
    };
    match lit.base10_parse::<u64>() {
        Ok(n) if n <= rules::MAX_AGE_LIMIT => Some(n as u32),
        Ok(n) => {
            errors.push(lit, rules::max_age_too_large(n));
            None
        }
        Err(_) => {
            errors.push(
                lit,
                "`max_age` takes a whole number of seconds; write e.g. `max_age = 600`",
            );
            None
        }
    }
}

fn check_status(arg: &Arg, errors: &mut Errors) -> Option<u16> {
    match &arg.value {
        Value::Int(lit) => match lit.base10_parse::<u16>() {
            Ok(s @ (200 | 204)) => Some(s),
            _ => {
                errors.push(
                    lit,
                    format!(
                        "`preflight_status = {lit}` is not allowed; use `204` (the default) or `200` (for old clients that reject 204)"
                    ),
                );
                None
            }
        },
        other => {
            errors.push_at(
                other.span(&arg.key),
                "`preflight_status` takes `204` or `200`",
            );
            None
        }
    }
}

fn check_policy(arg: &Arg, errors: &mut Errors) -> Option<(Path, Span)> {
    match &arg.value {
        Value::Path(path) => Some((path.clone(), arg.key.span())),
        other => {
            errors.push_at(
                other.span(&arg.key),
                "`policy` takes the path of a #[cors_policy] struct; write e.g. `policy = AuthPolicy`",
            );
            None
        }
    }
}

/// `"*"` or a list; the error for other forms. `entry` writes one list entry, for the fix
/// of a single value given without brackets.
fn star_or_list<'a>(
    arg: &'a Arg,
    example: &str,
    entry: fn(&str) -> String,
    errors: &mut Errors,
) -> Option<Result<(), &'a [Elem]>> {
    let single = match &arg.value {
        Value::Str(s) if s.value() == "*" => return Some(Ok(())),
        Value::List(elems, _) => return Some(Err(elems)),
        Value::Str(s) => Some(s.value()),
        Value::Path(p) => p.get_ident().map(Ident::to_string),
        _ => None,
    };
    let key = &arg.key;
    let message = match single {
        Some(value) => format!("`{key}` takes a list; write `{key} = [{}]`", entry(&value)),
        None => format!("`{key}` takes a list or `\"*\"`; write e.g. `{key} = {example}`"),
    };
    errors.push_at(arg.value.span(key), message);
    None
}

/// A method as a list entry: `PATCH` if it is an identifier, else a string.
fn method_entry(value: &str) -> String {
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        value.to_owned()
    } else {
        quote_str(value)
    }
}

/// A header name as a list entry: always a string, `_` read as `-`.
fn header_entry(value: &str) -> String {
    quote_str(&value.replace('_', "-"))
}

fn quote_str(s: &str) -> String {
    format!("{s:?}")
}

fn check_methods(arg: &Arg, errors: &mut Errors) -> Option<NamesSpec> {
    let elems = match star_or_list(arg, "[GET, PUT]", method_entry, errors)? {
        Ok(()) => return Some(NamesSpec::Any),
        Err(elems) => elems,
    };
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for elem in elems {
        let name = elem.value();
        if name == "*" {
            errors.push_at(elem.span(), rules::star_must_stand_alone("methods"));
            ok = false;
            continue;
        }
        if let Err(message) = rules::check_method(&name) {
            errors.push_at(elem.span(), message);
            ok = false;
            continue;
        }
        if out.contains(&name) {
            errors.push_at(elem.span(), rules::duplicate_method(&name));
            ok = false;
            continue;
        }
        out.push(name);
    }
    if elems.is_empty() {
        errors.push_at(arg.value.span(&arg.key), rules::EMPTY_METHODS);
        ok = false;
    }
    ok.then_some(NamesSpec::List(out))
}

fn check_headers(arg: &Arg, errors: &mut Errors, expose: bool) -> Option<NamesSpec> {
    let example = if expose {
        "[\"x-request-id\"]"
    } else {
        "[\"content-type\", \"authorization\"]"
    };
    let elems = match star_or_list(arg, example, header_entry, errors)? {
        Ok(()) => return Some(NamesSpec::Any),
        Err(elems) => elems,
    };
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for elem in elems {
        let Elem::Str(lit) = elem else {
            errors.push_at(
                elem.span(),
                format!(
                    "header `{}` is not a string; write `{}`",
                    elem.value(),
                    header_entry(&elem.value())
                ),
            );
            ok = false;
            continue;
        };
        let raw = lit.value();
        if raw == "*" {
            errors.push(lit, rules::star_must_stand_alone(&arg.key.to_string()));
            ok = false;
            continue;
        }
        let checked = if expose {
            rules::check_exposed_header(&raw)
        } else {
            rules::check_request_header(&raw)
        };
        match checked {
            Ok(name) => {
                if out.contains(&name) {
                    errors.push(lit, rules::duplicate_header(&raw, &name));
                    ok = false;
                } else {
                    out.push(name);
                }
            }
            Err(message) => {
                errors.push(lit, message);
                ok = false;
            }
        }
    }
    ok.then_some(NamesSpec::List(out))
}

fn check_origins(arg: &Arg, spec: &Spec, errors: &mut Errors) -> Option<OriginsSpec> {
    match &arg.value {
        Value::Str(s) if s.value() == "*" => Some(OriginsSpec::Any),
        Value::Str(s) => {
            errors.push(
                s,
                format!(
                    "`origins` takes a list or `\"*\"`; write `origins = [{}]`",
                    quote_str(&s.value())
                ),
            );
            None
        }
        Value::List(elems, span) => check_origin_list(elems, *span, spec, errors),
        Value::Env(var, _) => {
            let name = var.value();
            if name.is_empty() || name.contains('=') || name.contains('\0') {
                errors.push(var, "`env(..)` takes the name of an environment variable, e.g. `env(\"CORS_ORIGINS\")`");
                return None;
            }
            Some(OriginsSpec::Env(name))
        }
        Value::Path(path) => Some(OriginsSpec::Predicate(path.clone())),
        Value::State(ty, _) => Some(OriginsSpec::State(ty.clone())),
        other => {
            errors.push_at(
                other.span(&arg.key),
                "`origins` takes a list of origins, `\"*\"`, `env(\"VAR\")` or the path of a `fn(&HeaderValue, &Parts) -> bool`",
            );
            None
        }
    }
}

fn check_origin_list(
    elems: &[Elem],
    span: Span,
    spec: &Spec,
    errors: &mut Errors,
) -> Option<OriginsSpec> {
    if elems.is_empty() {
        errors.push_at(span, rules::EMPTY_ORIGINS);
        return None;
    }
    // With `policy = X`, flags left out here may come from X: the merged spec is checked by a
    // const assertion instead.
    let based = spec.policy.is_some();
    let credentials = spec.credentials.unwrap_or(false);
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for elem in elems {
        let Elem::Str(lit) = elem else {
            errors.push_at(
                elem.span(),
                format!(
                    "origin `{}` is not a string; write e.g. `\"https://app.example.com\"`",
                    elem.value()
                ),
            );
            ok = false;
            continue;
        };
        let value = lit.value();
        let checked = match rules::check_origin(&value) {
            Ok(checked) => checked,
            Err(message) => {
                errors.push(lit, message);
                ok = false;
                continue;
            }
        };
        if let Err(message) = check_origin_flags(&value, checked, spec, based, credentials) {
            errors.push(lit, message);
            ok = false;
            continue;
        }
        if out.contains(&value) {
            errors.push(lit, rules::duplicate_origin(&value));
            ok = false;
            continue;
        }
        out.push(value);
    }
    ok.then_some(OriginsSpec::List(out))
}

fn check_origin_flags(
    value: &str,
    checked: rules::CheckedOrigin,
    spec: &Spec,
    based: bool,
    credentials: bool,
) -> Result<(), String> {
    let null_allowed = spec.allow_null_origin == Some(true) || based;
    let insecure_refused = credentials && spec.allow_insecure_origins != Some(true) && !based;
    rules::check_origin_flags(value, checked, null_allowed, insecure_refused)
}

/// Rules between keys of the same attribute.
fn check_cross_keys(args: &[&Arg], spec: &Spec, errors: &mut Errors) {
    let find = |name: &str| args.iter().copied().find(|a| is(&a.key, name));
    if spec.enforce == Some(true) && matches!(spec.origins, Some(OriginsSpec::Any)) {
        if let Some(arg) = find(keys::ENFORCE) {
            errors.at(arg.index).push(
                &arg.key,
                "`enforce` refuses nothing with `origins = \"*\"`; list the allowed origins, or remove `enforce`",
            );
        }
    }
    if spec.credentials == Some(true) {
        if matches!(spec.origins, Some(OriginsSpec::Any)) {
            if let Some(arg) = find(keys::CREDENTIALS) {
                errors
                    .at(arg.index)
                    .push(&arg.key, rules::CREDENTIALS_WITH_ANY_ORIGIN);
            }
        }
        if matches!(spec.expose, Some(NamesSpec::Any)) {
            if let Some(arg) = find(keys::EXPOSE) {
                errors
                    .at(arg.index)
                    .push_at(arg.value.span(&arg.key), rules::EXPOSE_ANY_WITH_CREDENTIALS);
            }
        }
    }
}
