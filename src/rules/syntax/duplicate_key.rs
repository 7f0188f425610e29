declare_rule! {
    /// ## What it checks
    /// The same key twice in one mapping, such as two `compensation:` lines in a step or two
    /// participants with one name.
    ///
    /// ## Why it matters
    /// Many YAML readers keep the last value and drop the first without a word, so the saga
    /// that runs is not the one its author reads. sagac refuses the file instead.
    ///
    /// ## Example
    /// ```yaml
    /// participants:
    ///   inventory: {}
    ///   inventory: { outbox: { table: inventory_outbox, relay: cdc } }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// participants:
    ///   inventory: { outbox: { table: inventory_outbox, relay: cdc } }
    /// ```
    pub static RULE = ("S004", "duplicate-key", Error, "The same key twice in one mapping");
}
