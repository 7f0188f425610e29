//! `scenario`: a fault on the step that plays a role, and what the saga must then do (its
//! outcome, which steps are compensated and in which order, which are not, which are
//! retried, which invariants hold). Judged on the simulator's runs of the student's saga.

use crate::grade::rubric::{FaultKindDef, OutcomeDef, ScenarioDef};
use crate::grade::text::{capitalize, code, list};
use crate::model::{Owner, Saga, StepId, StepKind};
use crate::scenario::{self, ActionKind, Fault, Outcome, Scenario, StepResult, Work, owner_name};

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
    let target = ctx.describe_role(saga, &def.step);
    let fault = match def.fault.unwrap_or(FaultKindDef::Fail) {
        FaultKindDef::Fail => Fault::Fail(step),
        FaultKindDef::Exhaust => Fault::Exhaust(step),
        FaultKindDef::Timeout => Fault::Timeout(step),
    };
    if !fault.applies_to(saga) {
        let why = match fault {
            Fault::Exhaust(_) => {
                format!("{target} is retried without limit, so it never runs out of attempts.")
            }
            _ => format!("{target} has no `timeout` in an orchestration, so it cannot time out."),
        };
        return Verdict::blocked(1, why);
    }
    let run = scenario::run(saga, &[fault]);
    let mut v = Verdict::default();
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
    let what = match fault {
        Fault::Fail(_) if saga.step(step).kind == StepKind::Retriable => {
            "fails once (a transient failure: the step is retriable)"
        }
        Fault::Fail(_) => "fails",
        Fault::Exhaust(_) => "fails on every attempt",
        _ => "times out",
    };
    let mut findings = Vec::new();
    let mut ok = true;

    if let Some(expected) = def.outcome {
        let expected = outcome(expected);
        if run.outcome != expected {
            ok = false;
            findings.push(format!("It should end {}.", expected.as_str()));
        }
    }
    let compensated_steps: Vec<StepId> = run
        .compensated
        .iter()
        .filter_map(|o| match o {
            Owner::Step(s) => Some(*s),
            Owner::Trigger => None,
        })
        .collect();
    let mut previous: Option<(usize, String)> = None;
    for role in &def.compensated {
        let name = ctx.describe_role(saga, role);
        let Ok(id) = ctx.role_step(role) else {
            ok = false;
            findings.push(ctx.role_step(role).err().unwrap_or_default());
            continue;
        };
        match compensated_steps.iter().position(|&s| s == id) {
            None => {
                ok = false;
                let s = saga.step(id);
                findings.push(match (&s.compensation, s.kind) {
                    (Some(c), _) => format!(
                        "{} is not compensated: its compensation {} never runs.",
                        capitalize(&name),
                        code(&c.action.value)
                    ),
                    (None, StepKind::ReadOnly) => format!(
                        "{} is not compensated: it is `read_only`, a check that changes nothing, so nothing is given back. If the step deducts something, it needs a `compensation`.",
                        capitalize(&name)
                    ),
                    (None, _) => format!(
                        "{} is not compensated: it has no `compensation`, so its effect stays.",
                        capitalize(&name)
                    ),
                });
            }
            Some(p) => {
                if let Some((q, before)) = &previous
                    && p < *q
                {
                    ok = false;
                    findings.push(format!(
                        "{} is compensated before {before}.",
                        capitalize(&name)
                    ));
                }
                previous = Some((p, name));
            }
        }
    }
    // `no_compensation` is said once: not again when the roles compensated were named.
    let named_before = findings.len();
    for role in &def.not_compensated {
        let Ok(id) = ctx.role_step(role) else {
            continue;
        };
        if compensated_steps.contains(&id) {
            ok = false;
            let action = saga
                .step(id)
                .compensation
                .as_ref()
                .map(|c| format!(" ({})", code(&c.action.value)))
                .unwrap_or_default();
            findings.push(format!(
                "{} is compensated{action}, and it should not be.",
                capitalize(&ctx.describe_role(saga, role))
            ));
        }
    }
    if def.no_compensation && !run.compensated.is_empty() && findings.len() == named_before {
        ok = false;
        let names: Vec<String> = run
            .compensated
            .iter()
            .map(|&o| code(&compensation_name(saga, o)))
            .collect();
        findings.push(format!(
            "Compensations run ({}), and nothing should be compensated.",
            list(&names)
        ));
    }
    for role in &def.retried {
        let Ok(id) = ctx.role_step(role) else {
            ok = false;
            findings.push(ctx.role_step(role).err().unwrap_or_default());
            continue;
        };
        if !retried(&run, id) {
            ok = false;
            findings.push(format!(
                "{} is not retried: make it `kind: retriable` so that a failure is tried again.",
                capitalize(&ctx.describe_role(saga, role))
            ));
        }
    }
    for name in &def.invariants {
        if let Some(broken) = run
            .violations
            .iter()
            .find(|x| x.invariant.as_str() == name.as_str())
        {
            ok = false;
            findings.push(format!("Invariant `{name}` is broken: {}", broken.message));
        }
    }
    v.part(ok);
    let header = format!(
        "When {target} {what}, the saga ends {}, compensating {} (scenario {}).",
        run.outcome.as_str(),
        if run.compensated.is_empty() {
            "nothing".to_owned()
        } else {
            list(
                &run.compensated
                    .iter()
                    .map(|&o| code(&compensation_name(saga, o)))
                    .collect::<Vec<_>>(),
            )
        },
        code(&run.name)
    );
    v.details.push(header);
    if !ok {
        v.details.extend(findings);
        v.details.push(run_listing(saga, &run));
        v.line = ctx.line_of(saga.step(step).span);
    }
    v
}

fn outcome(o: OutcomeDef) -> Outcome {
    match o {
        OutcomeDef::Completed => Outcome::Completed,
        OutcomeDef::Compensated => Outcome::Compensated,
        OutcomeDef::Stuck => Outcome::Stuck,
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
        text.push_str(&format!("\n{}. {}", i + 1, action.describe(saga)));
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
