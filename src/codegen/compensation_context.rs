//! Version 2's compensation inputs, in an orchestration: what a compensation receives
//! beside the saga's data (`&CompensationContext { effect, failure }`: its step's effect
//! status and what ended the forward phase), `reads_if_present` (its step's writes, `None`
//! when the reply never came), `absent_effect: fail` (a compensation that finds nothing to
//! undo gives up at once) and `transactional: false` (a step whose failure may have applied
//! its effect). Nothing is generated for a version 1 spec, whose crate stays byte-identical.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use super::tokens::code_list;
use crate::model::{AbsentEffect, Compensation, Key, Owner, RunsFor};

/// Whether compensations receive a `CompensationContext`: every version 2 orchestration
/// on the std runtime.
pub fn used(plan: &Plan) -> bool {
    plan.orchestration && !plan.restate && plan.saga.is_v2()
}

/// `, context: &CompensationContext` after a compensation method's `data` (in a trait),
/// or nothing.
pub fn param(plan: &Plan) -> TokenStream {
    if used(plan) || super::choreography_v2::used(plan) {
        quote!(, context: &CompensationContext)
    } else {
        TokenStream::new()
    }
}

/// The same parameter unused (a `todo!` stub, a fake that ignores it).
pub fn unused_param(plan: &Plan) -> TokenStream {
    if used(plan) || super::choreography_v2::used(plan) {
        quote!(, _context: &CompensationContext)
    } else {
        TokenStream::new()
    }
}

/// `, &context` where the driver calls a compensation, or nothing.
pub fn arg(plan: &Plan) -> TokenStream {
    if used(plan) {
        quote!(, &context)
    } else {
        TokenStream::new()
    }
}

/// The driver's `let context = ...;` before it calls a compensation, or nothing.
pub fn let_context(plan: &Plan) -> TokenStream {
    if used(plan) {
        quote!(let context = saga.compensation_context(owner);)
    } else {
        TokenStream::new()
    }
}

/// The state machine's parts: the types, the `failure` field of `Saga` and its initial
/// value, the statements that keep the first failure of `on_result`, and the test of
/// `on_compensation` that gives up at once (`absent_effect: fail`).
#[derive(Default)]
pub struct MachineParts {
    pub items: TokenStream,
    pub field: TokenStream,
    pub init: TokenStream,
    pub keep_error: TokenStream,
    pub note_failure: TokenStream,
    pub gives_up_at_once: TokenStream,
}

pub fn machine(plan: &Plan) -> MachineParts {
    if !used(plan) {
        return MachineParts::default();
    }
    let absent = absent_effect_table(plan);
    let transactional = transactional_table(plan);
    let gives_up_at_once = if absent.is_empty() {
        TokenStream::new()
    } else {
        quote!(|| (absent_effect_fails(owner) && matches!(result, Err(StepError::Business(_)))))
    };
    // Version 2's errors nobody declared (`uncaught.rs`): `Uncaught`, and a wait that
    // only the deadline ends, `DeadlinePassed` (the contract's built-in names).
    let uncaught = super::uncaught::used(plan).then(|| {
        quote! {
            StepError::Unexpected(_) => "Uncaught".to_owned(),
            StepError::Unanswered => "DeadlinePassed".to_owned(),
        }
    });
    MachineParts {
        items: quote! {
            /// What became of the step a compensation undoes.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub enum Effect {
                /// The step succeeded (the trigger's effect is always applied).
                #[default]
                Applied,
                /// It timed out or was abandoned: its effect may or may not be applied.
                InDoubt,
                /// It answered a failure (the compensation runs for `any_attempt`): its
                /// effect may be partly applied.
                Failed,
            }

            /// What ended the saga's forward phase: the spec's `failure` field. Later
            /// failures (a compensation that gives up) do not replace it.
            #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
            pub struct SagaFailure {
                /// The step that failed, or `deadline` or `cancel` when they ended the forward
                /// phase.
                pub step: &'static str,
                /// A declared failure's name, or a built-in one: `TimedOut` (in doubt, no
                /// attempt left), `Exhausted` (transient failures, no attempt left).
                pub name: String,
                /// What the participant said.
                pub message: String,
            }

            impl SagaFailure {
                /// The failure a step's error makes.
                pub fn of(step: Step, error: &StepError) -> SagaFailure {
                    let name = match error {
                        StepError::Business(failure) if step.kind() != StepKind::Retriable => {
                            failure.name().to_owned()
                        }
                        StepError::Business(_) | StepError::Transient(_) => "Exhausted".to_owned(),
                        StepError::TimedOut => "TimedOut".to_owned(),
                        #uncaught
                    };
                    SagaFailure {
                        step: step.id(),
                        name,
                        message: error.to_string(),
                    }
                }
            }

            /// What a compensation receives beside the saga's data.
            #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
            pub struct CompensationContext {
                /// What became of its step.
                pub effect: Effect,
                /// What ended the forward phase.
                pub failure: SagaFailure,
            }

            impl Saga {
                /// What the compensation of `owner` receives now.
                pub fn compensation_context(&self, owner: Owner) -> CompensationContext {
                    let effect = match owner {
                        Owner::Trigger => Effect::Applied,
                        Owner::Step(step) => match self.step(step).status {
                            Status::Done => Effect::Applied,
                            Status::Failed => Effect::Failed,
                            Status::Idle | Status::Awaiting | Status::InDoubt => Effect::InDoubt,
                        },
                    };
                    CompensationContext {
                        effect,
                        failure: self.failure.clone().unwrap_or_default(),
                    }
                }
            }

            #absent
            #transactional
        },
        field: quote! {
            /// What ended the forward phase, once something did (the first failure).
            pub failure: Option<SagaFailure>,
        },
        init: quote!(failure: None,),
        keep_error: quote!(let error = result.as_ref().err().cloned();),
        note_failure: quote! {
            if failing && self.failure.is_none() {
                self.failure = error.map(|error| SagaFailure::of(step, &error));
            }
        },
        gives_up_at_once,
    }
}

/// `absent_effect_fails(owner)`, when some compensation has `absent_effect: fail`.
fn absent_effect_table(plan: &Plan) -> TokenStream {
    let owners: Vec<TokenStream> = plan
        .saga
        .compensations()
        .filter(|(o, c)| matches!(o, Owner::Step(_)) && c.absent_effect.value == AbsentEffect::Fail)
        .map(|(o, _)| plan.owner_tokens(o))
        .collect();
    if owners.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// Whether the compensation fails for good on an effect that never happened
        /// (`absent_effect: fail`): its participant answers `StepError::Business`, and the
        /// saga gives it up at once instead of retrying.
        pub fn absent_effect_fails(owner: Owner) -> bool {
            matches!(owner, #(#owners)|*)
        }
    }
}

/// Whether some step is not one local transaction (`transactional: false`).
pub fn non_transactional(plan: &Plan) -> bool {
    used(plan)
        && plan
            .saga
            .features
            .iter()
            .any(|f| f.key == Key::Transactional)
}

/// `transactional(step)`, when some step writes `transactional: false`.
fn transactional_table(plan: &Plan) -> TokenStream {
    if !non_transactional(plan) {
        return TokenStream::new();
    }
    let steps: Vec<TokenStream> = plan
        .saga
        .step_ids()
        .filter(|&s| !plan.saga.step(s).transactional.value)
        .map(|s| {
            let v = &plan.step(s).variant;
            quote!(Step::#v)
        })
        .collect();
    let body = if steps.is_empty() {
        quote!(true)
    } else {
        quote!(!matches!(step, #(#steps)|*))
    };
    quote! {
        /// Whether the step's effect, its reply and its outbox row are one local
        /// transaction. One that is not (`transactional: false`) may answer a failure with
        /// its effect applied: its compensation runs for `any_attempt`.
        pub fn transactional(step: Step) -> bool {
            #body
        }
    }
}

/// The lines of a compensation method's doc that version 2 adds: what it receives.
pub fn doc_lines(plan: &Plan, c: &Compensation, step: bool) -> Vec<String> {
    if !used(plan) && !super::choreography_v2::used(plan) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    if !c.reads_if_present.is_empty() {
        lines.push(format!(
            "Reads if present {}: `None` in `data` when the step's reply never came.",
            code_list(c.reads_if_present.iter().map(|r| r.value.as_str()))
        ));
    }
    if !step {
        lines.push(
            "`context.failure` says what ended the forward phase; `context.effect` is always\n`Applied`."
                .to_owned(),
        );
        return lines;
    }
    lines.push(format!(
        "Runs for {}.\n`context.effect` says what became of the step, `context.failure` what ended\nthe forward phase.",
        match c.runs_for.value {
            RunsFor::Success => "a step that succeeded (`success`)",
            RunsFor::PossibleEffect => "a step that succeeded or is in doubt (`possible_effect`)",
            RunsFor::AnyAttempt =>
                "any attempt of the step (`any_attempt`): succeeded, in doubt, or failed",
        }
    ));
    if c.absent_effect.value == AbsentEffect::Fail {
        lines.push(
            "`absent_effect: fail`: on an effect that never happened, answer\n`StepError::Business`: the saga gives this compensation up at once."
                .to_owned(),
        );
    }
    lines
}

/// Keeps what ended the forward phase when no step's failure did (the deadline, or the
/// caller's cancel), as the contract names it: `step` is `deadline` or `cancel`. Nothing
/// for a saga whose compensations are told no context.
pub fn note_cause(plan: &Plan, cause: &str, name: &str, message: &str) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        if self.failure.is_none() {
            self.failure = Some(SagaFailure {
                step: #cause,
                name: #name.to_owned(),
                message: #message.to_owned(),
            });
        }
    }
}

/// In `on_result`, where a step's answer ends the forward phase before the machine's own
/// `note_failure` is reached (a failure class out of attempts): keeps the failure the
/// compensations are told. Nothing for a saga whose compensations are told no context.
pub fn note_step_failure(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        if self.failure.is_none() {
            self.failure = error.clone().map(|error| SagaFailure::of(step, &error));
        }
    }
}
