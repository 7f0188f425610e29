//! Which data fields are known when each step runs: the trigger's `data`, plus the
//! `writes` of every step that has certainly completed before it.
//!
//! Orchestration: the steps of earlier stages (a parallel branch does not see its
//! siblings' writes), so each field has a first stage from which it is known.
//!
//! Choreography: a field is known at a step when, on every event chain from the trigger to
//! the step, a step that writes it has succeeded: when the writer's success dominates the
//! step in the flow graph. Dominance is answered in constant time from the dominator
//! tree's DFS intervals, so checking every read costs linear time, not a set per step.

use std::collections::HashMap;

use petgraph::algo::dominators;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::{Coordination, Emitter, Handler, Owner, Saga, StepId};

pub struct Availability<'a> {
    trigger_data: Vec<&'a str>,
    /// Each step's own writes (a compensation may read them).
    writes: Vec<Vec<&'a str>>,
    flow: Flow<'a>,
}

enum Flow<'a> {
    /// The first stage at which each written field is known.
    Stages {
        known_from: HashMap<&'a str, usize>,
        stage_of: Vec<usize>,
    },
    Events(Dominance<'a>),
}

struct Dominance<'a> {
    /// Per step: the DFS interval of its start node in the dominator tree, `None` when no
    /// event chain from the trigger reaches it.
    start: Vec<Option<(usize, usize)>>,
    /// Per field: the DFS intervals of the success nodes of the steps that write it.
    writers: HashMap<&'a str, Vec<(usize, usize)>>,
}

impl<'a> Availability<'a> {
    pub(super) fn new(saga: &'a Saga) -> Self {
        let writes: Vec<Vec<&str>> = saga
            .steps
            .iter()
            .map(|s| s.writes.iter().map(|w| w.value.as_str()).collect())
            .collect();
        let flow = match saga.coordination {
            Coordination::Orchestration => {
                let mut known_from = HashMap::new();
                let stage_of = saga.steps.iter().map(|s| s.stage).collect();
                for (i, stage) in saga.stages.iter().enumerate() {
                    for &id in stage.steps() {
                        for &w in &writes[id.index()] {
                            known_from.entry(w).or_insert(i + 1);
                        }
                    }
                }
                Flow::Stages {
                    known_from,
                    stage_of,
                }
            }
            Coordination::Choreography => Flow::Events(Dominance::new(saga, &writes)),
        };
        Availability {
            trigger_data: saga.trigger.data.iter().map(|d| d.value.as_str()).collect(),
            writes,
            flow,
        }
    }

    /// Whether `field` is known before `step` runs; `None` when no event chain reaches it.
    pub(super) fn before_step(&self, step: StepId, field: &str) -> Option<bool> {
        if !self.reached(step) {
            return None;
        }
        if self.trigger_data.contains(&field) {
            return Some(true);
        }
        match &self.flow {
            Flow::Stages {
                known_from,
                stage_of,
            } => Some(
                known_from
                    .get(field)
                    .is_some_and(|&k| k <= stage_of[step.index()]),
            ),
            Flow::Events(d) => {
                let (in_s, out_s) = d.start[step.index()]?;
                Some(d.writers.get(field).is_some_and(|ws| {
                    ws.iter()
                        .any(|&(in_w, out_w)| in_w <= in_s && out_s <= out_w)
                }))
            }
        }
    }

    /// Whether a compensation can read `field`: known before its step, or written by it.
    pub(super) fn for_compensation(&self, owner: Owner, field: &str) -> Option<bool> {
        match owner {
            Owner::Trigger => Some(self.trigger_data.contains(&field)),
            Owner::Step(id) => {
                let before = self.before_step(id, field)?;
                Some(before || self.writes[id.index()].contains(&field))
            }
        }
    }

    fn reached(&self, step: StepId) -> bool {
        match &self.flow {
            Flow::Stages { .. } => true,
            Flow::Events(d) => d.start[step.index()].is_some(),
        }
    }
}

impl<'a> Dominance<'a> {
    /// The flow graph: trigger → its event → each consumer's start → the step's success or
    /// failure → the events announcing them → ...; compensations and reactions pass events
    /// on. Only a success node carries the step's writes.
    fn new(saga: &'a Saga, writes: &[Vec<&'a str>]) -> Self {
        let mut g: DiGraph<(), ()> = DiGraph::new();
        let trigger = g.add_node(());
        let events: Vec<NodeIndex> = saga.events.iter().map(|_| g.add_node(())).collect();
        let start: Vec<NodeIndex> = saga.steps.iter().map(|_| g.add_node(())).collect();
        let success: Vec<NodeIndex> = saga.steps.iter().map(|_| g.add_node(())).collect();
        let failure: Vec<NodeIndex> = saga.steps.iter().map(|_| g.add_node(())).collect();
        let mut compensations: HashMap<Owner, NodeIndex> = HashMap::new();
        let mut reactions: HashMap<usize, NodeIndex> = HashMap::new();
        for i in 0..saga.steps.len() {
            g.add_edge(start[i], success[i], ());
            g.add_edge(start[i], failure[i], ());
        }
        for (e, event) in saga.events.iter().enumerate() {
            for &(emitter, _) in &event.emitted_by {
                let from = match emitter {
                    Emitter::Trigger => trigger,
                    Emitter::StepSuccess(s) => success[s.index()],
                    Emitter::StepFailure(s) => failure[s.index()],
                    Emitter::CompensationDone(o) => {
                        *compensations.entry(o).or_insert_with(|| g.add_node(()))
                    }
                };
                g.add_edge(from, events[e], ());
            }
            for &(handler, _) in &event.consumed_by {
                let to = match handler {
                    Handler::Step(s) => start[s.index()],
                    Handler::Compensation(o) => {
                        *compensations.entry(o).or_insert_with(|| g.add_node(()))
                    }
                    Handler::Reaction(r) => {
                        *reactions.entry(r.index()).or_insert_with(|| g.add_node(()))
                    }
                };
                g.add_edge(events[e], to, ());
            }
        }
        let dom = dominators::simple_fast(&g, trigger);
        // The dominator tree's children, then DFS entry/exit times (iteratively: a chain of
        // 10,000 steps must not overflow the stack).
        let mut children: Vec<Vec<NodeIndex>> = vec![Vec::new(); g.node_count()];
        for n in g.node_indices() {
            if let Some(parent) = dom.immediate_dominator(n) {
                children[parent.index()].push(n);
            }
        }
        let mut interval: Vec<Option<(usize, usize)>> = vec![None; g.node_count()];
        let mut clock = 0;
        let mut stack = vec![(trigger, false)];
        while let Some((n, done)) = stack.pop() {
            if done {
                if let Some((entry, _)) = interval[n.index()] {
                    interval[n.index()] = Some((entry, clock));
                }
                continue;
            }
            interval[n.index()] = Some((clock, clock));
            clock += 1;
            stack.push((n, true));
            for &c in children[n.index()].iter().rev() {
                stack.push((c, false));
            }
        }
        let mut writers: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (i, fields) in writes.iter().enumerate() {
            if let Some(iv) = interval[success[i].index()] {
                for &f in fields {
                    writers.entry(f).or_default().push(iv);
                }
            }
        }
        Dominance {
            start: start.iter().map(|n| interval[n.index()]).collect(),
            writers,
        }
    }
}
