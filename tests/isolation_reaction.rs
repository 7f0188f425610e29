//! Language version 2, isolation: effects on a choreography's reactions (contract §2,
//! `docs/isolation.md`, "In a choreography"). A reaction's handler applies its effects as it
//! handles its event; they are final at once. `fixtures/isolation/reaction-overwrites-stock.yaml`:
//! inventory reacts to `credit.charged` by writing the stock level it computed from its
//! earlier read, and another order's reservation in between is lost (`no_lost_update`);
//! `version_file` or a commutative `decrease` removes it. A reaction whose guard refuses is
//! dropped, and the trace says so.

use std::collections::BTreeSet;

use sagac::check::check_source;
use sagac::model::Saga;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::source::SourceFile;

const FIXTURE: &str = include_str!("../fixtures/isolation/reaction-overwrites-stock.yaml");
const NOT_COMMUTATIVE: &str = "commutative: false,\n           pessimistic_view: decrease }";
const WRITE: &str =
    "      - write: stock[item]             # the level CheckStock read, minus the quantity\n";

fn saga(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked.model().expect("the spec resolves").clone()
}

fn replaced(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} once");
    text.replacen(from, to, 1)
}

fn all(saga: &Saga, search: Search) -> Vec<IsolationScenario> {
    isolation::enumerate(&Instances::of(saga), FaultKind::defaults(saga), 1, search)
        .expect("simulated")
}

fn broken(s: &IsolationScenario) -> BTreeSet<&'static str> {
    s.violations.iter().map(|v| v.invariant.as_str()).collect()
}

fn scenario<'a>(scenarios: &'a [IsolationScenario], name: &str) -> &'a IsolationScenario {
    scenarios
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("scenario {name}"))
}

#[test]
fn a_reaction_that_overwrites_a_shared_record_loses_another_instance_s_update() {
    let saga = saga(FIXTURE);
    for search in [Search::Reduced, Search::Naive] {
        let scenarios = all(&saga, search);
        let happy = scenario(&scenarios, "happy");
        assert_eq!(broken(happy), BTreeSet::from(["no_lost_update"]));
        let v = &happy.violations[0];
        assert_eq!(v.instance, 'a');
        assert!(
            v.message
                .contains("[a] overwrites [b]'s change to stock[item]"),
            "{}",
            v.message
        );
        // The counterexample ends with the reaction's write, both instances acting.
        let (last_instance, last) = v.trace.last().expect("a run");
        assert_eq!(*last_instance, 0);
        assert_eq!(
            last.describe(&saga),
            "inventory: CommitStock runs (reaction)"
        );
        assert!(v.trace.iter().any(|(i, _)| *i == 1));
        // Reported at the reaction's effect.
        let span = v.span.expect("at the effect");
        assert_eq!(&FIXTURE[span.start..span.end], "write");
    }
}

#[test]
fn a_version_file_or_a_commutative_decrease_removes_the_lost_update() {
    let version_file = replaced(
        FIXTURE,
        NOT_COMMUTATIVE,
        "commutative: false,\n           pessimistic_view: decrease, version_file: true }",
    );
    let commutative = replaced(
        &replaced(
            FIXTURE,
            NOT_COMMUTATIVE,
            "commutative: true,\n           pessimistic_view: decrease }",
        ),
        WRITE,
        "      - decrease: stock[item]\n",
    );
    for text in [version_file, commutative] {
        let saga = saga(&text);
        for s in all(&saga, Search::Reduced) {
            assert!(s.violations.is_empty(), "{}: {:?}", s.name, s.violations);
        }
    }
}

/// A reaction on `credit.failed` that moves the order from `APPROVED`: the order is
/// `PENDING` or `REJECTED` then, never `APPROVED` nor already `CANCELLED`, so its guard
/// refuses in every run. The reaction is dropped (`WrongState`), nothing is applied, and
/// no invariant breaks.
#[test]
fn a_reaction_whose_guard_refuses_is_dropped() {
    let text = FIXTURE
    .replacen(
        "terminal_events:",
        "  - participant: order\n    consumes: [credit.failed]\n    action: MarkCancelled\n    effects:\n      - set: order[order_id]\n        from: [APPROVED]\n        to: CANCELLED\n\
terminal_events:",
        1,
    );
    let text = replaced(&text, WRITE, "      - decrease: stock[item]\n").replacen(
        NOT_COMMUTATIVE,
        "commutative: true,\n           pessimistic_view: decrease }",
        1,
    );
    let saga = saga(&text);
    let scenarios = all(&saga, Search::Reduced);
    let s = scenario(&scenarios, "a/fail:charge_credit");
    assert!(s.violations.is_empty(), "{:?}", s.violations);
    let lines: Vec<String> = s.trace.iter().map(|(_, a)| a.describe(&saga)).collect();
    assert!(
        lines
            .iter()
            .any(|l| l == "order: MarkCancelled fails with WrongState (reaction)"),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("MarkCancelled runs")));
}
