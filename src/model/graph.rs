//! The saga as a petgraph graph. Choreography: handlers (trigger, steps, compensations,
//! reactions) and events, with an edge from each emitter to its event and from each event
//! to its consumers. Orchestration: the trigger and the steps in stage order (fork and join
//! at parallel groups), each step linked to its compensation.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use super::{Coordination, Emitter, EventId, Handler, Owner, Saga, StepId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    Trigger,
    Step(StepId),
    Compensation(Owner),
    Reaction(crate::model::ReactionId),
    Event(EventId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edge {
    /// The trigger publishes its event.
    Publishes,
    /// A step's success event.
    Success,
    /// A step's failure event.
    Failure,
    /// A compensation's completion event.
    Done,
    /// An event starts a handler.
    Starts,
    /// Orchestration: the orchestrator moves on to the next step.
    Next,
    /// A step (or the trigger) is undone by its compensation.
    CompensatedBy,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub graph: DiGraph<Node, Edge>,
    index: HashMap<Node, NodeIndex>,
}

impl Graph {
    pub(super) fn build(saga: &Saga) -> Graph {
        let mut g = Graph::default();
        g.add(Node::Trigger);
        for id in saga.step_ids() {
            g.add(Node::Step(id));
        }
        for owner in std::iter::once(Owner::Trigger).chain(saga.step_ids().map(Owner::Step)) {
            if saga.compensation(owner).is_some() {
                let from = match owner {
                    Owner::Trigger => Node::Trigger,
                    Owner::Step(id) => Node::Step(id),
                };
                g.link(from, Node::Compensation(owner), Edge::CompensatedBy);
            }
        }
        match saga.coordination {
            Coordination::Orchestration => {
                let mut previous = vec![Node::Trigger];
                for stage in &saga.stages {
                    let current: Vec<Node> = stage.steps().iter().map(|&s| Node::Step(s)).collect();
                    for &from in &previous {
                        for &to in &current {
                            g.link(from, to, Edge::Next);
                        }
                    }
                    previous = current;
                }
            }
            Coordination::Choreography => {
                for (i, event) in saga.events.iter().enumerate() {
                    let node = Node::Event(EventId::new(i));
                    g.add(node);
                    for &(emitter, _) in &event.emitted_by {
                        let (from, edge) = match emitter {
                            Emitter::Trigger => (Node::Trigger, Edge::Publishes),
                            Emitter::StepSuccess(s) => (Node::Step(s), Edge::Success),
                            Emitter::StepFailure(s) => (Node::Step(s), Edge::Failure),
                            Emitter::CompensationDone(o) => (Node::Compensation(o), Edge::Done),
                        };
                        g.link(from, node, edge);
                    }
                    for &(handler, _) in &event.consumed_by {
                        let to = match handler {
                            Handler::Step(s) => Node::Step(s),
                            Handler::Compensation(o) => Node::Compensation(o),
                            Handler::Reaction(r) => Node::Reaction(r),
                        };
                        g.link(node, to, Edge::Starts);
                    }
                }
            }
        }
        g
    }

    fn add(&mut self, node: Node) -> NodeIndex {
        if let Some(&i) = self.index.get(&node) {
            return i;
        }
        let i = self.graph.add_node(node);
        self.index.insert(node, i);
        i
    }

    fn link(&mut self, from: Node, to: Node, edge: Edge) {
        let (a, b) = (self.add(from), self.add(to));
        self.graph.add_edge(a, b, edge);
    }

    pub fn node_index(&self, node: Node) -> Option<NodeIndex> {
        self.index.get(&node).copied()
    }
}
