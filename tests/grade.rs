//! `sagac grade`: every sample submission in `fixtures/submissions/` gets the grade its
//! mistake deserves (with a snapshot of the feedback a student reads), the formats carry
//! the score where CI systems look for it, batches are parallel and deterministic, broken
//! and hostile submissions score 0 without a crash, and the Gradescope and Classroom
//! examples run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use sagac::grade::{self, Grade, Rubric, Status, assignments, render};

#[path = "grade/bounds.rs"]
mod bounds;
#[path = "grade/platforms.rs"]
mod platforms;
#[path = "grade/uploads.rs"]
mod uploads;

/// Copies a sample submission's files into `to` (created).
fn copy_sample(sample: &str, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(Path::new("fixtures/submissions").join(sample)).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn rubric() -> Rubric {
    assignments::find("order-saga").unwrap().load().unwrap()
}

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

fn grade_of(path: &str) -> Grade {
    grade::grade_path(&rubric(), Path::new(path))
}

fn markdown(g: &Grade) -> String {
    let mut out = Vec::new();
    render::markdown::render(&rubric(), std::slice::from_ref(g), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The order-saga rubric's criteria, in order: what a submission that cannot be read fails.
const EVERY_CRITERION: &[&str] = &[
    "valid",
    "flow",
    "coordination",
    "compensation",
    "after_pivot",
    "outbox",
    "diagram",
];

/// Each sample submission: its score and the criteria it does not pass.
const EXPECTED: &[(&str, f64, &[&str])] = &[
    ("binary-spec", 0.0, EVERY_CRITERION),
    ("broken-yaml", 0.0, EVERY_CRITERION),
    ("correct-choreography", 10.0, &[]),
    ("correct-orchestration", 10.0, &[]),
    ("diagram-happy-path-only", 9.0, &["diagram"]),
    ("different-naming", 10.0, &[]),
    ("dual-write", 9.0, &["outbox"]),
    ("empty-spec", 0.0, EVERY_CRITERION),
    ("no-compensation", 7.0, &["valid", "compensation"]),
    ("no-outbox", 9.0, &["outbox"]),
    ("orphaned-event", 6.0, &["valid", "flow", "after_pivot"]),
    ("refund-on-email-failure", 8.0, &["after_pivot"]),
    (
        "short-rationale-no-diagram",
        8.0,
        &["coordination", "diagram"],
    ),
    ("silent-payment-failure", 7.0, &["valid", "compensation"]),
    ("single-file/place-order.yaml", 9.0, &["diagram"]),
    ("two-specs", 0.0, EVERY_CRITERION),
    (
        "undeclared-participant",
        3.0,
        &["valid", "flow", "compensation", "after_pivot", "outbox"],
    ),
    ("wrong-step-compensated", 8.0, &["compensation"]),
];

#[test]
fn every_sample_submission_gets_its_grade() {
    let mut listed: Vec<String> = EXPECTED
        .iter()
        .map(|(n, _, _)| n.split('/').next().unwrap().to_owned())
        .collect();
    listed.sort();
    let mut present: Vec<String> = fs::read_dir("fixtures/submissions")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    assert_eq!(
        listed, present,
        "every sample submission is listed in EXPECTED"
    );
    assert!(present.len() >= 12);

    let mut wrong = Vec::new();
    for (name, score, failing) in EXPECTED {
        let g = grade_of(&format!("fixtures/submissions/{name}"));
        let not_passed: Vec<&str> = g
            .criteria
            .iter()
            .filter(|c| c.status != Status::Pass)
            .map(|c| c.id.as_str())
            .collect();
        if g.score != *score || not_passed != *failing {
            wrong.push(format!(
                "{name}: expected {score} failing {failing:?}, got {} failing {not_passed:?}",
                g.score
            ));
        }
        assert_eq!(g.max_score, 10.0);
        insta::assert_snapshot!(format!("grade_{}", name.replace('/', "_")), markdown(&g));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_built_in_rubric_has_the_issue_criteria() {
    let r = rubric();
    let ids: Vec<(&str, f64)> = r
        .def
        .criteria
        .iter()
        .map(|c| (c.id.as_str(), c.points))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("valid", 1.0),
            ("flow", 1.0),
            ("coordination", 2.0),
            ("compensation", 2.0),
            ("after_pivot", 2.0),
            ("outbox", 1.0),
            ("diagram", 1.0)
        ]
    );
    assert_eq!(r.max_score(), 10.0);
}

#[test]
fn reference_solutions_earn_full_marks_with_a_diagram() {
    let dir = tempfile::tempdir().unwrap();
    for style in ["orchestration", "choreography"] {
        let sub = dir.path().join(style);
        fs::create_dir_all(&sub).unwrap();
        fs::copy(
            format!("specs/assignments/order-saga/reference-{style}.yaml"),
            sub.join("saga.yaml"),
        )
        .unwrap();
        fs::copy(
            "fixtures/submissions/correct-choreography/sequence.mmd",
            sub.join("sequence.mmd"),
        )
        .unwrap();
        let g = grade::grade_path(&rubric(), &sub);
        let failing: Vec<&str> = g
            .criteria
            .iter()
            .filter(|c| c.status != Status::Pass)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(g.score, 10.0, "{style}: {failing:?}");
    }
}

#[test]
fn json_has_the_documented_shape() {
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/no-outbox",
            "--assignment",
            "order-saga",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["submission"], "fixtures/submissions/no-outbox");
    assert_eq!(v["score"], 9);
    assert_eq!(v["max_score"], 10);
    let outbox = &v["criteria"][5];
    assert_eq!(outbox["id"], "outbox");
    assert_eq!(outbox["points"], 0);
    assert_eq!(outbox["max_points"], 1);
    assert_eq!(outbox["status"], "fail");
    assert!(outbox["feedback"].as_str().unwrap().contains("dual write"));
    // Keys in the documented order.
    let keys = [
        "\"submission\"",
        "\"score\"",
        "\"max_score\"",
        "\"criteria\"",
    ];
    let at: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    insta::assert_snapshot!("grade_json_no_outbox", text);
}

#[test]
fn exit_codes() {
    let full = [
        "grade",
        "fixtures/submissions/correct-orchestration",
        "--assignment",
        "order-saga",
    ];
    sagac().args(full).assert().code(0);
    let below = [
        "grade",
        "fixtures/submissions/no-outbox",
        "--assignment",
        "order-saga",
    ];
    sagac().args(below).assert().code(1);
    sagac().args(below).arg("--exit-zero").assert().code(0);
    sagac()
        .args(["grade", "x", "--assignment", "no-such"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no built-in assignment"));
    sagac()
        .args([
            "grade",
            "fixtures/submissions/nope",
            "--assignment",
            "order-saga",
        ])
        .assert()
        .code(2);
    sagac()
        .args(["grade", "fixtures/submissions/no-outbox"])
        .assert()
        .code(2);
}

#[test]
fn a_rubric_error_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("rubric.yaml");
    fs::write(
        &bad,
        "version: 1\nassignment: x\ntitle: X\nroles:\n  pay: { matches: 'pay', describe: p }\ncriteria:\n  - id: a\n    title: A\n    points: 1\n    check: { scenario: { step: nope } }\n    feedback: { pass: y, fail: n }\n",
    )
    .unwrap();
    sagac()
        .args(["grade", "fixtures/submissions/no-outbox", "--rubric"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no role `nope`"));
    fs::write(
        &bad,
        "version: 1\nassignment: x\ntitle: X\ncriteria: []\nunknown: 1\n",
    )
    .unwrap();
    sagac()
        .args(["grade", "fixtures/submissions/no-outbox", "--rubric"])
        .arg(&bad)
        .assert()
        .code(2);
    // Gradescope still gets a file, with score 0 and the kind of problem; the rubric's path
    // and line stay in the log (standard error), out of the student's sight.
    let results = dir.path().join("results/results.json");
    sagac()
        .args([
            "grade",
            "fixtures/submissions/no-outbox",
            "--format",
            "gradescope",
            "-o",
        ])
        .arg(&results)
        .arg("--rubric")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown field `unknown`"));
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(v["score"], 0);
    let output = v["output"].as_str().unwrap();
    assert!(
        output.contains("the assignment's rubric has an error"),
        "{output}"
    );
    for detail in ["unknown", "rubric.yaml", "line"] {
        assert!(
            !output.contains(detail),
            "{detail} shown to students: {output}"
        );
    }
}

#[test]
fn an_instructors_rubric_with_rules_absent_and_manual_review() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my-rubric.yaml");
    fs::write(
        &path,
        r#"version: 1
assignment: mine
title: My rubric
roles:
  stock: { matches: "inventor|stock", describe: the stock step }
criteria:
  - id: no_dual_write
    title: No dual write
    points: 1
    check: { rules_absent: [W601] }
    feedback: { pass: "No dual write.", fail: "A dual write." }
  - id: released
    title: Stock released when it fails
    points: 1.5
    check: { scenario: { step: stock, outcome: compensated } }
    feedback: { pass: "Good.", fail: "Bad." }
  - id: essay
    title: Essay
    points: 2
    manual: true
    feedback: { pass: "-", fail: "Your instructor reads it." }
"#,
    )
    .unwrap();
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/no-outbox",
            "--format",
            "json",
            "--rubric",
        ])
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["max_score"], 4.5);
    assert_eq!(v["score"], 1.5);
    assert_eq!(v["criteria"][0]["status"], "fail");
    assert!(
        v["criteria"][0]["feedback"]
            .as_str()
            .unwrap()
            .contains("W601")
    );
    assert_eq!(v["criteria"][1]["status"], "pass");
    assert_eq!(v["criteria"][2]["status"], "review");
    assert_eq!(v["criteria"][2]["points"], 0);
}

#[test]
fn the_rubric_schema_validates_the_built_in_rubric() {
    let out = sagac()
        .args(["grade", "--rubric-schema"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for a in assignments::ALL {
        let value: serde_json::Value = serde_saphyr_value(a.rubric);
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", a.id);
    }
    let bad = serde_json::json!({"version": 1, "assignment": "x", "title": "x", "criteria": [{"id": "a"}]});
    assert!(!validator.is_valid(&bad));
}

fn serde_saphyr_value(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).unwrap()
}

#[test]
fn assignments_lists_and_prints() {
    sagac().arg("assignments").assert().code(0).stdout(
        predicates::str::contains("order-saga").and(predicates::str::contains("10 points")),
    );
    sagac()
        .args(["assignments", "order-saga"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("id: after_pivot"));
    sagac().args(["assignments", "nope"]).assert().code(2);
}

use predicates::prelude::PredicateBooleanExt;

#[test]
fn gradescope_writes_the_score_in_the_file_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results").join("results.json");
    sagac()
        .args([
            "grade",
            "fixtures/submissions/refund-on-email-failure",
            "--assignment",
            "order-saga",
            "--format",
            "gradescope",
            "-o",
        ])
        .arg(&results)
        .assert()
        .code(0)
        .stdout("");
    let text = fs::read_to_string(&results).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["score"], 8);
    let tests = v["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 7);
    let sum: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!(sum, 8.0);
    assert_eq!(tests[4]["status"], "failed");
    assert_eq!(tests[4]["max_score"], 2);
    assert_eq!(tests[4]["output_format"], "md");
    // No temporary file is left next to it.
    assert_eq!(fs::read_dir(results.parent().unwrap()).unwrap().count(), 1);
    sagac()
        .args([
            "grade",
            "a",
            "b",
            "--assignment",
            "order-saga",
            "--format",
            "gradescope",
        ])
        .assert()
        .code(2);
}

#[test]
fn classroom_writes_base64_to_github_output() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("github_output");
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/short-rationale-no-diagram",
            "--assignment",
            "order-saga",
            "--format",
            "classroom",
        ])
        .env("GITHUB_OUTPUT", &output)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let printed: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(printed["version"], 1);
    assert_eq!(printed["status"], "fail");
    assert_eq!(printed["max_score"], 10);
    let tests = printed["tests"].as_array().unwrap();
    let sum: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!(sum, 8.0);
    // Partial credit: the coordination criterion's two one-point tests, one passed.
    let coordination: Vec<_> = tests
        .iter()
        .filter(|t| t["test_code"] == "sagac grade: coordination")
        .collect();
    assert_eq!(coordination.len(), 2);
    assert_eq!(coordination[0]["status"], "pass");
    assert_eq!(coordination[1]["status"], "fail");
    let line = fs::read_to_string(&output).unwrap();
    let encoded = line.trim().strip_prefix("result=").unwrap();
    let decoded = Process::new("base64")
        .arg("-d")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(encoded.as_bytes())?;
            c.wait_with_output()
        });
    if let Ok(decoded) = decoded {
        let v: serde_json::Value = serde_json::from_slice(&decoded.stdout).unwrap();
        assert_eq!(v, printed);
    }
}

#[test]
fn junit_and_github_formats() {
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/no-compensation",
            "fixtures/submissions/correct-orchestration",
            "--assignment",
            "order-saga",
            "--format",
            "junit",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let xml = String::from_utf8(out).unwrap();
    assert!(
        xml.contains(
            r#"<testsuites name="sagac grade" tests="14" failures="2" errors="0" skipped="0""#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"file="fixtures/submissions/no-compensation/saga.yaml" line="24""#),
        "{xml}"
    );
    insta::assert_snapshot!("grade_junit", xml);

    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let out = sagac()
        .args([
            "grade",
            "fixtures/submissions/no-compensation",
            "--assignment",
            "order-saga",
            "--format",
            "github",
        ])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(
            "::error file=fixtures/submissions/no-compensation/saga.yaml,line=24,title=valid 0/1%3A"
        ),
        "{text}"
    );
    assert!(!text.contains("\n\n"));
    let md = fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("### Module 5"), "{md}");
}

#[test]
fn batches_are_parallel_deterministic_and_summarised() {
    let mut subs: Vec<PathBuf> = fs::read_dir("fixtures/submissions")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    subs.sort();
    let dir = tempfile::tempdir().unwrap();
    let run = |jobs: &str, csv: &Path| {
        sagac()
            .arg("grade")
            .args(&subs)
            .args([
                "--assignment",
                "order-saga",
                "--format",
                "json",
                "--jobs",
                jobs,
                "--summary",
            ])
            .arg(csv)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    let one = run("1", &dir.path().join("one.csv"));
    let two = run("2", &dir.path().join("two.csv"));
    assert_eq!(one, two, "identical input gives identical output");
    let v: serde_json::Value = serde_json::from_slice(&two).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["submission"].as_str().unwrap())
        .collect();
    let given: Vec<String> = subs.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(names, given, "results in the order given");
    let csv = fs::read_to_string(dir.path().join("two.csv")).unwrap();
    assert_eq!(csv, fs::read_to_string(dir.path().join("one.csv")).unwrap());
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "submission,score,max_score,valid,flow,coordination,compensation,after_pivot,outbox,diagram"
    );
    assert!(
        csv.contains("fixtures/submissions/no-outbox,9,10,1,1,2,2,2,0,1\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), subs.len() + 1);
}

#[test]
fn hostile_submissions_score_zero_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A link to a file outside the submission is not followed.
    let outside = root.join("secret.yaml");
    fs::copy(
        "fixtures/submissions/correct-orchestration/saga.yaml",
        &outside,
    )
    .unwrap();
    let linked = root.join("linked");
    fs::create_dir(&linked).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, linked.join("saga.yaml")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", linked.join("etc")).unwrap();
    let g = grade::grade_path(&rubric(), &linked);
    #[cfg(unix)]
    {
        assert_eq!(g.score, 0.0);
        assert!(
            g.notes.iter().any(|n| n.contains("symbolic link")),
            "{:?}",
            g.notes
        );
    }
    // A huge spec is not read.
    let huge = root.join("huge");
    fs::create_dir(&huge).unwrap();
    fs::write(huge.join("saga.yaml"), "# x\n".repeat(400_000)).unwrap();
    let g = grade::grade_path(&rubric(), &huge);
    assert_eq!(g.score, 0.0);
    assert!(g.notes[0].contains("larger than"), "{:?}", g.notes);
    // A folder of many files, a binary diagram, and a deep tree.
    let many = root.join("many");
    fs::create_dir(&many).unwrap();
    fs::copy(
        "fixtures/submissions/correct-orchestration/saga.yaml",
        many.join("saga.yaml"),
    )
    .unwrap();
    for i in 0..3000 {
        fs::write(many.join(format!("f{i}.txt")), "").unwrap();
    }
    fs::write(many.join("a.mmd"), b"sequenceDiagram\n\x00\x01").unwrap();
    let mut deep = many.join("d");
    for _ in 0..10 {
        deep = deep.join("d");
    }
    fs::create_dir_all(&deep).unwrap();
    let g = grade::grade_path(&rubric(), &many);
    assert!(g.score <= 9.0);
    // A diagram that nests too deep or has thousands of alternatives.
    let nest = root.join("nest");
    fs::create_dir(&nest).unwrap();
    fs::copy(
        "fixtures/submissions/correct-orchestration/saga.yaml",
        nest.join("saga.yaml"),
    )
    .unwrap();
    let mut text = String::from("sequenceDiagram\n");
    for _ in 0..5000 {
        text.push_str("alt a\nA->>B: x\n");
    }
    fs::write(nest.join("d.mmd"), &text).unwrap();
    let wide =
        "sequenceDiagram\n".to_owned() + &"alt a\nA->>B: x\nelse b\nA->>B: y\nend\n".repeat(2000);
    fs::write(nest.join("e.mmd"), wide).unwrap();
    let g = grade::grade_path(&rubric(), &nest);
    assert_eq!(g.criteria[6].status, Status::Fail);
    // Grading the same submission twice gives the same grade.
    assert_eq!(grade::grade_path(&rubric(), &nest), g);
}

#[test]
fn gradescope_example_runs_on_a_fake_autograder_layout() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("autograder");
    let source = root.join("source");
    fs::create_dir_all(&source).unwrap();
    fs::create_dir_all(root.join("submission")).unwrap();
    for f in ["run_autograder", "setup.sh"] {
        fs::copy(Path::new("examples/gradescope").join(f), source.join(f)).unwrap();
    }
    for f in ["saga.yaml", "answers.md"] {
        fs::copy(
            Path::new("fixtures/submissions/no-outbox").join(f),
            root.join("submission").join(f),
        )
        .unwrap();
    }
    fs::write(root.join("submission_metadata.json"), "{}").unwrap();
    let status = Process::new("bash")
        .arg(source.join("run_autograder"))
        .env("AUTOGRADER_ROOT", &root)
        .env("SAGAC", env!("CARGO_BIN_EXE_sagac"))
        .status()
        .unwrap();
    assert!(status.success());
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("results/results.json")).unwrap())
            .unwrap();
    assert_eq!(v["score"], 9);

    // Without a working sagac the script still writes a result, with score 0.
    fs::remove_file(root.join("results/results.json")).unwrap();
    let status = Process::new("bash")
        .arg(source.join("run_autograder"))
        .env("AUTOGRADER_ROOT", &root)
        .env("SAGAC", root.join("no-such-sagac"))
        .status()
        .unwrap();
    assert!(status.success());
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("results/results.json")).unwrap())
            .unwrap();
    assert_eq!(v["score"], 0);
}

#[test]
fn classroom_workflow_example_grades_and_reports() {
    let text = fs::read_to_string("examples/github-classroom/classroom.yml").unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let steps = workflow["jobs"]["autograding"]["steps"].as_array().unwrap();
    let grade_step = steps
        .iter()
        .find(|s| s["id"] == "saga")
        .expect("a step with id `saga`");
    let reporter = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("autograding-grading-reporter"))
        })
        .expect("the grading reporter");
    assert_eq!(reporter["with"]["runners"], "saga");
    assert_eq!(
        reporter["env"]["SAGA_RESULTS"],
        "${{ steps.saga.outputs.result }}"
    );
    // Run the grading step's script as the runner would, with sagac on PATH.
    let dir = tempfile::tempdir().unwrap();
    for f in ["saga.yaml", "answers.md"] {
        fs::copy(
            Path::new("fixtures/submissions/correct-orchestration").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    let output = dir.path().join("github_output");
    let bin = Path::new(env!("CARGO_BIN_EXE_sagac")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Process::new("bash")
        .args(["-e", "-c", grade_step["run"].as_str().unwrap()])
        .current_dir(dir.path())
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .status()
        .unwrap();
    assert!(status.success());
    let line = fs::read_to_string(&output).unwrap();
    assert!(line.starts_with("result="), "{line}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// No text makes the diagram reader, the Markdown reader or the path search panic.
    #[test]
    fn diagrams_and_prose_never_panic(
        text in "(sequenceDiagram\n)?([A-Za-z #;:%,>\\-x)+\n]|alt |else|end|opt |par |and |Note over |participant |```mermaid\n|```\n|#59;){0,60}"
    ) {
        if let Ok(d) = grade::mermaid::parse(&text) {
            let reach = grade::mermaid::reachable(&d, 0, 3, &|_, n| (n + 1).min(2));
            proptest::prop_assert_eq!(reach.len(), 3);
        }
        let _ = grade::prose::mermaid_blocks(&text);
        let heading = regex::Regex::new("a").unwrap();
        let _ = grade::prose::section(&text, &heading);
        let _ = grade::prose::word_count(&text);
    }
}
