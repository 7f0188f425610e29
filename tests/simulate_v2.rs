//! Language version 2's runs (orchestration): every new fault kind and every new outcome on
//! small specs, each scenario asked for by name and held to its outcome, what the caller
//! and the escalation were told, and the invariants it breaks or keeps.

use sagac::check::{Options, check_source_with};
use sagac::model::Saga;
use sagac::scenario::{self, Outcome};
use sagac::source::SourceFile;

#[path = "support/runs.rs"]
mod runs;
use runs::{broken, run, trace};

/// A v2 order saga: `reserve` (compensatable), `charge` (pivot), `notify` (retriable), with
/// `top` added at the top level and `reserve_extra` to the `reserve` step.
fn spec(top: &str, reserve_extra: &str) -> String {
    format!(
        "version: 2
saga: place_order
coordination: orchestration
participants: {{ order: {{}}, stock: {{}}, bank: {{}}, mail: {{}}, ops: {{}} }}
orchestrator: {{ participant: order, log: saga_log }}
{top}
trigger:
  participant: order
  action: CreateOrder
  event: order.created
  data: [order_id, amount]
  outbox: {{ table: order_outbox, relay: cdc }}
steps:
  - id: reserve
    participant: stock
    action: Reserve
    kind: compensatable
    compensation: {{ action: Release }}
    failures: [OutOfStock]
    timeout: 5s
    idempotency_key: order_id
{reserve_extra}
  - id: charge
    participant: bank
    action: Charge
    kind: pivot
    failures: [Declined]
    timeout: 5s
    retry: {{ max_attempts: unlimited }}
    idempotency_key: order_id
  - id: notify
    participant: mail
    action: Notify
    kind: retriable
    timeout: 30s
    idempotency_key: order_id
"
    )
}

fn saga(text: &str) -> Saga {
    let checked = check_source_with(
        SourceFile::new("v2.yaml", text.to_owned()),
        &Options { simulate: false },
    );
    // Rule errors are fine (C211, C217, T306 are what some cases show): a spec whose
    // model resolves is simulated.
    let saga = checked.model().expect("the spec resolves").clone();
    assert!(
        scenario::unsupported(&saga).is_none(),
        "{:?}",
        scenario::unsupported(&saga)
    );
    saga
}

fn names(saga: &Saga, owners: &[sagac::model::Owner]) -> Vec<String> {
    owners
        .iter()
        .map(|&o| scenario::owner_name(saga, o))
        .collect()
}

/// The compensation of `reserve` with these keys.
fn release(keys: &str) -> String {
    format!("compensation: {{ action: Release, {keys} }}")
}

fn with_release(top: &str, keys: &str, extra: &str) -> Saga {
    saga(&spec(top, extra).replace("compensation: { action: Release }", &release(keys)))
}

const OUTCOME: &str = "outcome: { delivery: reply, values: { completed: Placed, compensated: Rejected, needs_attention: Pending, terminated: Stopped, cancelled: Withdrawn } }";

#[test]
fn a_failure_that_terminates_keeps_what_it_lists() {
    let s = saga(&spec(OUTCOME, "").replace(
        "failures: [Declined]",
        "failures: [{ name: Declined, then: terminate, keeps: [reserve] }]",
    ));
    let r = run(&s, "fail:charge");
    assert_eq!(r.outcome, Outcome::Terminated);
    assert_eq!(r.told.caller.as_deref(), Some("Stopped"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    let said: Vec<String> = r.trace.iter().map(|a| a.describe(&s)).collect();
    assert!(
        said.iter().any(|l| l
            == "orchestrator: terminates after Declined: nothing is compensated, keeps reserve"),
        "{said:#?}"
    );
    // Without `keeps`, the reservation stays and nobody undoes it.
    let s = saga(&spec(OUTCOME, "").replace(
        "failures: [Declined]",
        "failures: [{ name: Declined, then: terminate }]",
    ));
    let r = run(&s, "fail:charge");
    assert_eq!(r.outcome, Outcome::Terminated);
    assert_eq!(broken(&r), ["atomicity"]);
}

#[test]
fn a_further_failure_with_its_own_handling_has_its_own_scenario() {
    let s = saga(&spec(OUTCOME, "").replace(
        "failures: [OutOfStock]",
        "failures: [OutOfStock, { name: Discontinued, then: terminate }, { name: Busy, then: retry, retry: { max_attempts: 2 } }]",
    ));
    assert_eq!(run(&s, "fail:reserve").outcome, Outcome::Compensated);
    assert_eq!(
        run(&s, "fail:reserve@Discontinued").outcome,
        Outcome::Terminated
    );
    // One transient failure of the class is retried and succeeds.
    assert_eq!(run(&s, "fail:reserve@Busy").outcome, Outcome::Completed);
    // Both attempts of the class fail: exhausted, compensated.
    assert_eq!(
        run(&s, "exhaust:reserve@Busy").outcome,
        Outcome::Compensated
    );
}

#[test]
fn compensations_that_give_up_continue_escalate_or_stop() {
    let top = format!("{OUTCOME}\nescalation: {{ participant: ops, action: OpenIncident }}");
    let finite = "retry: { max_attempts: 3 }";
    // continue: the others run, the effect stays, nobody is told: atomicity.
    let s = with_release(&top, &format!("{finite}, on_failure: continue"), "");
    let r = run(&s, "fail:charge+compfail:reserve");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert_eq!(names(&s, &r.told.gave_up), ["reserve"]);
    assert_eq!(broken(&r), ["atomicity"]);
    // escalate: the others run, the escalation lists what is left.
    let s = with_release(&top, &format!("{finite}, on_failure: escalate"), "");
    let r = run(&s, "fail:charge+compfail:reserve");
    assert_eq!(r.outcome, Outcome::NeedsAttention);
    assert_eq!(names(&s, &r.told.left), ["reserve"]);
    assert_eq!(r.told.caller.as_deref(), Some("Pending"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert!(
        r.trace
            .iter()
            .any(|a| matches!(a.kind, scenario::ActionKind::Escalate { .. })),
        "one OpenIncident"
    );
    // Without an escalation (C217) nobody is told: atomicity.
    let s = with_release(OUTCOME, &format!("{finite}, on_failure: escalate"), "");
    let r = run(&s, "fail:charge+compfail:reserve");
    assert_eq!(r.outcome, Outcome::NeedsAttention);
    assert_eq!(broken(&r), ["atomicity"]);
}

#[test]
fn escalate_and_stop_lists_the_compensations_that_never_ran() {
    let text = spec(
        &format!("{OUTCOME}\nescalation: {{ participant: ops, action: OpenIncident }}"),
        "",
    )
    .replace(
        "  outbox: { table: order_outbox, relay: cdc }\n",
        "  outbox: { table: order_outbox, relay: cdc }\n  compensation: RejectOrder\n",
    )
    .replace(
        "compensation: { action: Release }",
        "compensation: { action: Release, retry: { max_attempts: 2 }, on_failure: escalate_and_stop }",
    );
    let s = saga(&text);
    let r = run(&s, "fail:charge+compfail:reserve");
    assert_eq!(r.outcome, Outcome::NeedsAttention);
    assert_eq!(names(&s, &r.told.left), ["trigger", "reserve"]);
    assert!(r.compensated.is_empty(), "RejectOrder never ran");
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
}

#[test]
fn runs_for_decides_which_attempts_are_undone() {
    // any_attempt on a step that may apply and then fail: explored both ways, undone.
    let s = with_release(OUTCOME, "runs_for: any_attempt", "    transactional: false");
    let r = run(&s, "fail:reserve");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert_eq!(names(&s, &r.compensated), ["reserve"]);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    // possible_effect on the same step: an applied failed attempt stays.
    let s = with_release(
        OUTCOME,
        "runs_for: possible_effect",
        "    transactional: false",
    );
    assert_eq!(broken(&run(&s, "fail:reserve")), ["atomicity"]);
    // success on a step that times out: the applied in-doubt effect stays.
    let s = with_release(OUTCOME, "runs_for: success", "");
    assert_eq!(broken(&run(&s, "timeout:reserve")), ["atomicity"]);
    // absent_effect: fail where the effect may be absent: the compensation gives up.
    let s = with_release(OUTCOME, "runs_for: any_attempt, absent_effect: fail", "");
    let r = run(&s, "fail:reserve");
    assert_eq!(r.outcome, Outcome::Stuck);
}

#[test]
fn an_uncaught_error_follows_on_uncaught() {
    let compensate = saga(&spec(&format!("{OUTCOME}\non_uncaught: compensate"), ""));
    let r = run(&compensate, "uncaught:reserve");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty());
    let terminate = saga(&spec(&format!("{OUTCOME}\non_uncaught: terminate"), ""));
    assert_eq!(
        run(&terminate, "uncaught:reserve").outcome,
        Outcome::Terminated
    );
    // Retried: one transient error, then the second attempt succeeds. (With one attempt it
    // would be `exhaust:reserve`, which is not listed again.)
    let retry = saga(&spec(
        &format!("{OUTCOME}\non_uncaught: retry"),
        "    retry: { max_attempts: 2 }",
    ));
    assert_eq!(run(&retry, "uncaught:reserve").outcome, Outcome::Completed);
    let once = saga(&spec(&format!("{OUTCOME}\non_uncaught: retry"), ""));
    assert!(scenario::parse_name(&once, "uncaught:reserve").is_none());
    // Swallowed, with no timeout and no deadline: nobody ever answers.
    let swallowed = saga(
        &spec(&format!("{OUTCOME}\non_uncaught: no_reply"), "").replacen(
            "    timeout: 5s\n    idempotency_key: order_id\n",
            "    idempotency_key: order_id\n",
            1,
        ),
    );
    let r = run(&swallowed, "uncaught:reserve");
    assert_eq!(broken(&r), ["termination"]);
    // The deadline ends the wait: abandoned in doubt, compensated.
    let bounded = saga(
        &spec(
            &format!("{OUTCOME}\non_uncaught: no_reply\ndeadline: 10m"),
            "",
        )
        .replacen(
            "    timeout: 5s\n    idempotency_key: order_id\n",
            "    idempotency_key: order_id\n",
            1,
        ),
    );
    let r = run(&bounded, "uncaught:reserve");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
}

#[test]
fn an_outage_times_out_in_doubt_or_waits_for_the_deadline() {
    let s = saga(&spec(OUTCOME, ""));
    let r = run(&s, "outage:stock");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    // A step with no timeout whose participant is down: it never ends.
    let s = saga(&spec(OUTCOME, "").replacen(
        "    timeout: 5s\n    idempotency_key: order_id\n",
        "    idempotency_key: order_id\n",
        1,
    ));
    let r = run(&s, "outage:stock");
    assert_eq!(broken(&r), ["termination"]);
    assert!(
        r.violations[0].message.contains("never answers"),
        "{}",
        r.violations[0].message
    );
}

#[test]
fn the_deadline_fails_the_current_step_then_compensates_or_terminates() {
    let s = saga(&spec(&format!("{OUTCOME}\ndeadline: 10m"), ""));
    let r = run(&s, "deadline:charge");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert_eq!(names(&s, &r.compensated), ["reserve"]);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    let s = saga(&spec(
        &format!("{OUTCOME}\ndeadline: {{ after: 10m, then: terminate, keeps: [reserve] }}"),
        "",
    ));
    let r = run(&s, "deadline:charge");
    assert_eq!(r.outcome, Outcome::Terminated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
}

#[test]
fn a_cancel_is_honoured_before_the_pivot_and_refused_after() {
    let s = saga(&spec(
        &format!("{OUTCOME}\ncancellation: {{ until: pivot }}"),
        "",
    ));
    let r = run(&s, "cancel:reserve");
    assert_eq!(r.outcome, Outcome::Cancelled);
    assert_eq!(r.told.caller.as_deref(), Some("Withdrawn"));
    assert_eq!(r.told.cancel_answer.map(|a| a.as_str()), Some("cancelled"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    let r = run(&s, "cancel:notify");
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.told.cancel_answer.map(|a| a.as_str()), Some("too_late"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    // Cancelling the compensations too leaves the reservation: atomicity.
    let s = saga(&spec(
        &format!("{OUTCOME}\ncancellation: {{ compensations: cancelled }}"),
        "",
    ));
    assert!(broken(&run(&s, "cancel:reserve")).contains(&"atomicity"));
}

#[test]
fn a_compensation_timeout_is_re_sent_safely_only_with_a_key() {
    let s = with_release(OUTCOME, "timeout: 1m", "");
    let r = run(&s, "fail:charge+comptimeout:reserve");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    let s = saga(
        &spec(OUTCOME, "")
            .replace("compensation: { action: Release }", &release("timeout: 1m"))
            .replacen(
                "    timeout: 5s\n    idempotency_key: order_id\n",
                "    timeout: 5s\n",
                1,
            ),
    );
    let r = run(&s, "fail:charge+comptimeout:reserve");
    assert!(broken(&r).contains(&"at_most_once"), "{:?}", broken(&r));
}

#[test]
fn an_outcome_at_the_decision_that_the_end_contradicts_breaks_exactly_one_outcome() {
    let top = "outcome: { delivery: reply, at: decision, values: { completed: Placed, compensated: Rejected, needs_attention: Pending } }\nescalation: { participant: ops, action: OpenIncident }";
    let s = with_release(top, "retry: { max_attempts: 2 }, on_failure: escalate", "");
    let r = run(&s, "fail:charge+compfail:reserve");
    assert_eq!(r.outcome, Outcome::NeedsAttention);
    assert_eq!(broken(&r), ["exactly_one_outcome"]);
    assert_eq!(r.told.caller.as_deref(), Some("Rejected"));
}

#[test]
fn a_v2_spec_gets_every_fault_kind_by_default() {
    let s = saga(&spec(
        &format!(
            "{OUTCOME}\ndeadline: 10m\ncancellation: {{ until: pivot }}\non_uncaught: compensate"
        ),
        "",
    ));
    let names: Vec<String> = scenario::enumerate(&s, &scenario::Options::for_saga(&s))
        .iter()
        .map(|s| s.name.clone())
        .collect();
    for expected in [
        "uncaught:reserve",
        "deadline:charge",
        "cancel:reserve",
        "cancel:notify",
        "outage:stock",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    // Version 1's defaults leave them out.
    let v1 = scenario::enumerate(&s, &scenario::Options::default());
    assert!(v1.iter().all(|s| !s.name.starts_with("outage:")));
}

#[test]
fn simulate_reports_the_new_columns_and_denies_needs_attention() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.yaml");
    let top = format!("{OUTCOME}\nescalation: {{ participant: ops, action: OpenIncident }}");
    let text = spec(&top, "").replace(
        "compensation: { action: Release }",
        &release("retry: { max_attempts: 3 }, on_failure: escalate"),
    );
    std::fs::write(&path, text).unwrap();
    let sagac = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sagac"))
            .arg("simulate")
            .arg(&path)
            .args(args)
            .output()
            .unwrap()
    };
    let human = sagac(&[]);
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(" caller "), "{stdout}");
    assert!(stdout.contains("runs need attention"), "{stdout}");
    let denied = sagac(&["--deny", "needs-attention"]);
    assert_eq!(denied.status.code(), Some(1));
    let json = sagac(&["--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let first = &value["scenarios"][0];
    assert_eq!(first["caller"], "Placed");
    assert!(first["cancel_answer"].is_null());
    assert_eq!(first["left"], serde_json::json!([]));
    assert_eq!(first["gave_up"], serde_json::json!([]));
    assert!(value["needs_attention"].as_u64().unwrap() > 0);
}

/// The shipped choreography, with `from` replaced by `to`.
fn credit(from: &str, to: &str) -> Saga {
    let text = include_str!("../specs/order-credit-choreography.yaml");
    assert!(text.contains(from), "{from:?}");
    saga(&text.replacen(from, to, 1))
}

#[test]
fn a_choreography_publishes_each_failure_s_own_event() {
    let s = credit("", "");
    let r = run(&s, "fail:reserve_credit@CreditLimitExceeded");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert_eq!(r.told.caller.as_deref(), Some("Rejected"));
    assert!(
        r.trace
            .iter()
            .any(|a| a.describe(&s).contains("customer.credit.limit.exceeded")),
        "the failure's own event"
    );
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    // The trigger's compensation does not listen to it: the order is never rejected and
    // the caller never told.
    let s = credit(
        "consumes: [customer.validation.failed, customer.credit.limit.exceeded, inventory.failed]",
        "consumes: [customer.validation.failed, inventory.failed]",
    );
    let r = run(&s, "fail:reserve_credit@CreditLimitExceeded");
    assert!(
        broken(&r).contains(&"exactly_one_outcome"),
        "{:?}",
        broken(&r)
    );
}

#[test]
fn a_choreography_compensation_that_gives_up_goes_on_or_escalates() {
    // escalate (the spec's default): the trigger's compensation still runs, on-call is told.
    let s = credit("", "");
    let r = run(&s, "fail:reserve_inventory+compfail:reserve_credit");
    assert_eq!(r.outcome, Outcome::NeedsAttention);
    assert_eq!(names(&s, &r.told.left), ["reserve_credit"]);
    assert_eq!(names(&s, &r.compensated), ["trigger"]);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    // continue (and no escalation): the same run, nobody told: atomicity.
    let s = saga(
        &include_str!("../specs/order-credit-choreography.yaml")
            .replacen("on_failure: escalate", "on_failure: continue", 1)
            .replacen(
                "escalation: { participant: ops, action: OpenIncident, event: order.needs.attention }\n",
                "",
                1,
            ),
    );
    let r = run(&s, "fail:reserve_inventory+compfail:reserve_credit");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert_eq!(broken(&r), ["atomicity"]);
}

#[test]
fn a_compensation_s_trace_says_what_it_receives() {
    let s = saga(&spec(OUTCOME, ""));
    let r = run(&s, "timeout:reserve");
    let lines: Vec<String> = r.trace.iter().map(|a| a.describe(&s)).collect();
    assert!(
        lines
            .iter()
            .any(|l| l
                == "orchestrator: Release receives: effect in doubt, failure TimedOut (reserve)"),
        "{lines:#?}"
    );
}

#[test]
fn faults_all_runs_version_2_kinds_on_a_version_1_spec() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sagac"))
        .args([
            "simulate",
            "specs/order-orchestration.yaml",
            "--faults",
            "all",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = value["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"uncaught:send_confirmation"), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("outage:")), "{names:?}");
    // A version 1 spec's JSON keeps its shape: no version 2 columns.
    assert!(value["scenarios"][0].get("caller").is_none());
}

/// `grade` selects version 2's faults and ends and checks the caller's value.
#[test]
fn a_rubric_grades_version_2_faults_ends_and_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let submission = dir.path().join("student");
    std::fs::create_dir(&submission).unwrap();
    std::fs::copy("specs/trip-temporal.yaml", submission.join("saga.yaml")).unwrap();
    let rubric = dir.path().join("rubric.yaml");
    std::fs::write(
        &rubric,
        r#"version: 1
assignment: trip
title: Trip v2
roles:
  hotel: { matches: "hotel", describe: the hotel booking }
  cars: { matches: "car", describe: the car reservation }
criteria:
  - id: cancel
    title: A cancel before the charge compensates
    points: 1
    check: { scenario: { step: hotel, fault: cancel, outcome: cancelled, caller: Cancelled } }
    feedback: { pass: "Good.", fail: "Bad." }
  - id: outage
    title: The car service down
    points: 1
    check: { scenario: { step: cars, fault: outage, outcome: compensated, caller: NotBooked } }
    feedback: { pass: "Good.", fail: "Bad." }
  - id: wrong_caller
    title: A wrong caller value is caught
    points: 1
    check: { scenario: { step: hotel, fault: deadline, caller: Booked } }
    feedback: { pass: "Good.", fail: "Bad." }
"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sagac"))
        .arg("grade")
        .arg(&submission)
        .args(["--format", "json", "--rubric"])
        .arg(&rubric)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(v["criteria"][0]["status"], "pass", "{v:#}");
    assert_eq!(v["criteria"][1]["status"], "pass", "{v:#}");
    assert_eq!(v["criteria"][2]["status"], "fail", "{v:#}");
    assert!(
        v["criteria"][2]["feedback"]
            .as_str()
            .unwrap()
            .contains("The caller should be told `Booked`, but is told `NotBooked`."),
        "{v:#}"
    );
}

#[test]
fn an_uncaught_error_in_a_choreography_follows_on_uncaught() {
    let text = include_str!("../specs/order-credit-choreography.yaml");
    // compensate: the failure `Uncaught` is announced by its event in the map.
    let s = saga(
        &text
            .replacen(
                "compensation_defaults:\n",
                "on_uncaught: compensate\ncompensation_defaults:\n",
                1,
            )
            .replacen(
                "        CreditLimitExceeded: customer.credit.limit.exceeded\n",
                "        CreditLimitExceeded: customer.credit.limit.exceeded\n        Uncaught: customer.validation.failed\n",
                1,
            ),
    );
    let r = run(&s, "uncaught:reserve_credit");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    // no_reply: swallowed, nobody hears of it, the saga never ends.
    let s = saga(&text.replacen(
        "compensation_defaults:\n",
        "on_uncaught: no_reply\ncompensation_defaults:\n",
        1,
    ));
    assert!(broken(&run(&s, "uncaught:reserve_credit")).contains(&"termination"));
}

/// The shipped choreography with each `(from, to)` replaced once.
fn credit_with(edits: &[(&str, &str)]) -> Saga {
    let mut text = include_str!("../specs/order-credit-choreography.yaml").to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "{from:?}");
        text = text.replacen(from, to, 1);
    }
    saga(&text)
}

/// `ReleaseCredit` also consumes its own step's failure event, with these keys.
fn release_own_failure(keys: &str) -> [(&'static str, String); 2] {
    [
        (
            "      consumes: [inventory.failed]\n",
            "      consumes: [inventory.failed, customer.validation.failed]\n".to_owned(),
        ),
        (
            "      action: ReleaseCredit\n",
            format!("      action: ReleaseCredit\n{keys}"),
        ),
    ]
}

fn credit_edits(edits: &[(&str, String)]) -> Saga {
    let edits: Vec<(&str, &str)> = edits.iter().map(|(a, b)| (*a, b.as_str())).collect();
    credit_with(&edits)
}

#[test]
fn a_choreography_compensates_a_failed_attempt_that_may_have_applied_its_effect() {
    // transactional: false, registered for any attempt: both runs are clean.
    let mut edits = release_own_failure("      runs_for: any_attempt\n").to_vec();
    edits.push((
        "    idempotency_key: order_id\n    compensation:\n      action: ReleaseCredit",
        "    idempotency_key: order_id\n    transactional: false\n    compensation:\n      action: ReleaseCredit".to_owned(),
    ));
    let s = credit_edits(&edits);
    let r = run(&s, "fail:reserve_credit");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert!(
        trace(&s, &r)
            .iter()
            .any(|l| l.contains("fails with CustomerNotFound, its effect applied")),
        "{:#?}",
        trace(&s, &r)
    );
    assert_eq!(names(&s, &r.compensated), ["reserve_credit", "trigger"]);
    // Its write and its outbox row are not one transaction: a crash between them loses
    // the event although the customer service has an outbox.
    let r = run(&s, "crash:customer@customer.credit.reserved");
    assert!(broken(&r).contains(&"no_lost_event"), "{:?}", broken(&r));
    // Registered as version 1 does (possible_effect, C211): the run where nothing was
    // applied compensates an effect that never happened.
    let mut edits = release_own_failure("").to_vec();
    edits.push((
        "    idempotency_key: order_id\n    compensation:\n      action: ReleaseCredit",
        "    idempotency_key: order_id\n    transactional: false\n    compensation:\n      action: ReleaseCredit".to_owned(),
    ));
    let s = credit_edits(&edits);
    assert!(broken(&run(&s, "fail:reserve_credit")).contains(&"no_phantom_compensation"));
}

#[test]
fn a_choreography_compensation_for_success_only_acknowledges_a_failed_step() {
    let s = credit_edits(&release_own_failure("      runs_for: success\n"));
    let r = run(&s, "fail:reserve_credit");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert!(
        trace(&s, &r)
            .iter()
            .any(|l| l.contains("ReleaseCredit has nothing registered to undo")),
        "{:#?}",
        trace(&s, &r)
    );
    assert_eq!(names(&s, &r.compensated), ["trigger"]);
}

#[test]
fn a_choreography_compensation_that_needs_its_effect_gives_up_at_once() {
    let s = credit_edits(&release_own_failure(
        "      runs_for: any_attempt\n      absent_effect: fail\n",
    ));
    let r = run(&s, "fail:reserve_credit");
    assert_eq!(r.outcome, Outcome::NeedsAttention);
    assert_eq!(names(&s, &r.told.left), ["reserve_credit"]);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    // Its step succeeded: it undoes the reservation.
    let r = run(&s, "fail:reserve_inventory");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
}

#[test]
fn a_choreography_compensation_timeout_is_redelivered_safely_only_with_a_key() {
    let s = credit_edits(&release_own_failure("      timeout: 1h\n"));
    let r = run(&s, "fail:reserve_inventory+comptimeout:reserve_credit");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert!(
        trace(&s, &r)
            .iter()
            .any(|l| l.contains("ReleaseCredit times out")),
        "{:#?}",
        trace(&s, &r)
    );
    // Without the step's idempotency key, the redelivered undo runs twice.
    let mut edits = release_own_failure("      timeout: 1h\n").to_vec();
    edits.push((
        "    idempotency_key: order_id\n    compensation:",
        "    compensation:".to_owned(),
    ));
    let s = credit_edits(&edits);
    let r = run(&s, "fail:reserve_inventory+comptimeout:reserve_credit");
    assert!(broken(&r).contains(&"at_most_once"), "{:?}", broken(&r));
    // One attempt only: it gives up and escalates.
    let s = credit_edits(&release_own_failure(
        "      timeout: 1h\n      retry: { max_attempts: 1 }\n",
    ));
    let r = run(&s, "fail:reserve_inventory+comptimeout:reserve_credit");
    assert_eq!(r.outcome, Outcome::NeedsAttention);
}

/// The order service records a failed inventory by a reaction, and no compensation
/// listens to `inventory.failed`.
const INVENTORY_FAILED_TO_ORDER: [(&str, &str); 3] = [
    (
        "consumes: [customer.validation.failed, customer.credit.limit.exceeded, inventory.failed]",
        "consumes: [customer.validation.failed, customer.credit.limit.exceeded]",
    ),
    (
        "      consumes: [inventory.failed]\n",
        "      consumes: [customer.credit.limit.exceeded]\n",
    ),
    (
        "  - { participant: order, consumes: [inventory.reserved], action: ApproveOrder }",
        "  - { participant: order, consumes: [inventory.reserved], action: ApproveOrder }\n  - { participant: order, consumes: [inventory.failed], action: StopOrder }",
    ),
];

#[test]
fn a_choreography_failure_that_terminates_stops_the_saga_where_it_fails() {
    let mut edits = INVENTORY_FAILED_TO_ORDER.to_vec();
    edits.push((
        "    failures: [OutOfStock]\n",
        "    failures: [{ name: OutOfStock, then: terminate, keeps: [reserve_credit] }]\n",
    ));
    edits.push((
        "needs_attention: Rejected }",
        "needs_attention: Rejected, terminated: Stopped }",
    ));
    let s = credit_with(&edits);
    let r = run(&s, "fail:reserve_inventory");
    assert_eq!(r.outcome, Outcome::Terminated);
    assert_eq!(r.told.caller.as_deref(), Some("Stopped"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert!(
        trace(&s, &r).iter().any(|l| l
            == "inventory: terminates after OutOfStock: nothing is compensated, keeps reserve_credit"),
        "{:#?}",
        trace(&s, &r)
    );
    // Without keeps, the credit stays reserved and nobody undoes it.
    let mut edits = INVENTORY_FAILED_TO_ORDER.to_vec();
    edits.push((
        "    failures: [OutOfStock]\n",
        "    failures: [{ name: OutOfStock, then: terminate }]\n",
    ));
    let s = credit_with(&edits);
    assert_eq!(broken(&run(&s, "fail:reserve_inventory")), ["atomicity"]);
}

#[test]
fn a_choreography_deadline_travels_with_its_events() {
    let s = credit_with(&[(
        "compensation_defaults:\n",
        "deadline: 10m\ncompensation_defaults:\n",
    )]);
    let listed = scenario::single_fault_names(&s);
    assert!(
        listed.contains(&"deadline:reserve_credit".to_owned()),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"deadline:reserve_inventory".to_owned()),
        "{listed:?}"
    );
    // Not modelled in a choreography: a participant that is down only delays its events
    // (every order is explored), and nobody there receives a cancel.
    assert!(
        !listed
            .iter()
            .any(|n| n.starts_with("outage:") || n.starts_with("cancel:"))
    );
    let r = run(&s, "deadline:reserve_inventory");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert_eq!(r.told.caller.as_deref(), Some("Rejected"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert!(
        trace(&s, &r).iter().any(|l| l
            == "inventory: the deadline 10m has passed when reserve_inventory's event arrives: it refuses with DeadlinePassed"),
        "{:#?}",
        trace(&s, &r)
    );
    assert_eq!(names(&s, &r.compensated), ["reserve_credit", "trigger"]);
    // The long form that terminates, keeping the credit.
    let mut edits = INVENTORY_FAILED_TO_ORDER.to_vec();
    edits.push((
        "compensation_defaults:\n",
        "deadline: { after: 10m, then: terminate, keeps: [reserve_credit] }\ncompensation_defaults:\n",
    ));
    edits.push((
        "needs_attention: Rejected }",
        "needs_attention: Rejected, terminated: Stopped }",
    ));
    let s = credit_with(&edits);
    let r = run(&s, "deadline:reserve_inventory");
    assert_eq!(r.outcome, Outcome::Terminated);
    assert_eq!(r.told.caller.as_deref(), Some("Stopped"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
}

#[test]
fn a_choreography_failure_class_is_redelivered_until_its_attempts_run_out() {
    let s = credit_with(&[(
        "    failures: [OutOfStock]\n",
        "    failures: [OutOfStock, { name: Busy, then: retry, retry: { max_attempts: 3 } }]\n",
    )]);
    let r = run(&s, "fail:reserve_inventory@Busy");
    assert_eq!(r.outcome, Outcome::Completed);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    let r = run(&s, "exhaust:reserve_inventory@Busy");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
}

/// A v2 trip: `reserve_car` and `book_hotel` in a parallel group, then the pivot `charge`,
/// with `deadline` and the car's compensation keys `car_keys`.
fn parallel_trip(deadline: &str, car_keys: &str) -> Saga {
    saga(&format!(
        "version: 2
saga: book_trip
coordination: orchestration
participants: {{ trip: {{}}, cars: {{}}, hotels: {{}}, bank: {{}} }}
orchestrator: {{ participant: trip, log: saga_log }}
{OUTCOME}
deadline: {deadline}
trigger:
  participant: trip
  action: RequestTrip
  event: trip.requested
  data: [trip_id]
  outbox: {{ table: trip_outbox, relay: cdc }}
steps:
  - parallel:
      - id: reserve_car
        participant: cars
        action: ReserveCar
        kind: compensatable
        compensation: {{ action: CancelCar{car_keys} }}
        timeout: 5s
        idempotency_key: trip_id
      - id: book_hotel
        participant: hotels
        action: BookHotel
        kind: compensatable
        compensation: {{ action: CancelHotel }}
        timeout: 5s
        idempotency_key: trip_id
  - id: charge
    participant: bank
    action: Charge
    kind: pivot
    failures: [Declined]
    timeout: 5s
    retry: {{ max_attempts: unlimited }}
    idempotency_key: trip_id
"
    ))
}

#[test]
fn the_deadline_abandons_the_branches_of_a_parallel_group_already_sent() {
    let s = parallel_trip("10m", "");
    // The deadline passes before the hotel's command: it is not sent, and the car's, sent
    // and unanswered, is abandoned in doubt at once (the saga does not wait for it), then
    // compensated (in doubt: `runs_for` covers it by default).
    let r = run(&s, "deadline:book_hotel");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert_eq!(names(&s, &r.compensated), ["reserve_car"]);
    let said: Vec<String> = r.trace.iter().map(|a| a.describe(&s)).collect();
    let abandoned = said
        .iter()
        .position(|l| l == "orchestrator: the deadline 10m passes while reserve_car is outstanding: it is abandoned in doubt")
        .unwrap_or_else(|| panic!("{said:#?}"));
    let hotel = said
        .iter()
        .position(|l| l.contains("the deadline 10m passes before book_hotel is sent"))
        .unwrap_or_else(|| panic!("{said:#?}"));
    let cancel = said
        .iter()
        .position(|l| l.contains("CancelCar"))
        .unwrap_or_else(|| panic!("{said:#?}"));
    assert!(hotel < abandoned && abandoned < cancel, "{said:#?}");
    // The car's answer is not waited for: nothing from cars before its compensation.
    assert!(
        !said[..cancel].iter().any(|l| l.starts_with("cars:")),
        "{said:#?}"
    );
}

#[test]
fn a_branch_abandoned_by_the_deadline_may_have_applied() {
    // Compensated only after a success: the car's command, abandoned in flight, may still
    // have been processed, and nothing undoes it (the explorer finds that run).
    let s = parallel_trip("10m", ", runs_for: success");
    let r = run(&s, "deadline:book_hotel");
    assert!(broken(&r).contains(&"atomicity"), "{:?}", broken(&r));
}
