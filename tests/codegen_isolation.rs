//! `sagac codegen` on a spec with `resources` (language version 2, isolation; contract
//! `isolation.md` §9): the state enums and the built-in isolation failures where they can
//! occur, each trait method's doc saying what its effects require, and the crate's
//! `tests/isolation.rs`, whose `RecordStore` plays the owners while two instances run in the
//! simulator's order (a choreography's through its broker). The contract's example
//! (`specs/place-order.yaml`, and `specs/place-order-choreography.yaml` coordinated by
//! events) tests clean; each "countermeasure taken away" variant
//! (`tests/codegen-specs/v2-isolation-*.yaml`) tests the anomaly the simulator predicts. Their crates are built and run here, and with every
//! other spec's by `tests/codegen.rs` (clippy and rustfmt too).

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use sagac::check::{self, check_source};
use sagac::codegen::{self, writer};
use sagac::load;
use sagac::model::Saga;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, Search};
use sagac::source::SourceFile;

#[path = "support/cargo.rs"]
mod cargo;
use cargo::{cargo, run_in};

const PLACE_ORDER: &str = "specs/place-order.yaml";
const DIRTY_READ: &str = "tests/codegen-specs/v2-isolation-dirty-read-orchestration.yaml";
const LOST_UPDATE: &str = "tests/codegen-specs/v2-isolation-lost-update-orchestration.yaml";
const CHOREOGRAPHY: &str = "specs/place-order-choreography.yaml";
const DIRTY_READ_CHOREOGRAPHY: &str =
    "tests/codegen-specs/v2-isolation-dirty-read-choreography.yaml";
const LOST_UPDATE_CHOREOGRAPHY: &str =
    "tests/codegen-specs/v2-isolation-lost-update-choreography.yaml";
const LOCKED_CHOREOGRAPHY: &str = "tests/codegen-specs/v2-isolation-locked-choreography.yaml";

fn saga(path: &str) -> Saga {
    let checked = check::check_loaded(load::read(Path::new(path)).unwrap());
    assert!(
        checked.resolved && checked.counts().errors == 0,
        "{path}: {:#?}",
        checked.diagnostics
    );
    checked.saga.unwrap()
}

fn saga_of(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("spec.yaml", text.to_owned()));
    checked.model().expect("the spec resolves").clone()
}

fn file_of(saga: &Saga, name: &str) -> Option<String> {
    codegen::generate(saga, "spec.yaml")
        .unwrap()
        .into_iter()
        .find(|f| f.path == name)
        .map(|f| f.contents)
}

fn file(path: &str, name: &str) -> String {
    file_of(&saga(path), name).unwrap_or_else(|| panic!("{path}: no {name}"))
}

/// The place-order spec with each `(from, to)` replaced once.
fn mutate(pairs: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(PLACE_ORDER).unwrap();
    for (from, to) in pairs {
        assert_eq!(text.matches(from).count(), 1, "{from:?} once in the spec");
        text = text.replacen(from, to, 1);
    }
    text
}

#[test]
fn each_resource_with_states_gets_an_enum_with_its_transitions_and_locks() {
    let generated = file(PLACE_ORDER, "src/generated.rs");
    for want in [
        "pub enum Resource {",
        "pub enum OrderState {",
        "CancelPending,",
        "pub const TRANSITIONS: &'static [(OrderState, OrderState)] = &[",
        "(OrderState::Pending, OrderState::Approved),",
        "(OrderState::CancelPending, OrderState::Cancelled),",
        "pub fn can_move(from: OrderState, to: OrderState) -> bool {",
        "matches!(self, OrderState::Pending | OrderState::CancelPending)",
        "Resource::Stock => true,",
        "Resource::Order => Participant::Order,",
    ] {
        assert!(generated.contains(want), "missing {want:?}");
    }
    // Counters are quantities: no state enum.
    assert!(!generated.contains("StockState"));
}

/// `WrongState` where a guard can refuse (the trigger's compensation and `approve_order`
/// guard their `set`); neither `Locked` (every lock waits) nor `Changed` (no
/// `if_unchanged`); each appears once the spec lets it occur.
#[test]
fn built_in_isolation_failures_only_where_they_can_occur() {
    let generated = file(PLACE_ORDER, "src/generated.rs");
    assert!(generated.contains("    WrongState,"));
    assert!(generated.contains("Answered by `ApproveOrder`, `RejectOrder`;"));
    assert!(!generated.contains("    Locked,"));
    assert!(!generated.contains("    Changed,"));
    // The saga gives up a compensation its owner refuses, as the simulator does.
    assert!(
        generated.contains("|| matches!(result, Err(StepError::Business(Failure::WrongState)))")
    );

    let fail = saga_of(&mutate(&[(
        "    locks: [PENDING, CANCEL_PENDING]\n    on_locked: wait",
        "    locks: [PENDING, CANCEL_PENDING]\n    on_locked: fail",
    )]));
    let generated = file_of(&fail, "src/generated.rs").unwrap();
    assert!(generated.contains("    Locked,"), "on_locked: fail");
    assert!(generated.contains("`StepError::Business(Failure::Locked)` at once"));

    // Without any guard, no `WrongState`; a spec without resources has none of this.
    let unguarded = file("specs/order-orchestration.yaml", "src/generated.rs");
    assert!(!unguarded.contains("WrongState") && !unguarded.contains("pub enum Resource"));
}

/// Each trait method's doc lists its effects and what they require.
#[test]
fn each_method_says_what_its_effects_require() {
    let generated = file(PLACE_ORDER, "src/generated.rs");
    for want in [
        "Effects (the spec's `effects`), in one local transaction with everything else it writes:",
        "- decreases `stock[item]` as one atomic `UPDATE stock SET n = n - $1 WHERE item = $2`,\n    ///   never a read followed by a write.",
        "Effects (the default undo of its step's), in one local transaction",
        "- increases `stock[item]` as one atomic `UPDATE stock SET n = n + $1 WHERE item = $2`,",
        "- creates `order[order_id]` in `PENDING`,\n    ///   a lock state: this saga holds the lock until it moves the record out.",
        "- moves `order[order_id]` from `PENDING` to `APPROVED`, guarded:",
        "if it is already in `REJECTED` this is a repeat: answer `Ok`",
        "(`on_locked: wait`): stash the\n    /// command without answering; apply and answer it when that saga releases the lock.",
        "- reads `stock[item]`: the saga acts on the value.",
    ] {
        assert!(generated.contains(want), "missing {want:?}");
    }
    let checked = saga_of(&mutate(&[(
        "      - set: order[order_id]\n        from: [PENDING]\n        to: APPROVED",
        "      - set: order[order_id]\n        from: [PENDING]\n        to: APPROVED\n        if_unchanged: order_id",
    )]));
    let generated = file_of(&checked, "src/generated.rs").unwrap();
    assert!(generated.contains("only if unchanged: compare the record's version with `order_id`"));
    assert!(generated.contains("    Changed,"));
}

/// The contract's example: every scenario `sagac simulate` lists (every fault kind, one
/// fault on `a`) tested clean, the instances taking turns at each shared access.
#[test]
fn the_order_saga_tests_clean_in_turns() {
    let tests = file(PLACE_ORDER, "tests/isolation.rs");
    let saga = saga(PLACE_ORDER);
    // As `sagac simulate` lists them.
    let scenarios = isolation::enumerate(
        &Instances::of(&saga),
        FaultKind::defaults(&saga),
        1,
        Search::Reduced,
    )
    .unwrap();
    assert_eq!(scenarios.len(), 24);
    assert_eq!(tests.matches("#[test]").count(), 24);
    assert!(tests.contains("24 tests for the 24 scenarios"));
    assert!(tests.contains("//! Every scenario is played."));
    for want in [
        "fn happy() {",
        "fn a_fail_charge_credit() {",
        "fn a_timeout_reserve_inventory() {",
        "fn a_exhaust_check_stock() {",
        "fn a_dup_reserve_inventory() {",
        "fn a_deadline_charge_credit() {",
        "fn a_crash_orchestrator_at_approve_order() {",
        "fn a_crash_order_at_order_created() {",
        "fn a_outage_inventory() {",
        "&[(0, \"timeout:reserve_inventory\")]",
        "(0, Call::Again(Step::ReserveInventory)),",
    ] {
        assert!(tests.contains(want), "missing {want:?}");
    }
    assert!(!tests.contains("run.expect_anomaly("));
    // The trigger cannot be refused here: no assertion of it.
    assert!(!tests.contains("run.expect_refused("));
    // `[a]` reads the stock, then `[b]` starts: turns at each shared access.
    let happy = &tests[tests.find("fn happy() {").unwrap()..];
    let a_reads = happy.find("(0, Call::Run(Step::CheckStock)),").unwrap();
    let b_starts = happy.find("(1, Call::Trigger),").unwrap();
    let a_reserves = happy
        .find("(0, Call::Run(Step::ReserveInventory)),")
        .unwrap();
    assert!(a_reads < b_starts && b_starts < a_reserves, "{happy}");
    assert!(happy.contains("run.expect_clean(&[Outcome::Completed, Outcome::Completed]);"));
}

/// A countermeasure taken away: the test replays the simulator's counterexample and
/// asserts the anomaly.
#[test]
fn a_variant_without_its_countermeasure_tests_the_anomaly() {
    let tests = file(DIRTY_READ, "tests/isolation.rs");
    assert!(tests.contains("fn a_fail_charge_credit_no_dirty_read() {"));
    assert!(tests.contains("run.expect_anomaly(\"no_dirty_read\", &[\"no_dirty_read\"]);"));
    assert!(tests.contains("&[(0, \"fail:charge_credit\")]"));
    let tests = file(LOST_UPDATE, "tests/isolation.rs");
    assert!(tests.contains("fn happy_no_lost_update() {"));
    assert!(tests.contains("run.expect_anomaly(\"no_lost_update\", &[\"no_lost_update\"]);"));
}

/// A choreography gets the same items as an orchestration (the state enums, the built-in
/// failures where an owner can answer them, the effects in each trait method's doc), and
/// its handlers answer the refusals as the simulator does: a step's is announced at once
/// as its failure (even a retriable step's: `ApproveOrder` is not retried into the same
/// `WrongState`), a compensation's gives it up.
#[test]
fn a_choreography_gets_the_items_and_its_handlers_answer_refusals() {
    let generated = file(CHOREOGRAPHY, "src/generated.rs");
    for want in [
        "pub enum OrderState {",
        "(OrderState::Pending, OrderState::Approved),",
        "    WrongState,",
        "Answered by `ApproveOrder`, `RejectOrder`;",
        "- decreases `stock[item]` as one atomic `UPDATE stock SET n = n - $1 WHERE item = $2`,",
        "- moves `order[order_id]` from `PENDING` to `APPROVED`, guarded:",
        // `run_step`: announced under its own name, never retried.
        "Err(StepError::Business(failure @ Failure::WrongState)) => {",
        "let message = StepError::Business(failure).to_string();",
        // `run_compensation`: gives up at once.
        "Err(StepError::Business(Failure::WrongState)) => {\n                return Err(Stuck::Compensation(owner));",
    ] {
        assert!(generated.contains(want), "missing {want:?}");
    }
    assert!(!generated.contains("    Locked,") && !generated.contains("    Changed,"));
    // Without resources, a choreography's handlers are what they were.
    let plain = file("specs/order-credit-choreography.yaml", "src/generated.rs");
    assert!(!plain.contains("Isolation:") && !plain.contains("WrongState"));
}

/// A choreography's `tests/isolation.rs` drives the instances through the broker: each
/// call of the schedule is made by delivering the event whose handler makes it
/// (`calls_of`), and each instance ends when nothing of it is in flight.
#[test]
fn a_choreography_s_isolation_tests_run_through_its_broker() {
    let tests = file(CHOREOGRAPHY, "tests/isolation.rs");
    for want in [
        "fn calls_of(event: Event, to: Participant) -> &'static [Call] {",
        "(Event::CreditFailed, Participant::Inventory) => {\n            &[Call::Undo(Owner::Step(Step::ReserveInventory))]",
        "(Event::CreditFailed, Participant::Order) => &[Call::Undo(Owner::Trigger)],",
        "Participant::Inventory => {\n                InventoryHandler {",
        "fn happy() {",
        "run.expect_clean(&[Outcome::Completed, Outcome::Completed]);",
    ] {
        assert!(tests.contains(want), "missing {want:?}");
    }
    assert!(!tests.contains("run.expect_anomaly("));
    assert!(!tests.contains("Driver"));
    // What the broker does not play is named in the header, with its scenario.
    for want in [
        "//! Not played (the simulator's alone):",
        "//! - `a/dup:stock.available` (a fault other than `fail:` and `exhaust:`, which the choreography's broker does not play)",
        "//! - `a/crash:order@order.created` (a fault other than",
        // `fail:` and `exhaust:` are played.
        "fn a_exhaust_charge_credit() {",
    ] {
        assert!(tests.contains(want), "missing {want:?}");
    }
    let tests = file(DIRTY_READ_CHOREOGRAPHY, "tests/isolation.rs");
    assert!(tests.contains("fn a_fail_charge_credit_no_dirty_read() {"));
    assert!(tests.contains("run.expect_anomaly(\"no_dirty_read\", &[\"no_dirty_read\"]);"));
    let tests = file(LOST_UPDATE_CHOREOGRAPHY, "tests/isolation.rs");
    assert!(tests.contains("fn happy_no_lost_update() {"));
    // Under `on_locked: fail` an owner may refuse an access to a shared record, so a
    // clean test keeps the simulator's representative run (`plays::reorderable`), as an
    // orchestration's does: `[a]` ends before `[b]` starts.
    let tests = file(LOCKED_CHOREOGRAPHY, "tests/isolation.rs");
    let happy = &tests[tests.find("fn happy() {").unwrap()..];
    let b_starts = happy.find("(1, Call::Trigger),").unwrap();
    let a_approves = happy.find("(0, Call::Run(Step::ApproveOrder)),").unwrap();
    assert!(a_approves < b_starts, "{happy}");
    assert!(happy.contains("run.expect_clean(&[Outcome::Completed, Outcome::Completed]);"));
    let generated = file(LOCKED_CHOREOGRAPHY, "src/generated.rs");
    assert!(
        generated
            .contains("StepError::Business(failure @ (Failure::Locked | Failure::WrongState)),")
    );
}

/// The other fault kinds' counterexamples: a timeout whose effect applied, and a deadline
/// that passes while the step is out after its participant applied it (the trace does not
/// say; `scenario::isolation::plays` makes the run again to know), each named so that the
/// harness plays the way the run took.
#[test]
fn counterexamples_under_other_faults_name_the_way_their_run_took() {
    let tests = file(DIRTY_READ, "tests/isolation.rs");
    let test = |name: &str| -> String {
        let at = tests
            .find(&format!("fn {name}() {{"))
            .unwrap_or_else(|| panic!("no {name}"));
        let end = tests[at..].find("\n}\n").unwrap();
        tests[at..at + end].to_owned()
    };
    let timeout = test("a_timeout_reserve_inventory_no_dirty_read");
    assert!(
        timeout.contains("&[(0, \"timeout:reserve_inventory\")]"),
        "{timeout}"
    );
    let deadline = test("a_deadline_reserve_inventory_no_dirty_read");
    assert!(
        deadline.contains("&[(0, \"abandon-applied:reserve_inventory\")]"),
        "{deadline}"
    );
    // Its participant applies the command, the deadline passes before the answer.
    assert!(
        deadline.contains("(0, Call::Run(Step::ReserveInventory)),"),
        "{deadline}"
    );
    let before = test("a_deadline_charge_credit_no_dirty_read");
    assert!(
        before.contains("&[(0, \"deadline:charge_credit\")]"),
        "{before}"
    );
}

/// A trigger the records may refuse (`on_locked: fail` or a guarded `set` on the trigger's
/// effect) is generated: the `RecordStore` answers the refusal, the instance never starts,
/// and the test asserts the simulator's end for it (compensated) and the refusal.
#[test]
fn a_trigger_the_records_refuse_never_starts() {
    let checked = saga("fixtures/isolation/cancel-at-trigger.yaml");
    assert!(codegen::unsupported_v2(&checked).is_none());
    let generated = file_of(&checked, "src/generated.rs").unwrap();
    // The trigger's owner answers them, besides the steps' and compensations' owners.
    assert!(generated.contains("    Locked,"));
    assert!(generated.contains("Answered by `CancelOrder`"));
    let tests = file_of(&checked, "tests/isolation.rs").unwrap();
    // Alone, no order is APPROVED: each cancel is refused by its guard.
    assert!(tests.contains("run.expect_clean(&[Outcome::Compensated, Outcome::Compensated]);"));
    assert!(tests.contains("run.expect_refused(&[(0, \"WrongState\"), (1, \"WrongState\")]);"));
}

/// The crates build and every isolation test passes: clean for the example, the predicted
/// anomaly for each variant (a dirty read, lost updates; with the rule fixtures of V711 and
/// V713, a fuzzy read and an illegal transition), under every fault kind; a choreography's
/// through its broker, under the faults it plays (`fail:`). With the order shared between
/// the instances (`order_id` in `isolation.shared`), an owner may refuse an access to a
/// shared record (the guards on the order), so the clean tests keep each scenario's
/// representative order instead of taking turns, in either coordination.
#[test]
fn the_isolation_tests_pass_in_the_generated_crates() {
    let dir = tempfile::tempdir().unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen-crates");
    let shared = saga_of(&mutate(&[(
        "isolation: { instances: 2 } ",
        "isolation: { instances: 2, shared: [item, customer_id, order_id] } ",
    )]));
    let shared_tests = file_of(&shared, "tests/isolation.rs").unwrap();
    let happy = &shared_tests[shared_tests.find("fn happy() {").unwrap()..];
    let b_starts = happy.find("(1, Call::Trigger),").unwrap();
    let a_approves = happy.find("(0, Call::Run(Step::ApproveOrder)),").unwrap();
    assert!(
        a_approves < b_starts,
        "the representative run: [a] ends before [b] starts: {happy}"
    );
    assert!(happy.contains("here its\n/// representative run"));
    let choreography = std::fs::read_to_string(CHOREOGRAPHY).unwrap();
    let shared_choreography = saga_of(&choreography.replacen(
        "isolation: { instances: 2 }",
        "isolation: { instances: 2, shared: [item, customer_id, order_id] }",
        1,
    ));
    for (name, saga, tests) in [
        (
            "place-order",
            saga(PLACE_ORDER),
            &["happy", "a_fail_charge_credit"][..],
        ),
        (
            "dirty-read",
            saga(DIRTY_READ),
            &["a_fail_charge_credit_no_dirty_read"][..],
        ),
        (
            "lost-update",
            saga(LOST_UPDATE),
            &[
                "happy_no_lost_update",
                "a_fail_charge_credit_no_lost_update",
            ][..],
        ),
        (
            "shared-order",
            shared,
            &["happy", "a_fail_charge_credit"][..],
        ),
        // The rule fixtures of the other two invariants the store can see.
        (
            "fuzzy-read",
            saga("fixtures/rules/V711-no-fuzzy-read.yaml"),
            &["happy_no_fuzzy_read"][..],
        ),
        (
            "legal-transitions",
            saga("fixtures/rules/V713-legal-transitions.yaml"),
            &["happy_legal_transitions"][..],
        ),
        (
            "cancel-at-trigger",
            saga("fixtures/isolation/cancel-at-trigger.yaml"),
            &["happy"][..],
        ),
        // A choreography, through its broker: clean, a dirty read, lost updates, and
        // with the order shared, each scenario's representative order.
        (
            "choreography",
            saga(CHOREOGRAPHY),
            &[
                "happy",
                "a_fail_charge_credit",
                "a_fail_approve_order",
                "a_exhaust_charge_credit",
            ][..],
        ),
        (
            "dirty-read-choreography",
            saga(DIRTY_READ_CHOREOGRAPHY),
            &["a_fail_charge_credit_no_dirty_read"][..],
        ),
        (
            "lost-update-choreography",
            saga(LOST_UPDATE_CHOREOGRAPHY),
            &[
                "happy_no_lost_update",
                "a_fail_charge_credit_no_lost_update",
                "a_fail_charge_credit_no_dirty_read",
                "a_exhaust_charge_credit_no_lost_update",
            ][..],
        ),
        (
            "shared-order-choreography",
            shared_choreography,
            &["happy"][..],
        ),
        // Under `on_locked: fail`, each scenario's representative order (the answers
        // depend on the order).
        (
            "locked-choreography",
            saga(LOCKED_CHOREOGRAPHY),
            &["happy"][..],
        ),
    ] {
        let krate = dir.path().join(name);
        writer::write(&krate, &codegen::generate(&saga, name).unwrap(), false).unwrap();
        let mut test = cargo();
        test.args(["test", "--offline", "--test", "isolation"])
            .env("CARGO_TARGET_DIR", &target);
        let output = run_in(
            &krate,
            test,
            &format!("{name}: cargo test --test isolation"),
        );
        for test in tests {
            assert!(
                output.contains(&format!("test {test} ... ok")),
                "{name}: {test}:\n{output}"
            );
        }
        // Every test of the file, one per scenario or broken invariant, passes.
        let count = file_of(&saga, "tests/isolation.rs")
            .unwrap()
            .matches("#[test]")
            .count();
        assert!(
            output.contains(&format!("test result: ok. {count} passed")),
            "{name}: {count} tests:\n{output}"
        );
    }
}

/// What the std runtime does not generate is refused by name: a choreography whose
/// reaction has effects, or whose built-in isolation failure is redelivered (`then:
/// retry`), typed data with resources.
#[test]
fn what_is_not_generated_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    Command::cargo_bin("sagac")
        .unwrap()
        .args([
            "codegen",
            "fixtures/isolation/reaction-overwrites-stock.yaml",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "fixtures/isolation/reaction-overwrites-stock.yaml:17:1: `place_order_commit` uses `resources` (language version 2), whose semantics `sagac codegen` does not implement yet",
        ));
    assert!(!out.exists());
    let redelivered = saga("fixtures/isolation/hold-retry-choreography.yaml");
    assert!(codegen::unsupported_v2(&redelivered).is_some());
    let typed = saga_of(&mutate(&[(
        "deadline: 15m\n",
        "deadline: 15m\nfields: { quantity: integer }\n",
    )]));
    let refused = codegen::unsupported_v2(&typed).expect("typed data with resources is refused");
    assert_eq!(refused.key.as_str(), "resources");
}
