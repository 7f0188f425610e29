declare_rule! {
    /// ## What it checks
    /// Language version 2, for a saga with an `outcome`: every run that ends (completed,
    /// compensated, terminated, needs attention, cancelled) tells its caller exactly once,
    /// the value `outcome.values` gives its end; and a cancel (with `cancellation`) is
    /// answered at most once, `cancelled` only for a run that did not complete and
    /// `too_late` only for one that did. A stuck or endless run is left to `atomicity` and
    /// `termination`. `sagac check` simulates every single fault and reports the shortest
    /// run that breaks it, as a warning; `sagac simulate` shows the table.
    ///
    /// ## Why it matters
    /// The caller acts on the answer: a traveller told `Booked` goes to the airport, one
    /// told `NotBooked` books elsewhere. An answer given at the decision
    /// (`outcome.at: decision`) that the end then contradicts, a saga that answers twice, or
    /// a cancel answered `cancelled` by a saga that completed anyway, leaves the caller
    /// believing something false (corpus 07 #2, 08, 09 #1).
    ///
    /// ## Example
    /// ```yaml
    /// outcome: { delivery: reply, at: decision,
    ///            values: { completed: Booked, compensated: NotBooked, needs_attention: Stuck } }
    /// compensation_defaults: { on_failure: escalate }
    /// ```
    ///
    /// ## Fix
    /// Answer at the end, or give the ends that can follow a decision the same value:
    /// ```yaml
    /// outcome: { delivery: reply, at: decision,
    ///            values: { completed: Booked, compensated: NotBooked, needs_attention: NotBooked } }
    /// ```
    pub static RULE = ("V708", "exactly-one-outcome", Warning, "A run that does not tell its caller exactly one outcome, the one of its end");
}
