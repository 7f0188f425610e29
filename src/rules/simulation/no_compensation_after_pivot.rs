declare_rule! {
    /// ## What it checks
    /// No compensation runs after the pivot succeeded. The simulator reports a run in which
/// the saga compensates although its point of no return was passed, typically an in-doubt
/// pivot whose re-sends ran out while the first attempt had in fact been applied.
    /// `sagac check` simulates every single fault (`sagac simulate` shows the full table and
    /// combinations); this is reported as a warning with the shortest run that breaks the
    /// invariant, because most such runs need an infrastructure fault whose design rule is a
    /// warning too. The static rules report the errors behind it.
    ///
    /// ## Why it matters
    /// Once the card is charged the order must go through: compensating then refunds a
/// customer whose order is already being shipped, or releases stock that was sold.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: charge_payment
///     kind: pivot
///     timeout: 10s
///     retry: { max_attempts: 3 }
///     idempotency_key: order_id
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   - id: charge_payment
///     kind: pivot
///     timeout: 10s
///     retry: { max_attempts: unlimited }   # in doubt: re-send until answered
///     idempotency_key: order_id
    /// ```
    pub static RULE = ("V702", "no-compensation-after-pivot", Warning, "A compensation runs after the pivot succeeded");
}
