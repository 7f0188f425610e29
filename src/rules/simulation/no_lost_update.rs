declare_rule! {
    /// ## What it checks
    /// For a saga with `resources`, `sagac check` runs two instances of it at once (one
    /// fault at most, every interleaving; `sagac simulate` shows more) and reports an
    /// instance that overwrites a record (`write`, or a `set` without `from`) after another
    /// instance changed it since the first one observed it: the other change is lost. A
    /// compensation restoring the value it saw over another instance's change counts too.
    /// Reported at the effect that overwrites, with the shortest run that does it.
    ///
    /// ## Why it matters
    /// Two orders read a stock level of 10, each writes 9: one reservation is gone, and
    /// the shop sells an item it does not have. Each saga is correct alone; only their
    /// interleaving loses the update, which no test of one saga finds.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   stock: { participant: inventory, key: item, kind: counter }
    /// steps:
    ///   - id: check_stock
    ///     effects: [{ read: "stock[item]" }]
    ///   - id: reserve_inventory
    ///     effects:
    ///       - write: stock[item]        # the level read, minus the quantity
    /// ```
    ///
    /// ## Fix
    /// A commutative update (an atomic delta that overwrites nothing), or a version check
    /// (`if_unchanged: <field>`, the version observed), or `version_file: true`, or a
    /// semantic lock held from the read to the write:
    /// ```yaml
    /// resources:
    ///   stock: { participant: inventory, key: item, kind: counter, commutative: true }
    /// steps:
    ///   - id: reserve_inventory
    ///     effects:
    ///       - decrease: stock[item]     # UPDATE stock SET n = n - :qty
    /// ```
    pub static RULE = ("V709", "no-lost-update", Warning, "Another instance's change overwritten (lost update)");
}

/// The countermeasures, as `check`'s help names them.
pub const COUNTERMEASURE: &str = "make the change commutative (`increase`/`decrease` with `commutative: true`), or check the version the instance observed (`if_unchanged: <field>`), or declare `version_file: true` on the resource, or hold a semantic lock (`locks`) from the read to the write";
