//! Introspection and runtime policies: `policy_of::<handler>()`, `Policy` accessors and
//! `Display`, `Policy::builder`, `CorsLayer::from(policy)` on a group and on one route.
#![deny(warnings)]

use axum::{
    http::HeaderValue,
    routing::get};
use cors_runtime::{
    cors, cors_policy, policy_of, with_cors, Allowed, AllowedOrigins, CorsLayer, Policy,
    PolicyBuilder, PolicyError, CorsRouter};

mod api {
    use cors_runtime::cors;

    #[cors(origins = ["https://app.example.com"], methods = [PUT])]
    pub async fn update_task() {}
}

#[cors(origins = "*")]
async fn list_tasks() {}

#[cors_policy(origins = ["https://app.example.com"])]
struct Group;

async fn plain() {}

async fn tenant_ok(origin: HeaderValue, tenants: std::sync::Arc<Vec<String>>) -> bool {
    tenants.iter().any(|t| origin == t.as_str())
}

fn runtime() -> Result<Policy, PolicyError> {
    let builder: PolicyBuilder = Policy::builder(String::from("FromConfig"))
        .origins_from_str("https://a.example")
        .methods(vec!["GET".to_owned()])
        .headers(&["content-type"])
        .expose(["x-request-id"])
        .credentials(true)
        .max_age(600);
    builder.build()
}

fn main() -> Result<(), PolicyError> {
    let policy: &'static Policy = policy_of::<api::update_task>();
    let _: AllowedOrigins<'_> = policy.origins();
    let _: Allowed<'_> = policy.methods();
    let _: String = policy.to_string();
    let _ = policy_of::<list_tasks>().max_age();
    let _ = Group::layer().policy().headers();

    let tenants = std::sync::Arc::new(vec!["https://t.example".to_owned()]);
    let tenant_policy = Policy::builder("Tenants").origins_async(tenants, tenant_ok).build()?;
    let _app: CorsRouter = CorsRouter::new()
        .route("/tasks", with_cors!(get(list_tasks)))
        .route("/tasks/{id}", with_cors!(put(api::update_task)))
        .merge(CorsRouter::new().route("/one", get(plain)).layer(CorsLayer::from_policy(runtime()?)))
        .route("/tenant", get(plain))
        .layer(CorsLayer::from(tenant_policy));
    Ok(())
}
