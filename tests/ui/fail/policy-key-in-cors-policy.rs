use cors_runtime::cors_policy;

#[cors_policy(origins = "*")]
pub struct PublicPolicy;

#[cors_policy(policy = PublicPolicy, disable)]
pub struct OtherPolicy;

fn main() {}
