use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Emitter, Handler, Owner, ParticipantId, Saga};

declare_rule! {
    /// ## What it checks
    /// Language version 2, in a choreography with an `outcome`: the participant that
    /// delivers it (`outcome.participant`, by default the trigger's) runs no step at or
    /// after the point of no return and consumes no event such a step publishes on
    /// success. (Without a point of no return, the last steps' success events.)
    ///
    /// ## Why it matters
    /// With no coordinator, the service that answers the caller learns how the saga ended
    /// only from the events it consumes. Failures reach it through its compensation or a
    /// reaction, but if nothing tells it the saga completed, it can never deliver
    /// `completed`: the caller waits forever on a saga that succeeded (corpus 02 #4).
    ///
    /// ## Example
    /// ```yaml
    /// outcome: { delivery: status }
    /// trigger: { participant: order, action: CreateOrder, event: order.created, ... }
    /// # no handler of `order` consumes payment.completed
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// reactions:
    ///   - { participant: order, consumes: [payment.completed], action: ApproveOrder }
    /// ```
    pub static RULE = ("G409", "outcome-never-learned", Error, "Choreography: the participant delivering the outcome consumes no event that proves completion");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    let Some(outcome) = &saga.outcome else {
        return;
    };
    let Some(last) = saga.stages.len().checked_sub(1) else {
        return;
    };
    let from = saga
        .point_of_no_return()
        .map_or(last, |p| saga.step(p).stage);
    let completing = |s: &crate::model::StepId| saga.step(*s).stage >= from;
    let who = outcome.participant;
    if saga
        .step_ids()
        .any(|s| completing(&s) && saga.step(s).participant == who)
    {
        return;
    }
    let mut proofs = Vec::new();
    for event in &saga.events {
        let proves = event
            .emitted_by
            .iter()
            .any(|(e, _)| matches!(e, Emitter::StepSuccess(s) if completing(s)));
        if !proves {
            continue;
        }
        if event
            .consumed_by
            .iter()
            .any(|&(h, _)| handler_participant(saga, h) == who)
        {
            return;
        }
        proofs.push(event.name.clone());
    }
    let name = &saga.participant(who).name.value;
    let span = outcome.participant_span.unwrap_or(outcome.span);
    let mut d = Diagnostic::new(
        &RULE,
        span,
        format!(
            "`{name}` delivers the outcome, but no event it consumes says that the saga \
             completed"
        ),
    )
    .label("never learns `completed`");
    if let Some(step) = saga.step_ids().find(|s| completing(s)) {
        d = d.related(
            saga.step(step).id.span,
            "the saga completes once this succeeds",
        );
    }
    let help = match proofs.first() {
        Some(event) => format!(
            "add a reaction of `{name}` that consumes `{event}`, e.g. `{{ participant: {name}, \
             consumes: [{event}], action: ConfirmOutcome }}`: it delivers `completed`"
        ),
        None => format!(
            "let the step at the point of no return publish a success event (`emits.success`) \
             and add a reaction of `{name}` that consumes it"
        ),
    };
    out.push(d.help(help));
}

fn handler_participant(saga: &Saga, handler: Handler) -> ParticipantId {
    match handler {
        Handler::Step(s) => saga.step(s).participant,
        Handler::Compensation(Owner::Trigger) => saga.trigger.participant,
        Handler::Compensation(Owner::Step(s)) => saga.step(s).participant,
        Handler::Reaction(r) => saga.reactions[r.index()].participant,
    }
}
