use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = ["https://a.example.com" "https://b.example.com"], max_age = 600 credentials, = 5, methods = [GET], headers = [1])]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
