use cors_runtime::{cors, with_cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn update_task() {}

struct Description;

async fn describe() -> Description {
    Description
}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task).options(describe)));
}
