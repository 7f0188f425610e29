declare_rule! {
    /// ## What it checks
    /// For a saga with `resources`, `sagac check` runs two instances of it at once (one
    /// fault at most, every interleaving) and reports an instance that reads a record in
    /// two actions (two steps, or a step and its compensation) while another instance
    /// changed it in between: the two reads disagree. Reported at the second read, with
    /// the shortest run.
    ///
    /// ## Why it matters
    /// The saga decides with the first value and acts with the second: it checks a
    /// credit limit against one balance and charges against another, or compensates from
    /// a value that is no longer the one it started from.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - id: check_stock
    ///     effects: [{ read: "stock[item]" }]
    ///   - id: reserve_inventory
    ///     effects:
    ///       - read: stock[item]          # reads again
    ///       - decrease: stock[item]
    /// ```
    ///
    /// ## Fix
    /// Read once and pass the value on in the saga's data (`writes`), or hold the record
    /// in a lock state across both reads:
    /// ```yaml
    /// steps:
    ///   - id: check_stock
    ///     writes: [stock_level]
    ///     effects: [{ read: "stock[item]" }]
    ///   - id: reserve_inventory
    ///     reads: [stock_level]
    ///     effects: [{ decrease: "stock[item]" }]
    /// ```
    pub static RULE = ("V711", "no-fuzzy-read", Warning, "Two reads of a record that another instance changed in between (fuzzy read)");
}

/// The countermeasures, as `check`'s help names them.
pub const COUNTERMEASURE: &str = "read the record once and pass the value on in the saga's data (`writes`, `reads`), or hold it in a lock state (`locks`) across both reads";
