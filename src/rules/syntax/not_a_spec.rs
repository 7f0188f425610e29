declare_rule! {
    /// ## What it checks
    /// The file cannot be a spec at all: it is empty, holds only comments, is not UTF-8
    /// text (a binary file, a file in another encoding), holds several YAML documents, or
    /// its top level is not a mapping of keys.
    ///
    /// ## Why it matters
    /// A submission that uploaded the wrong file, or a `.yaml` produced by another tool,
    /// should be told so plainly rather than meet a parser error about a byte offset.
    ///
    /// ## Example
    /// ```yaml
    /// - reserve inventory
    /// - charge card
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// version: 1
    /// saga: place_order
    /// coordination: orchestration
    /// # participants, trigger, steps ...
    /// ```
    pub static RULE = ("S010", "not-a-spec", Error, "The file is empty, not text, or not a YAML mapping");
}
