//! `scenario`: a fault on the step that plays a role, and what the saga must then do (its
//! outcome, which steps are compensated and in which order, which are not, which are
//! retried, which invariants hold). Judged on the simulator's runs of the student's saga.

use crate::grade::rubric::{FaultKindDef, OutcomeDef, ScenarioDef};
use crate::grade::text::{capitalize, code, list, prose};
use crate::model::{Owner, Saga, StepId, StepKind};
use crate::scenario::{ActionKind, Fault, Outcome, Scenario, StepResult, Work, owner_name};

use super::{Context, Verdict};

/// At most this many actions of a run are listed in feedback.
const LISTED_ACTIONS: usize = 24;

pub fn scenario(def: &ScenarioDef, ctx: &Context) -> Verdict {
    let saga = match ctx.model() {
        Ok(s) => s,
        Err(why) => return Verdict::blocked(1, why),
    };
    let step = match ctx.role_step(&def.step) {
        Ok(s) => s,
        Err(why) => return Verdict::blocked(1, why),
    };
    // A version 2 feature the scenarios do not run yet is not graded by version 1's runs.
    if let Some(unsupported) = super::unsupported(saga) {
        return Verdict::blocked(
            1,
            format!(
                "the saga uses {}, whose runs sagac does not simulate yet.",
                unsupported.describe()
            ),
        );
    }
    let target = ctx.describe_role(saga, &def.step);
    let fault = match def.fault.unwrap_or(FaultKindDef::Fail) {
        FaultKindDef::Fail => Fault::Fail(step),
        FaultKindDef::Exhaust => Fault::Exhaust(step),
        FaultKindDef::Timeout => Fault::Timeout(step),
        FaultKindDef::Uncaught => Fault::Uncaught(step),
        FaultKindDef::Deadline => Fault::Deadline(step),
        FaultKindDef::Cancel => Fault::Cancel(step),
        FaultKindDef::Outage => Fault::Outage(saga.step(step).participant),
    };
    if !fault.applies_to(saga) {
        return Verdict::blocked(1, why_it_cannot_happen(fault, &target));
    }
    if saga.resources.any() {
        return super::instances::scenario(def, ctx, saga, fault, &target);
    }
    let run = match ctx.explore(saga, &[fault]) {
        Ok(run) => run,
        Err(why) => return Verdict::blocked(1, why),
    };
    if !run.all_fired {
        let mut v = Verdict::blocked(
            1,
            format!(
                "{} never runs, so it cannot fail: the saga stops before it (see the run below).",
                capitalize(&target)
            ),
        );
        v.details.push(run_listing(saga, &run));
        v.line = ctx.line_of(saga.step(step).span);
        return v;
    }
    let mut findings = Findings::default();
    if let Some(expected) = def.outcome {
        let expected = outcome(expected);
        if run.outcome != expected {
            findings.add(format!("It should end {}.", expected.as_str()));
        }
    }
    if let Some(expected) = &def.caller
        && run.told.caller.as_deref() != Some(expected.as_str())
    {
        let told = run
            .told
            .caller
            .as_deref()
            .map_or_else(|| "nothing".to_owned(), code);
        findings.add(format!(
            "The caller should be told {}, but is told {told}.",
            code(expected)
        ));
    }
    let compensated_steps: Vec<StepId> = run
        .compensated
        .iter()
        .filter_map(|o| match o {
            Owner::Step(s) => Some(*s),
            Owner::Trigger => None,
        })
        .collect();
    findings.compensated_in_order(def, ctx, saga, &compensated_steps);
    findings.not_compensated(def, ctx, saga, &run, &compensated_steps);
    findings.retried(def, ctx, saga, &run);
    for name in &def.invariants {
        if let Some(broken) = run
            .violations
            .iter()
            .find(|x| x.invariant.as_str() == name.as_str())
        {
            findings.add(format!(
                "Invariant `{name}` is broken: {}",
                prose(&broken.message)
            ));
        }
    }
    let mut v = Verdict::default();
    v.part(findings.lines.is_empty());
    v.details.push(summary(saga, &target, fault, &run));
    if !findings.lines.is_empty() {
        v.details.extend(findings.lines);
        v.details.push(run_listing(saga, &run));
        v.line = ctx.line_of(saga.step(step).span);
    }
    v
}

/// Why a rubric's fault cannot happen to its step ([`Fault::applies_to`] said no; a
/// business failure always can).
fn why_it_cannot_happen(fault: Fault, target: &str) -> String {
    match fault {
        Fault::Exhaust(_) => {
            format!("{target} is retried without limit, so it never runs out of attempts.")
        }
        Fault::Uncaught(_) => format!(
            "an undeclared error at {target} is what another scenario already is (or the saga is a choreography)."
        ),
        Fault::Deadline(_) => {
            format!("the saga has no `deadline` that can pass while {target} runs.")
        }
        Fault::Cancel(_) => format!(
            "the saga declares no `cancellation`, or {target} is not where a cancel is modelled."
        ),
        Fault::Outage(_) => format!(
            "an outage of {target}'s participant is not modelled (choreography, or it runs no compensatable or read-only step)."
        ),
        _ => format!("{target} has no `timeout` in an orchestration, so it cannot time out."),
    }
}

/// The first line of the feedback: what happened under the fault.
fn summary(saga: &Saga, target: &str, fault: Fault, run: &Scenario) -> String {
    let what = match fault {
        Fault::Fail(s) if saga.step(s).kind == StepKind::Retriable => {
            "fails once (a transient failure: the step is retriable)"
        }
        Fault::Fail(_) => "fails",
        Fault::Exhaust(_) => "fails on every attempt",
        Fault::Uncaught(_) => "meets an error nobody declared",
        Fault::Deadline(_) => "is current when the deadline passes",
        Fault::Cancel(_) => "is sent and the caller cancels",
        Fault::Outage(_) => "is sent to a participant that is down",
        _ => "times out",
    };
    let compensated = if run.compensated.is_empty() {
        "nothing".to_owned()
    } else {
        list(
            &run.compensated
                .iter()
                .map(|&o| code(&compensation_name(saga, o)))
                .collect::<Vec<_>>(),
        )
    };
    format!(
        "When {target} {what}, the saga ends {}, compensating {compensated} (scenario {}).",
        run.outcome.as_str(),
        code(&run.name)
    )
}

/// What the run does that the rubric says it should not, for the student.
#[derive(Default)]
struct Findings {
    lines: Vec<String>,
}

impl Findings {
    fn add(&mut self, line: String) {
        self.lines.push(line);
    }

    /// Each role the rubric names as compensated is, in the order named.
    fn compensated_in_order(
        &mut self,
        def: &ScenarioDef,
        ctx: &Context,
        saga: &Saga,
        compensated: &[StepId],
    ) {
        let mut previous: Option<(usize, String)> = None;
        for role in &def.compensated {
            let name = ctx.describe_role(saga, role);
            let id = match ctx.role_step(role) {
                Ok(id) => id,
                Err(why) => {
                    self.add(why);
                    continue;
                }
            };
            match compensated.iter().position(|&s| s == id) {
                None => self.add(why_not_compensated(saga, id, &name)),
                Some(p) => {
                    if let Some((q, before)) = &previous
                        && p < *q
                    {
                        self.add(format!(
                            "{} is compensated before {before}.",
                            capitalize(&name)
                        ));
                    }
                    previous = Some((p, name));
                }
            }
        }
    }

    /// No role the rubric names as not compensated is; with `no_compensation`, nothing is
    /// (said once: not again when the roles compensated were named).
    fn not_compensated(
        &mut self,
        def: &ScenarioDef,
        ctx: &Context,
        saga: &Saga,
        run: &Scenario,
        compensated: &[StepId],
    ) {
        let named_before = self.lines.len();
        for role in &def.not_compensated {
            let Ok(id) = ctx.role_step(role) else {
                continue;
            };
            if compensated.contains(&id) {
                let action = saga
                    .step(id)
                    .compensation
                    .as_ref()
                    .map(|c| format!(" ({})", code(&c.action.value)))
                    .unwrap_or_default();
                self.add(format!(
                    "{} is compensated{action}, and it should not be.",
                    capitalize(&ctx.describe_role(saga, role))
                ));
            }
        }
        if def.no_compensation && !run.compensated.is_empty() && self.lines.len() == named_before {
            let names: Vec<String> = run
                .compensated
                .iter()
                .map(|&o| code(&compensation_name(saga, o)))
                .collect();
            self.add(format!(
                "Compensations run ({}), and nothing should be compensated.",
                list(&names)
            ));
        }
    }

    /// Each role the rubric names as retried is.
    fn retried(&mut self, def: &ScenarioDef, ctx: &Context, saga: &Saga, run: &Scenario) {
        for role in &def.retried {
            match ctx.role_step(role) {
                Err(why) => self.add(why),
                Ok(id) if !retried(run, id) => self.add(format!(
                    "{} is not retried: make it `kind: retriable` so that a failure is tried again.",
                    capitalize(&ctx.describe_role(saga, role))
                )),
                Ok(_) => {}
            }
        }
    }
}

/// Why a step the rubric expects compensated is not.
fn why_not_compensated(saga: &Saga, id: StepId, name: &str) -> String {
    let s = saga.step(id);
    match (&s.compensation, s.kind) {
        (Some(c), _) => format!(
            "{} is not compensated: its compensation {} never runs.",
            capitalize(name),
            code(&c.action.value)
        ),
        (None, StepKind::ReadOnly) => format!(
            "{} is not compensated: it is `read_only`, a check that changes nothing, so nothing is given back. If the step deducts something, it needs a `compensation`.",
            capitalize(name)
        ),
        (None, _) => format!(
            "{} is not compensated: it has no `compensation`, so its effect stays.",
            capitalize(name)
        ),
    }
}

pub(super) fn outcome(o: OutcomeDef) -> Outcome {
    match o {
        OutcomeDef::Completed => Outcome::Completed,
        OutcomeDef::Compensated => Outcome::Compensated,
        OutcomeDef::Stuck => Outcome::Stuck,
        OutcomeDef::Terminated => Outcome::Terminated,
        OutcomeDef::NeedsAttention => Outcome::NeedsAttention,
        OutcomeDef::Cancelled => Outcome::Cancelled,
    }
}

/// `ReleaseInventory` (the action), or the owner's name when the action is unknown.
fn compensation_name(saga: &Saga, owner: Owner) -> String {
    saga.compensation(owner)
        .map(|c| c.action.value.clone())
        .unwrap_or_else(|| owner_name(saga, owner))
}

/// Whether the step had a failed attempt and was tried again.
fn retried(run: &Scenario, step: StepId) -> bool {
    run.trace.iter().any(|a| match &a.kind {
        ActionKind::Run {
            work: Work::Step(s),
            result: StepResult::Transient { .. },
        }
        | ActionKind::Reply {
            work: Work::Step(s),
            result: StepResult::Transient { .. },
        } => *s == step,
        ActionKind::Command {
            work: Work::Step(s),
            attempt,
            duplicate: false,
        } => *s == step && *attempt > 1,
        _ => false,
    })
}

/// The run as numbered lines, for the student to follow what happened.
pub fn run_listing(saga: &Saga, run: &Scenario) -> String {
    let mut text = format!("The run sagac simulated ({}):", code(&run.name));
    for (i, action) in run.trace.iter().take(LISTED_ACTIONS).enumerate() {
        text.push_str(&format!("\n{}. {}", i + 1, prose(&action.describe(saga))));
    }
    if run.trace.len() > LISTED_ACTIONS {
        text.push_str(&format!(
            "\n… {} more: run {} for all of it.",
            run.trace.len() - LISTED_ACTIONS,
            code(&format!("sagac simulate --scenario {} SPEC", run.name))
        ));
    }
    text
}
