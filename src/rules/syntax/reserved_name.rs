declare_rule! {
    /// ## What it checks
    /// A step id or participant named with a Rust keyword (`type`, `match`, `loop`, ...), a
    /// Mermaid sequence-diagram keyword (`end`, `alt`, `par`, `note`, `box`, `title`, `over`,
    /// ...), or `trigger`, which outputs use to name the saga's trigger.
    ///
    /// ## Why it matters
    /// A participant called `end` closes a Mermaid block instead of drawing an arrow, and a
    /// step called `match` is not a valid Rust identifier, so the diagram and the generated
    /// crate would break.
    ///
    /// ## Example
    /// ```yaml
    /// participants:
    ///   box: {}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// participants:
    ///   shipping: {}
    /// ```
    pub static RULE = ("S007", "reserved-name", Error, "A step id or participant named with a reserved word");
}

/// Words that may not name a step or a participant: Rust keywords (strict and reserved),
/// Mermaid's sequence-diagram keywords, and `trigger`.
pub const RESERVED: &[&str] = &[
    // Rust
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    // Mermaid sequence diagrams
    "end",
    "and",
    "alt",
    "opt",
    "par",
    "critical",
    "rect",
    "note",
    "link",
    "links",
    "create",
    "destroy",
    "activate",
    "deactivate",
    "autonumber",
    "actor",
    "participant",
    "option",
    // words Mermaid 11 also rejects as whole participant ids (measured with its parser)
    "title",
    "over",
    "details",
    "properties",
    "off",
    "acctitle",
    "accdescr",
    "par_over",
    "sequencediagram",
    // sagac's own name for the trigger
    "trigger",
];

pub fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&name)
}
