use crate::diagnostic::Diagnostic;
use crate::load::{MAX_FILE_BYTES, Unreadable};
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A Markdown or Mermaid file given to `sagac check` (`answers.md`, `flow.mmd`) is UTF-8
    /// text of at most 16 MiB.
    ///
    /// ## Why it matters
    /// A binary file (a screenshot renamed `diagram.mmd`, a word-processor document saved
    /// as `answers.md`) or another encoding holds no diagram anyone can read or render.
    ///
    /// ## Example
    /// A PNG export of the diagram saved as `sequence.mmd`.
    ///
    /// ## Fix
    /// Hand in the diagram's Mermaid text, saved as UTF-8: a `.mmd` file starting with
    /// `sequenceDiagram`, or a ```` ```mermaid ```` block in `answers.md`.
    pub static RULE = ("M904", "not-text", Error, "A Markdown or Mermaid file that is not UTF-8 text");
}

/// A diagram file whose bytes are not text.
pub fn unreadable(why: Unreadable) -> Diagnostic {
    match why {
        Unreadable::TooLarge => Diagnostic::new(
            &RULE,
            Span::default(),
            format!(
                "the file is larger than {} MiB, far beyond any diagram or answers",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        )
        .help("check that this is the file you meant"),
        Unreadable::Binary => Diagnostic::new(
            &RULE,
            Span::default(),
            "the file is binary data, not Markdown or Mermaid text",
        )
        .help("save the diagram's Mermaid text (it starts with `sequenceDiagram`), not a picture of it"),
        Unreadable::NotUtf8 { offset, line } => Diagnostic::new(
            &RULE,
            Span::new(offset, offset),
            format!("the file is not UTF-8 text (an invalid byte on line {line})"),
        )
        .help("save the file as UTF-8; other encodings (Latin-1, UTF-16) are not read"),
    }
}
