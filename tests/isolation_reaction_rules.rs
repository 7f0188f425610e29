//! Language version 2, isolation: the static rules see a choreography's reactions (issue
//! 16). A reaction's effects follow the action whose event it handles: I804
//! (`lock-not-released`) counts a reaction's `set` out of a lock state as the release, and
//! I801 (`read-then-overwrite`) flags a reaction's `write` over a record the saga observed,
//! where the simulation reports `no_lost_update` (V709,
//! `fixtures/isolation/reaction-overwrites-stock.yaml`, `tests/isolation_reaction.rs`).

use sagac::check::{Options, check_source_with};
use sagac::diagnostic::Diagnostic;
use sagac::source::SourceFile;

const FIXTURE: &str = include_str!("../fixtures/isolation/reaction-overwrites-stock.yaml");

/// The rules alone, without the simulation.
fn rules(text: &str) -> Vec<Diagnostic> {
    let options = Options { simulate: false };
    check_source_with(SourceFile::new("t.yaml", text.to_owned()), &options).diagnostics
}

fn with_code<'a>(diagnostics: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diagnostics.iter().filter(|d| d.code() == code).collect()
}

fn replaced(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} once");
    text.replacen(from, to, 1)
}

const APPROVE_EFFECTS: &str = "    idempotency_key: order_id
    effects:
      - set: order[order_id]
        from: [PENDING]
        to: APPROVED
reactions:
";

/// `approve_order` without effects: nothing moves the order out of `PENDING` when the saga
/// completes, unless `reaction` does.
fn approved_by(reaction: &str) -> String {
    replaced(
        FIXTURE,
        APPROVE_EFFECTS,
        &format!("    idempotency_key: order_id\nreactions:\n{reaction}"),
    )
}

const APPROVE_REACTION: &str = "  - participant: order
    consumes: [credit.charged]
    action: MarkApproved
    effects:
      - set: order[order_id]
        from: [PENDING]
        to: APPROVED
";

#[test]
fn a_reaction_that_moves_a_record_out_of_its_lock_state_releases_it() {
    // Without the reaction the order stays PENDING: I804 at the trigger's `create`.
    let unreleased = approved_by("");
    let d = rules(&unreleased);
    let locks = with_code(&d, "I804");
    assert_eq!(locks.len(), 1, "{d:#?}");
    assert!(
        locks[0].message.contains("when the saga completes"),
        "{}",
        locks[0].message
    );
    assert_eq!(
        &unreleased[locks[0].span.start..locks[0].span.end],
        "create"
    );
    // The order's reaction to `credit.charged` approves it: released.
    let d = rules(&approved_by(APPROVE_REACTION));
    assert!(with_code(&d, "I804").is_empty(), "{d:#?}");
}

#[test]
fn a_reaction_to_a_failure_that_moves_a_record_out_of_its_lock_state_releases_it() {
    // The trigger's compensation declares no change of the order; a reaction of the order
    // to `credit.failed` rejects it instead.
    let no_reject = replaced(
        FIXTURE,
        "    effects:
      - set: order[order_id]
        from: [PENDING]
        to: REJECTED
",
        "    effects: []
",
    );
    let d = rules(&no_reject);
    let locks = with_code(&d, "I804");
    assert!(
        locks
            .iter()
            .any(|l| l.message.contains("when the saga compensates")),
        "{d:#?}"
    );
    // The order's reaction to every failure event rejects it: released on every way the
    // saga compensates.
    let rejected = replaced(
        &no_reject,
        "terminal_events:",
        "  - participant: order
    consumes: [stock.unavailable, inventory.failed, credit.failed]
    action: MarkRejected
    effects:
      - set: order[order_id]
        from: [PENDING]
        to: REJECTED
terminal_events:",
    );
    let d = rules(&rejected);
    assert!(with_code(&d, "I804").is_empty(), "{d:#?}");
}

#[test]
fn a_reaction_s_write_over_a_record_the_saga_read_is_a_read_then_overwrite() {
    let d = rules(FIXTURE);
    let overwrites = with_code(&d, "I801");
    assert_eq!(overwrites.len(), 1, "{d:#?}");
    let i801 = overwrites[0];
    assert!(
        i801.message
            .starts_with("reaction `CommitStock` overwrites `stock[item]`"),
        "{}",
        i801.message
    );
    // At the reaction's `write` (where the simulation reports V709), CheckStock's read
    // related.
    let reactions = FIXTURE.find("reactions:").expect("reactions");
    assert!(i801.span.start > reactions);
    assert_eq!(&FIXTURE[i801.span.start..i801.span.end], "write");
    // A version file removes it, as it removes the lost update.
    let version_file = replaced(
        FIXTURE,
        "pessimistic_view: decrease }",
        "pessimistic_view: decrease, version_file: true }",
    );
    let d = rules(&version_file);
    assert!(with_code(&d, "I801").is_empty(), "{d:#?}");
}
