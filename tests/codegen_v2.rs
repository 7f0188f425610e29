//! `sagac codegen` on language version 2 specs: the std runtime implements the version 2
//! features one at a time, and refuses, naming the feature and where it is written, every
//! one it does not implement yet (nothing is written). The crates of the version 2 specs it
//! accepts are built and tested with the others by `tests/codegen.rs`.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use sagac::check;
use sagac::codegen;
use sagac::load;
use sagac::model::Saga;

fn sagac() -> Command {
    let mut cmd = Command::cargo_bin("sagac").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn saga(path: &str) -> Saga {
    let checked = check::check_loaded(load::read(Path::new(path)).unwrap());
    assert!(
        checked.resolved && checked.counts().errors == 0,
        "{path}: {:#?}",
        checked.diagnostics
    );
    checked.saga.unwrap()
}

fn file(path: &str, name: &str) -> String {
    codegen::generate(&saga(path), path)
        .unwrap()
        .into_iter()
        .find(|f| f.path == name)
        .unwrap()
        .contents
}

const OUTCOME: &str = "tests/codegen-specs/v2-outcome-orchestration.yaml";

/// A version 2 feature the std runtime does not implement is refused by name, at its line,
/// with exit 2 and nothing written.
#[test]
fn an_unimplemented_feature_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    sagac()
        .args(["codegen", "specs/trip-temporal.yaml", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "specs/trip-temporal.yaml:22:1: `book_trip` uses the long form of `deadline` (language version 2), whose semantics `sagac codegen` does not implement yet",
        ));
    assert!(!out.exists());
}

/// `outcome` with `at: decision` answers before the compensations finish: not implemented.
#[test]
fn outcome_at_the_decision_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("decision.yaml");
    let text = std::fs::read_to_string(OUTCOME)
        .unwrap()
        .replace("  delivery: reply\n", "  delivery: reply\n  at: decision\n");
    std::fs::write(&spec, text).unwrap();
    let out = dir.path().join("never");
    sagac()
        .arg("codegen")
        .arg(&spec)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "uses `outcome` (language version 2)",
        ));
    assert!(!out.exists());
}

/// `outcome`: the generated code maps each end to the caller's value, and each scenario's
/// test asserts the value the simulator's run told the caller.
#[test]
fn the_callers_value_per_end_and_per_scenario() {
    let generated = file(OUTCOME, "src/generated.rs");
    assert!(generated.contains("pub const CALLER_DELIVERY: &str = \"reply\";"));
    assert!(generated.contains("Outcome::Completed => Some(\"Placed\")"));
    assert!(generated.contains("Outcome::Compensated => Some(\"Rejected\")"));
    let tests = file(OUTCOME, "tests/scenarios.rs");
    let saga = saga(OUTCOME);
    let scenarios = sagac::scenario::expectations(&saga, &sagac::scenario::FaultKind::ALL);
    for s in &scenarios {
        // Each test follows its doc comment, which starts with the scenario's name.
        let at = tests
            .find(&format!("/// `{}`:", s.name))
            .unwrap_or_else(|| panic!("a test for {}", s.name));
        let body = &tests[at..at + tests[at..].find("\n}\n").unwrap()];
        let expected = match &s.caller {
            Some(v) => format!("Some(\"{v}\")"),
            None => "None".to_owned(),
        };
        assert!(
            body.contains(&format!("caller_value(), {expected},")),
            "{}: {body}",
            s.name
        );
    }
    assert!(
        scenarios
            .iter()
            .any(|s| s.caller.as_deref() == Some("Rejected"))
    );
}

/// A version 1 spec's crate has nothing of version 2's outcome.
#[test]
fn a_version_1_crate_has_no_caller() {
    let generated = file("specs/order-orchestration.yaml", "src/generated.rs");
    assert!(!generated.contains("caller_value"));
}

const TERMINATE: &str = "tests/codegen-specs/v2-terminate-orchestration.yaml";

/// `then: terminate`: the machine ends `Terminated` on the failures the spec says, the fakes
/// fail with the failure each scenario names, and the scenarios the simulator predicts
/// `terminated` are tested as such, with the caller's value for that end.
#[test]
fn terminate_ends_the_saga_without_compensating() {
    let generated = file(TERMINATE, "src/generated.rs");
    assert!(generated.contains("(Step::VerifyCustomer, Failure::CustomerBlocked)"));
    assert!(generated.contains("(Step::ChargePayment, Failure::CardStolen)"));
    assert!(generated.contains("Terminated(Step)"));
    assert!(generated.contains("Outcome::Terminated => Some(\"Blocked\")"));
    let tests = file(TERMINATE, "tests/scenarios.rs");
    let saga = saga(TERMINATE);
    let scenarios = sagac::scenario::expectations(&saga, &sagac::scenario::FaultKind::ALL);
    let terminated: Vec<&str> = scenarios
        .iter()
        .filter(|s| s.outcome == sagac::scenario::Outcome::Terminated)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        terminated,
        ["fail:verify_customer", "fail:charge_payment@CardStolen"]
    );
    for name in terminated {
        let at = tests.find(&format!("/// `{name}`:")).unwrap();
        let body = &tests[at..at + tests[at..].find("\n}\n").unwrap()];
        assert!(body.contains("Outcome::Terminated, &[]"), "{body}");
    }
}

/// A failure class retried under its own policy (`then: retry`) is not implemented yet.
#[test]
fn a_failure_class_with_its_own_retry_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("class.yaml");
    let text = std::fs::read_to_string(TERMINATE).unwrap().replace(
        "{ name: CardStolen, then: terminate, keeps: [reserve_inventory] }",
        "{ name: Throttled, then: retry, retry: { max_attempts: 3 } }",
    );
    std::fs::write(&spec, text).unwrap();
    let out = dir.path().join("never");
    sagac()
        .arg("codegen")
        .arg(&spec)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "(language version 2), whose semantics `sagac codegen` does not implement yet",
        ));
    assert!(!out.exists());
}

const RUNS_FOR: &str = "tests/codegen-specs/v2-runs-for-orchestration.yaml";

/// `runs_for`: `any_attempt` compensates the step that failed (first: it is the latest),
/// `success` leaves a step in doubt; the tests expect the simulator's orders.
#[test]
fn runs_for_decides_which_steps_are_compensated() {
    let generated = file(RUNS_FOR, "src/generated.rs");
    assert!(generated.contains("pub fn compensated_for(step: Step, state: StepState) -> bool"));
    let tests = file(RUNS_FOR, "tests/scenarios.rs");
    for (name, order) in [
        (
            "fail:reserve_inventory",
            "&[\"reserve_inventory\", \"trigger\"]",
        ),
        (
            "timeout:hold_shipping",
            "&[\"reserve_inventory\", \"trigger\"]",
        ),
        (
            "fail:charge_payment",
            "&[\"hold_shipping\", \"reserve_inventory\", \"trigger\"]",
        ),
    ] {
        let at = tests.find(&format!("/// `{name}`:")).unwrap();
        let body = &tests[at..at + tests[at..].find("\n}\n").unwrap()];
        // prettyplease may break the call over lines: compare without the layout.
        let flat: String = body.split_whitespace().collect();
        let want: String = format!("Outcome::Compensated, {order}")
            .split_whitespace()
            .collect();
        assert!(flat.contains(&want), "{name}: {body}");
    }
    // A version 1 crate keeps version 1's queue rule.
    let v1 = file("specs/order-orchestration.yaml", "src/generated.rs");
    assert!(!v1.contains("compensated_for"));
}

/// `runs_for` with a deadline is not implemented yet (the driver's deadline fails a step
/// whose command never went out).
#[test]
fn runs_for_with_a_deadline_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("deadline.yaml");
    let text = std::fs::read_to_string(RUNS_FOR)
        .unwrap()
        .replace("\noutcome:\n", "\ndeadline: 15m\n\noutcome:\n");
    std::fs::write(&spec, text).unwrap();
    let out = dir.path().join("never");
    sagac()
        .arg("codegen")
        .arg(&spec)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`runs_for`"));
    assert!(!out.exists());
}

#[path = "support/cargo.rs"]
mod cargo;

/// The crate of a version 2 spec builds, passes one test per scenario `expectations`
/// lists, clippy `-D warnings` and rustfmt.
fn crate_passes_its_tests_clippy_and_fmt(spec: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crate");
    let files = codegen::generate(&saga(spec), spec).unwrap();
    codegen::writer::write(&out, &files, false).unwrap();
    // One target directory per spec: the crates share their package's name, and the tests
    // build them at once.
    let stem = Path::new(spec).file_stem().unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("codegen-v2-crates")
        .join(stem);
    let saga = saga(spec);
    let tests = sagac::scenario::expectations(&saga, &codegen::tested_fault_kinds(&saga)).len();
    let mut test = cargo::cargo();
    test.args(["test", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", &target);
    let output = cargo::run_in(&out, test, &format!("{spec}: cargo test"));
    assert!(
        output.contains(&format!("test result: ok. {tests} passed")),
        "{spec}: expected {tests} scenario tests to pass:\n{output}"
    );
    let mut clippy = cargo::cargo();
    clippy
        .args([
            "clippy",
            "--offline",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .env("CARGO_TARGET_DIR", &target);
    cargo::run_in(&out, clippy, &format!("{spec}: cargo clippy"));
    let mut fmt = cargo::cargo();
    fmt.args(["fmt", "--check"]);
    cargo::run_in(&out, fmt, &format!("{spec}: cargo fmt --check"));
}

/// The test of scenario `name` in a generated `tests/scenarios.rs`, without its layout.
fn flat_test(tests: &str, name: &str) -> String {
    let at = tests
        .find(&format!("/// `{name}`:"))
        .unwrap_or_else(|| panic!("a test for {name}"));
    let flat: String = tests[at..at + tests[at..].find("\n}\n").unwrap()]
        .split_whitespace()
        .collect();
    // The trailing comma prettyplease writes after an argument list it breaks.
    flat.replace(",)", ")")
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect()
}

const CONTEXT: &str = "tests/codegen-specs/v2-compensation-context-orchestration.yaml";

/// What a compensation receives: `&CompensationContext { effect, failure }` beside the
/// data (`failure` is no data field), `reads_if_present` fields are `Option`s,
/// `absent_effect: fail` gives up at once, and a step with `transactional: false` may fail
/// with its effect applied: a reservation that failed is released (its release finds the
/// effect), one whose attempts failed transiently is not (the saga is stuck), as the
/// simulator predicts.
#[test]
fn compensations_receive_their_context() {
    let generated = flat(&file(CONTEXT, "src/generated.rs"));
    for want in [
        "fn release_inventory(&mut self, data: &SagaData, context: &CompensationContext",
        "fn reject_order(&mut self, data: &SagaData, context: &CompensationContext",
        "pub struct CompensationContext {",
        "pub fn absent_effect_fails(owner: Owner) -> bool",
        "pub fn transactional(step: Step) -> bool { !matches!(step, Step::ReserveInventory) }",
        "pub reservation_id: Option<String>,",
        "let context = saga.compensation_context(owner);",
    ] {
        assert!(generated.contains(&flat(want)), "{want}");
    }
    assert!(!generated.contains("pub failure: Option<String>"));
    let tests = file(CONTEXT, "tests/scenarios.rs");
    for (name, end) in [
        (
            "fail:reserve_inventory",
            "Outcome::Compensated, &[\"reserve_inventory\", \"trigger\"]",
        ),
        ("exhaust:reserve_inventory", "Outcome::Stuck, &[]"),
        ("fail:hold_shipping", "Outcome::Stuck, &[]"),
    ] {
        let body = flat_test(&tests, name);
        assert!(body.contains(&flat(end)), "{name}: {body}");
    }
    // A version 1 crate's compensations take the data alone.
    let v1 = file("specs/order-orchestration.yaml", "src/generated.rs");
    assert!(!v1.contains("CompensationContext"));
}

#[test]
fn the_compensation_context_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(CONTEXT);
}

const ESCALATION: &str = "tests/codegen-specs/v2-escalation-orchestration.yaml";

/// `on_failure`: a compensation that gives up lets the saga go on (`continue`, `escalate`)
/// or stop (`escalate_and_stop`); under `escalate*` the saga ends `NeedsAttention` and the
/// escalation's action is told what is left. Each scenario's test asserts what gave up and
/// what the escalation was told, as the simulator reports them.
#[test]
fn compensations_that_give_up_continue_or_escalate() {
    let generated = flat(&file(ESCALATION, "src/generated.rs"));
    for want in [
        "Escalate { left: Vec<Owner>,",
        "NeedsAttention { left: Vec<Owner> },",
        "pub gave_up: Vec<Owner>,",
        "Owner::Step(Step::ReserveInventory) => OnFailure::Continue,",
        "Owner::Step(Step::HoldShipping) => OnFailure::EscalateAndStop,",
        "Owner::Trigger => OnFailure::Escalate,",
        "fn open_incident(&mut self, data: &SagaData, escalation: &Escalation",
        "Outcome::NeedsAttention => Some(\"UnderReview\"),",
    ] {
        assert!(generated.contains(&flat(want)), "{want}");
    }
    let saga = saga(ESCALATION);
    let tests = file(ESCALATION, "tests/scenarios.rs");
    let scenarios = sagac::scenario::expectations(&saga, &sagac::scenario::FaultKind::ALL);
    let names = |owners: &[sagac::model::Owner]| -> String {
        owners
            .iter()
            .map(|&o| format!("\"{}\"", sagac::scenario::owner_name(&saga, o)))
            .collect::<Vec<_>>()
            .join(",")
    };
    for s in &scenarios {
        let body = flat_test(&tests, &s.name);
        let want = format!(
            "expect_gave_up(&run,&[{}],&[{}]);",
            names(&s.gave_up),
            names(&s.left)
        );
        assert!(body.contains(&want), "{}: {body}", s.name);
    }
    let ends = |outcome| scenarios.iter().filter(|s| s.outcome == outcome).count();
    assert!(ends(sagac::scenario::Outcome::NeedsAttention) >= 3);
    for (name, gave_up, left, end) in [
        (
            "fail:charge_payment+compfail:hold_shipping",
            "\"hold_shipping\"",
            "\"trigger\",\"reserve_inventory\",\"hold_shipping\"",
            "Outcome::NeedsAttention,&[],",
        ),
        (
            "fail:charge_payment+compfail:reserve_inventory",
            "\"reserve_inventory\"",
            "",
            "Outcome::Compensated,&[\"hold_shipping\",\"trigger\"],",
        ),
        (
            "fail:charge_payment+compfail:trigger",
            "\"trigger\"",
            "\"trigger\"",
            "Outcome::NeedsAttention,&[\"hold_shipping\",\"reserve_inventory\"],",
        ),
    ] {
        let body = flat_test(&tests, name);
        assert!(
            body.contains(&format!("expect_gave_up(&run,&[{gave_up}],&[{left}]);")),
            "{name}: {body}"
        );
        assert!(body.contains(end), "{name}: {body}");
    }
    // A saga whose compensations get stuck (version 1's) has none of it.
    let v1 = file("specs/order-orchestration.yaml", "src/generated.rs");
    assert!(!v1.contains("gave_up") && !v1.contains("NeedsAttention"));
}

#[test]
fn the_escalation_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(ESCALATION);
}

const TIMEOUT: &str = "tests/codegen-specs/v2-compensation-timeout-orchestration.yaml";

/// A compensation's `timeout`: `Command::Compensate` carries it, a `TimedOut` answer is
/// re-sent while the compensation's retry allows (then `on_failure` applies), and every
/// `comptimeout:` scenario the simulator lists, after each scenario where that
/// compensation runs, has its test. `compensation_defaults` gives the timeout to every
/// compensation that does not set its own.
#[test]
fn compensation_timeouts_are_re_sent_then_give_up() {
    let generated = flat(&file(TIMEOUT, "src/generated.rs"));
    for want in [
        "timeout: Option<Duration>,",
        "timeout: owner.timeout(),",
        "Owner::Trigger => Some(Duration::from_secs(2)),",
        "Owner::Step(Step::ReserveInventory) => Some(Duration::from_secs(2)),",
        "Owner::Step(Step::HoldShipping) => Some(Duration::from_secs(1)),",
    ] {
        assert!(generated.contains(&flat(want)), "{want}");
    }
    let saga = saga(TIMEOUT);
    let kinds = codegen::tested_fault_kinds(&saga);
    assert!(kinds.contains(&sagac::scenario::FaultKind::CompTimeout));
    let scenarios = sagac::scenario::expectations(&saga, &kinds);
    // The simulator's comptimeout scenarios, every one with its test.
    let options = sagac::scenario::Options {
        kinds: kinds.clone(),
        ..Default::default()
    };
    let listed: Vec<String> = sagac::scenario::enumerate(&saga, &options)
        .into_iter()
        .map(|s| s.name)
        .filter(|n| n.contains("comptimeout:"))
        .collect();
    let tested: Vec<&str> = scenarios
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| n.contains("comptimeout:"))
        .collect();
    assert_eq!(tested, listed);
    assert!(tested.len() >= 10, "{tested:?}");
    let tests = file(TIMEOUT, "tests/scenarios.rs");
    for (name, gave_up, end) in [
        (
            "fail:charge_payment+comptimeout:reserve_inventory",
            "",
            "Outcome::Compensated,&[\"hold_shipping\",\"reserve_inventory\",\"trigger\"]",
        ),
        (
            "fail:charge_payment+comptimeout:hold_shipping",
            "\"hold_shipping\"",
            "Outcome::Compensated,&[\"reserve_inventory\",\"trigger\"]",
        ),
    ] {
        let body = flat_test(&tests, name);
        assert!(
            body.contains(&format!("expect_gave_up(&run,&[{gave_up}],&[]);")),
            "{name}: {body}"
        );
        assert!(body.contains(end), "{name}: {body}");
    }
    // A version 1 crate's tests list no comptimeout scenario and its commands no timeout.
    let v1 = self::saga("specs/order-orchestration.yaml");
    assert_eq!(
        codegen::tested_fault_kinds(&v1),
        sagac::scenario::FaultKind::ALL
    );
}

#[test]
fn the_compensation_timeout_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(TIMEOUT);
}
