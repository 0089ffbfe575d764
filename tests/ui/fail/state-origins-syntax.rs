use cors_runtime::cors;

#[cors(origins = state(Tenants, Other))]
async fn handler() {}

fn main() {}
