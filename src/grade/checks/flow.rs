//! `flow`: the happy path runs the roles' steps in the given order and completes. Judged
//! on the run the simulator produces, not on the order the steps are written in, so a
//! choreography whose events chain the steps differently is seen as it runs.

use crate::model::StepId;
use crate::scenario::{ActionKind, Outcome, StepResult, Work};

use super::scenario::run_listing;
use super::{Context, Verdict};

pub fn flow(roles: &[String], ctx: &Context) -> Verdict {
    let saga = match ctx.model() {
        Ok(s) => s,
        Err(why) => return Verdict::blocked(1, why),
    };
    let mut steps: Vec<StepId> = Vec::new();
    let mut missing = Vec::new();
    for r in roles {
        match ctx.role_step(r) {
            Ok(id) => steps.push(id),
            Err(why) => missing.push(why),
        }
    }
    if !missing.is_empty() {
        let mut v = Verdict::blocked(1, missing.remove(0));
        v.details.extend(missing);
        return v;
    }
    let happy = match ctx.explore(saga, &[]) {
        Ok(run) => run,
        Err(why) => return Verdict::blocked(1, why),
    };
    // The order in which steps succeeded in the happy run.
    let done: Vec<StepId> = happy
        .trace
        .iter()
        .filter_map(|a| match &a.kind {
            ActionKind::Run {
                work: Work::Step(s),
                result: StepResult::Success,
            }
            | ActionKind::Reply {
                work: Work::Step(s),
                result: StepResult::Success,
            } => Some(*s),
            _ => None,
        })
        .collect();
    let position = |id: StepId| done.iter().position(|&d| d == id);
    let mut v = Verdict::default();
    let described: Vec<String> = roles.iter().map(|r| ctx.describe_role(saga, r)).collect();
    let mut ok = happy.outcome == Outcome::Completed;
    let mut last: Option<usize> = None;
    for (i, &id) in steps.iter().enumerate() {
        match position(id) {
            None => {
                ok = false;
                v.details
                    .push(format!("In the happy path {} never runs.", described[i]));
            }
            Some(p) => {
                if last.is_some_and(|l| p < l) {
                    ok = false;
                    v.details.push(format!(
                        "In the happy path {} runs before {}.",
                        described[i],
                        described[i - 1]
                    ));
                }
                last = Some(p);
            }
        }
    }
    v.part(ok);
    if ok {
        v.details.insert(
            0,
            format!(
                "The happy path runs {} in this order and completes.",
                crate::grade::text::list(&described)
            ),
        );
    } else {
        if happy.outcome != Outcome::Completed {
            v.details.push(format!(
                "With no fault the saga ends {} instead of completed.",
                happy.outcome.as_str()
            ));
        }
        v.details.push(run_listing(saga, &happy));
        v.line = steps.first().and_then(|&s| ctx.line_of(saga.step(s).span));
    }
    v
}
