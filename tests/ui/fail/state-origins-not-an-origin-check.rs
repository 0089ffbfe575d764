use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[derive(Clone)]
struct Tenants;

#[cors(origins = state(Tenants))]
async fn handler() {}

fn main() {
    let _app: CorsRouter<Tenants> = CorsRouter::new().route("/", with_cors!(get(handler)));
}
