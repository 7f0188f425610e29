use crate::diagnostic::Diagnostic;
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// A duration (`timeout`, `deadline`, `retry.initial`, `retry.max`,
    /// `outbox.poll_interval`) not written as a whole number followed by `ms`, `s`, `m`, `h`
    /// or `d`, or one too large to mean anything (over 365 days).
    ///
    /// ## Why it matters
    /// `5` could be seconds or milliseconds, and `1.5s` or `5 sec` are read differently by
    /// different tools; a timeout is part of the saga's behaviour (a step that times out is
    /// in doubt), so it must be unambiguous.
    ///
    /// ## Example
    /// ```yaml
    /// timeout: 5 seconds
    /// retry: { max_attempts: 3, initial: 0.2s }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// timeout: 5s
    /// retry: { max_attempts: 3, initial: 200ms }
    /// ```
    pub static RULE = ("S008", "bad-duration", Error, "A duration not written as a whole number and a unit");
}

/// `text`, written under `key`, is not a duration.
pub fn bad_duration(text: &Spanned<String>, key: &str) -> Diagnostic {
    Diagnostic::new(&RULE, text.span, format!("`{}` is not a duration", text.value))
        .label(format!("{key} needs a number and a unit"))
        .help("write a whole number followed by `ms`, `s`, `m`, `h` or `d`, e.g. `500ms`, `5s`, `10m` (at most 365d)")
}
