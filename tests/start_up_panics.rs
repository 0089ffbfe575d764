//! Policies that cannot be built at start-up (an `env(..)` variable unset, a const origin that
//! breaks a rule): the panic names the policy (and the handler whose policy it is), lists every
//! problem, and points at the caller's line (the `with_cors!`, the `X::layer()`, the
//! `policy_of`, the `CorsLayer::new`), not at this crate's source.
//!
//! One test, since the panic hook that records the location is process-wide.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::{
        atomic::{AtomicBool, Ordering},
        Mutex,
    },
};

use cors_runtime::{
    cors, cors_policy, policy_of, with_cors, CorsLayer, CorsMethodRouter, CorsRouter, Origins, Spec,
};

const APP: &str = "https://app.example.com/";
const ADMIN: &str = "HTTPS://admin.example.com";

#[cors(origins = [APP, "https://ok.example.com", ADMIN], credentials)]
async fn bad_consts() {}

#[cors(origins = env("CORS_RUNTIME_TEST_PANIC_NEVER_SET"))]
async fn unset_env() {}

#[cors_policy(origins = env("CORS_RUNTIME_TEST_PANIC_NEVER_SET_EITHER"))]
struct UnsetGroup;

#[cors_policy(origins = [APP])]
struct BadBase;

#[cors(policy = BadBase, max_age = 60)]
async fn based() {}

const BAD_DEFAULT: Spec = Spec {
    name: "hand_written",
    origins: Origins::EnvOr {
        var: "CORS_RUNTIME_TEST_PANIC_NEVER_SET",
        default: &["https://a.example/", "https://b.example?x"],
    },
    ..Spec::DEFAULT
};

/// Where the last expected panic happened, and its message.
static LAST: Mutex<Option<(String, String, u32)>> = Mutex::new(None);
static EXPECTING: AtomicBool = AtomicBool::new(false);

/// Runs `f`, which must panic on line `line` of this file; returns the message.
fn panics_at(line: u32, f: impl FnOnce()) -> String {
    *LAST.lock().unwrap() = None;
    EXPECTING.store(true, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(f));
    EXPECTING.store(false, Ordering::SeqCst);
    assert!(result.is_err(), "line {line}: no panic");
    let (message, file, at) = LAST.lock().unwrap().take().expect("the hook ran");
    assert_eq!((file.as_str(), at), (file!(), line), "{message}");
    message
}

/// `$e` must panic, at this line (`line!()` in a macro is the line of its outermost
/// invocation: this one).
macro_rules! panics_here {
    ($e:expr) => {
        panics_at(line!(), || {
            let _ = $e;
        })
    };
}

#[test]
fn start_up_panics_name_the_policy_list_every_problem_and_point_at_the_caller() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !EXPECTING.load(Ordering::SeqCst) {
            return default_hook(info);
        }
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| {
                info.payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
            })
            .unwrap_or_default();
        let location = info.location().expect("a location");
        *LAST.lock().unwrap() = Some((message, location.file().to_owned(), location.line()));
    }));

    // A handler's policy: built where `with_cors!` mounts it, every bad const entry listed.
    let message = panics_here!(with_cors!(put(bad_consts)) as CorsMethodRouter);
    assert!(
        message.starts_with("invalid CORS policy of handler `bad_consts`: 2 problems"),
        "{message}"
    );
    assert!(
        message.contains("const `APP`: origin `https://app.example.com/` has a trailing slash; write `https://app.example.com`"),
        "{message}"
    );
    assert!(
        message.contains("const `ADMIN`: origin `HTTPS://admin.example.com` has uppercase letters"),
        "{message}"
    );

    // The same through a router, and through `policy_of`.
    let message = panics_here!(CorsRouter::<()>::new().route("/", with_cors!(get(unset_env))));
    assert!(
        message.starts_with("invalid CORS policy of handler `unset_env`: environment variable `CORS_RUNTIME_TEST_PANIC_NEVER_SET` (from `origins = env(\"CORS_RUNTIME_TEST_PANIC_NEVER_SET\")`) is not set"),
        "{message}"
    );
    assert!(
        message.contains("default = \"http://localhost:3000\""),
        "{message}"
    );
    panics_here!(policy_of::<unset_env>());

    // A named policy: built where `X::layer()` is called.
    let message = panics_here!(UnsetGroup::layer());
    assert!(
        message.starts_with("invalid CORS policy `UnsetGroup`: environment variable `CORS_RUNTIME_TEST_PANIC_NEVER_SET_EITHER`"),
        "{message}"
    );

    // A handler merged over a named policy names both.
    let message = panics_here!(with_cors!(get(based)) as CorsMethodRouter);
    assert!(
        message.starts_with(
            "invalid CORS policy of handler `based` (`policy = BadBase`): const `APP`: origin"
        ),
        "{message}"
    );

    // A hand-written spec: every bad entry of the default, named as such.
    let message = panics_here!(CorsLayer::new(&BAD_DEFAULT));
    assert!(
        message.starts_with("invalid CORS policy `hand_written`: 2 problems"),
        "{message}"
    );
    assert!(
        message.contains("the default of `env(\"CORS_RUNTIME_TEST_PANIC_NEVER_SET\")` (`CORS_RUNTIME_TEST_PANIC_NEVER_SET` is not set), entry `https://a.example/`: origin `https://a.example/` has a trailing slash"),
        "{message}"
    );
    assert!(message.contains("entry `https://b.example?x`"), "{message}");

    drop(std::panic::take_hook());
}
