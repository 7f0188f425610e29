//! Version 2's compensation `timeout`, in an orchestration: an attempt of the compensation
//! that gets no answer in time is in doubt (the undo may be applied) and is re-sent under
//! its `retry` (its step's idempotency key makes that safe, T306); when attempts run out,
//! its `on_failure` applies. `Command::Compensate` carries the attempt's `timeout`, and the
//! participant's client answers `StepError::TimedOut` when it passes. The generated tests
//! play `comptimeout:<owner>` (a fake that never answers its first attempt) after every
//! scenario where that compensation runs, as the simulator lists them. Nothing is
//! generated for a saga without a compensation timeout (every version 1 spec).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use super::tokens::option_duration;
use crate::model::Saga;

/// Whether some compensation has a `timeout`.
pub fn used(plan: &Plan) -> bool {
    super::compensation_context::used(plan) && with_timeout(plan.saga)
}

/// Whether some compensation has a `timeout`: the crate's tests then cover
/// `comptimeout:` (`codegen::fault_kinds`).
pub fn with_timeout(saga: &Saga) -> bool {
    saga.compensations().any(|(_, c)| c.timeout.is_some())
}

/// The state machine's parts: the `timeout` field of `Command::Compensate`, its value where
/// the machine makes one, and `Owner::timeout`.
#[derive(Default)]
pub struct MachineParts {
    pub items: TokenStream,
    pub field: TokenStream,
    pub init: TokenStream,
}

pub fn machine(plan: &Plan) -> MachineParts {
    if !used(plan) {
        return MachineParts::default();
    }
    MachineParts {
        items: owner_timeout(
            plan,
            "How long an attempt of its compensation may take (`compensation.timeout`):\nthen it is in doubt, and re-sent under its retry policy.",
        ),
        field: quote! {
            /// No answer within it: answer `StepError::TimedOut` (the undo may be applied).
            timeout: Option<Duration>,
        },
        init: quote!(timeout: owner.timeout(),),
    }
}

/// The fake's `comptimeout:` (in `Fake::undo_with`): its first attempt is never answered,
/// which the participant's client reports as `StepError::TimedOut`. Whether that attempt
/// undid the effect does not change the run: the re-send is recognised by the step's
/// idempotency key (T306 requires one), and the simulator counts a compensation as run
/// when an attempt answers success.
pub fn fake(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        let timed_out = self.0.borrow_mut().fire(&format!("comptimeout:{}", owner.id()));
        if timed_out {
            return Err(StepError::TimedOut);
        }
    }
}

/// The line of a compensation method's doc about its timeout.
pub fn doc_line(plan: &Plan, c: &crate::model::Compensation) -> Option<String> {
    if !used(plan) {
        return None;
    }
    timeout_doc(c, "the saga re-sends it")
}

/// `Timeout 30s: answer ...; <then>\n(idempotent ...) ...`: what a compensation with a
/// `timeout` must do, and who tries it again (the orchestrator, or a choreography's
/// handler).
pub fn timeout_doc(c: &crate::model::Compensation, then: &str) -> Option<String> {
    let t = c.timeout.as_ref()?;
    Some(format!(
        "Timeout {}: answer `StepError::TimedOut` when it passes; {then}\n(idempotent on the step's key) while its retry policy allows.",
        crate::model::duration::format(t.value)
    ))
}

/// `Owner::timeout()`: each compensation's `timeout`, `None` for the others; `doc` says what
/// the runtime does when it passes (the orchestrator's machine, or a choreography's
/// handler).
pub fn owner_timeout(plan: &Plan, doc: &str) -> TokenStream {
    let arms = plan.saga.compensations().filter_map(|(o, c)| {
        let t = c.timeout.as_ref()?;
        let owner = plan.owner_tokens(o);
        let d = option_duration(Some(t.value));
        Some(quote!(#owner => #d,))
    });
    let doc = super::tokens::docs(doc);
    quote! {
        impl Owner {
            #doc
            pub fn timeout(self) -> Option<Duration> {
                match self {
                    #(#arms)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    }
}
