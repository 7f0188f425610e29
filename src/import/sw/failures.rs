//! Each step's failure paths (`onErrors`) against a saga's: the engine runs the
//! compensations of the completed states (in reverse order) only where a transition or an
//! end on the path says `compensate: true`; a path without it leaves the earlier effects
//! in place, and one that reaches an `end` without it tells the caller the workflow
//! completed. A step with no `onErrors` fails the workflow, compensating nothing.

use std::collections::HashSet;

use super::Forward;
use super::workflow::{Target, Workflow};
use crate::import::error::{Finding, FindingKind};
use crate::source::Span;

/// Where the failure paths end.
#[derive(Debug, Default)]
pub struct Ends {
    /// The first `end` a compensating path reaches: the workflow completes there.
    pub compensated_end: Option<Span>,
}

enum PathEnd {
    /// An `end`, and whether the path compensated on its way.
    End(Span, bool),
    /// Back on the saga's path, or a loop.
    Other(bool),
}

pub fn compare(w: &Workflow<'_>, forward: &[Forward<'_>], findings: &mut Vec<Finding>) -> Ends {
    let on_path: HashSet<usize> = forward.iter().map(Forward::state).collect();
    let compensated: Vec<Option<usize>> = forward
        .iter()
        .map(|f| match f {
            Forward::State(i) => w.states[*i].compensated_by.as_ref().map(|_| *i),
            Forward::Parallel(..) => None,
        })
        .collect();
    let last_compensated = compensated.iter().rposition(Option::is_some);
    let mut ends = Ends::default();
    for (k, f) in forward.iter().enumerate() {
        let state = &w.states[f.state()];
        let earlier: Vec<usize> = compensated[..k].iter().flatten().copied().collect();
        if state.on_errors.is_empty() {
            if !earlier.is_empty() && last_compensated.is_some_and(|l| k <= l + 1) {
                findings.push(Finding {
                    span: state.name.span,
                    kind: FindingKind::uncaught(
                        state.name.value.clone(),
                        earlier.iter().map(|i| w.states[*i].name.value.as_str()),
                    ),
                    related: Vec::new(),
                });
            }
            continue;
        }
        let mut seen_targets = HashSet::new();
        for handler in &state.on_errors {
            let t = handler.target;
            if !seen_targets.insert((t.state, t.compensate)) {
                continue;
            }
            let end = walk(w, t, &on_path);
            let compensates = match end {
                PathEnd::End(_, c) | PathEnd::Other(c) => c,
            };
            if !compensates {
                for i in &earlier {
                    let owner = &w.states[*i];
                    let by = owner.compensated_by.as_ref().map(|b| &w.states[b.value]);
                    findings.push(Finding {
                        span: t.span,
                        kind: FindingKind::SkippedCompensation {
                            step: state.name.value.clone(),
                            compensation: by.map_or_else(String::new, |b| b.name.value.clone()),
                            skipped: owner.name.value.clone(),
                        },
                        related: by
                            .map(|b| (b.name.span, "this compensation does not run".to_owned()))
                            .into_iter()
                            .collect(),
                    });
                }
            }
            match end {
                PathEnd::End(at, true) => {
                    ends.compensated_end.get_or_insert(at);
                }
                PathEnd::End(at, false) => findings.push(Finding {
                    span: t.span,
                    kind: FindingKind::FailureEndsInSuccess {
                        step: state.name.value.clone(),
                        end: "end".to_owned(),
                    },
                    related: vec![(at, "the workflow completes here".to_owned())],
                }),
                PathEnd::Other(_) => {}
            }
        }
    }
    ends
}

/// Follows a failure path from its handler's target to an end, the saga's path or a loop.
fn walk(w: &Workflow<'_>, from: Target, on_path: &HashSet<usize>) -> PathEnd {
    let mut compensates = from.compensate;
    let mut at = from;
    let mut seen = HashSet::new();
    loop {
        let Some(i) = at.state else {
            return PathEnd::End(at.span, compensates);
        };
        if on_path.contains(&i) || !seen.insert(i) {
            return PathEnd::Other(compensates);
        }
        match w.states[i].next {
            Some(next) => {
                compensates |= next.compensate;
                at = next;
            }
            // No transition and no end: the engine stops there.
            None => return PathEnd::Other(compensates),
        }
    }
}
