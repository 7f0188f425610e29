declare_rule! {
    /// ## What it checks
    /// A step, the trigger, a reaction or the orchestrator names a participant that is not
    /// declared under `participants`.
    ///
    /// ## Why it matters
    /// The participants are the services of the saga: each has its own database and, if it
    /// publishes events, its own outbox. A name that is not declared is usually a typo
    /// (`inventry`) or a service whose outbox was never thought about.
    ///
    /// ## Example
    /// ```yaml
    /// participants:
    ///   inventory: {}
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: warehouse
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// participants:
    ///   inventory: {}
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: inventory
    /// ```
    pub static RULE = ("R101", "undeclared-participant", Error, "A participant name not declared under `participants`");
}
