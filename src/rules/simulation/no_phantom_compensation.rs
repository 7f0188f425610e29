declare_rule! {
    /// ## What it checks
    /// A compensation never runs for an effect that never happened, unless the step was in
/// doubt (timed out). The simulator reports a compensation that runs although its step
/// failed or never ran, typically one that consumes its own step's failure event.
    /// `sagac check` simulates every single fault (`sagac simulate` shows the full table and
    /// combinations); this is reported as a warning with the shortest run that breaks the
    /// invariant, because most such runs need an infrastructure fault whose design rule is a
    /// warning too. The static rules report the errors behind it.
    ///
    /// ## Why it matters
    /// A failed step applied nothing; "undoing" it releases stock that was never reserved or
/// refunds money that was never taken, corrupting the participant's data.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: reserve_inventory
///     emits: { success: inventory.reserved, failure: inventory.failed }
///     compensation: { action: ReleaseInventory, consumes: [inventory.failed] }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   - id: reserve_inventory
///     emits: { success: inventory.reserved, failure: inventory.failed }
///     compensation: { action: ReleaseInventory, consumes: [payment.failed] }
    /// ```
    pub static RULE = ("V707", "no-phantom-compensation", Warning, "A compensation for an effect that never happened");
}
