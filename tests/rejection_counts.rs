//! Counting refusals with a `tracing_subscriber::Layer` over this crate's `debug` events
//! (target `cors_runtime`, fields `policy` and `reason`), as the README's "Develop and test"
//! section shows: every refused preflight, every `enforce` refusal and every disallowed origin
//! of an actual request is one event; allowed requests are none.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use axum::http::Method;
use cors_runtime::{
    cors,
    testing::{CorsRequest, Preflight},
    with_cors, CorsRouter,
};
use tracing::{
    field::{Field, Visit},
    Event, Level, Subscriber,
};
use tracing_subscriber::{
    filter::Targets,
    layer::{Context, SubscriberExt},
    Layer,
};

/// Refusals by (policy, reason).
#[derive(Clone, Default)]
struct CorsRefusals(Arc<Mutex<BTreeMap<(String, String), u64>>>);

impl<S: Subscriber> Layer<S> for CorsRefusals {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let (Some(policy), Some(reason)) = (fields.policy, fields.reason) {
            *self.0.lock().unwrap().entry((policy, reason)).or_default() += 1;
        }
    }
}

#[derive(Default)]
struct Fields {
    policy: Option<String>,
    reason: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "policy" => self.policy = Some(value.to_owned()),
            "reason" => self.reason = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl CorsRefusals {
    fn counts(&self) -> Vec<(String, String, u64)> {
        let counts = self.0.lock().unwrap();
        counts
            .iter()
            .map(|((policy, reason), n)| (policy.clone(), reason.clone(), *n))
            .collect()
    }
}

#[cors(origins = ["https://app.example"], headers = ["content-type"])]
async fn update_task() {}

#[cors(origins = ["https://app.example"], enforce)]
async fn delete_task() {}

#[tokio::test]
async fn every_refusal_is_counted_by_policy_and_reason() {
    let refusals = CorsRefusals::default();
    let subscriber = tracing_subscriber::registry().with(
        refusals
            .clone()
            .with_filter(Targets::new().with_target("cors_runtime", Level::DEBUG)),
    );
    let _guard = tracing::subscriber::set_default(subscriber);
    let app: CorsRouter = CorsRouter::new().route(
        "/tasks/{id}",
        with_cors!(put(update_task).delete(delete_task)),
    );

    // Allowed: not counted.
    Preflight::new("https://app.example", Method::PUT)
        .header("content-type")
        .send(&app, "/tasks/1")
        .await
        .assert_allowed();
    CorsRequest::put("https://app.example")
        .send(&app, "/tasks/1")
        .await
        .assert_allowed();
    assert_eq!(refusals.counts(), []);

    // Refused preflights, by reason.
    for _ in 0..2 {
        Preflight::new("https://evil.example", Method::PUT)
            .send(&app, "/tasks/1")
            .await
            .assert_rejected();
    }
    Preflight::new("https://app.example", Method::PUT)
        .header("x-other")
        .send(&app, "/tasks/1")
        .await
        .assert_rejected();
    // A disallowed origin on an actual request (the handler runs, without CORS headers).
    CorsRequest::put("https://evil.example")
        .send(&app, "/tasks/1")
        .await
        .assert_rejected();
    // `enforce` refuses it before the handler.
    CorsRequest::delete("https://evil.example")
        .send(&app, "/tasks/1")
        .await
        .assert_status(403);

    assert_eq!(
        refusals.counts(),
        [
            ("delete_task".to_owned(), "enforce".to_owned(), 1),
            ("update_task".to_owned(), "header".to_owned(), 1),
            ("update_task".to_owned(), "origin".to_owned(), 3),
        ]
    );
}
