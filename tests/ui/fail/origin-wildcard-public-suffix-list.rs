// Issue 11: names from the full Public Suffix List, which the hand-picked list missed.
use cors_runtime::cors_policy;

#[cors_policy(origins = [
    "https://*.s3.amazonaws.com",
    "https://*.com.vn",
    "https://*.co.ke",
    "https://*.r2.dev",
    "https://*.eu.org",
    "https://*.supabase.co",
    "https://*.ondigitalocean.app",
    "https://*.com.ng",
])]
pub struct Wide;

fn main() {}
