//! Introspection: `policy_of::<handler>()`, the read accessors of `Policy` and its one-line
//! `Display`, for handler policies, named policies and runtime policies.
// Most handlers here are only inspected, never mounted.
#![allow(dead_code)]

mod common;

use axum::http::{request::Parts, HeaderValue, StatusCode};
use common::{preflight, send, APP};
use cors_runtime::{
    cors, cors_policy, policy_of, with_cors, Allowed, AllowedOrigins, CorsRouter, Policy,
};

#[cors(
    origins = ["https://b.example.com", "https://app.example.com", "https://*.tenant.example"],
    methods = [GET, PUT],
    headers = ["content-type", "authorization"],
    expose = ["x-request-id", "etag"],
    credentials,
    max_age = 600,
    private_network,
    preflight_status = 200
)]
async fn everything() {}

#[cors(origins = "*", headers = "*", expose = "*", methods = "*")]
async fn public() {}

fn ours(origin: &HeaderValue, _: &Parts) -> bool {
    origin.as_bytes().starts_with(b"https://")
}

#[cors(origins = ours)]
async fn predicate() {}

#[cors(disable)]
async fn off() {}

#[cors(origins = env("CORS_INTROSPECTION_ORIGINS"))]
async fn from_env() {}

#[cors_policy(origins = ["https://app.example.com"], credentials)]
struct Base;

#[cors(policy = Base, max_age = 60)]
async fn based() {}

mod api {
    use cors_runtime::cors;

    #[cors(origins = ["https://app.example.com"])]
    pub(crate) async fn nested() {}
}

#[test]
fn handler_policy_reports_every_key() {
    let policy = policy_of::<everything>();
    assert_eq!(policy.name(), "everything");
    assert_eq!(
        policy.origins(),
        AllowedOrigins::List(vec![
            "https://app.example.com",
            "https://b.example.com",
            "https://*.tenant.example"
        ])
    );
    assert_eq!(policy.methods(), Allowed::List(vec!["GET", "PUT", "HEAD"]));
    assert_eq!(
        policy.headers(),
        Allowed::List(vec!["content-type", "authorization"])
    );
    assert_eq!(policy.expose(), Allowed::List(vec!["x-request-id", "etag"]));
    assert!(policy.credentials());
    assert_eq!(policy.max_age(), Some(600));
    assert!(policy.private_network());
    assert_eq!(policy.preflight_status(), StatusCode::OK);
    assert!(!policy.is_disabled());
    assert_eq!(
        policy.to_string(),
        "CORS policy `everything`: origins https://app.example.com, https://b.example.com, \
         https://*.tenant.example; methods GET, PUT, HEAD; request headers content-type, \
         authorization; exposed headers x-request-id, etag; credentials; max-age 600 s; \
         private network; preflight status 200"
    );
}

#[test]
fn wildcards_predicates_and_disabled_policies_are_named_as_such() {
    let policy = policy_of::<public>();
    assert_eq!(policy.origins(), AllowedOrigins::Any);
    assert_eq!(policy.methods(), Allowed::Any);
    assert_eq!(policy.headers(), Allowed::Any);
    assert_eq!(policy.expose(), Allowed::Any);
    assert!(!policy.credentials());
    assert_eq!(policy.max_age(), None);
    assert_eq!(
        policy.to_string(),
        "CORS policy `public`: origins *; methods *; request headers *; exposed headers *"
    );

    assert_eq!(
        policy_of::<predicate>().origins(),
        AllowedOrigins::Predicate
    );
    assert!(policy_of::<predicate>()
        .to_string()
        .contains("origins decided by a predicate"));

    let off = policy_of::<off>();
    assert!(off.is_disabled());
    assert_eq!(off.origins(), AllowedOrigins::None);
    assert_eq!(
        off.to_string(),
        "CORS policy `off`: disabled (no CORS headers)"
    );
}

#[test]
fn handler_without_methods_reports_the_mounted_methods() {
    let policy = policy_of::<api::nested>();
    assert_eq!(policy.name(), "nested");
    assert_eq!(policy.methods(), Allowed::Mounted);
    assert_eq!(policy.headers(), Allowed::List(vec![]));
    assert!(policy.to_string().contains("methods as mounted"));
}

#[test]
fn merged_policy_reports_the_merged_keys() {
    let policy = policy_of::<based>();
    assert!(policy.credentials());
    assert_eq!(policy.max_age(), Some(60));
    assert_eq!(
        policy.origins(),
        AllowedOrigins::List(vec!["https://app.example.com"])
    );
    let base = Base::layer();
    assert_eq!(base.policy().name(), "Base");
    assert_eq!(base.policy().max_age(), None);
    assert_eq!(
        base.policy().methods(),
        Allowed::List(vec!["GET", "HEAD", "POST"])
    );
}

#[test]
fn env_origins_are_reported_as_read() {
    std::env::set_var(
        "CORS_INTROSPECTION_ORIGINS",
        "https://z.example, https://a.example",
    );
    assert_eq!(
        policy_of::<from_env>().origins(),
        AllowedOrigins::List(vec!["https://a.example", "https://z.example"])
    );
}

#[tokio::test]
async fn policy_of_is_the_policy_the_router_answers_with() {
    let policy = policy_of::<everything>();
    assert!(std::ptr::eq(policy, policy_of::<everything>()));
    let app = CorsRouter::new().route("/", with_cors!(put(everything)));
    let reply = send(app, preflight("/", APP, "PUT")).await;
    assert_eq!(reply.status, policy.preflight_status());
    assert_eq!(
        reply.header("access-control-max-age"),
        policy.max_age().map(|s| s.to_string()).as_deref()
    );
}

#[test]
fn runtime_and_macro_policies_print_the_same_summary() {
    let runtime = Policy::builder("Base")
        .origins(["https://app.example.com"])
        .credentials(true)
        .build()
        .unwrap();
    assert_eq!(runtime.to_string(), Base::layer().policy().to_string());
}
