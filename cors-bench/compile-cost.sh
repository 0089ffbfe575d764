#!/usr/bin/env bash
# Compile cost: a crate with 200 `#[cors]` handlers mounted with `with_cors!` ("ours") against
# the same 200 routes with a tower-http `CorsLayer` on each ("tower-http"), same policy.
#
#   cors-bench/compile-cost.sh [REPEATS]      (default 3; dev profile, as in an edit-compile loop)
#
# For each repeat, interleaved: a clean build of the generated crate (its dependencies already
# built: `cargo clean -p <crate>` then `cargo build`), then an incremental rebuild after editing
# one handler's body. Prints medians and every run, as markdown. Scratch space:
# $COMPILE_COST_DIR (default $CARGO_TARGET_DIR/compile-cost, else /tmp/cors-compile-cost).
set -euo pipefail

repeats=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=${COMPILE_COST_DIR:-${CARGO_TARGET_DIR:-/tmp}/compile-cost}
n_modules=10
per_module=20
policy='origins = ["https://app.example.com", "https://admin.example.com", "https://other.example.com"], methods = [GET, PUT, DELETE], headers = ["content-type", "authorization"], credentials, max_age = 600'

generate() { # $1 = ours | tower
    local kind=$1 dir=$work/$1
    rm -rf "$dir/src"
    mkdir -p "$dir/src"
    if [ "$kind" = ours ]; then
        deps="cors-runtime = { path = \"$root/cors-runtime\" }"
    else
        deps='tower-http = { version = "0.7", default-features = false, features = ["cors"] }'
    fi
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "compile-cost-$kind"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
axum = "0.8.9"
$deps
TOML
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
    {
        if [ "$kind" = ours ]; then
            echo "use cors_runtime::{with_cors, CorsRouter};"
        else
            echo "use axum::{routing::get, Router};"
        fi
        if [ "$kind" = tower ]; then
            cat <<'RS'
use axum::http::{header, HeaderValue, Method};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list([
            HeaderValue::from_static("https://app.example.com"),
            HeaderValue::from_static("https://admin.example.com"),
            HeaderValue::from_static("https://other.example.com"),
        ]))
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}
RS
        fi
        for m in $(seq 0 $((n_modules - 1))); do echo "mod m$m;"; done
        if [ "$kind" = ours ]; then
            echo "pub fn app() -> CorsRouter {"
            echo "    CorsRouter::new()"
        else
            echo "pub fn app() -> Router {"
            echo "    Router::new()"
        fi
        for m in $(seq 0 $((n_modules - 1))); do
            for h in $(seq 0 $((per_module - 1))); do
                if [ "$kind" = ours ]; then
                    echo "        .route(\"/r/$m/$h\", with_cors!(get(m$m::h$h)))"
                else
                    echo "        .route(\"/r/$m/$h\", get(m$m::h$h).layer(cors()))"
                fi
            done
        done
        echo "}"
    } > "$dir/src/lib.rs"
    for m in $(seq 0 $((n_modules - 1))); do
        {
            [ "$kind" = ours ] && echo "use cors_runtime::cors;"
            for h in $(seq 0 $((per_module - 1))); do
                [ "$kind" = ours ] && echo "#[cors($policy)]"
                echo "pub(crate) async fn h$h() -> &'static str {"
                echo "    \"ok $m $h\""
                echo "}"
            done
        } > "$dir/src/m$m.rs"
    done
}

seconds() { # runs "$@", prints elapsed seconds
    local start end
    start=$(date +%s.%N)
    # A failed build must not be timed as a fast one.
    "$@" >/dev/null 2>&1 || { echo "compile-cost: \`$*\` failed in $PWD" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A clean incr
for kind in ours tower; do
    generate "$kind"
    # Dependencies once, not timed.
    (cd "$work/$kind" && CARGO_TARGET_DIR=$work/target-$kind cargo build --offline -q)
done
for r in $(seq 1 "$repeats"); do
    for kind in ours tower; do
        dir=$work/$kind
        export CARGO_TARGET_DIR=$work/target-$kind
        (cd "$dir" && cargo clean --offline -q -p "compile-cost-$kind")
        t=$(cd "$dir" && seconds cargo build --offline)
        clean[$kind]="${clean[$kind]:-} $t"
        # Edit one handler's body (alternating, so every repeat is a real change).
        sed -i "s/\"ok 3 7[^\"]*\"/\"ok 3 7 edit $r\"/" "$dir/src/m3.rs"
        t=$(cd "$dir" && seconds cargo build --offline)
        incr[$kind]="${incr[$kind]:-} $t"
    done
done
echo "### Compile cost (200 handlers, dev profile, $repeats interleaved repeats; seconds)"
echo
echo "| variant | clean build of the crate (median) | incremental, one handler edited (median) | all clean runs | all incremental runs |"
echo "|---|---:|---:|---|---|"
for kind in ours tower; do
    name=$([ "$kind" = ours ] && echo "ours: 200 \`#[cors]\` + \`with_cors!\`" || echo "tower-http: 200 \`.layer(CorsLayer)\`")
    printf '| %s | %.2f | %.2f | %s | %s |\n' "$name" \
        "$(echo "${clean[$kind]}" | median)" "$(echo "${incr[$kind]}" | median)" \
        "$(echo ${clean[$kind]} | xargs printf '%.2f ')" "$(echo ${incr[$kind]} | xargs printf '%.2f ')"
done
# Ratios per repeat (ours then tower-http, back to back), then their median: a slow moment of
# the machine lands in both builds of one repeat rather than in one contender's median.
ratios() { # $1 = clean | incr
    local -n ours_runs=$1 tower_runs=$2
    paste <(echo ${ours_runs[ours]} | tr ' ' '\n') <(echo ${tower_runs[tower]} | tr ' ' '\n') |
        awk '{printf "%.3f ", $1 / $2}'
}
clean_ratios=$(ratios clean clean)
incr_ratios=$(ratios incr incr)
printf '| ratio ours / tower-http (median of per-repeat ratios) | %.2f× | %.2f× | %s | %s |\n' \
    "$(echo "$clean_ratios" | median)" "$(echo "$incr_ratios" | median)" "$clean_ratios" "$incr_ratios"
