//! Language version 2, isolation: a trigger the records refuse (`docs/isolation.md`, "A
//! trigger refused"). FTGO's cancel takes the order's lock in the request itself
//! (`fixtures/isolation/cancel-at-trigger.yaml`, `on_locked: fail` on the trigger's `set`):
//! against the order saga, a cancel of an order another instance holds `PENDING` is refused
//! with `Locked`, one of an order not `APPROVED` with `WrongState`; the cancel saga never
//! starts, ends `compensated` with nothing to undo, and tells its caller `NotCancelled`.

use std::collections::BTreeSet;

use assert_cmd::Command;
use sagac::check::check_source;
use sagac::model::Saga;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::source::SourceFile;

const PLACE_ORDER: &str = include_str!("../specs/place-order.yaml");
const CANCEL_AT_TRIGGER: &str = include_str!("../fixtures/isolation/cancel-at-trigger.yaml");
const APPROVE_SET: &str = "    effects:\n      - set: order[order_id]\n        from: [PENDING]\n        to: APPROVED                   # releases the lock\n";
const TRIGGER_FAILS: &str =
    "      on_locked: fail                  # a PENDING order: refused with Locked, at once\n";

fn saga(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked.model().expect("the spec resolves").clone()
}

fn replaced(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} once");
    text.replacen(from, to, 1)
}

fn happy(a: &Saga, b: &Saga) -> IsolationScenario {
    isolation::run(&Instances::with(a, b), &[], Search::Reduced).expect("simulated")
}

fn broken(s: &IsolationScenario) -> BTreeSet<&'static str> {
    s.violations.iter().map(|v| v.invariant.as_str()).collect()
}

fn words(s: &IsolationScenario, sagas: [&Saga; 2]) -> Vec<String> {
    s.trace
        .iter()
        .map(|(i, a)| {
            format!(
                "[{}] {}",
                s.labels[usize::from(*i)].letter,
                a.describe(sagas[usize::from(*i)])
            )
        })
        .collect()
}

#[test]
fn the_order_saga_and_a_cancel_that_locks_at_its_trigger_simulate_clean() {
    let a = saga(PLACE_ORDER);
    let b = saga(CANCEL_AT_TRIGGER);
    let instances = Instances::with(&a, &b);
    for search in [Search::Reduced, Search::Naive] {
        let scenarios = isolation::enumerate(&instances, FaultKind::defaults(&a), 1, search)
            .expect("simulated");
        assert!(scenarios.len() > 30);
        for s in &scenarios {
            assert!(s.violations.is_empty(), "{}: {:?}", s.name, broken(s));
        }
    }
}

/// The order saga leaves its order `PENDING` (approve without its `set`): a cancel that
/// comes after it meets the lock for ever. Under `on_locked: fail` the request is refused
/// with `Locked`; under `wait` it would wait for ever (a deadlock, `termination`).
#[test]
fn a_trigger_that_meets_a_lock_under_fail_is_refused_with_locked_and_never_starts() {
    let a = saga(&replaced(PLACE_ORDER, APPROVE_SET, ""));
    let b = saga(CANCEL_AT_TRIGGER);
    let s = happy(&a, &b);
    assert_eq!(
        broken(&s),
        BTreeSet::from(["locks_released"]),
        "{:?}",
        s.violations
    );
    assert_eq!(s.outcomes[1].as_str(), "compensated");
    let lines = words(&s, [&a, &b]);
    let at = lines
        .iter()
        .position(|l| l == "[b] order: CancelOrder fails with Locked (trigger)")
        .unwrap_or_else(|| panic!("no refusal in {lines:#?}"));
    assert_eq!(
        lines[at + 1],
        "[b] order -> caller: NotCancelled (compensated)"
    );
    // Nothing of the cancel runs after it: no event, no step.
    assert_eq!(lines.len(), at + 2, "{lines:#?}");

    let waits = saga(&replaced(CANCEL_AT_TRIGGER, TRIGGER_FAILS, ""));
    let s = happy(&a, &waits);
    assert_eq!(
        broken(&s),
        BTreeSet::from(["locks_released", "termination"]),
        "{:?}",
        s.violations
    );
    assert!(s.violations.iter().any(|v| {
        v.message
            .contains("deadlock: [b] waits for order[order_id] held by [a]")
    }));
}

/// A cancel of an order that is not `APPROVED` (here, not yet created): the trigger's guard
/// refuses with `WrongState`, and the saga never starts.
#[test]
fn a_trigger_whose_guard_refuses_answers_wrong_state_and_never_starts() {
    let a = saga(CANCEL_AT_TRIGGER);
    let b = saga(PLACE_ORDER);
    let s = happy(&a, &b);
    assert!(s.violations.is_empty(), "{:?}", s.violations);
    assert_eq!(s.outcomes[0].as_str(), "compensated");
    assert_eq!(s.outcomes[1].as_str(), "completed");
    let lines = words(&s, [&a, &b]);
    assert_eq!(
        lines[0],
        "[a] order: CancelOrder fails with WrongState (trigger)"
    );
    assert_eq!(lines[1], "[a] order -> caller: NotCancelled (compensated)");
    assert!(lines[2].starts_with("[b] "), "{lines:#?}");
}

#[test]
fn simulate_runs_the_fixture_with_the_order_saga() {
    let out = Command::cargo_bin("sagac")
        .unwrap()
        .args([
            "simulate",
            "specs/place-order.yaml",
            "--with",
            "fixtures/isolation/cancel-at-trigger.yaml",
            "--scenario",
            "happy",
            "--trace",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("b = cancel_at_trigger"), "{stdout}");
    assert!(stdout.contains("0 violations"), "{stdout}");
}
