//! `--kind flowchart` of a saga with `resources` (language version 2, isolation; contract
//! §9): each resource is a cylinder node (the data a saga is not isolated on), and each
//! action that declares effects on it has a dotted edge to it, labelled with its verbs
//! (`decrease`, `create in PENDING`, `set to APPROVED`). A spec without `resources` draws none of this, so its
//! flowchart stays as version 1 drew it.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::escape::flowchart_label;
use crate::model::resources::{Actor, Effect, Resource, ResourceKind, Verb};
use crate::model::{Node, ResourceId, Saga};

/// The node id of a resource: prefixed, so no spec name collides with a flowchart keyword
/// or a node of the graph (`trigger`, `step_0`, `undo_0`, `event_0`, `reaction_0`).
pub fn id(resource: ResourceId) -> String {
    format!("resource_{}", resource.index())
}

/// The cylinder nodes, one per declared resource, in the order declared.
pub fn nodes(saga: &Saga, out: &mut String) {
    for (k, r) in saga.resources.declared.iter().enumerate() {
        let _ = writeln!(
            out,
            "    {}[({})]",
            id(ResourceId::new(k)),
            flowchart_label(&describe(saga, r))
        );
    }
}

/// The dotted edges from each action node to the resources its effects touch, one per
/// (action, resource), labelled with its verbs in the order declared. `node_id` names an
/// action's node; an action without a node in the graph draws no edge.
pub fn edges(saga: &Saga, node_id: impl Fn(Node) -> Option<String>, out: &mut String) {
    // (action, resource) -> its effects' words, in the order declared.
    let mut labels: BTreeMap<(usize, usize), (String, Vec<String>)> = BTreeMap::new();
    for (order, entry) in saga.resources.actions.iter().enumerate() {
        let Some(from) = node_id(node_of(entry.actor)) else {
            continue;
        };
        for effect in &entry.effects {
            let resource = effect.record.resource.index();
            let words = word(saga, effect);
            let (_, list) = labels
                .entry((order, resource))
                .or_insert_with(|| (from.clone(), Vec::new()));
            if !list.contains(&words) {
                list.push(words);
            }
        }
    }
    for ((_, resource), (from, words)) in labels {
        let _ = writeln!(
            out,
            "    {from} -.->|{}| {}",
            flowchart_label(&words.join(", ")),
            id(ResourceId::new(resource))
        );
    }
}

/// The class that styles the cylinders.
pub fn style(saga: &Saga, out: &mut String) {
    out.push_str("    classDef resource fill:#eef2ff,stroke:#4338ca\n");
    let ids: Vec<String> = (0..saga.resources.declared.len())
        .map(|k| id(ResourceId::new(k)))
        .collect();
    let _ = writeln!(out, "    class {} resource", ids.join(","));
}

/// `order`, who owns it and by what key, and its lock states: `order<br/>record of order,
/// key order_id<br/>locks: PENDING, CANCEL_PENDING (wait)`.
fn describe(saga: &Saga, r: &Resource) -> String {
    let owner = &saga.participant(r.participant).name.value;
    let kind = match r.kind {
        ResourceKind::Record => "record",
        ResourceKind::Counter => "counter",
    };
    let mut text = format!("{}\n{kind} of {owner}, key {}", r.name.value, r.key.value);
    if !r.locks.is_empty() {
        let locks: Vec<&str> = r.locks.iter().map(|l| l.value.as_str()).collect();
        let _ = write!(
            text,
            "\nlocks: {} (on_locked: {})",
            locks.join(", "),
            r.on_locked.value.as_str()
        );
    }
    text
}

/// An effect in words: its verb, the state it moves to, and the record's field when the
/// resource is named by more than one field in the saga (`account[payer_id]`).
fn word(saga: &Saga, effect: &Effect) -> String {
    let mut text = effect.verb.as_str().to_owned();
    let fields: Vec<&str> = saga
        .resources
        .effects()
        .filter(|(_, e)| e.record.resource == effect.record.resource)
        .map(|(_, e)| e.record.field.value.as_str())
        .collect();
    if fields.iter().any(|f| *f != effect.record.field.value) {
        let name = &saga.resources.resource(effect.record.resource).name.value;
        let _ = write!(text, " {name}[{}]", effect.record.field.value);
    }
    if let Some(to) = &effect.to {
        match effect.verb {
            Verb::Create => {
                let _ = write!(text, " in {}", to.value);
            }
            Verb::Set => {
                let _ = write!(text, " to {}", to.value);
            }
            _ => {}
        }
    }
    text
}

fn node_of(actor: Actor) -> Node {
    match actor {
        Actor::Trigger => Node::Trigger,
        Actor::Step(s) => Node::Step(s),
        Actor::Compensation(o) => Node::Compensation(o),
        Actor::Reaction(r) => Node::Reaction(r),
    }
}
