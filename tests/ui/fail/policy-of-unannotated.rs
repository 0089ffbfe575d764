use cors_runtime::{cors, policy_of};

#[cors(origins = "*")]
async fn annotated() {}

struct NotAHandler;

fn main() {
    let _ = policy_of::<annotated>();
    let _ = policy_of::<NotAHandler>();
}
