use super::declared;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Actor, OnLocked, describe_actor};

declare_rule! {
    /// ## What it checks
    /// `on_locked: fail` or `on_locked: proceed` on an effect of a compensation (a step's
    /// or the trigger's) (language version 2, isolation).
    ///
    /// ## Why it matters
    /// A compensation must complete: it is the only way the saga's effects are undone. If
    /// another saga holds a lock on the record, `fail` makes the undo give up (the effect
    /// stays in place for good), and `proceed` makes it change a record that another saga
    /// has pending work on (the undo overwrites it). An undo waits until the lock is
    /// released, and its retry policy bounds the wait.
    ///
    /// ## Example
    /// ```yaml
    ///     compensation:
    ///       action: UndoBeginCancel
    ///       effects:
    ///         - set: order[order_id]
    ///           from: [CANCEL_PENDING]
    ///           to: APPROVED
    ///           on_locked: fail
    /// ```
    ///
    /// ## Fix
    /// Remove `on_locked` (the resource's `wait` applies to compensations always):
    /// ```yaml
    ///         - set: order[order_id]
    ///           from: [CANCEL_PENDING]
    ///           to: APPROVED
    /// ```
    pub static RULE = ("I812", "compensation-must-wait", Error, "`on_locked: fail` or `proceed` on a compensation's effect");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for action in &saga.resources.actions {
        if !matches!(action.actor, Actor::Compensation(_)) {
            continue;
        }
        for e in declared(saga, action.actor) {
            let Some(on_locked) = &e.on_locked else {
                continue;
            };
            if on_locked.value == OnLocked::Wait {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    on_locked.span,
                    format!(
                        "{} would {} when another saga holds a lock",
                        describe_actor(saga, action.actor),
                        if on_locked.value == OnLocked::Fail {
                            "give up"
                        } else {
                            "overwrite its pending work"
                        }
                    ),
                )
                .label(format!("`on_locked: {}` on an undo", on_locked.value.as_str()))
                .help("a compensation waits for the lock to be released (its retry policy bounds the wait): remove `on_locked` here"),
            );
        }
    }
}
