use crate::diagnostic::Diagnostic;
use crate::model::{DeadlineThen, FailureThen, OnUncaught, Saga, Step, StepId, StepKind};
use crate::source::{Span, Spanned};

declare_rule! {
    /// ## What it checks
    /// Language version 2: a point where the saga terminates (a failure's `then:
    /// terminate`, the deadline's, or an error nobody declared under `on_uncaught:
    /// terminate`, written or the default of `engine: step_functions`) that can be reached
    /// with a compensatable step applied that its `keeps` does not list.
    ///
    /// ## Why it matters
    /// A terminated saga stops at once: no further step, and no compensation. Every
    /// effect in place stays. `keeps` says which effects are left on purpose (a room kept
    /// for the guest to pay later); any other is a reservation, a hold or a charge that
    /// nobody will ever release (corpus 14 #1, 13 #1, 06). `on_uncaught: terminate` keeps
    /// nothing.
    ///
    /// ## Example
    /// ```yaml
    ///   - { id: reserve_room, kind: compensatable, compensation: ReleaseRoom, ... }
    ///   - id: create_avatar
    ///     failures: [{ name: AvatarNotFound, then: terminate }]
    /// ```
    ///
    /// ## Fix
    /// Keep the effect on purpose, or compensate instead of terminating:
    /// ```yaml
    ///     failures: [{ name: AvatarNotFound, then: terminate, keeps: [reserve_room] }]
    /// ```
    pub static RULE = ("C209", "terminate-leaves-effects", Warning, "A terminate point reachable with an applied compensatable step not in `keeps`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.is_v2() {
        return;
    }
    // After the point of no return, terminating at all is C210's error.
    let point = super::PointOfNoReturn::of(saga);
    for at in saga.step_ids() {
        let step = saga.step(at);
        if point.as_ref().is_some_and(|p| p.is_before(step)) {
            continue;
        }
        for failure in &step.failure_handling {
            if failure.then.value == FailureThen::Terminate {
                let span = failure.then.span().unwrap_or(failure.span);
                let what = format!("`{}` of `{}`", failure.name.value, step.id.value);
                let left = applied_at(saga, at, &failure.keeps);
                report(saga, span, &what, &left, KEEP_OR_COMPENSATE, out);
            }
        }
    }
    deadline(saga, out);
    uncaught(saga, point.as_ref(), out);
}

const KEEP_OR_COMPENSATE: &str = "list the effects left on purpose in `keeps`, or compensate \
     instead (`then: compensate`)";

/// The deadline terminates wherever it passes: every compensatable step it can find
/// applied (before the point of no return, or any with `applies: always`), the step it
/// abandons in doubt included.
fn deadline(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(policy) = &saga.deadline_policy else {
        return;
    };
    if policy.then.value != DeadlineThen::Terminate {
        return;
    }
    let Some(last) = saga
        .step_ids()
        .rev()
        .find(|&s| super::deadline_reaches(saga, saga.step(s)))
    else {
        return;
    };
    let mut left = applied_at(saga, last, &policy.keeps);
    if compensatable(saga.step(last)) && !kept(&policy.keeps, last) && !left.contains(&last) {
        left.push(last);
    }
    let span = policy.then.span().unwrap_or(policy.span);
    report(saga, span, "the deadline", &left, KEEP_OR_COMPENSATE, out);
}

/// Errors nobody declared under `on_uncaught: terminate`: one report per place the policy
/// is written (the saga's `on_uncaught` or its engine cover many steps), at the step that
/// leaves the most, before the point of no return (no compensation runs after it anyway).
fn uncaught(saga: &Saga, point: Option<&super::PointOfNoReturn<'_>>, out: &mut Vec<Diagnostic>) {
    let engine = saga
        .orchestrator
        .as_ref()
        .and_then(|o| o.engine.as_ref())
        .map(|e| e.span);
    let mut worst: Vec<(Span, StepId, Vec<StepId>)> = Vec::new();
    for at in saga.step_ids() {
        if saga.step(at).on_uncaught.value != OnUncaught::Terminate
            || point.is_some_and(|p| p.is_before(saga.step(at)))
        {
            continue;
        }
        let Some(span) = saga.step(at).on_uncaught.span().or(engine) else {
            continue;
        };
        let left = applied_at(saga, at, &[]);
        match worst.iter_mut().find(|(s, _, _)| *s == span) {
            Some(w) if w.2.len() < left.len() => *w = (span, at, left),
            Some(_) => {}
            None => worst.push((span, at, left)),
        }
    }
    for (span, at, left) in worst {
        let what = format!(
            "an error `{}` does not declare (`on_uncaught: terminate`)",
            saga.step(at).id.value
        );
        let help = "`on_uncaught: terminate` keeps nothing: write `on_uncaught: compensate` (the \
                    error becomes the failure `Uncaught`) or `retry`, or declare the error \
                    with the handling it needs";
        report(saga, span, &what, &left, help, out);
    }
}

/// The compensatable steps that can be applied when `at` terminates: those of earlier
/// stages, its parallel siblings (a terminating branch waits for them), and itself when a
/// failed attempt may have applied its effect (`transactional: false`); less those kept.
fn applied_at(saga: &Saga, at: StepId, keeps: &[Spanned<StepId>]) -> Vec<StepId> {
    let here = saga.step(at);
    saga.step_ids()
        .filter(|&s| compensatable(saga.step(s)) && !kept(keeps, s))
        .filter(|&s| {
            let step = saga.step(s);
            step.stage < here.stage
                || (step.stage == here.stage && (s != at || !here.transactional.value))
        })
        .collect()
}

fn compensatable(step: &Step) -> bool {
    step.kind == StepKind::Compensatable && step.compensation.is_some()
}

fn kept(keeps: &[Spanned<StepId>], step: StepId) -> bool {
    keeps.iter().any(|k| k.value == step)
}

fn report(
    saga: &Saga,
    span: Span,
    what: &str,
    left: &[StepId],
    help: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(&first) = left.first() else { return };
    let names: Vec<String> = left
        .iter()
        .map(|&s| format!("`{}`", saga.step(s).id.value))
        .collect();
    out.push(
        Diagnostic::new(
            &RULE,
            span,
            format!(
                "{what} terminates the saga with {} possibly applied and never compensated",
                names.join(", ")
            ),
        )
        .label("terminates: nothing is compensated")
        .related(saga.step(first).id.span, "its effect stays")
        .help(help),
    );
}
