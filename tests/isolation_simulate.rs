//! Language version 2, isolation, as `simulate` runs it: two instances of the contract's
//! order saga (`specs/place-order.yaml`) interleaved. The saga simulates clean; each
//! "taking the countermeasure away" variant breaks exactly the invariant the contract
//! names, in the scenario it names, with a counterexample in which both instances act;
//! the reduced search (partial-order reduction, symmetry, faults on `a` first) finds the
//! same violations in the same scenarios as the naive product. What is not implemented
//! yet is refused by the command (exit 2), never run with other semantics.

use std::collections::{BTreeMap, BTreeSet};

use assert_cmd::Command;
use sagac::check::check_source;
use sagac::model::Saga;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::scenario::{FaultKind, parse_name};
use sagac::source::SourceFile;

const PLACE_ORDER: &str = include_str!("../specs/place-order.yaml");
const COMMUTATIVE: &str = "commutative: true,\n           pessimistic_view: decrease }";
const NOT_COMMUTATIVE: &str = "commutative: false,\n           pessimistic_view: decrease }";
const APPROVE_SET: &str = "    effects:\n      - set: order[order_id]\n        from: [PENDING]\n        to: APPROVED                   # releases the lock\n";
const RELEASE: &str =
    "    compensation: ReleaseInventory     # default effect: increase stock[item]";

/// The spec with each `(from, to)` replaced once.
fn mutate(pairs: &[(&str, &str)]) -> String {
    let mut text = PLACE_ORDER.to_owned();
    for (from, to) in pairs {
        assert_eq!(text.matches(from).count(), 1, "{from:?} once in the spec");
        text = text.replacen(from, to, 1);
    }
    text
}

fn saga(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked.model().expect("the spec resolves").clone()
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

/// Asserts that `name` breaks exactly `invariant`, with a counterexample where both
/// instances act.
fn breaks_only(scenarios: &[IsolationScenario], name: &str, invariant: &str) {
    let s = scenario(scenarios, name);
    assert_eq!(broken(s), BTreeSet::from([invariant]), "{name}: {s:#?}");
    let v = &s.violations[0];
    let actors: BTreeSet<u8> = v.trace.iter().map(|(i, _)| *i).collect();
    assert_eq!(actors, BTreeSet::from([0, 1]), "both instances act: {v:#?}");
}

fn variants() -> Vec<(&'static str, String)> {
    vec![
        ("place-order", PLACE_ORDER.to_owned()),
        (
            "without pessimistic_view",
            mutate(&[(COMMUTATIVE, "commutative: true }")]),
        ),
        (
            "reserve by write",
            mutate(&[
                (COMMUTATIVE, NOT_COMMUTATIVE),
                ("- decrease: stock[item]", "- write: stock[item]"),
            ]),
        ),
        (
            "release by write",
            mutate(&[
                (COMMUTATIVE, NOT_COMMUTATIVE),
                (
                    RELEASE,
                    "    compensation:\n      action: ReleaseInventory\n      effects: [{ write: \"stock[item]\" }]",
                ),
            ]),
        ),
        ("approve without its set", mutate(&[(APPROVE_SET, "")])),
    ]
}

#[test]
fn the_order_saga_with_resources_simulates_clean() {
    let saga = saga(PLACE_ORDER);
    let scenarios = all(&saga, Search::Reduced);
    assert!(scenarios.len() > 10);
    for s in &scenarios {
        assert!(s.violations.is_empty(), "{}: {:#?}", s.name, s.violations);
    }
    // Two faults across the instances: still clean.
    let two = isolation::enumerate(
        &Instances::of(&saga),
        FaultKind::defaults(&saga),
        2,
        Search::Reduced,
    )
    .expect("simulated");
    assert!(two.iter().any(|s| s.name.contains("+b/")));
    assert!(two.iter().all(|s| s.violations.is_empty()));
}

#[test]
fn without_pessimistic_view_a_reader_acts_on_a_reservation_later_released() {
    let saga = saga(&variants()[1].1);
    let scenarios = all(&saga, Search::Reduced);
    breaks_only(&scenarios, "a/fail:charge_credit", "no_dirty_read");
    assert!(broken(scenario(&scenarios, "happy")).is_empty());
}

#[test]
fn reserving_by_write_loses_an_update_in_the_happy_run() {
    let saga = saga(&variants()[2].1);
    let scenarios = all(&saga, Search::Reduced);
    breaks_only(&scenarios, "happy", "no_lost_update");
    let message = &scenario(&scenarios, "happy").violations[0].message;
    assert!(message.contains("overwrites"), "{message}");
}

#[test]
fn releasing_by_write_loses_the_other_reservation() {
    let saga = saga(&variants()[3].1);
    let scenarios = all(&saga, Search::Reduced);
    breaks_only(&scenarios, "a/fail:charge_credit", "no_lost_update");
    let message = &scenario(&scenarios, "a/fail:charge_credit").violations[0].message;
    assert!(message.contains("compensation restores"), "{message}");
    assert!(broken(scenario(&scenarios, "happy")).is_empty());
}

#[test]
fn approving_without_its_set_leaves_every_completed_run_holding_the_lock() {
    let saga = saga(&variants()[4].1);
    let scenarios = all(&saga, Search::Reduced);
    for s in &scenarios {
        if s.outcomes.iter().any(|o| o.as_str() == "completed") {
            assert!(broken(s).contains("locks_released"), "{}", s.name);
        }
    }
    let happy = scenario(&scenarios, "happy");
    assert_eq!(broken(happy), BTreeSet::from(["locks_released"]));
    assert!(happy.violations[0].message.contains("PENDING"));
}

/// The reduced search's scenario for a naive one: faults on `b` alone move to `a`, and a
/// pair on both instances is ordered by the faults.
fn canonical(saga: &Saga, s: &IsolationScenario) -> String {
    let name = |f: &sagac::scenario::Fault| f.name(saga);
    let mut faults: Vec<(u8, String)> = s.faults.iter().map(|(i, f)| (*i, name(f))).collect();
    if faults.iter().all(|(i, _)| *i == 1) {
        for f in &mut faults {
            f.0 = 0;
        }
    }
    let swapped: Vec<(u8, String)> = faults.iter().map(|(i, f)| (1 - i, f.clone())).collect();
    let key = |mut v: Vec<(u8, String)>| {
        v.sort();
        v
    };
    let (a, b) = (key(faults), key(swapped));
    let best = if faults_on_a_first(&a, &b) { a } else { b };
    if best.is_empty() {
        return "happy".to_owned();
    }
    best.iter()
        .map(|(i, f)| format!("{}/{f}", char::from(b'a' + i)))
        .collect::<Vec<_>>()
        .join("+")
}

fn faults_on_a_first(a: &[(u8, String)], b: &[(u8, String)]) -> bool {
    a <= b
}

#[test]
fn the_reduced_search_finds_what_the_naive_product_finds() {
    for (name, text) in variants() {
        let saga = saga(&text);
        let naive = all(&saga, Search::Naive);
        let reduced = all(&saga, Search::Reduced);
        // Every scenario of the naive product, by its reduced name: the invariants broken.
        let mut expected: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for s in &naive {
            let key = canonical(&saga, s);
            let seen = expected.entry(key.clone()).or_insert_with(|| broken(s));
            assert_eq!(*seen, broken(s), "{name}: {} and its mirror differ", s.name);
        }
        let found: BTreeMap<String, BTreeSet<&str>> = reduced
            .iter()
            .map(|s| (canonical(&saga, s), broken(s)))
            .collect();
        assert_eq!(found, expected, "{name}");
        // The reduction explores fewer states; its counterexamples are shortest (each
        // violating scenario is explored again without partial-order reduction).
        let states = |v: &[IsolationScenario]| v.iter().map(|s| s.states).sum::<usize>();
        assert!(states(&reduced) < states(&naive), "{name}");
        for r in &reduced {
            let n = naive.iter().find(|n| n.name == r.name).expect("same name");
            for v in &r.violations {
                let w = n
                    .violations
                    .iter()
                    .find(|w| w.invariant == v.invariant)
                    .expect("same invariant");
                assert!(
                    v.trace.len() == w.trace.len(),
                    "{name} {}: {} reduced, {} naive",
                    r.name,
                    v.trace.len(),
                    w.trace.len()
                );
            }
        }
    }
}

#[test]
fn scenario_names_carry_their_instance() {
    let saga = saga(PLACE_ORDER);
    let instances = Instances::of(&saga);
    let faults = isolation::parse_name(&instances, "a/fail:charge_credit+b/dup:reserve_inventory")
        .expect("parsed");
    assert_eq!(faults.len(), 2);
    assert_eq!(faults[1].0, 1);
    let s = isolation::run(&instances, &faults, Search::Reduced).expect("run");
    assert_eq!(s.name, "a/fail:charge_credit+b/dup:reserve_inventory");
    assert!(isolation::parse_name(&instances, "fail:charge_credit").is_none());
    assert!(isolation::parse_name(&instances, "c/fail:charge_credit").is_none());
    assert!(parse_name(&saga, "fail:charge_credit").is_some());
}

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

#[test]
fn simulate_runs_the_instances_and_prefixes_each_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reserve-by-write.yaml");
    std::fs::write(&path, &variants()[2].1).unwrap();
    let out = sagac()
        .args(["simulate", "--scenario", "happy"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2 instances interleaved"), "{text}");
    assert!(text.contains(". [b] inventory -> orchestrator"), "{text}");
    assert!(text.contains("no_lost_update in happy"), "{text}");
    let clean = sagac()
        .args(["simulate", "--format", "json", "specs/place-order.yaml"])
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert_eq!(json["violations"], 0);
    assert_eq!(json["instances"][1]["label"], "b");
    assert_eq!(json["scenarios"][0]["instances"][1]["outcome"], "completed");
}

#[test]
fn a_version_check_stops_the_lost_update_of_a_forward_write() {
    let by_write = &variants()[2].1;
    let marker = "reads: [item, quantity], failures: [OutOfStock], timeout: 2s,";
    let versioned = by_write
        .replacen(
            marker,
            "reads: [item, quantity], writes: [stock_version], failures: [OutOfStock], timeout: 2s,",
            1,
        )
        .replacen(
            "      - write: stock[item]\n",
            "      - write: stock[item]\n        if_unchanged: stock_version\n",
            1,
        );
    let scenarios = all(&saga(&versioned), Search::Reduced);
    // The reservation that finds the level moved answers Changed and compensates; the
    // default undo still restores a before-image unguarded (I802), which a failure shows.
    assert!(broken(scenario(&scenarios, "happy")).is_empty());
    assert!(broken(scenario(&scenarios, "a/fail:charge_credit")).contains("no_lost_update"));
    // A version field no action writes carries no version (D501): no protection.
    let unversioned = by_write.replacen(
        "      - write: stock[item]\n",
        "      - write: stock[item]\n        if_unchanged: stock_version\n",
        1,
    );
    let scenarios = all(&saga(&unversioned), Search::Reduced);
    assert_eq!(
        broken(scenario(&scenarios, "happy")),
        BTreeSet::from(["no_lost_update"])
    );
}

#[test]
fn the_trigger_s_on_locked_and_the_default_diagram_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trigger-fails-on-lock.yaml");
    std::fs::write(
        &path,
        PLACE_ORDER.replacen(
            "      to: PENDING ",
            "      on_locked: fail\n      to: PENDING ",
            1,
        ),
    )
    .unwrap();
    // `on_locked: fail` on the trigger's effect runs (tests/isolation_trigger.rs): here on
    // a record of its own, which no other instance locks.
    let out = sagac().arg("simulate").arg(&path).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The default diagram of a spec with resources draws the instances
    // (tests/isolation_diagram_all.rs).
    let out = sagac()
        .args(["diagram", "specs/place-order.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

const VERBS: [&str; 5] = ["read", "write", "increase", "decrease", "none"];
const VIEWS: [&str; 3] = [
    "",
    ", pessimistic_view: decrease",
    ", pessimistic_view: increase",
];

/// A generated order saga with resources: the verb of each step's access (or none), the
/// counters' `commutative` and `pessimistic_view`, whether the check reads, whether
/// approving releases the order's lock.
#[allow(clippy::too_many_arguments)]
fn generated(
    reserve: usize,
    hold: usize,
    charge: usize,
    check_reads: bool,
    commutative: bool,
    view: usize,
    releases: bool,
    pivot_charges: bool,
) -> String {
    let effect = |verb: usize, record: &str| match VERBS[verb] {
        "none" => String::new(),
        v => format!("\n    effects: [{{ {v}: \"{record}\" }}]"),
    };
    let commutative = if commutative { "true" } else { "false" };
    let check = if check_reads {
        "\n    effects: [{ read: \"stock[item]\" }]"
    } else {
        ""
    };
    let approve = if releases {
        "\n    effects: [{ set: \"order[order_id]\", from: [PENDING], to: APPROVED }]"
    } else {
        ""
    };
    let charge_kind = if pivot_charges { "pivot" } else { "retriable" };
    let hold_kind = if pivot_charges {
        "compensatable"
    } else {
        "pivot"
    };
    format!(
        "version: 2
saga: generated
coordination: orchestration
participants: {{ order: {{}}, inventory: {{}}, accounting: {{}} }}
orchestrator: {{ participant: order, log: saga_log }}
resources:
  order: {{ participant: order, key: order_id, states: [PENDING, APPROVED, REJECTED],
           locks: [PENDING] }}
  stock: {{ participant: inventory, key: item, kind: counter, commutative: {commutative}{} }}
  account: {{ participant: accounting, key: customer_id, kind: counter }}
trigger:
  participant: order
  action: CreateOrder
  data: [order_id, customer_id, item]
  event: order.created
  outbox: {{ table: order_outbox, relay: cdc }}
  effects: [{{ create: \"order[order_id]\", to: PENDING }}]
  compensation:
    action: RejectOrder
    effects: [{{ set: \"order[order_id]\", from: [PENDING], to: REJECTED }}]
steps:
  - id: check_stock
    participant: inventory
    action: CheckStock
    kind: read_only
    failures: [OutOfStock]{check}
  - id: reserve
    participant: inventory
    action: Reserve
    kind: compensatable
    idempotency_key: order_id
    compensation: Release{}
  - id: hold_credit
    participant: accounting
    action: HoldCredit
    kind: {hold_kind}
    failures: [NoCredit]
    idempotency_key: order_id
    compensation: ReleaseCredit{}
  - id: charge
    participant: accounting
    action: Charge
    kind: {charge_kind}
    failures: [Declined]
    idempotency_key: order_id{}
  - id: approve
    participant: order
    action: Approve
    kind: retriable
    idempotency_key: order_id{approve}
",
        VIEWS[view],
        effect(reserve, "stock[item]"),
        effect(hold, "account[customer_id]"),
        effect(charge, "account[customer_id]"),
    )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]
    /// On generated specs with resources, the reduced search finds the same invariants in
    /// the same scenarios as the naive product, with counterexamples as short.
    #[test]
    fn reduced_and_naive_agree_on_generated_specs(
        reserve in 0usize..5,
        hold in 0usize..5,
        charge in 0usize..5,
        check_reads in proptest::bool::ANY,
        commutative in proptest::bool::ANY,
        view in 0usize..3,
        releases in proptest::bool::ANY,
        pivot_charges in proptest::bool::ANY,
    ) {
        let text = generated(reserve, hold, charge, check_reads, commutative, view, releases, pivot_charges);
        let checked = check_source(SourceFile::new("g.yaml", text.clone()));
        let saga = checked.model().unwrap_or_else(|| panic!("{text}\n{:#?}", checked.diagnostics)).clone();
        let naive = all(&saga, Search::Naive);
        let reduced = all(&saga, Search::Reduced);
        let mut expected: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for s in &naive {
            expected.entry(canonical(&saga, s)).or_insert_with(|| broken(s));
        }
        let found: BTreeMap<String, BTreeSet<&str>> = reduced
            .iter()
            .map(|s| (canonical(&saga, s), broken(s)))
            .collect();
        proptest::prop_assert_eq!(found, expected, "{}", text);
        for r in &reduced {
            let n = naive.iter().find(|n| n.name == r.name).expect("same name");
            for v in &r.violations {
                let w = n.violations.iter().find(|w| w.invariant == v.invariant).expect("same invariant");
                proptest::prop_assert_eq!(v.trace.len(), w.trace.len());
            }
        }
    }
}

/// `specs/place-order.yaml --with specs/cancel-order.yaml`, each spec changed by `edit`.
fn with_cancel(edit: impl Fn(&str) -> String) -> Vec<IsolationScenario> {
    let cancel = std::fs::read_to_string("specs/cancel-order.yaml").unwrap();
    let a = saga(&edit(PLACE_ORDER));
    let b = saga(&edit(&cancel));
    let instances = Instances::with(&a, &b);
    isolation::enumerate(&instances, FaultKind::defaults(&a), 1, Search::Reduced)
        .expect("simulated")
}

#[test]
fn a_cancel_that_gives_up_on_a_parked_command_leaves_the_order_locked() {
    let scenarios = with_cancel(str::to_owned);
    let broken_in: Vec<(&str, BTreeSet<&str>)> = scenarios
        .iter()
        .filter(|s| !s.violations.is_empty())
        .map(|s| (s.name.as_str(), broken(s)))
        .collect();
    assert_eq!(
        broken_in,
        [("b/timeout:begin_cancel", BTreeSet::from(["locks_released"]))]
    );
    let v = &scenario(&scenarios, "b/timeout:begin_cancel").violations[0];
    assert!(
        v.message.contains("[b] ends with order[order_id]"),
        "{}",
        v.message
    );
    assert!(v.message.contains("CANCEL_PENDING"), "{}", v.message);
    // The late BeginCancel is the last action, after [b] told its caller.
    let (last_instance, last) = v.trace.last().unwrap();
    assert_eq!(*last_instance, 1);
    assert!(matches!(last.kind, sagac::scenario::ActionKind::Run { .. }));
    // Both sagas appear, each under its own name.
    assert_eq!(scenarios[0].labels[1].saga, "cancel_order");
    assert!(scenarios.iter().any(|s| s.name.starts_with("b/")));
}

#[test]
fn with_a_second_saga_the_reduced_search_finds_what_the_naive_product_finds() {
    let cancel = std::fs::read_to_string("specs/cancel-order.yaml").unwrap();
    let edits: [fn(&str) -> String; 2] = [str::to_owned, |t| {
        t.replacen(
            "    on_locked: wait\n",
            "    on_locked: wait\n    version_file: true\n",
            1,
        )
    }];
    for edit in edits {
        let a = saga(&edit(PLACE_ORDER));
        let b = saga(&edit(&cancel));
        let instances = Instances::with(&a, &b);
        let kinds = FaultKind::defaults(&a);
        let naive = isolation::enumerate(&instances, kinds, 1, Search::Naive).unwrap();
        let reduced = isolation::enumerate(&instances, kinds, 1, Search::Reduced).unwrap();
        let sets = |v: &[IsolationScenario]| -> Vec<(String, BTreeSet<&'static str>)> {
            v.iter().map(|s| (s.name.clone(), broken(s))).collect()
        };
        assert_eq!(sets(&naive), sets(&reduced));
        for (n, r) in naive.iter().zip(&reduced) {
            let lengths = |s: &IsolationScenario| -> Vec<usize> {
                s.violations.iter().map(|v| v.trace.len()).collect()
            };
            assert_eq!(lengths(n), lengths(r), "{}", n.name);
        }
    }
}

#[test]
fn a_version_file_turns_the_late_command_into_a_no_op() {
    let scenarios = with_cancel(|t| {
        t.replacen(
            "    on_locked: wait\n",
            "    on_locked: wait\n    version_file: true\n",
            1,
        )
    });
    assert!(scenarios.iter().all(|s| s.violations.is_empty()));
}

#[test]
fn a_cancel_that_fails_on_the_lock_answers_at_once() {
    let scenarios =
        with_cancel(|t| t.replacen("    on_locked: wait\n", "    on_locked: fail\n", 1));
    assert!(scenarios.iter().all(|s| s.violations.is_empty()));
}

#[test]
fn an_unguarded_cancel_moves_a_rejected_order() {
    let scenarios = with_cancel(|t| {
        t.replacen(
            "      - set: order[order_id]\n        from: [APPROVED]\n        to: CANCEL_PENDING",
            "      - set: order[order_id]\n        to: CANCEL_PENDING",
            1,
        )
    });
    let s = scenario(&scenarios, "a/fail:check_stock");
    assert_eq!(broken(s), BTreeSet::from(["legal_transitions"]));
    assert!(
        s.violations[0]
            .message
            .contains("from REJECTED to CANCEL_PENDING")
    );
}

#[test]
fn with_checks_the_other_spec() {
    let dir = tempfile::tempdir().unwrap();
    let conflicting = dir.path().join("cancel-fail.yaml");
    let cancel = std::fs::read_to_string("specs/cancel-order.yaml").unwrap();
    std::fs::write(
        &conflicting,
        cancel.replacen("on_locked: wait", "on_locked: fail", 1),
    )
    .unwrap();
    let run = |with: &std::path::Path, spec: &str| {
        let out = sagac()
            .args(["simulate", spec, "--with"])
            .arg(with)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, _, err) = run(&conflicting, "specs/place-order.yaml");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`order` is declared differently (on_locked)"),
        "{err}"
    );
    assert!(err.contains("place-order.yaml:13:3"), "{err}");
    let (code, _, err) = run(
        std::path::Path::new("specs/trip.yaml"),
        "specs/place-order.yaml",
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("declares no `resources`"), "{err}");
    let (code, _, err) = run(
        std::path::Path::new("specs/cancel-order.yaml"),
        "specs/trip.yaml",
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("declares no `resources`"), "{err}");
    let (code, out, _) = run(
        std::path::Path::new("specs/cancel-order.yaml"),
        "specs/place-order.yaml",
    );
    assert_eq!(code, Some(1));
    assert!(out.contains("(a = place_order, b = cancel_order)"), "{out}");
    assert!(
        out.contains("locks_released in b/timeout:begin_cancel"),
        "{out}"
    );
}

#[test]
fn four_instances_with_two_faults_are_bounded_by_the_work_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("four.yaml");
    std::fs::write(
        &path,
        PLACE_ORDER.replacen(
            "isolation: { instances: 2 }",
            "isolation: { instances: 4 }",
            1,
        ),
    )
    .unwrap();
    let out = sagac()
        .args(["simulate", "--max-faults", "2"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("with 4 instances and --max-faults 2"), "{err}");
    assert!(err.contains("--no-limit"), "{err}");
}

#[test]
fn a_cancel_of_a_rejected_order_answers_wrong_state() {
    let out = sagac()
        .args([
            "simulate",
            "specs/place-order.yaml",
            "--with",
            "specs/cancel-order.yaml",
            "--scenario",
            "a/fail:check_stock",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("run of a/fail:check_stock:"), "{text}");
    assert!(
        text.contains("[b] order -> orchestrator: begin_cancel failed: WrongState"),
        "{text}"
    );
    assert!(
        text.contains("[b] orchestrator -> caller: NotCancelled"),
        "{text}"
    );
}
