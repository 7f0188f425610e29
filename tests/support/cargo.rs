//! Running cargo in a generated crate, for the tests that build them (tests/codegen.rs,
//! tests/codegen_restate.rs). Included by `#[path]` where needed.

use std::path::Path;
use std::process::Command as Process;

/// The cargo that runs these tests (`CARGO`), or the one on `PATH`, building without debug
/// information or incremental caches: a generated crate lives in a fresh temporary folder
/// each run, so neither would be reused, and together they made most of the disk the
/// generated crates take (a panic's message still names its file and line).
pub fn cargo() -> Process {
    let mut cargo = Process::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cargo
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0");
    cargo
}

/// Runs a command in the crate, failing the test with its output when it fails.
pub fn run_in(dir: &Path, mut cmd: Process, what: &str) -> String {
    let out = cmd.current_dir(dir).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed in {}:\n{text}",
        dir.display()
    );
    text
}

/// The generated crate in `krate` passes `tests` tests (`cargo test`), clippy `-D warnings`
/// and rustfmt, built in `target`.
#[allow(dead_code)] // tests/codegen_restate.rs checks its crates against the server instead
pub fn passes_tests_clippy_and_fmt(krate: &Path, target: &Path, spec: &str, tests: usize) {
    let mut test = cargo();
    test.args(["test", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", target);
    let output = run_in(krate, test, &format!("{spec}: cargo test"));
    assert!(
        output.contains(&format!("test result: ok. {tests} passed")),
        "{spec}: expected {tests} scenario tests to pass:\n{output}"
    );
    let mut clippy = cargo();
    clippy
        .args(["clippy", "--offline", "--all-targets", "--quiet", "--"])
        .args(["-D", "warnings"])
        .env("CARGO_TARGET_DIR", target);
    run_in(krate, clippy, &format!("{spec}: cargo clippy"));
    let mut fmt = cargo();
    fmt.args(["fmt", "--check"]);
    run_in(krate, fmt, &format!("{spec}: cargo fmt --check"));
}
