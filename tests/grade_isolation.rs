//! `sagac grade` of a saga with `resources` (language version 2, isolation): a rubric's
//! `rules_absent` selects the isolation invariants `check` reports (V709-V713), and a
//! `scenario` runs the instances interleaved with the fault on one of them (`instance`,
//! default `a`), judging that instance's outcome and the invariants, isolation ones
//! included.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const PLACE_ORDER: &str = include_str!("../specs/place-order.yaml");
const VIEW: &str = "commutative: true,\n           pessimistic_view: decrease }";

const RUBRIC: &str = r#"version: 1
assignment: isolation
title: Two orders at once
roles:
  credit: { matches: "credit|charge", describe: the credit step }
criteria:
  - id: no_anomaly
    title: No isolation anomaly
    points: 1
    check: { rules_absent: [V709, V710, V711, V712, V713] }
    feedback: { pass: "No anomaly.", fail: "An anomaly." }
  - id: credit_fails_in_a
    title: A failed charge leaves no dirty read
    points: 1
    check: { scenario: { step: credit, outcome: compensated, invariants: [no_dirty_read, atomicity] } }
    feedback: { pass: "Good.", fail: "Bad." }
  - id: credit_fails_in_b
    title: The same, the fault on the second order
    points: 1
    check: { scenario: { step: credit, instance: b, invariants: [no_dirty_read] } }
    feedback: { pass: "Good.", fail: "Bad." }
"#;

fn grade(spec: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let submission = dir.path().join("student");
    fs::create_dir_all(&submission).unwrap();
    fs::write(submission.join("saga.yaml"), spec).unwrap();
    let rubric = dir.path().join("rubric.yaml");
    fs::write(&rubric, RUBRIC).unwrap();
    let out = Command::cargo_bin("sagac")
        .unwrap()
        .args(["grade", "--format", "json", "--rubric"])
        .arg(&rubric)
        .arg(&submission)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn status(v: &serde_json::Value, i: usize) -> (&str, &str) {
    (
        v["criteria"][i]["status"].as_str().unwrap(),
        v["criteria"][i]["feedback"].as_str().unwrap(),
    )
}

#[test]
fn the_order_saga_with_its_countermeasures_earns_full_marks() {
    let v = grade(PLACE_ORDER);
    for i in 0..3 {
        let (status, feedback) = status(&v, i);
        assert_eq!(status, "pass", "criterion {i}: {feedback}");
    }
    let (_, feedback) = status(&v, 1);
    assert!(
        feedback.contains("[a] ends compensated, [b] ends completed"),
        "{feedback}"
    );
    assert!(feedback.contains("a/fail:charge_credit"), "{feedback}");
    let (_, feedback) = status(&v, 2);
    assert!(feedback.contains("b/fail:charge_credit"), "{feedback}");
}

#[test]
fn without_pessimistic_view_the_dirty_read_is_found_by_both_checks() {
    assert_eq!(PLACE_ORDER.matches(VIEW).count(), 1);
    let v = grade(&PLACE_ORDER.replacen(VIEW, "commutative: true }", 1));
    let (rules, feedback) = status(&v, 0);
    assert_eq!(rules, "fail");
    assert!(feedback.contains("V710"), "{feedback}");
    for i in [1, 2] {
        let (status, feedback) = status(&v, i);
        assert_eq!(status, "fail", "criterion {i}");
        assert!(
            feedback.contains("Invariant `no_dirty_read` is broken"),
            "{feedback}"
        );
        assert!(
            feedback.contains("A shortest run that breaks it: `[a] "),
            "{feedback}"
        );
    }
    assert_eq!(v["score"], 0.0);
}

#[test]
fn a_rubric_naming_no_invariant_or_instance_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for (bad, says) in [
        (
            "instance: e, invariants: [no_dirty_read]",
            "`instance` is a letter from `a` to `d`",
        ),
        (
            "instance: b, invariants: [no_lost_updates]",
            "`no_lost_updates` is no invariant",
        ),
    ] {
        let rubric = dir.path().join("rubric.yaml");
        fs::write(
            &rubric,
            RUBRIC.replacen("instance: b, invariants: [no_dirty_read]", bad, 1),
        )
        .unwrap();
        let out = Command::cargo_bin("sagac")
            .unwrap()
            .args(["grade", "--rubric"])
            .arg(&rubric)
            .arg(Path::new("specs"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{bad}: {err}");
    }
}
