declare_rule! {
    /// ## What it checks
    /// A key the language requires is absent: `version`, `saga`, `coordination`,
    /// `participants`, `trigger` and `steps` at the top; `participant` and `action` in the
    /// trigger; `id`, `participant` and `action` in a step; `action` in a long-form
    /// compensation; `table` and `relay` in an outbox.
    ///
    /// ## Why it matters
    /// Without these a saga has no defined behaviour: a step without a participant runs
    /// nowhere, a saga without a trigger never starts.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   action: ReserveInventory
    ///   compensation: ReleaseInventory
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    ///   compensation: ReleaseInventory
    /// ```
    pub static RULE = ("S005", "missing-key", Error, "A required key is absent");
}
