//! Handlers in another module: the companion copies the handler's visibility, and a `use` of
//! the handler brings the companion along.
use cors_runtime::CorsRouter;
use cors_runtime::with_cors;

use api::nested::list_tasks;

mod api {
    use cors_runtime::cors;

    #[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
    pub async fn update_task() {}

    #[cors(origins = ["https://app.example.com"])]
    pub(crate) async fn delete_task() {}

    pub mod nested {
        #[cors_runtime::cors(origins = "*")]
        pub async fn list_tasks() {}
    }
}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route(
            "/tasks/{id}",
            with_cors!(put(api::update_task).delete(crate::api::delete_task)),
        )
        .route("/tasks", with_cors!(get(list_tasks)))
        .route("/all-tasks", with_cors!(get(self::api::nested::list_tasks)));
}
