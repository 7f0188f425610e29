declare_rule! {
    /// ## What it checks
    /// No event is lost when a service crashes between its database write and its publish.
/// The simulator crashes each publisher there and reports an event that somebody needs but
/// that never leaves because it was not written through an outbox.
    /// `sagac check` simulates every single fault (`sagac simulate` shows the full table and
    /// combinations); this is reported as a warning with the shortest run that breaks the
    /// invariant, because most such runs need an infrastructure fault whose design rule is a
    /// warning too. The static rules report the errors behind it.
    ///
    /// ## Why it matters
    /// This is the dual-write problem: the order is saved, `order.created` is never
/// published, and the saga never starts.
    ///
    /// ## Example
    /// ```yaml
    /// trigger:
///   participant: order
///   action: CreateOrder
///   event: order.created
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// trigger:
///   participant: order
///   action: CreateOrder
///   event: order.created
///   outbox: { table: order_outbox, relay: cdc }
    /// ```
    pub static RULE = ("V706", "no-lost-event", Warning, "An event lost in a crash between write and publish");
}
