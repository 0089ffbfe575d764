use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = ["https://App.Example.com"])]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
