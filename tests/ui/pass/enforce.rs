//! `enforce`: a bare flag on handlers, named policies, and over a named policy.
use axum::{routing::get};
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};

#[cors_policy(origins = ["https://app.example.com"], credentials, enforce)]
pub struct Strict;

#[cors_policy(origins = ["https://app.example.com"])]
pub struct Lenient;

#[cors(origins = ["https://app.example.com", "https://*.example.com"], enforce)]
async fn strict() {}

#[cors(origins = ["https://app.example.com"], enforce = true)]
async fn strict_true() {}

#[cors(origins = "*", enforce = false)]
async fn public() {}

#[cors(policy = Lenient, enforce)]
async fn based() {}

#[cors(policy = Strict)]
async fn inherited() {}

async fn plain() {}

fn main() {
    let _app: CorsRouter = CorsRouter::new()
        .route("/s", with_cors!(get(strict).post(strict_true).put(public)))
        .route("/b", with_cors!(get(based).post(inherited)))
        .route("/g", get(plain))
        .layer(Strict::layer());
}
