use cors_runtime::cors_policy;

const PORT: u16 = 3000;
const FRONTEND: &str = "https://app.example.com";
const FRONTENDS: &[&str] = &["https://app.example.com"];

// An entry of the list is one `&str` const.
#[cors_policy(origins = [PORT])]
struct NotAStr;

// A `&[&str]` const stands alone: `origins = FRONTENDS`.
#[cors_policy(origins = [FRONTENDS, "https://admin.example.com"])]
struct SliceInList;

// A `&str` const goes in a list: `origins = [FRONTEND]`.
#[cors_policy(origins = FRONTEND)]
struct StrAlone;

fn main() {}
