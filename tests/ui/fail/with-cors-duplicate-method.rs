use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = "*")]
async fn list_tasks() {}

#[cors(origins = "*")]
async fn search_tasks() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(list_tasks).get(search_tasks)));
}
