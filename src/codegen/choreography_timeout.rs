//! A compensation's `timeout` in a version 2 choreography (std runtime), written on the
//! compensation or resolved from `compensation_defaults`: its handler calls the
//! participant's method, which bounds each attempt by `Owner::timeout()` and answers
//! `StepError::TimedOut` when it passes (the undo may have happened). The handler retries
//! it under the compensation's `retry`, as the broker's redelivery does in the simulator
//! (`scenario/machine/handlers.rs`, `compensation_timed_out_by_event`): a second attempt
//! undoes again, recognised by the step's idempotency key; with no attempt left the
//! compensation gives up by its `on_failure`. The tests play `comptimeout:<owner>`.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;

/// Whether the crate is a version 2 choreography where some compensation has a timeout.
pub fn used(plan: &Plan) -> bool {
    super::choreography_v2::used(plan) && super::compensation_timeout::with_timeout(plan.saga)
}

/// `Owner::timeout()`.
pub fn items(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    super::compensation_timeout::owner_timeout(
        plan,
        "How long an attempt of its compensation may take (`compensation.timeout`):\nthe participant answers `StepError::TimedOut` when it passes (the undo may\nhave happened), and the handler tries again under its retry policy.",
    )
}

/// The fakes' `comptimeout:<owner>` (first in `Fake::undo_checked`): the first attempt
/// runs out of time. When the handler tries again, the timed-out attempt had undone the
/// effect (the simulator's representative run), so the next one repeats the undo (applied
/// twice without the step's key); when it cannot, the undo is not counted, as the simulator
/// counts only an attempt that answers.
pub fn fake(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        let timed_out = self.0.borrow_mut().fire(&format!("comptimeout:{}", owner.id()));
        if timed_out {
            if owner.retry().allows(2) {
                self.undo(owner)?;
            }
            return Err(StepError::TimedOut);
        }
    }
}

/// Whether an error of `Fake::undo_checked` is a timed-out attempt the handler retries
/// (`!retried_timeout(...)` keeps it from counting as giving up).
pub fn retried(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote!(&&!(matches!(result, Err(StepError::TimedOut)) && owner.retry().allows(2)))
}

/// The line of a compensation method's doc about its timeout.
pub fn doc_line(plan: &Plan, c: &crate::model::Compensation) -> Option<String> {
    if !used(plan) {
        return None;
    }
    super::compensation_timeout::timeout_doc(c, "the handler tries again")
}
