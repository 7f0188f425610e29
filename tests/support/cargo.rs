//! Running cargo in a generated crate, for the tests that build them (tests/codegen.rs,
//! tests/codegen_restate.rs). Included by `#[path]` where needed.

use std::path::Path;
use std::process::Command as Process;

/// The cargo that runs these tests (`CARGO`), or the one on `PATH`.
pub fn cargo() -> Process {
    Process::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
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
