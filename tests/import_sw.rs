//! `sagac import`, `check` and `simulate` on Serverless Workflow 0.8 documents (JSON and
//! YAML): states, compensatedBy, usedForCompensation, onErrors, retries, timeouts; and the
//! malformed inputs, each at its line.

use assert_cmd::Command;
use predicates::prelude::*;

const TRIP: &str = "fixtures/import/sw/trip.sw.yaml";

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

/// Each diagnostic's code and line.
fn findings(json: &[u8]) -> Vec<(String, u64)> {
    let value: serde_json::Value = serde_json::from_slice(json).unwrap();
    value["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn states_compensations_retries_and_timeouts_are_translated() {
    let out = sagac().args(["import", TRIP]).output().unwrap();
    assert!(out.status.success());
    let spec = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "saga: book_trip\n",
        "engine: serverless_workflow\n",
        "deadline: { after: 3600s, then: terminate, applies: always }  # line 9",
        "on_uncaught: terminate",
        "participant: hotelapi\n",
        "  # state \"ReserveHotel\" (line 35)\n",
        "compensation:  # state \"CancelHotel\" (line 72)",
        "retry: { max_attempts: 6, backoff: exponential, initial: 1s, max: 60s }",
        "runs_for: success",
        "failures: [NoSeats]",
        "timeout: 10s",
        "kind: pivot",
        "values: { completed: Completed, compensated: Completed, terminated: Faulted }",
    ] {
        assert!(spec.contains(expected), "{expected}\n{spec}");
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("3 steps") && stderr.contains("2 compensations"),
        "{stderr}"
    );
}

#[test]
fn check_reports_at_the_workflow_lines() {
    let json = sagac()
        .args(["check", TRIP, "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let found = findings(&json);
    for expected in [
        ("I005", 42), // NoRooms ends the workflow as completed
        ("C213", 54), // a compensated end tells the caller Completed
        ("C209", 9),  // the workflow's time limit compensates nothing
        ("T302", 78), // CancelFlight has no retry
    ] {
        assert!(
            found
                .iter()
                .any(|(c, l)| c == expected.0 && *l == expected.1),
            "{expected:?} in {found:?}"
        );
    }
    sagac()
        .args(["simulate", TRIP, "--scenario", "fail:charge_card"])
        .assert()
        .stdout(predicate::str::contains("CancelFlight"));
}

#[test]
fn a_failure_path_without_compensate_skips_the_earlier_compensations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skip.sw.json");
    std::fs::write(
        &path,
        r#"{
  "id": "order", "specVersion": "0.8", "start": "Reserve",
  "states": [
    { "name": "Reserve", "type": "operation", "actions": [{ "functionRef": "reserve" }],
      "compensatedBy": "Release", "transition": "Pay" },
    { "name": "Pay", "type": "operation", "actions": [{ "functionRef": "pay" }],
      "onErrors": [{ "errorRef": "Declined", "transition": "Notify" }], "transition": "Ship" },
    { "name": "Ship", "type": "operation", "actions": [{ "functionRef": "ship" }], "end": true },
    { "name": "Notify", "type": "operation", "actions": [{ "functionRef": "notify" }], "end": true },
    { "name": "Release", "type": "operation", "usedForCompensation": true,
      "actions": [{ "functionRef": "release" }] }
  ]
}"#,
    )
    .unwrap();
    let json = sagac()
        .args(["check", "--no-simulate", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap()
        .stdout;
    let found = findings(&json);
    assert!(found.contains(&("I007".to_owned(), 7)), "{found:?}");
    assert!(found.contains(&("I005".to_owned(), 7)), "{found:?}");
}

/// A switch may register a compensation (rhdhorchestrator's MTA workflow does): a switch is
/// not a step, so its `compensatedBy` is listed as left out, never silently dropped.
#[test]
fn a_compensated_by_on_a_state_that_is_not_a_step_is_listed_as_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("switch.sw.yaml");
    std::fs::write(
        &path,
        r#"id: poll
specVersion: '0.8'
start: Submit
states:
  - name: Submit
    type: operation
    actions: [{ functionRef: submit }]
    compensatedBy: Cancel
    transition: Check
  - name: Check
    type: switch
    compensatedBy: Cancel
    dataConditions: [{ condition: .done, transition: Done }]
    defaultCondition: { transition: Done }
  - name: Done
    type: operation
    actions: [{ functionRef: done }]
    end: true
  - name: Cancel
    type: operation
    usedForCompensation: true
    actions: [{ functionRef: cancel }]
"#,
    )
    .unwrap();
    let out = sagac().arg("import").arg(&path).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("left out: 1"), "{stderr}");
    assert!(
        stderr.contains(":10: state \"Check\": its compensatedBy `Cancel` is not translated"),
        "{stderr}"
    );
}

#[test]
fn malformed_workflows_get_a_diagnostic_at_their_line_and_nothing_is_written() {
    let head = "id: w\nspecVersion: '0.8'\nstates:\n";
    let cases: &[(&str, String, &str, u64)] = &[
        (
            "truncated.json",
            "{\n \"specVersion\": \"0.8\",\n \"states\": [\n".to_owned(),
            "I001",
            4,
        ),
        (
            "bad.yaml",
            format!("{head}  - name: A\n    type: operation\n   end: true\n"),
            "I001",
            6,
        ),
        (
            "unknown.yaml",
            format!("{head}  - name: A\n    type: operaton\n    end: true\n"),
            "I002",
            5,
        ),
        (
            "types.yaml",
            format!("{head}  - name: [A]\n    type: operation\n"),
            "I002",
            4,
        ),
        (
            "empty.yaml",
            "id: w\nspecVersion: '0.8'\nstates: []\n".to_owned(),
            "I002",
            3,
        ),
        (
            "dangling.yaml",
            format!("{head}  - name: A\n    type: operation\n    transition: B\n"),
            "I003",
            6,
        ),
        (
            "compensated.yaml",
            format!(
                "{head}  - name: A\n    type: operation\n    compensatedBy: Undo\n    end: true\n"
            ),
            "I003",
            6,
        ),
        (
            "nothing.yaml",
            format!("{head}  - name: A\n    type: sleep\n    end: true\n"),
            "I002",
            4,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text, code, line) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join(format!("{name}.out.yaml"));
        sagac()
            .arg("import")
            .arg(&path)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(*code));
        assert!(!out.exists(), "{name}: a file was written");
        let json = sagac()
            .args(["check", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap()
            .stdout;
        let found = findings(&json);
        assert!(
            found.contains(&((*code).to_owned(), *line)),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn loops_are_cut_and_ten_thousand_states_are_read() {
    let n = 10_000;
    let mut text = String::from("{ \"id\": \"big\", \"specVersion\": \"0.8\", \"states\": [");
    for i in 0..n {
        let next = if i + 1 == n {
            "\"end\": true".to_owned()
        } else {
            format!("\"transition\": \"S{}\"", i + 1)
        };
        text.push_str(&format!(
            "{}{{ \"name\": \"S{i}\", \"type\": \"operation\", \"actions\": [{{ \"functionRef\": \"f{i}\" }}], {next} }}",
            if i == 0 { "" } else { "," }
        ));
    }
    text.push_str("] }");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.sw.json");
    std::fs::write(&big, text).unwrap();
    sagac()
        .arg("import")
        .arg(&big)
        .assert()
        .success()
        .stderr(predicate::str::contains("10000 steps"));
    let looped = dir.path().join("loop.sw.yaml");
    std::fs::write(
        &looped,
        "id: l\nspecVersion: '0.8'\nstates:\n  - { name: A, type: operation, actions: [{ functionRef: a }], transition: B }\n  - { name: B, type: operation, actions: [{ functionRef: b }], transition: A }\n",
    )
    .unwrap();
    let json = sagac()
        .args(["check", "--no-simulate", "--format", "json"])
        .arg(&looped)
        .output()
        .unwrap()
        .stdout;
    assert!(findings(&json).iter().any(|(c, _)| c == "I008"));
}
