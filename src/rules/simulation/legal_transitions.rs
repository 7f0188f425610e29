declare_rule! {
    /// ## What it checks
    /// For a saga with `resources`, `sagac check` runs its instances at once (one fault at
    /// most, every interleaving) and reports a `set` that moves a record along a pair not
    /// in its resource's `transitions`. A `set` without `from` (I808) is the usual cause:
    /// it moves the record from whatever state another instance left it in. Reported at
    /// the `set`, with the shortest run.
    ///
    /// ## Why it matters
    /// The record's life cycle is the contract other services rely on: a late event that
    /// moves an order out of `CANCELLED` ships a cancelled order.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: begin_cancel
    ///     effects:
    ///       - set: order[order_id]
    ///         to: CANCEL_PENDING       # from any state, REJECTED included
    /// ```
    ///
    /// ## Fix
    /// Guard the move with the states it may leave (a compare-and-set: otherwise the
    /// built-in failure `WrongState`), or add the move to `transitions` if it is legal:
    /// ```yaml
    ///       - set: order[order_id]
    ///         from: [APPROVED]
    ///         to: CANCEL_PENDING
    /// ```
    pub static RULE = ("V713", "legal-transitions", Warning, "A record moved along a transition its resource does not declare");
}

/// The countermeasures, as `check`'s help names them.
pub const COUNTERMEASURE: &str = "guard the `set` with the states it may leave (`from: [...]`, a compare-and-set that answers `WrongState` otherwise), or add the move to the resource's `transitions` if it is legal";
