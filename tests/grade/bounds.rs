//! Submissions whose sagas are inside the size limits but have very many runs: a long
//! chain of steps, a wide parallel group. They are refused with a note instead of being
//! simulated for minutes, and one of them never takes a batch down.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use super::{copy_sample, rubric};
use sagac::grade::{self, Status};

/// An orchestration of `steps` compensatable steps, one line each, then a pivot.
fn long_saga(dir: &Path, steps: usize) {
    let mut y = String::from(
        "version: 1\nsaga: s\ncoordination: orchestration\nparticipants:\n  o: {}\n  p: {}\norchestrator: { participant: o, log: l }\ntrigger: { participant: o, action: Create, compensation: Cancel, event: e.created, outbox: { table: t, relay: cdc } }\nsteps:\n",
    );
    for i in 0..steps {
        y.push_str(&format!(
            "- {{id: s{i}, participant: p, action: A{i}, compensation: U{i}}}\n"
        ));
    }
    y.push_str("- {id: pay, participant: p, action: Charge, kind: pivot}\n");
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("saga.yaml"), y).unwrap();
}

/// The order saga with the inventory step split into a parallel group of `width`.
fn wide_saga(dir: &Path, width: usize) {
    let mut y = String::from(
        "version: 1\nsaga: place_order\ncoordination: orchestration\nparticipants:\n  order: {}\n  inventory: {}\n  payment: {}\n  notification: {}\norchestrator: { participant: order, log: order_saga_log }\ntrigger:\n  participant: order\n  action: CreateOrder\n  compensation: CancelOrder\n  event: order.created\n  outbox: { table: order_outbox, relay: polling }\nsteps:\n  - parallel:\n",
    );
    for i in 0..width {
        y.push_str(&format!(
            "      - {{ id: reserve_{i}, participant: inventory, action: Reserve{i}, compensation: Release{i}, failures: [Out] }}\n"
        ));
    }
    y.push_str("  - { id: charge_payment, participant: payment, action: ChargeCard, kind: pivot, failures: [Declined] }\n");
    y.push_str(
        "  - { id: send_email, participant: notification, action: SendEmail, kind: retriable }\n",
    );
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("saga.yaml"), y).unwrap();
}

#[test]
fn a_saga_with_too_many_runs_is_refused_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let wide = dir.path().join("wide");
    wide_saga(&wide, 10);
    let g = grade::grade_path(&rubric(), &wide);
    let refused: Vec<&str> = g
        .criteria
        .iter()
        .filter(|c| c.details.iter().any(|d| d.contains("too many runs")))
        .map(|c| c.id.as_str())
        .collect();
    assert!(!refused.is_empty(), "{g:#?}");
    for c in g
        .criteria
        .iter()
        .filter(|c| refused.contains(&c.id.as_str()))
    {
        assert_eq!(c.status, Status::Fail);
    }
    assert!(
        g.notes.iter().any(|n| n.contains("(V7xx) were not run")),
        "{:?}",
        g.notes
    );
    // The bound is counted in work, not time: the same submission stops at the same point.
    assert_eq!(grade::grade_path(&rubric(), &wide), g);
}

/// Under a memory cap, a batch with sagas that the simulator cannot afford still writes
/// every grade: before the bound, the process aborted and no CSV was written.
#[cfg(unix)]
#[test]
fn one_submission_never_takes_the_batch_down() {
    let dir = tempfile::tempdir().unwrap();
    let normal = dir.path().join("normal");
    copy_sample("no-outbox", &normal);
    let long = dir.path().join("long");
    long_saga(&long, 6_000);
    let wide = dir.path().join("wide");
    wide_saga(&wide, 14);
    let csv = dir.path().join("grades.csv");
    // 1 GiB of address space: the unbounded simulation of `long` needed more than 2.
    let status = Process::new("bash")
        .args(["-c", r#"ulimit -v 1048576 && exec "$@""#, "bash"])
        .arg(env!("CARGO_BIN_EXE_sagac"))
        .arg("grade")
        .args([&normal, &long, &wide])
        .args([
            "--assignment",
            "order-saga",
            "--format",
            "json",
            "--jobs",
            "2",
        ])
        .arg("--summary")
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let grades: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let scores: Vec<f64> = grades
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores[0], 9.0);
    for g in &grades.as_array().unwrap()[1..] {
        let feedback = g["criteria"].to_string();
        assert!(feedback.contains("too many runs"), "{feedback}");
    }
    let csv = fs::read_to_string(&csv).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
}

#[test]
fn a_budget_changes_nothing_it_covers_and_stops_what_it_does_not() {
    use sagac::scenario::{self, Budget, Options};
    let mut specs: Vec<_> = fs::read_dir("specs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 5);
    for path in specs {
        let checked = sagac::check::check_source(sagac::source::SourceFile::new(
            path.display().to_string(),
            fs::read_to_string(&path).unwrap(),
        ));
        let saga = checked.model().unwrap();
        let options = Options::default();
        let within =
            scenario::enumerate_within(saga, &options, &Budget::new(grade::work::RULES_WORK))
                .expect("a shipped spec is within the grader's budget");
        assert_eq!(
            format!("{within:?}"),
            format!("{:?}", scenario::enumerate(saga, &options)),
            "{}",
            path.display()
        );
        let tiny = Budget::new(100);
        assert!(scenario::run_within(saga, &[], &tiny).is_none());
        assert_eq!(tiny.left(), 0);
        assert!(scenario::run_within(saga, &[], &tiny).is_none());
    }
}
