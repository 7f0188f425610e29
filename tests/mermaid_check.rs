//! `sagac check` on students' diagrams (`answers.md`, `*.mmd`): errors at the file's own
//! line and column in every format, which files a folder gives and which spec a diagram is
//! compared with (`mermaid_check/files.rs`); conformance with the spec, wrong and right,
//! sagac's own diagrams and the reference ones included (`mermaid_check/conformance.rs`);
//! the reader compared with Mermaid's own parser (`mermaid_check/parser.rs`); and no text
//! that makes it panic or point outside the file (`mermaid_check/robustness.rs`).

#[path = "mermaid_check/conformance.rs"]
mod conformance;
#[path = "mermaid_check/files.rs"]
mod files;
#[path = "mermaid_check/parser.rs"]
mod parser;
#[path = "support/pending.rs"]
mod pending;
#[path = "mermaid_check/robustness.rs"]
mod robustness;
#[path = "support/mermaid_check.rs"]
mod support_mermaid;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sagac::check::{self, Checked};
use sagac::load;
use serde_json::Value;

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

/// Checks files as one run, as `sagac check A B ...` does.
fn check_files(paths: &[&Path]) -> Vec<Checked> {
    let loaded = paths
        .iter()
        .map(|p| load::read(p).expect("readable"))
        .collect();
    check::check_all(loaded, &check::Options::default())
}

/// `(code, line, column)` of every diagnostic of the files whose name ends with `suffix`.
fn found(files: &[Checked], suffix: &str) -> Vec<(String, usize, usize)> {
    files
        .iter()
        .filter(|c| c.source.name().ends_with(suffix))
        .flat_map(|c| {
            c.diagnostics.iter().map(|d| {
                let at = c.source.line_col(d.span.start);
                (d.code().to_owned(), at.line, at.column)
            })
        })
        .collect()
}

/// The codes of every diagnostic of every file.
fn codes(files: &[Checked]) -> Vec<String> {
    files
        .iter()
        .flat_map(|c| c.diagnostics.iter().map(|d| d.code().to_owned()))
        .collect()
}

/// `sagac check ARGS --format json`, parsed, with its exit code.
fn json_of(args: &[&str]) -> (Value, i32) {
    let out = sagac()
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap_or(-1))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}
