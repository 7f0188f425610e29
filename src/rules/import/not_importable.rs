use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A file given to `sagac import` (or to `check` and `simulate`, which import it in
    /// memory) is a Step Functions state machine, a BPMN 2.0 process or a Serverless
    /// Workflow, and is well-formed JSON, YAML or XML.
    ///
    /// ## Why it matters
    /// A truncated export or a file in another format cannot be translated: nothing is
    /// written, and the error points at the line where reading stopped.
    ///
    /// ## Example
    /// ```json
    /// { "StartAt": "ReserveFlight",
    ///   "States": { "ReserveFlight": { "Type": "Task", "Resource": "arn:aws:lambda:…", "End": true }
    /// ```
    ///
    /// ## Fix
    /// Export the definition again (`aws stepfunctions describe-state-machine`, the
    /// modeler's "Save as"), or close what was left open:
    /// ```json
    /// { "StartAt": "ReserveFlight",
    ///   "States": { "ReserveFlight": { "Type": "Task", "Resource": "arn:aws:lambda:…", "End": true } } }
    /// ```
    pub static RULE = ("I001", "not-importable", Error, "The file is not well-formed, or not a format sagac imports");
}

pub fn unreadable(span: Span, language: &str, message: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("the file is not well-formed {language}: {message}"),
    )
    .label("reading stopped here")
    .help(format!(
        "fix the {language} at this line (a missing bracket or quote, a trailing comma), or export the definition again"
    ))
}

pub fn unknown_format(span: Span) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        "the file is not a Step Functions state machine, a BPMN 2.0 process or a Serverless Workflow",
    )
    .help("sagac imports Amazon States Language (`StartAt` and `States`), BPMN 2.0 XML (`<definitions>` with a `<process>`) and Serverless Workflow 0.8 (`specVersion` and `states`), as JSON, YAML or XML")
}
