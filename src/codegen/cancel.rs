//! Version 2's `cancellation` in the std runtime: `Saga::cancel()`, honoured until the
//! point of no return (or `until: <step>`), refused or ignored after it, and answered once
//! the pivot answers when it is outstanding; an honoured cancel sends no further command,
//! compensates (or with `compensations: cancelled` runs no compensation) and ends
//! `Cancelled`. The rules are `docs/simulation.md`'s. Nothing is generated for a saga
//! without `cancellation` (every version 1 spec).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::model::{CancelCompensations, CancelUntil, Late};

/// Whether the saga can be cancelled by its caller.
pub fn used(plan: &Plan) -> bool {
    plan.orchestration && plan.saga.cancellation.is_some()
}

/// The state machine's parts for a cancel, all empty for a saga without `cancellation`.
#[derive(Default)]
pub struct Parts {
    /// `State::Cancelled`.
    pub state: TokenStream,
    /// The `Saga` fields.
    pub field: TokenStream,
    pub init: TokenStream,
    pub outcome_arm: TokenStream,
    pub ended: TokenStream,
    /// In `on_result`, once the reply is known to be awaited: the pivot's answer to a
    /// cancel that waits for it.
    pub on_result: TokenStream,
    /// In `settle`, before it looks at `failing`.
    pub settle: TokenStream,
    /// The state a saga ends in when its compensation queue is done.
    pub compensated: TokenStream,
}

impl Parts {
    pub fn of(plan: &Plan) -> Parts {
        if !used(plan) {
            return Parts {
                compensated: quote!(State::Compensated),
                ..Parts::default()
            };
        }
        Parts {
            state: quote! {
                /// The caller's cancel was honoured before anything else ended the forward
                /// phase: every applied effect was undone (none, with `compensations:
                /// cancelled`).
                Cancelled,
            },
            field: quote! {
                /// Where the caller's cancel is (`Saga::cancel`).
                pub cancel: CancelState,
                /// The answer the caller got to its cancel, once it has one.
                pub cancel_answer: Option<CancelAnswer>,
            },
            init: quote!(cancel: CancelState::None, cancel_answer: None,),
            outcome_arm: quote!(State::Cancelled => Some(Outcome::Cancelled),),
            ended: quote!(| State::Cancelled),
            on_result: quote! {
                if self.cancel == CancelState::AwaitingPivot && POINT_OF_NO_RETURN == Some(step) {
                    // Too late once it succeeded; otherwise the saga compensates anyway.
                    self.cancel = CancelState::None;
                    let answer = if result.is_ok() { CancelAnswer::TooLate } else { CancelAnswer::Cancelled };
                    self.cancel_answer.get_or_insert(answer);
                }
            },
            settle: quote! {
                // An honoured cancel sends no further command.
                let failing = failing || self.cancel.honoured();
            },
            compensated: quote! {
                if self.cancel == CancelState::Honoured {
                    State::Cancelled
                } else {
                    State::Compensated
                }
            },
        }
    }
}

/// The settle step's test for `compensations: cancelled`: the honoured cancel ends the saga
/// with no compensation (placed after the terminate test, before the queue is built).
pub fn settle_end(plan: &Plan) -> TokenStream {
    let cancels_compensations = plan
        .saga
        .cancellation
        .as_ref()
        .is_some_and(|c| c.compensations.value == CancelCompensations::Cancelled);
    if !cancels_compensations {
        return TokenStream::new();
    }
    quote! {
        if self.cancel.honoured() {
            // `compensations: cancelled`: the cancel cancels them too.
            self.state = State::Cancelled;
            return Vec::new();
        }
    }
}

/// `POINT_OF_NO_RETURN`, `CancelAnswer`, `CancelState` and `Saga::cancel`.
pub fn tokens(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let Some(cancellation) = saga.cancellation.as_ref().filter(|_| used(plan)) else {
        return TokenStream::new();
    };
    let step = |s: crate::model::StepId| {
        let v = &plan.step(s).variant;
        quote!(Some(Step::#v))
    };
    let until = match cancellation.until.value {
        CancelUntil::Step(s) => step(s),
        CancelUntil::PointOfNoReturn => quote!(None),
    };
    let note_cancel = super::compensation_context::note_cause(
        plan,
        "cancel",
        "Cancelled",
        "the caller cancelled the saga",
    );
    let (late, late_doc) = match cancellation.late.value {
        Late::Refuse => (quote!(CancelAnswer::TooLate), "refused (`too_late`)"),
        Late::Ignore => (quote!(CancelAnswer::Ignored), "ignored (no answer)"),
    };
    let cancels_compensations = cancellation.compensations.value == CancelCompensations::Cancelled;
    let (during_compensation, during_doc) = if cancels_compensations {
        (
            quote! {
                // `compensations: cancelled`: none runs further.
                self.state = State::Cancelled;
            },
            "stops them (`compensations: cancelled`)",
        )
    } else {
        (
            TokenStream::new(),
            "lets them run (`compensations: detached`)",
        )
    };
    let doc = super::tokens::docs(&format!(
        "The caller cancels the saga. Before the point of no return has succeeded it is\nhonoured: no further command is sent, those outstanding are awaited, then the saga\ncompensates and ends `Cancelled`. While the pivot is outstanding the answer waits for\nthe pivot's (`AwaitingPivot`: `too_late` if it succeeds, `cancelled` otherwise); after\nit (or once `cancellation.until`'s command is sent, or at the end) the cancel is\n{late_doc}. During compensation it is answered `cancelled` and {during_doc}.\n\nReturns the answer now and the commands to send (none: an honoured cancel waits for the\nanswers outstanding). `cancel_answer` keeps the answer the caller got."
    ));
    quote! {
        /// With `cancellation.until: <step>`: the step whose command, once sent, makes a
        /// cancel too late.
        pub const CANCEL_UNTIL: Option<Step> = #until;

        /// The answer to the caller's cancel.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CancelAnswer {
            /// Honoured: the saga compensates.
            Cancelled,
            /// Refused: past the point of no return (`late: refuse`).
            TooLate,
            /// Not answered yet: the pivot's answer decides.
            AwaitingPivot,
            /// Too late and not answered (`late: ignore`).
            Ignored,
        }

        /// Where the caller's cancel is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum CancelState {
            #[default]
            None,
            /// Honoured before anything else ended the forward phase: the saga ends
            /// `Cancelled`.
            Honoured,
            /// Honoured after a failure (or the deadline) had ended the forward phase: the
            /// saga ends as that makes it.
            HonouredAfterFailure,
            /// Waiting for the pivot's answer.
            AwaitingPivot,
        }

        impl CancelState {
            /// Whether the saga sends no further step's command.
            pub fn honoured(self) -> bool {
                matches!(self, CancelState::Honoured | CancelState::HonouredAfterFailure)
            }
        }

        impl Saga {
            #doc
            pub fn cancel(&mut self) -> (CancelAnswer, Vec<Command>) {
                let answer = match self.state {
                    State::Running { failing, .. } => {
                        let status = |step: Option<Step>| step.map(|s| self.step(s).status);
                        let past_until = status(CANCEL_UNTIL).is_some_and(|s| s != Status::Idle);
                        let point = status(POINT_OF_NO_RETURN);
                        if point == Some(Status::Done) || past_until {
                            #late
                        } else if point == Some(Status::Awaiting) {
                            self.cancel = CancelState::AwaitingPivot;
                            CancelAnswer::AwaitingPivot
                        } else {
                            if !self.cancel.honoured() {
                                #note_cancel
                                self.cancel = if failing {
                                    CancelState::HonouredAfterFailure
                                } else {
                                    CancelState::Honoured
                                };
                            }
                            CancelAnswer::Cancelled
                        }
                    }
                    State::Compensating { .. } => {
                        #during_compensation
                        CancelAnswer::Cancelled
                    }
                    _ => #late,
                };
                if matches!(answer, CancelAnswer::Cancelled | CancelAnswer::TooLate) {
                    self.cancel_answer.get_or_insert(answer);
                }
                (answer, Vec::new())
            }
        }
    }
}

/// The test harness's `cancel:<step>`: the cancel reaches the orchestrator once the step's
/// first command has been processed, before its answer, as in the simulator's
/// representative run.
pub fn harness() -> TokenStream {
    quote! {
        if let Command::Run { step, attempt: 1, .. } = command {
            if world.borrow_mut().fire(&format!("cancel:{}", step.id())) {
                let (_, next) = saga.cancel();
                queue.extend(next);
            }
        }
    }
}
