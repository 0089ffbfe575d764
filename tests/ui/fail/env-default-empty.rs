use cors_runtime::{cors, with_cors, CorsRouter};

#[cors(origins = env("FRONTEND_ORIGINS", default = " , "))]
async fn update_task() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
}
