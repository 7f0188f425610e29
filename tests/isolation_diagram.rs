//! Language version 2, isolation, drawn: the counterexample of each "taking the
//! countermeasure away" variant of the contract's order saga (`specs/place-order.yaml`),
//! and the `--with` hazard, as a sequence diagram showing both instances (`[a]`/`[b]`
//! prefixed messages, notes over the owner of each shared record touched, the violation
//! the last note); a record's states (`--kind state --resource order`). Every diagram is
//! read by Mermaid's own parser (`../shared/tools/mermaid-check`, on node), which must read
//! back the participants and texts meant.

use std::path::PathBuf;

use assert_cmd::Command;
use sagac::check::check_source;
use sagac::diagram::{self, Diagram, DrawnKind};
use sagac::model::Saga;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::source::SourceFile;
use serde_json::Value;

const PLACE_ORDER: &str = include_str!("../specs/place-order.yaml");
const CANCEL_ORDER: &str = include_str!("../specs/cancel-order.yaml");
const COMMUTATIVE: &str = "commutative: true,\n           pessimistic_view: decrease }";
const NOT_COMMUTATIVE: &str = "commutative: false,\n           pessimistic_view: decrease }";
const RELEASE: &str =
    "    compensation: ReleaseInventory     # default effect: increase stock[item]";
#[path = "support/mermaid_check.rs"]
mod support_mermaid;
use support_mermaid::{meant, mermaid_check, read_back};

fn mutate(pairs: &[(&str, &str)]) -> String {
    let mut text = PLACE_ORDER.to_owned();
    for (from, to) in pairs {
        assert_eq!(text.matches(from).count(), 1, "{from:?} once in the spec");
        text = text.replacen(from, to, 1);
    }
    text
}

fn saga(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked.model().expect("the spec resolves").clone()
}

/// Each variant that takes a countermeasure away, with the scenario and the invariant the
/// contract names for it.
fn variants() -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        (
            "without pessimistic_view",
            mutate(&[(COMMUTATIVE, "commutative: true }")]),
            "a/fail:charge_credit",
            "no_dirty_read",
        ),
        (
            "reserve by write",
            mutate(&[
                (COMMUTATIVE, NOT_COMMUTATIVE),
                ("- decrease: stock[item]", "- write: stock[item]"),
            ]),
            "happy",
            "no_lost_update",
        ),
        (
            "release by write",
            mutate(&[
                (COMMUTATIVE, NOT_COMMUTATIVE),
                (
                    RELEASE,
                    "    compensation:\n      action: ReleaseInventory\n      effects: [{ write: \"stock[item]\" }]",
                ),
            ]),
            "a/fail:charge_credit",
            "no_lost_update",
        ),
    ]
}

fn find<'a>(scenarios: &'a [IsolationScenario], name: &str) -> &'a IsolationScenario {
    scenarios
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("scenario {name}"))
}

/// Asserts the diagram shows both instances acting, a note on a shared record, and ends
/// with the violation.
fn shows_both(d: &Diagram, invariant: &str, record: &str) {
    let messages = |prefix: &str| {
        d.drawn
            .iter()
            .filter(|m| m.kind == DrawnKind::Message && m.text.starts_with(prefix))
            .count()
    };
    assert!(messages("[a] ") > 0 && messages("[b] ") > 0, "{}", d.text);
    assert!(
        d.drawn
            .iter()
            .all(|m| m.kind == DrawnKind::Note || m.text.starts_with('[')),
        "every message names its instance:\n{}",
        d.text
    );
    assert!(
        d.drawn
            .iter()
            .any(|m| m.kind == DrawnKind::Note && m.text.contains(record)),
        "a note on {record}:\n{}",
        d.text
    );
    let last = d.drawn.last().expect("something drawn");
    assert_eq!(last.kind, DrawnKind::Note);
    assert!(
        last.text.starts_with(&format!("{invariant} broken: ")),
        "{}",
        last.text
    );
    // Each service is declared once, whatever the instances.
    let mut ids: Vec<&str> = d.participants.iter().map(|p| p.id.as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "{}", d.text);
}

/// Every counterexample drawn by the variants and the `--with` hazard, named.
fn counterexamples() -> Vec<(String, Diagram)> {
    let mut out = Vec::new();
    for (variant, text, name, invariant) in variants() {
        let saga = saga(&text);
        let instances = Instances::of(&saga);
        let scenarios =
            isolation::enumerate(&instances, FaultKind::defaults(&saga), 1, Search::Reduced)
                .expect("simulated");
        let s = find(&scenarios, name);
        let v = s
            .violations
            .iter()
            .find(|v| v.invariant.as_str() == invariant)
            .unwrap_or_else(|| panic!("{variant}: {invariant} in {name}"));
        let d = diagram::isolation::counterexample(&instances.sagas, &s.labels, v);
        shows_both(&d, invariant, "stock[item]");
        out.push((format!("{variant}: {invariant} in {name}"), d));
    }
    let (a, b) = (saga(PLACE_ORDER), saga(CANCEL_ORDER));
    let instances = Instances::with(&a, &b);
    let s = isolation::run(
        &instances,
        &isolation::parse_name(&instances, "b/timeout:begin_cancel").unwrap(),
        Search::Reduced,
    )
    .unwrap();
    let d = diagram::isolation::counterexample(&instances.sagas, &s.labels, &s.violations[0]);
    shows_both(&d, "locks_released", "order[order_id]");
    assert!(
        d.drawn.iter().any(|m| m
            .text
            .contains("[b] moves order[order_id] from PENDING to CANCEL_PENDING")
            || m.text
                .contains("[b] moves order[order_id] from APPROVED to CANCEL_PENDING")),
        "{}",
        d.text
    );
    out.push(("--with cancel-order: locks_released".to_owned(), d));
    out
}

#[test]
fn each_counterexample_shows_both_instances() {
    assert_eq!(counterexamples().len(), 4);
}

#[test]
fn a_dirty_read_is_noted_with_the_pending_change_it_saw() {
    let (_, text, name, _) = &variants()[0];
    let saga = saga(text);
    let instances = Instances::of(&saga);
    let s = isolation::run(
        &instances,
        &isolation::parse_name(&instances, name).unwrap(),
        Search::Reduced,
    )
    .unwrap();
    let d = diagram::isolation::counterexample(&instances.sagas, &s.labels, &s.violations[0]);
    let notes: Vec<(&str, &str)> = d
        .drawn
        .iter()
        .filter(|m| m.kind == DrawnKind::Note)
        .map(|m| (m.from.as_str(), m.text.as_str()))
        .collect();
    assert!(
        notes.contains(&(
            "inventory",
            "[b] reads stock[item] (pending decrease of [a])"
        )),
        "{notes:?}"
    );
    assert!(
        notes.contains(&("inventory", "[a] increases stock[item], undoing its change")),
        "{notes:?}"
    );
}

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

fn stdout_of(args: &[&str]) -> (Option<i32>, String, String) {
    let out = sagac().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The ```` ```mermaid ```` fences of a text.
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

#[test]
fn the_commands_draw_the_instances() {
    // `simulate --diagram` of the --with hazard: one fence per counterexample.
    let (code, out, _) = stdout_of(&[
        "simulate",
        "specs/place-order.yaml",
        "--with",
        "specs/cancel-order.yaml",
        "--diagram",
    ]);
    assert_eq!(code, Some(1));
    let drawn = fences(&out);
    assert_eq!(drawn.len(), 1, "{out}");
    assert!(drawn[0].contains("[b] BeginCancel"), "{}", drawn[0]);
    assert!(drawn[0].contains("Note over order"), "{}", drawn[0]);
    // JSON carries the same diagram.
    let (_, json, _) = stdout_of(&[
        "simulate",
        "specs/place-order.yaml",
        "--with",
        "specs/cancel-order.yaml",
        "--diagram",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let diagrams: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["violations"].as_array().unwrap())
        .map(|v| v["diagram"].as_str().unwrap())
        .collect();
    assert_eq!(diagrams, [drawn[0].as_str()]);
    // `diagram --path <scenario>`: the run, with both instances.
    let (code, out, err) = stdout_of(&[
        "diagram",
        "specs/place-order.yaml",
        "--path",
        "a/fail:charge_credit",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("[a] ChargeCredit failed"), "{out}");
    assert!(
        out.contains("orchestrator-->>caller: [b] Approved"),
        "{out}"
    );
    // Usage errors, exit 2 and nothing written (the default diagram draws the instances:
    // tests/isolation_diagram_all.rs).
    for args in [
        &[
            "diagram",
            "specs/place-order.yaml",
            "--path",
            "fail:charge_credit",
        ][..],
        &["diagram", "specs/place-order.yaml", "--resource", "order"],
        &[
            "diagram",
            "specs/place-order.yaml",
            "--kind",
            "state",
            "--resource",
            "stock",
        ],
        &[
            "diagram",
            "specs/place-order.yaml",
            "--kind",
            "state",
            "--resource",
            "nope",
        ],
        &[
            "diagram",
            "specs/trip.yaml",
            "--kind",
            "state",
            "--resource",
            "order",
        ],
    ] {
        let (code, out, err) = stdout_of(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

#[test]
fn a_records_states_are_drawn_with_the_actions_that_move_it() {
    let (code, out, err) = stdout_of(&[
        "diagram",
        "specs/cancel-order.yaml",
        "--kind",
        "state",
        "--resource",
        "order",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("stateDiagram-v2\n"), "{out}");
    assert!(
        out.contains("    APPROVED --> CANCEL_PENDING: BeginCancel\n"),
        "{out}"
    );
    assert!(
        out.contains("    CANCEL_PENDING --> APPROVED: UndoBeginCancel\n"),
        "{out}"
    );
    assert!(
        out.contains("    class PENDING,CANCEL_PENDING locked\n"),
        "{out}"
    );
    assert!(out.contains("on_locked: wait"), "{out}");
    let (_, place, _) = stdout_of(&[
        "diagram",
        "specs/place-order.yaml",
        "--kind",
        "state",
        "--resource",
        "order",
    ]);
    assert!(
        place.contains("    [*] --> PENDING: CreateOrder\n"),
        "{place}"
    );
    assert!(
        place.contains("    PENDING --> REJECTED: RejectOrder\n"),
        "{place}"
    );
}

#[test]
fn mermaid_reads_every_isolation_diagram() {
    let mut cases: Vec<(String, String, Option<Diagram>, &str)> = counterexamples()
        .into_iter()
        .map(|(name, d)| (name, d.text.clone(), Some(d), "sequence"))
        .collect();
    for spec in ["specs/place-order.yaml", "specs/cancel-order.yaml"] {
        let (_, text, _) = stdout_of(&["diagram", spec, "--kind", "state", "--resource", "order"]);
        cases.push((
            format!("{spec} --resource order"),
            text,
            None,
            "stateDiagram",
        ));
    }
    let (_, md, _) = stdout_of(&[
        "diagram",
        "specs/place-order.yaml",
        "--path",
        "a/fail:charge_credit",
        "--markdown",
    ]);
    for text in fences(&md) {
        cases.push((
            "--path a/fail:charge_credit".to_owned(),
            text,
            None,
            "sequence",
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = dir.path().join(format!("{i:02}.mmd"));
            std::fs::write(&p, &c.1).unwrap();
            p
        })
        .collect();
    let Some(results) = mermaid_check(&paths) else {
        return;
    };
    for ((name, text, d, kind), result) in cases.iter().zip(&results) {
        assert_eq!(result["ok"], Value::Bool(true), "{name}: {result}\n{text}");
        assert_eq!(result["type"], *kind, "{name}: {result}");
        if let Some(d) = d {
            assert_eq!(read_back(result), meant(d), "{name}\n{text}");
        }
    }
}
