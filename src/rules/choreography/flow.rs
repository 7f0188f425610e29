//! The choreography's event flow: which handler publishes which event, and which event
//! starts which handler, as adjacency lists over the model's graph; and the traversals the
//! choreography rules share.
//!
//! The model's graph also links each step to its compensation (`CompensatedBy`). The flow
//! leaves that link out: a compensation runs when an event it consumes arrives, not because
//! its step ran, so following the link would call a compensation that nothing starts
//! reachable.

use std::collections::VecDeque;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Edge, Emitter, Handler, Node, Owner, Saga, StepId};

pub(super) struct Flow<'a> {
    pub saga: &'a Saga,
    /// Per node index of the model's graph: the edges out of it, in declaration order.
    succ: Vec<Vec<(usize, Edge)>>,
    /// Per node index: the edges into it, in declaration order.
    pred: Vec<Vec<(usize, Edge)>>,
}

/// Strongly connected components of the flow (or of a part of its edges).
pub(super) struct Components {
    /// The components, each edge between two of them going from a later one to an earlier
    /// one (reverse topological order).
    pub list: Vec<Vec<usize>>,
    /// The component of each node.
    pub of: Vec<usize>,
}

impl<'a> Flow<'a> {
    pub fn new(saga: &'a Saga) -> Self {
        let g = &saga.graph.graph;
        let mut succ = vec![Vec::new(); g.node_count()];
        let mut pred = vec![Vec::new(); g.node_count()];
        for e in g.edge_references() {
            if *e.weight() == Edge::CompensatedBy {
                continue;
            }
            let (a, b) = (e.source().index(), e.target().index());
            succ[a].push((b, *e.weight()));
            pred[b].push((a, *e.weight()));
        }
        Flow { saga, succ, pred }
    }

    pub fn len(&self) -> usize {
        self.succ.len()
    }

    pub fn node(&self, i: usize) -> Node {
        self.saga.graph.graph[NodeIndex::new(i)]
    }

    pub fn index(&self, node: Node) -> Option<usize> {
        self.saga.graph.node_index(node).map(NodeIndex::index)
    }

    pub fn step_index(&self, id: StepId) -> Option<usize> {
        self.index(Node::Step(id))
    }

    pub fn successors(&self, i: usize) -> &[(usize, Edge)] {
        &self.succ[i]
    }

    pub fn predecessors(&self, i: usize) -> &[(usize, Edge)] {
        &self.pred[i]
    }

    /// The failure events a step publishes (one, or in language version 2 one per
    /// failure of its `emits.failure` map), as node indices.
    pub fn failure_events(&self, step: usize) -> impl Iterator<Item = usize> + '_ {
        self.succ[step]
            .iter()
            .filter(|(_, e)| *e == Edge::Failure)
            .map(|&(to, _)| to)
    }

    /// Whether an edge carries "what has been applied" forward: the trigger publishing its
    /// event, a step announcing its outcome, an event starting a step. A compensation's
    /// completion does not: what follows it is a failure path whose effects its own failure
    /// already accounts for.
    pub fn carries_effects(&self, to: usize, edge: Edge) -> bool {
        match edge {
            Edge::Publishes | Edge::Success | Edge::Failure => true,
            Edge::Starts => matches!(self.node(to), Node::Step(_)),
            Edge::Done | Edge::Next | Edge::CompensatedBy => false,
        }
    }

    /// Every node reached from `starts` along the edges `keep(from, to, edge)` accepts;
    /// backwards (against the edges) when `forward` is false.
    pub fn reach(
        &self,
        starts: impl IntoIterator<Item = usize>,
        forward: bool,
        keep: impl Fn(usize, usize, Edge) -> bool,
    ) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut queue = VecDeque::new();
        for s in starts {
            if s < seen.len() && !seen[s] {
                seen[s] = true;
                queue.push_back(s);
            }
        }
        while let Some(i) = queue.pop_front() {
            let next = if forward {
                &self.succ[i]
            } else {
                &self.pred[i]
            };
            for &(j, edge) in next {
                let (from, to) = if forward { (i, j) } else { (j, i) };
                if !seen[j] && keep(from, to, edge) {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
        seen
    }

    /// Every node an event chain from the trigger reaches, the trigger included.
    pub fn reached_from_trigger(&self) -> Vec<bool> {
        self.reach(self.index(Node::Trigger), true, |_, _, _| true)
    }

    /// The number of edges from the trigger to each node (`usize::MAX` when unreached).
    pub fn distance_from_trigger(&self) -> Vec<usize> {
        let mut dist = vec![usize::MAX; self.len()];
        let mut queue = VecDeque::new();
        if let Some(t) = self.index(Node::Trigger) {
            dist[t] = 0;
            queue.push_back(t);
        }
        while let Some(i) = queue.pop_front() {
            for &(j, _) in &self.succ[i] {
                if dist[j] == usize::MAX {
                    dist[j] = dist[i] + 1;
                    queue.push_back(j);
                }
            }
        }
        dist
    }

    /// The strongly connected components over the edges `keep(from, to, edge)` accepts.
    /// Iterative (Kosaraju), so that a 10,000-step chain does not exhaust the stack.
    pub fn components(&self, keep: impl Fn(usize, usize, Edge) -> bool) -> Components {
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(self.len(), 0);
        for _ in 0..self.len() {
            g.add_node(());
        }
        for (from, edges) in self.succ.iter().enumerate() {
            for &(to, edge) in edges {
                if keep(from, to, edge) {
                    g.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
                }
            }
        }
        let list: Vec<Vec<usize>> = petgraph::algo::kosaraju_scc(&g)
            .into_iter()
            .map(|scc| {
                let mut v: Vec<usize> = scc.into_iter().map(NodeIndex::index).collect();
                v.sort_unstable();
                v
            })
            .collect();
        let mut of = vec![0; self.len()];
        for (c, members) in list.iter().enumerate() {
            for &m in members {
                of[m] = c;
            }
        }
        Components { list, of }
    }

    /// Who publishes along the edge `from -> event`.
    pub fn emitter(&self, from: usize, edge: Edge) -> Option<Emitter> {
        match (self.node(from), edge) {
            (Node::Trigger, Edge::Publishes) => Some(Emitter::Trigger),
            (Node::Step(s), Edge::Success) => Some(Emitter::StepSuccess(s)),
            (Node::Step(s), Edge::Failure) => Some(Emitter::StepFailure(s)),
            (Node::Compensation(o), Edge::Done) => Some(Emitter::CompensationDone(o)),
            _ => None,
        }
    }

    /// The node that runs a handler.
    pub fn handler_node(handler: Handler) -> Node {
        match handler {
            Handler::Step(s) => Node::Step(s),
            Handler::Compensation(o) => Node::Compensation(o),
            Handler::Reaction(r) => Node::Reaction(r),
        }
    }

    /// The node of a compensation, when its owner has one.
    pub fn compensation_index(&self, owner: Owner) -> Option<usize> {
        self.index(Node::Compensation(owner))
    }
}
