use crate::diagnostic::Diagnostic;
use crate::model::{Origin, Owner, Saga, StepKind, duration};

declare_rule! {
    /// ## What it checks
    /// Language version 2: a compensation with a `timeout` (its own, or from
    /// `compensation_defaults`) whose step has no `idempotency_key`. The trigger's
    /// compensation is idempotent by nature and is not reported.
    ///
    /// ## Why it matters
    /// A compensation that gets no answer in time is in doubt: the undo may have been
    /// applied. The saga sends it again. Without a key the participant cannot tell the
    /// re-send from a new request: a refund is paid twice, a second seat released.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_deposit
    ///   compensation: { action: RefundDeposit, timeout: 1h }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: charge_deposit
    ///   idempotency_key: booking_id
    ///   compensation: { action: RefundDeposit, timeout: 1h }
    /// ```
    pub static RULE = ("T306", "compensation-in-doubt-without-key", Error, "A compensation with a `timeout` whose step has no `idempotency_key`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let key = saga
        .trigger
        .data
        .first()
        .map_or("<field>", |f| f.value.as_str());
    for (owner, c) in saga.compensations() {
        let Owner::Step(id) = owner else { continue };
        let step = saga.step(id);
        let Some(timeout) = &c.timeout else { continue };
        if step.idempotency_key.is_some() || step.kind != StepKind::Compensatable {
            continue;
        }
        // Reported at the compensation: a timeout in `compensation_defaults` covers many.
        let mut d = Diagnostic::new(
            &RULE,
            match timeout.origin {
                Origin::Own(span) => span,
                Origin::Saga(_) | Origin::Default => c.span,
            },
            format!(
                "`{}` is re-sent after its {} timeout, but `{}` has no `idempotency_key`",
                c.action.value,
                duration::format(timeout.value),
                step.id.value
            ),
        )
        .label("no answer by then: undone or not?");
        if let Some(span) = timeout.span().filter(|s| *s != d.span) {
            d = d.related(span, "the timeout");
        }
        out.push(d.help(format!(
            "in doubt, `{}` is sent again; without a key the participant may undo twice: add \
             `idempotency_key: {key}` to `{}` (one key covers the action, its compensation \
             and their re-sends)",
            c.action.value, step.id.value
        )));
    }
}
