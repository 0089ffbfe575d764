use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(methods = [GET])]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
