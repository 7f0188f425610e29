//! `sagac diagram`: every diagram of every spec in `specs/` and `fixtures/` parses with
//! Mermaid's own parser and reads back what was meant (`diagram/mermaid.rs`); the
//! course's order saga has the flows of the course's own diagrams, and the combined
//! diagram's branches are the scenarios' runs (`diagram/flows.rs`); snapshots pin the
//! text (here); output is deterministic, `-o` never leaves half a diagram, and usage errors
//! and bounds hold (`diagram/commands.rs`).

#[path = "diagram/commands.rs"]
mod commands;
#[path = "diagram/flows.rs"]
mod flows;
#[path = "diagram/mermaid.rs"]
mod mermaid;
#[path = "support/mermaid_check.rs"]
mod support_mermaid;
#[path = "diagram/v2.rs"]
mod v2;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sagac::check;
use sagac::diagram::{self, Diagram, flowchart, markdown, sequence, state};
use sagac::load;
use sagac::model::{Coordination, Saga};
use sagac::simulate;
use serde_json::Value;

fn saga(path: &Path) -> Option<Saga> {
    let checked = check::check_loaded(load::read(path).expect("readable"));
    checked.saga.filter(|_| checked.resolved)
}

fn spec(path: &str) -> Saga {
    saga(Path::new(path)).unwrap_or_else(|| panic!("{path} does not resolve"))
}

#[path = "support/pending.rs"]
mod pending;

/// The specs below `dir`, less those whose version 2 semantics are not implemented yet.
fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files = load::discover(Path::new(dir)).expect("directory has specs");
    files.sort();
    files.retain(|p| pending::runs(p));
    files
}

/// The ```` ```mermaid ```` fences of a Markdown document.
fn fences(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line) {
            (None, "```mermaid") => current = Some(String::new()),
            (Some(_), "```") => out.extend(current.take()),
            (Some(text), l) => {
                text.push_str(l);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "unclosed fence");
    out
}

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = sagac().args(args).assert().success().get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

/// An orchestration of `n` compensatable steps on one service.
fn compensatable_orchestration(n: usize) -> String {
    let mut spec = String::from(
        "version: 1\nsaga: big\ncoordination: orchestration\nparticipants:\n  order: {}\n  svc: {}\n\
         orchestrator: { participant: order, log: big_log }\n\
         trigger: { participant: order, action: CreateOrder, event: order.created, outbox: { table: order_outbox, relay: cdc } }\nsteps:\n",
    );
    for i in 0..n {
        spec.push_str(&format!(
            "  - {{ id: step_{i}, participant: svc, action: Do{i}, compensation: Undo{i} }}\n"
        ));
    }
    spec
}

/// The snapshots stay in this file: their names begin with its module's (`diagram__`).
#[test]
fn snapshots() {
    for path in yaml_files("specs") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let saga = spec(path.to_str().unwrap());
        insta::assert_snapshot!(format!("{stem}-sequence"), diagram::combined(&saga).text);
        insta::assert_snapshot!(format!("{stem}-flowchart"), flowchart::render(&saga));
        if saga.coordination == Coordination::Orchestration {
            insta::assert_snapshot!(
                format!("{stem}-state"),
                state::render(&saga).expect("an orchestration has a state machine")
            );
        }
    }
    for path in yaml_files("fixtures/diagram") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let saga = spec(path.to_str().unwrap());
        insta::assert_snapshot!(format!("{stem}-sequence"), diagram::combined(&saga).text);
    }
    for spec in [
        "specs/order-orchestration.yaml",
        "specs/order-choreography.yaml",
    ] {
        let stem = Path::new(spec)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(
            format!("{stem}-every-markdown"),
            stdout_of(&["diagram", spec, "--path", "every", "--markdown"])
        );
    }
}
