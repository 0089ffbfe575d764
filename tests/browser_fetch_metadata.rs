//! `enforce` and Fetch Metadata in headless Chromium: requests another site's page makes
//! without `Origin` (an `<img>`, a `no-cors` `fetch`, an `<iframe>`) and a cross-site form
//! `POST` never run an `enforce` handler, for a group policy and a handler policy; a top-level
//! navigation from another site (a link) does. A policy without `enforce` runs them all (the
//! control).
//!
//! The API is on `http://127.0.0.1:A`, the other site's pages on `http://localhost:B`. Every
//! handler run is recorded with the request's `Sec-Fetch-*` headers, so that the assertions
//! are on what reached the handlers, not on what the page could observe. Skipped with a notice
//! without Chromium, like tests/browser.rs.

#[allow(dead_code)]
#[path = "browser/chromium.rs"]
mod chromium;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use chromium::Browser;
use cors_runtime::{cors, cors_policy, with_cors, CorsRouter};
use tokio::net::TcpListener;

/// One handler run: (mount, what, `Sec-Fetch-Site`, `Sec-Fetch-Mode`, `Sec-Fetch-Dest`).
type Run = (String, String, String, String, String);

#[derive(Clone, Default)]
struct Runs(Arc<Mutex<Vec<Run>>>);

impl Runs {
    fn record(&self, mount: &str, what: &str, headers: &HeaderMap) {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("<none>")
                .to_owned()
        };
        self.0.lock().unwrap().push((
            mount.to_owned(),
            what.to_owned(),
            get("sec-fetch-site"),
            get("sec-fetch-mode"),
            get("sec-fetch-dest"),
        ));
    }

    fn take(&self) -> Vec<Run> {
        let mut runs = std::mem::take(&mut *self.0.lock().unwrap());
        runs.sort();
        runs
    }
}

/// A 1 × 1 PNG, so that an `<img>` that reaches the handler loads.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0xb5, 0x1c, 0x0c,
    0x02, 0x00, 0x00, 0x00, 0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0x00, 0x00,
    0x00, 0x06, 0x00, 0x02, 0x30, 0x81, 0xd0, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];

/// The answer to `what`: an image, a page, or text.
fn answer(mount: &str, what: &str, headers: &HeaderMap, runs: &Runs) -> Response {
    runs.record(mount, what, headers);
    match what {
        "img" => ([(header::CONTENT_TYPE, "image/png")], PNG).into_response(),
        "page" => Html(r#"<!doctype html><p id="result">navigated</p>"#).into_response(),
        _ => "ran".into_response(),
    }
}

#[cors_policy(origins = ["https://app.example.com"], methods = [GET, POST], enforce)]
struct EnforcedGroup;

#[cors_policy(origins = ["https://app.example.com"], methods = [GET, POST])]
struct LenientGroup;

async fn enforced_group(
    State(runs): State<Runs>,
    Path(what): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer("group", &what, &headers, &runs)
}

async fn lenient_group(
    State(runs): State<Runs>,
    Path(what): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer("lenient", &what, &headers, &runs)
}

#[cors(origins = ["https://app.example.com"], enforce)]
async fn enforced_handler(
    State(runs): State<Runs>,
    Path(what): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer("handler", &what, &headers, &runs)
}

/// The other site's page: an `<img>`, a `no-cors` `fetch`, a form `POST` into an `<iframe>` and
/// an `<iframe>` of a page, against each mount; `#result` lists what the page saw.
const CROSS_SITE_PAGE: &str = r#"<!doctype html><p id="result">pending</p><script>
const api = new URLSearchParams(location.search).get("api");
const img = src => new Promise(done => {
  const i = new Image();
  i.onload = () => done("load");
  i.onerror = () => done("error");
  i.src = src;
});
const noCors = url => fetch(url, { mode: "no-cors" }).then(r => r.type, e => "error");
const frame = src => new Promise(done => {
  const f = document.createElement("iframe");
  f.onload = () => done("loaded");
  f.src = src;
  document.body.appendChild(f);
});
let forms = 0;
const post = action => new Promise(done => {
  const f = document.createElement("iframe");
  f.name = "sink" + forms++;
  document.body.appendChild(f);
  let submitted = false;
  f.onload = () => { if (submitted) done("posted"); };
  const form = document.createElement("form");
  form.method = "POST";
  form.action = action;
  form.target = f.name;
  const input = document.createElement("input");
  input.name = "forged";
  input.value = "1";
  form.appendChild(input);
  document.body.appendChild(form);
  submitted = true;
  form.submit();
});
Promise.all(["g", "h", "l"].flatMap(m => [
  img(api + "/" + m + "/img"),
  noCors(api + "/" + m + "/data"),
  post(api + "/" + m + "/form"),
  frame(api + "/" + m + "/page"),
])).then(seen => { document.getElementById("result").textContent = seen.join(" "); });
</script>"#;

/// The other site's page that sends the browser to the API: a top-level navigation.
const NAVIGATING_PAGE: &str = r#"<!doctype html><p id="result">pending</p><script>
const query = new URLSearchParams(location.search);
location.href = query.get("api") + query.get("to");
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

/// `#result` of `url` once the page settled (three tries while it still says "pending").
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

fn run(mount: &str, what: &str, mode: &str, dest: &str) -> Run {
    (
        mount.to_owned(),
        what.to_owned(),
        "cross-site".to_owned(),
        mode.to_owned(),
        dest.to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforce_refuses_another_sites_requests_without_origin_but_not_its_links() {
    let Some(chromium) = chromium::find_or_skip("fetch metadata") else {
        return;
    };
    let runs = Runs::default();
    let api = serve(
        CorsRouter::new()
            .merge(
                CorsRouter::new()
                    .route("/g/{what}", get(enforced_group).post(enforced_group))
                    .layer(EnforcedGroup::layer()),
            )
            .merge(
                CorsRouter::new()
                    .route("/l/{what}", get(lenient_group).post(lenient_group))
                    .layer(LenientGroup::layer()),
            )
            .route(
                "/h/{what}",
                with_cors!(get(enforced_handler).post(enforced_handler)),
            )
            .with_state(runs.clone()),
    )
    .await;
    let other_site = serve(
        CorsRouter::new()
            .route("/", get(|| async { Html(CROSS_SITE_PAGE) }))
            .route("/navigate", get(|| async { Html(NAVIGATING_PAGE) })),
    )
    .await;

    // What the page saw: the refused `<img>`s fail, the control's loads; `no-cors` answers are
    // opaque either way; the form and the frame load (the 403 page, or the handler's).
    let result = page_result(
        &chromium,
        &format!("http://localhost:{other_site}/?api=http://127.0.0.1:{api}"),
    )
    .await;
    assert_eq!(
        result,
        "error opaque posted loaded error opaque posted loaded load opaque posted loaded"
    );
    // What ran: only the control's handlers, each request cross-site as Chromium labels it.
    assert_eq!(
        runs.take(),
        [
            run("lenient", "data", "no-cors", "empty"),
            run("lenient", "form", "navigate", "iframe"),
            run("lenient", "img", "no-cors", "image"),
            run("lenient", "page", "navigate", "iframe"),
        ]
    );

    // A top-level navigation from the other site reaches both `enforce` mounts.
    for (mount, to) in [("group", "/g/page"), ("handler", "/h/page")] {
        let result = page_result(
            &chromium,
            &format!("http://localhost:{other_site}/navigate?api=http://127.0.0.1:{api}&to={to}"),
        )
        .await;
        assert_eq!(result, "navigated", "{mount}");
        assert_eq!(runs.take(), [run(mount, "page", "navigate", "document")]);
    }
}
