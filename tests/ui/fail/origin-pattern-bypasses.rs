//! Pattern forms behind the classic CORS bypasses (suffix, prefix, unescaped dot, regex):
//! only `scheme://*.registrable-domain[:port]` is a pattern, so none of these can be written.
use cors_runtime::CorsRouter;
use cors_runtime::{cors, with_cors};

#[cors(origins = [
    "https://example.com.*",
    "https://*example.com",
    "https://example*.com",
    "https://.*\\.example\\.com",
    "*.example.com",
    "https://*.*.example.com",
    "https://example.com*",
    "https://*.github.io",
])]
async fn handler() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(handler)));
}
