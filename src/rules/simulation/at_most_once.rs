declare_rule! {
    /// ## What it checks
    /// No effect is applied twice under at-least-once delivery unless the step is idempotent.
/// The simulator delivers each command and event twice and reports a step without an
/// `idempotency_key` that applies its effect again.
    /// `sagac check` simulates every single fault (`sagac simulate` shows the full table and
    /// combinations); this is reported as a warning with the shortest run that breaks the
    /// invariant, because most such runs need an infrastructure fault whose design rule is a
    /// warning too. The static rules report the errors behind it.
    ///
    /// ## Why it matters
    /// Brokers and retries deliver messages more than once. Without deduplication the
/// customer is charged twice.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: charge_payment
///     participant: payment
///     action: ChargeCard
///     kind: pivot
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   - id: charge_payment
///     participant: payment
///     action: ChargeCard
///     kind: pivot
///     idempotency_key: order_id
    /// ```
    pub static RULE = ("V705", "at-most-once", Warning, "An effect applied twice by a duplicate delivery");
}
