use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = "*", preflight_status = 201)]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
