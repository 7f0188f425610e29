use crate::diagnostic::Diagnostic;
use crate::source::Span;

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

pub fn duplicate_key(span: Span, key: Option<&str>) -> Diagnostic {
    let name = key.unwrap_or("this key");
    Diagnostic::new(&RULE, span, format!("duplicate key `{name}`"))
        .label("written a second time here")
        .help("keep one of them: YAML readers disagree on which one wins")
}
