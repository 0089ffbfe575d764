use cors_runtime::{cors, with_cors, CorsRouter};

struct Task;

#[cors(origins = ["https://app.example.com"])]
async fn show_task() -> Task {
    Task
}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(get(show_task)));
}
