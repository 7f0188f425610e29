use super::written_at;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;

declare_rule! {
    /// ## What it checks
    /// Language version 2: a compensation with `on_failure: escalate` or
    /// `escalate_and_stop` in a saga that declares no `escalation`.
    ///
    /// ## Why it matters
    /// Escalating means telling someone what is left when a compensation gives up. Without
    /// an `escalation` nobody is named: the effect stays and nobody hears of it.
    ///
    /// ## Example
    /// ```yaml
    /// compensation_defaults: { on_failure: escalate }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// compensation_defaults: { on_failure: escalate }
    /// escalation: { participant: ops, action: OpenIncident }
    /// participants: { ops: { description: On-call incident queue }, ... }
    /// ```
    pub static RULE = ("C217", "escalation-missing", Error, "An `escalate*` policy without `escalation`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.escalation.is_some() {
        return;
    }
    let mut reported = Vec::new();
    for (_, c) in saga.compensations() {
        if !c.on_failure.value.escalates() {
            continue;
        }
        let span = written_at(&c.on_failure, c.span);
        if reported.contains(&span) {
            continue;
        }
        reported.push(span);
        out.push(
            Diagnostic::new(
                &RULE,
                span,
                format!(
                    "`on_failure: {}` escalates, but the saga names no `escalation`",
                    c.on_failure.value.as_str()
                ),
            )
            .label("nobody to tell")
            .help(
                "add `escalation: { participant: ops, action: OpenIncident }` at the top level \
                 (and declare the participant), naming who is told what is left",
            ),
        );
    }
}
