//! `--path all`: the happy path and every failure path in one diagram, built from the
//! scenarios (never from a template): the happy run is the spine; each step that can fail
//! for good has a failure scenario (`fail:<step>`, or `exhaust:<step>` for a retriable step
//! with a finite retry policy) whose run leaves the happy run at some action. The common
//! part is drawn once; at each point where a failure run leaves, an `alt` whose first
//! branch continues the happy run up to the next such point (the last one to the end), and
//! whose `else` branch holds the rest of the failure run to its end.
//!
//! The `alt` blocks follow each other instead of nesting: a saga of a thousand steps stays
//! a flat diagram, and each failure reads as "here, this can happen instead".

use crate::model::{Saga, StepId, StepKind};
use crate::scenario::{Action, Fault, Scenario};

use super::sequence::{Diagram, Writer};

/// A failure path and where it leaves the happy run.
pub struct Branch {
    pub step: StepId,
    pub scenario: Scenario,
    /// The index of the first action of the failure run that differs from the happy run.
    pub diverges_at: usize,
}

/// The fault that makes a step fail for good, if it can: a business failure, or for a
/// retriable step (whose business failures are transient and retried) running out of
/// attempts.
pub fn failure_of(saga: &Saga, step: StepId) -> Option<Fault> {
    let s = saga.step(step);
    match s.kind {
        StepKind::Retriable => s.retry.can_exhaust().then_some(Fault::Exhaust(step)),
        _ => Some(Fault::Fail(step)),
    }
}

/// The happy run and every failure path, sorted by where they leave the happy run.
pub fn branches(saga: &Saga) -> (Scenario, Vec<Branch>) {
    let happy = crate::scenario::representative(saga, &[]);
    let failures = failures(saga, &happy);
    (happy, failures)
}

/// Every failure path and where it leaves the happy run, sorted by that point.
fn failures(saga: &Saga, happy: &Scenario) -> Vec<Branch> {
    let mut out = Vec::new();
    for step in saga.step_ids() {
        let Some(fault) = failure_of(saga, step) else {
            continue;
        };
        let failed = crate::scenario::representative(saga, &[fault]);
        if !failed.all_fired {
            // The step never runs (unreachable): nothing to draw.
            continue;
        }
        let diverges_at = common_prefix(&happy.trace, &failed.trace);
        if diverges_at == failed.trace.len() && diverges_at == happy.trace.len() {
            continue;
        }
        out.push(Branch {
            step,
            scenario: failed,
            diverges_at,
        });
    }
    out.sort_by_key(|b| (b.diverges_at, b.step));
    out
}

fn common_prefix(a: &[Action], b: &[Action]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The combined diagram of the happy run and the failure paths [`branches`] found.
pub fn render(saga: &Saga, happy: &Scenario, branches: &[Branch]) -> Diagram {
    let trace = &happy.trace;
    let mut w = Writer::new(saga);
    // Points where failure runs leave, each with the branches that leave there.
    let mut points: Vec<(usize, Vec<&Branch>)> = Vec::new();
    for b in branches {
        let at = b.diverges_at.min(trace.len());
        match points.last_mut() {
            Some((d, list)) if *d == at => list.push(b),
            _ => points.push((at, vec![b])),
        }
    }
    let mut pos = 0;
    for (k, (at, list)) in points.iter().enumerate() {
        let at = *at;
        w.actions(&trace[pos.min(at)..at]);
        let next = points.get(k + 1).map_or(trace.len(), |(d, _)| *d);
        let names: Vec<&str> = list
            .iter()
            .map(|b| saga.step(b.step).id.value.as_str())
            .collect();
        let verb = if names.len() == 1 {
            "succeeds"
        } else {
            "all succeed"
        };
        if let Some(a) = trace.get(at) {
            w.notes_before(a);
        }
        w.open("alt", &format!("{} {verb}", names.join(", ")));
        w.actions(&trace[at..next.max(at)]);
        for b in list {
            w.branch("else", &failure_label(saga, b));
            let rest = b.scenario.trace.get(at..).unwrap_or_default();
            w.actions(rest);
        }
        w.close();
        pos = next.max(at);
    }
    w.actions(&trace[pos.min(trace.len())..]);
    w.finish()
}

fn failure_label(saga: &Saga, b: &Branch) -> String {
    let step = saga.step(b.step);
    match b.scenario.faults.first() {
        Some(Fault::Exhaust(_)) => format!("{} runs out of attempts", step.id.value),
        _ => match step.failures.first() {
            Some(f) => format!("{} fails ({})", step.id.value, f.value),
            None => format!("{} fails", step.id.value),
        },
    }
}
