//! Step Functions (Amazon States Language, JSON or YAML, JSONPath or JSONata) to the draft.
//!
//! The saga's forward steps are the Task states on the path from `StartAt` to the end
//! (a `Choice` followed by its `Default`, a `Parallel` a fork/join group of its branches'
//! tasks). A compensation is a Task reached from a `Catch`: the chain of tasks a catcher
//! leads to is what runs when that step fails, and `chains.rs` works out which step each
//! compensating task undoes, and where a failure path differs from a saga's.

mod chains;
mod machine;
mod paths;
mod task;

use machine::{Machine, State, Type};

use super::draft::{
    Deadline, Draft, Format, Names, Note, NoteKind, Outcome, Stage, Step, pascal, seconds, snake,
};
use super::error::{Finding, FindingKind, ImportError, ImportErrorKind};
use super::tree::Node;
use crate::source::{SourceFile, Span, Spanned};
use crate::syntax::Delivery;

/// A forward stage: a task, or a `Parallel` state and its branches' tasks.
pub(super) enum Forward<'m> {
    Task(&'m State<'m>),
    Parallel(&'m State<'m>, Vec<&'m State<'m>>),
}

impl<'m> Forward<'m> {
    fn tasks(&self) -> Vec<&'m State<'m>> {
        match self {
            Forward::Task(s) => vec![*s],
            Forward::Parallel(_, tasks) => tasks.clone(),
        }
    }

    /// The state whose `Catch` handles the stage's failure.
    fn catcher(&self) -> &'m State<'m> {
        match self {
            Forward::Task(s) | Forward::Parallel(s, _) => s,
        }
    }
}

pub fn import(root: &Node, source: &SourceFile) -> Result<(Draft, Vec<Finding>), Vec<ImportError>> {
    let root = root
        .get("Definition")
        .filter(|d| d.is_map())
        .unwrap_or(root);
    let mut errors = Vec::new();
    let machine = machine::read(root, &mut errors);
    let machine = match machine {
        Some(m) if errors.is_empty() => m,
        _ => {
            errors.sort_by_key(|e| e.span.start);
            return Err(errors);
        }
    };
    let mut notes = Vec::new();
    let mut findings = Vec::new();
    let forward = forward_path(&machine, &mut notes, &mut findings);
    if forward.is_empty() {
        let span = machine.states[machine.start].name.span;
        return Err(vec![ImportError::new(span, ImportErrorKind::NoSteps)]);
    }
    let plan = chains::plan(&machine, &forward, &mut notes, &mut findings);
    let mut names = Names::default();
    let mut stages: Vec<Stage> = forward
        .iter()
        .map(|f| {
            let mut steps: Vec<Step> = f
                .tasks()
                .into_iter()
                .map(|t| step(t, &plan, &mut names, &mut notes))
                .collect();
            let catcher = f.catcher();
            let catches_all = ["States.ALL", "States.TaskFailed"].iter().find_map(|all| {
                catcher
                    .catches
                    .iter()
                    .find(|c| c.errors.iter().any(|e| e.value == *all))
                    .map(|c| Spanned::new((*all).to_owned(), c.next_span))
            });
            let catches_timeout = catches(catcher, TIMEOUT_CATCHERS);
            for (s, task) in steps.iter_mut().zip(f.tasks()) {
                s.caught = !catcher.catches.is_empty();
                s.catches_all = catches_all.clone();
                // A branch task's timeout not caught in its branch fails the branch with
                // `States.Timeout`, which the Parallel's catchers see.
                let timeout_caught = catches_timeout || catches(task, TIMEOUT_CATCHERS);
                if !timeout_caught {
                    s.timeout_terminates = s.timeout.as_ref().map(|t| t.span);
                }
            }
            match f {
                Forward::Task(_) => Stage::Step(Box::new(steps.remove(0))),
                Forward::Parallel(p, _) => Stage::Parallel(steps, p.name.span),
            }
        })
        .collect();
    let pivot_inferred = super::pivot::infer(&mut stages);
    compensation_after_pivot(&machine, &forward, &stages, &plan, &mut findings);
    left_out(root, &machine, &plan, &mut notes);
    let start = machine.states[machine.start].name.span;
    let draft = Draft {
        format: Format::StepFunctions,
        name: Spanned::new(saga_name(source), start),
        description: root
            .get("Comment")
            .and_then(Node::as_str)
            .map(str::to_owned),
        engine: "step_functions",
        start,
        trigger_action: "StartExecution".to_owned(),
        stages,
        deadline: deadline(root),
        outcome: Some(outcome(start, &findings, &mut notes)),
        on_uncaught: None,
        pivot_inferred,
        notes,
    };
    Ok((draft, findings))
}

/// A state after the inferred point of no return whose `Catch` leads to a compensating
/// task: the machine undoes earlier steps after a step nothing undoes succeeded. The spec
/// makes that state retriable, and an error on a retriable step is transient, retried
/// (`docs/simulation.md`), so the finding says what the machine does instead.
fn compensation_after_pivot(
    machine: &Machine<'_>,
    forward: &[Forward<'_>],
    stages: &[Stage],
    plan: &chains::Plan<'_>,
    findings: &mut Vec<Finding>,
) {
    let kind = |stage: &Stage| {
        stage
            .steps()
            .first()
            .and_then(|s| s.kind.as_ref())
            .map(|k| k.value)
    };
    let Some(pivot) = forward
        .iter()
        .zip(stages)
        .find(|(_, s)| kind(s) == Some(crate::syntax::StepKindDef::Pivot))
        .map(|(f, _)| f.catcher())
    else {
        return;
    };
    for (f, stage) in forward.iter().zip(stages) {
        if kind(stage) != Some(crate::syntax::StepKindDef::Retriable) {
            continue;
        }
        let state = f.catcher();
        let undo = state.catches.iter().find_map(|c| {
            let target = machine.states.get(c.next)?;
            plan.undoes(target).then_some((c.next_span, target))
        });
        if let Some((span, target)) = undo {
            findings.push(Finding {
                span,
                kind: FindingKind::CompensationAfterPivot {
                    step: state.name.value.clone(),
                    pivot: pivot.name.value.clone(),
                    compensation: target.name.value.clone(),
                },
                related: vec![(
                    pivot.name.span,
                    "the point of no return: nothing undoes it".to_owned(),
                )],
            });
        }
    }
}

/// The saga's name: the file's name before its first dot (`book_trip.asl.json`).
pub(super) fn saga_name(source: &SourceFile) -> String {
    let name = source
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let name = snake(stem, "imported_saga");
    if name.is_empty() || crate::model::names::is_reserved(&name) {
        "imported_saga".to_owned()
    } else {
        name
    }
}

/// The states from `StartAt` to the end, following `Next`, a Choice's `Default` (else its
/// first rule) and each branch of a `Parallel`. A state met twice ends the path (a loop).
fn forward_path<'m>(
    machine: &'m Machine<'m>,
    notes: &mut Vec<Note>,
    findings: &mut Vec<Finding>,
) -> Vec<Forward<'m>> {
    let mut out = Vec::new();
    let mut seen = vec![false; machine.states.len()];
    let mut at = Some(machine.start);
    while let Some(i) = at {
        let state = &machine.states[i];
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
        at = state.next;
        match state.ty {
            Type::Task => out.push(Forward::Task(state)),
            Type::Map => {
                note(
                    notes,
                    NoteKind::Approximated,
                    state,
                    "a Map state runs its iterator once per item: one step stands for all of them",
                );
                out.push(Forward::Task(state));
            }
            Type::Parallel => {
                let tasks = branch_tasks(state, notes);
                if !tasks.is_empty() {
                    out.push(Forward::Parallel(state, tasks));
                }
            }
            Type::Choice => {
                at = state.default.or_else(|| state.choices.first().copied());
                if state.choices.len() + usize::from(state.default.is_some()) > 1 {
                    let taken = at
                        .map(|t| machine.states[t].name.value.clone())
                        .unwrap_or_default();
                    note(
                        notes,
                        NoteKind::Approximated,
                        state,
                        &format!(
                            "a choice between paths: the saga follows \"{taken}\" (the default, else the first rule); the other paths are not steps"
                        ),
                    );
                }
            }
            Type::Pass => note(
                notes,
                NoteKind::LeftOut,
                state,
                "a Pass state shapes data and has no effect",
            ),
            Type::Wait => note(
                notes,
                NoteKind::LeftOut,
                state,
                "a Wait state: the saga's steps do not wait",
            ),
            Type::Succeed | Type::Fail => {}
        }
    }
    out
}

/// A `Parallel` state's tasks: each branch's forward path (a branch of several tasks is
/// approximated as several parallel steps; the spec's branches are single steps).
fn branch_tasks<'m>(state: &'m State<'m>, notes: &mut Vec<Note>) -> Vec<&'m State<'m>> {
    let mut tasks = Vec::new();
    for branch in &state.branches {
        let mut ignored = Vec::new();
        let path = forward_path(branch, notes, &mut ignored);
        let before = tasks.len();
        for f in &path {
            tasks.extend(f.tasks());
        }
        for task in &tasks[before..] {
            if let Some(c) = task.catches.first() {
                let target = &branch.states[c.next].name.value;
                note(
                    notes,
                    NoteKind::Approximated,
                    task,
                    &format!(
                        "its Catch inside the branch (to \"{target}\") runs before the branch ends: not translated; the step is undone through the Parallel's own Catch paths, so an undo run there for its failed attempt is lost"
                    ),
                );
            }
        }
        if tasks.len() - before > 1 {
            note(
                notes,
                NoteKind::Approximated,
                state,
                "a branch runs several tasks in sequence: each is a parallel step of its own in the spec",
            );
        }
    }
    tasks
}

fn step(
    state: &State<'_>,
    plan: &chains::Plan<'_>,
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Step {
    let element = format!("state \"{}\"", state.name.value);
    let failures = state
        .catches
        .iter()
        .flat_map(|c| c.errors.iter())
        .filter(|e| !e.value.starts_with("States."))
        .map(|e| Spanned::new(pascal(&e.value, "Error"), e.span))
        .collect();
    Step {
        id: Spanned::new(names.unique(&state.name.value, "step"), state.name.span),
        participant: task::participant(state.node),
        action: Spanned::new(pascal(&state.name.value, "Do"), state.name.span),
        source: element.clone(),
        kind: None,
        compensation: plan.compensation_of(state, notes),
        failures,
        timeout: task::timeout(state.node),
        retry: task::retry(state.node, &element, notes),
        caught: false,
        catches_all: None,
        timeout_terminates: None,
    }
}

/// Which states the saga's path passes (a `Pass`, `Wait` or `Choice` on it too), as
/// `forward_path` follows it.
fn saga_path(machine: &Machine<'_>) -> Vec<bool> {
    let mut on = vec![false; machine.states.len()];
    let mut at = Some(machine.start);
    while let Some(i) = at.filter(|i| !on[*i]) {
        on[i] = true;
        let state = &machine.states[i];
        at = match state.ty {
            Type::Choice => state.default.or_else(|| state.choices.first().copied()),
            _ => state.next,
        };
    }
    on
}

/// The error names a catcher matches a task's `TimeoutSeconds` with.
const TIMEOUT_CATCHERS: &[&str] = &["States.ALL", "States.Timeout"];

/// Whether one of the state's catchers names one of `errors`.
fn catches(state: &State<'_>, errors: &[&str]) -> bool {
    state
        .catches
        .iter()
        .flat_map(|c| c.errors.iter())
        .any(|e| errors.contains(&e.value.as_str()))
}

/// The execution's `TimeoutSeconds`: when it passes the execution ends `TIMED_OUT`, at any
/// point and without running a Catch (version 2's `then: terminate, applies: always`).
fn deadline(root: &Node) -> Option<Deadline> {
    let t = root.get("TimeoutSeconds")?;
    let value = t.as_f64()?;
    Some(Deadline {
        after: Spanned::new(seconds(value), t.span),
        terminates: true,
    })
}

/// What the caller learns: the execution's status (`DescribeExecution`, or the answer of a
/// synchronous Express execution), `SUCCEEDED` when it ends in a success state, `FAILED`
/// otherwise. A failure path that ends in a success state tells the caller `Succeeded`
/// for a saga that compensated (version 2 then reports the two ends alike, C213).
fn outcome(start: Span, findings: &[Finding], notes: &mut Vec<Note>) -> Outcome {
    let to_success: Vec<Span> = findings
        .iter()
        .filter_map(|f| match (&f.kind, f.related.first()) {
            (FindingKind::FailureEndsInSuccess { .. }, Some((end, _))) => Some(*end),
            _ => None,
        })
        .collect();
    let compensated = match to_success.first() {
        Some(end) => Spanned::new("Succeeded".to_owned(), *end),
        None => Spanned::new("Failed".to_owned(), start),
    };
    if !to_success.is_empty() {
        notes.push(Note {
            kind: NoteKind::Approximated,
            element: "the caller's outcome".to_owned(),
            span: start,
            text: format!(
                "{} failure path(s) end in a success state: the caller is told `Succeeded` for a saga that compensated (`values.compensated`); a path that ends in `Fail` tells `Failed`",
                to_success.len()
            ),
        });
    }
    Outcome {
        span: start,
        delivery: Delivery::Status,
        completed: Some(Spanned::new("Succeeded".to_owned(), start)),
        compensated: Some(compensated),
        terminated: Some(Spanned::new("Failed".to_owned(), start)),
    }
}

/// The keys of a state the translation reads; the others (data handling, heartbeats,
/// comments) are noted as left out.
const READ: &[&str] = &[
    "Type",
    "Next",
    "End",
    "Resource",
    "Catch",
    "Retry",
    "TimeoutSeconds",
    "Choices",
    "Default",
    "Branches",
    "Parameters",
    "Arguments",
];

/// Notes for what the saga does not use: states on no path, the keys of each state that
/// have no meaning in the spec, and the data handling.
fn left_out(root: &Node, machine: &Machine<'_>, plan: &chains::Plan<'_>, notes: &mut Vec<Note>) {
    let on_path = saga_path(machine);
    for (state, on_path) in machine.states.iter().zip(on_path) {
        let reached = on_path || plan.reached(&state.name.value);
        let unread: Vec<&str> = state
            .node
            .entries()
            .iter()
            .map(|(k, _)| k.value.as_str())
            .filter(|k| !READ.contains(k))
            .collect();
        if !unread.is_empty() && reached {
            note(
                notes,
                NoteKind::LeftOut,
                state,
                &format!(
                    "{}: no meaning in the spec (data, heartbeats, comments)",
                    unread.join(", ")
                ),
            );
        }
        if !reached && !matches!(state.ty, Type::Succeed | Type::Fail) {
            note(
                notes,
                NoteKind::LeftOut,
                state,
                "not on the saga's path nor on a failure path",
            );
        }
    }
    if let Some(q) = root.get("QueryLanguage") {
        notes.push(Note {
            kind: NoteKind::LeftOut,
            element: "QueryLanguage".to_owned(),
            span: q.span,
            text: "expressions (JSONPath or JSONata) and the data they select are not translated"
                .to_owned(),
        });
    }
}

pub(super) fn note(notes: &mut Vec<Note>, kind: NoteKind, state: &State<'_>, text: &str) {
    notes.push(Note {
        kind,
        element: format!("state \"{}\"", state.name.value),
        span: state.name.span,
        text: text.to_owned(),
    });
}
