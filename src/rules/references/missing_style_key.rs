use crate::diagnostic::Diagnostic;
use crate::model::Coordination;
use crate::source::{Span, Spanned};

declare_rule! {
    /// ## What it checks
    /// A key the coordination style needs: in a choreography every step needs `consumes`
    /// (the event that starts it), and the trigger needs `event`; in an orchestration the
    /// trigger needs `event` unless `orchestrator.engine` starts the saga directly. In
    /// language version 2 a choreography's `escalation` needs `event`, the event a
    /// compensation that gives up publishes.
    ///
    /// ## Why it matters
    /// In a choreography a step nobody starts never runs. The trigger's event is what
    /// starts the saga at all: without it the order is saved and nothing else happens.
    ///
    /// ## Example
    /// ```yaml
    /// coordination: choreography
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: inventory
    ///     action: ReserveInventory
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// coordination: choreography
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: inventory
    ///     consumes: order.created
    ///     action: ReserveInventory
    /// ```
    pub static RULE = ("R104", "missing-style-key", Error, "A key the coordination style needs is absent");
}

/// The trigger (its action at `span`) announces no event, so nothing starts the saga.
pub fn trigger_without_event(span: Span, style: Coordination) -> Diagnostic {
    let (message, help) = match style {
        Coordination::Choreography => (
            "the trigger publishes no `event`, so nothing starts the choreography",
            "add `event: order.created` (the event the first step consumes)",
        ),
        Coordination::Orchestration => (
            "the trigger publishes no `event`, so nothing starts the orchestrator",
            "add `event: order.created`, or set `orchestrator.engine` if a workflow engine starts the saga directly",
        ),
    };
    Diagnostic::new(&RULE, span, message)
        .label("commits, then announces nothing")
        .help(help)
}

/// A choreography step that consumes no event.
pub fn step_without_consumes(id: &Spanned<String>) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        id.span,
        format!(
            "step `{}` consumes no event, so nothing starts it",
            id.value
        ),
    )
    .label("never started")
    .help("add `consumes: <event>` naming the event after which this step runs")
}

/// A choreography's escalation without the event compensations that give up publish.
pub fn escalation_without_event(span: Span) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        "the escalation names no `event`, so a compensation that gives up cannot tell anyone",
    )
    .label("no event to publish")
    .help("add `event: saga.needs.attention` (each compensation that gives up publishes it, and the escalation's participant consumes it)")
}
