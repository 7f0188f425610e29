//! Language version 2, isolation, in a choreography: the order saga coordinated by events
//! (`specs/place-order-choreography.yaml`) runs two instances interleaved, each handler's
//! local transaction applying its effects, and simulates clean; taking a countermeasure
//! away breaks the invariant it names, with both instances in the counterexample; the
//! reduced search finds what the naive product finds.

use std::collections::BTreeSet;

use sagac::check::check_source;
use sagac::model::Saga;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::source::SourceFile;

const SPEC: &str = include_str!("../specs/place-order-choreography.yaml");
const VIEW: &str = "commutative: true,\n           pessimistic_view: decrease }";
const APPROVE_SET: &str = "    idempotency_key: order_id\n    effects:\n      - set: order[order_id]\n        from: [PENDING]\n        to: APPROVED\n";

fn variant(from: &str, to: &str) -> String {
    assert_eq!(SPEC.matches(from).count(), 1, "{from:?} once");
    SPEC.replacen(from, to, 1)
}

fn saga(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    assert!(
        checked.model().is_some(),
        "{:#?}",
        checked
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    checked.model().unwrap().clone()
}

fn all(saga: &Saga, faults: usize, search: Search) -> Vec<IsolationScenario> {
    isolation::enumerate(
        &Instances::of(saga),
        FaultKind::defaults(saga),
        faults,
        search,
    )
    .expect("simulated, not refused")
}

fn broken(s: &IsolationScenario) -> BTreeSet<&'static str> {
    s.violations.iter().map(|v| v.invariant.as_str()).collect()
}

fn find<'a>(scenarios: &'a [IsolationScenario], name: &str) -> &'a IsolationScenario {
    scenarios.iter().find(|s| s.name == name).unwrap()
}

#[test]
fn the_choreographed_order_saga_simulates_clean() {
    let saga = saga(SPEC);
    let one = all(&saga, 1, Search::Reduced);
    assert!(one.len() > 10);
    assert!(one.iter().all(|s| s.violations.is_empty()));
    let two = all(&saga, 2, Search::Reduced);
    assert!(two.iter().any(|s| s.name.contains("+b/")));
    assert!(two.iter().all(|s| s.violations.is_empty()));
}

#[test]
fn without_pessimistic_view_a_reader_acts_on_a_reservation_later_released() {
    let saga = saga(&variant(VIEW, "commutative: true }"));
    let scenarios = all(&saga, 1, Search::Reduced);
    let s = find(&scenarios, "a/fail:charge_credit");
    assert_eq!(broken(s), BTreeSet::from(["no_dirty_read"]));
    let actors: BTreeSet<u8> = s.violations[0].trace.iter().map(|(i, _)| *i).collect();
    assert_eq!(actors, BTreeSet::from([0, 1]));
    assert!(broken(find(&scenarios, "happy")).is_empty());
}

#[test]
fn a_lock_is_held_until_the_instance_has_nothing_in_flight() {
    // Without approving's `set`, every run leaves its order PENDING: the check is made when
    // the instance's last event is handled, not when its outcome is decided.
    let saga = saga(&variant(APPROVE_SET, "    idempotency_key: order_id\n"));
    let scenarios = all(&saga, 1, Search::Reduced);
    assert!(broken(find(&scenarios, "happy")).contains("locks_released"));
    // A failure is compensated (RejectOrder releases the lock) before it is judged.
    let failed = find(&scenarios, "a/fail:reserve_inventory");
    let v = failed
        .violations
        .iter()
        .find(|v| v.invariant.as_str() == "locks_released")
        .expect("b completes without releasing");
    assert_eq!(v.instance, 'b', "{}", v.message);
}

#[test]
fn the_reduced_search_finds_what_the_naive_product_finds() {
    for text in [
        SPEC.to_owned(),
        variant(VIEW, "commutative: true }"),
        variant(APPROVE_SET, "    idempotency_key: order_id\n"),
    ] {
        let saga = saga(&text);
        let naive = all(&saga, 1, Search::Naive);
        let reduced = all(&saga, 1, Search::Reduced);
        // Symmetry moves a lone fault to `a`: compare each reduced scenario with its
        // naive namesake.
        for r in &reduced {
            let n = find(&naive, &r.name);
            assert_eq!(broken(r), broken(n), "{}", r.name);
            for v in &r.violations {
                let w = n
                    .violations
                    .iter()
                    .find(|w| w.invariant == v.invariant)
                    .unwrap();
                assert_eq!(v.trace.len(), w.trace.len(), "{}", r.name);
            }
        }
        assert!(
            reduced.iter().map(|s| s.states).sum::<usize>() <= naive.iter().map(|s| s.states).sum()
        );
    }
}

#[test]
fn the_commands_run_it() {
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("sagac")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, out) = run(&["simulate", "specs/place-order-choreography.yaml"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("2 instances interleaved"), "{out}");
    let (code, out) = run(&[
        "diagram",
        "specs/place-order-choreography.yaml",
        "--path",
        "a/fail:charge_credit",
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("[b] ReserveInventory"), "{out}");
}
