use crate::diagnostic::Diagnostic;
use crate::model::Saga;

declare_rule! {
    /// ## What it checks
    /// Language version 2: an `escalation` in a saga where no compensation escalates
    /// (none has `on_failure: escalate` or `escalate_and_stop`).
    ///
    /// ## Why it matters
    /// The escalation is told only when a compensation that escalates gives up. Without
    /// one it is never used: the spec says someone is told, and nobody ever is. A
    /// compensation that gives up leaves the saga stuck (the default `on_failure`).
    ///
    /// ## Example
    /// ```yaml
    /// escalation: { participant: ops, action: OpenIncident }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// escalation: { participant: ops, action: OpenIncident }
    /// compensation_defaults: { on_failure: escalate }
    /// ```
    pub static RULE = ("C218", "unused-escalation", Warning, "An `escalation` that no compensation uses");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(escalation) = &saga.escalation else {
        return;
    };
    if saga
        .compensations()
        .any(|(_, c)| c.on_failure.value.escalates())
    {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            escalation.span,
            format!(
                "no compensation escalates, so `{}` is never sent",
                escalation.action.value
            ),
        )
        .label("never used")
        .help(
            "write `on_failure: escalate` on the compensations that may give up (or in \
             `compensation_defaults`), or remove `escalation`",
        ),
    );
}
