//! Compile-time behaviour of the macros: every rejected form (with its message, in
//! `tests/ui/fail/*.stderr`) and every accepted form.
//!
//! Regenerate snapshots with `TRYBUILD=overwrite cargo test --test ui`; run one case with
//! `cargo test --test ui -- ui trybuild=unknown-key.rs` (`ui` keeps
//! libtest from filtering the test out).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
