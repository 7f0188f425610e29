//! `--kind state`: the orchestrator's state machine as a `stateDiagram-v2`. One state per
//! step (the orchestrator waits for its reply), one per compensation, and the end states
//! `Completed`, `Compensated`, `Stuck`. Forward transitions follow the happy run (a
//! parallel group forks and joins); each failure transition and the order of the
//! compensations after it come from that step's failure scenario (`fail:<step>`, or
//! `exhaust:<step>` for a retriable step), so the machine drawn is the one `simulate`
//! checks. A choreography has no orchestrator, hence no state machine (`None`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::combined::{Branch, branches};
use super::escape::{state_label, state_name};
use crate::model::{Coordination, OnFailure, Owner, Saga, Stage, StepId, StepKind};
use crate::scenario::{
    ActionKind, Fault, Outcome, Scenario, Work, compensation_faults, owner_name,
};

pub fn render(saga: &Saga) -> Option<String> {
    if saga.coordination != Coordination::Orchestration {
        return None;
    }
    let (happy, failures) = branches(saga);
    Some(render_from(saga, &happy, &failures))
}

/// The state machine from runs already made by [`super::failure_branches`] (an
/// orchestration's).
pub fn render_from(saga: &Saga, happy: &Scenario, failures: &[Branch]) -> String {
    let mut out = String::from("stateDiagram-v2\n");
    declare_steps(&mut out, saga);
    let mut edges = forward_edges(saga, happy);
    edges.extend(retry_edges(saga));
    let chains = failure_edges(saga, failures, &mut edges);
    compensation_edges(&mut out, saga, &chains, &mut edges);
    let ends: Vec<&str> = [
        "completed",
        "compensated",
        "stuck",
        "terminated",
        "needs_attention",
        "cancelled",
    ]
    .into_iter()
    .filter(|id| edges.iter().any(|e| e.to == *id))
    .collect();
    for id in &ends {
        // `needs_attention` → `NeedsAttention`.
        let name: String = id
            .split('_')
            .map(|w| {
                let mut w = w.to_owned();
                w[..1].make_ascii_uppercase();
                w
            })
            .collect();
        declare(&mut out, id, &name);
    }
    for Edge { from, to, label } in &edges {
        if label.is_empty() {
            let _ = writeln!(out, "    {from} --> {to}");
        } else {
            let _ = writeln!(out, "    {from} --> {to}: {}", state_label(label));
        }
    }
    for id in &ends {
        let _ = writeln!(out, "    {id} --> [*]");
    }
    out
}

/// A transition of the state machine.
struct Edge {
    from: String,
    to: String,
    label: String,
}

impl Edge {
    fn new(from: String, to: String, label: String) -> Edge {
        Edge { from, to, label }
    }
}

/// The steps in stage order, then a fork and a join around each parallel group.
fn declare_steps(out: &mut String, saga: &Saga) {
    for stage in &saga.stages {
        for &s in stage.steps() {
            let step = saga.step(s);
            let kind = match step.kind {
                StepKind::Pivot => ", pivot",
                StepKind::Retriable => ", retriable",
                StepKind::ReadOnly => ", read-only",
                StepKind::Compensatable => "",
            };
            declare(
                out,
                &step_state(saga, s),
                &format!("{} ({}{kind})", step.action.value, step.id.value),
            );
        }
    }
    for (k, stage) in saga.stages.iter().enumerate() {
        if matches!(stage, Stage::Parallel { .. }) {
            let _ = writeln!(out, "    state fork_{k} <<fork>>");
            let _ = writeln!(out, "    state join_{k} <<join>>");
        }
    }
}

/// Forward: the order in which the happy run sends the first command of each stage, then
/// the happy run's end.
fn forward_edges(saga: &Saga, happy: &Scenario) -> Vec<Edge> {
    let mut started: Vec<usize> = Vec::new();
    let mut seen = vec![false; saga.stages.len()];
    for a in &happy.trace {
        if let ActionKind::Command {
            work: Work::Step(s),
            attempt: 1,
            duplicate: false,
        } = a.kind
        {
            let stage = saga.step(s).stage;
            if let Some(seen) = seen.get_mut(stage)
                && !*seen
            {
                *seen = true;
                started.push(stage);
            }
        }
    }
    let event = saga.trigger.event.as_ref().map_or_else(
        || format!("{} committed", saga.trigger.action.value),
        |e| e.value.clone(),
    );
    let mut edges = Vec::new();
    let mut previous = ("[*]".to_owned(), event);
    for &k in &started {
        let Some(stage) = saga.stages.get(k) else {
            continue;
        };
        match stage {
            Stage::Single(s) => {
                edges.push(Edge::new(previous.0, step_state(saga, *s), previous.1));
                previous = (step_state(saga, *s), ok(saga, *s));
            }
            Stage::Parallel { branches, .. } => {
                edges.push(Edge::new(previous.0, format!("fork_{k}"), previous.1));
                for &b in branches {
                    let fork = format!("fork_{k}");
                    edges.push(Edge::new(fork, step_state(saga, b), String::new()));
                    edges.push(Edge::new(
                        step_state(saga, b),
                        format!("join_{k}"),
                        ok(saga, b),
                    ));
                }
                previous = (format!("join_{k}"), "every branch OK".to_owned());
            }
        }
    }
    let end = end_state(happy.outcome).to_owned();
    edges.push(Edge::new(previous.0, end, previous.1));
    edges
}

/// Transient failures retried by the step's policy.
fn retry_edges(saga: &Saga) -> impl Iterator<Item = Edge> + '_ {
    saga.step_ids()
        .filter(|&s| saga.step(s).retry.retries())
        .map(|s| {
            let state = step_state(saga, s);
            let retry = saga.step(s).retry.describe();
            Edge::new(
                state.clone(),
                state,
                format!("transient failure, retried ({retry})"),
            )
        })
}

/// Where each compensation leads after each failure: the next compensation or the end,
/// with the failed steps after which it does.
type Chains = BTreeMap<(Owner, Target), Vec<StepId>>;

/// Each failure scenario's transition from its step to its first compensation (or its
/// end), and the chains of the compensations that follow, in the order they ran.
fn failure_edges(saga: &Saga, failures: &[Branch], edges: &mut Vec<Edge>) -> Chains {
    let mut chains = Chains::new();
    for Branch {
        step,
        fault,
        outcome,
        compensated,
        ..
    } in failures
    {
        let end = Target::End(*outcome);
        let first = compensated.first().map_or(end, |&o| Target::Undo(o));
        edges.push(Edge::new(
            step_state(saga, *step),
            first.id(saga),
            failed(saga, *step, Some(*fault)),
        ));
        for (i, &o) in compensated.iter().enumerate() {
            let next = compensated.get(i + 1).map_or(end, |&n| Target::Undo(n));
            chains.entry((o, next)).or_default().push(*step);
        }
    }
    chains
}

/// A state per compensation that runs, its transitions to what follows it (a compensation
/// followed by different ones after different failures, as a parallel group's branches
/// are, says which failure each transition follows), and to `stuck` where it can give up.
fn compensation_edges(out: &mut String, saga: &Saga, chains: &Chains, edges: &mut Vec<Edge>) {
    let mut owners: Vec<Owner> = chains.keys().map(|(o, _)| *o).collect();
    owners.dedup();
    for &o in &owners {
        let label = format!(
            "{} (undo {})",
            compensation_action(saga, o),
            owner_name(saga, o)
        );
        declare(out, &undo_state(saga, o), &label);
    }
    let mut successors: BTreeMap<Owner, usize> = BTreeMap::new();
    for (o, _) in chains.keys() {
        *successors.entry(*o).or_default() += 1;
    }
    for ((o, to), after) in chains {
        let mut label = format!("{} OK", compensation_action(saga, *o));
        if successors.get(o).copied().unwrap_or(0) > 1 {
            let names: Vec<&str> = after
                .iter()
                .map(|&s| saga.step(s).id.value.as_str())
                .collect();
            label.push_str(&format!(", after {} failed", names.join(" or ")));
        }
        edges.push(Edge::new(undo_state(saga, *o), to.id(saga), label));
    }
    for f in compensation_faults(saga) {
        if let Fault::CompFail(o) = f
            && owners.binary_search(&o).is_ok()
        {
            let retry = saga
                .compensation(o)
                .map(|c| c.retry.describe())
                .unwrap_or_default();
            let label = format!("{} gave up ({retry})", compensation_action(saga, o));
            // Version 2: by its `on_failure`, the saga is stuck, goes on with the next
            // compensation, or escalates.
            let policy = saga
                .compensation(o)
                .map_or(OnFailure::Stuck, |c| c.on_failure.value);
            let targets: Vec<String> = match policy {
                OnFailure::Stuck => vec!["stuck".to_owned()],
                OnFailure::EscalateAndStop => vec!["needs_attention".to_owned()],
                OnFailure::Continue | OnFailure::Escalate => chains
                    .keys()
                    .filter(|(x, _)| *x == o)
                    .map(|(_, to)| match (to, policy) {
                        (Target::End(_), OnFailure::Escalate) => "needs_attention".to_owned(),
                        _ => to.id(saga),
                    })
                    .collect(),
            };
            for target in targets {
                let label = match policy {
                    OnFailure::Stuck => label.clone(),
                    _ => format!("{label}: {}", policy.as_str()),
                };
                edges.push(Edge::new(undo_state(saga, o), target, label));
            }
        }
    }
}

fn compensation_action(saga: &Saga, o: Owner) -> String {
    saga.compensation(o)
        .map_or_else(String::new, |c| c.action.value.clone())
}

/// Where a compensation leads: the next compensation, or the end of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    Undo(Owner),
    End(Outcome),
}

impl Target {
    fn id(self, saga: &Saga) -> String {
        match self {
            Target::Undo(o) => undo_state(saga, o),
            Target::End(outcome) => end_state(outcome).to_owned(),
        }
    }
}

fn declare(out: &mut String, id: &str, name: &str) {
    let _ = writeln!(out, "    state \"{}\" as {id}", state_name(name));
}

/// State ids are prefixed so no step id can collide with a keyword or another state.
fn step_state(saga: &Saga, s: StepId) -> String {
    format!("step_{}", saga.step(s).id.value)
}

fn undo_state(saga: &Saga, o: Owner) -> String {
    format!("undo_{}", owner_name(saga, o))
}

fn end_state(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "completed",
        Outcome::Compensated => "compensated",
        Outcome::Stuck => "stuck",
        Outcome::Terminated => "terminated",
        Outcome::NeedsAttention => "needs_attention",
        Outcome::Cancelled => "cancelled",
    }
}

fn ok(saga: &Saga, s: StepId) -> String {
    format!("{} OK", saga.step(s).action.value)
}

fn failed(saga: &Saga, s: StepId, fault: Option<Fault>) -> String {
    let step = saga.step(s);
    match fault {
        Some(Fault::Exhaust(_)) => {
            format!("{} gave up ({})", step.action.value, step.retry.describe())
        }
        _ => match step.failures.first() {
            Some(f) => format!("{} failed: {}", step.action.value, f.value),
            None => format!("{} failed", step.action.value),
        },
    }
}
