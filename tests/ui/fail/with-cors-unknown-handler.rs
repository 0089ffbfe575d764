use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = "*")]
async fn list_tasks() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/tasks", with_cors!(get(list_taks)));
}
