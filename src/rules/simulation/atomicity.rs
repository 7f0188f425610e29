declare_rule! {
    /// ## What it checks
    /// Every run ends either completed (every step applied once, no compensation ran) or
/// compensated (every applied effect undone once, the trigger's included, the pivot not
/// applied). The simulator reports a run that ends anywhere else: an effect left applied
/// after a failure, a saga stuck because a step after the pivot or a compensation gave up,
/// or a saga lost when the orchestrator crashed without a saga log.
    /// `sagac check` simulates every single fault (`sagac simulate` shows the full table and
    /// combinations); this is reported as a warning with the shortest run that breaks the
    /// invariant, because most such runs need an infrastructure fault whose design rule is a
    /// warning too. The static rules report the errors behind it.
    ///
    /// ## Why it matters
    /// This is the promise a saga makes instead of a distributed transaction: all or nothing,
/// eventually. A run that ends half-done is the bug the saga pattern exists to prevent: the
/// stock stays reserved for an order whose payment failed.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
///   - id: reserve_inventory
///     participant: inventory
///     action: ReserveInventory
///     kind: compensatable
///     compensation: { action: ReleaseInventory, retry: { max_attempts: 2 } }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// steps:
///   - id: reserve_inventory
///     participant: inventory
///     action: ReserveInventory
///     kind: compensatable
///     compensation: ReleaseInventory   # retried until it succeeds
    /// ```
    pub static RULE = ("V701", "atomicity", Warning, "A run that ends half-done (neither completed nor compensated)");
}
