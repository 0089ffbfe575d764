use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};

#[cors_policy(origins = env("INTRANET_ORIGINS", default = "http://intranet.example"))]
pub struct Intranet;

// The base policy's default origin is plain http: not with `credentials`.
#[cors(policy = Intranet, credentials)]
async fn update_task() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/tasks/{id}", with_cors!(put(update_task)));
}
