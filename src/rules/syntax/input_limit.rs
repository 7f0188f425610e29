declare_rule! {
    /// ## What it checks
    /// The file goes beyond what a saga spec needs and what sagac reads safely: larger than
    /// 16 MiB, nested deeper than the YAML reader allows, or with aliases that expand to
    /// more data than the budget (the "billion laughs" attack).
    ///
    /// ## Why it matters
    /// sagac grades untrusted submissions in CI; a ten-line file of nested aliases can
    /// expand to gigabytes. sagac stops reading at the limit and reports it instead of
    /// exhausting memory or time.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a [x, x, x, x, x, x, x, x, x]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... nine levels deep
    /// ```
    ///
    /// ## Fix
    /// Write the spec plainly; a saga needs no aliases. Split a generated spec that is
    /// really this large into several sagas.
    pub static RULE = ("S011", "input-limit", Error, "The file is too large, too deep, or expands too far");
}

/// The largest spec sagac reads. A 10,000-step spec is about 3 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
