//! `--kind flowchart`: the saga's graph as Mermaid draws it. Orchestration: the trigger and
//! the steps in stage order (fork and join at parallel groups), each step's compensation on a
//! dashed edge. Choreography: handlers and the events between them, failures dashed. A
//! saga with `resources` adds its records as cylinders, dotted edges from the actions that
//! touch them (`flowchart_resources`).

use std::fmt::Write;

use super::escape::flowchart_label;
use super::flowchart_resources as resources;
use crate::model::{Edge, Node, Owner, Saga, StepKind};

pub fn render(saga: &Saga) -> String {
    let mut out = String::from("flowchart TD\n");
    // Nodes in graph order (the trigger, the steps in order, then the rest as added).
    for i in saga.graph.graph.node_indices() {
        let node = saga.graph.graph[i];
        let _ = writeln!(out, "    {}", declare(saga, node));
    }
    let with_resources = saga.resources.any();
    if with_resources {
        resources::nodes(saga, &mut out);
    }
    for e in saga.graph.graph.edge_indices() {
        let Some((a, b)) = saga.graph.graph.edge_endpoints(e) else {
            continue;
        };
        let (from, to) = (id(saga.graph.graph[a]), id(saga.graph.graph[b]));
        let arrow = match saga.graph.graph[e] {
            Edge::Next | Edge::Publishes | Edge::Success | Edge::Starts => "-->".to_owned(),
            Edge::Failure => "-. failure .->".to_owned(),
            Edge::Done => "-. done .->".to_owned(),
            Edge::CompensatedBy => "-. undo .->".to_owned(),
        };
        let _ = writeln!(out, "    {from} {arrow} {to}");
    }
    if with_resources {
        let drawn = |node: Node| saga.graph.graph.node_weights().any(|n| *n == node);
        resources::edges(saga, |node| drawn(node).then(|| id(node)), &mut out);
    }
    out.push_str("    classDef compensation stroke-dasharray: 4 3\n");
    let compensations: Vec<String> = saga
        .graph
        .graph
        .node_weights()
        .filter(|n| matches!(n, Node::Compensation(_)))
        .map(|n| id(*n))
        .collect();
    if !compensations.is_empty() {
        let _ = writeln!(out, "    class {} compensation", compensations.join(","));
    }
    if with_resources {
        resources::style(saga, &mut out);
    }
    out
}

/// Node ids are prefixed so no spec name can collide with a flowchart keyword.
fn id(node: Node) -> String {
    match node {
        Node::Trigger => "trigger".to_owned(),
        Node::Step(s) => format!("step_{}", s.index()),
        Node::Compensation(Owner::Trigger) => "undo_trigger".to_owned(),
        Node::Compensation(Owner::Step(s)) => format!("undo_{}", s.index()),
        Node::Reaction(r) => format!("reaction_{}", r.index()),
        Node::Event(e) => format!("event_{}", e.index()),
    }
}

fn declare(saga: &Saga, node: Node) -> String {
    let name = |p| saga.participant(p).name.value.as_str();
    let id = id(node);
    match node {
        Node::Trigger => {
            let t = &saga.trigger;
            format!(
                "{id}[{}]",
                flowchart_label(&format!(
                    "trigger\n{}: {}",
                    name(t.participant),
                    t.action.value
                ))
            )
        }
        Node::Step(s) => {
            let step = saga.step(s);
            let text = format!(
                "{}\n{}: {}\n{}",
                step.id.value,
                name(step.participant),
                step.action.value,
                step.kind.as_str()
            );
            let label = flowchart_label(&text);
            match step.kind {
                StepKind::Pivot => format!("{id}{{{{{label}}}}}"),
                StepKind::Retriable => format!("{id}([{label}])"),
                StepKind::ReadOnly => format!("{id}[/{label}/]"),
                StepKind::Compensatable => format!("{id}[{label}]"),
            }
        }
        Node::Compensation(owner) => {
            let (participant, action) = match owner {
                Owner::Trigger => (
                    saga.trigger.participant,
                    saga.compensation(owner).map(|c| c.action.value.as_str()),
                ),
                Owner::Step(s) => (
                    saga.step(s).participant,
                    saga.compensation(owner).map(|c| c.action.value.as_str()),
                ),
            };
            let text = format!(
                "{}: {}\ncompensation",
                name(participant),
                action.unwrap_or("?")
            );
            format!("{id}[{}]", flowchart_label(&text))
        }
        Node::Reaction(r) => {
            let reaction = &saga.reactions[r.index()];
            format!(
                "{id}[{}]",
                flowchart_label(&format!(
                    "{}: {}",
                    name(reaction.participant),
                    reaction.action.value
                ))
            )
        }
        Node::Event(e) => format!("{id}>{}]", flowchart_label(&saga.event(e).name)),
    }
}
