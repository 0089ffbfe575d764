use axum::http::{request::Parts, HeaderValue};
use cors_runtime::{cors, with_cors, CorsRouter};

async fn known_tenant(origin: &HeaderValue, _request: &Parts) -> bool {
    origin == "https://acme.example"
}

#[cors(origins = known_tenant)]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
