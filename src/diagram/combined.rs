//! `--path all`: the happy path and every failure path in one diagram, built from the
//! scenarios (never from a template): the happy run is the spine; each step that can fail
//! for good has a failure scenario (`fail:<step>`, or `exhaust:<step>` for a retriable step
//! with a finite retry policy) whose run leaves the happy run at some action. The common
//! part is drawn once; at each point where a failure run leaves, an `alt` whose first
//! branch continues the happy run up to the next such point (the last one to the end), and
//! whose `else` branch holds the rest of the failure run to its end.
//!
//! The `alt` blocks follow each other instead of nesting: a saga of a thousand steps stays
//! a flat diagram, and each failure reads as "here, this can happen instead". So that a
//! failure branch does not seem to go on into the next `alt`, each one after which the
//! diagram goes on ends in a note over every participant ([`end_of_path`]): the steps
//! below run only if the step succeeds. (Nesting the later `alt`s in the success branch
//! was tried and reads worse: each failure is drawn far below the step that fails, after
//! every later one.)
//!
//! Each `else` branch lists the compensations that run, so drawn in full the diagram grows
//! with the square of the steps. Past the 50,000 characters Mermaid draws by default
//! ([`FULL_LIMIT`]) the diagram would not render anyway, so it is drawn again with shared
//! tails: where the rest of a failure run is exactly what an earlier branch drew after its
//! first message, the branch ends in a note saying so instead of drawing it again. Every
//! run is still there, action for action, and the diagram grows with the steps.

use std::collections::HashMap;

use crate::model::{Owner, Saga, StepId};
use crate::scenario::{Action, Fault, Outcome, Scenario};

use super::sequence::{Diagram, Writer};

/// A failure path and where it leaves the happy run.
#[derive(Debug, Clone)]
pub struct Branch {
    pub step: StepId,
    /// The fault that makes the step fail for good ([`Fault::failing_for_good`]).
    pub fault: Fault,
    pub outcome: Outcome,
    /// The compensations of the failure run in the order they ran, the trigger last.
    pub compensated: Vec<Owner>,
    /// The index of the first action of the failure run that differs from the happy run.
    pub diverges_at: usize,
    /// The failure run from where it left the parent run (its first `same` actions are
    /// still the happy run's).
    run: Vec<Action>,
    same: usize,
}

impl Branch {
    /// The failure run from where it differs from the happy run to its end.
    pub fn rest(&self) -> &[Action] {
        &self.run[self.same..]
    }
}

/// About how many compensations the failure runs of the combined diagram (and the state
/// machine) make in all: for each step that can fail for good, the compensations declared
/// before it. The runs are held together to find their shared tails, so this bounds their
/// memory (about 300 bytes per compensation) and time ([`MAX_COMPENSATIONS`]).
pub fn compensations_to_run(saga: &Saga) -> usize {
    let mut before = usize::from(saga.trigger.compensation.is_some());
    let mut total = 0usize;
    for step in saga.step_ids() {
        if Fault::failing_for_good(saga, step).is_some() {
            total = total.saturating_add(before);
        }
        if saga.step(step).compensation.is_some() {
            before += 1;
        }
    }
    total
}

/// The most compensations ([`compensations_to_run`]) drawn in one diagram of every failure
/// path: about 300 MB and a third of a second. A saga of 1,000 steps, half of them
/// compensatable, makes 125,000; this is reached at about 1,400 compensatable steps.
pub const MAX_COMPENSATIONS: usize = 1_000_000;

/// The happy run and every failure path, sorted by where they leave the happy run. The
/// failure runs are continued from the happy run where each fault strikes
/// ([`crate::scenario::forks`]): the same runs as made from the start, at the cost of
/// their compensations only.
pub fn branches(saga: &Saga) -> (Scenario, Vec<Branch>) {
    let failing: Vec<(StepId, Fault)> = saga
        .step_ids()
        .filter_map(|s| Fault::failing_for_good(saga, s).map(|f| (s, f)))
        .collect();
    branches_of(saga, failing)
}

/// [`branches`], and for a version 2 spec one more per version 2 fault of its default set
/// (`fail:<step>@<Failure>`, `exhaust:<step>@<Failure>`, `uncaught:`, `deadline:`,
/// `cancel:`, `outage:` at the first step of its participant) whose run ends otherwise
/// than the happy run: what the combined diagram draws. A failure retried until the step
/// succeeds is no failure path; a cancel is drawn whatever its answer (`too_late` after
/// the pivot is what the caller learns). (The state machine keeps one failure per step.)
pub fn every_branch(saga: &Saga) -> (Scenario, Vec<Branch>) {
    let mut failing: Vec<(StepId, Fault)> = saga
        .step_ids()
        .filter_map(|s| Fault::failing_for_good(saga, s).map(|f| (s, f)))
        .collect();
    if saga.is_v2() {
        let kinds = crate::scenario::FaultKind::defaults(saga);
        for fault in crate::scenario::applicable(saga, kinds) {
            if let Some(step) = version_2_branch(saga, fault) {
                failing.push((step, fault));
            }
        }
    }
    let (happy, mut branches) = branches_of(saga, failing);
    branches.retain(|b| {
        Fault::failing_for_good(saga, b.step) == Some(b.fault)
            || matches!(b.fault, Fault::Cancel(_))
            || b.outcome != Outcome::Completed
    });
    (happy, branches)
}

/// The step a version 2 fault's branch is drawn at, for the faults drawn as branches.
fn version_2_branch(saga: &Saga, fault: Fault) -> Option<StepId> {
    match fault {
        Fault::FailAs(s, _)
        | Fault::ExhaustAs(s, _)
        | Fault::Uncaught(s)
        | Fault::Deadline(s)
        | Fault::Cancel(s) => Some(s),
        Fault::Outage(p) => saga.step_ids().find(|&s| saga.step(s).participant == p),
        _ => None,
    }
}

/// The happy run and the failure runs of these faults, sorted by where they leave it.
fn branches_of(saga: &Saga, failing: Vec<(StepId, Fault)>) -> (Scenario, Vec<Branch>) {
    let candidates: Vec<Fault> = failing.iter().map(|&(_, f)| f).collect();
    let (happy, forks) = crate::scenario::forks(saga, &[], &candidates);
    let mut out = Vec::new();
    for (&(step, fault), fork) in failing.iter().zip(forks) {
        // A step that never runs (unreachable) has no failure to draw.
        let Some(fork) = fork.filter(|f| f.all_fired) else {
            continue;
        };
        let shared = fork.shared.min(happy.trace.len());
        let same = common_prefix(&happy.trace[shared..], &fork.rest);
        let diverges_at = shared + same;
        if same == fork.rest.len() && diverges_at == happy.trace.len() {
            continue;
        }
        out.push(Branch {
            step,
            fault,
            outcome: fork.outcome,
            compensated: fork.compensated,
            diverges_at,
            run: fork.rest,
            same,
        });
    }
    out.sort_by_key(|b| (b.diverges_at, b.step));
    (happy, out)
}

fn common_prefix(a: &[Action], b: &[Action]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The most characters a diagram is drawn with every failure run in full: Mermaid's
/// default `maxTextSize`, past which it draws an error instead of the diagram.
pub const FULL_LIMIT: usize = 50_000;

/// Shared tails shorter than this are drawn again: the note would not save anything.
const MIN_SHARED: usize = 3;

/// The combined diagram of the happy run and the failure paths [`branches`] found: every
/// run in full when that fits in [`FULL_LIMIT`] characters, otherwise with shared tails.
pub fn render(saga: &Saga, happy: &Scenario, branches: &[Branch]) -> Diagram {
    match draw(saga, happy, branches, Some(FULL_LIMIT), &[]) {
        (diagram, true) => diagram,
        (_, false) => {
            let tails = Tails::choose(saga, branches);
            draw(saga, happy, branches, None, &tails).0
        }
    }
}

/// The combined diagram with every failure run drawn in full, whatever its size.
pub fn render_in_full(saga: &Saga, happy: &Scenario, branches: &[Branch]) -> Diagram {
    draw(saga, happy, branches, Some(usize::MAX), &[]).0
}

/// Draws the diagram; with `limit`, every run in full, giving up (`false`) once the text
/// passes it; without, each branch up to its shared tail in `tails` (one per branch).
fn draw(
    saga: &Saga,
    happy: &Scenario,
    branches: &[Branch],
    limit: Option<usize>,
    tails: &[Option<Shared>],
) -> (Diagram, bool) {
    let trace = &happy.trace;
    let mut w = Writer::new(saga);
    // Points where failure runs leave, each with the branches that leave there (by index).
    let mut points: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, b) in branches.iter().enumerate() {
        let at = b.diverges_at.min(trace.len());
        match points.last_mut() {
            Some((d, list)) if *d == at => list.push(i),
            _ => points.push((at, vec![i])),
        }
    }
    let mut pos = 0;
    for (k, (at, list)) in points.iter().enumerate() {
        let at = *at;
        w.actions(&trace[pos.min(at)..at]);
        let next = points.get(k + 1).map_or(trace.len(), |(d, _)| *d);
        let mut names: Vec<&str> = Vec::new();
        for &i in list {
            let name = saga.step(branches[i].step).id.value.as_str();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let verb = if names.len() == 1 {
            "succeeds"
        } else {
            "all succeed"
        };
        if let Some(a) = trace.get(at) {
            w.notes_before(a);
        }
        let condition = format!("{} {verb}", names.join(", "));
        w.open("alt", &condition);
        w.actions(&trace[at..next.max(at)]);
        // The `alt` blocks follow each other, so a failure branch would seem to go on into
        // the next one: when more follows, it says that it ends there.
        let more = k + 1 < points.len();
        for &i in list {
            let b = &branches[i];
            w.branch("else", &failure_label(saga, b));
            match (limit, tails.get(i).and_then(Option::as_ref)) {
                (Some(limit), _) => {
                    w.actions(b.rest());
                    if w.len() > limit {
                        return (w.finish(), false);
                    }
                }
                (None, Some(shared)) => {
                    w.actions(&b.rest()[..shared.drawn]);
                    let party = b.rest()[shared.drawn].from;
                    w.note(
                        party,
                        party,
                        &format!(
                            "then the same as in \"{}\" above, from \"{}\" on",
                            failure_label(saga, &branches[shared.branch]),
                            shared.from
                        ),
                    );
                }
                (None, None) => w.actions(b.rest()),
            }
            if more {
                w.note_over_all(&end_of_path(&condition));
            }
        }
        w.close();
        pos = next.max(at);
    }
    w.actions(&trace[pos.min(trace.len())..]);
    (w.finish(), true)
}

/// Where a failure run goes on exactly as an earlier branch does.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shared {
    /// How many of its actions to draw before the note.
    drawn: usize,
    /// The earlier branch (its index).
    branch: usize,
    /// Where in the earlier branch's run it goes on from.
    at: usize,
    /// The text of the message there, which the note names.
    from: String,
}

/// The failure runs drawn so far, found by where a later run could go on as they do.
#[derive(Default)]
struct Tails<'a> {
    /// The drawn actions a note can name (their message's text appears once in their
    /// branch), by how many actions are left from them and the action.
    by_start: HashMap<(usize, &'a Action), Vec<Joint>>,
    /// Each branch's run.
    runs: Vec<&'a [Action]>,
}

/// A drawn action a later run may go on from.
struct Joint {
    branch: usize,
    at: usize,
    /// Its message's text, which the note names.
    text: String,
}

impl<'a> Tails<'a> {
    /// Each branch's shared tail, if it has one.
    fn choose(saga: &Saga, branches: &'a [Branch]) -> Vec<Option<Shared>> {
        let mut tails = Tails::default();
        branches
            .iter()
            .map(|b| {
                let shared = tails.find(b.rest());
                let drawn = shared.as_ref().map_or(b.rest().len(), |s| s.drawn);
                tails.add(saga, b.rest(), drawn);
                shared
            })
            .collect()
    }

    /// The longest end of `rest` (after at least its first action, and of at least
    /// [`MIN_SHARED`] actions) that an earlier branch drew, from a message a note can name,
    /// exactly as `rest` goes on. Tried from the longest end, so a saga whose failures
    /// share their compensations stops at the first few actions.
    fn find(&self, rest: &'a [Action]) -> Option<Shared> {
        (1..rest.len().saturating_sub(MIN_SHARED - 1)).find_map(|i| {
            let candidates = self.by_start.get(&(rest.len() - i, &rest[i]))?;
            candidates.iter().find_map(|joint| {
                (self.runs[joint.branch][joint.at..] == rest[i..]).then(|| Shared {
                    drawn: i,
                    branch: joint.branch,
                    at: joint.at,
                    from: joint.text.clone(),
                })
            })
        })
    }

    /// A branch whose first `drawn` actions were drawn.
    fn add(&mut self, saga: &Saga, rest: &'a [Action], drawn: usize) {
        let c = self.runs.len();
        let texts: Vec<Option<String>> = rest[..drawn]
            .iter()
            .map(|a| match super::text::line(saga, a) {
                Some(super::text::Line::Message { text, .. }) => Some(text),
                _ => None,
            })
            .collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for t in texts.iter().flatten() {
            *seen.entry(t.as_str()).or_default() += 1;
        }
        for (j, text) in texts.iter().enumerate().skip(1) {
            if let Some(text) = text
                && seen.get(text.as_str()) == Some(&1)
                && rest.len() - j >= MIN_SHARED
            {
                self.by_start
                    .entry((rest.len() - j, &rest[j]))
                    .or_default()
                    .push(Joint {
                        branch: c,
                        at: j,
                        text: text.clone(),
                    });
            }
        }
        self.runs.push(rest);
    }
}

/// The note that ends a failure branch after which the diagram goes on: the steps drawn
/// below it belong to the branch where `condition` holds.
pub fn end_of_path(condition: &str) -> String {
    format!("end of this path: the steps below run only if {condition}")
}

fn failure_label(saga: &Saga, b: &Branch) -> String {
    let step = saga.step(b.step);
    let id = &step.id.value;
    let failure = |i: u8| {
        step.failure_handling
            .get(usize::from(i))
            .map_or("", |f| f.name.value.as_str())
    };
    match b.fault {
        Fault::Exhaust(_) => format!("{} runs out of attempts", step.id.value),
        // Version 2's faults.
        Fault::FailAs(_, i) => format!("{id} fails ({})", failure(i)),
        Fault::ExhaustAs(_, i) => format!("{id} runs out of attempts on {}", failure(i)),
        Fault::Uncaught(_) => format!("{id} meets an undeclared error"),
        Fault::Deadline(_) => format!("the deadline passes at {id}"),
        Fault::Cancel(_) => format!("the caller cancels at {id}"),
        Fault::Outage(p) => format!("{} is down", saga.participant(p).name.value),
        _ => match step.failures.first() {
            Some(f) => format!("{} fails ({})", step.id.value, f.value),
            None => format!("{} fails", step.id.value),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::text;
    use super::*;
    use crate::scenario::{ActionKind, Party, StepResult, Work};

    fn order_saga() -> Saga {
        let text = include_str!("../../specs/order-orchestration.yaml");
        let checked = crate::check::check_source(crate::source::SourceFile::new(
            "order-orchestration.yaml",
            text.to_owned(),
        ));
        checked.saga.expect("the course's saga resolves")
    }

    /// The orchestrator's command to each of the first three steps and its reply: six
    /// messages, each with its own text.
    fn exchanges(saga: &Saga) -> [Action; 6] {
        let [c0, r0] = exchange(saga, 0);
        let [c1, r1] = exchange(saga, 1);
        let [c2, r2] = exchange(saga, 2);
        [c0, r0, c1, r1, c2, r2]
    }

    fn exchange(saga: &Saga, step: usize) -> [Action; 2] {
        let work = Work::Step(StepId::new(step));
        let p = Party::Participant(saga.step(StepId::new(step)).participant);
        [
            Action {
                from: Party::Orchestrator,
                to: p,
                kind: ActionKind::Command {
                    work,
                    attempt: 1,
                    duplicate: false,
                },
            },
            Action {
                from: p,
                to: Party::Orchestrator,
                kind: ActionKind::Reply {
                    work,
                    result: StepResult::Success,
                },
            },
        ]
    }

    fn branch(step: usize, run: Vec<Action>) -> Branch {
        Branch {
            step: StepId::new(step),
            fault: Fault::Fail(StepId::new(step)),
            outcome: Outcome::Compensated,
            compensated: Vec::new(),
            diverges_at: step,
            run,
            same: 0,
        }
    }

    #[test]
    fn a_first_candidate_that_is_not_the_same_run_is_not_taken() {
        let saga = order_saga();
        let [c0, r0, c1, r1, c2, r2] = exchanges(&saga);
        // Both runs go on from `c1` with as many actions left, but end differently: the
        // first candidate of the second run is not its shared tail.
        let first = branch(0, vec![c0, c1, r1, c2, r2]);
        let second = branch(1, vec![r0, c1, r1, c2, r0]);
        let branches = [first, second];
        assert_eq!(Tails::choose(&saga, &branches)[1], None);
    }

    #[test]
    fn a_shared_tail_is_found() {
        let saga = order_saga();
        let [c0, r0, c1, r1, c2, r2] = exchanges(&saga);
        let first = branch(0, vec![c0, c1, r1, c2, r2]);
        let second = branch(1, vec![r0, c1, r1, c2, r2]);
        let branches = [first, second];
        let expected = Some(Shared {
            drawn: 1,
            branch: 0,
            at: 1,
            from: match text::line(&saga, &c1) {
                Some(text::Line::Message { text, .. }) => text,
                _ => panic!("a command is a message"),
            },
        });
        assert_eq!(Tails::choose(&saga, &branches)[1], expected);
    }
}
