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

/// A version 2 feature the std runtime does not implement (any, in a choreography) is
/// refused by name, at its line, with exit 2 and nothing written.
#[test]
fn an_unimplemented_feature_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    // A choreography whose hold is retried while another saga holds it (`then: retry` of
    // `Locked`: the broker's redelivery), which its handlers do not implement yet
    // (`choreography_isolation.rs`).
    let spec = "fixtures/isolation/hold-retry-choreography.yaml";
    sagac()
        .arg("codegen")
        .arg(spec)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "hold-retry-choreography.yaml:18:1: `place_order_hold` uses `resources` (language version 2), whose semantics `sagac codegen` does not implement yet",
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

const DEADLINE: &str = "tests/codegen-specs/v2b-deadline-orchestration.yaml";
const DEADLINE_TERMINATE: &str = "tests/codegen-specs/v2b-deadline-terminate-orchestration.yaml";

/// The body of the test that follows the doc comment naming the scenario.
fn test_of<'a>(tests: &'a str, scenario: &str) -> &'a str {
    let at = tests
        .find(&format!("/// `{scenario}`:"))
        .unwrap_or_else(|| panic!("a test for {scenario}"));
    &tests[at..at + tests[at..].find("\n}\n").unwrap()]
}

/// Whether a test expects this outcome and compensation order (prettyplease may break
/// the call over lines: compared without the layout).
fn expects(body: &str, outcome: &str, order: &str) -> bool {
    let flat: String = body.split_whitespace().collect();
    let want: String = format!("{outcome}, {order}").split_whitespace().collect();
    flat.contains(&want)
}

/// The deadline (version 2): `Saga::on_deadline` decides what it stops, each `deadline:`
/// scenario has its test, and a step stopped before its command went out is not
/// compensated under `runs_for: any_attempt` (it applied nothing), which the driver's
/// version 1 deadline got wrong (it counted the attempt).
#[test]
fn the_deadline_is_the_state_machines() {
    let generated = file(DEADLINE, "src/generated.rs");
    assert!(
        generated.contains("pub fn on_deadline(&mut self, unsent: &[Command]) -> Vec<Command>")
    );
    assert!(generated.contains("pub const DEADLINE_REACHES: usize = 3;"));
    assert!(generated.contains("saga.on_deadline(&unsent)"));
    assert!(!generated.contains("fn past_deadline"));
    let tests = file(DEADLINE, "tests/scenarios.rs");
    let saga = saga(DEADLINE);
    let kinds = codegen::fault_kinds(&saga);
    let scenarios = sagac::scenario::expectations(&saga, &kinds);
    let deadlines: Vec<&str> = scenarios
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| n.starts_with("deadline:"))
        .collect();
    assert_eq!(
        deadlines,
        [
            "deadline:reserve_inventory",
            "deadline:hold_shipping",
            "deadline:charge_payment"
        ]
    );
    for name in deadlines {
        test_of(&tests, name);
    }
    let first = test_of(&tests, "deadline:reserve_inventory");
    assert!(
        expects(first, "Outcome::Compensated", "&[\"trigger\"]"),
        "{first}"
    );
    // The header lists only the kinds still untested.
    let header = &tests[..tests.find("#![cfg_attr").unwrap()];
    assert!(
        header.contains("`comptimeout:`") && !header.contains("`deadline:`"),
        "{header}"
    );
    // A version 1 crate keeps the driver's version 1 deadline.
    let v1 = file("specs/order-orchestration.yaml", "src/generated.rs");
    assert!(!v1.contains("on_deadline"));
}

/// `deadline: { then: terminate, applies: always }`: the deadline ends the saga without
/// compensating, after the point of no return too.
#[test]
fn a_terminating_deadline_ends_the_saga_where_it_passes() {
    let generated = file(DEADLINE_TERMINATE, "src/generated.rs");
    assert!(generated.contains("pub const DEADLINE_REACHES: usize = 4;"));
    assert!(generated.contains("self.terminating.get_or_insert(first);"));
    assert!(generated.contains("Outcome::Terminated => Some(\"TimedOut\")"));
    let tests = file(DEADLINE_TERMINATE, "tests/scenarios.rs");
    for step in [
        "reserve_inventory",
        "hold_shipping",
        "charge_payment",
        "send_confirmation",
    ] {
        let body = test_of(&tests, &format!("deadline:{step}"));
        assert!(expects(body, "Outcome::Terminated", "&[]"), "{body}");
    }
}

const CANCEL: &str = "tests/codegen-specs/v2b-cancel-orchestration.yaml";
const CANCEL_IGNORED: &str = "tests/codegen-specs/v2b-cancel-ignored-orchestration.yaml";

/// `cancellation`: `Saga::cancel` honours a cancel before the pivot (the saga compensates
/// and ends `Cancelled`), answers one sent with the pivot once the pivot succeeds
/// (`too_late`), and each `cancel:` scenario's test asserts the simulator's answer.
#[test]
fn a_cancel_is_honoured_until_the_pivot_and_answered() {
    let generated = file(CANCEL, "src/generated.rs");
    assert!(generated.contains("pub fn cancel(&mut self) -> (CancelAnswer, Vec<Command>)"));
    assert!(generated.contains("Outcome::Cancelled => Some(\"Withdrawn\")"));
    assert!(generated.contains("pub const CANCEL_UNTIL: Option<Step> = None;"));
    let tests = file(CANCEL, "tests/scenarios.rs");
    for (name, outcome, order, answer) in [
        (
            "cancel:reserve_inventory",
            "Outcome::Cancelled",
            "&[\"reserve_inventory\", \"trigger\"]",
            "Some(CancelAnswer::Cancelled)",
        ),
        (
            "cancel:hold_shipping",
            "Outcome::Cancelled",
            "&[\"hold_shipping\", \"reserve_inventory\", \"trigger\"]",
            "Some(CancelAnswer::Cancelled)",
        ),
        (
            "cancel:charge_payment",
            "Outcome::Completed",
            "&[]",
            "Some(CancelAnswer::TooLate)",
        ),
        (
            "cancel:send_confirmation",
            "Outcome::Completed",
            "&[]",
            "Some(CancelAnswer::TooLate)",
        ),
    ] {
        let body = test_of(&tests, name);
        assert!(expects(body, outcome, order), "{name}: {body}");
        let flat: String = body.split_whitespace().collect();
        assert!(
            flat.contains(&format!("assert_eq!(run.cancel_answer,{answer},")),
            "{name}: {body}"
        );
    }
    // Every other test asserts that no cancel was answered.
    let happy = test_of(&tests, "happy");
    assert!(happy.contains("run.cancel_answer, None,"), "{happy}");
}

/// `compensations: cancelled` and `late: ignore`: an honoured cancel runs no compensation,
/// a late one (`until: hold_shipping`) gets no answer and the saga completes.
#[test]
fn a_cancel_can_cancel_the_compensations_or_be_ignored() {
    let generated = file(CANCEL_IGNORED, "src/generated.rs");
    assert!(generated.contains("pub const CANCEL_UNTIL: Option<Step> = Some(Step::HoldShipping);"));
    let tests = file(CANCEL_IGNORED, "tests/scenarios.rs");
    let first = test_of(&tests, "cancel:reserve_inventory");
    assert!(expects(first, "Outcome::Cancelled", "&[]"), "{first}");
    let late = test_of(&tests, "cancel:hold_shipping");
    assert!(expects(late, "Outcome::Completed", "&[]"), "{late}");
    let flat: String = late.split_whitespace().collect();
    assert!(
        flat.contains("assert_eq!(run.cancel_answer,None,"),
        "{late}"
    );
}

const DECISION: &str = "tests/codegen-specs/v2b-decision-orchestration.yaml";

/// `outcome.at: decision`: the machine keeps what it told the caller when the end was
/// decided (`Saga::told`), so a saga whose compensation then gives up (stuck) still told
/// the caller `Rejected`, as the simulator's runs do; each test asserts it.
#[test]
fn the_caller_is_answered_at_the_decision() {
    let generated = file(DECISION, "src/generated.rs");
    assert!(generated.contains("pub told: Option<Outcome>,"));
    assert!(generated.contains("pub fn caller_outcome(&self) -> Option<Outcome>"));
    let tests = file(DECISION, "tests/scenarios.rs");
    let body = test_of(&tests, "fail:reserve_inventory+compfail:reserve_inventory");
    let flat: String = body.split_whitespace().collect();
    assert!(
        flat.contains("run.told.unwrap_or(run.outcome).caller_value(),Some(\"Rejected\"),"),
        "{body}"
    );
    assert!(expects(body, "Outcome::Stuck", "&[]"), "{body}");
    // Told at the end, the same run tells the caller nothing.
    let at_end = file(CANCEL, "src/generated.rs");
    assert!(!at_end.contains("pub told:"));
}

const UNCAUGHT: &str = "tests/codegen-specs/v2b-uncaught-orchestration.yaml";

/// `on_uncaught` and outages: `StepError::Unexpected` becomes what each step's
/// `on_uncaught` says (terminate, retry, compensate), a participant that is down never
/// answers (`StepError::Unanswered`) and the deadline ends the wait; each `uncaught:` and
/// `outage:` scenario has its test, with the simulator's end.
#[test]
fn errors_nobody_declared_and_outages() {
    let generated = file(UNCAUGHT, "src/generated.rs");
    assert!(generated.contains("Unexpected(String),"));
    assert!(generated.contains("Step::ReserveInventory => OnUncaught::Terminate,"));
    assert!(generated.contains("Step::HoldShipping => OnUncaught::Retry,"));
    assert!(generated.contains("Step::ChargePayment => OnUncaught::Compensate,"));
    assert!(generated.contains("let next = saga.on_deadline(&[]);"));
    let tests = file(UNCAUGHT, "tests/scenarios.rs");
    for (name, outcome, order) in [
        ("uncaught:reserve_inventory", "Outcome::Terminated", "&[]"),
        ("uncaught:hold_shipping", "Outcome::Completed", "&[]"),
        (
            "uncaught:charge_payment",
            "Outcome::Compensated",
            "&[\"hold_shipping\", \"reserve_inventory\", \"trigger\"]",
        ),
        (
            "outage:inventory",
            "Outcome::Compensated",
            "&[\"reserve_inventory\", \"trigger\"]",
        ),
    ] {
        let body = test_of(&tests, name);
        assert!(expects(body, outcome, order), "{name}: {body}");
    }
    // Without a deadline a participant that is down is waited for forever: stuck.
    let tests = file(RUNS_FOR, "tests/scenarios.rs");
    let body = test_of(&tests, "outage:inventory");
    assert!(expects(body, "Outcome::Stuck", "&[]"), "{body}");
}

const CLASSES: &str = "tests/codegen-specs/v2b-classes-orchestration.yaml";

/// A failure class (`then: retry`) is retried under its own policy, then fails the step as
/// exhausted retries; `retry.within` caps the attempts. Each `@` scenario has its test.
#[test]
fn a_failure_class_is_retried_on_its_own_policy() {
    let generated = file(CLASSES, "src/generated.rs");
    assert!(
        generated
            .contains("pub fn class_retry(step: Step, failure: &Failure) -> Option<RetryPolicy>")
    );
    assert!(generated.contains("(Step::HoldShipping, Failure::Throttled) =>"));
    // `within: 1s` with waits of 200ms, 400ms, 800ms: 3 attempts start within it.
    assert!(generated.contains("/// 3 attempts, exponential 200ms..2s."));
    let tests = file(CLASSES, "tests/scenarios.rs");
    let once = test_of(&tests, "fail:hold_shipping@Throttled");
    assert!(expects(once, "Outcome::Completed", "&[]"), "{once}");
    let exhausted = test_of(&tests, "exhaust:hold_shipping@Throttled");
    assert!(
        expects(
            exhausted,
            "Outcome::Compensated",
            "&[\"reserve_inventory\", \"trigger\"]"
        ),
        "{exhausted}"
    );
}

/// `RetryPolicy { within, jitter }` in a version 2 crate: the class's policy waits a random
/// part of its backoff; a version 1 crate keeps version 1's `RetryPolicy`.
#[test]
fn retry_policies_carry_within_and_jitter() {
    let generated = file(CLASSES, "src/generated.rs");
    assert!(generated.contains("pub enum Jitter {"));
    assert!(generated.contains("within: Some(Duration::from_secs(1)),"));
    assert!(generated.contains("jitter: Jitter::Full,"));
    assert!(generated.contains("Jitter::Full => {"));
    let v1 = file("specs/order-orchestration.yaml", "src/generated.rs");
    assert!(!v1.contains("Jitter"));
}

const BUILTIN: &str = "tests/codegen-specs/v2b-builtin-orchestration.yaml";

/// A built-in failure name with `then: terminate`: the step that times out (`TimedOut`) or
/// runs out of retries (`Exhausted`) ends the saga without compensating, as the simulator
/// predicts; other steps keep version 1's handling.
#[test]
fn a_built_in_failure_can_terminate() {
    let generated = file(BUILTIN, "src/generated.rs");
    assert!(generated.contains("(!resent || exhausted) && matches!(step, Step::HoldShipping)"));
    let tests = file(BUILTIN, "tests/scenarios.rs");
    for name in ["exhaust:reserve_inventory", "timeout:hold_shipping"] {
        let body = test_of(&tests, name);
        assert!(
            expects(body, "Outcome::Terminated", "&[]"),
            "{name}: {body}"
        );
    }
    let body = test_of(&tests, "exhaust:hold_shipping");
    assert!(
        expects(
            body,
            "Outcome::Compensated",
            "&[\"reserve_inventory\", \"trigger\"]"
        ),
        "{body}"
    );
}

#[path = "support/cargo.rs"]
mod cargo;

/// The crate of a version 2 spec builds, passes one test per scenario `expectations`
/// lists, clippy `-D warnings` and rustfmt.
fn crate_passes_its_tests_clippy_and_fmt(spec: &str) {
    crate_passes_with(spec, "", 0);
}

/// As `crate_passes_its_tests_clippy_and_fmt`, with `extra` (`tests` more tests, laid out
/// as rustfmt would) appended to the crate's `tests/scenarios.rs`.
fn crate_passes_with(spec: &str, extra: &str, more: usize) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crate");
    let files = codegen::generate(&saga(spec), spec).unwrap();
    codegen::writer::write(&out, &files, false).unwrap();
    if !extra.is_empty() {
        let tests = out.join("tests/scenarios.rs");
        let text = std::fs::read_to_string(&tests).unwrap();
        std::fs::write(&tests, format!("{text}{extra}")).unwrap();
    }
    // One target directory per spec: the crates share their package's name, and the tests
    // build them at once.
    let stem = Path::new(spec).file_stem().unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("codegen-v2-crates")
        .join(stem);
    let saga = saga(spec);
    let tests = sagac::scenario::expectations(&saga, &codegen::fault_kinds(&saga)).len() + more;
    cargo::passes_tests_clippy_and_fmt(&out, &target, spec, tests);
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
    let kinds = codegen::fault_kinds(&saga);
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
    assert_eq!(codegen::fault_kinds(&v1), sagac::scenario::FaultKind::ALL);
}

#[test]
fn the_compensation_timeout_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(TIMEOUT);
}

const UNCAUGHT_RETRIABLE: &str = "tests/codegen-specs/v2c-uncaught-retriable-orchestration.yaml";

/// `on_uncaught: compensate` on a retriable step is one transient failure, retried (the
/// contract's detail 4), in the simulator and the generated code alike: the crate is
/// generated, `uncaught:` on that step is no scenario of its own (it is what `fail:` is),
/// and an undeclared error on the email's first attempt, played by a test added to the
/// crate, is retried and the order completes.
#[test]
fn uncaught_compensate_on_a_retriable_step_is_retried() {
    let generated = file(UNCAUGHT_RETRIABLE, "src/generated.rs");
    assert!(generated.contains("Step::SendConfirmation => OnUncaught::Compensate,"));
    let tests = file(UNCAUGHT_RETRIABLE, "tests/scenarios.rs");
    assert!(tests.contains("/// `uncaught:charge_payment`:"));
    assert!(!tests.contains("/// `uncaught:send_confirmation`:"));
    assert!(expects(
        test_of(&tests, "fail:send_confirmation"),
        "Outcome::Completed",
        "&[]"
    ));
    let extra = "
/// Not a scenario of `sagac simulate` (there it is what `fail:send_confirmation` is): an
/// undeclared error on the email's first attempt is retried, and the order completes.
#[test]
fn uncaught_send_confirmation_is_retried() {
    let run = run(&[\"uncaught:send_confirmation\"]);
    expect(run, Outcome::Completed, &[], &[]);
}
";
    crate_passes_with(UNCAUGHT_RETRIABLE, extra, 1);
}

const DEFAULTS_BUDGET: &str =
    "tests/codegen-specs/v2c-compensation-defaults-budget-orchestration.yaml";

/// `compensation_defaults.retry` with `within` and `jitter`: each compensation that does
/// not write its own `retry` (the trigger's, the inventory's) gets both in its generated
/// policy, its `max_attempts` the attempts that start within the budget (3 within 3s,
/// waits of 1s), as `check` counts them; the one that writes its own keeps it. The crate
/// passes its tests (the `compfail:` ones exhaust those 3 attempts), clippy and rustfmt.
#[test]
fn compensation_defaults_carry_the_retry_budget_and_jitter() {
    let generated = flat(&file(DEFAULTS_BUDGET, "src/generated.rs"));
    let budget = flat(
        "/// 3 attempts, fixed 1s.
        pub const RETRY_0: RetryPolicy = RetryPolicy {
            max_attempts: Some(3),
            backoff: Backoff::Fixed,
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
            within: Some(Duration::from_secs(3)),
            jitter: Jitter::Full,
        };",
    );
    assert!(generated.contains(&budget), "{generated}");
    for action in ["RejectOrder", "ReleaseInventory"] {
        let uses = flat(&format!(
            "CompensationInfo {{ action: \"{action}\", retry: RETRY_0, }}"
        ));
        assert!(generated.contains(&uses), "{action}");
    }
    let own = flat("CompensationInfo { action: \"ReleaseShipping\", retry: RETRY_2, }");
    assert!(generated.contains(&own));
    assert!(generated.contains(&flat(
        "pub const RETRY_2: RetryPolicy = RetryPolicy { max_attempts: Some(1),"
    )));
    crate_passes_its_tests_clippy_and_fmt(DEFAULTS_BUDGET);
}

const TRIP: &str = "specs/trip-temporal.yaml";

/// A compensation that fails or times out only where the deadline stops a step in doubt,
/// or where the cancel is heard after a later step was sent, has its test too: the test
/// drives that run (`scenario::Played`), the simulator's machine predicting it, and says
/// so. Every scenario `sagac simulate` lists for the trip has its test
/// (`tests/codegen.rs` builds the crate and runs them).
#[test]
fn compensations_failing_after_a_deadline_or_a_cancel_in_doubt_are_tested() {
    let tests = file(TRIP, "tests/scenarios.rs");
    let body = test_of(&tests, "deadline:reserve_car+compfail:reserve_car");
    assert!(
        body.contains("in the run where `reserve_car` is outstanding (sent, not processed)"),
        "{body}"
    );
    assert!(
        body.contains(r#"run(&["abandon:reserve_car", "compfail:reserve_car"])"#),
        "{body}"
    );
    assert!(expects(body, "Outcome::NeedsAttention", "&[]"), "{body}");
    assert!(flat(body).contains(&flat(
        r#"expect_gave_up(&run, &["reserve_car"], &["reserve_car"]);"#
    )));
    let body = test_of(&tests, "cancel:verify_traveller+comptimeout:book_flight");
    assert!(
        body.contains(r#"run(&["cancel:book_flight", "comptimeout:book_flight"])"#),
        "{body}"
    );
    assert!(
        expects(
            body,
            "Outcome::Cancelled",
            r#"&["book_flight", "book_hotel", "reserve_car"]"#
        ),
        "{body}"
    );
    let saga = saga(TRIP);
    let played = sagac::scenario::expectations(&saga, &codegen::fault_kinds(&saga))
        .iter()
        .filter(|e| e.played.is_some())
        .count();
    assert_eq!(played, 18);
}
