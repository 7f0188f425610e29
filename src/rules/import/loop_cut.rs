use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// The path of an imported saga from its start to its end has no loop (a `Next` or a
    /// `Choice` that returns to an earlier state, a sequence flow back to an earlier task).
    ///
    /// ## Why it matters
    /// A saga's steps are a sequence, each run once; a loop (polling for a status, a
    /// manual retry) cannot be said in the spec. The importer keeps the steps up to the
    /// loop and stops there, so the steps after it are not checked.
    ///
    /// ## Example
    /// ```yaml
    /// CheckStatus: { Type: Task, Resource: "…", Next: IsDone }
    /// IsDone: { Type: Choice, Choices: [{ Variable: $.done, BooleanEquals: true, Next: Ship }],
    ///           Default: CheckStatus }
    /// ```
    ///
    /// ## Fix
    /// Poll inside the task (or with the task's `Retry`), so the machine's path is a sequence:
    /// ```yaml
    /// CheckStatus: { Type: Task, Resource: "…", Next: Ship,
    ///                Retry: [{ ErrorEquals: [NotDone], MaxAttempts: 10 }] }
    /// ```
    pub static RULE = ("I008", "loop-cut", Warning, "An imported saga's path loops; the importer stops at the loop");
}

pub fn cut(span: Span, at: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("the saga's path comes back to `{at}`: the steps are read up to here"),
    )
    .label("a loop")
    .help("a saga's steps run once each, in order; poll or retry inside the task instead of looping back")
}
