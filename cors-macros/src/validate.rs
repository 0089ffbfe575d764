//! Semantic checks: each key's value read with its span (the forms an attribute may take),
//! then every rule applied by `cors_rules::check`, the one implementation the runtime uses
//! too; each problem is reported at the token it is about. The output holds only valid data.

use cors_rules::{shape::ListFacts, Input, Key, Kind, Problem, Syntax};
use proc_macro2::Span;
use syn::{Ident, Path};

use crate::{
    errors::{Errors, LAST},
    keys,
    parse::{Arg, AttrArgs, Elem, EnvArgs, Value},
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

    fn syntax(self) -> Syntax {
        match self {
            Attr::Cors => Syntax::Cors,
            Attr::Policy => Syntax::CorsPolicy,
        }
    }
}

pub(crate) enum OriginsValue {
    Any,
    List(Vec<String>),
    Predicate(Path),
    /// `env("VAR")`, with the entries of its `default`.
    Env {
        var: String,
        default: Option<Vec<String>>,
    },
    /// `state(Type)`.
    State(Path),
    /// A list that names consts (`[FRONTEND, "https://b.example"]`), or a const list
    /// (`FRONTENDS`): checked when the policy is built.
    Consts(Vec<OriginsPart>),
}

/// A part of [`OriginsValue::Consts`].
pub(crate) enum OriginsPart {
    /// Literal entries (checked here).
    Literals(Vec<String>),
    /// A `&str` const, as one entry.
    Entry(Path),
    /// A `&[&str]` const.
    Slice(Path),
}

pub(crate) enum NamesValue {
    Any,
    List(Vec<String>),
}

/// A validated attribute. `None` = not given (the default, or the base policy's value).
#[derive(Default)]
pub(crate) struct Validated {
    pub(crate) origins: Option<OriginsValue>,
    pub(crate) methods: Option<NamesValue>,
    pub(crate) headers: Option<NamesValue>,
    pub(crate) expose: Option<NamesValue>,
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
    /// What a literal `origins` list holds that the flags decide on (`None`: no literal list),
    /// emitted for the compile-time check of a merged `policy = X`.
    pub(crate) facts: Option<ListFacts<String>>,
}

fn is(key: &Ident, name: &str) -> bool {
    key == name
}

/// A list entry the rules look at, with the span its problems point at.
struct Listed {
    values: Vec<String>,
    spans: Vec<Span>,
}

impl Listed {
    fn strs(&self) -> Vec<&str> {
        self.values.iter().map(String::as_str).collect()
    }
}

/// The values of one attribute as the rules see them, with the tokens to point at.
#[derive(Default)]
struct Read {
    origins: Option<Listed>,
    methods: Option<Listed>,
    headers: Option<Listed>,
    expose: Option<Listed>,
    max_age: Option<u64>,
    preflight_status: Option<u64>,
}

/// Checks the arguments of one attribute. Errors come out in source order (see [`Errors::at`]).
pub(crate) fn attr(attr: Attr, args: &AttrArgs, errors: &mut Errors) -> Validated {
    let mut spec = Validated::default();
    let complete = args.complete;
    let (args, all_known) = check_keys(attr, &args.args, errors);
    let find = |name: &str| args.iter().copied().find(|a| is(&a.key, name));
    let check = |name: &str, errors: &mut Errors| {
        let arg = find(name)?;
        errors.at(arg.index);
        Some(arg)
    };
    let mut read = Read::default();

    spec.credentials = check(keys::CREDENTIALS, errors).and_then(|a| check_flag(a, errors));
    spec.private_network = check(keys::PRIVATE_NETWORK, errors).and_then(|a| check_flag(a, errors));
    spec.allow_null_origin =
        check(keys::ALLOW_NULL_ORIGIN, errors).and_then(|a| check_flag(a, errors));
    spec.allow_insecure_origins =
        check(keys::ALLOW_INSECURE_ORIGINS, errors).and_then(|a| check_flag(a, errors));
    spec.disable = check(keys::DISABLE, errors).and_then(|a| check_flag(a, errors));
    spec.enforce = check(keys::ENFORCE, errors).and_then(|a| check_flag(a, errors));
    read.max_age = check(keys::MAX_AGE, errors).and_then(|a| read_max_age(a, errors));
    read.preflight_status =
        check(keys::PREFLIGHT_STATUS, errors).and_then(|a| read_status(a, errors));
    spec.policy = check(keys::POLICY, errors).and_then(|a| check_policy(a, errors));
    spec.methods =
        check(keys::METHODS, errors).and_then(|a| read_methods(a, errors, &mut read.methods));
    spec.headers =
        check(keys::HEADERS, errors).and_then(|a| read_headers(a, errors, &mut read.headers));
    spec.expose =
        check(keys::EXPOSE, errors).and_then(|a| read_headers(a, errors, &mut read.expose));
    let origins_arg = check(keys::ORIGINS, errors);
    spec.origins = origins_arg.and_then(|a| read_origins(a, errors, &mut read.origins));

    let disabled = spec.disable == Some(true);
    // An unknown or unparsable argument may be a misspelled `origins`: do not guess.
    let origins_unknown = spec.policy.is_some() || !(all_known && complete) || disabled;
    let problems = rules(&spec, &read, origins_arg.is_some(), origins_unknown);
    for problem in problems {
        // `disable` makes the rules between keys moot: only "has no effect" is reported.
        if !(disabled && matches!(problem.kind, Kind::Conflict(_))) {
            report(attr, &problem, &args, &read, errors);
        }
    }
    if disabled {
        let given: Vec<Key> = args.iter().filter_map(|a| key_of(&a.key)).collect();
        for problem in cors_rules::check_disable(&given) {
            report(attr, &problem, &args, &read, errors);
        }
    }
    // After any problem the caller emits the stub spec, so values here need not be cleared.
    if let Some(
        OriginsValue::List(list)
        | OriginsValue::Env {
            default: Some(list),
            ..
        },
    ) = &spec.origins
    {
        spec.facts = Some(cors_rules::origin::list_facts(list, Syntax::Cors));
    }
    spec.max_age = read.max_age.and_then(|n| u32::try_from(n).ok());
    spec.preflight_status = read.preflight_status.and_then(|n| u16::try_from(n).ok());
    spec
}

/// Every rule over the values read; a value left to `policy = X` is unknown (`None`).
fn rules(
    spec: &Validated,
    read: &Read,
    origins_given: bool,
    origins_unknown: bool,
) -> Vec<Problem> {
    let based = spec.policy.is_some();
    let flag = |value: Option<bool>| value.or((!based).then_some(false));
    let (origins, methods, headers, expose) = (
        strs(&read.origins),
        strs(&read.methods),
        strs(&read.headers),
        strs(&read.expose),
    );
    let input = Input {
        origins: match (&spec.origins, &origins) {
            (Some(OriginsValue::Any), _) => cors_rules::Origins::Any,
            (_, Some(list)) => cors_rules::Origins::List(list),
            (None, None) if !origins_given && !origins_unknown => cors_rules::Origins::Unset,
            (None, None) => cors_rules::Origins::Inherited,
            (Some(_), None) => cors_rules::Origins::Other,
        },
        methods: names(&spec.methods, &methods),
        headers: names(&spec.headers, &headers),
        expose: names(&spec.expose, &expose),
        credentials: flag(spec.credentials),
        allow_null_origin: flag(spec.allow_null_origin),
        allow_insecure_origins: flag(spec.allow_insecure_origins),
        enforce: flag(spec.enforce),
        max_age: read.max_age,
        preflight_status: read.preflight_status,
    };
    cors_rules::check(&input)
}

fn strs(listed: &Option<Listed>) -> Option<Vec<&str>> {
    listed.as_ref().map(Listed::strs)
}

fn names<'a>(given: &Option<NamesValue>, list: &'a Option<Vec<&'a str>>) -> cors_rules::Names<'a> {
    match (given, list) {
        (Some(NamesValue::Any), _) => cors_rules::Names::Any,
        (_, Some(list)) => cors_rules::Names::List(list),
        _ => cors_rules::Names::Default,
    }
}

fn key_of(ident: &Ident) -> Option<Key> {
    keys::KEYS
        .iter()
        .find(|(name, _)| ident == name)
        .map(|&(_, key)| key)
}

/// Reports `problem` at its token: the list entry, the key's value, the key, or (for a
/// missing key) the whole attribute.
fn report(attr: Attr, problem: &Problem, args: &[&Arg], read: &Read, errors: &mut Errors) {
    let message = problem.message(attr.syntax());
    let Some(arg) = args.iter().find(|a| key_of(&a.key) == Some(problem.key)) else {
        errors.at(LAST).push_at(Span::call_site(), message);
        return;
    };
    errors.at(arg.index);
    let listed = match problem.key {
        Key::Origins => &read.origins,
        Key::Methods => &read.methods,
        Key::Headers => &read.headers,
        Key::Expose => &read.expose,
        _ => &None,
    };
    let entry = problem
        .entry
        .as_ref()
        .and_then(|e| listed.as_ref()?.spans.get(e.index));
    let at_value = matches!(
        problem.kind,
        Kind::EmptyOrigins
            | Kind::EmptyMethods
            | Kind::MaxAgeTooLarge(_)
            | Kind::PreflightStatus(_)
            | Kind::Conflict(cors_rules::shape::Conflict::ExposeAnyWithCredentials)
    );
    let span = match entry {
        Some(span) => *span,
        None if at_value => arg.value.span(&arg.key),
        None => arg.key.span(),
    };
    errors.push_at(span, message);
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

fn read_max_age(arg: &Arg, errors: &mut Errors) -> Option<u64> {
    let Value::Int(lit) = &arg.value else {
        errors.push_at(
            arg.value.span(&arg.key),
            "`max_age` takes a number of seconds; write e.g. `max_age = 600`",
        );
        return None;
    };
    match lit.base10_parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(
                lit,
                "`max_age` takes a whole number of seconds; write e.g. `max_age = 600`",
            );
            None
        }
    }
}

fn read_status(arg: &Arg, errors: &mut Errors) -> Option<u64> {
    match &arg.value {
        Value::Int(lit) => Some(lit.base10_parse::<u64>().unwrap_or(u64::MAX)),
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

fn read_methods(arg: &Arg, errors: &mut Errors, read: &mut Option<Listed>) -> Option<NamesValue> {
    let elems = match star_or_list(arg, "[GET, PUT]", method_entry, errors)? {
        Ok(()) => return Some(NamesValue::Any),
        Err(elems) => elems,
    };
    let values: Vec<String> = elems.iter().map(Elem::value).collect();
    *read = Some(Listed {
        spans: elems.iter().map(Elem::span).collect(),
        values: values.clone(),
    });
    Some(NamesValue::List(values))
}

fn read_headers(arg: &Arg, errors: &mut Errors, read: &mut Option<Listed>) -> Option<NamesValue> {
    let example = if arg.key == keys::EXPOSE {
        "[\"x-request-id\"]"
    } else {
        "[\"content-type\", \"authorization\"]"
    };
    let elems = match star_or_list(arg, example, header_entry, errors)? {
        Ok(()) => return Some(NamesValue::Any),
        Err(elems) => elems,
    };
    let mut listed = Listed {
        values: Vec::new(),
        spans: Vec::new(),
    };
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
        listed.values.push(lit.value());
        listed.spans.push(lit.span());
    }
    let names = listed
        .values
        .iter()
        .map(|name| name.to_ascii_lowercase())
        .collect();
    *read = Some(listed);
    ok.then_some(NamesValue::List(names))
}

fn read_origins(arg: &Arg, errors: &mut Errors, read: &mut Option<Listed>) -> Option<OriginsValue> {
    match &arg.value {
        Value::Str(s) if s.value() == "*" => Some(OriginsValue::Any),
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
        Value::List(elems, _) => read_origin_list(elems, read),
        Value::Env(env, _) => read_env(env, errors, read),
        Value::Path(path) if names_a_const(path) => {
            Some(OriginsValue::Consts(vec![OriginsPart::Slice(path.clone())]))
        }
        Value::Path(path) => Some(OriginsValue::Predicate(path.clone())),
        Value::State(ty, _) => Some(OriginsValue::State(ty.clone())),
        other => {
            errors.push_at(
                other.span(&arg.key),
                "`origins` takes a list of origins, `\"*\"`, `env(\"VAR\")` or the path of a `fn(&HeaderValue, &Parts) -> bool`",
            );
            None
        }
    }
}

/// `env("VAR")`, `env("VAR", default = "...")`: the default's entries are read for the rules,
/// each problem pointing at the default.
fn read_env(env: &EnvArgs, errors: &mut Errors, read: &mut Option<Listed>) -> Option<OriginsValue> {
    let var = env.var.value();
    let mut ok = true;
    if var.is_empty() || var.contains('=') || var.contains('\0') {
        errors.push(
            &env.var,
            "`env(..)` takes the name of an environment variable, e.g. `env(\"CORS_ORIGINS\")`",
        );
        ok = false;
    }
    let default = env.default.as_ref().map(|lit| {
        let value = lit.value();
        let entries: Vec<String> = cors_rules::origin::split_list(&value)
            .into_iter()
            .map(str::to_owned)
            .collect();
        if entries.is_empty() {
            let problem = Problem::new(Key::Origins, Kind::EnvDefaultEmpty(var.clone()));
            errors.push(lit, problem.message(Syntax::Cors));
            ok = false;
        } else {
            *read = Some(Listed {
                spans: vec![lit.span(); entries.len()],
                values: entries.clone(),
            });
        }
        entries
    });
    ok.then_some(OriginsValue::Env { var, default })
}

/// `[..]`: literal entries, checked here, and consts (`FRONTEND`, `config::FRONTEND`), whose
/// values the runtime checks when the policy is built.
fn read_origin_list(elems: &[Elem], read: &mut Option<Listed>) -> Option<OriginsValue> {
    let mut listed = Listed {
        values: Vec::new(),
        spans: Vec::new(),
    };
    let mut parts: Vec<OriginsPart> = Vec::new();
    let mut consts = false;
    for elem in elems {
        let path = match elem {
            Elem::Str(lit) => {
                listed.values.push(lit.value());
                listed.spans.push(lit.span());
                match parts.last_mut() {
                    Some(OriginsPart::Literals(literals)) => literals.push(lit.value()),
                    _ => parts.push(OriginsPart::Literals(vec![lit.value()])),
                }
                continue;
            }
            Elem::Ident(ident) => Path::from(ident.clone()),
            Elem::Path(path) => path.clone(),
        };
        consts = true;
        parts.push(OriginsPart::Entry(path));
    }
    if !consts {
        let values = listed.values.clone();
        *read = Some(listed);
        return Some(OriginsValue::List(values));
    }
    // Only the literals are known here; an all-const list is not "empty".
    if !listed.values.is_empty() {
        *read = Some(listed);
    }
    Some(OriginsValue::Consts(parts))
}

/// Whether `path` names a const (`FRONTENDS`, `config::FRONTENDS`) rather than a predicate fn:
/// Rust's naming conventions (upper case for consts, snake case for fns), which rustc's lints
/// enforce.
fn names_a_const(path: &Path) -> bool {
    path.segments.last().is_some_and(|last| {
        let name = last.ident.to_string();
        name.chars().any(|c| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
}

#[cfg(test)]
mod tests;
