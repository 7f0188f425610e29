//! `sagac import` and `check`/`simulate` on Step Functions files: the format told from the
//! content, diagnostics at the original file's lines in every format, the YAML written
//! checking as the original does, and malformed inputs answered with a diagnostic at their
//! line, never a panic, and nothing written.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

fn codes(json: &[u8]) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_slice(json).unwrap();
    let mut codes: Vec<String> = value["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().clone())
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

const TRIP: &str = "fixtures/import/asl/trip.asl.json";

#[test]
fn check_reports_at_the_state_in_every_format() {
    // The failure path of ReserveFlight ends in `Done` (a Succeed state): I005 at its
    // catcher's `Next`, line 11 column 84 of the original file.
    let json = sagac()
        .args(["check", TRIP, "--no-simulate", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let found = value["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "I005")
        .unwrap()
        .clone();
    assert_eq!(found["line"], 11, "{found}");
    assert_eq!(found["column"], 84, "{found}");
    sagac()
        .args(["check", TRIP, "--no-simulate", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "file={TRIP},line=11,endLine=11,col=84"
        )));
    let sarif = sagac()
        .args(["check", TRIP, "--no-simulate", "--format", "sarif"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let sarif = String::from_utf8(sarif).unwrap();
    assert!(
        sarif.contains("\"startLine\": 11") && sarif.contains(TRIP),
        "{sarif}"
    );
    sagac()
        .args(["check", TRIP, "--no-simulate", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("[{TRIP}:11:84]")));
}

#[test]
fn the_spec_written_checks_as_the_original_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("saga.yaml");
    sagac()
        .args(["import", TRIP, "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("4 steps").and(predicate::str::contains("3 compensations")),
        );
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.contains("# state \"ReserveFlight\" (line 5)"),
        "{written}"
    );
    assert!(written.contains("engine: step_functions"));
    let original = sagac()
        .args(["check", TRIP, "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let imported = sagac()
        .args(["check", "--format", "json"])
        .arg(&out)
        .output()
        .unwrap()
        .stdout;
    // The same findings but the importer's own (I0xx) and W603, which an imported file
    // leaves to V705's counterexample at the same step.
    let without_import: Vec<String> = codes(&original)
        .into_iter()
        .filter(|c| !c.starts_with('I'))
        .collect();
    let without_w603: Vec<String> = codes(&imported)
        .into_iter()
        .filter(|c| c != "W603")
        .collect();
    assert_eq!(without_import, without_w603);
    // Simulate reads the original as it reads the spec.
    sagac()
        .args(["simulate", TRIP, "--scenario", "fail:reserve_car_rental"])
        .assert()
        .stdout(predicate::str::contains("CancelFlightReservation"));
}

#[test]
fn yaml_state_machines_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("machine.asl.yaml");
    std::fs::write(
        &path,
        "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: ${AFunctionArn}\n    Catch: [{ErrorEquals: [States.ALL], Next: Failed}]\n    Next: B\n  B:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Parameters: { FunctionName: \"${BFunctionArn}\" }\n    End: true\n  Failed: { Type: Fail }\n",
    )
    .unwrap();
    sagac().arg("import").arg(&path).assert().success().stdout(
        predicate::str::contains("participant: a\n")
            .and(predicate::str::contains("participant: b\n"))
            .and(predicate::str::contains("The pivot was not inferred")),
    );
}

/// Each malformed input: its code, and the line it is reported at.
#[test]
fn malformed_inputs_get_a_diagnostic_at_their_line_and_nothing_is_written() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "truncated.json",
            "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": { \"Type\": \"Task\", \"End\": true }\n",
            "I001",
        ),
        (
            "comma.json",
            "{ \"StartAt\": \"A\", \"States\": { \"A\": { \"Type\": \"Task\", \"End\": true }, } }",
            "I001",
        ),
        (
            "types.json",
            "{ \"StartAt\": \"A\", \"States\": { \"A\": { \"Type\": \"Task\", \"End\": true, \"TimeoutSeconds\": \"ten\" } } }",
            "I002",
        ),
        (
            "states.json",
            "{ \"StartAt\": \"A\", \"States\": [] }",
            "I002",
        ),
        (
            "unknown.json",
            "{ \"StartAt\": \"A\", \"States\": { \"A\": { \"Type\": \"Taks\", \"End\": true } } }",
            "I002",
        ),
        (
            "dangling.json",
            "{ \"StartAt\": \"A\", \"States\": { \"A\": { \"Type\": \"Task\", \"Next\": \"B\" } } }",
            "I003",
        ),
        (
            "start.json",
            "{ \"StartAt\": \"Z\", \"States\": { \"A\": { \"Type\": \"Task\", \"End\": true } } }",
            "I003",
        ),
        (
            "nothing.json",
            "{ \"StartAt\": \"A\", \"States\": { \"A\": { \"Type\": \"Succeed\" } } }",
            "I002",
        ),
        ("other.xml", "<html></html>", "I001"),
        (
            "indent.asl.yaml",
            "StartAt: A\nStates:\n  A:\n    Type: Task\n   End: true\n",
            "I001",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text, code) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join(format!("{name}.yaml"));
        sagac()
            .arg("import")
            .arg(&path)
            .arg("-o")
            .arg(&out)
            .args(["--color", "never"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(*code));
        assert!(!out.exists(), "{name}: a file was written");
        let json = sagac()
            .args(["check", "--format", "json"])
            .arg(&path)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        assert!(
            codes(&json).contains(&(*code).to_owned()),
            "{name}: {:?}",
            codes(&json)
        );
    }
}

/// A YAML syntax error is reported at its own line (the scanner gives its place only in
/// its message), not at the file's first line.
#[test]
fn yaml_syntax_errors_point_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("indent.asl.yaml");
    std::fs::write(
        &path,
        "StartAt: A\nStates:\n  A:\n    Type: Task\n   End: true\n",
    )
    .unwrap();
    let json = sagac()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap()
        .stdout;
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let d = &value["files"][0]["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64()),
        (Some("I001"), Some(5)),
        "{d}"
    );
}

#[test]
fn a_loop_is_cut_and_ten_thousand_states_are_read() {
    let mut states = String::new();
    let n = 10_000;
    for i in 0..n {
        let next = if i + 1 == n {
            "\"End\": true".to_owned()
        } else {
            format!("\"Next\": \"S{}\"", i + 1)
        };
        states.push_str(&format!(
            "\"S{i}\": {{ \"Type\": \"Task\", \"Resource\": \"arn:aws:lambda:r:1:function:F{i}\", {next} }},"
        ));
    }
    states.pop();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.asl.json");
    std::fs::write(
        &big,
        format!("{{ \"StartAt\": \"S0\", \"States\": {{ {states} }} }}"),
    )
    .unwrap();
    sagac()
        .arg("import")
        .arg(&big)
        .assert()
        .success()
        .stderr(predicate::str::contains("10000 steps"));
    let looped = dir.path().join("loop.asl.json");
    std::fs::write(
        &looped,
        "{ \"StartAt\": \"A\", \"States\": { \"A\": { \"Type\": \"Task\", \"Resource\": \"x\", \"Next\": \"B\" }, \"B\": { \"Type\": \"Task\", \"Resource\": \"y\", \"Next\": \"A\" } } }",
    )
    .unwrap();
    let json = sagac()
        .args(["check", "--no-simulate", "--format", "json"])
        .arg(&looped)
        .output()
        .unwrap()
        .stdout;
    assert!(codes(&json).contains(&"I008".to_owned()));
}

#[test]
fn specs_are_not_taken_for_imports() {
    for spec in ["specs/trip.yaml", "specs/order-orchestration.yaml"] {
        let text = std::fs::read_to_string(spec).unwrap();
        let source = sagac::source::SourceFile::new(Path::new(spec), text);
        assert_eq!(sagac::import::detect(&source), None, "{spec}");
    }
    sagac()
        .args(["import", "specs/trip.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("I001"));
}

const BPMN: &str = "fixtures/import/bpmn/trip.bpmn";

#[test]
fn bpmn_compensation_handlers_error_events_and_camunda_retries() {
    sagac().args(["import", BPMN]).assert().success().stdout(
        predicate::str::contains("compensation:  # serviceTask \"Cancel car\" (line 21)")
            .and(predicate::str::contains("participant: cars"))
            .and(predicate::str::contains(
                "retry: { max_attempts: 4, backoff: fixed, initial: 10s }",
            ))
            .and(predicate::str::contains("timeout: 30s"))
            .and(predicate::str::contains("failures: [BookingFailed]"))
            .and(predicate::str::contains("engine: camunda")),
    );
    let json = sagac()
        .args(["check", BPMN, "--no-simulate", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let at: Vec<(String, u64)> = value["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // Book hotel has no error boundary event; the flight's error path ends in a plain end
    // event; the handlers have no retries.
    for expected in [("I004", 12), ("I005", 19), ("T302", 21), ("T302", 22)] {
        assert!(
            at.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} not in {at:?}"
        );
    }
}

#[test]
fn bpmn_malformed_inputs() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "truncated.bpmn",
            "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">",
            "I001",
        ),
        (
            "dangling.bpmn",
            "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\"><startEvent id=\"s\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"nowhere\"/></process></definitions>",
            "I003",
        ),
        (
            "two.bpmn",
            "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"a\"><task id=\"t\"/></process><process id=\"b\"><startEvent id=\"s2\"/><sequenceFlow id=\"g\" sourceRef=\"s2\" targetRef=\"u\"/><task id=\"u\"/></process></definitions>",
            "I002",
        ),
        (
            "empty.bpmn",
            "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\"><startEvent id=\"s\"/></process></definitions>",
            "I002",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text, code) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join("out.yaml");
        sagac()
            .arg("import")
            .arg(&path)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(*code));
        assert!(!out.exists(), "{name}");
    }
    // --process chooses one of several.
    let two = dir.path().join("two.bpmn");
    sagac()
        .arg("import")
        .arg(&two)
        .args(["--process", "b"])
        .assert()
        .success()
        .stdout(predicate::str::contains("id: u"));
    // check and simulate take it too: without it, the choice is asked for at the file.
    sagac()
        .arg("check")
        .arg(&two)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("I002"));
    let out = sagac()
        .args(["check", "--format", "json", "--process", "b"])
        .arg(&two)
        .output()
        .unwrap();
    assert!(!codes(&out.stdout).contains(&"I002".to_owned()));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"file\""));
    sagac()
        .args(["simulate", "--process", "b"])
        .arg(&two)
        .assert()
        .stdout(predicate::str::contains("b (orchestration)"));
    sagac()
        .args(["simulate"])
        .arg(&two)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("b (orchestration)").not());
}

/// The failure shapes of language version 2: the failed attempt's own compensation, a
/// chain that goes on past a compensation that gives up, the execution's time limit, the
/// catch-all, the caller's outcome; and BPMN's handlers that run only for a completed task.
#[test]
fn failure_shapes_become_version_2_keys() {
    let out = sagac()
        .args(["import", "fixtures/import/asl/shapes.asl.json"])
        .output()
        .unwrap();
    let spec = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "version: 2\n",
        "deadline: { after: 3600s, then: terminate, applies: always }",
        "values: { completed: Succeeded, compensated: Failed, terminated: Failed }",
        "      runs_for: any_attempt\n",
        "      on_failure: continue\n",
        "on_uncaught: compensate  # States.ALL (line 10)",
    ] {
        assert!(spec.contains(expected), "{expected}\n{spec}");
    }
    assert_eq!(spec.matches("on_failure: continue").count(), 1, "{spec}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("approximated: 0"), "{stderr}");
    // The execution's time limit ends it without compensating: C209 at `TimeoutSeconds`.
    let json = sagac()
        .args([
            "check",
            "fixtures/import/asl/shapes.asl.json",
            "--format",
            "json",
        ])
        .output()
        .unwrap()
        .stdout;
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let c209 = value["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "C209")
        .expect("C209");
    assert_eq!(c209["line"], 3);
    // A failure path that ends in `Succeed` tells the caller `Succeeded`: C213 beside I005.
    let trip = sagac().args(["import", TRIP]).output().unwrap().stdout;
    assert!(
        String::from_utf8(trip)
            .unwrap()
            .contains("compensated: Succeeded")
    );
    let trip = sagac()
        .args(["check", TRIP, "--no-simulate", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let trip = codes(&trip);
    assert!(trip.contains(&"C213".to_owned()) && trip.contains(&"I005".to_owned()));
    sagac().args(["import", BPMN]).assert().success().stdout(
        predicate::str::contains("runs_for: success")
            .and(predicate::str::contains("delivery: status")),
    );
}

/// A step nobody catches after many compensated ones: the finding names the first few
/// steps left in place and counts the rest, so a long machine's findings stay readable.
#[test]
fn an_uncaught_failure_names_the_first_steps_left_and_counts_the_rest() {
    let n = 8;
    let mut states = Vec::new();
    for i in 0..n {
        states.push(format!(
            "\"Book{i}\": {{ \"Type\": \"Task\", \"Resource\": \"r{i}\", \"Catch\": [{{ \"ErrorEquals\": [\"States.ALL\"], \"Next\": \"CancelBook{i}\" }}], \"Next\": \"{}\" }}",
            if i + 1 < n { format!("Book{}", i + 1) } else { "Notify".to_owned() }
        ));
        let back = if i > 0 {
            format!("CancelBook{}", i - 1)
        } else {
            "Failed".to_owned()
        };
        states.push(format!(
            "\"CancelBook{i}\": {{ \"Type\": \"Task\", \"Resource\": \"c{i}\", \"Next\": \"{back}\" }}"
        ));
    }
    states
        .push("\"Notify\": { \"Type\": \"Task\", \"Resource\": \"n\", \"End\": true }".to_owned());
    states.push("\"Failed\": { \"Type\": \"Fail\" }".to_owned());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.asl.json");
    std::fs::write(
        &path,
        format!(
            "{{ \"StartAt\": \"Book0\", \"States\": {{ {} }} }}",
            states.join(",\n")
        ),
    )
    .unwrap();
    let out = sagac()
        .args(["check", "--no-simulate", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uncaught: Vec<&str> = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "I004")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(uncaught.len(), 1, "{uncaught:?}");
    assert!(
        uncaught[0].contains("`Book4` and 3 more stay in place"),
        "{}",
        uncaught[0]
    );
}

/// Catchers that do not catch every error are translated by what they catch:
/// `States.TaskFailed` compensates every error but a timeout, a named error is a declared
/// failure, a timeout no catcher names ends the execution (`TimedOut`, `then: terminate`),
/// and a retrier for some errors only is reported as approximated.
#[test]
fn error_classes_are_translated_by_what_each_catcher_catches() {
    let out = sagac()
        .args(["import", "fixtures/import/asl/error-classes.asl.json"])
        .output()
        .unwrap();
    let spec = String::from_utf8(out.stdout).unwrap();
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(
        spec.contains("on_uncaught: compensate  # States.TaskFailed (line 9)"),
        "{spec}"
    );
    assert!(
        spec.contains("failures: [{ name: TimedOut, then: terminate }]  # no catcher for States.Timeout (line 8)"),
        "{spec}"
    );
    assert!(
        spec.contains("failures: [CardDeclined, { name: TimedOut, then: terminate }]"),
        "{spec}"
    );
    // NotifyCustomer catches States.Timeout: its timeout is not a termination.
    let notify = &spec[spec.find("- id: notify_customer").unwrap()..];
    assert!(
        !notify[..notify.find('#').unwrap()].contains("TimedOut"),
        "{spec}"
    );
    assert!(
        summary.contains("the retrier matches only Lambda.ServiceException"),
        "{summary}"
    );
    // The simulation finds the timeout that ends the execution with the shipment sent.
    let json = sagac()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/import/asl/error-classes.asl.json",
        ])
        .output()
        .unwrap()
        .stdout;
    let text = String::from_utf8_lossy(&json);
    assert!(
        text.contains("`TimedOut` of `charge_card` terminates the saga with `ship_order`"),
        "{text}"
    );
}

/// A Parallel: a branch task's own Catch is reported as approximated (never silently
/// dropped), and a second undo of a step on another failure path (`CancelCar2`) counts as
/// that step's compensation, not as another step's.
#[test]
fn parallel_branch_catchers_and_second_undoes() {
    let path = "fixtures/import/asl/parallel-catch.asl.json";
    let out = sagac().args(["import", path]).output().unwrap();
    let spec = String::from_utf8(out.stdout).unwrap();
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(
        summary.contains("parallel-catch.asl.json:8: state \"ReserveHotel\": its Catch inside the branch (to \"CancelHotel\")"),
        "{summary}"
    );
    assert!(
        summary.contains("state \"CancelCar2\": a second compensation of \"ReserveCar\""),
        "{summary}"
    );
    assert!(!spec.contains("action: CancelCar2"), "{spec}");
    let json = sagac()
        .args(["check", "--no-simulate", "--format", "json", path])
        .output()
        .unwrap()
        .stdout;
    // Charge's failure path undoes both parallel steps: nothing skipped.
    assert!(
        !codes(&json).contains(&"I007".to_owned()),
        "{}",
        String::from_utf8_lossy(&json)
    );
}

/// An imported step cannot carry an idempotency key: its W603 is left out where V705's
/// counterexample reports the same step, and kept when the simulation does not run.
#[test]
fn one_idempotency_warning_per_imported_step() {
    let path = "fixtures/import/real/aws-saga-pattern-cdk.asl.json";
    let simulated = codes(
        &sagac()
            .args(["check", "--format", "json", path])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(simulated.contains(&"V705".to_owned()), "{simulated:?}");
    assert!(!simulated.contains(&"W603".to_owned()), "{simulated:?}");
    let statically = codes(
        &sagac()
            .args(["check", "--no-simulate", "--format", "json", path])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(statically.contains(&"W603".to_owned()), "{statically:?}");
}

/// A Catch on a state after the inferred pivot that leads to an undo: the spec makes that
/// state retriable, whose errors are transient and retried (the contract's detail 4), so
/// the simulation never compensates there; the importer reports what the machine's Catch
/// does (I009, at the Catch's `Next`, the pivot beside it), and no run breaks
/// `no_compensation_after_pivot`.
#[test]
fn a_catch_after_the_pivot_that_compensates_is_its_own_finding() {
    let path = "fixtures/rules/I009-compensation-after-pivot.yaml";
    let out = sagac()
        .args(["check", path, "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = value["files"][0]["diagnostics"].as_array().unwrap();
    let i009: Vec<_> = diagnostics.iter().filter(|d| d["code"] == "I009").collect();
    assert_eq!(i009.len(), 1, "{diagnostics:?}");
    assert_eq!(i009[0]["line"], 18, "{:?}", i009[0]);
    let message = i009[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`SendVoucher` fails after `ChargeCard` succeeded")
            && message.contains("`CancelHotel`"),
        "{message}"
    );
    assert!(
        !codes(&out.stdout).contains(&"V702".to_owned()),
        "{diagnostics:?}"
    );
    // The spec keeps what the source says (every error caught), and the simulation retries.
    let spec = sagac().args(["import", path]).output().unwrap();
    let spec = String::from_utf8(spec.stdout).unwrap();
    let voucher = &spec[spec.find("- id: send_voucher").unwrap()..];
    assert!(voucher.contains("kind: retriable"), "{spec}");
    assert!(voucher.contains("on_uncaught: compensate"), "{spec}");
    sagac()
        .args(["simulate", path, "--faults", "uncaught"])
        .assert()
        .stdout(predicate::str::contains("uncaught:send_voucher").not())
        .stdout(predicate::str::contains("no_compensation_after_pivot").not());
}
