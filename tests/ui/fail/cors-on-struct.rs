use cors_runtime::cors;

#[cors(origins = "*")]
pub struct Handler;

fn main() {}
