//! What Gradescope and GitHub Classroom receive beyond the grade itself: visibility and
//! execution time, a student-safe message when sagac cannot grade, and Classroom totals that
//! the grading reporter's table and Classroom itself read alike.

use std::fs;

use super::sagac;

const PARTIAL_RUBRIC: &str = r#"version: 1
assignment: halves
title: Halves
visibility: after_published
roles:
  stock: { matches: "inventor|stock", describe: the stock step }
criteria:
  - id: no_dual_write
    title: No dual write
    points: 1.5
    check: { rules_absent: [W601] }
    feedback: { pass: "No dual write.", fail: "A dual write." }
  - id: released
    title: Stock released when it fails
    points: 2.5
    visibility: hidden
    check: { scenario: { step: stock, outcome: compensated } }
    feedback: { pass: "Good.", fail: "Bad." }
  - id: coordination
    title: Coordination
    points: 2
    partial: true
    check: { coordination: { styles: [orchestration, choreography], min_words: 400 } }
    feedback: { pass: "Good.", fail: "Write more." }
"#;

fn write_rubric(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("rubric.yaml");
    fs::write(&path, PARTIAL_RUBRIC).unwrap();
    path
}

#[test]
fn gradescope_gets_visibility_and_execution_time() {
    let dir = tempfile::tempdir().unwrap();
    let rubric = write_rubric(dir.path());
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/no-outbox",
            "--format",
            "gradescope",
        ])
        .arg("--rubric")
        .arg(&rubric)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["visibility"], "after_published");
    assert!(v["execution_time"].is_u64(), "{v}");
    let tests = v["tests"].as_array().unwrap();
    assert!(tests[0].get("visibility").is_none(), "{}", tests[0]);
    assert_eq!(tests[1]["visibility"], "hidden");
    // Without a rubric visibility the keys are left out: Gradescope's own default holds.
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/no-outbox",
            "--format",
            "gradescope",
            "--assignment",
            "order-saga",
        ])
        .assert()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v.get("visibility").is_none());
    assert!(v["execution_time"].is_u64());
}

#[test]
fn an_unknown_visibility_is_a_rubric_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rubric.yaml");
    fs::write(&path, PARTIAL_RUBRIC.replace("after_published", "later")).unwrap();
    sagac()
        .args(["grade", "fixtures/submissions/no-outbox", "--rubric"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("later"));
}

/// The reporter's table: (tests passed / tests) × max_score.
fn reporter_table_score(result: &serde_json::Value) -> f64 {
    let tests = result["tests"].as_array().unwrap();
    let passed = tests.iter().filter(|t| t["status"] == "pass").count();
    passed as f64 / tests.len() as f64 * result["max_score"].as_f64().unwrap()
}

/// What Classroom records: the sum of the tests' scores.
fn classroom_total(result: &serde_json::Value) -> f64 {
    result["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .sum()
}

#[test]
fn partial_credit_reads_the_same_in_the_reporter_table_and_in_classroom() {
    let dir = tempfile::tempdir().unwrap();
    let rubric = write_rubric(dir.path());
    for submission in [
        "no-outbox",
        "short-rationale-no-diagram",
        "correct-orchestration",
        "dual-write",
    ] {
        let out = sagac()
            .args(["grade", &format!("fixtures/submissions/{submission}")])
            .args(["--format", "classroom", "--rubric"])
            .arg(&rubric)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let json = sagac()
            .args(["grade", &format!("fixtures/submissions/{submission}")])
            .args(["--format", "json", "--rubric"])
            .arg(&rubric)
            .output()
            .unwrap()
            .stdout;
        let grade: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let score = grade["score"].as_f64().unwrap();
        assert_eq!(classroom_total(&v), score, "{submission}");
        assert!(
            (reporter_table_score(&v) - score).abs() < 1e-9,
            "{submission}: table {} vs {score}",
            reporter_table_score(&v)
        );
    }
    // The built-in rubric too, on every sample (whole points).
    for entry in fs::read_dir("fixtures/submissions").unwrap() {
        let path = entry.unwrap().path();
        let out = sagac()
            .arg("grade")
            .arg(&path)
            .args(["--format", "classroom", "--assignment", "order-saga"])
            .output()
            .unwrap()
            .stdout;
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(
            (reporter_table_score(&v) - classroom_total(&v)).abs() < 1e-9,
            "{}",
            path.display()
        );
    }
}

#[test]
fn when_sagac_cannot_grade_students_see_a_zero_and_why_without_the_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("rubric.yaml");
    fs::write(&bad, "version: 1\nassignment: x\ntitle: X\ncriteria: [\n").unwrap();
    let github_output = dir.path().join("github_output");
    // Classroom: the step succeeds, so the reporter runs and records the 0.
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/no-outbox",
            "--format",
            "classroom",
        ])
        .arg("--rubric")
        .arg(&bad)
        .env("GITHUB_OUTPUT", &github_output)
        .assert()
        .code(0)
        .stderr(predicates::str::contains("rubric.yaml"))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let message = v["tests"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("the assignment's rubric has an error"),
        "{message}"
    );
    assert!(
        !message.contains("rubric.yaml") && !message.contains("line"),
        "{message}"
    );
    assert!(
        fs::read_to_string(&github_output)
            .unwrap()
            .starts_with("result=")
    );

    // A usage error with a readable rubric: 0 out of the rubric's points.
    let out = sagac()
        .args(["grade", "no-such-folder", "--format", "classroom"])
        .args(["--assignment", "order-saga"])
        .env("GITHUB_OUTPUT", &github_output)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["max_score"], 10);
    assert_eq!(classroom_total(&v), 0.0);
    let message = v["tests"][0]["message"].as_str().unwrap();
    assert!(!message.contains("no-such-folder"), "{message}");
}

#[test]
fn the_classroom_example_reports_always_and_caches_the_build() {
    let text = fs::read_to_string("examples/github-classroom/classroom.yml").unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let steps = workflow["jobs"]["autograding"]["steps"].as_array().unwrap();
    let reporter = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("autograding-grading-reporter"))
        })
        .unwrap();
    assert_eq!(reporter["if"], "always()");
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache"))
        })
        .expect("a cache step for the sagac build");
    let install = steps.iter().find(|s| s["name"] == "Install sagac").unwrap();
    assert!(
        install["if"].as_str().unwrap().contains(&format!(
            "steps.{}.outputs.cache-hit",
            cache["id"].as_str().unwrap()
        )),
        "the install is skipped on a cache hit: {install}"
    );
}
