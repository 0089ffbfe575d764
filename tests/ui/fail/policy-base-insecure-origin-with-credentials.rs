// Issue 11: a base policy's origin that only looks like loopback (`127.` starts a domain here,
// not an IPv4 address) is plain http, so a handler that adds `credentials` must not compile.
use cors_runtime::CorsRouter;
use cors_runtime::{cors, cors_policy, with_cors};

#[cors_policy(origins = ["http://127.evil.example"])]
pub struct Base;

#[cors(policy = Base, credentials)]
async fn h() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(h)));
}
