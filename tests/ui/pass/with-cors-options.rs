//! A user's own `.options(handler)` in `with_cors!`: it gets the `OPTIONS` requests that are not
//! preflights.
use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
async fn update_task() {}

#[cors(origins = ["https://app.example.com"])]
async fn delete_task() {}

async fn describe() -> &'static str {
    "PUT, DELETE"
}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route(
            "/tasks/{id}",
            with_cors!(put(update_task).options(describe).delete(delete_task)),
        )
        .route(
            "/all",
            with_cors!(get(update_task)
                .head(delete_task)
                .post(update_task)
                .put(update_task)
                .delete(update_task)
                .patch(update_task)),
        );
}
