use cors_runtime::cors_policy;

// A lowercase path is read as a predicate fn: name consts in upper case.
#[allow(non_upper_case_globals)]
const frontends: &[&str] = &["https://app.example.com"];

#[cors_policy(origins = frontends)]
struct Api;

fn main() {}
