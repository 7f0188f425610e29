declare_rule! {
    /// ## What it checks
    /// Every run ends: none waits forever for an event nobody sends, none loops. The
/// simulator reports a run that can make no progress and has not ended, such as a
/// choreography step that fails without announcing it.
    /// `sagac check` simulates every single fault (`sagac simulate` shows the full table and
    /// combinations); this is reported as a warning with the shortest run that breaks the
    /// invariant, because most such runs need an infrastructure fault whose design rule is a
    /// warning too. The static rules report the errors behind it.
    ///
    /// ## Why it matters
    /// A saga that never ends holds its resources forever: the order stays PENDING and the
/// customer never hears back.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: reserve_inventory
///     participant: inventory
///     consumes: order.created
///     action: ReserveInventory
///     emits: { success: inventory.reserved }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   - id: reserve_inventory
///     participant: inventory
///     consumes: order.created
///     action: ReserveInventory
///     emits: { success: inventory.reserved, failure: inventory.failed }
    /// ```
    pub static RULE = ("V704", "termination", Warning, "A run that never ends");
}
