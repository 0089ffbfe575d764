//! `CorsRouter::inventory`: every policy the router applies, by route and method, for start-up
//! logs and for one-line assertions in tests.

use std::panic::{catch_unwind, AssertUnwindSafe};

use axum::routing::{get, put};
use cors_runtime::{
    cors, cors_policy, inventory::Source, with_cors, CorsLayer, CorsRouter, Policy,
};

#[cors(origins = ["https://app.example.com"], headers = ["authorization"], credentials)]
async fn update_task() {}

#[cors(origins = ["https://admin.example.com"], credentials)]
async fn delete_task() {}

#[cors(origins = ["https://app.example.com"])]
async fn read_task() {}

#[cors_policy(origins = "*", methods = [GET])]
struct Public;

#[cors_policy(origins = ["https://app.example.com", "https://*.partner.example"], credentials)]
struct Partners;

async fn plain() {}

fn app() -> CorsRouter {
    let partners = CorsRouter::new()
        .route("/feed", get(plain))
        .layer(Partners::layer());
    CorsRouter::new()
        .route(
            "/tasks/{id}",
            with_cors!(get(read_task).put(update_task).delete(delete_task)),
        )
        .route("/health", get(plain))
        .nest("/partners", partners)
        .layer(Public::layer())
}

#[test]
fn the_inventory_lists_the_policy_of_each_route_and_method() {
    let inventory = app().inventory();
    let rows: Vec<(&str, &str, Source, &str)> = inventory
        .rows()
        .iter()
        .map(|row| {
            (
                row.route(),
                row.methods(),
                row.source(),
                row.policy().name(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("/tasks/{id}", "GET", Source::Handler, "read_task"),
            ("/tasks/{id}", "PUT", Source::Handler, "update_task"),
            ("/tasks/{id}", "DELETE", Source::Handler, "delete_task"),
            ("/tasks/{id}", "others", Source::Group, "Public"),
            ("/health", "all", Source::Group, "Public"),
            ("/partners/feed", "all", Source::Group, "Partners"),
            ("(unmatched)", "all", Source::Group, "Public"),
        ]
    );
    let text = inventory.to_string();
    assert!(
        text.starts_with("CORS inventory: 4 routes, 5 policies\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  /tasks/{id}     PUT     handler  CORS policy `update_task`: origins https://app.example.com;"
        ),
        "{text}"
    );
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should fail");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn credentials_only_for_names_every_other_origin_and_its_routes() {
    let inventory = app().inventory();
    let origins = inventory.credentialed_origins().unwrap();
    assert_eq!(
        origins,
        [
            (
                "https://*.partner.example".to_owned(),
                vec!["all /partners/feed".to_owned()]
            ),
            (
                "https://admin.example.com".to_owned(),
                vec!["DELETE /tasks/{id}".to_owned()]
            ),
            (
                "https://app.example.com".to_owned(),
                vec![
                    "PUT /tasks/{id}".to_owned(),
                    "all /partners/feed".to_owned()
                ]
            ),
        ]
    );
    let message =
        panic_message(|| inventory.assert_credentials_only_for(&["https://app.example.com"]));
    assert!(
        message.contains("  https://admin.example.com: DELETE /tasks/{id}"),
        "{message}"
    );
    assert!(
        message.contains("  https://*.partner.example: all /partners/feed"),
        "{message}"
    );
    inventory.assert_credentials_only_for(&[
        "https://app.example.com",
        "https://admin.example.com",
        "https://*.partner.example",
    ]);
}

#[test]
fn no_credentials_with_patterns_names_the_policy() {
    let message = panic_message(|| app().inventory().assert_no_credentials_with_patterns());
    assert!(
        message.contains("all /partners/feed (group): CORS policy `Partners`"),
        "{message}"
    );
    let without = CorsRouter::<()>::new().route("/tasks/{id}", with_cors!(put(update_task)));
    without.inventory().assert_no_credentials_with_patterns();
}

#[test]
fn origins_decided_at_run_time_cannot_be_proven() {
    async fn anyone(_: axum::http::HeaderValue, _: ()) -> bool {
        true
    }
    let policy = Policy::builder("ByPredicate")
        .origins_async((), anyone)
        .credentials(true)
        .build()
        .unwrap();
    let app = CorsRouter::<()>::new()
        .route("/x", put(plain))
        .layer(CorsLayer::from(policy));
    let message = panic_message(|| app.inventory().assert_credentials_only_for(&[]));
    assert!(message.contains("decided at run time"), "{message}");
    assert!(message.contains("ByPredicate"), "{message}");
}
