declare_rule! {
    /// ## What it checks
    /// For a saga with `resources`, `sagac check` runs two instances of it at once (one
    /// fault at most, every interleaving) and reports an instance that reads a record while
    /// another instance's change to it is pending (made before that instance's point of no
    /// return), when the other instance then undoes the change: the reader acted on a
    /// value that never became true. A read of a record in a lock state is not dirty (it
    /// sees "pending"), nor a read of the `pessimistic_view` direction. Reported at the
    /// change that was undone, with the shortest run.
    ///
    /// ## Why it matters
    /// Order B sees the credit order A reserved, refuses a customer for lack of credit,
    /// and then A fails and gives the credit back: B refused on a balance that never
    /// existed. Or, the other way, B ships against stock A's compensation later takes.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   stock: { participant: inventory, key: item, kind: counter, commutative: true }
    /// steps:
    ///   - id: check_stock
    ///     effects: [{ read: "stock[item]" }]
    ///   - id: reserve_inventory
    ///     effects: [{ decrease: "stock[item]" }]   # pending until the pivot
    ///   - id: charge_credit
    ///     kind: pivot
    /// ```
    ///
    /// ## Fix
    /// Declare the direction a reader may safely see early (`pessimistic_view`), and
    /// keep the other after the point of no return; or hold the record in a lock state
    /// while the change is pending:
    /// ```yaml
    /// resources:
    ///   stock: { participant: inventory, key: item, kind: counter, commutative: true,
    ///            pessimistic_view: decrease }
    /// ```
    pub static RULE = ("V710", "no-dirty-read", Warning, "A read of a pending change that is then undone (dirty read)");
}

/// The countermeasures, as `check`'s help names them.
pub const COUNTERMEASURE: &str = "declare the direction a reader may see early (`pessimistic_view: <direction>`) and make the other only after the point of no return, or hold the record in a lock state (`locks`) while the change is pending, or move the change after the point of no return";
