//! `sagac codegen --runtime restate`: the command's contract (the flag, a choreography's
//! virtual objects, a refused feature writes nothing, the pins), and for every spec shipped
//! or kept as a corner case (orchestrations and choreographies), the generated crate built and its tests run against a real
//! `restate-server` (`RESTATE_SERVER` or `PATH`; the crate's tests skip loudly without one,
//! and fail instead with `SAGAC_REQUIRE_TOOLS=1`, as `.ci/run` sets), then clippy and
//! rustfmt. One shared `CARGO_TARGET_DIR` builds the SDK once for all of them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sagac::codegen::{File, restate, writer};

#[path = "support/pending.rs"]
mod pending;

#[path = "support/cargo.rs"]
mod cargo;
use cargo::{cargo, run_in};

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

fn saga(path: &str) -> sagac::model::Saga {
    let checked = sagac::check::check_loaded(sagac::load::read(Path::new(path)).unwrap());
    assert!(
        checked.resolved && checked.counts().errors == 0,
        "{path}: {:#?}",
        checked.diagnostics
    );
    checked.saga.unwrap()
}

fn files(path: &str) -> Vec<File> {
    restate::generate(&saga(path), path).unwrap()
}

/// Every spec the Restate runtime generates, shipped or corner case.
fn specs() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["specs", "tests/codegen-specs"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .filter(|p| pending::on_restate(p))
            .collect();
        found.sort();
        for p in found {
            let path = p.to_string_lossy().replace('\\', "/");
            match restate::unsupported(&saga(&path)) {
                None => out.push(path),
                Some(why) => eprintln!("{path}: not generated for Restate ({why})"),
            }
        }
    }
    out
}

#[test]
fn the_flag_writes_a_restate_crate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("order");
    sagac()
        .args(["codegen", "specs/order-orchestration.yaml", "-o"])
        .arg(&out)
        .args(["--runtime", "restate"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote").and(predicate::str::contains("src/workflow.rs")));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("restate-sdk = { version = \"=0.13.0\""),
        "{manifest}"
    );
    let workflow = std::fs::read_to_string(out.join("src/workflow.rs")).unwrap();
    assert!(workflow.contains("#[restate_sdk::workflow(name = \"place_order\")]"));
    assert!(out.join("tests/restate.rs").is_file());
    assert!(!out.join("tests/scenarios.rs").exists(), "no std harness");
}

#[test]
fn std_stays_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("order");
    sagac()
        .args(["codegen", "specs/order-orchestration.yaml", "-o"])
        .arg(&out)
        .assert()
        .success();
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(!manifest.contains("restate"), "{manifest}");
}

#[test]
fn a_choreography_becomes_one_virtual_object_per_participant() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("order");
    sagac()
        .args(["codegen", "specs/order-choreography.yaml", "-o"])
        .arg(&out)
        .args(["--runtime", "restate"])
        .assert()
        .success()
        .stdout(predicate::str::contains("src/objects.rs"));
    let objects = std::fs::read_to_string(out.join("src/objects.rs")).unwrap();
    for participant in ["order", "inventory", "payment", "notification"] {
        let object = format!("#[restate_sdk::object(name = \"place_order.{participant}\")]");
        assert!(objects.contains(&object), "{object} in:\n{objects}");
    }
    // The trigger's object starts the saga; every event leaves as a one-way message.
    assert!(objects.contains("async fn start("), "{objects}");
    assert!(objects.contains(".send();"), "{objects}");
    assert!(
        !out.join("src/workflow.rs").exists(),
        "no workflow for a choreography"
    );
    let main = std::fs::read_to_string(out.join("src/main.rs")).unwrap();
    assert!(
        main.contains("POST /place_order.order/<key>/start"),
        "{main}"
    );
    // The caller's outcome: an object named after the saga, keyed by its key, that the
    // handlers report to and the caller asks; the tests ask it through the ingress.
    assert!(
        objects.contains("#[restate_sdk::object(name = \"place_order\")]")
            && objects.contains("async fn outcome(")
            && objects.contains("ctx: SharedObjectContext<'_>"),
        "{objects}"
    );
    assert!(main.contains("POST /place_order/<key>/outcome"), "{main}");
    let tests = std::fs::read_to_string(out.join("tests/restate.rs")).unwrap();
    assert!(tests.contains("/{SAGA}/{key}/outcome"), "{tests}");
}

/// The stuck reason the outcome object must answer is the simulator's: what gave up.
#[test]
fn a_choreographys_tests_predict_the_stuck_reason() {
    let tests = files("tests/codegen-specs/edge-choreography.yaml")
        .into_iter()
        .find(|f| f.path == "tests/restate.rs")
        .unwrap()
        .contents;
    for (scenario, stuck) in [
        ("exhaust:notify", "Some(Stuck::Step(Step::Notify))"),
        (
            "fail:reserve+compfail:trigger",
            "Some(Stuck::Compensation(Owner::Trigger))",
        ),
        ("happy", "None"),
    ] {
        let row = tests.find(&format!("name: \"{scenario}\"")).unwrap();
        let row = &tests[row..row + 300];
        assert!(row.contains(&format!("stuck: {stuck},")), "{row}");
    }
}

/// Restate's journal is the outbox: the scenarios a choreography's crate checks are those of
/// the saga whose events cannot be lost, so a publisher without an outbox that crashes
/// before publishing still completes the saga (the std runtime's saga is stuck there).
#[test]
fn a_choreography_on_restate_loses_no_event_where_the_spec_has_no_outbox() {
    let spec = "tests/codegen-specs/edge-choreography.yaml";
    let saga = saga(spec);
    let outcome = |saga: &sagac::model::Saga| {
        sagac::scenario::expectations(saga, &sagac::scenario::FaultKind::ALL)
            .into_iter()
            .find(|s| s.name == "crash:stock@stock.reserved")
            .map(|s| s.outcome)
            .unwrap()
    };
    assert_eq!(
        outcome(&saga),
        sagac::scenario::Outcome::Stuck,
        "std: the event is lost"
    );
    assert_eq!(
        outcome(&restate::journaled_events(&saga)),
        sagac::scenario::Outcome::Completed
    );
    let tests = files(spec)
        .into_iter()
        .find(|f| f.path == "tests/restate.rs")
        .unwrap()
        .contents;
    let row = tests.find("name: \"crash:stock@stock.reserved\"").unwrap();
    assert!(
        tests[row..]
            .lines()
            .nth(2)
            .unwrap()
            .contains("outcome: \"completed\""),
        "{}",
        &tests[row..row + 200]
    );
}

#[test]
fn a_choreographed_step_timeout_is_refused_by_name_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("specs/order-choreography.yaml")
        .unwrap()
        .replace("    kind: pivot\n", "    kind: pivot\n    timeout: 2s\n");
    let spec = dir.path().join("timed.yaml");
    std::fs::write(&spec, text).unwrap();
    let out = dir.path().join("order");
    sagac()
        .arg("codegen")
        .arg(&spec)
        .arg("-o")
        .arg(&out)
        .args(["--runtime", "restate"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("the Restate runtime cannot express this saga yet").and(
                predicate::str::contains(
                    "a `timeout` on a step of a choreography (step `charge_payment`)",
                ),
            ),
        );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn generation_is_deterministic() {
    for spec in specs() {
        assert_eq!(files(&spec), files(&spec), "{spec}");
    }
}

/// The slow one: every spec's Restate crate builds, runs every scenario on a real
/// restate-server, and passes clippy and rustfmt.
#[test]
fn generated_restate_crates_pass_their_tests_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("restate-crates");
    for spec in specs() {
        let stem = Path::new(&spec)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let krate = dir.path().join(stem);
        writer::write(&krate, &files(&spec), false).unwrap();

        let mut test = cargo();
        test.args(["test", "--", "--show-output"])
            .env("CARGO_TARGET_DIR", &target);
        let output = run_in(&krate, test, &format!("{spec}: cargo test"));
        assert!(
            output.contains("test every_scenario_on_restate ... ok"),
            "{spec}:\n{output}"
        );
        if output.contains("SKIPPED") {
            eprintln!("{spec}: SKIPPED on the server (no restate-server):\n{output}");
        }

        let mut clippy = cargo();
        clippy
            .args(["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", &target);
        run_in(&krate, clippy, &format!("{spec}: cargo clippy"));

        let mut fmt = cargo();
        fmt.args(["fmt", "--check"]);
        run_in(&krate, fmt, &format!("{spec}: cargo fmt --check"));
    }
}

/// The crate's `tests/restate.rs` of a spec.
fn tests_of(spec: &str) -> String {
    files(spec)
        .into_iter()
        .find(|f| f.path == "tests/restate.rs")
        .unwrap()
        .contents
}

/// The predicted row of one scenario in a crate's tests.
fn row<'a>(tests: &'a str, scenario: &str) -> &'a str {
    let start = tests
        .find(&format!("name: \"{scenario}\","))
        .unwrap_or_else(|| panic!("no scenario {scenario}"));
    let end = tests[start..].find("},").map_or(tests.len(), |e| start + e);
    &tests[start..end]
}

/// Version 2 on Restate: the workflow ends `terminated` on a `then: terminate` failure and
/// returns the caller's value; the tests predict both for every scenario.
#[test]
fn version_2_terminate_and_the_callers_value_run_in_the_workflow() {
    let spec = "tests/codegen-specs/v2-terminate-orchestration.yaml";
    let workflow = files(spec)
        .into_iter()
        .find(|f| f.path == "src/workflow.rs")
        .unwrap()
        .contents;
    assert!(
        workflow.contains("State::Terminated(_) => (\"terminated\", None),"),
        "{workflow}"
    );
    assert!(
        workflow.contains("caller: saga.outcome().and_then(Outcome::caller_value)"),
        "{workflow}"
    );
    let tests = tests_of(spec);
    assert!(tests.contains("result.caller.as_deref() != scenario.caller"));
    for (scenario, outcome, caller) in [
        ("happy", "completed", "Some(\"Placed\")"),
        ("fail:verify_customer", "terminated", "Some(\"Blocked\")"),
        (
            "fail:charge_payment@CardStolen",
            "terminated",
            "Some(\"Blocked\")",
        ),
        ("fail:charge_payment", "compensated", "Some(\"Rejected\")"),
    ] {
        let row = row(&tests, scenario);
        assert!(
            row.contains(&format!("outcome: \"{outcome}\","))
                && row.contains(&format!("caller: {caller},")),
            "{row}"
        );
    }
    // A terminated saga compensates nothing.
    assert!(row(&tests, "fail:verify_customer").contains("compensated: &[],"));
}

/// Version 2's `runs_for` on Restate: the workflow runs the state machine's compensation
/// queue, so the orders the tests predict are the simulator's under `runs_for`.
#[test]
fn version_2_runs_for_decides_what_the_workflow_compensates() {
    let spec = "tests/codegen-specs/v2-runs-for-orchestration.yaml";
    let generated = files(spec)
        .into_iter()
        .find(|f| f.path == "src/generated.rs")
        .unwrap()
        .contents;
    assert!(generated.contains("pub fn compensated_for(step: Step, state: StepState) -> bool"));
    let saga = saga(spec);
    let tests = tests_of(spec);
    for e in sagac::scenario::expectations(&saga, &sagac::scenario::FaultKind::ALL) {
        let order: Vec<String> = e
            .compensated
            .iter()
            .map(|&o| format!("\"{}\"", sagac::scenario::owner_name(&saga, o)))
            .collect();
        let row = row(&tests, &e.name);
        assert!(
            row.contains(&format!("compensated: &[{}],", order.join(", "))),
            "{row}"
        );
    }
}

/// What the Restate runtime does not implement of version 2 is refused by name, at its
/// line, with nothing written: a feature no runtime implements yet, one the std runtime's
/// machine does not carry out (`outcome` at the decision), and any in a choreography.
#[test]
fn version_2_features_restate_does_not_implement_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let decision = dir.path().join("decision.yaml");
    let text = std::fs::read_to_string("tests/codegen-specs/v2-outcome-orchestration.yaml")
        .unwrap()
        .replace("  delivery: reply\n", "  delivery: reply\n  at: decision\n");
    std::fs::write(&decision, text).unwrap();
    let decision = decision.to_string_lossy().into_owned();
    for (spec, refused) in [
        (
            "specs/trip-temporal.yaml",
            "specs/trip-temporal.yaml:22:1: `book_trip` uses the long form of `deadline` (language version 2), whose semantics `sagac codegen --runtime restate` does not implement yet",
        ),
        (
            decision.as_str(),
            "uses `outcome` (language version 2), whose semantics `sagac codegen --runtime restate` does not implement yet",
        ),
        (
            "specs/order-credit-choreography.yaml",
            "specs/order-credit-choreography.yaml:33:1: `create_order` uses `compensation_defaults` (language version 2), whose semantics `sagac codegen --runtime restate` does not implement yet",
        ),
    ] {
        let out = dir.path().join("never");
        sagac()
            .args(["codegen", spec, "--runtime", "restate", "-o"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(refused));
        assert!(!out.exists(), "{spec}: nothing written");
    }
}

/// The version 2 orchestrations the std runtime generates are generated for Restate too
/// (and so built and run on the server by the slow test).
#[test]
fn the_version_2_orchestrations_are_generated_for_restate() {
    let specs = specs();
    for spec in [
        "tests/codegen-specs/v2-outcome-orchestration.yaml",
        "tests/codegen-specs/v2-terminate-orchestration.yaml",
        "tests/codegen-specs/v2-runs-for-orchestration.yaml",
    ] {
        assert!(specs.iter().any(|s| s == spec), "{spec} in {specs:?}");
    }
}
