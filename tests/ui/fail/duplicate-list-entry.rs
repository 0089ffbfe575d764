use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = ["https://a.example.com", "https://a.example.com"], methods = [GET, "GET"], headers = ["x-a", "X-A"], expose = ["x-b", "x-b"])]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
