declare_rule! {
    /// ## What it checks
    /// For a saga with `resources`, `sagac check` runs its instances at once (one fault at
    /// most, every interleaving) and reports an instance whose run ends (completed,
    /// compensated, terminated, or needing attention) with a record in a lock state it
    /// holds. Reported at the effect that took the lock, with the shortest run.
    ///
    /// ## Why it matters
    /// A semantic lock (`*_PENDING`) is released only by the saga that took it. Left
    /// behind, every other saga's access to the record waits for ever (`on_locked:
    /// wait`) or is refused (`fail`): the order can never be cancelled or revised.
    ///
    /// ## Example
    /// ```yaml
    /// trigger:
    ///   effects:
    ///     - create: order[order_id]
    ///       to: PENDING                # a lock state
    /// steps:
    ///   - id: approve_order            # approves, but declares no `set`
    /// ```
    ///
    /// ## Fix
    /// Move the record out of its lock state on every path: a later step's `set` and the
    /// compensation's. A command that can apply after its sender gave up (a `timeout`
    /// while it waited for a lock) needs `version_file: true`:
    /// ```yaml
    ///   - id: approve_order
    ///     effects:
    ///       - set: order[order_id]
    ///         from: [PENDING]
    ///         to: APPROVED
    /// ```
    pub static RULE = ("V712", "locks-released", Warning, "A run that ends holding a semantic lock");
}

/// The countermeasures, as `check`'s help names them.
pub const COUNTERMEASURE: &str = "move the record out of its lock state on every path (a later step's `set`, the compensation's); where a command parked on a lock can apply after its sender gave up, declare `version_file: true` so its undo leaves a tombstone";
