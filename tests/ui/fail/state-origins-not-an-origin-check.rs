use axum::Router;
use cors_runtime::{cors, with_cors};

#[derive(Clone)]
struct Tenants;

#[cors(origins = state(Tenants))]
async fn handler() {}

fn main() {
    let _app: Router<Tenants> = Router::new().route("/", with_cors!(get(handler)));
}
