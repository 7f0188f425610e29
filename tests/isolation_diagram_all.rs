//! Language version 2, isolation: `sagac diagram` of a spec with resources without a
//! scenario (`--path all`, the default, and `--path every`; `docs/diagrams.md`, "A spec
//! with resources"). Version 1's combined diagram would draw one instance in `alt`
//! branches; here `all` draws the happy run of the instances and, per invariant the
//! single-fault scenarios break, the first counterexample, and `every` each scenario's
//! run. Every diagram is read by Mermaid's own parser.

use std::path::PathBuf;

use assert_cmd::Command;
use sagac::check::check_source;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, Search};
use sagac::source::SourceFile;

#[path = "support/mermaid_check.rs"]
#[allow(dead_code)] // this file reads only whether Mermaid parsed each diagram, and its type
mod support_mermaid;
use support_mermaid::mermaid_check;

const REACTION: &str = "fixtures/isolation/reaction-overwrites-stock.yaml";

fn stdout_of(args: &[&str]) -> String {
    let out = Command::cargo_bin("sagac")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The ```` ```mermaid ```` fences of a Markdown text.
fn fences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line) {
            (None, "```mermaid") => current = Some(String::new()),
            (Some(_), "```") => out.extend(current.take()),
            (Some(c), l) => {
                c.push_str(l);
                c.push('\n');
            }
            _ => {}
        }
    }
    out
}

fn headings(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("## ")).collect()
}

#[test]
fn the_default_diagram_of_a_clean_spec_is_the_happy_run_of_its_instances() {
    let md = stdout_of(&["diagram", "specs/place-order.yaml", "--markdown"]);
    assert_eq!(headings(&md), ["## `happy`"], "{md}");
    assert!(
        md.contains("Outcome: [a] completed, [b] completed. No invariant breaks in the 24 scenarios at one fault"),
        "{md}"
    );
    // Without --markdown: the one diagram, the same as `--path happy` draws first.
    let plain = stdout_of(&["diagram", "specs/place-order.yaml"]);
    let happy = stdout_of(&["diagram", "specs/place-order.yaml", "--path", "happy"]);
    assert_eq!(plain, happy);
    assert!(plain.contains("[b] CreateOrder"), "{plain}");
}

#[test]
fn the_default_diagram_draws_each_broken_invariant_once() {
    let md = stdout_of(&["diagram", REACTION, "--markdown"]);
    assert_eq!(
        headings(&md),
        ["## `happy`", "## `happy: no_lost_update`"],
        "{md}"
    );
    assert!(
        md.contains("Broken in the 16 scenarios at one fault: no_lost_update"),
        "{md}"
    );
    assert!(
        md.contains("(also in 11 other scenarios: `sagac simulate --diagram` draws each)"),
        "{md}"
    );
    let diagrams = fences(&md);
    assert_eq!(diagrams.len(), 2);
    assert!(diagrams[1].contains("no_lost_update"), "{}", diagrams[1]);
}

#[test]
fn every_path_draws_each_single_fault_scenario_and_mermaid_reads_them() {
    let text = std::fs::read_to_string("specs/place-order.yaml").unwrap();
    let checked = check_source(SourceFile::new("specs/place-order.yaml", text));
    let saga = checked.model().unwrap();
    let scenarios = isolation::enumerate(
        &Instances::of(saga),
        FaultKind::defaults(saga),
        1,
        Search::Reduced,
    )
    .unwrap();
    let md = stdout_of(&[
        "diagram",
        "specs/place-order.yaml",
        "--path",
        "every",
        "--markdown",
    ]);
    let names: Vec<String> = scenarios
        .iter()
        .map(|s| format!("## `{}`", s.name))
        .collect();
    assert_eq!(headings(&md), names);
    let mut diagrams = fences(&md);
    diagrams.extend(fences(&stdout_of(&["diagram", REACTION, "--markdown"])));
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = diagrams
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = dir.path().join(format!("{i:02}.mmd"));
            std::fs::write(&p, d).unwrap();
            p
        })
        .collect();
    let Some(results) = mermaid_check(&files) else {
        return;
    };
    for (d, r) in diagrams.iter().zip(&results) {
        assert_eq!(r["ok"], true, "{r}\n{d}");
        assert_eq!(r["type"], "sequence", "{r}");
    }
}
