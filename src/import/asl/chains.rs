//! Failure paths: the tasks a step's `Catch` leads to, in the order they run, and which
//! forward step each of them undoes. A compensating task is matched with the step whose
//! name shares a word with it (`CancelFlightReservation` undoes `ReserveFlight`), else
//! with the latest step before the failed one that has none yet, else with the failed step
//! itself (a Catch that undoes its own step's attempt). Then each failure path is compared
//! with what a saga does: undo every earlier step, in reverse order, and end failed.

use std::collections::{HashMap, HashSet};

use super::machine::{Machine, State, Type};
use super::{Forward, note, task};
use crate::import::draft::{Compensation, Note, NoteKind, Retry, pascal};
use crate::import::error::{Finding, FindingKind};
use crate::source::{Span, Spanned};
use crate::syntax::{MaxAttempts, RunsFor};

/// How a failure path ends.
enum End {
    Fail,
    /// A `Succeed` state or a state with `End: true`: the execution succeeds.
    Success(Span, String),
    /// Back on the saga's path, or in a loop.
    Other,
}

struct Chain<'m> {
    tasks: Vec<&'m State<'m>>,
    end: End,
    /// The catcher's `Next`, where the path starts.
    span: Span,
}

pub struct Plan<'m> {
    machine: &'m Machine<'m>,
    /// The names of the compensating tasks.
    undoers: HashSet<String>,
    /// Forward task name → the task that undoes it.
    compensation: HashMap<String, &'m State<'m>>,
    /// Forward tasks whose compensation also runs for their own failed attempt.
    own: HashSet<String>,
    reached: HashSet<String>,
}

impl<'m> Plan<'m> {
    pub fn reached(&self, name: &str) -> bool {
        self.reached.contains(name)
    }

    pub fn compensation_of(
        &self,
        state: &State<'_>,
        notes: &mut Vec<Note>,
    ) -> Option<Compensation> {
        let c = self.compensation.get(&state.name.value)?;
        let element = format!("state \"{}\"", c.name.value);
        let runs_for = self
            .own
            .contains(&state.name.value)
            .then_some(RunsFor::AnyAttempt);
        let continues = self.continues(c);
        if !c.catches.is_empty() && !continues {
            note(
                notes,
                NoteKind::Approximated,
                c,
                "its Catch leads away from the other compensations: the chain stops there (`on_failure: stuck`)",
            );
        }
        let retry = task::retry(c.node, &element, notes).unwrap_or(Retry {
            // No Retry: the first error fails the execution and the chain stops there.
            max_attempts: Spanned::new(MaxAttempts::Limited(1), c.name.span),
            backoff: None,
            initial: None,
            max: None,
        });
        Some(Compensation {
            action: Spanned::new(pascal(&c.name.value, "Undo"), c.name.span),
            source: element,
            retry: Some(retry),
            runs_for,
            continues,
        })
    }

    /// Whether a compensating task's Catch goes on with the chain: to the state its success
    /// goes to, or (in the machine's top level) to another compensating task.
    fn continues(&self, c: &State<'_>) -> bool {
        let top = self
            .machine
            .states
            .as_ptr_range()
            .contains(&std::ptr::from_ref(c).cast());
        c.catches.iter().any(|k| {
            Some(k.next) == c.next
                || (top
                    && self
                        .machine
                        .states
                        .get(k.next)
                        .is_some_and(|s| self.undoers.contains(&s.name.value)))
        })
    }
}

pub fn plan<'m>(
    machine: &'m Machine<'m>,
    forward: &[Forward<'m>],
    notes: &mut Vec<Note>,
    findings: &mut Vec<Finding>,
) -> Plan<'m> {
    let forward_names: HashSet<&str> = forward
        .iter()
        .flat_map(|f| {
            let mut names = vec![f.catcher().name.value.as_str()];
            names.extend(f.tasks().iter().map(|t| t.name.value.as_str()));
            names
        })
        .collect();
    let mut plan = Plan {
        machine,
        undoers: HashSet::new(),
        compensation: HashMap::new(),
        own: HashSet::new(),
        reached: forward_names.iter().map(|n| (*n).to_owned()).collect(),
    };
    let chains: Vec<Option<Chain<'m>>> = forward
        .iter()
        .map(|f| {
            primary_chain(
                machine,
                f.catcher(),
                &forward_names,
                &mut plan.reached,
                notes,
            )
        })
        .collect();
    assign(forward, &chains, &mut plan);
    plan.undoers = plan
        .compensation
        .values()
        .map(|c| c.name.value.clone())
        .collect();
    compare(forward, &chains, &plan, findings);
    plan
}

/// The chain of the catcher for every error (`States.ALL`, `States.TaskFailed`), else the
/// first; a catcher that leads elsewhere is noted.
fn primary_chain<'m>(
    machine: &'m Machine<'m>,
    state: &'m State<'m>,
    forward: &HashSet<&str>,
    reached: &mut HashSet<String>,
    notes: &mut Vec<Note>,
) -> Option<Chain<'m>> {
    let all = |c: &&super::machine::Catch| {
        c.errors
            .iter()
            .any(|e| matches!(e.value.as_str(), "States.ALL" | "States.TaskFailed"))
    };
    let primary = state
        .catches
        .iter()
        .find(all)
        .or_else(|| state.catches.first())?;
    for other in &state.catches {
        if other.next != primary.next {
            walk(machine, other.next, forward, reached);
            note(
                notes,
                NoteKind::Approximated,
                state,
                "several catchers lead to different failure paths: the one for every error is taken as the saga's compensation",
            );
        }
    }
    let mut chain = walk(machine, primary.next, forward, reached);
    chain.span = primary.next_span;
    Some(chain)
}

/// The tasks from `start` on, following `Next` (a Choice's `Default`, else its first rule),
/// until a `Fail`, a success, the saga's path or a state met before.
fn walk<'m>(
    machine: &'m Machine<'m>,
    start: usize,
    forward: &HashSet<&str>,
    reached: &mut HashSet<String>,
) -> Chain<'m> {
    let mut tasks = Vec::new();
    let mut seen = HashSet::new();
    let mut at = start;
    let end = loop {
        let state = &machine.states[at];
        if forward.contains(state.name.value.as_str()) || !seen.insert(at) {
            break End::Other;
        }
        reached.insert(state.name.value.clone());
        match state.ty {
            Type::Task | Type::Map => tasks.push(state),
            Type::Parallel => {
                for branch in &state.branches {
                    tasks.extend(branch.states.iter().filter(|s| s.ty == Type::Task));
                    reached.extend(branch.states.iter().map(|s| s.name.value.clone()));
                }
            }
            Type::Fail => break End::Fail,
            Type::Succeed => break End::Success(state.name.span, state.name.value.clone()),
            Type::Choice | Type::Pass | Type::Wait => {}
        }
        let next = if state.ty == Type::Choice {
            state.default.or_else(|| state.choices.first().copied())
        } else {
            state.next
        };
        match next {
            Some(n) => at = n,
            None => break End::Success(state.name.span, state.name.value.clone()),
        }
    };
    Chain {
        tasks,
        end,
        span: Span::default(),
    }
}

/// Which forward task each compensating task undoes: the one whose name shares the most
/// words with it (any step, so a path that undoes a later step is told), else the latest
/// step before the failed one that has none yet, else the failed step itself.
fn assign<'m>(forward: &[Forward<'m>], chains: &[Option<Chain<'m>>], plan: &mut Plan<'m>) {
    let mut assigned: HashSet<&str> = HashSet::new();
    let tasks: Vec<(&'m State<'m>, usize)> = forward
        .iter()
        .enumerate()
        .flat_map(|(k, f)| f.tasks().into_iter().map(move |t| (t, k)))
        .collect();
    // Which tasks each significant word names, so matching a compensation costs its words,
    // not a pass over every step (a 1,000-state machine stays linear).
    let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (t, _)) in tasks.iter().enumerate() {
        for w in words(&t.name.value) {
            by_word.entry(w).or_default().push(i);
        }
    }
    let mut taken = vec![false; tasks.len()];
    // Open tasks in order, for the fallback: the latest before the failed stage.
    let mut open: std::collections::BTreeSet<usize> = (0..tasks.len()).collect();
    for (k, chain) in chains.iter().enumerate() {
        let Some(chain) = chain else { continue };
        for c in &chain.tasks {
            if !assigned.insert(c.name.value.as_str()) {
                continue;
            }
            let mut scores: HashMap<usize, usize> = HashMap::new();
            for w in words(&c.name.value) {
                for &i in by_word.get(&w).into_iter().flatten() {
                    if !taken[i] {
                        *scores.entry(i).or_default() += 1;
                    }
                }
            }
            let by_words = scores
                .into_iter()
                .max_by_key(|(i, score)| (*score, usize::MAX - i))
                .map(|(i, _)| i);
            let fallback = || {
                open.iter()
                    .rev()
                    .find(|i| tasks[**i].1 < k)
                    .or_else(|| open.iter().find(|i| tasks[**i].1 == k))
                    .copied()
            };
            let Some(i) = by_words.or_else(fallback) else {
                continue;
            };
            taken[i] = true;
            open.remove(&i);
            let (owner, stage) = tasks[i];
            if stage == k {
                plan.own.insert(owner.name.value.clone());
            }
            plan.compensation.insert(owner.name.value.clone(), *c);
        }
    }
}

/// Each failure path against a saga's: every compensation of an earlier step runs, none of
/// a later one, and the execution ends failed; a step whose failure nobody catches leaves
/// the earlier effects in place.
fn compare(
    forward: &[Forward<'_>],
    chains: &[Option<Chain<'_>>],
    plan: &Plan<'_>,
    findings: &mut Vec<Finding>,
) {
    let owner_stage: HashMap<&str, (usize, &str)> = forward
        .iter()
        .enumerate()
        .flat_map(|(k, f)| f.tasks().into_iter().map(move |t| (k, t)))
        .filter_map(|(k, t)| {
            plan.compensation
                .get(&t.name.value)
                .map(|c| (c.name.value.as_str(), (k, t.name.value.as_str())))
        })
        .collect();
    let last_compensated = owner_stage.values().map(|(k, _)| *k).max();
    for (k, (f, chain)) in forward.iter().zip(chains).enumerate() {
        let catcher = f.catcher();
        let step = catcher.name.value.clone();
        let earlier: Vec<(&str, &State<'_>)> = forward[..k]
            .iter()
            .flat_map(|e| e.tasks())
            .filter_map(|t| {
                plan.compensation
                    .get(&t.name.value)
                    .map(|c| (t.name.value.as_str(), *c))
            })
            .collect();
        let Some(chain) = chain else {
            if !earlier.is_empty() && last_compensated.is_some_and(|l| k <= l + 1) {
                findings.push(Finding {
                    span: catcher.name.span,
                    kind: FindingKind::UncaughtFailure {
                        step,
                        left: earlier.iter().map(|(t, _)| (*t).to_owned()).collect(),
                    },
                    related: Vec::new(),
                });
            }
            continue;
        };
        let span = chain.span;
        let ran: HashSet<&str> = chain.tasks.iter().map(|t| t.name.value.as_str()).collect();
        for (skipped, c) in &earlier {
            if !ran.contains(c.name.value.as_str()) {
                findings.push(Finding {
                    span,
                    kind: FindingKind::SkippedCompensation {
                        step: step.clone(),
                        compensation: c.name.value.clone(),
                        skipped: (*skipped).to_owned(),
                    },
                    related: vec![(c.name.span, "this compensation does not run".to_owned())],
                });
            }
        }
        for c in &chain.tasks {
            if let Some((j, owner)) = owner_stage.get(c.name.value.as_str())
                && *j > k
            {
                findings.push(Finding {
                    span,
                    kind: FindingKind::PhantomCompensation {
                        step: step.clone(),
                        compensation: c.name.value.clone(),
                        compensated: (*owner).to_owned(),
                    },
                    related: vec![(c.name.span, "runs on this failure path".to_owned())],
                });
            }
        }
        if let End::Success(end_span, end) = &chain.end {
            findings.push(Finding {
                span,
                kind: FindingKind::FailureEndsInSuccess {
                    step,
                    end: end.clone(),
                },
                related: vec![(*end_span, "the execution succeeds here".to_owned())],
            });
        }
    }
}

/// A name's significant words (`CancelFlightReservation` → `flight`): verbs of doing and
/// undoing do not count, so a compensation and its step share the words of their object.
fn words(name: &str) -> HashSet<String> {
    const GENERIC: &[&str] = &[
        "cancel",
        "undo",
        "revert",
        "rollback",
        "compensate",
        "compensation",
        "refund",
        "release",
        "delete",
        "remove",
        "reserve",
        "reservation",
        "book",
        "booking",
        "create",
        "confirm",
        "process",
        "do",
        "step",
        "task",
        "state",
        "lambda",
        "function",
        "the",
        "a",
        "of",
        "for",
        "and",
        "fail",
        "failed",
        "update",
        "send",
        "add",
        "set",
        "get",
        "put",
        "call",
        "invoke",
        "request",
        "execute",
        "run",
        "handle",
        "handler",
        // Telling someone is no effect to undo: a notification on the failure path shares
        // these words with the one on the success path, not an object.
        "sending",
        "notify",
        "notification",
        "sms",
        "email",
        "message",
        "publish",
        "success",
        "successful",
        "failure",
        "log",
    ];
    crate::import::draft::snake(name, "")
        .split('_')
        .filter(|w| w.len() > 1 && !GENERIC.contains(w))
        .map(str::to_owned)
        .collect()
}
