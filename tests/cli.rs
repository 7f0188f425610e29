//! The command line as a user meets it: exit codes, formats, colors, errors naming files.

use assert_cmd::Command;
use predicates::prelude::*;

fn sagac() -> Command {
    let mut cmd = Command::cargo_bin("sagac").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

#[test]
fn clean_spec_exits_zero() {
    sagac()
        .args(["check", "specs/order-orchestration.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems found"));
}

#[test]
fn errors_exit_one_with_file_line_and_help() {
    sagac()
        .args([
            "check",
            "fixtures/rules/R101-undeclared-participant.yaml",
            "--color",
            "never",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("R101"))
        .stdout(predicate::str::contains(
            "fixtures/rules/R101-undeclared-participant.yaml:",
        ))
        .stdout(predicate::str::contains("help:"));
}

#[test]
fn warnings_alone_exit_zero_unless_denied() {
    let spec = "fixtures/rules/W602-orchestrator-without-log.yaml";
    sagac()
        .args(["check", spec])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("W602"));
    sagac()
        .args(["check", spec, "--deny", "warnings"])
        .assert()
        .code(1);
}

#[test]
fn missing_file_is_a_usage_error_naming_it() {
    sagac()
        .args(["check", "no/such/spec.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/spec.yaml"));
}

#[test]
fn directory_without_specs_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a spec").unwrap();
    sagac()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no spec"));
}

#[test]
fn directory_is_checked_recursively() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy("specs/trip.yaml", nested.join("trip.yaml")).unwrap();
    std::fs::copy(
        "fixtures/rules/R102-duplicate-step-id.yaml",
        dir.path().join("bad.yml"),
    )
    .unwrap();
    let out = sagac()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "json"])
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let files: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2);
    assert!(
        files[0].ends_with("a/b/trip.yaml") && files[1].ends_with("bad.yml"),
        "{files:?}"
    );
    assert_eq!(json["summary"]["errors"], 1);
}

#[test]
fn json_has_the_documented_shape() {
    let out = sagac()
        .args([
            "check",
            "fixtures/rules/S008-bad-duration.yaml",
            "--output-format",
            "json",
        ])
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let d = &json["files"][0]["diagnostics"][0];
    for key in [
        "code",
        "severity",
        "message",
        "line",
        "column",
        "end_line",
        "end_column",
        "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["code"], "S008");
    assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
    assert_eq!(json["summary"]["errors"], 1);
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let spec = "fixtures/rules/R101-undeclared-participant.yaml";
    let always = sagac()
        .args(["check", spec, "--color", "always"])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&always.get_output().stdout).contains('\u{1b}'));
    let never = sagac()
        .args(["check", spec, "--color", "never"])
        .assert()
        .code(1);
    assert!(!String::from_utf8_lossy(&never.get_output().stdout).contains('\u{1b}'));
    let no_color = sagac()
        .args(["check", spec])
        .env("NO_COLOR", "1")
        .assert()
        .code(1);
    assert!(!String::from_utf8_lossy(&no_color.get_output().stdout).contains('\u{1b}'));
}

#[test]
fn explain_prints_a_rule_and_lists_them_all() {
    sagac()
        .args(["explain", "C201"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## What it checks"))
        .stdout(predicate::str::contains("## Why it matters"))
        .stdout(predicate::str::contains("## Example"))
        .stdout(predicate::str::contains("## Fix"));
    sagac()
        .args(["explain", "missing-compensation"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("C201"));
    sagac()
        .arg("explain")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("S002").and(predicate::str::contains("W603")));
    sagac()
        .args(["explain", "Z999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule"));
}

#[test]
fn output_is_deterministic() {
    let run = || {
        sagac()
            .args(["check", "fixtures/rules", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

/// Each bad input gets a one-paragraph error naming the file and exit 1, never a panic.
#[test]
fn bad_inputs_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("version: 1\nsaga: x\nsteps:\n{}", "[".repeat(100_000));
    let mut big = "version: 1\ndescription: \"".to_owned();
    big.push_str(&"x".repeat(50 * 1024 * 1024));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.yaml", Vec::new(), "S010"),
        ("comments.yaml", b"# nothing here\n".to_vec(), "S010"),
        (
            "latin1.yaml",
            b"version: 1\nsaga: caf\xe9\n".to_vec(),
            "S010",
        ),
        (
            "binary.yaml",
            vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 3],
            "S010",
        ),
        ("list.yaml", b"- a\n- b\n".to_vec(), "S010"),
        ("deep.yaml", deep.into_bytes(), "S0"),
        ("big.yaml", big.into_bytes(), "S011"),
        (
            "bomb.yaml",
            std::fs::read("fixtures/rules/S011-input-limit.yaml").unwrap(),
            "S011",
        ),
        ("two.yaml", b"version: 1\n---\nversion: 1\n".to_vec(), "S0"),
    ];
    for (name, bytes, code) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = sagac()
            .arg("check")
            .arg(&path)
            .args(["--color", "never"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        assert!(
            stdout.contains(name),
            "{name}: the report should name the file: {stdout}"
        );
        assert!(stdout.contains(code), "{name}: expected {code}: {stdout}");
    }
}

#[test]
fn schema_is_json_schema() {
    let out = sagac().arg("schema").assert().code(0);
    let schema: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(schema["properties"]["steps"].is_object());
}

#[test]
fn check_simulates_unless_told_not_to() {
    let spec = "fixtures/rules/V706-no-lost-event.yaml";
    let codes = |extra: &[&str]| {
        let out = sagac()
            .args(["check", spec, "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let simulated = codes(&[]);
    assert!(simulated.iter().any(|c| c == "V706"), "{simulated:?}");
    let rules_only = codes(&["--no-simulate"]);
    assert!(
        rules_only.iter().all(|c| !c.starts_with('V')),
        "{rules_only:?}"
    );
    assert!(rules_only.iter().any(|c| c == "W601"), "{rules_only:?}");
}

/// A file with several structural errors gets them all in one run, in every format, each
/// wrong shape with the two-line example of its key.
#[test]
fn several_structural_errors_in_one_run() {
    let out = sagac()
        .args([
            "check",
            "fixtures/rules/S003-wrong-type-several.yaml",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<(u64, &str)> = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [(8, "S003"), (13, "S003"), (24, "S003"), (30, "S002")]
    );
    assert_eq!(
        json["files"][0]["diagnostics"][1]["help"],
        "`trigger` is written like this:\n  trigger:\n    participant: ..."
    );
    sagac()
        .args([
            "check",
            "fixtures/rules/S003-wrong-type-several.yaml",
            "--format",
            "github",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error file=").count(4));
}
