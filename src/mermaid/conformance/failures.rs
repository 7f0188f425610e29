//! Failure paths: where a diagram says a step fails (its failure event, one of its declared
//! failures, or a failure word about it), the rest of that branch, or of the diagram, is
//! the path that follows. The compensations drawn there are compared with the ones the
//! simulator runs when that step fails for good (`scenario`): the same ones, and for an
//! orchestration in the same order. A choreography's compensations react to events and may
//! run in any order, so only which ones run is compared.

use std::collections::HashMap;

use crate::model::{Coordination, Owner, ParticipantId, StepId};
use crate::scenario::Fault;
use crate::source::Span;

use super::super::diagram::{Diagram, Item};
use super::meaning::{Meaning, Name, failure_event_of};
use super::{Finding, Spec};

/// What the walk remembers: the step each participant was last asked to run, so that
/// "failed" from a participant that runs several steps is about the one it was running.
#[derive(Default)]
struct Walk {
    last_step: HashMap<ParticipantId, StepId>,
}

pub(super) fn check(
    spec: &mut Spec,
    diagram: &Diagram,
    meanings: &HashMap<usize, Meaning>,
    findings: &mut Vec<Finding>,
) {
    scan(
        spec,
        &diagram.items,
        meanings,
        &mut Walk::default(),
        findings,
    );
}

/// Finds the first failure in `items` (in document order, blocks before it searched
/// first); the items after it are its path. Nesting is bounded by `MAX_NESTING`.
fn scan(
    spec: &mut Spec,
    items: &[Item],
    meanings: &HashMap<usize, Meaning>,
    walk: &mut Walk,
    findings: &mut Vec<Finding>,
) {
    let last_asked = last_asked(items, meanings);
    // Steps a note or message of this list said the deadline passed for (`deadline 30s
    // passed: ReserveInventory refused`): the failure event that follows is the
    // deadline's (version 2), whose handling may differ from the first declared failure's.
    let mut deadline_passed: Vec<StepId> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Item::Block(block) = item {
            for branch in &block.branches {
                scan(spec, &branch.items, meanings, walk, findings);
            }
            continue;
        }
        let Some(meaning) = meanings.get(&item.span().start) else {
            continue;
        };
        let failed = match item {
            Item::Message(_) => failed_step(spec, meaning, walk),
            _ => None,
        };
        remember_steps(spec, meaning, walk);
        if meaning.words.iter().any(|w| w == "deadline") {
            deadline_passed.extend(meaning.names.iter().filter_map(|n| match *n {
                Name::Step(s) => Some(s),
                _ => None,
            }));
        }
        let Some(step) = failed else { continue };
        // The same step asked again after its failure: a retry, not a failure for good.
        if last_asked.get(&step).is_some_and(|&last| last > i) {
            continue;
        }
        let path: Vec<(&Item, &Meaning)> = flatten(&items[i + 1..])
            .into_iter()
            .filter_map(|it| meanings.get(&it.span().start).map(|m| (it, m)))
            .collect();
        let deadline = Fault::Deadline(step);
        let how = if deadline_passed.contains(&step) && deadline.applies_to(spec.saga) {
            How::Fault(deadline)
        } else {
            how(spec, step, meaning)
        };
        compare(spec, step, how, item.span(), &path, findings);
        return;
    }
}

/// For each step, the last of `items` whose message names it (in a block, anywhere
/// inside): found once per list, so that telling a retry from a failure costs no walk of
/// the rest. Only a message asks a step to run again; a note naming it does not ("the
/// steps below run only if reserve_inventory succeeds").
fn last_asked(items: &[Item], meanings: &HashMap<usize, Meaning>) -> HashMap<StepId, usize> {
    let mut last = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let messages = flatten(std::slice::from_ref(item))
            .into_iter()
            .filter(|inner| matches!(inner, Item::Message(_)));
        for inner in messages {
            let names = meanings
                .get(&inner.span().start)
                .map(|m| m.names.as_slice());
            for name in names.unwrap_or_default() {
                if let Name::Step(s) = name {
                    last.insert(*s, i);
                }
            }
        }
    }
    last
}

fn remember_steps(spec: &Spec, meaning: &Meaning, walk: &mut Walk) {
    for name in &meaning.names {
        if let Name::Step(s) = name {
            walk.last_step.insert(spec.saga.step(*s).participant, *s);
        }
    }
}

/// The step a message says has failed for good, if it says so: its failure event or a
/// declared failure names it (a failure several steps declare is told apart by the step
/// or the participant the message names), or a failure word is said about a step.
fn failed_step(spec: &Spec, meaning: &Meaning, walk: &Walk) -> Option<StepId> {
    let saga = spec.saga;
    if meaning
        .names
        .iter()
        .any(|n| matches!(n, Name::Compensation(_)))
    {
        return None;
    }
    let announced: Vec<StepId> = meaning
        .names
        .iter()
        .filter_map(|n| match *n {
            Name::Failure(s) => Some(s),
            Name::Event(e) => failure_event_of(saga, e),
            _ => None,
        })
        .collect();
    let named: Vec<StepId> = meaning
        .names
        .iter()
        .filter_map(|n| match *n {
            Name::Step(s) => Some(s),
            _ => None,
        })
        .collect();
    match announced.as_slice() {
        [] if !fails_for_good(&meaning.free()) => None,
        [] if !named.is_empty() => named.first().copied(),
        [] => about(spec, meaning, walk, None),
        [one] => Some(*one),
        several => named
            .iter()
            .find(|s| several.contains(s))
            .copied()
            .or_else(|| about(spec, meaning, walk, Some(several)))
            .or(several.first().copied()),
    }
}

/// Which step (of `among`, or of all) a message is about by its participants: one it
/// mentions (`payment failed`) or the one doing the work (`declined` from the payment
/// service); the step that participant was last asked to run, or its only step.
fn about(spec: &Spec, meaning: &Meaning, walk: &Walk, among: Option<&[StepId]>) -> Option<StepId> {
    // The participants it mentions first, then those doing the work.
    let mut who: Vec<ParticipantId> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mentioned = spec.participants.find(&meaning.words);
    for &p in mentioned.iter().map(|(p, _)| p).chain(&meaning.workers) {
        if seen.insert(p) {
            who.push(p);
        }
    }
    let wanted = |s: &StepId| among.is_none_or(|a| a.contains(s));
    let last = who
        .iter()
        .filter_map(|p| walk.last_step.get(p))
        .find(|s| wanted(s));
    if let Some(&s) = last {
        return Some(s);
    }
    // Otherwise only when there is one candidate (at most two are looked at).
    let theirs: Vec<StepId> = who
        .iter()
        .filter_map(|p| spec.steps_of.get(p))
        .flatten()
        .copied()
        .filter(wanted)
        .take(2)
        .collect();
    match theirs.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Whether words say something failed for good: a failure word, and no word saying it
/// is retried (unless it gave up).
fn fails_for_good(words: &[&str]) -> bool {
    let failure = words.iter().any(|w| {
        ["fail", "declin", "reject", "refus", "insufficient", "error"]
            .iter()
            .any(|p| w.starts_with(p))
            || matches!(*w, "denied" | "unsuccessful" | "unavailable")
    });
    let retried = words.iter().any(|w| {
        w.starts_with("transient") || matches!(*w, "retry" | "retried" | "retries" | "retrying")
    });
    (failure && !retried) || gave_up(words)
}

/// Whether words say a compensation found nothing registered to undo (`nothing
/// registered`, `not registered`, `unregistered`).
fn not_registered(words: &[&str]) -> bool {
    words.contains(&"unregistered")
        || words
            .windows(2)
            .any(|p| matches!(p[0], "nothing" | "not") && p[1] == "registered")
}

/// Whether words say a compensation does not run because the saga terminated (`not run:
/// the saga terminated`, `skipped`): a choreography's compensation handler receiving an
/// event whose failure terminates the saga acknowledges it and undoes nothing.
fn not_run_terminated(words: &[&str]) -> bool {
    let terminated = words.iter().any(|w| w.starts_with("terminat"));
    let not_run = words.contains(&"skipped")
        || words
            .windows(2)
            .any(|p| matches!(p[0], "not" | "never") && matches!(p[1], "run" | "runs"));
    terminated && not_run
}

/// How a message says a step failed: after its attempts, for a business reason, or
/// (version 2) in a way that has a scenario of its own: an undeclared error
/// (`uncaught`), the deadline, its participant down, or a further declared failure
/// handled otherwise than the first (`fail:<step>@<Failure>`).
fn how(spec: &Spec, step: StepId, meaning: &Meaning) -> How {
    let saga = spec.saga;
    let free = meaning.free();
    let has = |w: &str| meaning.words.iter().any(|x| x == w);
    let own = |fault: Fault| fault.applies_to(saga).then_some(How::Fault(fault));
    let v2 = if !saga.is_v2() {
        None
    } else if has("uncaught") || has("undeclared") {
        own(Fault::Uncaught(step))
    } else if has("deadline") {
        own(Fault::Deadline(step))
    } else if has("down") {
        own(Fault::Outage(saga.step(step).participant))
    } else if has("publishes") && has("nothing") {
        // A failure the event map leaves out fails silently (G408): its own scenario.
        let step_of = saga.step(step);
        step_of
            .failure_handling
            .iter()
            .enumerate()
            .filter(|(_, f)| f.builtin.is_none() && step_of.failure_event(&f.name.value).is_none())
            .find_map(|(i, _)| own(Fault::FailAs(step, u8::try_from(i).ok()?)))
    } else {
        // A declared failure named in full, other than the step's first.
        saga.step(step)
            .failure_handling
            .iter()
            .enumerate()
            .filter(|(_, f)| f.builtin.is_none())
            .skip(1)
            .find(|(_, f)| {
                let name = super::super::names::words(&f.name.value);
                !name.is_empty() && meaning.words.windows(name.len()).any(|w| w == name)
            })
            .and_then(|(i, _)| own(Fault::FailAs(step, u8::try_from(i).ok()?)))
    };
    match v2 {
        Some(how) => how,
        None if gave_up(&free) => How::Exhausted,
        None => How::Business,
    }
}

/// How a step failed, for the scenario whose compensations a failure path is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum How {
    Business,
    Exhausted,
    /// Version 2: a fault with a scenario of its own.
    Fault(Fault),
}

/// Whether words say a step gave up after its attempts (`gave up: 3 attempts failed`)
/// rather than failed for a business reason.
fn gave_up(words: &[&str]) -> bool {
    words
        .windows(2)
        .any(|p| matches!(p[0], "gives" | "gave" | "giving") && p[1] == "up")
}

/// Every message and note of the items, blocks opened, in the order written.
fn flatten(items: &[Item]) -> Vec<&Item> {
    let mut out = Vec::new();
    let mut stack: Vec<&Item> = items.iter().rev().collect();
    while let Some(item) = stack.pop() {
        match item {
            Item::Block(b) => {
                stack.extend(b.branches.iter().rev().flat_map(|br| br.items.iter().rev()))
            }
            _ => out.push(item),
        }
    }
    out
}

/// Where a finding about an item points: a message's text, a note.
fn text_span(item: &Item) -> Span {
    match item {
        Item::Message(m) if !m.text_span.is_empty() => m.text_span,
        _ => item.span(),
    }
}

/// Compares the compensations drawn on a failure's path with the simulator's.
fn compare(
    spec: &mut Spec,
    step: StepId,
    how: How,
    failure: Span,
    path: &[(&Item, &Meaning)],
    findings: &mut Vec<Finding>,
) {
    let mut drawn: Vec<(Owner, Span)> = Vec::new();
    for (item, meaning) in path {
        // A compensation registered for other attempts (`runs_for`) that finds nothing
        // registered passes the event on and undoes nothing: the simulator draws it so
        // (`ReleaseInventory: nothing registered (runs_for)`) and does not count it run.
        // Nor one whose event terminates the saga (`ReleaseCredit not run: the saga
        // terminated`).
        if not_registered(&meaning.free()) || not_run_terminated(&meaning.free()) {
            continue;
        }
        for name in &meaning.names {
            let Name::Compensation(owner) = *name else {
                continue;
            };
            // A compensation that fails as well: another scenario, not compared.
            if fails_for_good(&meaning.free()) {
                return;
            }
            if !drawn.iter().any(|(o, _)| *o == owner) {
                drawn.push((owner, text_span(item)));
            }
        }
    }
    let run = spec.failure(step, how).clone();
    let expected = run.compensations;
    let scenario = run.scenario;
    for &(owner, span) in &drawn {
        if !expected.contains(&owner) {
            findings.push(Finding::CompensationNotRun {
                span,
                drawn: owner,
                failed: step,
                expected: expected.clone(),
                scenario: scenario.clone(),
            });
        }
    }
    for &owner in &expected {
        if !drawn.iter().any(|(o, _)| *o == owner) {
            findings.push(Finding::CompensationNotDrawn {
                span: failure,
                missing: owner,
                failed: step,
                expected: expected.clone(),
                scenario: scenario.clone(),
            });
        }
    }
    if spec.saga.coordination == Coordination::Orchestration
        && let Some(span) = out_of_order(spec, &drawn, &expected)
    {
        findings.push(Finding::CompensationOrder {
            span,
            drawn: drawn.iter().map(|(o, _)| *o).collect(),
            failed: step,
            expected,
            scenario,
        });
    }
}

/// The first compensation drawn before one the orchestrator runs earlier. Compensations of
/// one parallel group run together, so they may be drawn in any order among themselves.
fn out_of_order(spec: &Spec, drawn: &[(Owner, Span)], expected: &[Owner]) -> Option<Span> {
    let stage = |o: Owner| match o {
        Owner::Step(s) => Some(spec.saga.step(s).stage),
        Owner::Trigger => None,
    };
    let rank = |o: Owner| {
        expected
            .iter()
            .position(|&e| e == o || (stage(e).is_some() && stage(e) == stage(o)))
    };
    // Drawn compensations are distinct owners, at most one per compensation of the saga.
    let ranked: Vec<(usize, Span)> = drawn
        .iter()
        .filter_map(|&(o, span)| rank(o).map(|r| (r, span)))
        .collect();
    ranked
        .iter()
        .enumerate()
        .find(|(i, (r, _))| ranked[i + 1..].iter().any(|(later, _)| later < r))
        .map(|(_, (_, span))| *span)
}
