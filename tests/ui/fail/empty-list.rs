use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = [])]
async fn no_origin() {}

#[cors(origins = "*", methods = [])]
async fn no_method() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(no_origin).post(no_method)));
}
