use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

fn allowed(origin: &str) -> bool {
    origin.ends_with(".example.com")
}

#[cors(origins = allowed)]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
