use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// `version` is neither 1 nor 2, the versions of the spec language this sagac reads.
    ///
    /// ## Why it matters
    /// A later version may give keys another meaning; reading it as version 2 could check
    /// a different saga from the one that was written.
    ///
    /// ## Example
    /// ```yaml
    /// version: 3
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// version: 2
    /// ```
    pub static RULE = ("S009", "unsupported-version", Error, "A spec language version this sagac does not read (it reads 1 and 2)");
}

pub fn unsupported(span: Span, version: u64) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("spec language version {version} is not supported"),
    )
    .label("this sagac reads versions 1 and 2")
    .help(
        "write `version: 1` or `version: 2`; this sagac knows only these versions of the language",
    )
}
