declare_rule! {
    /// ## What it checks
    /// A key the coordination style needs: in a choreography every step needs `consumes`
    /// (the event that starts it), and the trigger needs `event`; in an orchestration the
    /// trigger needs `event` unless `orchestrator.engine` starts the saga directly.
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
