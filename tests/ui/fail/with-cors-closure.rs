use axum::Router;
use cors_runtime::with_cors;

fn main() {
    let _app: Router = Router::new().route("/", with_cors!(get(|| async { "hi" })));
}
