//! Failure paths: the tasks a step's `Catch` leads to, in the order they run, and which
//! forward step each of them undoes. A compensating task is matched with the step whose
//! name shares a word with it (`CancelFlightReservation` undoes `ReserveFlight`), else
//! with the latest step before the failed one that has none yet, else with the failed step
//! itself (a Catch that undoes its own step's attempt). Then each failure path is compared
//! with what a saga does: undo every earlier step, in reverse order, and end failed.

use std::collections::{HashMap, HashSet};

use super::machine::{Machine, State};
use super::paths::{End, Paths};
use super::{Forward, note, task};
use crate::import::draft::{Compensation, Note, NoteKind, Retry, pascal};
use crate::import::error::{Finding, FindingKind};
use crate::source::{Span, Spanned};
use crate::syntax::{MaxAttempts, RunsFor};

pub struct Plan<'m> {
    machine: &'m Machine<'m>,
    /// The names of the compensating tasks.
    undoers: HashSet<String>,
    /// Forward task name → the task that undoes it.
    compensation: HashMap<String, &'m State<'m>>,
    /// Forward tasks whose compensation also runs for their own failed attempt.
    own: HashSet<String>,
    /// A second compensating task for a step already matched (another failure path's copy
    /// of its undo, `CancelCar2`): the task → the forward task it undoes. The spec keeps
    /// the first; the paths are compared counting either.
    alternates: HashMap<String, String>,
    reached: HashSet<String>,
}

impl<'m> Plan<'m> {
    pub fn reached(&self, name: &str) -> bool {
        self.reached.contains(name)
    }

    /// Whether the state is a compensating task (one that undoes a forward step).
    pub fn undoes(&self, state: &State<'_>) -> bool {
        self.undoers.contains(&state.name.value)
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
        alternates: HashMap::new(),
        reached: forward_names.iter().map(|n| (*n).to_owned()).collect(),
    };
    let mut paths = Paths::new(machine, forward_names);
    let starts: Vec<Vec<(usize, Span)>> = forward
        .iter()
        .map(|f| catchers(f.catcher(), notes))
        .collect();
    for (start, _) in starts.iter().flatten() {
        paths.walk(*start, &mut plan.reached);
    }
    assign(forward, &starts, &paths, &mut plan, notes);
    plan.undoers = plan
        .compensation
        .values()
        .map(|c| c.name.value.clone())
        .collect();
    compare(forward, &starts, &paths, &plan, findings);
    plan
}

/// Where a state's catchers lead, the catcher for every error (`States.ALL`,
/// `States.TaskFailed`) first, else the first; each other path once. The first is the one
/// whose compensations are matched with the steps; every path is compared with a saga's.
fn catchers(state: &State<'_>, notes: &mut Vec<Note>) -> Vec<(usize, Span)> {
    let all = |c: &&super::machine::Catch| {
        c.errors
            .iter()
            .any(|e| matches!(e.value.as_str(), "States.ALL" | "States.TaskFailed"))
    };
    let Some(primary) = state
        .catches
        .iter()
        .find(all)
        .or_else(|| state.catches.first())
    else {
        return Vec::new();
    };
    let mut out = vec![(primary.next, primary.next_span)];
    for other in &state.catches {
        if !out.iter().any(|(n, _)| *n == other.next) {
            out.push((other.next, other.next_span));
        }
    }
    if out.len() > 1 {
        note(
            notes,
            NoteKind::Approximated,
            state,
            "several catchers lead to different failure paths: the compensations on the one for every error are matched with the steps; each path is checked",
        );
    }
    out
}

/// Which forward task each compensating task undoes: the one whose name shares the most
/// words with it (any step, so a path that undoes a later step is told), else the latest
/// step before the failed one that has none yet, else the failed step itself. A task is
/// matched on the first path that reaches it: a path stops at a state an earlier one
/// walked, whose tasks are matched already.
fn assign<'m>(
    forward: &[Forward<'m>],
    starts: &[Vec<(usize, Span)>],
    paths: &Paths<'m>,
    plan: &mut Plan<'m>,
    notes: &mut Vec<Note>,
) {
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
    let mut visited = vec![false; paths.len()];
    for (k, starts) in starts.iter().enumerate() {
        let Some((start, _)) = starts.first() else {
            continue;
        };
        for node in paths.nodes(*start) {
            if std::mem::replace(&mut visited[node], true) {
                break;
            }
            for c in paths.tasks(node) {
                let mut scores: HashMap<usize, usize> = HashMap::new();
                for w in words(&c.name.value) {
                    for &i in by_word.get(&w).into_iter().flatten() {
                        *scores.entry(i).or_default() += 1;
                    }
                }
                let best = scores
                    .into_iter()
                    .max_by_key(|(i, score)| (*score, !taken[*i], usize::MAX - i))
                    .map(|(i, _)| i);
                if let Some(i) = best.filter(|i| taken[*i]) {
                    // Another path's undo of a step matched already.
                    let undone = tasks[i].0.name.value.clone();
                    note(
                        notes,
                        NoteKind::Approximated,
                        c,
                        &format!(
                            "a second compensation of \"{undone}\" (on another failure path): the spec keeps one per step, the first; the paths are compared counting either"
                        ),
                    );
                    plan.alternates.insert(c.name.value.clone(), undone);
                    continue;
                }
                let by_words = best;
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
                plan.compensation.insert(owner.name.value.clone(), c);
            }
        }
    }
}

/// Who undoes what: each compensating task (a step's own or an alternate) → the stage and
/// the forward task it undoes; each forward task → its alternates.
struct Owners<'a> {
    owner: HashMap<&'a str, usize>,
    owner_step: HashMap<&'a str, &'a str>,
    alternates_of: HashMap<&'a str, Vec<&'a str>>,
}

fn owners<'a>(compensated: &[(usize, &'a str, &'a State<'_>)], plan: &'a Plan<'_>) -> Owners<'a> {
    let mut owner: HashMap<&str, usize> = compensated
        .iter()
        .map(|(k, _, c)| (c.name.value.as_str(), *k))
        .collect();
    let mut owner_step: HashMap<&str, &str> = compensated
        .iter()
        .map(|(_, t, c)| (c.name.value.as_str(), *t))
        .collect();
    // A step's other undoes (alternates), counted as its compensation on a path.
    let stage_of: HashMap<&str, usize> = compensated.iter().map(|(k, t, _)| (*t, *k)).collect();
    let mut alternates_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (alternate, undone) in &plan.alternates {
        if let Some(k) = stage_of.get(undone.as_str()) {
            owner.insert(alternate.as_str(), *k);
            owner_step.insert(alternate.as_str(), undone.as_str());
            alternates_of
                .entry(undone.as_str())
                .or_default()
                .push(alternate.as_str());
        }
    }
    Owners {
        owner,
        owner_step,
        alternates_of,
    }
}

/// Each failure path against a saga's: every compensation of an earlier step runs, none of
/// a later one, and the execution ends failed; a step whose failure nobody catches leaves
/// the earlier effects in place. A path is listed in full only where it differs.
fn compare(
    forward: &[Forward<'_>],
    starts: &[Vec<(usize, Span)>],
    paths: &Paths<'_>,
    plan: &Plan<'_>,
    findings: &mut Vec<Finding>,
) {
    // Each forward task with a compensation, in order, with its stage.
    let compensated: Vec<(usize, &str, &State<'_>)> = forward
        .iter()
        .enumerate()
        .flat_map(|(k, f)| f.tasks().into_iter().map(move |t| (k, t)))
        .filter_map(|(k, t)| {
            plan.compensation
                .get(&t.name.value)
                .map(|c| (k, t.name.value.as_str(), *c))
        })
        .collect();
    let Owners {
        owner,
        owner_step,
        alternates_of,
    } = owners(&compensated, plan);
    let summary = paths.summary(&owner);
    let last_compensated = compensated.last().map(|(k, _, _)| *k);
    let mut first_of_stage = 0;
    for (k, f) in forward.iter().enumerate() {
        // compensated[..earlier] are the earlier stages' compensations.
        while first_of_stage < compensated.len() && compensated[first_of_stage].0 < k {
            first_of_stage += 1;
        }
        let earlier = &compensated[..first_of_stage];
        let own = compensated[first_of_stage..]
            .iter()
            .take_while(|(j, _, _)| *j == k);
        let catcher = f.catcher();
        let step = &catcher.name.value;
        if starts[k].is_empty() {
            if !earlier.is_empty() && last_compensated.is_some_and(|l| k <= l + 1) {
                findings.push(Finding {
                    span: catcher.name.span,
                    kind: FindingKind::uncaught(step.clone(), earlier.iter().map(|(_, t, _)| *t)),
                    related: Vec::new(),
                });
            }
            continue;
        }
        for (start, span) in &starts[k] {
            let on_path_named = |name: &str| {
                paths
                    .node_of(name)
                    .is_some_and(|n| summary.on_path(n, *start))
            };
            let on_path = |c: &State<'_>| on_path_named(&c.name.value);
            let own_on = own.clone().filter(|(_, _, c)| on_path(c)).count();
            // The compensations of later steps on the path (walked only when there are).
            let later: Vec<&State<'_>> = match summary.latest[*start] {
                Some(l) if l > k => paths
                    .nodes(*start)
                    .flat_map(|n| paths.tasks(n))
                    .filter(|c| owner.get(c.name.value.as_str()).is_some_and(|j| *j > k))
                    .collect(),
                _ => Vec::new(),
            };
            // With alternates a path may run two undoes of one step: count no shortcut.
            let short = summary.count[*start] < own_on + later.len() + earlier.len();
            if short || !alternates_of.is_empty() {
                for (_, skipped, c) in earlier {
                    let undone = on_path(c)
                        || alternates_of
                            .get(skipped)
                            .is_some_and(|a| a.iter().any(|n| on_path_named(n)));
                    if !undone {
                        findings.push(Finding {
                            span: *span,
                            kind: FindingKind::SkippedCompensation {
                                step: step.clone(),
                                compensation: c.name.value.clone(),
                                skipped: (*skipped).to_owned(),
                            },
                            related: vec![(
                                c.name.span,
                                "this compensation does not run".to_owned(),
                            )],
                        });
                    }
                }
            }
            for c in later {
                let name = c.name.value.as_str();
                findings.push(Finding {
                    span: *span,
                    kind: FindingKind::PhantomCompensation {
                        step: step.clone(),
                        compensation: name.to_owned(),
                        compensated: owner_step[name].to_owned(),
                    },
                    related: vec![(c.name.span, "runs on this failure path".to_owned())],
                });
            }
            if let End::Success(end_span, end) = &summary.end[*start] {
                findings.push(Finding {
                    span: *span,
                    kind: FindingKind::FailureEndsInSuccess {
                        step: step.clone(),
                        end: end.clone(),
                    },
                    related: vec![(*end_span, "the execution succeeds here".to_owned())],
                });
            }
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
    // A word with a number also counts without it: `CancelCar2` is about a car.
    crate::import::draft::snake(name, "")
        .split('_')
        .flat_map(|w| [w, w.trim_end_matches(|c: char| c.is_ascii_digit())])
        .filter(|w| w.len() > 1 && !GENERIC.contains(w))
        .map(str::to_owned)
        .collect()
}
