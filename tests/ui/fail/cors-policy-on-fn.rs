use cors_runtime::cors_policy;

#[cors_policy(origins = "*")]
pub async fn handler() {}

fn main() {}
