use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = "*", credentials, max_age = "600")]
pub struct ApiPolicy;

#[cors(
    origins = ["https://app.example.com/", "ftp://x.example.com"],
    credentials,
    methods = [TRACE],
    headers = ["cookie"],
    max_age = 100000,
    unknown = 1
)]
async fn update_task() {}

async fn delete_task() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route(
            "/",
            with_cors!(put(update_task).trace(update_task).put(update_task)),
        )
        .route("/x", with_cors!(delete(delete_task)))
        .layer(ApiPolicy::layer());
}
