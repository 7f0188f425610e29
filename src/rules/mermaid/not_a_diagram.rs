use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it checks
    /// A ```` ```mermaid ```` block, or a `.mmd` file, starts with the kind of diagram it
    /// is. sagac checks sequence diagrams, which start with `sequenceDiagram` (spelt so,
    /// case and all); other kinds Mermaid knows (`flowchart`, `stateDiagram-v2`, ...) are
    /// left alone. A block that is empty, or whose first word is no kind of diagram, is
    /// reported.
    ///
    /// ## Why it matters
    /// Mermaid cannot tell what to draw: it shows "No diagram type detected" instead of the
    /// drawing, and a grader sees no diagram.
    ///
    /// ## Example
    /// ````markdown
    /// ```mermaid
    /// SequenceDiagram
    ///     Orchestrator->>Payment: ChargeCard
    /// ```
    /// ````
    ///
    /// ## Fix
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     Orchestrator->>Payment: ChargeCard
    /// ```
    /// ````
    pub static RULE = ("M902", "not-a-diagram", Error, "A Mermaid block that is empty or names no kind of diagram");
}

/// A block or file with nothing but blank lines and comments; `span` is its fence (or the
/// start of a `.mmd` file).
pub fn empty(span: Span, block: bool) -> Diagnostic {
    let what = if block {
        "this Mermaid block is empty"
    } else {
        "the file holds no diagram"
    };
    Diagnostic::new(&RULE, span, what)
        .help("start the diagram with `sequenceDiagram` on its own line, then its participants and messages")
}

/// A first word that is no kind of diagram Mermaid knows.
pub fn unknown_type(span: Span, word: &str) -> Diagnostic {
    let help = match did_you_mean(word, ["sequenceDiagram", "flowchart", "stateDiagram-v2"]) {
        Some(close) => {
            format!("did you mean `{close}`? Mermaid reads the kind of diagram case and all")
        }
        None => "a sequence diagram starts with `sequenceDiagram` on its own line".to_owned(),
    };
    Diagnostic::new(
        &RULE,
        span,
        format!("`{word}` is not a kind of diagram Mermaid draws"),
    )
    .label("no such diagram type")
    .help(help)
}

/// A Markdown fence (```` ```mermaid ````) at the top of a `.mmd` file, which holds the
/// diagram's text alone.
pub fn fenced(span: Span) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        "a Markdown fence is not a kind of diagram Mermaid draws",
    )
    .label("a fence in a `.mmd` file")
    .help("a `.mmd` file holds the Mermaid text alone: remove the ```` ```mermaid ```` fence and its closing ```` ``` ```` (fences belong in Markdown files such as `answers.md`)")
}
