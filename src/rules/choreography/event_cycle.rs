use std::collections::VecDeque;
use std::collections::hash_map::{Entry, HashMap};

use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Edge, EventId, Node, Saga};
use crate::source::Span;

use super::flow::Flow;
use super::wording;

declare_rule! {
    /// ## What it checks
    /// In a choreography, events that start each other in a loop: an event starts a
    /// handler that publishes an event that, one or more handlers later, publishes the first
    /// event again. Each group of events that loop together is reported once, at the place
    /// that publishes again the event where the loop is entered, with the chain in the order
    /// it runs.
    ///
    /// ## Why it matters
    /// Nothing stops a loop of events: every round re-runs its steps (charging the card
    /// again, reserving stock again) and the saga never ends. A loop is most often a
    /// copy-pasted `emits` (a compensation announcing `inventory.reserved` instead of
    /// `inventory.released`). Retrying belongs in a step's `retry`, not in a loop of events.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   emits: { success: inventory.reserved, failure: inventory.failed }
    ///   compensation: { action: ReleaseInventory, consumes: [payment.failed], emits: inventory.reserved }
    /// - id: charge_payment
    ///   consumes: inventory.reserved
    ///   emits: { success: payment.completed, failure: payment.failed }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   emits: { success: inventory.reserved, failure: inventory.failed }
    ///   compensation: { action: ReleaseInventory, consumes: [payment.failed], emits: inventory.released }
    /// - id: charge_payment
    ///   consumes: inventory.reserved
    ///   emits: { success: payment.completed, failure: payment.failed }
    /// ```
    pub static RULE = ("G404", "event-cycle", Error, "Events that start each other in a loop");
}

/// How many names of a long loop the message spells out before eliding the middle.
const MAX_CHAIN_SHOWN: usize = 12;

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    let flow = Flow::new(saga);
    let components = flow.components(|_, _, _| true);
    let distance = flow.distance_from_trigger();
    for (c, members) in components.list.iter().enumerate() {
        let looping = members.len() > 1
            || members
                .iter()
                .any(|&m| flow.successors(m).iter().any(|&(to, _)| to == m));
        if !looping {
            continue;
        }
        // The loop is entered at the event nearest to the trigger (or, cut off from the
        // trigger, at the one written first): the chain then reads in the order it runs.
        let Some(start) = members
            .iter()
            .copied()
            .filter(|&m| matches!(flow.node(m), Node::Event(_)))
            .min_by_key(|&m| (distance[m], event_position(saga, &flow, m), m))
        else {
            continue;
        };
        let Some(chain) = shortest_loop(&flow, &components.of, c, start) else {
            continue;
        };
        out.extend(report(saga, &flow, &chain));
    }
}

fn event_position(saga: &Saga, flow: &Flow, node: usize) -> usize {
    match flow.node(node) {
        Node::Event(e) => saga.event(e).span().start,
        _ => usize::MAX,
    }
}

/// The shortest loop from `start` back to it inside its component: the nodes in order
/// (`start` first) and the edge leaving each.
fn shortest_loop(
    flow: &Flow,
    component_of: &[usize],
    component: usize,
    start: usize,
) -> Option<Vec<(usize, Edge)>> {
    // Sized by the loop, not by the saga: a spec may hold many small loops.
    let mut parent: HashMap<usize, (usize, Edge)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut closing = None;
    'search: while let Some(i) = queue.pop_front() {
        for &(j, edge) in flow.successors(i) {
            if component_of[j] != component {
                continue;
            }
            if j == start {
                closing = Some((i, edge));
                break 'search;
            }
            if let Entry::Vacant(slot) = parent.entry(j) {
                slot.insert((i, edge));
                queue.push_back(j);
            }
        }
    }
    let (mut node, edge) = closing?;
    let mut chain = vec![(node, edge)];
    while node != start {
        let &(prev, edge) = parent.get(&node)?;
        chain.push((prev, edge));
        node = prev;
    }
    chain.reverse();
    Some(chain)
}

fn report(saga: &Saga, flow: &Flow, chain: &[(usize, Edge)]) -> Option<Diagnostic> {
    let (&(start, _), &(last, closing_edge)) = (chain.first()?, chain.last()?);
    let Node::Event(event_id) = flow.node(start) else {
        return None;
    };
    let names: Vec<String> = chain
        .iter()
        .map(|&(n, _)| display(saga, flow.node(n)))
        .collect();
    let start_name = names[0].clone();
    let shown = if names.len() > MAX_CHAIN_SHOWN {
        let head = &names[..MAX_CHAIN_SHOWN - 2];
        let tail = &names[names.len() - 2..];
        format!(
            "{} → … ({} more) … → {} → {start_name}",
            head.join(" → "),
            names.len() - head.len() - tail.len(),
            tail.join(" → ")
        )
    } else {
        format!("{} → {start_name}", names.join(" → "))
    };
    // The loop closes where its last handler publishes the first event again.
    let event = saga.event(event_id);
    let closing_emitter = flow.emitter(last, closing_edge);
    let closing_span = event
        .emitted_by
        .iter()
        .find(|(e, _)| Some(*e) == closing_emitter)
        .map_or_else(|| event.span(), |&(_, s)| s);
    let mut d = Diagnostic::new(
        &RULE,
        closing_span,
        format!("events start each other in a loop: {shown}"),
    )
    .label(format!(
        "publishes `{}` again, which starts the loop over",
        event.name
    ));
    if let Some(&(next, _)) = chain.get(1)
        && let Some(span) = consumption_span(saga, flow, next, event_id)
    {
        d = d.related(
            span,
            format!("`{}` starts `{}`", event.name, names[1].trim_matches('`')),
        );
    }
    Some(d.help(
        "a loop of events never ends: check the `emits` that closes it (often a copy-pasted event name); to try an action again, give its step a `retry` instead",
    ))
}

/// An event name or handler name in the chain, quoted.
fn display(saga: &Saga, node: Node) -> String {
    format!("`{}`", wording::short(saga, node))
}

/// Where `handler` consumes the event.
fn consumption_span(saga: &Saga, flow: &Flow, handler: usize, event: EventId) -> Option<Span> {
    let node = flow.node(handler);
    saga.event(event)
        .consumed_by
        .iter()
        .find(|&&(h, _)| Flow::handler_node(h) == node)
        .map(|&(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{HEADER, found, messages, order_with, spanned};

    #[test]
    fn a_copy_pasted_emits_closes_a_loop_through_a_failure() {
        let body = order_with(
            "consumes: [payment.failed], emits: inventory.released",
            "consumes: [payment.failed], emits: inventory.reserved",
        )
        .replace(
            "[confirmation.sent, inventory.released]",
            "[confirmation.sent]",
        );
        let d = found("G404", &body);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "events start each other in a loop: `inventory.reserved` → `charge_payment` → `payment.failed` → `ReleaseInventory` → `inventory.reserved`"
        );
        // At the `emits` that closes the loop, not at the step's own success event.
        let text = format!("{HEADER}{body}");
        let line = text[..d[0].span.start].lines().last().unwrap_or("");
        assert!(line.contains("ReleaseInventory"), "{line}");
        assert_eq!(spanned(&body, d[0].related[0].span), "inventory.reserved");
    }

    #[test]
    fn a_step_that_starts_itself() {
        let body = order_with(
            "emits: { success: confirmation.sent }",
            "emits: { success: payment.completed }",
        )
        .replace(
            "[confirmation.sent, inventory.released]",
            "[inventory.released]",
        );
        assert_eq!(
            messages("G404", &body),
            [
                "events start each other in a loop: `payment.completed` → `send_confirmation` → `payment.completed`"
            ]
        );
    }

    #[test]
    fn a_loop_cut_off_from_the_trigger_is_reported_once() {
        let body = order_with("consumes: order.created", "consumes: confirmation.sent");
        assert_eq!(
            messages("G404", &body),
            // Nothing enters it from the trigger: it starts at the event written first.
            [
                "events start each other in a loop: `confirmation.sent` → `reserve_inventory` → `inventory.reserved` → `charge_payment` → `payment.completed` → `send_confirmation` → `confirmation.sent`"
            ]
        );
    }

    #[test]
    fn a_long_loop_is_shortened() {
        let mut body = String::from(
            "trigger: { participant: order, action: CreateOrder, event: s0.go }\nsteps:\n",
        );
        for i in 0..20 {
            body.push_str(&format!(
                "  - {{ id: s{i}, participant: inventory, consumes: s{i}.go, action: Do{i}, kind: retriable, emits: {{ success: s{}.go }} }}\n",
                (i + 1) % 20
            ));
        }
        let d = messages("G404", &body);
        assert_eq!(d.len(), 1);
        assert!(d[0].contains("→ … (28 more) … →"), "{}", d[0]);
        assert!(d[0].starts_with("events start each other in a loop: `s0.go` → `s0` → `s1.go`"));
        assert!(d[0].ends_with("`s19` → `s0.go`"), "{}", d[0]);
    }
}
