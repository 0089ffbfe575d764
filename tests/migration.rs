//! The claims of the migration guide (`cors_runtime::guide::migration`) about tower-http 0.7's
//! `CorsLayer`, checked against tower-http itself, next to what the equivalent keys of this
//! crate do.

use std::time::Duration;

use axum::{
    http::{header, HeaderValue, Method},
    routing::get,
};
use cors_runtime::{
    cors, cors_policy,
    testing::{CorsRequest, Preflight},
    with_cors, CorsRouter,
};
use tower_http::cors::{AllowHeaders, AllowOrigin, Any, CorsLayer};

const APP: &str = "https://app.example";
const EVIL: &str = "https://evil.example";

async fn handler() -> &'static str {
    "handler"
}

async fn options_handler() -> &'static str {
    "my options handler"
}

/// tower-http's layer on a plain axum router, as its users write it.
fn tower(layer: CorsLayer) -> axum::Router {
    axum::Router::new()
        .route("/x", get(handler).put(handler).options(options_handler))
        .layer(layer)
}

#[cors(origins = ["https://app.example"], credentials, headers = "*", methods = "*")]
async fn ours() -> &'static str {
    "handler"
}

fn ours_router() -> CorsRouter {
    CorsRouter::new().route(
        "/x",
        with_cors!(get(ours).put(ours).options(options_handler)),
    )
}

#[tokio::test]
async fn exact_origin_is_sent_to_every_origin_by_tower_http_and_only_to_its_own_here() {
    let tower =
        tower(CorsLayer::new().allow_origin(AllowOrigin::exact(HeaderValue::from_static(APP))));
    let response = CorsRequest::get(EVIL)
        .send(&tower, "/x")
        .await
        .assert_rejected();
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(response.headers().get(header::VARY).is_none());

    let response = CorsRequest::get(EVIL)
        .send(&ours_router(), "/x")
        .await
        .assert_rejected();
    assert!(response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    response.assert_vary("origin");
}

#[tokio::test]
async fn refused_preflight_is_200_without_allow_origin_in_tower_http_and_403_here() {
    let layer = CorsLayer::new()
        .allow_origin([HeaderValue::from_static(APP)])
        .allow_methods([Method::PUT]);
    let response = Preflight::new(EVIL, Method::PUT)
        .send(&tower(layer), "/x")
        .await
        .assert_rejected()
        .assert_status(200);
    // The other headers are still sent.
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
        "PUT"
    );

    Preflight::new(EVIL, Method::PUT)
        .send(&ours_router(), "/x")
        .await
        .assert_rejected()
        .assert_status(403)
        .assert_no_cors_headers();
}

#[tokio::test]
async fn tower_http_never_checks_methods_nor_headers() {
    let layer = CorsLayer::new()
        .allow_origin([HeaderValue::from_static(APP)])
        .allow_methods([Method::GET])
        .allow_headers([header::CONTENT_TYPE]);
    // The browser refuses (the lists do not match), but the layer answered 200 with ACAO.
    let response = Preflight::new(APP, Method::DELETE)
        .header("x-custom")
        .send(&tower(layer), "/x")
        .await
        .assert_rejected()
        .assert_status(200);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
        "GET"
    );
}

#[tokio::test]
async fn any_headers_is_a_literal_star_in_tower_http_and_an_echo_here() {
    let layer = CorsLayer::new()
        .allow_origin([HeaderValue::from_static(APP)])
        .allow_methods([Method::PUT])
        .allow_headers(Any);
    let response = Preflight::new(APP, Method::PUT)
        .header("authorization")
        .send(&tower(layer), "/x")
        .await
        .assert_rejected();
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS],
        "*"
    );

    // `headers = "*"` with `credentials`: the requested names come back.
    let response = Preflight::new(APP, Method::PUT)
        .header("authorization")
        .credentials()
        .send(&ours_router(), "/x")
        .await
        .assert_allowed()
        .assert_allows_header("authorization");
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS],
        "authorization"
    );
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
        "PUT"
    );

    // `mirror_request` is tower-http's echo.
    let layer = CorsLayer::new()
        .allow_origin([HeaderValue::from_static(APP)])
        .allow_methods([Method::PUT])
        .allow_headers(AllowHeaders::mirror_request());
    Preflight::new(APP, Method::PUT)
        .header("authorization")
        .send(&tower(layer), "/x")
        .await
        .assert_allowed()
        .assert_vary("access-control-request-headers");
}

#[tokio::test]
async fn tower_http_sends_allow_credentials_to_refused_origins_too() {
    let layer = CorsLayer::new()
        .allow_origin([HeaderValue::from_static(APP)])
        .allow_credentials(true);
    let response = CorsRequest::get(EVIL)
        .send(&tower(layer), "/x")
        .await
        .assert_rejected();
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_CREDENTIALS],
        "true"
    );

    let response = CorsRequest::get(EVIL)
        .send(&ours_router(), "/x")
        .await
        .assert_rejected();
    assert!(response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .is_none());
}

#[tokio::test]
async fn every_options_is_answered_by_tower_http_and_only_preflights_here() {
    let layer = CorsLayer::new().allow_origin(Any);
    let plain_options = |router: axum::Router| async move {
        let request = axum::http::Request::builder()
            .method(Method::OPTIONS)
            .uri("/x")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
    };
    assert_eq!(plain_options(tower(layer)).await, "");
    assert_eq!(
        plain_options(ours_router().into_router()).await,
        "my options handler"
    );
}

#[tokio::test]
async fn max_age_private_network_and_permissive() {
    let layer = CorsLayer::new()
        .allow_origin([HeaderValue::from_static(APP)])
        .allow_methods([Method::PUT])
        .max_age(Duration::from_secs(600))
        .allow_private_network(true);
    let response = Preflight::new(APP, Method::PUT)
        .private_network()
        .send(&tower(layer.clone()), "/x")
        .await
        .assert_allowed()
        .assert_max_age(600);
    assert_eq!(
        response.headers()["access-control-allow-private-network"],
        "true"
    );
    // Not asked: not sent.
    let response = Preflight::new(APP, Method::PUT)
        .send(&tower(layer), "/x")
        .await;
    assert!(response
        .headers()
        .get("access-control-allow-private-network")
        .is_none());

    // `permissive()` sends literal `*`s.
    let response = Preflight::new(APP, Method::PUT)
        .header("x-custom")
        .send(&tower(CorsLayer::permissive()), "/x")
        .await
        .assert_allowed();
    for name in [
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::ACCESS_CONTROL_ALLOW_METHODS,
        header::ACCESS_CONTROL_ALLOW_HEADERS,
    ] {
        assert_eq!(response.headers()[name], "*");
    }
}

/// The equivalent of `CorsLayer::permissive()` in the guide.
#[cors_policy(origins = "*", methods = "*", headers = "*", expose = "*")]
#[derive(Debug)]
pub struct Permissive;

#[tokio::test]
async fn the_permissive_equivalent_echoes() {
    let router = CorsRouter::new()
        .route("/x", get(handler).put(handler))
        .layer(Permissive::layer());
    let response = Preflight::new(APP, Method::PUT)
        .header("authorization")
        .send(&router, "/x")
        .await
        .assert_allowed();
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
        "PUT"
    );
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS],
        "authorization"
    );
}

#[tokio::test]
async fn vary_is_appended_as_another_value_by_tower_http_and_merged_here() {
    async fn with_vary() -> ([(&'static str, &'static str); 1], &'static str) {
        ([("vary", "accept-encoding")], "x")
    }
    let layer = CorsLayer::new().allow_origin([HeaderValue::from_static(APP)]);
    let router = axum::Router::new().route("/x", get(with_vary)).layer(layer);
    let response = CorsRequest::get(APP).send(&router, "/x").await;
    let vary: Vec<_> = response.headers().get_all(header::VARY).iter().collect();
    assert_eq!(vary, ["accept-encoding", "origin"]);

    #[cors(origins = ["https://app.example"])]
    async fn ours_with_vary() -> ([(&'static str, &'static str); 1], &'static str) {
        ([("vary", "accept-encoding, Origin")], "x")
    }
    let router = CorsRouter::new().route("/x", with_cors!(get(ours_with_vary)));
    let response = CorsRequest::get(APP)
        .send(&router, "/x")
        .await
        .assert_allowed();
    let vary: Vec<_> = response.headers().get_all(header::VARY).iter().collect();
    assert_eq!(
        vary,
        ["accept-encoding, Origin"],
        "`Origin` is already there: not added twice"
    );
}
