use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// With a spec beside it, a diagram of a choreography has no orchestrator: no
    /// participant whose id or label says `Orchestrator` (or `orchestration`,
    /// `Coordinator`).
    ///
    /// ## Why it matters
    /// In a choreography nobody coordinates the steps: each service reacts to the events of
    /// the others, and each compensation listens for a failure event. A diagram with an
    /// orchestrator tells another story than the spec, usually because the coordination
    /// style was changed in one and not in the other.
    ///
    /// ## Example
    /// ```yaml
    /// coordination: choreography
    /// ```
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     participant Orch as Saga Orchestrator
    ///     Orch->>Inventory: ReserveInventory
    /// ```
    /// ````
    ///
    /// ## Fix
    /// Draw the events that chain the steps:
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     Order->>Inventory: order.created
    ///     Inventory->>Inventory: ReserveInventory
    ///     Inventory->>Payment: inventory.reserved
    /// ```
    /// ````
    /// or, if the diagram is the design you want, make the spec an orchestration
    /// (`coordination: orchestration` with an `orchestrator`).
    pub static RULE = ("M911", "orchestrator-in-choreography", Warning, "An orchestrator drawn for a choreography spec");
}

pub fn orchestrator(span: Span, label: &str, spec: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("`{label}` is an orchestrator, but {spec} is a choreography: nobody coordinates its steps"),
    )
    .label("no orchestrator in a choreography")
    .help("draw the services reacting to each other's events (`Payment->>Inventory: payment.failed`), or make the spec an orchestration (`coordination: orchestration` and an `orchestrator`)")
}
