use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// `version` is not 1, the only version of the spec language this sagac reads.
    ///
    /// ## Why it matters
    /// A later version may give keys another meaning; reading it as version 1 could check
    /// a different saga from the one that was written.
    ///
    /// ## Example
    /// ```yaml
    /// version: 2
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// version: 1
    /// ```
    pub static RULE = ("S009", "unsupported-version", Error, "A spec language version this sagac does not read");
}

pub fn unsupported(span: Span, version: u64) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("spec language version {version} is not supported"),
    )
    .label("this sagac reads version 1")
    .help("write `version: 1`; this sagac knows only version 1 of the language")
}
