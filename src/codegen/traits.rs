//! What a participant answers (`StepError`, the declared `Failure`s) and one trait per
//! participant with a method per action and per compensation.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::model::{Compensation, ParticipantId, StepId, StepKind, duration};

use super::plan::Plan;
use super::tokens::{code_list, docs};

pub fn errors(plan: &Plan) -> TokenStream {
    let serde = plan.serde_derive();
    let variants = plan.failures.iter().map(|(name, v)| {
        let steps: Vec<&str> = plan
            .saga
            .steps
            .iter()
            .filter(|s| s.failures.iter().any(|f| f.value == *name))
            .map(|s| s.id.value.as_str())
            .collect();
        let more = steps.len().saturating_sub(3);
        let mut by = code_list(steps.into_iter().take(3));
        if more > 0 {
            by.push_str(&format!(" and {more} more"));
        }
        let doc = docs(&format!("`{name}`, declared by {by}."));
        quote!(#doc #v,)
    });
    let names = plan
        .failures
        .iter()
        .map(|(name, v)| quote!(Failure::#v => #name,));
    let deadline = plan.saga.deadline.as_ref().map(|d| {
        let doc = docs(&format!(
            "The saga's deadline ({}) passed before the point of no return: the step that\nwas about to run fails with it.",
            duration::format(d.value)
        ));
        quote!(#doc DeadlinePassed,)
    });
    let deadline_name = deadline
        .as_ref()
        .map(|_| quote!(Failure::DeadlinePassed => "DeadlinePassed",));
    let (unexpected, unexpected_display) = if super::choreography_v2::used(plan) {
        super::choreography_v2::error_variants()
    } else {
        super::uncaught::error_variants(plan)
    };
    let (isolation, isolation_names) = super::resources::failure_variants(plan);
    quote! {
        /// A business failure: one the spec declares in a step's `failures`, or another.
        #[allow(clippy::enum_variant_names)]
        #[derive(Debug, Clone, PartialEq, Eq)]
        #serde
        pub enum Failure {
            #(#variants)*
            #deadline
            #isolation
            /// A failure the spec does not declare.
            Other(String),
        }

        impl Failure {
            /// The failure's name in the spec.
            pub fn name(&self) -> &str {
                match self {
                    #(#names)*
                    #deadline_name
                    #isolation_names
                    Failure::Other(name) => name,
                }
            }
        }

        impl fmt::Display for Failure {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        /// Why an action did not succeed. The difference decides what the saga does next.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #serde
        pub enum StepError {
            /// The request was refused for a business reason and nothing was applied. It is
            /// not retried: before the point of no return the saga compensates. (A retriable
            /// step is retried anyway: it must eventually succeed.)
            Business(Failure),
            /// Something that may work next time (a lost connection, a busy service) and
            /// nothing was applied: retried under the step's retry policy.
            Transient(String),
            /// No answer in time: the effect may or may not have been applied. A pivot or a
            /// retriable step is re-sent (the idempotency key makes that safe); any other
            /// step is compensated, so its compensation must tolerate an effect that never
            /// happened.
            TimedOut,
            #unexpected
        }

        impl fmt::Display for StepError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    StepError::Business(failure) => write!(f, "business failure: {failure}"),
                    StepError::Transient(why) => write!(f, "transient failure: {why}"),
                    StepError::TimedOut => f.write_str("no answer in time"),
                    #unexpected_display
                }
            }
        }

        impl std::error::Error for StepError {}
    }
}

/// What a participant runs: its trait's methods, in the order of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Trigger,
    TriggerCompensation,
    Step(StepId),
    Compensation(StepId),
    Reaction(usize),
    /// Version 2, orchestration: the escalation's action.
    Escalation,
}

/// The works of a participant, in spec order.
pub fn works(plan: &Plan, p: ParticipantId) -> Vec<Work> {
    let saga = plan.saga;
    let mut out = Vec::new();
    if saga.trigger.participant == p {
        out.push(Work::Trigger);
        if saga.trigger.compensation.is_some() {
            out.push(Work::TriggerCompensation);
        }
    }
    for (i, s) in saga.steps.iter().enumerate() {
        if s.participant == p {
            out.push(Work::Step(StepId::new(i)));
            if s.compensation.is_some() {
                out.push(Work::Compensation(StepId::new(i)));
            }
        }
    }
    for (i, r) in saga.reactions.iter().enumerate() {
        if r.participant == p {
            out.push(Work::Reaction(i));
        }
    }
    if plan.escalation.is_some() && saga.escalation.as_ref().is_some_and(|e| e.participant == p) {
        out.push(Work::Escalation);
    }
    out
}

/// The method name and return type of a work.
pub fn method<'p>(plan: &'p Plan, work: Work) -> (&'p Ident, TokenStream) {
    match work {
        Work::Trigger => (&plan.trigger_method, quote!(Result<(), StepError>)),
        Work::TriggerCompensation => (
            plan.trigger_compensation
                .as_ref()
                .unwrap_or(&plan.trigger_method),
            quote!(Result<(), StepError>),
        ),
        Work::Step(s) => {
            let names = plan.step(s);
            let ty = match &names.output {
                Some(o) => quote!(Result<#o, StepError>),
                None => quote!(Result<(), StepError>),
            };
            (&names.method, ty)
        }
        Work::Compensation(s) => (
            plan.step(s)
                .compensation
                .as_ref()
                .unwrap_or(&plan.step(s).method),
            quote!(Result<(), StepError>),
        ),
        Work::Reaction(i) => (&plan.reactions[i], quote!(Result<(), StepError>)),
        Work::Escalation => (
            plan.escalation.as_ref().unwrap_or(&plan.trigger_method),
            quote!(Result<(), StepError>),
        ),
    }
}

/// One trait per participant that runs anything.
pub fn participant_traits(plan: &Plan) -> TokenStream {
    let traits = plan.actors().map(|(id, names, trait_)| {
        let p = plan.saga.participant(id);
        let mut doc = format!("The participant `{}`", p.name.value);
        match &p.description {
            Some(d) => doc.push_str(&format!(": {}", d.trim())),
            None => doc.push('.'),
        }
        if let Some(o) = plan.saga.outbox_of(id) {
            doc.push_str(&format!(
                "\n\nIt publishes through the outbox table `{}` (relay: {}): insert the\n`OutboxRecord` of each event it publishes in the same transaction as its write.",
                o.table.value,
                o.relay.as_str()
            ));
        }
        doc.push_str(&format!(
            "\n\nImplement it in `participants.rs` (`{}`).",
            names.service
        ));
        let doc = docs(&doc);
        let methods = works(plan, id).into_iter().map(|w| {
            let (name, ret) = method(plan, w);
            let doc = docs(&work_doc(plan, w));
            let context = match w {
                Work::Compensation(_) | Work::TriggerCompensation => {
                    super::compensation_context::param(plan)
                }
                Work::Escalation => quote!(, escalation: &Escalation),
                _ => TokenStream::new(),
            };
            if plan.restate {
                // `async fn` in the implementation satisfies it; `Send`, as the workflow's
                // journaled effects run on a multi-threaded runtime.
                quote! {
                    #doc
                    fn #name(&self, data: &SagaData) -> impl std::future::Future<Output = #ret> + Send;
                }
            } else {
                quote! {
                    #doc
                    fn #name(&mut self, data: &SagaData #context) -> #ret;
                }
            }
        });
        let bounds = plan.restate.then(|| quote!(: Send + Sync + 'static));
        // Version 2, choreography: the outcome's participant tells the caller.
        let tell_caller = super::choreography_caller::tell_caller_declaration(plan, id);
        quote! {
            #doc
            pub trait #trait_ #bounds {
                #(#methods)*
                #tell_caller
            }
        }
    });
    quote!(#(#traits)*)
}

/// The driver's access to every participant (orchestration).
pub fn participants_struct(plan: &Plan) -> TokenStream {
    let fields = plan.actors().map(|(_, names, trait_)| {
        let field = &names.field;
        quote!(pub #field: &'a mut dyn #trait_,)
    });
    quote! {
        /// Every participant that runs an action, as the driver calls them.
        pub struct Participants<'a> {
            #(#fields)*
        }
    }
}

/// The action a work runs, whose effects its doc lists (the escalation declares none).
fn actor(work: Work) -> Option<crate::model::resources::Actor> {
    use crate::model::resources::Actor;
    Some(match work {
        Work::Trigger => Actor::Trigger,
        Work::TriggerCompensation => Actor::Compensation(crate::model::Owner::Trigger),
        Work::Step(s) => Actor::Step(s),
        Work::Compensation(s) => Actor::Compensation(crate::model::Owner::Step(s)),
        Work::Reaction(i) => Actor::Reaction(crate::model::ReactionId::new(i)),
        Work::Escalation => return None,
    })
}

/// The doc comment of a trait method: what to implement, from the spec.
pub fn work_doc(plan: &Plan, work: Work) -> String {
    let lines = match work {
        Work::Trigger => trigger_doc(plan),
        Work::TriggerCompensation => trigger_compensation_doc(plan),
        Work::Step(s) => step_doc(plan, s),
        Work::Compensation(s) => step_compensation_doc(plan, s),
        Work::Reaction(i) => reaction_doc(plan, i),
        Work::Escalation => escalation_doc(plan),
    };
    let effects = actor(work).map_or_else(Vec::new, |a| super::resources::doc_lines(plan, a));
    if effects.is_empty() {
        return lines.join("\n");
    }
    [lines, effects].concat().join("\n")
}

fn trigger_doc(plan: &Plan) -> Vec<String> {
    let saga = plan.saga;
    let t = &saga.trigger;
    let mut lines = vec![format!(
        "The trigger, `{}`: the local transaction that starts the saga.\n",
        t.action.value
    )];
    if let Some(d) = &t.description {
        lines.push(d.trim().to_owned());
    }
    if let Some(e) = &t.event {
        match saga.outbox_of(t.participant) {
            Some(o) => lines.push(format!(
                "In the same transaction, insert the `OutboxRecord` of `{}` into `{}`\n(`Message::outbox_record`): the relay publishes it even if the service crashes.",
                e.value, o.table.value
            )),
            None if saga.has_engine() => {}
            None => lines.push(format!(
                "It then publishes `{}` with no outbox: a crash between the write and the\npublish loses the saga (a dual write).",
                e.value
            )),
        }
    }
    lines
}

fn trigger_compensation_doc(plan: &Plan) -> Vec<String> {
    let saga = plan.saga;
    let mut lines = Vec::new();
    if let Some(c) = &saga.trigger.compensation {
        lines.push(format!(
            "`{}` undoes the trigger (`{}`) when the saga compensates; it runs last.\n",
            c.action.value, saga.trigger.action.value
        ));
        compensation_lines(&mut lines, c, plan);
        lines.extend(super::compensation_context::doc_lines(plan, c, false));
        lines.extend(super::compensation_timeout::doc_line(plan, c));
        lines.extend(super::choreography_timeout::doc_line(plan, c));
    }
    lines
}

fn step_doc(plan: &Plan, s: StepId) -> Vec<String> {
    let saga = plan.saga;
    let step = saga.step(s);
    let mut lines = vec![format!(
        "Step `{}`: `{}` ({}).\n",
        step.id.value,
        step.action.value,
        step.kind.as_str()
    )];
    if let Some(d) = &step.description {
        lines.push(d.trim().to_owned());
    }
    if !step.reads.is_empty() {
        lines.push(format!(
            "Reads {}.",
            code_list(step.reads.iter().map(|r| r.value.as_str()))
        ));
    }
    if let Some(o) = &plan.step(s).output {
        lines.push(format!(
            "Writes {}: return {} in `{o}`.",
            code_list(step.writes.iter().map(|r| r.value.as_str())),
            if step.writes.len() == 1 { "it" } else { "them" }
        ));
    }
    match step.kind {
        StepKind::Retriable => lines.push(
            "Retriable: every error is retried until it succeeds (a business failure too)."
                .to_owned(),
        ),
        _ if !step.failures.is_empty() => lines.push(format!(
            "Business failures: {} (`StepError::Business`).",
            code_list(step.failures.iter().map(|f| f.value.as_str()))
        )),
        _ => {}
    }
    lines.push(format!("Attempts: {}.", step.retry.describe()));
    if let Some(t) = &step.timeout {
        lines.push(format!(
            "Timeout: {}. Without an answer by then return `StepError::TimedOut` (in doubt).",
            duration::format(t.value)
        ));
    }
    match &step.idempotency_key {
        Some(k) => lines.push(format!(
            "Idempotent on `{}`: a repeated call with a key already seen must not apply\nthe effect again; answer as the first time.",
            k.value
        )),
        None if step.has_effect() => lines.push(
            "No idempotency key: a repeated delivery applies the effect again.".to_owned(),
        ),
        None => {}
    }
    if !plan.orchestration {
        let events: Vec<&str> = [&step.emits_success, &step.emits_failure]
            .into_iter()
            .flatten()
            .map(|e| e.value.as_str())
            .collect();
        if !events.is_empty()
            && let Some(o) = saga.outbox_of(step.participant)
        {
            lines.push(format!(
                "Its handler publishes {}: insert the record into `{}` in this transaction.",
                code_list(events),
                o.table.value
            ));
        }
    }
    lines
}

fn step_compensation_doc(plan: &Plan, s: StepId) -> Vec<String> {
    let step = plan.saga.step(s);
    let mut lines = Vec::new();
    if let Some(c) = &step.compensation {
        lines.push(format!(
            "`{}` undoes step `{}` (`{}`) when the saga compensates.\n",
            c.action.value, step.id.value, step.action.value
        ));
        compensation_lines(&mut lines, c, plan);
        lines.extend(super::compensation_context::doc_lines(plan, c, true));
        lines.extend(super::compensation_timeout::doc_line(plan, c));
        lines.extend(super::choreography_timeout::doc_line(plan, c));
        if step.timeout.is_some() && c.absent_effect.value != crate::model::AbsentEffect::Fail {
            lines.push(
                "The step can time out and be compensated while in doubt: this must succeed\neven if the step's effect never happened."
                    .to_owned(),
            );
        }
        if let Some(k) = &step.idempotency_key {
            lines.push(format!(
                "Idempotent on `{}` (the step's key covers its compensation).",
                k.value
            ));
        }
    }
    lines
}

fn escalation_doc(plan: &Plan) -> Vec<String> {
    let Some(e) = &plan.saga.escalation else {
        return Vec::new();
    };
    if let Some(event) = e.event.as_ref().filter(|_| !plan.orchestration) {
        // Version 2, choreography: run on the escalation event.
        return vec![
            format!(
                "The escalation, `{}`: a compensation gave up and a person must look at what is\nleft (`escalation.left`, its owner) after `escalation.failure`.\n",
                e.action.value
            ),
            format!(
                "Runs on `{}`, published by each compensation that gives up under `escalate*`. Retried until it succeeds: make it idempotent on the saga's key and `left`.",
                event.value
            ),
        ];
    }
    vec![
        format!(
            "The escalation, `{}`: a compensation gave up and a person must look at what is\nleft (`escalation.left`) after `escalation.failure`.\n",
            e.action.value
        ),
        "Sent once per saga, retried until it succeeds: make it idempotent on the saga's key."
            .to_owned(),
    ]
}

fn reaction_doc(plan: &Plan, i: usize) -> Vec<String> {
    let r = &plan.saga.reactions[i];
    let mut lines = vec![format!(
        "Reaction `{}` to {}: sets a state, idempotently; retried until it succeeds.\n",
        r.action.value,
        code_list(r.consumes.iter().map(|e| e.value.as_str()))
    )];
    if let Some(d) = &r.description {
        lines.push(d.trim().to_owned());
    }
    lines
}

fn compensation_lines(lines: &mut Vec<String>, c: &Compensation, plan: &Plan) {
    if let Some(d) = &c.description {
        lines.push(d.trim().to_owned());
    }
    if !c.reads.is_empty() {
        lines.push(format!(
            "Reads {}.",
            code_list(c.reads.iter().map(|r| r.value.as_str()))
        ));
    }
    if !plan.orchestration && !c.consumes.is_empty() {
        lines.push(format!(
            "Runs on {}.",
            code_list(c.consumes.iter().map(|e| e.value.as_str()))
        ));
    }
    let give_up = if c.retry.can_exhaust() {
        "; when they run out the saga is stuck"
    } else {
        ""
    };
    lines.push(format!(
        "Attempts: {}{give_up}. Any error is retried.",
        c.retry.describe()
    ));
}
