//! Serverless Workflow 0.8 (JSON or YAML) to the draft.
//!
//! The saga's forward steps are the states on the path from `start`, following each
//! `transition` (a switch's default condition, else its first): an `operation`,
//! `foreach`, `callback` or `event` state is a step, a `parallel` state a fork/join group
//! of its branches. `compensatedBy` names the state that undoes a step (it runs for a
//! state that completed: `runs_for: success`). A step's `onErrors` are its failure paths:
//! one that reaches `compensate: true` (on a transition or an end) runs the completed
//! states' compensations in reverse order, as a saga does; `failures.rs` compares each
//! path with that.

mod failures;
mod workflow;

use workflow::{State, Workflow};

use super::draft::{
    Compensation, Deadline, Draft, Format, Names, Note, NoteKind, Outcome, Retry, Stage, Step,
    participant_name, pascal, seconds, snake,
};
use super::error::{Finding, FindingKind, ImportError, ImportErrorKind};
use super::tree::Node;
use crate::source::{SourceFile, Span, Spanned};
use crate::syntax::{Backoff, Delivery, MaxAttempts, OnUncaught, RunsFor};

/// A forward stage: a state, or a `parallel` state and its branches.
pub(super) enum Forward<'w> {
    State(usize),
    Parallel(usize, Vec<&'w Node>),
}

impl Forward<'_> {
    fn state(&self) -> usize {
        match self {
            Forward::State(i) | Forward::Parallel(i, _) => *i,
        }
    }
}

pub fn import(root: &Node, source: &SourceFile) -> Result<(Draft, Vec<Finding>), Vec<ImportError>> {
    let mut errors = Vec::new();
    let workflow = match workflow::read(root, &mut errors) {
        Some(w) if errors.is_empty() => w,
        _ => {
            errors.sort_by_key(|e| e.span.start);
            return Err(errors);
        }
    };
    let mut notes = Vec::new();
    let mut findings = Vec::new();
    let forward = forward_path(&workflow, &mut notes, &mut findings);
    let start = workflow.states[workflow.start].name.span;
    if forward.is_empty() {
        return Err(vec![ImportError::new(start, ImportErrorKind::NoSteps)]);
    }
    let mut names = Names::default();
    let mut stages: Vec<Stage> = forward
        .iter()
        .map(|f| stage(&workflow, f, &mut names, &mut notes))
        .collect();
    let ends = failures::compare(&workflow, &forward, &mut findings);
    let pivot_inferred = super::pivot::infer(&mut stages);
    for s in &workflow.states {
        if s.node.get("usedForCompensation").is_some() && s.ty != "operation" {
            notes.push(note(
                s,
                NoteKind::Approximated,
                "a compensating state other than an operation: its first action stands for it",
            ));
        }
    }
    let draft = Draft {
        format: Format::ServerlessWorkflow,
        name: Spanned::new(saga_name(root, source), start),
        description: root
            .get("description")
            .or_else(|| root.get("name"))
            .and_then(Node::as_str)
            .map(str::to_owned),
        engine: "serverless_workflow",
        start,
        trigger_action: "StartWorkflow".to_owned(),
        stages,
        deadline: deadline(root),
        outcome: Some(outcome(start, &ends)),
        on_uncaught: Some(Spanned::new(OnUncaught::Terminate, start)),
        pivot_inferred,
        notes,
    };
    Ok((draft, findings))
}

/// The saga's name: the workflow's `id` (else `key`, else the file's name).
fn saga_name(root: &Node, source: &SourceFile) -> String {
    match root
        .get("id")
        .or_else(|| root.get("key"))
        .and_then(Node::as_str)
    {
        Some(id) => {
            let name = snake(id, "imported_saga");
            if crate::model::names::is_reserved(&name) {
                "imported_saga".to_owned()
            } else {
                name
            }
        }
        None => super::asl::saga_name(source),
    }
}

/// The states from `start` to an end. A state met twice ends the path (a loop).
fn forward_path<'w>(
    w: &'w Workflow<'w>,
    notes: &mut Vec<Note>,
    findings: &mut Vec<Finding>,
) -> Vec<Forward<'w>> {
    let mut out = Vec::new();
    let mut seen = vec![false; w.states.len()];
    let mut at = Some(w.start);
    while let Some(i) = at {
        let state = &w.states[i];
        if std::mem::replace(&mut seen[i], true) {
            findings.push(Finding {
                span: state.name.span,
                kind: FindingKind::LoopCut {
                    at: state.name.value.clone(),
                },
                related: Vec::new(),
            });
            break;
        }
        at = state.next.and_then(|t| t.state);
        match state.ty {
            "operation" | "foreach" | "callback" | "event" => out.push(Forward::State(i)),
            "parallel" => {
                let branches: Vec<&Node> = state
                    .node
                    .get("branches")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter(|b| first_action(b).is_some())
                    .collect();
                if branches.iter().any(|b| actions(b).len() > 1) {
                    notes.push(note(state, NoteKind::Approximated, "a branch runs several actions: its first stands for the branch"));
                }
                if !branches.is_empty() {
                    out.push(Forward::Parallel(i, branches));
                }
            }
            "switch" if state.conditions > 1 => notes.push(note(
                state,
                NoteKind::Approximated,
                "a choice between paths: the saga follows the default condition (else the first); the other paths are not steps",
            )),
            "sleep" | "inject" => notes.push(note(
                state,
                NoteKind::LeftOut,
                "a sleep or inject state has no effect on a participant",
            )),
            _ => {}
        }
        // A compensation registered by a state that is not a step (a switch, sleep or
        // inject) has nothing in the spec to attach to; say so rather than drop it.
        let is_step = matches!(
            state.ty,
            "operation" | "foreach" | "callback" | "event" | "parallel"
        );
        if let (false, Some(by)) = (is_step, &state.compensated_by) {
            let text = format!(
                "its compensatedBy `{}` is not translated: a {} state is not a step, so the spec has no effect of it to undo",
                w.states[by.value].name.value, state.ty
            );
            notes.push(note(state, NoteKind::LeftOut, &text));
        }
        if matches!(state.ty, "foreach") {
            notes.push(note(
                state,
                NoteKind::Approximated,
                "a foreach state runs its actions once per item: one step stands for all of them",
            ));
        }
    }
    out
}

/// A state's (or a branch's) actions; an event state's are those of its first `onEvents`.
fn actions(node: &Node) -> &[Node] {
    node.get("actions")
        .or_else(|| node.get("onEvents")?.items().first()?.get("actions"))
        .map(Node::items)
        .unwrap_or_default()
}

fn first_action(node: &Node) -> Option<&Node> {
    actions(node).first()
}

fn stage(w: &Workflow<'_>, f: &Forward<'_>, names: &mut Names, notes: &mut Vec<Note>) -> Stage {
    let state = &w.states[f.state()];
    match f {
        Forward::State(_) => {
            if actions(state.node).len() > 1 {
                notes.push(note(state, NoteKind::Approximated, "several actions: the state is one step, called on the participant of its first action"));
            }
            let mut s = step(w, state, state.node, &state.name, names, notes);
            s.compensation = compensation(w, state, notes);
            Stage::Step(Box::new(s))
        }
        Forward::Parallel(_, branches) => {
            let steps = branches
                .iter()
                .map(|b| {
                    let name = b
                        .get("name")
                        .and_then(|n| n.as_str().map(|t| Spanned::new(t.to_owned(), n.span)))
                        .unwrap_or_else(|| Spanned::new(state.name.value.clone(), b.span));
                    step(w, state, b, &name, names, notes)
                })
                .collect();
            Stage::Parallel(steps, state.name.span)
        }
    }
}

/// A step from a state (or a parallel branch, `node`) named `name`.
fn step(
    w: &Workflow<'_>,
    state: &State<'_>,
    node: &Node,
    name: &Spanned<String>,
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Step {
    let action = first_action(node);
    let failures = state
        .on_errors
        .iter()
        .flat_map(|e| e.errors.iter())
        .map(|e| Spanned::new(pascal(&e.value, "Error"), e.span))
        .fold(Vec::<Spanned<String>>::new(), |mut acc, e| {
            if !acc.iter().any(|a| a.value == e.value) {
                acc.push(e);
            }
            acc
        });
    Step {
        id: Spanned::new(names.unique(&name.value, "step"), name.span),
        participant: participant(w, action, name),
        action: Spanned::new(pascal(&name.value, "Do"), name.span),
        source: format!("state \"{}\"", state.name.value),
        kind: None,
        compensation: None,
        failures,
        timeout: timeout(state.node),
        retry: action.and_then(|a| retry(w, a, notes)),
        caught: !state.on_errors.is_empty(),
        catches_all: None,
        timeout_terminates: None,
    }
}

fn compensation(
    w: &Workflow<'_>,
    state: &State<'_>,
    notes: &mut Vec<Note>,
) -> Option<Compensation> {
    let by = state.compensated_by.as_ref()?;
    let c = &w.states[by.value];
    if c.node.get("usedForCompensation").is_none() {
        notes.push(note(c, NoteKind::Approximated, "named by compensatedBy but not marked usedForCompensation: the engine may also run it as a forward state"));
    }
    let retry = first_action(c.node)
        .and_then(|a| retry(w, a, notes))
        // Without a retry policy the first error fails the workflow: the chain stops there.
        .unwrap_or(Retry {
            max_attempts: Spanned::new(MaxAttempts::Limited(1), c.name.span),
            backoff: None,
            initial: None,
            max: None,
        });
    Some(Compensation {
        action: Spanned::new(pascal(&c.name.value, "Undo"), c.name.span),
        source: format!("state \"{}\"", c.name.value),
        retry: Some(retry),
        runs_for: Some(RunsFor::Success),
        continues: false,
    })
}

/// The participant an action calls: its function's `operation` (the API document's name,
/// `flightapi.json#reserve` → `flightapi`), else the function's name; a sub-flow's id;
/// an event's name.
fn participant(w: &Workflow<'_>, action: Option<&Node>, name: &Spanned<String>) -> Spanned<String> {
    let Some(action) = action else {
        return Spanned::new(participant_name(&name.value), name.span);
    };
    let reference = action
        .get("functionRef")
        .or_else(|| action.get("subFlowRef"))
        .or_else(|| action.get("eventRef"));
    let Some(reference) = reference else {
        return Spanned::new(participant_name(&name.value), action.span);
    };
    let referenced = reference
        .as_str()
        .or_else(|| reference.get("refName").and_then(Node::as_str))
        .or_else(|| reference.get("workflowId").and_then(Node::as_str))
        .or_else(|| reference.get("triggerEventRef").and_then(Node::as_str))
        .unwrap_or(&name.value);
    let from_operation = w
        .functions
        .get(referenced)
        .and_then(|f| f.get("operation"))
        .and_then(Node::as_str)
        .and_then(|op| {
            let document = op.split('#').next()?;
            let file = document.rsplit(['/', '\\']).next()?;
            let stem = file.split('.').next()?;
            (!stem.is_empty() && !matches!(stem, "openapi" | "swagger" | "api" | "asyncapi"))
                .then(|| stem.to_owned())
        });
    Spanned::new(
        participant_name(from_operation.as_deref().unwrap_or(referenced)),
        reference.span,
    )
}

/// An action's `retryRef` as the step's retry policy: `maxAttempts` retries after the
/// first attempt, `delay`, `multiplier` (exponential above 1), `maxDelay`.
fn retry(w: &Workflow<'_>, action: &Node, notes: &mut Vec<Note>) -> Option<Retry> {
    let by = action.get("retryRef")?;
    let def = w.retries.get(by.as_str()?)?;
    let number = |key: &str| {
        def.get(key).and_then(|n| {
            n.as_f64()
                .or_else(|| n.as_str().and_then(|s| s.parse().ok()))
                .map(|v| (v, n.span))
        })
    };
    let duration = |key: &str| {
        def.get(key).and_then(|n| {
            n.as_str()
                .and_then(iso_seconds)
                .map(|v| Spanned::new(seconds(v), n.span))
        })
    };
    if let Some(j) = def.get("jitter") {
        notes.push(Note {
            kind: NoteKind::LeftOut,
            element: "retry jitter".to_owned(),
            span: j.span,
            text: "jitter changes only the delays between attempts".to_owned(),
        });
    }
    let (retries, span) = number("maxAttempts").unwrap_or((0.0, by.span));
    let multiplier = number("multiplier").map_or(1.0, |(v, _)| v);
    Some(Retry {
        max_attempts: Spanned::new(MaxAttempts::Limited(retries.max(0.0) as u64 + 1), span),
        backoff: Some(Spanned::new(
            if multiplier > 1.0 {
                Backoff::Exponential
            } else {
                Backoff::Fixed
            },
            def.span,
        )),
        initial: duration("delay"),
        max: duration("maxDelay"),
    })
}

/// A state's `timeouts.actionExecTimeout`, else its `stateExecTimeout` (a duration, or
/// `{ total, single }`).
fn timeout(node: &Node) -> Option<Spanned<String>> {
    let t = node.get("timeouts")?;
    let value = t.get("actionExecTimeout").or_else(|| {
        let s = t.get("stateExecTimeout")?;
        Some(s.get("single").or_else(|| s.get("total")).unwrap_or(s))
    })?;
    let secs = iso_seconds(value.as_str()?)?;
    Some(Spanned::new(seconds(secs), value.span))
}

/// The workflow's `timeouts.workflowExecTimeout`: when it passes the instance ends, at any
/// point and without compensating (version 2's `then: terminate, applies: always`).
fn deadline(root: &Node) -> Option<Deadline> {
    let t = root.get("timeouts")?.get("workflowExecTimeout")?;
    let d = t.get("duration").unwrap_or(t);
    let secs = iso_seconds(d.as_str()?)?;
    Some(Deadline {
        after: Spanned::new(seconds(secs), d.span),
        terminates: true,
    })
}

/// What the caller reads: the instance's state. Version 0.8 has no failed end: a
/// workflow that compensated and reached an `end` has completed as one that did not.
fn outcome(start: Span, ends: &failures::Ends) -> Outcome {
    Outcome {
        span: start,
        delivery: Delivery::Status,
        completed: Some(Spanned::new("Completed".to_owned(), start)),
        compensated: Some(match ends.compensated_end {
            Some(end) => Spanned::new("Completed".to_owned(), end),
            None => Spanned::new("Faulted".to_owned(), start),
        }),
        terminated: Some(Spanned::new("Faulted".to_owned(), start)),
    }
}

/// An ISO 8601 duration in seconds (`PT1M30S`, `P1D`, `PT0.5S`).
pub(super) fn iso_seconds(text: &str) -> Option<f64> {
    let rest = text.trim().strip_prefix(['P', 'p'])?;
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut total = 0.0;
    for (part, units) in [
        (date, &[('W', 604_800.0), ('D', 86_400.0)][..]),
        (time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)][..]),
    ] {
        let mut number = String::new();
        for c in part.chars() {
            let unit = units.iter().find(|(u, _)| c.eq_ignore_ascii_case(u));
            match unit {
                Some((_, factor)) => {
                    total += number.parse::<f64>().ok()? * factor;
                    number.clear();
                }
                None if c.is_ascii_digit() || c == '.' => number.push(c),
                None => return None,
            }
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(total)
}

fn note(state: &State<'_>, kind: NoteKind, text: &str) -> Note {
    Note {
        kind,
        element: format!("state \"{}\"", state.name.value),
        span: state.name.span,
        text: text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_durations() {
        assert_eq!(super::iso_seconds("PT1M30S"), Some(90.0));
        assert_eq!(super::iso_seconds("P1D"), Some(86_400.0));
        assert_eq!(super::iso_seconds("PT0.5S"), Some(0.5));
        assert_eq!(super::iso_seconds("1m"), None);
        assert_eq!(super::iso_seconds("PT5"), None);
    }
}
