use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Saga};

declare_rule! {
    /// ## What it checks
    /// An orchestration whose orchestrator keeps no durable saga log (`orchestrator.log`)
    /// and is not run by a workflow engine (`orchestrator.engine`).
    ///
    /// ## Why it matters
    /// The orchestrator is the only place that knows how far the saga got. If it keeps
    /// that in memory and crashes between "inventory reserved" and "charge card", nobody
    /// will ever charge the card or release the stock: the saga is lost half-done.
    ///
    /// ## Example
    /// ```yaml
    /// coordination: orchestration
    /// orchestrator:
    ///   participant: order
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// coordination: orchestration
    /// orchestrator:
    ///   participant: order
    ///   log: order_saga_log
    /// ```
    pub static RULE = ("W602", "orchestrator-without-log", Warning, "An orchestrator that keeps no durable saga log");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Orchestration {
        return;
    }
    let Some(o) = &saga.orchestrator else { return };
    if o.log.is_some() || o.engine.is_some() {
        return;
    }
    let host = &saga.participant(o.participant).name.value;
    let span = o.span.unwrap_or(saga.coordination_span);
    out.push(
        Diagnostic::new(&RULE, span, "the orchestrator keeps no saga log: a crash loses the saga half-done")
            .label("no `log` and no `engine`")
            .help(format!(
                "add `log: {}_saga_log` under `orchestrator:` (a table in `{host}`'s database written with each step), or `engine: temporal` if a durable workflow engine runs the saga",
                saga.name.value
            )),
    );
}
