use crate::diagnostic::Diagnostic;
use crate::mermaid::{MAX_NESTING, ParseError, ParseErrorKind};

declare_rule! {
    /// ## What it checks
    /// The blocks of a sequence diagram are well formed: each `alt`, `opt`, `loop`, `par`,
    /// `critical`, `break`, `rect` and `box` is closed by `end`; an `end` closes a block;
    /// `else` appears in an `alt`, `and` in a `par`, `option` in a `critical`; blocks nest
    /// at most 16 deep.
    ///
    /// ## Why it matters
    /// Mermaid rejects the whole diagram. A failure path is usually drawn as the `else` of
    /// an `alt`, so a block that is not closed is the most common reason a failure path
    /// does not render.
    ///
    /// ## Example
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     O->>P: ChargeCard
    ///     alt card charged
    ///         P-->>O: charged
    ///     else card declined
    ///         O->>I: ReleaseInventory
    /// ```
    /// ````
    ///
    /// ## Fix
    /// Close the block with `end` after its last message:
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     O->>P: ChargeCard
    ///     alt card charged
    ///         P-->>O: charged
    ///     else card declined
    ///         O->>I: ReleaseInventory
    ///     end
    /// ```
    /// ````
    pub static RULE = ("M903", "block-structure", Error, "A block never closed, an `end` or `else` without its block, or blocks nested too deep");
}

/// A block error: the message, the label and the help.
pub fn structure(error: &ParseError) -> Diagnostic {
    let label = match &error.kind {
        ParseErrorKind::Unclosed { .. } => "opened here, never closed",
        ParseErrorKind::TooDeep => "one block too deep",
        _ => "no block for this",
    };
    let (message, help) = match &error.kind {
        ParseErrorKind::Unclosed { keyword } => (
            format!("this `{keyword}` block is never closed with `end`"),
            "add `end` on its own line after the block's last message".to_owned(),
        ),
        ParseErrorKind::EndWithoutBlock => (
            "`end` closes no block".to_owned(),
            "remove it, or open the block it should close (`alt`, `opt`, `loop`, `par`, ...)"
                .to_owned(),
        ),
        ParseErrorKind::BranchOutsideBlock { word } => (
            format!("`{word}` outside any block"),
            format!("`{word}` starts another branch of {}", owner(word)),
        ),
        ParseErrorKind::BranchInWrongBlock { word, block } => (
            format!("`{word}` cannot appear in an `{block}` block"),
            format!(
                "`{word}` starts another branch of {}; close the `{block}` with `end` first, or make it that block",
                owner(word)
            ),
        ),
        _ => (
            format!("blocks nested more than {MAX_NESTING} deep"),
            "close blocks with `end` before opening new ones; a diagram a person reads nests two or three".to_owned(),
        ),
    };
    Diagnostic::new(&RULE, error.span, message)
        .label(label)
        .help(help)
}

/// The block a branch keyword belongs to, with an example.
fn owner(word: &str) -> &'static str {
    match word {
        "and" => "a `par` block: `par` ... `and` ... `end`",
        "option" => "a `critical` block: `critical` ... `option` ... `end`",
        _ => "an `alt` block: `alt ok` ... `else failed` ... `end`",
    }
}
