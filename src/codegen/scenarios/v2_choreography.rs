//! The test harness of a version 2 choreography (`choreography_v2.rs`): what the fakes
//! record of a compensation that gives up and of the escalation events, the outcome the
//! caller is told by the outcome's participant, and how a run's end is read (a saga that
//! compensated after a compensation gave up under `escalate*` needs attention).

use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::choreography_v2 as v2;
use crate::codegen::plan::Plan;
use crate::model::Emitter;
use crate::scenario::FaultKind;

/// Whether the outcome's participant tells the caller (the tests assert the value).
pub fn tells_caller(plan: &Plan) -> bool {
    crate::codegen::choreography_caller::tell_caller_method(plan).is_some()
}

/// The `World`'s fields for what gave up and what the escalation was told.
pub(super) fn world_fields(plan: &Plan) -> TokenStream {
    if !v2::gives_up(plan) {
        return TokenStream::new();
    }
    quote! {
        /// What the escalation was told each time: the effects left.
        escalations: Vec<Vec<&'static str>>,
        /// The compensations that gave up without getting the saga stuck.
        gave_up: Vec<&'static str>,
        /// Whether one of them escalates (`on_failure: escalate*`).
        escalating: bool,
    }
}

/// `Fake::undo_with` in a version 2 choreography: the context must say what the
/// participant knows (the effect applied exactly when its step succeeded, a failure), and
/// a compensation that fails on every attempt gives up (its handler runs out of attempts):
/// what its `on_failure` says is kept for the assertions.
pub(super) fn undo_with(plan: &Plan) -> TokenStream {
    let timed_out = crate::codegen::choreography_timeout::fake(plan);
    let retried = crate::codegen::choreography_timeout::retried(plan);
    let undo = match v2::gives_up(plan) {
        false => quote!(self.undo_checked(owner)),
        true => quote! {
            let result = self.undo_checked(owner);
            if result.is_err() #retried && owner.on_failure() != OnFailure::Stuck {
                let mut world = self.0.borrow_mut();
                if !world.gave_up.contains(&owner.id()) {
                    world.gave_up.push(owner.id());
                    world.escalating |= owner.on_failure().escalates();
                }
            }
            result
        },
    };
    quote! {
        /// A compensation told `context`.
        fn undo_with(&self, owner: Owner, context: &CompensationContext) -> Result<(), StepError> {
            {
                let world = self.0.borrow();
                let succeeded = match owner {
                    Owner::Trigger => true,
                    Owner::Step(step) => world.done.contains(step.id()),
                };
                assert_eq!(context.effect == Effect::Applied, succeeded, "the effect {} is told of ({context:?})", owner.id());
                assert!(!context.failure.name.is_empty(), "the failure {} is told of ({context:?})", owner.id());
            }
            #undo
        }

        /// `absent_effect: fail`: nothing to undo is a failure for good (and so is every
        /// attempt failing under `compfail:`).
        fn undo_checked(&self, owner: Owner) -> Result<(), StepError> {
            #timed_out
            if !absent_effect_fails(owner) {
                return self.undo(owner);
            }
            if let Owner::Step(step) = owner {
                let applied = self.0.borrow().applied.contains_key(step.id());
                if step.kind() != StepKind::ReadOnly && !applied {
                    return Err(StepError::Business(Failure::Other("nothing to undo".to_owned())));
                }
            }
            self.undo(owner).map_err(|error| match error {
                StepError::Transient(why) => StepError::Business(Failure::Other(why)),
                error => error,
            })
        }
    }
}

/// The fake of the outcome participant's method that tells the caller: the first value
/// is the one told.
pub(super) fn tell_caller_fake(plan: &Plan, p: crate::model::ParticipantId) -> TokenStream {
    if crate::codegen::choreography_caller::tell_caller_declaration(plan, p).is_none() {
        return TokenStream::new();
    }
    let Some(m) = crate::codegen::choreography_caller::tell_caller_method(plan) else {
        return TokenStream::new();
    };
    quote! {
        fn #m(&mut self, _data: &SagaData, outcome: Outcome, _failure: Option<&SagaFailure>) -> Result<(), StepError> {
            self.0.borrow_mut().told.get_or_insert(outcome);
            Ok(())
        }
    }
}

/// In `run`, the end of a compensated run: `NeedsAttention` when a compensation gave up
/// under `escalate*`.
pub(super) fn needs_attention(plan: &Plan) -> TokenStream {
    if !v2::escalates(plan) {
        return TokenStream::new();
    }
    quote! {
        else if announced && world.borrow().escalating {
            Outcome::NeedsAttention
        }
    }
}

/// The `World`'s field for a saga with a failure that terminates it.
pub(super) fn terminated_field(plan: &Plan) -> TokenStream {
    if !v2::terminates(plan) {
        return TokenStream::new();
    }
    quote! {
        /// A message carrying a failure that terminates the saga was published.
        terminated: bool,
    }
}

/// In the broker's `publish`: a message whose failure terminates the saga ends it
/// `Terminated` (the simulator's run ends where the failing handler stops it).
pub(super) fn terminated_publish(plan: &Plan) -> TokenStream {
    if !v2::terminates(plan) {
        return TokenStream::new();
    }
    quote! {
        if message.failure.as_ref().is_some_and(terminates) {
            world.borrow_mut().terminated = true;
        }
    }
}

/// In `run`, the end of a run whose failure terminated the saga.
pub(super) fn terminated_end(plan: &Plan) -> TokenStream {
    if !v2::terminates(plan) {
        return TokenStream::new();
    }
    quote! {
        else if world.borrow().terminated {
            Outcome::Terminated
        }
    }
}

/// `Run`'s fields from the `World`: what gave up and what the escalation was told, in the
/// owners' order (the trigger first, then the steps), as the simulator lists them.
pub(super) fn run_init(plan: &Plan) -> TokenStream {
    if !v2::gives_up(plan) {
        return TokenStream::new();
    }
    quote! {
        gave_up: in_owner_order(world.gave_up.clone()),
        left: in_owner_order(world.escalations.concat()),
    }
}

/// `in_owner_order`, which `run_init` uses.
pub(super) fn owner_order(plan: &Plan) -> TokenStream {
    if !v2::gives_up(plan) {
        return TokenStream::new();
    }
    quote! {
        /// Owners sorted as the simulator lists them: the trigger first, then the steps.
        fn in_owner_order(mut owners: Vec<&'static str>) -> Vec<&'static str> {
            let rank = |id: &str| {
                std::iter::once("trigger")
                    .chain(Step::ALL.iter().map(|s| s.id()))
                    .position(|o| o == id)
            };
            owners.sort_by_key(|id| rank(id));
            owners.dedup();
            owners
        }
    }
}

/// The fakes' `uncaught:<step>`: the first attempt meets an error nobody declared.
pub(super) fn uncaught_fake() -> TokenStream {
    quote! {
        if self.fire(&format!("uncaught:{id}")) {
            return Err(StepError::Unexpected("an error nobody declared".to_owned()));
        }
    }
}

/// In the broker's `publish`: the events of a step that is not one local transaction are
/// dual writes, lost in a crash even with an outbox.
pub(super) fn dual_write(plan: &Plan) -> TokenStream {
    if !v2::non_transactional(plan) {
        return TokenStream::new();
    }
    let saga = plan.saga;
    let events: Vec<TokenStream> = saga
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.emitted_by.iter().any(|&(em, _)| match em {
                Emitter::StepSuccess(s) | Emitter::StepFailure(s) => {
                    !saga.step(s).transactional.value
                }
                _ => false,
            })
        })
        .map(|(i, _)| {
            let v = plan.event(crate::model::EventId::new(i));
            quote!(Event::#v)
        })
        .collect();
    if events.is_empty() {
        return TokenStream::new();
    }
    quote!(|| matches!(message.event, #(#events)|*))
}

/// The test file's paragraph on a version 2 choreography: what the fakes and the broker
/// play, and the fault kinds `sagac simulate` lists that have no test here.
pub(super) fn about(plan: &Plan) -> Option<String> {
    if !v2::used(plan) {
        return None;
    }
    let mut h = String::from(
        "\nVersion 2: every message carries the saga's `failure`, which each compensation's\ncontext is built from; `uncaught:<step>` answers the step's first attempt\n`StepError::Unexpected`.",
    );
    if crate::codegen::choreography_deadline::used(plan) {
        h.push_str("\n`deadline:<step>`: the broker delivers the event that starts the step after the\ndeadline (its `deadline` already past): the step's handler refuses the work.");
    }
    if crate::codegen::choreography_timeout::used(plan) {
        h.push_str("\n`comptimeout:<owner>`: the compensation's first attempt runs out of time\n(`StepError::TimedOut`); the handler tries again while its retry policy allows.");
    }
    if v2::gives_up(plan) {
        h.push_str("\nA compensation that fails on every attempt gives up; the tests assert what gave up\nand what the escalation events told (`expect_gave_up`).");
    }
    h.push('\n');
    let tested = crate::codegen::fault_kinds(plan.saga);
    let untested: Vec<String> = [FaultKind::Deadline, FaultKind::CompTimeout]
        .into_iter()
        .filter(|k| !tested.contains(k))
        .filter(|&k| !crate::scenario::applicable(plan.saga, &[k]).is_empty())
        .map(|k| format!("`{}:`", k.as_str()))
        .collect();
    if !untested.is_empty() {
        h.push_str(&format!(
            "\nThe fault kinds {} have no test yet: `sagac simulate {}` lists their\nscenarios.\n",
            untested.join(", "),
            plan.source
        ));
    }
    Some(h)
}
