//! `methods`, `headers` and `expose`, as lists and as `"*"`.
use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = "*", methods = [GET, "PATCH", PURGE])]
async fn listed_methods() {}

#[cors(origins = "*", methods = "*")]
async fn any_method() {}

#[cors(origins = "*", headers = ["content-type", "Authorization", "x-request-id"])]
async fn listed_headers() {}

#[cors(origins = "*", headers = "*")]
async fn any_header() {}

#[cors(origins = "*", expose = ["x-request-id", "ETag"])]
async fn listed_expose() {}

#[cors(origins = "*", expose = "*")]
async fn any_expose() {}

#[cors(origins = "*", headers = [], expose = [])]
async fn empty_lists() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route("/m", with_cors!(get(listed_methods).post(any_method)))
        .route("/h", with_cors!(get(listed_headers).post(any_header)))
        .route("/e", with_cors!(get(listed_expose).post(any_expose)))
        .route("/empty", with_cors!(get(empty_lists)));
}
