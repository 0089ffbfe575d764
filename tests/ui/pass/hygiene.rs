//! Generated code names only `::cors_runtime::...`: local items that shadow std, axum and
//! cors-runtime names break nothing, and no warning is emitted.
#![deny(warnings)]
#![allow(dead_code)]

struct Result;
struct Option;
struct Some;
struct None;
struct Router;
struct MethodRouter;
struct Spec;
struct Route;
struct CorsRouter;
struct CorsMethodRouter;
struct CorsLayer;
struct Names;
struct Origins;
trait Annotated {}
trait NamedPolicy {}
trait StateOrigins {}
trait FromRef {}
trait OriginCheck {}
struct HeaderValue;
struct OriginCheckFuture;
struct __CorsState;
struct Parts;
struct MethodFilter;
struct RouteMethod;
trait Handler {}
trait OriginPredicateFn {}
trait HasCorsPolicy {}
trait AxumHandler {}
trait OriginsFromState {}
trait Clone {}
trait Send {}
trait Sync {}
mod http {}
mod core {}
mod std {}
mod __private {}
fn check() {}
fn layer() {}
fn empty_router() {}

#[cors_runtime::cors_policy(origins = ["https://app.example.com"], credentials, methods = [GET, PUT], headers = "*", expose = ["x-request-id"], max_age = 600, private_network, preflight_status = 200)]
pub struct AuthPolicy;

#[cors_runtime::cors_policy(origins = "*")]
struct PublicPolicy;

#[cors_runtime::cors(origins = "*", methods = "*", headers = ["content-type"], expose = "*", max_age = 0)]
async fn any_origin() {}

#[cors_runtime::cors(
    origins = ["https://app.example.com", "https://*.example.com", "http://localhost:3000", "null"],
    allow_null_origin,
    credentials = true,
    private_network
)]
pub async fn listed() {}

fn allow_all(_: &::axum::http::HeaderValue, _: &::axum::http::request::Parts) -> bool {
    true
}

#[cors_runtime::cors(origins = allow_all, credentials, preflight_status = 204)]
pub(crate) async fn by_predicate() {}

#[cors_runtime::cors(origins = env("CORS_ORIGINS"), methods = [GET, "PATCH"])]
async fn from_env() {}

#[cors_runtime::cors(origins = env("FRONTEND_ORIGINS", default = "http://localhost:3000"), credentials)]
async fn from_env_or_default() {}

#[cors_runtime::cors_policy(origins = env("FRONTEND_ORIGINS", default = "http://localhost:3000"))]
struct DevPolicy;

const FRONTEND: &str = "https://app.example.com";
const FRONTENDS: &[&str] = &["https://a.example.com"];
struct OriginsPart;

#[cors_runtime::cors(origins = [FRONTEND, "https://b.example.com"])]
async fn from_consts() {}

#[cors_runtime::cors_policy(origins = FRONTENDS)]
struct ConstPolicy;

#[cors_runtime::cors(policy = DevPolicy, credentials)]
async fn based_on_dev() {}

#[cors_runtime::cors(origins = ["http://intranet.example.com"], credentials, allow_insecure_origins)]
async fn intranet() {}

#[cors_runtime::cors(policy = AuthPolicy, max_age = 60, credentials = false)]
async fn based() {}

#[cors_runtime::cors(disable)]
async fn disabled() {}

#[derive(Clone)]
struct Tenants;

impl cors_runtime::OriginCheck for Tenants {
    async fn allows(self, _: ::axum::http::HeaderValue) -> bool {
        true
    }
}

#[cors_runtime::cors(origins = state(Tenants))]
async fn tenant_checked() {}

#[cors_runtime::cors_policy(origins = state(Tenants))]
struct TenantPolicy;

async fn plain() {}

mod api {
    #[cors_runtime::cors(policy = super::AuthPolicy)]
    pub async fn update_task() {}
}

fn main() {
    ::std::env::set_var("CORS_ORIGINS", "https://a.example.com");

    #[cors_runtime::cors(origins = "*")]
    async fn local_handler() {}

    let _app: ::cors_runtime::CorsRouter = ::cors_runtime::CorsRouter::new()
        .route(
            "/a",
            cors_runtime::with_cors!(get(any_origin).post(listed).put(by_predicate)),
        )
        .route(
            "/b",
            cors_runtime::with_cors!(get(from_env).post(intranet).delete(based).options(plain)),
        )
        .route(
            "/c",
            cors_runtime::with_cors!(get(disabled).put(api::update_task).patch(local_handler)),
        )
        .route("/d", cors_runtime::with_cors!(get(tenant_checked)))
        .route(
            "/e",
            cors_runtime::with_cors!(get(from_env_or_default).put(based_on_dev).post(from_consts)),
        )
        .layer(AuthPolicy::layer())
        .layer(PublicPolicy::layer())
        .layer(DevPolicy::layer())
        .layer(ConstPolicy::layer())
        .layer(TenantPolicy::layer_with_state(&Tenants))
        .with_state(Tenants);
}
