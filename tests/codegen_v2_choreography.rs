//! `sagac codegen` on language version 2 choreographies (std runtime): the events carry
//! what ended the forward phase (`Message::failure`), a step's failure publishes the event
//! its `emits.failure` map names, compensations receive their context from the event that
//! started them, a compensation that gives up acts by its `on_failure` (the escalation is
//! an event its participant consumes), an error nobody declared follows `on_uncaught`, and
//! the outcome's participant tells the caller. Each generated test asserts what the
//! simulator predicts; the crates are built, tested, linted and formatted here (and with
//! every other spec by `tests/codegen.rs`).

use std::path::Path;

use assert_cmd::Command;
use sagac::check;
use sagac::codegen;
use sagac::load;
use sagac::model::{Owner, Saga};
use sagac::scenario::{Outcome, expectations, owner_name};

#[path = "support/cargo.rs"]
mod cargo;

const SHIPPED: &str = "specs/order-credit-choreography.yaml";
const FAILURE_MAP: &str = "tests/codegen-specs/v2c-failure-map-choreography.yaml";
const ESCALATION: &str = "tests/codegen-specs/v2c-escalation-choreography.yaml";
const CONTEXT: &str = "tests/codegen-specs/v2c-compensation-context-choreography.yaml";
const TERMINATE: &str = "tests/codegen-specs/v2c-terminate-choreography.yaml";
const DEADLINE: &str = "tests/codegen-specs/v2c-deadline-choreography.yaml";
const TIMEOUT: &str = "tests/codegen-specs/v2c-compensation-timeout-choreography.yaml";
const DEADLINE_TERMINATE: &str = "tests/codegen-specs/v2c-deadline-terminate-choreography.yaml";

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

/// Without its layout, and the trailing commas and braces prettyplease writes where it
/// breaks a line.
fn flat(text: &str) -> String {
    text.split_whitespace()
        .collect::<String>()
        .replace(",)", ")")
        .replace(",}", "}")
        .replace("=>{Some(", "=>Some(")
}

/// The test of scenario `name` in a generated `tests/scenarios.rs`, without its layout.
fn flat_test(tests: &str, name: &str) -> String {
    let at = tests
        .find(&format!("/// `{name}`:"))
        .unwrap_or_else(|| panic!("a test for {name}"));
    flat(&tests[at..at + tests[at..].find("\n}\n").unwrap()])
}

fn assert_has(text: &str, wants: &[&str]) {
    let text = flat(text);
    for want in wants {
        let want_flat = flat(want);
        assert!(
            text.contains(want_flat.trim_end_matches(',')),
            "missing: {want}"
        );
    }
}

fn names(saga: &Saga, owners: &[Owner]) -> String {
    owners
        .iter()
        .map(|&o| format!("\"{}\"", owner_name(saga, o)))
        .collect::<Vec<_>>()
        .join(",")
}

/// The shipped version 2 choreography generates (it was refused before).
#[test]
fn the_shipped_choreography_generates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crate");
    Command::cargo_bin("sagac")
        .unwrap()
        .args(["codegen", SHIPPED, "-o"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("tests/scenarios.rs").exists());
    assert!(codegen::unsupported_v2(&saga(SHIPPED)).is_none());
}

/// Each failure publishes the event the map names for it; a failure the map does not
/// name (`Exhausted`) the first declared failure's; the event carries the failure.
#[test]
fn a_failure_publishes_the_event_its_map_names() {
    let generated = file(FAILURE_MAP, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "pub failure: Option<SagaFailure>,",
            "(Step::ReserveCredit, \"CustomerNotFound\") => Some(Event::CustomerValidationFailed)",
            "(Step::ReserveCredit, \"CreditLimitExceeded\") => Some(Event::CustomerCreditLimitExceeded)",
            "(Step::ReserveCredit, _) => Some(Event::CustomerValidationFailed),",
            "(Step::ReserveInventory, _) => Some(Event::InventoryFailed),",
            "Err(failure) => { let event = failure_event(step, &failure)?;",
            "Some(Message { event, data: self.data.clone(), failure: Some(failure) })",
            "message.outcome(Step::ReserveCredit, result, Some(Event::CustomerCreditReserved))",
        ],
    );
    // Each failure of the map has its scenario, which fails with that failure.
    let tests = file(FAILURE_MAP, "tests/scenarios.rs");
    assert_has(
        &flat_test(&tests, "fail:reserve_credit@CreditLimitExceeded"),
        &["run(&[\"fail:reserve_credit@CreditLimitExceeded\"])"],
    );
    assert_has(
        &tests,
        &["vec![Failure::CustomerNotFound, Failure::CreditLimitExceeded]"],
    );
    // A version 1 choreography's messages carry no failure.
    let v1 = file("specs/order-choreography.yaml", "src/generated.rs");
    assert!(!v1.contains("SagaFailure") && !v1.contains("failure_event"));
}

/// A compensation receives its context from the event that started it: the failure the
/// events carry, and its step's effect (`Failed` when the failure is its own step's).
#[test]
fn compensations_receive_the_failure_the_events_carry() {
    let generated = file(FAILURE_MAP, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "fn release_credit(&mut self, data: &SagaData, context: &CompensationContext) -> Result<(), StepError>;",
            "fn reject_order(&mut self, data: &SagaData, context: &CompensationContext) -> Result<(), StepError>;",
            "Owner::Step(step) if failure.step == step.id() => Effect::Failed,",
            "let context = CompensationContext::of(Owner::Step(Step::ReserveCredit), message);",
            "publish.push(Message { event: Event::CustomerCreditReleased, data: message.data.clone(), failure: message.failure.clone() });",
        ],
    );
    // The fakes check what they are told.
    let tests = file(FAILURE_MAP, "tests/scenarios.rs");
    assert_has(
        &tests,
        &[
            "assert_eq!(context.effect == Effect::Applied, succeeded,",
            "assert!(!context.failure.name.is_empty(),",
        ],
    );
    let participants = file(FAILURE_MAP, "src/participants.rs");
    assert_has(
        &participants,
        &["fn release_credit(&mut self, _data: &SagaData, _context: &CompensationContext)"],
    );
}

/// `on_failure`: a compensation that gives up publishes its event anyway (`continue`),
/// the escalation event and its event (`escalate`), or the escalation event alone
/// (`escalate_and_stop`); the escalation's participant consumes it. Each scenario's test
/// asserts what gave up, what the escalation was told and the end, as the simulator does.
#[test]
fn a_compensation_that_gives_up_acts_by_its_on_failure() {
    let generated = file(ESCALATION, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "Owner::Trigger => OnFailure::Escalate,",
            "Owner::Step(Step::ReserveInventory) => OnFailure::Continue,",
            "Owner::Step(Step::HoldShipping) => OnFailure::EscalateAndStop,",
            "OrderNeedsAttention",
            "name: \"order.needs.attention\", fields: &[], consumers: &[Participant::Ops], failure: false,",
            "left: vec![owner]",
            "owner.on_failure() != OnFailure::EscalateAndStop",
            "pub struct OpsHandler<'a>",
            "self.participant.open_incident(&message.data, &escalation)",
            "NeedsAttention,",
        ],
    );
    let saga = saga(ESCALATION);
    let tests = file(ESCALATION, "tests/scenarios.rs");
    let scenarios = expectations(&saga, &codegen::fault_kinds(&saga));
    for s in &scenarios {
        let body = flat_test(&tests, &s.name);
        let want = format!(
            "expect_gave_up(&run,&[{}],&[{}]);",
            names(&saga, &s.gave_up),
            names(&saga, &s.left)
        );
        assert!(body.contains(&want), "{}: {body}", s.name);
    }
    let ends = |outcome| scenarios.iter().filter(|s| s.outcome == outcome).count();
    assert!(ends(Outcome::NeedsAttention) >= 4);
    assert_has(
        &flat_test(&tests, "fail:charge_payment+compfail:hold_shipping"),
        &[
            "expect_gave_up(&run, &[\"hold_shipping\"], &[\"hold_shipping\"]);",
            "expect(run, Outcome::NeedsAttention, &[], &[]);",
        ],
    );
    assert_has(
        &flat_test(&tests, "fail:charge_payment+compfail:reserve_inventory"),
        &[
            "expect_gave_up(&run, &[\"reserve_inventory\"], &[]);",
            "expect(run, Outcome::Compensated, &[\"hold_shipping\", \"trigger\"], &[]);",
        ],
    );
}

/// The outcome's participant tells the caller what it first learns: each test asserts
/// the value the simulator's run told (none when the run never told it).
#[test]
fn the_outcome_participant_tells_the_caller() {
    let generated = file(ESCALATION, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "pub const CALLER_DELIVERY: &str = \"status\";",
            "Event::PaymentCompleted => Some(Outcome::Completed),",
            "Event::InventoryFailed | Event::InventoryReleased => Some(Outcome::Compensated),",
            "fn tell_caller(&mut self, data: &SagaData, outcome: Outcome, failure: Option<&SagaFailure>) -> Result<(), StepError>;",
            "if let Some(outcome) = caller_learns(message.event) {",
            "Outcome::NeedsAttention => Some(\"Rejected\"),",
        ],
    );
    let saga = saga(ESCALATION);
    let tests = file(ESCALATION, "tests/scenarios.rs");
    for s in expectations(&saga, &codegen::fault_kinds(&saga)) {
        let caller = match &s.caller {
            Some(value) => format!("Some(\"{value}\")"),
            None => "None".to_owned(),
        };
        let want = format!("run.told.and_then(Outcome::caller_value),{caller},");
        let body = flat_test(&tests, &s.name);
        assert!(body.contains(&want), "{}: {body}", s.name);
    }
    let participants = file(ESCALATION, "src/participants.rs");
    assert_has(
        &participants,
        &[
            "fn tell_caller(&mut self, _data: &SagaData, _outcome: Outcome, _failure: Option<&SagaFailure>)",
        ],
    );
}

/// An error nobody declared: transient under `retry` (the choreography's default), the
/// failure `Uncaught` under `compensate`; every `uncaught:` scenario has its test.
#[test]
fn an_error_nobody_declared_follows_on_uncaught() {
    let generated = file(ESCALATION, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "Unexpected(String),",
            "matches!(step, Step::ReserveInventory | Step::ChargePayment)",
            "Err(error @ StepError::Unexpected(_)) if !uncaught_retried(step) =>",
            "StepError::Unexpected(_) => \"Uncaught\".to_owned(),",
        ],
    );
    let tests = file(ESCALATION, "tests/scenarios.rs");
    assert_has(
        &flat_test(&tests, "uncaught:hold_shipping"),
        &["expect(run, Outcome::Compensated, &[\"reserve_inventory\", \"trigger\"], &[]);"],
    );
    let tests = file(FAILURE_MAP, "tests/scenarios.rs");
    assert_has(
        &flat_test(&tests, "uncaught:reserve_credit"),
        &["expect(run, Outcome::Completed, &[], &[]);"],
    );
}

/// A failure class (`then: retry`) is retried on its own policy by the step's handler;
/// out of attempts it fails as exhausted retries do.
#[test]
fn a_failure_class_is_retried_on_its_own_policy() {
    let generated = file(FAILURE_MAP, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "(Step::ReserveInventory, Failure::Throttled) => Some(RetryPolicy {",
            "Err(StepError::Business(failure)) if class_retry(step, &failure).is_some() => {",
            "let retry = class_retry(step, &failure).unwrap_or(info.retry);",
        ],
    );
    let tests = file(FAILURE_MAP, "tests/scenarios.rs");
    assert_has(
        &flat_test(&tests, "fail:reserve_inventory@Throttled"),
        &["expect(run, Outcome::Completed, &[], &[]);"],
    );
    assert_has(
        &flat_test(&tests, "exhaust:reserve_inventory@Throttled"),
        &["expect(run, Outcome::Compensated, &[\"reserve_credit\", \"trigger\"], &[]);"],
    );
}

/// `runs_for`: a compensation registered for `success` alone passes its own step's failure
/// event on without undoing; one registered for `any_attempt` runs on it, told the effect
/// `Failed`. `absent_effect: fail` gives up at once; `reads_if_present` fields are the
/// step's writes.
#[test]
fn compensations_are_registered_for_their_attempts() {
    let generated = file(CONTEXT, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "effect == Effect::Applied || !matches!(owner, Owner::Step(Step::ReserveInventory))",
            "matches!(owner, Owner::Step(Step::ReserveInventory))",
            "Err(StepError::Business(_)) if absent_effect_fails(owner) => {",
            "let done = match registered(Owner::Step(Step::ChargePayment), context.effect) {",
            "pub payment_id: Option<String>,",
        ],
    );
    // Not registered: a stock release that consumes its own step's failure event passes it
    // on, and the order is cancelled.
    let dir = tempfile::tempdir().unwrap();
    let variant = not_registered_variant(dir.path());
    let tests = file(&variant, "tests/scenarios.rs");
    assert_has(
        &flat_test(&tests, "fail:reserve_inventory"),
        &[
            "expect_gave_up(&run, &[], &[]);",
            "expect(run, Outcome::Compensated, &[\"trigger\"], &[]);",
        ],
    );
    let tests = file(CONTEXT, "tests/scenarios.rs");
    // Registered before the call: the refund runs on the payment's own failure.
    assert_has(
        &flat_test(&tests, "fail:charge_payment"),
        &[
            "expect(run, Outcome::Compensated, &[\"charge_payment\", \"reserve_inventory\", \"trigger\"], &[]);",
        ],
    );
    assert_has(
        &flat_test(&tests, "fail:charge_payment+compfail:reserve_inventory"),
        &[
            "expect_gave_up(&run, &[\"reserve_inventory\"], &[]);",
            "expect(run, Outcome::Compensated, &[\"charge_payment\", \"trigger\"], &[]);",
        ],
    );
}

/// `transactional: false`: the step may fail with its effect applied (the fakes apply it
/// first), and its events are dual writes: a crash before publishing loses them even with
/// an outbox. `outcome.at: decision` runs as `at: end` (the first thing learned).
#[test]
fn a_step_that_is_not_one_transaction_publishes_by_dual_write() {
    let generated = file(CONTEXT, "src/generated.rs");
    assert_has(
        &generated,
        &["pub fn transactional(step: Step) -> bool { !matches!(step, Step::ChargePayment) }"],
    );
    let tests = file(CONTEXT, "tests/scenarios.rs");
    assert_has(
        &tests,
        &[
            "if step.kind() != StepKind::Retriable && !transactional(step) { self.apply(step, key); }",
            "if from.outbox_table().is_none() || matches!(message.event, Event::PaymentCharged | Event::PaymentFailed) {",
        ],
    );
    assert_has(
        &flat_test(&tests, "crash:payment@payment.charged"),
        &["expect(run, Outcome::Stuck, &[], &[]);"],
    );
}

/// The deadline travels with the events: `start` sets it, every event passes it on, and a
/// step the deadline reaches refuses the work when its event arrives after it, publishing
/// its failure event for `DeadlinePassed`; every `deadline:` scenario has its test, which
/// ends as the simulator predicts. The short form generates the same; `then: terminate`
/// stays refused.
#[test]
fn the_deadline_travels_with_the_events() {
    let generated = file(DEADLINE, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "pub deadline: Option<SystemTime>,",
            "pub const DEADLINE: Duration = Duration::from_millis(30000u64);",
            "deadline: SystemTime::now().checked_add(DEADLINE),",
            "let result = if message.past_deadline() { Err(SagaFailure::deadline_passed(Step::ReserveCredit)) } else {",
            "let result = if message.past_deadline() { Err(SagaFailure::deadline_passed(Step::ReserveInventory)) } else {",
            "failure: message.failure.clone(), deadline: message.deadline });",
            "name: \"DeadlinePassed\".to_owned(),",
        ],
    );
    let spec = saga(DEADLINE);
    let kinds = codegen::fault_kinds(&spec);
    let tests = file(DEADLINE, "tests/scenarios.rs");
    let deadlines: Vec<_> = expectations(&spec, &kinds)
        .into_iter()
        .filter(|s| s.name.starts_with("deadline:"))
        .collect();
    assert_eq!(deadlines.len(), 2, "{deadlines:#?}");
    for s in &deadlines {
        let body = flat_test(&tests, &s.name);
        assert!(body.contains(&format!("run(&[\"{}\"])", s.name)), "{body}");
    }
    assert_has(
        &flat_test(&tests, "deadline:reserve_credit"),
        &["expect(run, Outcome::Compensated, &[\"trigger\"], &[]);"],
    );
    assert_has(
        &flat_test(&tests, "deadline:reserve_inventory"),
        &["expect(run, Outcome::Compensated, &[\"reserve_credit\", \"trigger\"], &[]);"],
    );
    assert_has(
        &tests,
        &["message.deadline = Some(std::time::SystemTime::UNIX_EPOCH);"],
    );
    assert!(!tests.contains("have no test yet"));
    // The short form generates the same handlers.
    let text = std::fs::read_to_string(DEADLINE).unwrap();
    let long = "deadline: { after: 30s, then: compensate, applies: before_pivot }";
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short-choreography.yaml");
    std::fs::write(&short, text.replace(long, "deadline: 30s")).unwrap();
    let short = short.to_str().unwrap();
    assert!(codegen::unsupported_v2(&saga(short)).is_none());
    assert_has(
        &file(short, "src/generated.rs"),
        &["Err(SagaFailure::deadline_passed(Step::ReserveCredit))"],
    );
    // `then: terminate`: `a_deadline_that_terminates_runs_no_compensation`.
}

/// A compensation's `timeout` (here from `compensation_defaults`, with a retry budget and
/// jitter): the handler tries an attempt that timed out again while its retry allows, else
/// it gives up by its `on_failure`; every `comptimeout:` scenario has its test, which ends
/// as the simulator predicts.
#[test]
fn a_compensation_that_times_out_is_tried_again() {
    assert!(codegen::unsupported_v2(&saga(TIMEOUT)).is_none());
    let generated = file(TIMEOUT, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "pub fn timeout(self) -> Option<Duration> {",
            "Owner::Trigger => Some(Duration::from_secs(5)),",
            "Owner::Step(Step::ReserveCredit) => Some(Duration::from_secs(5)),",
            "within: Some(Duration::from_secs(10)), jitter: Jitter::Full,",
            "Timeout 5s: answer `StepError::TimedOut` when it passes; the handler tries again",
        ],
    );
    let spec = saga(TIMEOUT);
    let kinds = codegen::fault_kinds(&spec);
    assert!(kinds.contains(&sagac::scenario::FaultKind::CompTimeout));
    let tests = file(TIMEOUT, "tests/scenarios.rs");
    let timeouts: Vec<_> = expectations(&spec, &kinds)
        .into_iter()
        .filter(|s| s.name.contains("comptimeout:"))
        .collect();
    assert_eq!(timeouts.len(), 9, "{timeouts:#?}");
    for s in &timeouts {
        let body = flat_test(&tests, &s.name);
        let want = format!(
            "expect_gave_up(&run,&[{}],&[{}]);",
            names(&spec, &s.gave_up),
            names(&spec, &s.left)
        );
        assert!(body.contains(&want), "{}: {body}", s.name);
    }
    // Tried again: the trigger's rejection runs; one attempt only: the credit release gives
    // up and the saga goes on (`continue`).
    assert_has(
        &flat_test(&tests, "fail:reserve_inventory+comptimeout:trigger"),
        &["expect(run, Outcome::Compensated, &[\"reserve_credit\", \"trigger\"], &[]);"],
    );
    assert_has(
        &flat_test(&tests, "fail:reserve_inventory+comptimeout:reserve_credit"),
        &[
            "expect_gave_up(&run, &[\"reserve_credit\"], &[]);",
            "expect(run, Outcome::Compensated, &[\"trigger\"], &[]);",
        ],
    );
    assert_has(
        &tests,
        &["let timed_out = self.0.borrow_mut().fire(&format!(\"comptimeout:{}\", owner.id()));"],
    );
    assert!(!tests.contains("have no test yet"));
}

/// A built-in failure name with `then: retry` stays refused by name: the simulator's
/// choreography never consults it (the scenarios are those without the entry), and `check`
/// says so (T307), so the spec never reaches codegen clean.
#[test]
fn a_builtin_failure_retried_is_refused() {
    let text = std::fs::read_to_string(FAILURE_MAP).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("builtin-retry-choreography.yaml");
    let entry = "{ name: Exhausted, then: retry, retry: { max_attempts: 2 } }, ";
    let variant = text.replace(
        "failures: [OutOfStock, ",
        &format!("failures: [OutOfStock, {entry}"),
    );
    assert_ne!(variant, text);
    std::fs::write(&path, variant).unwrap();
    let checked = check::check_loaded(load::read(&path).unwrap());
    let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["T307"], "check reports the entry, and nothing else");
    let with = checked.saga.unwrap();
    let unsupported = codegen::unsupported_v2(&with);
    assert_eq!(
        unsupported.map(|u| u.key),
        Some(sagac::model::Key::FailureLongForm)
    );
    let without = saga(FAILURE_MAP);
    let listed = |s: &Saga| {
        expectations(s, &codegen::fault_kinds(s))
            .into_iter()
            .map(|e| (e.name, e.outcome))
            .collect::<Vec<_>>()
    };
    assert_eq!(listed(&with), listed(&without));
}

/// The outbox payload carries what the events carry: `_failure`, `_left` with an
/// escalation event, `_deadline` with a deadline, after the data fields.
#[test]
fn the_outbox_payload_carries_the_failure() {
    let generated = file(ESCALATION, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "let mut payload = outbox::json_object(&fields);",
            "payload.push_str(&self.carried_json());",
            "pub fn carried_json(&self) -> String { let mut out = String::from(\"\\\"_failure\\\":\");",
            "out.push_str(\",\\\"_left\\\":[\");",
        ],
    );
    assert!(!generated.contains(r#"\"_deadline\":"#));
    assert_has(
        &file(DEADLINE, "src/generated.rs"),
        &["out.push_str(\",\\\"_deadline\\\":\");"],
    );
    let tests = file(ESCALATION, "tests/scenarios.rs");
    assert_has(
        &tests,
        &["record.payload.contains(\"\\\"_failure\\\":null\"),"],
    );
    // A version 1 choreography's payload is its data fields only.
    let v1 = file("specs/order-choreography.yaml", "src/generated.rs");
    assert!(!v1.contains("carried_json") && v1.contains("outbox::json_object(&fields),"));
}

/// The crate of a version 2 choreography builds, passes one test per scenario
/// `expectations` lists, clippy `-D warnings` and rustfmt.
fn crate_passes_its_tests_clippy_and_fmt(spec: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crate");
    let files = codegen::generate(&saga(spec), spec).unwrap();
    codegen::writer::write(&out, &files, false).unwrap();
    let stem = Path::new(spec).file_stem().unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("codegen-v2-choreography-crates")
        .join(stem);
    let saga = saga(spec);
    let tests = expectations(&saga, &codegen::fault_kinds(&saga)).len();
    cargo::passes_tests_clippy_and_fmt(&out, &target, spec, tests);
}

#[test]
fn the_shipped_choreography_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(SHIPPED);
}

#[test]
fn the_failure_map_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(FAILURE_MAP);
}

#[test]
fn the_escalation_choreography_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(ESCALATION);
}

#[test]
fn the_compensation_context_choreography_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(CONTEXT);
    let dir = tempfile::tempdir().unwrap();
    crate_passes_its_tests_clippy_and_fmt(&not_registered_variant(dir.path()));
}

#[test]
fn the_terminate_choreography_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(TERMINATE);
}

#[test]
fn the_deadline_choreography_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(DEADLINE);
}

#[test]
fn the_compensation_timeout_choreography_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(TIMEOUT);
}

/// `CONTEXT` with the stock's release (`runs_for: success`) also consuming its own step's
/// failure event, written in `dir` (the same spec as
/// fixtures/diagram/runs-for-success-own-failure-choreography.yaml, which the diagram tests
/// check).
fn not_registered_variant(dir: &Path) -> String {
    let text = std::fs::read_to_string(CONTEXT).unwrap();
    let variant = text
        .replace(
            "    consumes: [inventory.failed, inventory.released]\nsteps:",
            "    consumes: [inventory.released]\nsteps:",
        )
        .replace(
            "      consumes: [payment.refunded]\n      emits: inventory.released",
            "      consumes: [inventory.failed, payment.refunded]\n      emits: inventory.released",
        );
    assert_ne!(variant, text);
    let path = dir.join("v2c-not-registered-choreography.yaml");
    std::fs::write(&path, variant).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The deadline's `then: terminate`: the refused step's `DeadlinePassed` is among the
/// failures `terminates` names, so no compensation runs after it, and the tests of the
/// `deadline:` scenarios assert the end the simulator predicts.
#[test]
fn a_deadline_that_terminates_runs_no_compensation() {
    let saga = saga(DEADLINE_TERMINATE);
    assert!(codegen::unsupported_v2(&saga).is_none());
    let generated = file(DEADLINE_TERMINATE, "src/generated.rs");
    assert_has(
        &generated,
        &[
            "(\"reserve_credit\", \"DeadlinePassed\") | (\"reserve_inventory\", \"DeadlinePassed\")",
            "/// - `reserve_inventory` failing with `DeadlinePassed` keeps `reserve_credit`.",
        ],
    );
    let tests = file(DEADLINE_TERMINATE, "tests/scenarios.rs");
    for name in ["deadline:reserve_credit", "deadline:reserve_inventory"] {
        let run = expectations(&saga, &codegen::fault_kinds(&saga))
            .into_iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("{name} is tested"));
        assert_eq!(run.outcome, Outcome::Terminated, "{name}");
        assert!(run.compensated.is_empty(), "{name}");
        assert_has(
            &flat_test(&tests, name),
            &[
                "Some(\"OnHold\")",
                "expect(run, Outcome::Terminated, &[], &[]);",
            ],
        );
    }
    // The deadline that compensates terminates nothing.
    assert!(!file(DEADLINE, "src/generated.rs").contains("fn terminates"));
}

#[test]
fn the_deadline_terminate_choreography_crate_passes_its_tests_clippy_and_fmt() {
    crate_passes_its_tests_clippy_and_fmt(DEADLINE_TERMINATE);
}
