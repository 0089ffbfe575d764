//! `enforce` in headless Chromium: a cross-site page's simple `POST` (no preflight, `no-cors`)
//! runs a plain CORS handler but never an `enforce` one, and the API's own page keeps working
//! (Chromium sends `Origin` with `Sec-Fetch-Site: same-origin` on a same-origin `POST`).
//!
//! The API and its page are on `http://127.0.0.1:A`; the attacker's page on
//! `http://localhost:B` (another site). Neither origin is in the policies' `origins`.
//! Skipped with a notice without Chromium, like tests/browser.rs.

#[allow(dead_code)]
#[path = "browser/chromium.rs"]
mod chromium;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{extract::State, http::HeaderMap, response::Html, routing::get};
use chromium::Browser;
use cors_runtime::{cors, with_cors, CorsRouter};
use tokio::net::TcpListener;

/// (handler, `Sec-Fetch-Site`) of every handler run.
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<Vec<(&'static str, String)>>>);

impl Runs {
    fn record(&self, handler: &'static str, headers: &HeaderMap) {
        let site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("<none>")
            .to_owned();
        self.0.lock().unwrap().push((handler, site));
    }

    fn take(&self) -> Vec<(&'static str, String)> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[cors(origins = ["https://app.example.com"], enforce)]
async fn enforced(State(runs): State<Runs>, headers: HeaderMap) -> &'static str {
    runs.record("enforced", &headers);
    "ran"
}

#[cors(origins = ["https://app.example.com"])]
async fn lenient(State(runs): State<Runs>, headers: HeaderMap) -> &'static str {
    runs.record("lenient", &headers);
    "ran"
}

const OWN_PAGE: &str = r#"<!doctype html><p id="result">pending</p><script>
fetch("/enforced", { method: "POST", body: "same-origin" })
  .then(r => r.text().then(t => { document.getElementById("result").textContent = r.status + " " + t; }))
  .catch(e => { document.getElementById("result").textContent = "error " + e; });
</script>"#;

const ATTACKER_PAGE: &str = r#"<!doctype html><p id="result">pending</p><script>
const api = new URLSearchParams(location.search).get("api");
const post = path => fetch(api + path, { method: "POST", mode: "no-cors", body: "forged" })
  .then(r => r.type, e => "error " + e);
Promise.all([post("/enforced"), post("/lenient")])
  .then(types => { document.getElementById("result").textContent = types.join(" "); });
</script>"#;

fn element_text<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].trim())
}

async fn serve(router: CorsRouter) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    port
}

async fn page_result(chromium: &std::path::Path, url: &str) -> String {
    let mut last = String::new();
    for _ in 0..3 {
        let dom = Browser::dump_dom(chromium, url, 10_000, Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        last = element_text(&dom, "result")
            .unwrap_or_else(|| panic!("{url}: no #result in {dom}"))
            .to_owned();
        if last != "pending" {
            break;
        }
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforce_stops_a_cross_site_post_and_lets_the_own_page_through() {
    let Some(chromium) = chromium::find_or_skip("enforce") else {
        return;
    };
    let runs = Runs::default();
    let api = serve(
        CorsRouter::new()
            .route("/", get(|| async { Html(OWN_PAGE) }))
            .route("/enforced", with_cors!(post(enforced)))
            .route("/lenient", with_cors!(post(lenient)))
            .with_state(runs.clone()),
    )
    .await;
    let attacker = serve(CorsRouter::new().route("/", get(|| async { Html(ATTACKER_PAGE) }))).await;

    // The attacker's page: both requests are sent (opaque responses); only the plain CORS
    // handler runs.
    let result = page_result(
        &chromium,
        &format!("http://localhost:{attacker}/?api=http://127.0.0.1:{api}"),
    )
    .await;
    assert_eq!(result, "opaque opaque");
    assert_eq!(runs.take(), [("lenient", "cross-site".to_owned())]);

    // The API's own page: a same-origin POST carries `Origin` (not in `origins`) and
    // `Sec-Fetch-Site: same-origin`, and is let through.
    let result = page_result(&chromium, &format!("http://127.0.0.1:{api}/")).await;
    assert_eq!(result, "200 ran");
    assert_eq!(runs.take(), [("enforced", "same-origin".to_owned())]);
}
