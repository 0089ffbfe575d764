//! The runtime entry points' configuration (a [`Spec`] compiled at start-up, its `env(..)`
//! origins, a [`PolicyBuilder`](crate::PolicyBuilder)) checked by `cors_rules::check`, the
//! one implementation of the rules the macros also apply, and its problems collected into a
//! [`PolicyError`] worded for the entry point.

use std::borrow::Cow;

use cors_rules::{Input, Key, Problem, Syntax};

use crate::{
    spec::{Names, Origins, Spec},
    PolicyError,
};

/// The origin entries of a checked list, borrowed from a `Spec` or read from `env(..)`.
pub(crate) type Entries = Vec<Cow<'static, str>>;

/// `problems` as one error; `env` names the variable the origin entries came from.
pub(crate) fn error(
    policy: Cow<'static, str>,
    problems: &[Problem],
    syntax: Syntax,
    env: Option<&str>,
) -> PolicyError {
    let messages = problems
        .iter()
        .map(|problem| {
            let message = problem.message(syntax);
            match (env, &problem.entry) {
                (Some(var), Some(entry)) if problem.key == Key::Origins => {
                    format!(
                        "environment variable `{var}`, entry `{}`: {message}",
                        entry.value
                    )
                }
                _ => message,
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

/// Checks `spec` with every rule (a disabled spec has none), reading its `env(..)` origins;
/// returns the origin entries to compile (`None` unless the origins are a list).
pub(crate) fn spec(spec: &Spec) -> Result<Option<Entries>, PolicyError> {
    if spec.disabled {
        return Ok(None);
    }
    let fail =
        |problems: &[Problem], env| error(Cow::Borrowed(spec.name), problems, Syntax::Spec, env);
    let (env, read) = match spec.origins {
        Origins::Env(var) => (
            Some(var),
            Some(read_env(var).map_err(|p| fail(&[p], None))?),
        ),
        _ => (None, None),
    };
    let read_list: Option<Vec<&str>> = read
        .as_ref()
        .map(|r| r.iter().map(String::as_str).collect());
    let origins = match (spec.origins, &read_list) {
        (_, Some(list)) => cors_rules::Origins::List(list),
        (Origins::Unset, _) => cors_rules::Origins::Unset,
        (Origins::Any, _) => cors_rules::Origins::Any,
        (Origins::List(list), _) => cors_rules::Origins::List(list),
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
        return Err(fail(&problems, env));
    }
    Ok(match (spec.origins, read) {
        (_, Some(read)) => Some(read.into_iter().map(Cow::Owned).collect()),
        (Origins::List(list), _) => Some(list.iter().map(|s| Cow::Borrowed(*s)).collect()),
        _ => None,
    })
}

/// The non-empty, trimmed items of the comma-separated variable `var`.
fn read_env(var: &str) -> Result<Vec<String>, Problem> {
    let value = std::env::var(var).map_err(|e| {
        let kind = match e {
            std::env::VarError::NotPresent => cors_rules::Kind::EnvNotSet,
            std::env::VarError::NotUnicode(_) => cors_rules::Kind::EnvNotUnicode,
        };
        Problem::new(Key::Origins, kind(var.to_owned()))
    })?;
    let items: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if items.is_empty() {
        return Err(Problem::new(
            Key::Origins,
            cors_rules::Kind::EnvEmpty(var.to_owned()),
        ));
    }
    Ok(items)
}
