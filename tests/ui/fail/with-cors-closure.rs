use cors_runtime::CorsRouter;
use cors_runtime::with_cors;

fn main() {
    let _app: CorsRouter = CorsRouter::new().route("/", with_cors!(get(|| async { "hi" })));
}
