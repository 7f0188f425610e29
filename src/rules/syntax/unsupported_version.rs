declare_rule! {
    /// ## What it checks
    /// `version` is not 1, the only version of the spec language this sagac reads.
    ///
    /// ## Why it matters
    /// A later version may give keys another meaning; reading it as version 1 could check
    /// a different saga from the one that was written.
    ///
    /// ## Example
    /// ```yaml
    /// version: 2
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// version: 1
    /// ```
    pub static RULE = ("S009", "unsupported-version", Error, "A spec language version this sagac does not read");
}
