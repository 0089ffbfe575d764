// A base policy that lists `null` with `allow_null_origin`: a handler that turns the flag off
// must not compile.
use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = ["https://app.example.com", "null"], allow_null_origin)]
pub struct Base;

#[cors(policy = Base, allow_null_origin = false)]
async fn h() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(h)));
}
