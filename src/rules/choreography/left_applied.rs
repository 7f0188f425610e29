//! Which effects a step's failure leaves applied: the effects applied before the step ran
//! (the trigger's, and those of the compensatable steps whose success led to it) whose
//! compensation nothing after the failure event starts. G405 reports them; G406 shares the
//! list of failing steps.
//!
//! Two passes decide it. A local pass first proves most effects fine the way a reader would:
//! the failures right after a step reach its compensation, and the compensation of the next
//! step reaches it too (a chain of compensations, as in `specs/money-transfer.yaml`); that
//! costs a few bounded searches per effect. The effects it cannot prove go to an exact pass
//! that sets one bit per effect and propagates "applied" forward and "compensated" backward
//! over the whole flow, 64 effects per pass. A correct spec is thus checked in linear time,
//! and a spec with k effects left in doubt in O((nodes + edges) × k / 64).

use crate::model::{Edge, Node, Owner, Saga, StepId, StepKind};
use crate::source::Span;

use super::flow::Flow;

/// A step that can fail and announces it, once per failure event it publishes (language
/// version 2 maps each failure to its own event).
pub(super) struct Failing {
    pub step: StepId,
    /// The step's node in the flow.
    pub node: usize,
    /// The failure event's node.
    pub event: usize,
    /// The failure event's name.
    pub name: String,
    /// Where `emits.failure` names it.
    pub span: Span,
}

/// The steps whose failure makes the saga compensate (every kind but `retriable`, with a
/// failure event), among those an event chain from the trigger reaches: the others are
/// reported as unreachable, and what their failure would leave is premature to say.
pub(super) fn failing_steps(saga: &Saga, flow: &Flow) -> Vec<Failing> {
    let reached = flow.reached_from_trigger();
    let mut failing = Vec::new();
    for id in saga.step_ids() {
        let step = saga.step(id);
        let Some(node) = flow.step_index(id) else {
            continue;
        };
        if step.kind == StepKind::Retriable || !reached[node] {
            continue;
        }
        for event in step.failure_events() {
            let Some(index) = saga
                .event_id(&event.value)
                .and_then(|e| flow.index(Node::Event(e)))
            else {
                continue;
            };
            failing.push(Failing {
                step: id,
                node,
                event: index,
                name: event.value.clone(),
                span: event.span,
            });
        }
    }
    failing
}

/// The effects a compensation can undo: the trigger's and each compensatable step's (a
/// compensatable step without compensation is C201's), in declaration order.
pub(super) fn effects(saga: &Saga) -> Vec<Owner> {
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

/// For one failing step: the first `limit` effects it leaves applied (indices into the
/// effects, in order) and how many there are in all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Left {
    pub shown: Vec<usize>,
    pub total: usize,
}

/// For each failing step, the effects applied when it fails that nothing after its failure
/// event compensates.
pub(super) fn left_applied(
    flow: &Flow,
    effects: &[Owner],
    failing: &[Failing],
    limit: usize,
) -> Vec<Left> {
    let nodes = Nodes::new(flow, effects, failing);
    let proven = provably_compensated(flow, effects, &nodes);
    let doubtful: Vec<usize> = (0..effects.len()).filter(|&e| !proven[e]).collect();
    exact(flow, &nodes, &doubtful, failing, limit)
}

/// What each flow node is to the analysis.
struct Nodes {
    /// The effect a node applies: the trigger through its event, a step through its success.
    applies: Vec<Option<usize>>,
    /// The effect a compensation node undoes.
    undoes: Vec<Option<usize>>,
    /// The node of each effect's compensation.
    compensation: Vec<Option<usize>>,
    /// Whether a node is a failing step.
    failing: Vec<bool>,
}

impl Nodes {
    fn new(flow: &Flow, effects: &[Owner], failing: &[Failing]) -> Self {
        let n = flow.len();
        let mut nodes = Nodes {
            applies: vec![None; n],
            undoes: vec![None; n],
            compensation: vec![None; effects.len()],
            failing: vec![false; n],
        };
        for (e, &owner) in effects.iter().enumerate() {
            let applier = match owner {
                Owner::Trigger => flow.index(Node::Trigger),
                Owner::Step(id) => flow.step_index(id),
            };
            if let Some(a) = applier {
                nodes.applies[a] = Some(e);
            }
            if let Some(c) = flow.compensation_index(owner) {
                nodes.undoes[c] = Some(e);
                nodes.compensation[e] = Some(c);
            }
        }
        for f in failing {
            nodes.failing[f.node] = true;
        }
        nodes
    }
}

/// How many nodes one local search may visit before it gives up (and leaves the effect to
/// the exact pass): enough for any chain a person writes, small enough to stay linear.
const LOCAL_BUDGET: usize = 64;

/// Effects whose every later failure provably reaches their compensation.
///
/// An effect is proven when (1) every failing step between it and the next effects (in the
/// chain of events, going on past a next effect only through its failure) has a failure
/// event that reaches its compensation, (2) each next effect's compensation reaches its
/// compensation, and (3) each next effect is proven. Every failure after the effect is then
/// either one of (1), or after a next effect, whose compensation it reaches and which in
/// turn reaches this one. Proofs are built from the last effects back (a least fixpoint), so
/// effects in a loop are never proven here.
fn provably_compensated(flow: &Flow, effects: &[Owner], nodes: &Nodes) -> Vec<bool> {
    let m = effects.len();
    let mut search = Search::new(flow.len());
    let mut waiting_on = vec![0usize; m];
    let mut needed_by: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut ready = Vec::new();
    for (e, &owner) in effects.iter().enumerate() {
        let applier = match owner {
            Owner::Trigger => flow.index(Node::Trigger),
            Owner::Step(id) => flow.step_index(id),
        };
        let Some(next) = applier.and_then(|a| local_proof(flow, nodes, &mut search, a, e)) else {
            continue;
        };
        waiting_on[e] = next.len();
        for &v in &next {
            needed_by[v].push(e);
        }
        if next.is_empty() {
            ready.push(e);
        }
    }
    let mut proven = vec![false; m];
    while let Some(v) = ready.pop() {
        proven[v] = true;
        for &u in &needed_by[v] {
            waiting_on[u] -= 1;
            if waiting_on[u] == 0 {
                ready.push(u);
            }
        }
    }
    proven
}

/// Conditions (1) and (2) for the effect `e` applied by `applier`: the next effects when
/// they hold, `None` when they fail or the search runs out of budget.
fn local_proof(
    flow: &Flow,
    nodes: &Nodes,
    search: &mut Search,
    applier: usize,
    e: usize,
) -> Option<Vec<usize>> {
    let compensation = nodes.compensation[e]?;
    let mut region = Vec::new();
    search.start();
    for &(event, edge) in flow.successors(applier) {
        if matches!(edge, Edge::Success | Edge::Publishes) && search.visit(event) {
            region.push(event);
        }
    }
    let mut next = Vec::new();
    let mut failures = Vec::new();
    let mut i = 0;
    while let Some(&x) = region.get(i) {
        i += 1;
        if region.len() > LOCAL_BUDGET || x == applier {
            return None;
        }
        if nodes.failing[x] {
            failures.extend(flow.failure_events(x));
        }
        let further = match nodes.applies[x] {
            Some(v) if matches!(flow.node(x), Node::Step(_)) => {
                next.push(v);
                Some(Edge::Failure)
            }
            _ => None,
        };
        for &(to, edge) in flow.successors(x) {
            let follow = flow.carries_effects(to, edge) && further.is_none_or(|only| edge == only);
            if follow && search.visit(to) {
                region.push(to);
            }
        }
    }
    next.sort_unstable();
    next.dedup();
    let sources = failures
        .into_iter()
        .chain(next.iter().filter_map(|&v| nodes.compensation[v]));
    for source in sources.collect::<Vec<_>>() {
        if !search.reaches(flow, source, compensation) {
            return None;
        }
    }
    Some(next)
}

/// Bounded breadth-first searches that reuse one visited table (stamped per search).
struct Search {
    stamp: Vec<u32>,
    current: u32,
    reach_stamp: Vec<u32>,
    reach_current: u32,
}

impl Search {
    fn new(n: usize) -> Self {
        Search {
            stamp: vec![0; n],
            current: 0,
            reach_stamp: vec![0; n],
            reach_current: 0,
        }
    }

    fn start(&mut self) {
        self.current += 1;
    }

    /// Marks a node of the current region; false if it was already marked.
    fn visit(&mut self, node: usize) -> bool {
        let fresh = self.stamp[node] != self.current;
        self.stamp[node] = self.current;
        fresh
    }

    /// Whether `target` follows from `from` within [`LOCAL_BUDGET`] nodes.
    fn reaches(&mut self, flow: &Flow, from: usize, target: usize) -> bool {
        self.reach_current += 1;
        let mark = self.reach_current;
        let mut queue = vec![from];
        self.reach_stamp[from] = mark;
        let mut i = 0;
        while let Some(&x) = queue.get(i) {
            i += 1;
            if x == target {
                return true;
            }
            if queue.len() > LOCAL_BUDGET {
                return false;
            }
            for &(to, _) in flow.successors(x) {
                if self.reach_stamp[to] != mark {
                    self.reach_stamp[to] = mark;
                    queue.push(to);
                }
            }
        }
        false
    }
}

/// Effects are analysed 64 at a time, one bit each.
const WORD: usize = 64;

/// The exact pass over the effects `doubtful` (indices into the effects).
///
/// "Applied" flows forward along the edges that carry effects, "compensated" backward from
/// each compensation along every edge; a failing step leaves the bits it has of the first
/// and its failure event lacks of the second. Loops are folded into their strongly
/// connected components, where every member may run before every other.
fn exact(
    flow: &Flow,
    nodes: &Nodes,
    doubtful: &[usize],
    failing: &[Failing],
    limit: usize,
) -> Vec<Left> {
    let mut result = vec![Left::default(); failing.len()];
    if doubtful.is_empty() {
        return result;
    }
    let before = flow.components(|_, to, edge| flow.carries_effects(to, edge));
    let after = flow.components(|_, _, _| true);
    let mut applied = vec![0u64; before.list.len()];
    let mut undone = vec![0u64; after.list.len()];
    // The position of each doubtful effect in `doubtful`.
    let mut position = vec![None; nodes.compensation.len()];
    for (p, &e) in doubtful.iter().enumerate() {
        position[e] = Some(p);
    }
    for base in (0..doubtful.len()).step_by(WORD) {
        let bit = |e: Option<usize>| match e.and_then(|e| position[e]) {
            Some(p) if (base..base + WORD).contains(&p) => 1u64 << (p - base),
            _ => 0,
        };
        // Components come with successors first: "undone" reads the successors' values.
        for (c, members) in after.list.iter().enumerate() {
            let mut v = 0;
            for &m in members {
                v |= bit(nodes.undoes[m]);
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
                        v |= bit(nodes.applies[from]);
                    }
                }
            }
            applied[c] = v;
        }
        for (k, f) in failing.iter().enumerate() {
            let mut left = applied[before.of[f.node]] & !undone[after.of[f.event]];
            // In a loop a step may have run before its own failure; undoing its own effect
            // then is the loop's problem (G404), not a missing compensation.
            left &= !bit(nodes.applies[f.node]);
            let entry = &mut result[k];
            while left != 0 {
                let b = left.trailing_zeros() as usize;
                left &= left - 1;
                if entry.shown.len() < limit {
                    entry.shown.push(doubtful[base + b]);
                }
                entry.total += 1;
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_rules;
    use crate::source::SourceFile;

    /// A small deterministic generator (xorshift), so that failures are reproducible.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
    }

    /// A random choreography: chains, shared events, fallbacks on failure events, chained
    /// and missing compensations, loops.
    fn random_spec(rng: &mut Rng) -> String {
        let steps = 2 + rng.below(7);
        let pool = 3 * steps + 2;
        let event = |i: usize| format!("e.x{i}");
        let mut emitted = vec![0];
        let mut fresh = 1;
        let mut next_event = |rng: &mut Rng, emitted: &mut Vec<usize>| {
            let e = if rng.chance(20) {
                rng.below(pool)
            } else {
                fresh += 1;
                fresh - 1
            };
            emitted.push(e);
            event(e)
        };
        let subset = |rng: &mut Rng| {
            let k = 1 + rng.below(3);
            (0..k)
                .map(|_| event(rng.below(pool)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = String::from(
            "version: 1\nsaga: s\ncoordination: choreography\nparticipants: { p: {} }\n",
        );
        text.push_str("trigger: { participant: p, action: Start, event: e.x0");
        if rng.chance(70) {
            text.push_str(&format!(
                ", compensation: {{ action: Undo, consumes: [{}] }}",
                subset(rng)
            ));
        }
        text.push_str(" }\nsteps:\n");
        for i in 0..steps {
            let consumes = if rng.chance(85) {
                emitted[rng.below(emitted.len())]
            } else {
                rng.below(pool)
            };
            let kind = ["compensatable", "pivot", "read_only", "retriable"][rng.below(4)];
            let success = next_event(rng, &mut emitted);
            let mut emits = format!("success: {success}");
            if rng.chance(80) {
                emits.push_str(&format!(", failure: {}", next_event(rng, &mut emitted)));
            }
            text.push_str(&format!(
                "  - {{ id: s{i}, participant: p, action: Do{i}, kind: {kind}, consumes: {}, emits: {{ {emits} }}",
                event(consumes)
            ));
            if kind == "compensatable" && rng.chance(90) {
                text.push_str(&format!(
                    ", compensation: {{ action: Undo{i}, consumes: [{}]",
                    subset(rng)
                ));
                if rng.chance(60) {
                    text.push_str(&format!(", emits: {}", next_event(rng, &mut emitted)));
                }
                text.push_str(" }");
            }
            text.push_str(" }\n");
        }
        text
    }

    /// The definition, computed pair by pair.
    fn brute_force(flow: &Flow, nodes: &Nodes, failing: &[Failing]) -> Vec<Left> {
        failing
            .iter()
            .map(|f| {
                let before = flow.reach([f.node], false, |_, to, edge| {
                    flow.carries_effects(to, edge)
                });
                let mut applied: Vec<usize> = (0..flow.len())
                    .filter(|&n| before[n])
                    .flat_map(|n| {
                        flow.successors(n)
                            .iter()
                            .filter(|&&(to, edge)| {
                                before[to] && matches!(edge, Edge::Publishes | Edge::Success)
                            })
                            .filter_map(move |_| nodes.applies[n])
                    })
                    .filter(|&e| Some(e) != nodes.applies[f.node])
                    .collect();
                applied.sort_unstable();
                applied.dedup();
                let after = flow.reach([f.event], true, |_, _, _| true);
                let shown: Vec<usize> = applied
                    .into_iter()
                    .filter(|&e| nodes.compensation[e].is_none_or(|c| !after[c]))
                    .collect();
                Left {
                    total: shown.len(),
                    shown,
                }
            })
            .collect()
    }

    #[test]
    fn the_local_proofs_and_the_exact_pass_agree_with_the_definition() {
        let mut rng = Rng(0x5eed_cafe);
        let (mut proofs, mut effects_seen, mut left) = (0, 0, 0);
        for _ in 0..1500 {
            let text = random_spec(&mut rng);
            let checked = check_rules(SourceFile::new("t.yaml", text.clone()));
            let Some(saga) = checked.saga else {
                panic!("does not resolve:\n{text}\n{:?}", checked.diagnostics)
            };
            let flow = Flow::new(&saga);
            let effects = effects(&saga);
            let failing = failing_steps(&saga, &flow);
            let nodes = Nodes::new(&flow, &effects, &failing);
            let expected = brute_force(&flow, &nodes, &failing);
            left += expected.iter().map(|l| l.total).sum::<usize>();
            let all: Vec<usize> = (0..effects.len()).collect();
            assert_eq!(
                exact(&flow, &nodes, &all, &failing, usize::MAX),
                expected,
                "exact pass on\n{text}"
            );
            assert_eq!(
                left_applied(&flow, &effects, &failing, usize::MAX),
                expected,
                "with local proofs on\n{text}"
            );
            proofs += provably_compensated(&flow, &effects, &nodes)
                .iter()
                .filter(|&&p| p)
                .count();
            effects_seen += effects.len();
        }
        // The generator must exercise the local proofs, not only the exact pass.
        assert!(
            proofs > effects_seen / 5,
            "{proofs} of {effects_seen} proven"
        );
        assert!(left > 100, "only {left} effects left applied in all");
    }
}
