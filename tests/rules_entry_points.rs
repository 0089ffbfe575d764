//! One table of configurations (tests/rules/cases.rs) through every runtime entry point: the
//! builder, a hand-written `Spec`, the same list read from `env(..)` or given as its default or
//! as a const, and the compile-time check of a handler that takes the list from `policy = X`. Each must find exactly the problems the
//! table lists, worded for itself. The attributes run the same table in cors-macros' unit tests
//! (`validate::tests::rules_cases_judged_by_the_attributes`).

use cors_rules::{Kind, Problem, Syntax};
use cors_runtime::{__private, Names, Origins, Policy, PolicyError, Spec};

include!("rules/cases.rs");

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn sorted(mut messages: Vec<String>) -> Vec<String> {
    messages.sort();
    messages
}

fn messages(result: Result<Policy, PolicyError>) -> Vec<String> {
    match result {
        Ok(_) => Vec::new(),
        Err(error) => sorted(error.problems().to_vec()),
    }
}

fn expected(problems: &[Problem], syntax: Syntax) -> Vec<String> {
    sorted(problems.iter().map(|p| p.message(syntax)).collect())
}

fn spec_names(given: Given) -> Names {
    match given {
        Given::Default => Names::Default,
        Given::Any => Names::Any,
        Given::List(list) => Names::List(list),
    }
}

fn spec(case: &Case, origins: Origins) -> Spec {
    Spec {
        name: "Table",
        origins,
        methods: spec_names(case.methods),
        headers: spec_names(case.headers),
        expose: spec_names(case.expose),
        credentials: case.credentials,
        allow_null_origin: case.allow_null_origin,
        allow_insecure_origins: case.allow_insecure_origins,
        enforce: case.enforce,
        max_age: case.max_age.map(|n| u32::try_from(n).unwrap()),
        preflight_status: case
            .preflight_status
            .map_or(204, |n| u16::try_from(n).unwrap()),
        ..Spec::DEFAULT
    }
}

fn spec_origins(case: &Case) -> Origins {
    match case.origins {
        Given::Default => Origins::Unset,
        Given::Any => Origins::Any,
        Given::List(list) => Origins::List(list),
    }
}

fn builder(case: &Case) -> Result<Policy, PolicyError> {
    let mut b = Policy::builder(case.name)
        .credentials(case.credentials)
        .allow_null_origin(case.allow_null_origin)
        .allow_insecure_origins(case.allow_insecure_origins)
        .enforce(case.enforce);
    b = match case.origins {
        Given::Default => b,
        Given::Any => b.any_origin(),
        Given::List(list) => b.origins(list),
    };
    b = match case.methods {
        Given::Default => b,
        Given::Any => b.any_method(),
        Given::List(list) => b.methods(list),
    };
    b = match case.headers {
        Given::Default => b,
        Given::Any => b.any_header(),
        Given::List(list) => b.headers(list),
    };
    b = match case.expose {
        Given::Default => b,
        Given::Any => b.expose_any(),
        Given::List(list) => b.expose(list),
    };
    if let Some(seconds) = case.max_age {
        b = b.max_age(seconds);
    }
    if let Some(status) = case.preflight_status {
        b = b.preflight_status(u16::try_from(status).unwrap());
    }
    b.build()
}

#[test]
fn the_builder_judges_every_case_alike() {
    for case in CASES {
        let problems = problems(case);
        assert_eq!(
            messages(builder(case)),
            expected(&problems, Syntax::Builder),
            "{}",
            case.name
        );
    }
}

#[test]
fn a_hand_written_spec_judges_every_case_alike() {
    for case in CASES {
        let problems = problems(case);
        // A spec carries no `max_age` above u32 and no status above u16: the table has none.
        let spec = spec(case, spec_origins(case));
        assert_eq!(
            messages(Policy::new(&spec)),
            expected(&problems, Syntax::Spec),
            "{}",
            case.name
        );
    }
}

/// The messages expected when an origin list comes from somewhere else than the attribute:
/// `empty` words the empty list, `entry` an origin entry's problem (given the entry and the
/// plain message), every other problem as it is. An empty list stops before the other keys are
/// checked, so only its message is expected.
fn expected_from(
    case: &Case,
    list: &[&str],
    empty: impl Fn(&Problem) -> String,
    entry: impl Fn(&str, String) -> String,
) -> Vec<String> {
    let expected: Vec<String> = problems(case)
        .iter()
        .map(|p| match (&p.kind, &p.entry) {
            (Kind::EmptyOrigins, _) => empty(p),
            (_, Some(e)) if p.key == cors_rules::Key::Origins => {
                entry(&e.value, p.message(Syntax::Spec))
            }
            _ => p.message(Syntax::Spec),
        })
        .collect();
    if list.is_empty() {
        expected.into_iter().take(1).collect()
    } else {
        sorted(expected)
    }
}

#[test]
fn an_env_list_judges_every_case_alike() {
    for (i, case) in CASES.iter().enumerate() {
        let Given::List(list) = case.origins else {
            continue;
        };
        let var = leak(format!("CORS_RULES_TABLE_{i}"));
        std::env::set_var(var, list.join(","));
        let expected = expected_from(
            case,
            list,
            |p| Problem::new(p.key, Kind::EnvEmpty(var.clone())).message(Syntax::Spec),
            |value, message| format!("environment variable `{var}`, entry `{value}`: {message}"),
        );
        let spec = spec(case, Origins::Env(var));
        assert_eq!(messages(Policy::new(&spec)), expected, "{}", case.name);
    }
}

/// The list as the default of `env("VAR", default = ..)`, the variable unset: the same
/// problems, each entry's message saying it comes from the default.
#[test]
fn an_env_default_judges_every_case_alike() {
    for case in CASES {
        let Given::List(list) = case.origins else {
            continue;
        };
        let var = "CORS_RULES_TABLE_NEVER_SET";
        let expected = expected_from(
            case,
            list,
            |p| Problem::new(p.key, Kind::EnvDefaultEmpty(var.to_owned())).message(Syntax::Spec),
            |value, message| {
                format!("the default of `env(\"{var}\")` (`{var}` is not set), entry `{value}`: {message}")
            },
        );
        let spec = spec(case, Origins::EnvOr { var, default: list });
        assert_eq!(messages(Policy::new(&spec)), expected, "{}", case.name);
    }
}

/// The list as a const (`origins = FRONTENDS`), checked when the policy is built: the same
/// problems, each entry's message naming the const.
#[test]
fn a_const_list_judges_every_case_alike() {
    for case in CASES {
        let Given::List(list) = case.origins else {
            continue;
        };
        let expected = expected_from(
            case,
            list,
            |p| format!("const `FRONTENDS`: {}", p.message(Syntax::Spec)),
            |_, message| format!("const `FRONTENDS`: {message}"),
        );
        let parts = leak([cors_runtime::OriginsPart {
            constant: Some("FRONTENDS"),
            origins: list,
        }]);
        let spec = spec(case, Origins::WithConsts(parts));
        assert_eq!(messages(Policy::new(&spec)), expected, "{}", case.name);
    }
}

/// `#[cors(policy = Base, <flags>)]` over `#[cors_policy(origins = [..])] Base`: the const check
/// of the merged spec, against the facts the macro computed for Base's list.
#[test]
fn a_merged_policy_judges_the_flag_rules_alike() {
    for case in CASES {
        let Given::List(list) = case.origins else {
            continue;
        };
        let problems = problems(case);
        let flag_rules: Vec<String> = problems
            .iter()
            .filter(|p| matches!(p.kind, Kind::NullOrigin | Kind::InsecureOrigin))
            .map(|p| p.message(Syntax::Cors))
            .take(1)
            .collect();
        let facts = cors_rules::origin::list_facts(list, Syntax::Cors);
        let facts = __private::ListFacts {
            null: facts.null.map(|m| leak(m).as_str()),
            insecure: facts.insecure.map(|m| leak(m).as_str()),
        };
        let merged = spec(case, spec_origins(case));
        let verdict = std::panic::catch_unwind(|| __private::check(&merged, facts))
            .map_err(|panic| panic.downcast_ref::<String>().cloned().unwrap_or_default());
        match flag_rules.first() {
            Some(message) => assert_eq!(verdict.as_ref().err(), Some(message), "{}", case.name),
            None => assert!(
                verdict.is_ok() || !problems.is_empty(),
                "{}: {verdict:?}",
                case.name
            ),
        }
    }
}
