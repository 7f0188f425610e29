use crate::diagnostic::Diagnostic;
use crate::load::MAX_FILE_BYTES;
use crate::source::Span;

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

/// A file past [`MAX_FILE_BYTES`].
pub fn too_large() -> Diagnostic {
    Diagnostic::new(
        &RULE,
        Span::default(),
        format!(
            "the file is larger than {} MiB, far beyond any saga spec",
            MAX_FILE_BYTES / 1024 / 1024
        ),
    )
    .help("check that this is the spec you meant; split a generated spec this large into several sagas")
}

/// Past the reader's budget of nodes or events (`breach` in the reader's words).
pub fn over_budget(span: Span, breach: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("the file goes beyond what sagac reads safely ({breach})"),
    )
    .help("a saga spec needs no aliases and little nesting; write it plainly")
}

pub fn aliases_too_large(span: Span) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        "aliases in the file expand to more data than sagac reads",
    )
    .help("a saga spec needs no aliases (`*name`); write the values out")
}

/// Nesting past the reader's limit (`message` in the reader's words).
pub fn too_deep(span: Span, message: &str) -> Diagnostic {
    Diagnostic::new(&RULE, span, message).help("a saga spec needs only a few levels of nesting")
}
