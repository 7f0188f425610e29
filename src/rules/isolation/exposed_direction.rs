use super::{declared, forward, pending};
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::describe_actor;

declare_rule! {
    /// ## What it checks
    /// On a counter with `pessimistic_view: <direction>`, a change in the other direction
    /// by a forward action before the point of no return (language version 2, isolation).
    ///
    /// ## Why it matters
    /// `pessimistic_view: decrease` says that other sagas may see a decrease before it is
    /// final: at worst they see less credit than there is, and refuse an order they could
    /// have served. An increase seen before it is final is the dangerous direction: another
    /// saga spends credit that the compensation then takes back. The countermeasure
    /// (Richardson's "pessimistic view") is to make the increase only at or after the
    /// point of no return, where it is never undone.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   account: { participant: accounting, key: customer_id, kind: counter,
    ///              commutative: true, pessimistic_view: decrease }
    /// steps:
    ///   - id: refund_credit
    ///     kind: compensatable
    ///     effects: [{ increase: "account[customer_id]" }]
    ///   - { id: cancel_ticket, kind: pivot }
    /// ```
    ///
    /// ## Fix
    /// Move the increase after the pivot, as a retriable step:
    /// ```yaml
    ///   - { id: cancel_ticket, kind: pivot }
    ///   - id: refund_credit
    ///     kind: retriable
    ///     effects: [{ increase: "account[customer_id]" }]
    /// ```
    pub static RULE = ("I807", "exposed-direction", Error, "The non-pessimistic direction of a counter changed before the point of no return");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for actor in forward(saga) {
        if !pending(saga, actor) {
            continue;
        }
        for e in declared(saga, actor) {
            let resource = saga.resources.resource(e.record.resource);
            let (Some(view), Some(direction)) = (&resource.pessimistic_view, e.verb.direction())
            else {
                continue;
            };
            if view.value == direction {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    e.span,
                    format!(
                        "{} makes an `{}` of `{}` that can still be undone, but only a `{}` may be seen before it is final",
                        describe_actor(saga, actor),
                        direction.as_str(),
                        resource.name.value,
                        view.value.as_str()
                    ),
                )
                .label("before the point of no return")
                .related(view.span, "the direction others may see")
                .help(format!(
                    "move the `{}` to a step at or after the point of no return (a retriable step after the pivot), so that no other saga acts on it before it is final",
                    direction.as_str()
                )),
            );
        }
    }
}
