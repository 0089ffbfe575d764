use cors_runtime::{cors, cors_policy};

const DEV_ORIGINS: &str = "http://localhost:3000";

#[cors_policy(origins = env(FRONTEND_ORIGINS))]
struct NotAString;

#[cors_policy(origins = env("FRONTEND_ORIGINS", fallback = "http://localhost:3000"))]
struct UnknownArgument;

#[cors_policy(origins = env("FRONTEND_ORIGINS", default = DEV_ORIGINS))]
struct DefaultNotALiteral;

#[cors_policy(origins = env("FRONTEND_ORIGINS", default "http://localhost:3000"))]
struct MissingEquals;

#[cors_policy(origins = env("FRONTEND_ORIGINS", "http://localhost:3000"))]
struct DefaultWithoutKey;

#[cors(origins = env("FRONTEND_ORIGINS", default = "http://localhost:3000", credentials))]
async fn extra_argument() {}

fn main() {}
