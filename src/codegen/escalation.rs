//! Version 2's `on_failure` in an orchestration: what the saga does when a compensation
//! gives up (its attempts run out, or `absent_effect: fail` meets nothing to undo).
//! `stuck` (version 1) stops there; `continue` and `escalate` go on with the other
//! compensations; `escalate_and_stop` stops compensating. Under `escalate*` the saga ends
//! `NeedsAttention` and sends `Command::Escalate { left }` once, to the `escalation`
//! participant's action, retried until it succeeds. The machine keeps the compensations
//! that gave up (`Saga::gave_up`). Nothing is generated for a saga whose compensations
//! all get stuck (every version 1 spec).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::plan::Plan;
use crate::model::OnFailure;

/// Whether some compensation gives up other than by getting the saga stuck.
pub fn used(plan: &Plan) -> bool {
    super::compensation_context::used(plan)
        && plan
            .saga
            .compensations()
            .any(|(_, c)| c.on_failure.value != OnFailure::Stuck)
}

/// Whether the saga can end `NeedsAttention` (some compensation escalates).
pub fn escalates(plan: &Plan) -> bool {
    used(plan)
        && plan
            .saga
            .compensations()
            .any(|(_, c)| c.on_failure.value.escalates())
}

/// The escalation participant's field and method, when the saga has an `escalation`.
pub fn target<'p>(plan: &'p Plan) -> Option<(&'p Ident, &'p Ident)> {
    if !escalates(plan) {
        return None;
    }
    let escalation = plan.saga.escalation.as_ref()?;
    let method = plan.escalation.as_ref()?;
    Some((&plan.participant(escalation.participant).field, method))
}

/// The state machine's parts, all empty without `used`.
#[derive(Default)]
pub struct MachineParts {
    /// `OnFailure`, `Escalation` and the machine's methods that give up and escalate.
    pub items: TokenStream,
    /// `Copy` in `Command`'s derive (not with `Escalate`, which carries a list).
    pub command_copy: TokenStream,
    pub command: TokenStream,
    pub reply: TokenStream,
    pub reply_arm: TokenStream,
    pub state: TokenStream,
    pub field: TokenStream,
    pub init: TokenStream,
    pub pending_arm: TokenStream,
    pub outcome_arm: TokenStream,
    /// In `on_compensation`, when the compensation has no attempt left.
    pub give_up: TokenStream,
    /// In `compensate`, when the queue is empty.
    pub all_ran: TokenStream,
}

pub fn machine(plan: &Plan) -> MachineParts {
    if !used(plan) {
        return MachineParts {
            command_copy: quote!(Copy,),
            ..MachineParts::default()
        };
    }
    let escalates = escalates(plan);
    let only = |tokens: TokenStream| {
        if escalates {
            tokens
        } else {
            TokenStream::new()
        }
    };
    MachineParts {
        items: items(plan, escalates),
        command_copy: TokenStream::new(),
        command: only(quote! {
            /// Tell the escalation's participant what is left (retried until it
            /// succeeds), after waiting `delay`.
            Escalate {
                left: Vec<Owner>,
                attempt: u32,
                delay: Duration,
            },
        }),
        reply: only(quote! {
            /// The answer of the escalation's action.
            Escalation(Result<(), StepError>),
        }),
        reply_arm: only(quote!(Reply::Escalation(result) => self.on_escalation(result),)),
        state: only(quote! {
            /// A compensation gave up under `escalate*`: the escalation is told the
            /// effects `left` in place.
            NeedsAttention { left: Vec<Owner> },
        }),
        field: quote! {
            /// The compensations that gave up and did not get the saga stuck, in order.
            pub gave_up: Vec<Owner>,
            /// Attempts of the escalation sent (0: none).
            pub escalation_attempts: u32,
            /// Whether the escalation's action succeeded.
            pub escalated: bool,
        },
        init: quote!(gave_up: Vec::new(), escalation_attempts: 0, escalated: false,),
        pending_arm: only(quote! {
            State::NeedsAttention { left } if self.escalation_attempts > 0 && !self.escalated => vec![Command::Escalate {
                left: left.clone(),
                attempt: self.escalation_attempts,
                delay: Duration::ZERO,
            }],
            State::NeedsAttention { .. } => Vec::new(),
        }),
        outcome_arm: only(quote!(State::NeedsAttention { .. } => Some(Outcome::NeedsAttention),)),
        give_up: quote! {
            if owner.on_failure() != OnFailure::Stuck {
                return self.give_up(owner);
            }
        },
        all_ran: only(quote! {
            if self.gave_up.iter().any(|o| o.on_failure().escalates()) {
                let mut left = self.gave_up.clone();
                left.sort();
                return self.escalate(left);
            }
        }),
    }
}

/// `OnFailure`, `Owner::on_failure`, `Escalation`, and the machine's methods that give a
/// compensation up and escalate.
fn items(plan: &Plan, escalates: bool) -> TokenStream {
    let arms = plan.saga.compensations().filter_map(|(o, c)| {
        let policy = match c.on_failure.value {
            OnFailure::Stuck => return None,
            OnFailure::Continue => quote!(OnFailure::Continue),
            OnFailure::Escalate => quote!(OnFailure::Escalate),
            OnFailure::EscalateAndStop => quote!(OnFailure::EscalateAndStop),
        };
        let owner = plan.owner_tokens(o);
        Some(quote!(#owner => #policy,))
    });
    let stop = escalates.then(|| {
        quote! {
            if owner.on_failure() == OnFailure::EscalateAndStop {
                // Left: those that gave up, and those never compensated now.
                let mut left = self.gave_up.clone();
                left.extend(rest);
                left.sort();
                return self.escalate(left);
            }
        }
    });
    let escalating = escalates.then(|| escalating(plan));
    quote! {
        /// What the saga does when a compensation gives up (`on_failure`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum OnFailure {
            /// Nothing more runs: the saga is stuck.
            Stuck,
            /// The other compensations run; nobody is told of the effect left.
            Continue,
            /// The other compensations run; then the escalation is told what is left.
            Escalate,
            /// The escalation is told at once; no other compensation runs.
            EscalateAndStop,
        }

        impl OnFailure {
            /// Whether the escalation is told.
            pub fn escalates(self) -> bool {
                matches!(self, OnFailure::Escalate | OnFailure::EscalateAndStop)
            }
        }

        impl Owner {
            /// What the saga does when this compensation gives up.
            pub fn on_failure(self) -> OnFailure {
                match self {
                    #(#arms)*
                    #[allow(unreachable_patterns)]
                    _ => OnFailure::Stuck,
                }
            }
        }

        /// What the escalation's action is told: the saga's key is in its data.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct Escalation {
            /// What ended the forward phase.
            pub failure: SagaFailure,
            /// The effects still in place: compensations that gave up (and under
            /// `escalate_and_stop` those that never ran), the trigger first, then the
            /// steps in order.
            pub left: Vec<Owner>,
        }

        impl Saga {
            /// A compensation gave up: by its `on_failure`, the saga goes on with the
            /// others, or escalates and stops.
            fn give_up(&mut self, owner: Owner) -> Vec<Command> {
                let State::Compensating { queue, .. } = &mut self.state else {
                    return Vec::new();
                };
                let mut rest = std::mem::take(queue);
                rest.retain(|&o| o != owner);
                self.gave_up.push(owner);
                #stop
                self.compensate(rest)
            }

            #escalating
        }
    }
}

/// `Saga::escalate` and `Saga::on_escalation`: the escalation sent once, retried until its
/// action succeeds.
fn escalating(plan: &Plan) -> TokenStream {
    let escalate_body = if target(plan).is_some() {
        quote! {
            self.state = State::NeedsAttention { left: left.clone() };
            self.escalation_attempts = 1;
            vec![Command::Escalate {
                left,
                attempt: 1,
                delay: Duration::ZERO,
            }]
        }
    } else {
        // No `escalation` (C217): nobody is told.
        quote! {
            self.state = State::NeedsAttention { left };
            Vec::new()
        }
    };
    quote! {
        /// Tells the escalation what is left (once per run), and ends `NeedsAttention`.
        fn escalate(&mut self, left: Vec<Owner>) -> Vec<Command> {
            #escalate_body
        }

        fn on_escalation(&mut self, result: Result<(), StepError>) -> Vec<Command> {
            let State::NeedsAttention { left } = &self.state else {
                return Vec::new();
            };
            if self.escalated || self.escalation_attempts == 0 {
                return Vec::new();
            }
            if result.is_ok() {
                self.escalated = true;
                return Vec::new();
            }
            // Retried without limit: it is idempotent on the saga's key.
            self.escalation_attempts += 1;
            vec![Command::Escalate {
                left: left.clone(),
                attempt: self.escalation_attempts,
                delay: RetryPolicy::FOREVER.delay_before(self.escalation_attempts),
            }]
        }
    }
}

/// The driver's parts: the `delay` of `Escalate`, and the call of the escalation's action.
pub fn driver(plan: &Plan) -> (TokenStream, TokenStream) {
    if !escalates(plan) {
        return (TokenStream::new(), TokenStream::new());
    }
    let arm = match target(plan) {
        Some((field, method)) => quote! {
            Command::Escalate { ref left, .. } => {
                let escalation = Escalation {
                    failure: saga.failure.clone().unwrap_or_default(),
                    left: left.clone(),
                };
                Reply::Escalation(self.participants.#field.#method(data, &escalation))
            }
        },
        // No `escalation` (C217): nobody to tell.
        None => quote!(Command::Escalate { .. } => Reply::Escalation(Ok(())),),
    };
    (quote!(| Command::Escalate { delay, .. }), arm)
}
