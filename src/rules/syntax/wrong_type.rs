declare_rule! {
    /// ## What it checks
    /// A value of the wrong YAML type (a list where a name is expected, a word where a
    /// number is), or a word that is not one of the values the key allows
    /// (`coordination: orchestrated` instead of `orchestration`).
    ///
    /// ## Why it matters
    /// sagac cannot guess what was meant: `kind: retry` could be `retriable` or a typo for
    /// something else, and the saga's behaviour depends on it.
    ///
    /// ## Example
    /// ```yaml
    /// coordination: orchestrated
    /// steps:
    ///   - id: charge_payment
    ///     retry: { max_attempts: many }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// coordination: orchestration
    /// steps:
    ///   - id: charge_payment
    ///     retry: { max_attempts: 3 }
    /// ```
    pub static RULE = ("S003", "wrong-type", Error, "A value of the wrong type or not one of the allowed values");
}
