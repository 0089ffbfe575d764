//! The attributes run the table every entry point runs (tests/rules/cases.rs; the runtime's
//! entry points in tests/rules_entry_points.rs): each case, written as `#[cors(..)]` and as
//! `#[cors_policy(..)]`, gets exactly the problems the table lists, worded for the attribute.

use cors_rules::Syntax;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::*;
use crate::{errors::Errors, parse::AttrArgs};

include!("../../../tests/rules/cases.rs");

fn list(key: &str, given: Given) -> TokenStream {
    let key = syn::Ident::new(key, proc_macro2::Span::call_site());
    match given {
        Given::Default => quote!(),
        Given::Any => quote!(#key = "*",),
        Given::List(list) => quote!(#key = [#(#list),*],),
    }
}

/// The case as attribute arguments.
fn attribute(case: &Case) -> TokenStream {
    let (credentials, null, insecure, enforce) = (
        case.credentials,
        case.allow_null_origin,
        case.allow_insecure_origins,
        case.enforce,
    );
    let mut tokens = quote!(
        credentials = #credentials,
        allow_null_origin = #null,
        allow_insecure_origins = #insecure,
        enforce = #enforce,
    );
    tokens.extend(list("origins", case.origins));
    tokens.extend(list("methods", case.methods));
    tokens.extend(list("headers", case.headers));
    tokens.extend(list("expose", case.expose));
    if let Some(seconds) = case.max_age {
        let seconds = Literal::u64_unsuffixed(seconds);
        tokens.extend(quote!(max_age = #seconds,));
    }
    if let Some(status) = case.preflight_status {
        let status = Literal::u64_unsuffixed(status);
        tokens.extend(quote!(preflight_status = #status,));
    }
    tokens
}

fn judged(attr: Attr, case: &Case) -> Vec<String> {
    let mut errors = Errors::default();
    let args = AttrArgs::parse(attribute(case), &mut errors);
    let _ = super::attr(attr, &args, &mut errors);
    let mut messages = errors.messages();
    messages.sort();
    messages
}

#[test]
fn rules_cases_judged_by_the_attributes() {
    for case in CASES {
        let problems = problems(case);
        for (attr, syntax) in [
            (Attr::Cors, Syntax::Cors),
            (Attr::Policy, Syntax::CorsPolicy),
        ] {
            let mut expected: Vec<String> = problems.iter().map(|p| p.message(syntax)).collect();
            expected.sort();
            assert_eq!(judged(attr, case), expected, "{}, {syntax:?}", case.name);
        }
    }
}

#[test]
fn facts_of_a_literal_list_are_computed_for_the_merged_check() {
    let case = &CASES[3];
    assert!(case.name.starts_with("issue 11 repro"));
    let mut errors = Errors::default();
    let args = AttrArgs::parse(quote!(origins = ["http://127.evil.example"]), &mut errors);
    let spec = super::attr(Attr::Policy, &args, &mut errors);
    assert!(errors.is_empty());
    let facts = spec.facts.expect("a literal list has facts");
    assert_eq!(facts.null, None);
    assert_eq!(
        facts.insecure.as_deref(),
        Some(problems(case)[0].message(Syntax::Cors).as_str())
    );
}

/// The same list as the default of `env(..)`: the same problems, each at the default.
#[test]
fn rules_cases_judged_alike_in_an_env_default() {
    for case in CASES {
        let Given::List(list) = case.origins else {
            continue;
        };
        let joined = list.join(", ");
        // Entries that the comma-separated form cannot hold as they are.
        if list.is_empty() || cors_rules::origin::split_list(&joined) != list {
            continue;
        }
        let mut attribute = attribute(&Case {
            origins: Given::Default,
            ..*case
        });
        attribute.extend(quote!(origins = env("CORS_ORIGINS", default = #joined),));
        let mut errors = Errors::default();
        let args = AttrArgs::parse(attribute, &mut errors);
        let _ = super::attr(Attr::Cors, &args, &mut errors);
        let mut judged = errors.messages();
        judged.sort();
        let mut expected: Vec<String> = problems(case)
            .iter()
            .map(|p| p.message(Syntax::Cors))
            .collect();
        expected.sort();
        assert_eq!(judged, expected, "{}", case.name);
    }
}

#[test]
fn an_empty_env_default_is_reported() {
    let mut errors = Errors::default();
    let args = AttrArgs::parse(quote!(origins = env("V", default = " ,, ")), &mut errors);
    let _ = super::attr(Attr::Cors, &args, &mut errors);
    assert_eq!(
        errors.messages(),
        ["the default of `env(\"V\")` holds no origin; list at least one, e.g. `default = \"http://localhost:3000\"`"]
    );
}

fn judged_tokens(tokens: TokenStream) -> (Validated, Vec<String>) {
    let mut errors = Errors::default();
    let args = AttrArgs::parse(tokens, &mut errors);
    let spec = super::attr(Attr::Cors, &args, &mut errors);
    (spec, errors.messages())
}

#[test]
fn literals_next_to_consts_are_still_checked_at_compile_time() {
    let (_, messages) = judged_tokens(quote!(
        origins = [
            FRONTEND,
            "https://a.example/",
            config::ADMIN,
            "http://intranet.example"
        ],
        credentials
    ));
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("trailing slash"), "{messages:?}");
    assert!(messages[1].contains("plain http"), "{messages:?}");
}

#[test]
fn consts_are_left_to_the_runtime() {
    for tokens in [
        quote!(origins = [FRONTEND]),
        quote!(origins = [config::FRONTEND, FRONTEND_2]),
        quote!(origins = FRONTENDS),
        quote!(origins = config::FRONTENDS),
    ] {
        let (spec, messages) = judged_tokens(tokens.clone());
        assert!(messages.is_empty(), "{tokens}: {messages:?}");
        assert!(
            matches!(spec.origins, Some(OriginsValue::Consts(_))),
            "{tokens}"
        );
        assert!(spec.facts.is_none(), "{tokens}");
    }
    // Predicates are named in snake case.
    let (spec, _) = judged_tokens(quote!(origins = predicates::is_partner));
    assert!(matches!(spec.origins, Some(OriginsValue::Predicate(_))));
}
