use super::{plain, shape};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::Shape;

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

/// A file with a NUL byte.
pub fn binary() -> Diagnostic {
    Diagnostic::new(
        &RULE,
        Span::default(),
        "the file is binary data, not a YAML spec",
    )
    .help("a spec is a UTF-8 text file; check that the right file was given")
}

/// A file that stops being UTF-8 at `offset`, on `line`.
pub fn not_utf8(offset: usize, line: usize) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        Span::new(offset, offset),
        format!("the file is not UTF-8 text (an invalid byte on line {line})"),
    )
    .help("save the spec as UTF-8; other encodings (Latin-1, UTF-16) are not read")
}

/// A file of nothing but blank lines and comments.
pub fn empty() -> Diagnostic {
    Diagnostic::new(&RULE, Span::new(0, 0), "the file is empty: it holds no saga spec")
        .help("a spec starts with `version: 1`, then `saga`, `coordination`, `participants`, `trigger` and `steps`; `sagac explain S010` shows one")
}

pub fn multiple_documents(span: Span) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        "the file holds several YAML documents; a spec is one",
    )
    .help("put each saga in a file of its own")
}

pub fn ends_early(span: Span) -> Diagnostic {
    Diagnostic::new(&RULE, span, "the file ends before a spec starts")
}

/// The top level is `found` where a mapping (`expected`, in the reader's words) belongs.
pub fn top_level_not_mapping(span: Span, expected: &str, found: Shape) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!(
            "the top level of a spec is a mapping of keys (`version: 1`, `saga: ...`), not {}",
            shape(found)
        ),
    )
    .help("start the file with `version: 1`, then `saga:`, `coordination:`, `participants:`, `trigger:` and `steps:`")
    .label(format!("expected {}", plain(expected)))
}
