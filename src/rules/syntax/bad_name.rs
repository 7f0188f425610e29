declare_rule! {
    /// ## What it checks
    /// A name not written in its form: saga, participant, step id and data field names are
    /// snake_case (`[a-z][a-z0-9_]*`); actions are PascalCase (`[A-Z][A-Za-z0-9]*`); events
    /// are lowercase words joined by dots, at least two (`payment.failed`).
    ///
    /// ## Why it matters
    /// sagac turns these names into Rust identifiers (`codegen`) and Mermaid participant ids
    /// (`diagram`); a name with a space, a dash or a capital would need escaping and could
    /// collide with another. One form per kind of name also keeps specs readable.
    ///
    /// ## Example
    /// ```yaml
    /// - id: Reserve-Inventory
    ///   participant: inventory
    ///   action: reserve inventory
    ///   emits: { success: InventoryReserved }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    ///   emits: { success: inventory.reserved }
    /// ```
    pub static RULE = ("S006", "bad-name", Error, "A name not written in the form its kind requires");
}
