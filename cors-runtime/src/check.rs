//! The runtime entry points' configuration (a [`Spec`] compiled at start-up, its `env(..)`
//! origins, a [`PolicyBuilder`](crate::PolicyBuilder)) checked by `cors_rules::check`, the
//! one implementation of the rules the macros also apply, and its problems collected into a
//! [`PolicyError`] worded for the entry point.

use std::borrow::Cow;

use cors_rules::{Entry, Input, Key, Problem, Syntax};

use crate::{
    spec::{Names, Origins, OriginsPart, Spec},
    PolicyError,
};

/// The origin entries of a checked list, borrowed from a `Spec` or read from `env(..)`.
pub(crate) type Entries = Vec<Cow<'static, str>>;

/// Where the origin entries being checked came from, named in the messages about an entry.
pub(crate) enum Source<'a> {
    /// Written in the spec or given to the builder: the message quotes the entry.
    Written,
    /// Read from this environment variable.
    Env(&'a str),
    /// The default of `env("VAR", default = ..)`, the variable being unset.
    EnvDefault(&'a str),
    /// `origins = [FRONTEND, ..]` or `origins = FRONTENDS`: the const each entry comes from
    /// (`None` for a literal), by index.
    Consts(Vec<Option<&'static str>>),
}

impl Source<'_> {
    /// Where `entry` came from, as a prefix of its message; `None` when the message says it.
    fn describe(&self, entry: &Entry) -> Option<String> {
        let value = &entry.value;
        match self {
            Source::Written => None,
            Source::Env(var) => Some(format!("environment variable `{var}`, entry `{value}`")),
            Source::EnvDefault(var) => Some(format!(
                "the default of `env(\"{var}\")` (`{var}` is not set), entry `{value}`"
            )),
            Source::Consts(consts) => consts
                .get(entry.index)
                .copied()
                .flatten()
                .map(|name| format!("const `{name}`")),
        }
    }
}

/// The entries of `origins = [FRONTEND, ..]`, with the const each comes from; the
/// consts' names when they hold no entry at all.
fn const_entries(parts: &'static [OriginsPart]) -> Result<(Entries, Source<'static>), String> {
    let mut entries = Entries::new();
    let mut consts = Vec::new();
    for part in parts {
        for origin in part.origins {
            entries.push(Cow::Borrowed(*origin));
            consts.push(part.constant);
        }
    }
    if entries.is_empty() {
        let names: Vec<String> = parts
            .iter()
            .filter_map(|part| part.constant)
            .map(|name| format!("`{name}`"))
            .collect();
        let consts = if names.len() == 1 { "const" } else { "consts" };
        return Err(format!("{consts} {}", names.join(", ")));
    }
    Ok((entries, Source::Consts(consts)))
}

/// `problems` as one error; `source` says where the origin entries came from.
pub(crate) fn error(
    policy: Cow<'static, str>,
    problems: &[Problem],
    syntax: Syntax,
    source: &Source<'_>,
) -> PolicyError {
    let messages = problems
        .iter()
        .map(|problem| {
            let message = problem.message(syntax);
            let from = problem
                .entry
                .as_ref()
                .filter(|_| problem.key == Key::Origins)
                .and_then(|entry| source.describe(entry));
            match from {
                Some(from) => format!("{from}: {message}"),
                None => message,
            }
        })
        .collect();
    PolicyError::many(policy, messages)
}

fn names(names: Names) -> cors_rules::Names<'static> {
    match names {
        Names::Default => cors_rules::Names::Default,
        Names::Any => cors_rules::Names::Any,
        Names::List(list) => cors_rules::Names::List(list),
    }
}

fn borrowed(list: &'static [&'static str]) -> Entries {
    list.iter().map(|s| Cow::Borrowed(*s)).collect()
}

/// Checks `spec` with every rule (a disabled spec has none), reading its `env(..)` origins;
/// returns the origin entries to compile (`None` unless the origins are a list).
pub(crate) fn spec(spec: &Spec) -> Result<Option<Entries>, PolicyError> {
    if spec.disabled {
        return Ok(None);
    }
    let fail = |problems: &[Problem], source: &Source<'_>| {
        error(Cow::Borrowed(spec.name), problems, Syntax::Spec, source)
    };
    let unread = |problem| fail(&[problem], &Source::Written);
    let (source, entries) = match spec.origins {
        Origins::Env(var) => (Source::Env(var), Some(read_env(var).map_err(unread)?)),
        Origins::EnvOr { var, .. } if std::env::var_os(var).is_some() => {
            (Source::Env(var), Some(read_env(var).map_err(unread)?))
        }
        Origins::EnvOr { var, default: [] } => {
            return Err(unread(Problem::new(
                Key::Origins,
                cors_rules::Kind::EnvDefaultEmpty(var.to_owned()),
            )));
        }
        Origins::EnvOr { var, default } => (Source::EnvDefault(var), Some(borrowed(default))),
        Origins::List(list) => (Source::Written, Some(borrowed(list))),
        Origins::WithConsts(parts) => match const_entries(parts) {
            Ok((entries, source)) => (source, Some(entries)),
            Err(consts) => {
                let empty = Problem::new(Key::Origins, cors_rules::Kind::EmptyOrigins);
                return Err(PolicyError::new(
                    spec.name,
                    format!("{consts}: {}", empty.message(Syntax::Spec)),
                ));
            }
        },
        _ => (Source::Written, None),
    };
    let list: Option<Vec<&str>> = entries
        .as_ref()
        .map(|entries| entries.iter().map(|e| &**e).collect());
    let origins = match (spec.origins, &list) {
        (_, Some(list)) => cors_rules::Origins::List(list),
        (Origins::Unset, _) => cors_rules::Origins::Unset,
        (Origins::Any, _) => cors_rules::Origins::Any,
        _ => cors_rules::Origins::Other,
    };
    let input = Input {
        origins,
        methods: names(spec.methods),
        headers: names(spec.headers),
        expose: names(spec.expose),
        credentials: Some(spec.credentials),
        allow_null_origin: Some(spec.allow_null_origin),
        allow_insecure_origins: Some(spec.allow_insecure_origins),
        enforce: Some(spec.enforce),
        max_age: spec.max_age.map(u64::from),
        preflight_status: Some(u64::from(spec.preflight_status)),
    };
    let problems = cors_rules::check(&input);
    if !problems.is_empty() {
        return Err(fail(&problems, &source));
    }
    Ok(entries)
}

/// The entries of the comma-separated variable `var`.
fn read_env(var: &str) -> Result<Entries, Problem> {
    let value = std::env::var(var).map_err(|e| {
        let kind = match e {
            std::env::VarError::NotPresent => cors_rules::Kind::EnvNotSet,
            std::env::VarError::NotUnicode(_) => cors_rules::Kind::EnvNotUnicode,
        };
        Problem::new(Key::Origins, kind(var.to_owned()))
    })?;
    let entries: Entries = cors_rules::origin::split_list(&value)
        .into_iter()
        .map(|entry| Cow::Owned(entry.to_owned()))
        .collect();
    if entries.is_empty() {
        return Err(Problem::new(
            Key::Origins,
            cors_rules::Kind::EnvEmpty(var.to_owned()),
        ));
    }
    Ok(entries)
}
