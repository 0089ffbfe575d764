use cors_runtime::{cors, with_cors, CorsRouter};

// Each bad entry of the default is reported, at the default.
#[cors(
    origins = env("FRONTEND_ORIGINS", default = "https://app.example.com/, http://intranet.example, localhost:3000, https://*.com"),
    credentials
)]
async fn update_task() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
}
