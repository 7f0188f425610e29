//! What the reader found wrong, typed and placed: `rules::mermaid` words each kind (M901
//! to M903), so this module knows no rule codes and no sentences.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where in the file: the statement, or the word, at fault.
    pub span: Span,
    pub kind: ParseErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Nothing but blank lines, comments and front matter.
    Empty,
    /// The first word is not `sequenceDiagram`: another kind of diagram (`flowchart`), or
    /// no kind Mermaid knows (see [`super::is_diagram_type`]).
    NotSequence { word: String },
    /// A statement that starts with no keyword and holds no arrow.
    NotAStatement { word: String },
    /// A message without `:` before its text.
    MessageWithoutColon,
    /// A message whose sender or receiver is missing.
    MessageEnds,
    /// A participant id Mermaid cannot read (`A:B`, `-A`, `A--B`).
    BadId { id: String },
    /// `participant`, `actor`, `destroy`, `activate` or `deactivate` without a name.
    MissingName { keyword: String },
    /// `create` not followed by `participant` or `actor`.
    CreateWithoutKind,
    /// A note without `:` before its text.
    NoteWithoutColon,
    /// A note not placed `over`, `left of` or `right of`.
    NotePlacement,
    /// A note over no participant or more than two.
    NoteParticipants,
    /// Blocks nested deeper than [`super::MAX_NESTING`].
    TooDeep,
    /// A block never closed by `end`.
    Unclosed { keyword: &'static str },
    /// An `end` with no block open.
    EndWithoutBlock,
    /// `else`, `and` or `option` with no block open.
    BranchOutsideBlock { word: String },
    /// `else`, `and` or `option` in a block that has no such branch (`else` in an `opt`).
    BranchInWrongBlock { word: String, block: &'static str },
}

impl ParseErrorKind {
    /// Whether the error is about the blocks' structure (M903) rather than one statement.
    pub fn is_structure(&self) -> bool {
        matches!(
            self,
            ParseErrorKind::Unclosed { .. }
                | ParseErrorKind::EndWithoutBlock
                | ParseErrorKind::BranchOutsideBlock { .. }
                | ParseErrorKind::BranchInWrongBlock { .. }
                | ParseErrorKind::TooDeep
        )
    }
}
