//! How the choreography rules name the handlers and publishers of events in their messages.

use crate::model::{Emitter, Handler, Node, Owner, Saga};

/// A handler as the subject of a sentence: ``step `reserve_inventory` ``,
/// `` the compensation `ReleaseInventory` of `reserve_inventory` ``,
/// `` the reaction `ApproveOrder` of `order` ``.
pub(super) fn handler(saga: &Saga, handler: Handler) -> String {
    match handler {
        Handler::Step(id) => format!("step `{}`", saga.step(id).id.value),
        Handler::Compensation(owner) => compensation(saga, owner),
        Handler::Reaction(i) => {
            let r = &saga.reactions[i.index()];
            format!(
                "the reaction `{}` of `{}`",
                r.action.value,
                saga.participant(r.participant).name.value
            )
        }
    }
}

/// Who publishes an event, in words.
pub(super) fn emitter(saga: &Saga, emitter: Emitter) -> String {
    match emitter {
        Emitter::Trigger => format!("the trigger `{}`", saga.trigger.action.value),
        Emitter::StepSuccess(id) => format!("step `{}` on success", saga.step(id).id.value),
        Emitter::StepFailure(id) => format!("step `{}` on failure", saga.step(id).id.value),
        Emitter::CompensationDone(owner) => compensation(saga, owner),
    }
}

/// `` the compensation `ReleaseInventory` of `reserve_inventory` ``, `` the trigger's
/// compensation `RejectOrder` ``.
pub(super) fn compensation(saga: &Saga, owner: Owner) -> String {
    let action = saga
        .compensation(owner)
        .map_or("", |c| c.action.value.as_str());
    match owner {
        Owner::Trigger => format!("the trigger's compensation `{action}`"),
        Owner::Step(id) => format!(
            "the compensation `{action}` of `{}`",
            saga.step(id).id.value
        ),
    }
}

/// The short name of a node in a chain of events: the event, the step id, the action.
pub(super) fn short(saga: &Saga, node: Node) -> String {
    match node {
        Node::Trigger => saga.trigger.action.value.clone(),
        Node::Step(id) => saga.step(id).id.value.clone(),
        Node::Compensation(owner) => saga
            .compensation(owner)
            .map_or_else(String::new, |c| c.action.value.clone()),
        Node::Reaction(i) => saga.reactions[i.index()].action.value.clone(),
        Node::Event(e) => saga.event(e).name.clone(),
    }
}

/// `` `a`, `b` and `c` `` (at most `limit` names, then "and N more").
pub(super) fn list(names: &[String], limit: usize) -> String {
    let quoted: Vec<String> = names.iter().take(limit).map(|n| format!("`{n}`")).collect();
    let rest = names.len().saturating_sub(limit);
    match (quoted.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => one.clone(),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        (many, n) => format!("{} and {n} more", many.join(", ")),
    }
}
