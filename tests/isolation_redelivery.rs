//! Language version 2, isolation: `then: retry` of a built-in failure in a choreography
//! (`docs/isolation.md`, "In a choreography"). The handler whose local transaction the
//! records refuse throws, and the broker redelivers its event; each refused delivery spends
//! an attempt. `fixtures/isolation/hold-retry-choreography.yaml`: a customer's second order
//! meets the hold of the first (`Locked`, `on_locked: fail`); redelivered until the hold is
//! released, it completes, where without the retry it is rejected.

use std::collections::BTreeSet;

use sagac::check::check_source;
use sagac::model::Saga;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::source::SourceFile;

const FIXTURE: &str = include_str!("../fixtures/isolation/hold-retry-choreography.yaml");
const RETRY: &str = "      - { name: Locked, then: retry,    # the broker redelivers stock.available\n          retry: { max_attempts: unlimited, initial: 1s } }\n";

fn saga(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked.model().expect("the spec resolves").clone()
}

fn with_retry(entry: &str) -> String {
    assert_eq!(FIXTURE.matches(RETRY).count(), 1);
    FIXTURE.replacen(RETRY, entry, 1)
}

fn run(saga: &Saga, name: &str, search: Search) -> IsolationScenario {
    let instances = Instances::of(saga);
    let faults = isolation::parse_name(&instances, name).expect("a scenario");
    isolation::run(&instances, &faults, search).expect("simulated")
}

fn ends(s: &IsolationScenario) -> Vec<BTreeSet<&'static str>> {
    s.ends
        .iter()
        .map(|e| e.iter().map(|o| o.as_str()).collect())
        .collect()
}

fn broken(s: &IsolationScenario) -> BTreeSet<&'static str> {
    s.violations.iter().map(|v| v.invariant.as_str()).collect()
}

const THREE: &str =
    "      - { name: Locked, then: retry, retry: { max_attempts: 3, initial: 1s } }\n";

/// With the broker redelivering until the hold is released, every run of both orders
/// completes; without the retry, or with three attempts, the second order can be
/// rejected (its reservation refused with `Locked`, announced with `inventory.failed`).
#[test]
fn redelivery_until_the_lock_is_released_lets_the_second_order_complete() {
    for search in [Search::Reduced, Search::Naive] {
        let retried = run(&saga(FIXTURE), "happy", search);
        assert!(retried.violations.is_empty(), "{:?}", retried.violations);
        assert_eq!(ends(&retried), vec![BTreeSet::from(["completed"]); 2]);
        for text in [with_retry(""), with_retry(THREE)] {
            let s = run(&saga(&text), "happy", search);
            assert!(s.violations.is_empty(), "{:?}", s.violations);
            assert!(
                ends(&s).iter().any(|e| e.contains("compensated")),
                "{:?}",
                ends(&s)
            );
        }
    }
}

/// Each refused delivery is an attempt: three attempts explore more states than one (the
/// two redeliveries), and the whole fixture simulates clean at one fault, reduced and naive
/// finding the same.
#[test]
fn each_refused_delivery_spends_an_attempt_and_every_scenario_is_clean() {
    let one = run(&saga(&with_retry("")), "happy", Search::Naive).states;
    let three = run(&saga(&with_retry(THREE)), "happy", Search::Naive).states;
    assert!(
        three > one,
        "{three} states with three attempts, {one} with one"
    );
    let saga = saga(FIXTURE);
    for search in [Search::Reduced, Search::Naive] {
        let scenarios =
            isolation::enumerate(&Instances::of(&saga), FaultKind::defaults(&saga), 1, search)
                .expect("simulated");
        for s in &scenarios {
            assert!(s.violations.is_empty(), "{}: {:?}", s.name, broken(s));
        }
    }
}

/// The first order never releases its hold (`release_hold` without its `set`): the second
/// one's event is redelivered for ever, and the saga never ends (`termination`), besides
/// the lock left behind.
#[test]
fn redelivered_for_ever_when_the_lock_is_never_released() {
    let text = FIXTURE.replacen(
        "    effects:\n      - set: hold[customer_id]\n        from: [HELD]\n        to: FREE\n  - id: approve_order",
        "  - id: approve_order",
        1,
    );
    assert_ne!(text, FIXTURE);
    let s = run(&saga(&text), "happy", Search::Reduced);
    assert_eq!(
        broken(&s),
        BTreeSet::from(["locks_released", "termination"]),
        "{:?}",
        s.violations
    );
    let termination = s
        .violations
        .iter()
        .find(|v| v.invariant.as_str() == "termination")
        .unwrap();
    assert!(
        termination
            .message
            .contains("ReserveInventory is refused with Locked at every redelivery of its event"),
        "{}",
        termination.message
    );
}

/// A refused delivery in the trace: with three attempts and a hold never released, the
/// second order's handler fails transiently twice (the event redelivered, nothing
/// announced), then its last attempt announces `Locked` and the order is rejected.
#[test]
fn the_trace_shows_each_redelivery_then_the_last_attempt() {
    let text = with_retry(THREE).replacen(
        "    effects:\n      - set: hold[customer_id]\n        from: [HELD]\n        to: FREE\n  - id: approve_order",
        "  - id: approve_order",
        1,
    );
    let saga = saga(&text);
    let s = run(&saga, "happy", Search::Reduced);
    let lines: Vec<String> = s
        .trace
        .iter()
        .filter(|(i, _)| *i == 1)
        .map(|(_, a)| a.describe(&saga))
        .filter(|l| l.contains("ReserveInventory"))
        .collect();
    assert_eq!(
        lines,
        [
            "inventory: ReserveInventory fails transiently on attempt 1 and is retried (reserve_inventory)",
            "inventory: ReserveInventory fails transiently on attempt 2 and is retried (reserve_inventory)",
            "inventory: ReserveInventory fails with Locked (reserve_inventory)",
        ]
    );
    assert_eq!(s.outcomes[1].as_str(), "compensated");
}
