use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Edge, Owner, Saga, StepId, StepKind};
use crate::source::Span;

use super::flow::Flow;
use super::wording;

declare_rule! {
    /// ## What it checks
    /// In a choreography, for every step that can fail (a compensatable, pivot or read-only
    /// step with `emits.failure`): the effects already applied when it fails must all be
    /// undone after its failure event. Those effects are the trigger's (when it has a
    /// compensation) and those of every compensatable step before it in the chain of events,
    /// that is, every step whose success led to the failing step being started. Each of
    /// their compensations must consume the failure event, or an event published after it,
    /// for example the event another compensation emits when it is done (a chain of
    /// compensations: `payment.failed` → `ReleaseInventory` → `inventory.released` →
    /// `RejectOrder`).
    ///
    /// A compensatable step without any compensation is reported as C201 and left out here.
    /// Only the chain of events decides what counts as "before": a step started by the same
    /// event as the failing step runs concurrently with it, and whether it is undone is left
    /// to `sagac simulate`.
    ///
    /// ## Why it matters
    /// This is the classic choreography bug: inventory stays reserved when the payment
    /// fails, because `ReleaseInventory` listens to `inventory.failed` only. No coordinator
    /// knows the list of completed steps; each compensation has to hear of every failure
    /// that happens after its step, or the saga ends half done and breaks atomicity.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   consumes: order.created
    ///   emits: { success: inventory.reserved, failure: inventory.failed }
    ///   compensation: { action: ReleaseInventory, consumes: [inventory.failed] }
    /// - id: charge_payment
    ///   consumes: inventory.reserved
    ///   kind: pivot
    ///   emits: { success: payment.completed, failure: payment.failed }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   consumes: order.created
    ///   emits: { success: inventory.reserved, failure: inventory.failed }
    ///   compensation: { action: ReleaseInventory, consumes: [payment.failed] }
    /// - id: charge_payment
    ///   consumes: inventory.reserved
    ///   kind: pivot
    ///   emits: { success: payment.completed, failure: payment.failed }
    /// ```
    pub static RULE = ("G405", "uncompensated-failure", Error, "After a failure event some earlier applied effect is never compensated");
}

/// How many uncompensated effects are reported for one failure; the last report counts the
/// rest, so that a spec with thousands of steps and no working compensation stays readable.
const MAX_PER_FAILURE: usize = 5;

/// Effects are analysed 64 at a time, one bit each.
const WORD: usize = 64;

/// A step that can fail and announces it.
pub(super) struct Failing {
    pub step: StepId,
    /// The step's node in the flow.
    pub node: usize,
    /// Its failure event's node.
    pub event: usize,
    /// Where `emits.failure` names it.
    pub span: Span,
}

/// The steps whose failure makes the saga compensate, among those an event chain from the
/// trigger reaches (the others are reported as unreachable).
pub(super) fn failing_steps(saga: &Saga, flow: &Flow) -> Vec<Failing> {
    let reached = flow.reached_from_trigger();
    saga.step_ids()
        .filter_map(|id| {
            let step = saga.step(id);
            let span = step.emits_failure.as_ref()?.span;
            let node = flow.step_index(id)?;
            let event = flow.failure_event(node)?;
            (step.kind != StepKind::Retriable && reached[node]).then_some(Failing {
                step: id,
                node,
                event,
                span,
            })
        })
        .collect()
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    let flow = Flow::new(saga);
    let effects = effects(saga);
    let failing = failing_steps(saga, &flow);
    if effects.is_empty() || failing.is_empty() {
        return;
    }
    let left = left_applied(&flow, &effects, &failing);
    for (f, (shown, total)) in failing.iter().zip(left) {
        for (i, &e) in shown.iter().enumerate() {
            let more = (i + 1 == shown.len()).then(|| total - shown.len());
            out.extend(report(saga, f, effects[e], more.unwrap_or(0)));
        }
    }
}

/// The effects a compensation can undo: the trigger's and each compensatable step's, in
/// declaration order.
fn effects(saga: &Saga) -> Vec<Owner> {
    let trigger = saga
        .trigger
        .compensation
        .is_some()
        .then_some(Owner::Trigger);
    let steps = saga.step_ids().filter(|&id| {
        let s = saga.step(id);
        s.kind == StepKind::Compensatable && s.compensation.is_some()
    });
    trigger.into_iter().chain(steps.map(Owner::Step)).collect()
}

/// For each failing step, the effects applied when it fails that nothing after its failure
/// event compensates: the first [`MAX_PER_FAILURE`] (as indices into `effects`) and how
/// many there are in all.
///
/// Two passes over the flow per 64 effects, each effect a bit: "applied before" flows forward
/// along the edges that carry effects, "compensated after" flows backward from each
/// compensation along every edge; a failing step misses the bits it has of the first and its
/// failure event lacks of the second. Loops are folded into their strongly connected
/// components, where every member may run before every other. The work is
/// O((nodes + edges) × effects / 64): a few million word operations for 10,000 steps.
fn left_applied(flow: &Flow, effects: &[Owner], failing: &[Failing]) -> Vec<(Vec<usize>, usize)> {
    let n = flow.len();
    // The node whose success (or, for the trigger, whose event) applies an effect, and the
    // compensation node that undoes it.
    let mut applied_by = vec![None; n];
    let mut undone_by = vec![None; n];
    for (e, &owner) in effects.iter().enumerate() {
        let applier = match owner {
            Owner::Trigger => flow.index(crate::model::Node::Trigger),
            Owner::Step(id) => flow.step_index(id),
        };
        if let Some(a) = applier {
            applied_by[a] = Some(e);
        }
        if let Some(c) = flow.compensation_index(owner) {
            undone_by[c] = Some(e);
        }
    }
    let own_effect = |f: &Failing| {
        effects
            .binary_search_by_key(&(1, f.step.0), |o| match o {
                Owner::Trigger => (0, 0),
                Owner::Step(id) => (1, id.0),
            })
            .ok()
    };
    let before = flow.components(|_, to, edge| flow.carries_effects(to, edge));
    let after = flow.components(|_, _, _| true);
    let mut applied = vec![0u64; before.list.len()];
    let mut undone = vec![0u64; after.list.len()];
    let mut result = vec![(Vec::new(), 0); failing.len()];
    for base in (0..effects.len()).step_by(WORD) {
        let bit = |e: usize| {
            if (base..base + WORD).contains(&e) {
                1u64 << (e - base)
            } else {
                0
            }
        };
        // Components come with successors first: "undone" reads the successors' values.
        for (c, members) in after.list.iter().enumerate() {
            let mut v = 0;
            for &m in members {
                v |= undone_by[m].map_or(0, bit);
                for &(to, _) in flow.successors(m) {
                    if after.of[to] != c {
                        v |= undone[after.of[to]];
                    }
                }
            }
            undone[c] = v;
        }
        // ...and "applied" the predecessors', so it walks them backwards.
        for (c, members) in before.list.iter().enumerate().rev() {
            let mut v = 0;
            for &m in members {
                for &(from, edge) in flow.predecessors(m) {
                    if !flow.carries_effects(m, edge) {
                        continue;
                    }
                    if before.of[from] != c {
                        v |= applied[before.of[from]];
                    }
                    if matches!(edge, Edge::Publishes | Edge::Success) {
                        v |= applied_by[from].map_or(0, bit);
                    }
                }
            }
            applied[c] = v;
        }
        for (k, f) in failing.iter().enumerate() {
            let mut left = applied[before.of[f.node]] & !undone[after.of[f.event]];
            // In a loop a step may have run before its own failure; its own compensation
            // is C-rules' and G404's business, not a missing one here.
            left &= !own_effect(f).map_or(0, bit);
            let (shown, total) = &mut result[k];
            while left != 0 {
                let b = left.trailing_zeros() as usize;
                left &= left - 1;
                if shown.len() < MAX_PER_FAILURE {
                    shown.push(base + b);
                }
                *total += 1;
            }
        }
    }
    result
}

fn report(saga: &Saga, f: &Failing, effect: Owner, more: usize) -> Option<Diagnostic> {
    let step = saga.step(f.step);
    let failure = step.emits_failure.as_ref().map_or("", |e| e.value.as_str());
    let compensation = saga.compensation(effect)?;
    let action = &compensation.action.value;
    let (who, applied_span, applied_label) = match effect {
        Owner::Trigger => (
            format!("the trigger `{}`", saga.trigger.action.value),
            saga.trigger.action.span,
            format!(
                "applied when the saga starts, before `{}` runs",
                step.id.value
            ),
        ),
        Owner::Step(id) => {
            let s = saga.step(id);
            (
                format!("`{}`", s.id.value),
                s.id.span,
                format!("applied before `{}` runs", step.id.value),
            )
        }
    };
    let mut d = Diagnostic::new(
        &RULE,
        f.span,
        format!(
            "when `{}` fails (`{failure}`), {who} is never compensated: its effect stays applied",
            step.id.value
        ),
    )
    .label(format!("`{action}` never runs after this event"))
    .related(applied_span, applied_label);
    let mut help = if let Some(first) = compensation.consumes.first() {
        let names: Vec<String> = compensation
            .consumes
            .iter()
            .map(|c| c.value.clone())
            .collect();
        d = d.related(
            first.span,
            format!("`{action}` runs only after {}", wording::list(&names, 3)),
        );
        format!(
            "add `{failure}` to the `consumes` of `{action}`, or have it consume an event published after `{failure}` (such as the event another compensation emits when it is done)"
        )
    } else {
        d = d.related(
            compensation.span,
            format!("`{action}` consumes no event, so nothing starts it"),
        );
        format!(
            "in a choreography a compensation runs when an event it consumes arrives: write `compensation: {{ action: {action}, consumes: [{failure}] }}`"
        )
    };
    if more > 0 {
        help.push_str(&format!(
            "; {more} more effect{} applied before `{}` {} not compensated after this failure either",
            if more == 1 { "" } else { "s" },
            step.id.value,
            if more == 1 { "is" } else { "are" },
        ));
    }
    Some(d.help(help))
}
