use super::availability::Availability;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Actor, describe_actor};

declare_rule! {
    /// ## What it checks
    /// A record reference (`stock[item]`) in an action's `effects` whose field is not
    /// available to the action (language version 2, isolation): for a step, a field of
    /// the trigger's `data` or written by a step that has completed before it (or by the
    /// step itself); for a compensation, what its step could read or wrote; for the
    /// trigger and its compensation, the trigger's `data`. A reaction may name any field
    /// of the saga.
    ///
    /// ## Why it matters
    /// The field's value picks the record: `account[payer_id]` and `account[payee_id]` are
    /// two records of one resource. An action that does not have the value cannot find the
    /// record, so the participant would touch some other record, or none.
    ///
    /// ## Example
    /// ```yaml
    /// trigger:
    ///   data: [order_id, item]
    /// steps:
    ///   - id: charge_credit
    ///     effects: [{ decrease: "account[customer_id]" }]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// trigger:
    ///   data: [order_id, item, customer_id]
    /// ```
    pub static RULE = ("D504", "unknown-record-key", Error, "A record reference whose field is not available to the action");
}

pub fn check(saga: &Saga, known: &Availability<'_>, out: &mut Vec<Diagnostic>) {
    let trigger_data = |f: &str| saga.trigger.data.iter().any(|d| d.value == f);
    let any_field = |f: &str| {
        trigger_data(f)
            || saga
                .steps
                .iter()
                .any(|s| s.writes.iter().any(|w| w.value == f))
    };
    for action in &saga.resources.actions {
        if action.declared.is_none() {
            continue;
        }
        for e in &action.effects {
            let field = e.record.field.value.as_str();
            let available = match action.actor {
                Actor::Trigger | Actor::Compensation(crate::model::Owner::Trigger) => {
                    trigger_data(field)
                }
                Actor::Step(id) => {
                    known.before_step(id, field) != Some(false)
                        || saga.step(id).writes.iter().any(|w| w.value == field)
                }
                Actor::Compensation(owner) => known.for_compensation(owner, field) != Some(false),
                Actor::Reaction(_) => any_field(field),
            };
            if available {
                continue;
            }
            let resource = saga.resources.resource(e.record.resource);
            out.push(
                Diagnostic::new(
                    &RULE,
                    e.record.field.span,
                    format!(
                        "`{}` is not known to {}, so it cannot pick a record of `{}`",
                        field,
                        describe_actor(saga, action.actor),
                        resource.name.value
                    ),
                )
                .label("not a field known here")
                .help(format!(
                    "name the record by a field the action has (the trigger's `data`, or an earlier step's `writes`), or add `{field}` to the trigger's `data`"
                )),
            );
        }
    }
}
