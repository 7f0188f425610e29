//! The blocking driver of an orchestration: sends each command to its participant (a trait
//! method call), waits the backoff the state machine asks for, enforces the deadline, and
//! feeds the answers back until the saga ends.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Owner;

use super::plan::Plan;
use super::traits::{Work, method};

pub fn tokens(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let trigger_field = &plan.participant(saga.trigger.participant).field;
    let trigger_method = &plan.trigger_method;

    let run_arms = saga.steps.iter().enumerate().map(|(i, s)| {
        let id = crate::model::StepId::new(i);
        let v = &plan.step(id).variant;
        let field = &plan.participant(s.participant).field;
        let (m, _) = method(plan, Work::Step(id));
        quote!(Step::#v => Reply::#v(self.participants.#field.#m(data)),)
    });
    let context_arg = super::compensation_context::arg(plan);
    let (escalate_delay, escalate_arm) = super::escalation::driver(plan);
    let let_context = super::compensation_context::let_context(plan);
    let mut all_compensated = true;
    let mut comp_arms: Vec<TokenStream> = Vec::new();
    if saga.trigger.compensation.is_some() {
        let (m, _) = method(plan, Work::TriggerCompensation);
        comp_arms.push(
            quote!(Owner::Trigger => self.participants.#trigger_field.#m(data #context_arg),),
        );
    } else {
        all_compensated = false;
    }
    for (i, s) in saga.steps.iter().enumerate() {
        let id = crate::model::StepId::new(i);
        if s.compensation.is_none() {
            all_compensated = false;
            continue;
        }
        let owner = plan.owner_tokens(Owner::Step(id));
        let field = &plan.participant(s.participant).field;
        let (m, _) = method(plan, Work::Compensation(id));
        comp_arms.push(quote!(#owner => self.participants.#field.#m(data #context_arg),));
    }
    if !all_compensated {
        // Never sent: the orchestrator compensates only owners with a compensation.
        comp_arms.push(quote!(_ => Ok(()),));
    }
    let (deadline_fn, next) = match saga.deadline {
        // Version 2: the state machine decides what the deadline stops (`deadline.rs`).
        Some(_) if super::deadline::used(plan) => (None, super::deadline::driver_next()),
        Some(_) => (
            Some(quote! {
                /// The step of a command that the deadline fails instead of sending it: one
                /// before the point of no return, never one in doubt (its re-send must go
                /// out, since it may have applied).
                fn past_deadline(&self, saga: &Saga, command: &Command) -> Option<Step> {
                    let (Some(deadline), Command::Run { step, .. }) = (self.deadline, command) else {
                        return None;
                    };
                    let late = !step.info().after_point_of_no_return
                        && !saga.step(*step).in_doubt
                        && Instant::now() > deadline;
                    late.then_some(*step)
                }
            }),
            quote! {
                let next = match self.past_deadline(&saga, &command) {
                    Some(step) => saga.on_error(step, StepError::Business(Failure::DeadlinePassed)),
                    None => {
                        let reply = self.execute(&saga, &command);
                        saga.on_reply(reply)
                    }
                };
                queue.extend(next);
            },
        ),
        None => (
            None,
            quote! {
                let reply = self.execute(&saga, &command);
                queue.extend(saga.on_reply(reply));
            },
        ),
    };
    let deadline_field = saga.deadline.as_ref().map(|_| {
        quote! {
            /// When the saga gives up if the point of no return has not been passed (set
            /// by `run` from `DEADLINE`; set it yourself when resuming).
            pub deadline: Option<Instant>,
        }
    });
    let deadline_init = saga.deadline.as_ref().map(|_| quote!(deadline: None,));
    let deadline_start = saga.deadline.as_ref().map(|_| {
        quote! {
            self.deadline = DEADLINE.and_then(|d| Instant::now().checked_add(d));
        }
    });

    let wait = super::uncaught::driver_wait(plan);
    quote! {
        /// What the driver calls to persist the saga after every transition.
        pub type Persist<'a> = Box<dyn FnMut(&Saga) + 'a>;

        /// Runs sagas one at a time, calling the participants directly and blocking while it
        /// waits between attempts.
        pub struct Driver<'a> {
            pub participants: Participants<'a>,
            /// How to wait before a retry: `std::thread::sleep` (tests pass a no-op).
            pub sleep: fn(Duration),
            /// Called with the saga after every transition: write it to the saga log here.
            pub persist: Option<Persist<'a>>,
            #deadline_field
        }

        impl<'a> Driver<'a> {
            pub fn new(participants: Participants<'a>) -> Self {
                Driver {
                    participants,
                    sleep: std::thread::sleep,
                    persist: None,
                    #deadline_init
                }
            }

            /// Runs the trigger's local transaction, then the saga until it ends. The error is
            /// the trigger's: then nothing started.
            pub fn run(&mut self, data: SagaData) -> Result<Saga, StepError> {
                self.participants.#trigger_field.#trigger_method(&data)?;
                #deadline_start
                let (saga, commands) = Saga::start(data);
                Ok(self.drive(saga, commands))
            }

            /// Continues a saga read back from the saga log after a crash: what it was
            /// waiting for is sent again.
            pub fn resume(&mut self, saga: Saga) -> Saga {
                let commands = saga.pending();
                self.drive(saga, commands)
            }

            /// Sends commands, oldest first, and feeds the answers back until none is left.
            pub fn drive(&mut self, mut saga: Saga, commands: Vec<Command>) -> Saga {
                let mut queue: VecDeque<Command> = commands.into();
                if let Some(persist) = self.persist.as_mut() {
                    persist(&saga);
                }
                while let Some(command) = queue.pop_front() {
                    #next
                    if let Some(persist) = self.persist.as_mut() {
                        persist(&saga);
                    }
                }
                #wait
                saga
            }

            /// Sends one command: waits its delay, calls the participant, returns its answer.
            pub fn execute(&mut self, saga: &Saga, command: &Command) -> Reply {
                let delay = match command {
                    Command::Run { delay, .. } | Command::Compensate { delay, .. } #escalate_delay => *delay,
                };
                if !delay.is_zero() {
                    (self.sleep)(delay);
                }
                let data = &saga.data;
                match *command {
                    Command::Run { step, .. } => match step {
                        #(#run_arms)*
                    },
                    Command::Compensate { owner, .. } => {
                        #let_context
                        let result = match owner {
                            #(#comp_arms)*
                        };
                        Reply::Compensation(owner, result)
                    }
                    #escalate_arm
                }
            }

            #deadline_fn
        }
    }
}
