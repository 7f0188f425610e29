//! `then: terminate` in a choreography (issue 15): the failing handler publishes its
//! failure event, every compensation handler that receives an event whose failure
//! terminates the saga acknowledges it without compensating or publishing, and the
//! outcome's participant learns `terminated` from whichever of its handlers receives that
//! event; when none does, `exactly_one_outcome` says which event it must consume. The same
//! holds for every way a choreography terminates (a declared failure, the deadline, a
//! built-in failure).

use sagac::check::{Options, check_source_with};
use sagac::model::Saga;
use sagac::scenario::{ActionKind, Outcome, Scenario, StepResult, Work};
use sagac::source::SourceFile;

#[path = "support/runs.rs"]
mod runs;
use runs::{broken, run, trace};

const CLEAN: &str = include_str!("../fixtures/simulate/clean-choreography-terminate.yaml");
const UNHEARD: &str =
    include_str!("../fixtures/simulate/exactly-one-outcome-choreography-terminate-unheard.yaml");
const FROZEN: &str =
    "failures: [OutOfStock, { name: Frozen, then: terminate, keeps: [reserve_credit] }]";

fn saga(text: &str) -> Saga {
    let checked = check_source_with(
        SourceFile::new("term.yaml", text.to_owned()),
        &Options { simulate: false },
    );
    checked.model().expect("the spec resolves").clone()
}

/// The text with `from` replaced once (which must be there).
fn edited(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?}");
    text.replacen(from, to, 1)
}

/// The compensations a run's trace shows undoing something.
fn undone(s: &Scenario) -> usize {
    s.trace
        .iter()
        .filter(|a| {
            matches!(
                a.kind,
                ActionKind::Run {
                    work: Work::Compensation(_),
                    result: StepResult::Success
                }
            )
        })
        .count()
}

/// The compensations a run's trace shows not run because the saga terminated.
fn skipped(s: &Scenario) -> usize {
    s.trace
        .iter()
        .filter(|a| {
            matches!(
                a.kind,
                ActionKind::Run {
                    work: Work::Compensation(_),
                    result: StepResult::SagaTerminated
                }
            )
        })
        .count()
}

/// Ended terminated, told `OnHold`, nothing compensated, nothing broken.
fn terminated_cleanly(saga: &Saga, s: &Scenario) {
    assert_eq!(s.outcome, Outcome::Terminated, "{:#?}", trace(saga, s));
    assert_eq!(s.told.caller.as_deref(), Some("OnHold"));
    assert!(s.violations.is_empty(), "{:?}", broken(s));
    assert!(s.compensated.is_empty(), "{:?}", s.compensated);
    assert_eq!(undone(s), 0, "{:#?}", trace(saga, s));
}

#[test]
fn a_terminating_failure_runs_no_compensation_and_the_outcome_participant_hears_it() {
    let s = saga(CLEAN);
    let r = run(&s, "fail:reserve_stock@Frozen");
    terminated_cleanly(&s, &r);
    let lines = trace(&s, &r);
    for expected in [
        "inventory: ReserveStock fails with Frozen (reserve_stock)",
        "inventory: terminates after Frozen: nothing is compensated, keeps reserve_credit",
        "inventory: publishes stock.failed (outbox inventory_outbox)",
        "customer: ReleaseCredit does not run (compensation of reserve_credit): the saga terminated, the event is acknowledged",
        "order -> caller: OnHold (terminated)",
        "order: saga ends terminated",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected}\n{lines:#?}"
        );
    }
    // Nothing follows the skipped compensation: it publishes no credit.released.
    assert!(
        !lines.iter().any(|l| l.contains("credit.released")),
        "{lines:#?}"
    );
    assert_eq!(skipped(&r), 1);
    // The failure that compensates still does, and the reaction tells the caller so.
    let r = run(&s, "fail:reserve_stock");
    assert_eq!(r.outcome, Outcome::Compensated);
    assert_eq!(r.told.caller.as_deref(), Some("Rejected"));
    assert!(r.violations.is_empty(), "{:?}", broken(&r));
    assert_eq!(undone(&r), 2);
    assert_eq!(skipped(&r), 0);
}

#[test]
fn every_interleaving_of_a_terminating_failure_is_clean() {
    // `sagac check` explores every order of delivery; no invariant breaks.
    let s = saga(CLEAN);
    let d = sagac::rules::simulation::check(&s, "term.yaml");
    assert!(
        d.is_empty(),
        "{:?}",
        d.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

#[test]
fn an_outcome_participant_that_never_receives_the_event_is_exactly_one_outcome() {
    let s = saga(UNHEARD);
    let r = run(&s, "fail:reserve_stock@Frozen");
    assert_eq!(r.outcome, Outcome::Terminated);
    assert_eq!(r.told.caller, None);
    assert_eq!(broken(&r), ["exactly_one_outcome"]);
    assert_eq!(undone(&r), 0);
    let message = &r.violations[0].message;
    assert!(
        message.contains("never tells its caller (expected OnHold)")
            && message.contains("order must consume stock.failed"),
        "{message}"
    );
    // `sagac check` reports it as V708 at the terminating failure.
    let checked = check_source_with(
        SourceFile::new("term.yaml", UNHEARD.to_owned()),
        &Options { simulate: true },
    );
    let v708: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code() == "V708")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(v708.len(), 1, "{v708:?}");
    assert!(
        v708[0].contains("order must consume stock.failed"),
        "{v708:?}"
    );
}

#[test]
fn an_applied_effect_neither_kept_nor_compensated_breaks_atomicity() {
    let text = edited(
        CLEAN,
        FROZEN,
        "failures: [OutOfStock, { name: Frozen, then: terminate }]",
    );
    let s = saga(&text);
    let r = run(&s, "fail:reserve_stock@Frozen");
    assert_eq!(r.outcome, Outcome::Terminated);
    assert_eq!(broken(&r), ["atomicity"]);
    assert!(
        r.violations[0]
            .message
            .contains("reserve_credit applied, neither kept (`keeps`) nor compensated"),
        "{}",
        r.violations[0].message
    );
    assert_eq!(undone(&r), 0);
}

#[test]
fn the_deadline_that_terminates_runs_no_compensation_either() {
    let text = edited(
        CLEAN,
        "reactions:",
        "deadline: { after: 10m, then: terminate, keeps: [reserve_credit] }\nreactions:",
    );
    let s = saga(&text);
    // At reserve_stock: its failure event reaches ReleaseCredit, which does not run, and the
    // reaction of order, which tells the caller.
    let r = run(&s, "deadline:reserve_stock");
    terminated_cleanly(&s, &r);
    assert_eq!(skipped(&r), 1);
    // At reserve_credit: credit.failed reaches RejectOrder, order's own compensation,
    // which does not run but tells the caller.
    let r = run(&s, "deadline:reserve_credit");
    terminated_cleanly(&s, &r);
    assert_eq!(skipped(&r), 1);
    assert!(
        trace(&s, &r).iter().any(|l| l
            == "order: RejectOrder does not run (compensation of trigger): the saga terminated, the event is acknowledged"),
        "{:#?}",
        trace(&s, &r)
    );
}

#[test]
fn a_built_in_failure_that_terminates_runs_no_compensation_either() {
    let text = edited(
        CLEAN,
        FROZEN,
        "failures: [OutOfStock, { name: Frozen, then: terminate, keeps: [reserve_credit] }, { name: Exhausted, then: terminate, keeps: [reserve_credit] }]",
    );
    let s = saga(&text);
    let r = run(&s, "exhaust:reserve_stock");
    terminated_cleanly(&s, &r);
    assert_eq!(skipped(&r), 1);
}

#[test]
fn a_duplicate_of_the_terminating_event_tells_the_caller_once() {
    // Both the reaction and the trigger's compensation of order receive a terminating event:
    // order tells the caller when it first learns, once.
    let text = edited(
        CLEAN,
        "consumes: [credit.failed, credit.released]",
        "consumes: [credit.failed, credit.released, stock.failed]",
    );
    let s = saga(&text);
    let r = run(&s, "fail:reserve_stock@Frozen");
    terminated_cleanly(&s, &r);
    assert_eq!(skipped(&r), 2);
    let tells = trace(&s, &r)
        .iter()
        .filter(|l| l.starts_with("order -> caller"))
        .count();
    assert_eq!(tells, 1);
}
