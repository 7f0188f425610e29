use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// Every reference in an imported file names something the file defines: a state's
    /// `Next`, `Default`, a catcher's `Next` and `StartAt` (Step Functions); a sequence
    /// flow's `sourceRef` and `targetRef`, a boundary event's `attachedToRef`, an
    /// association (BPMN); a transition, `compensatedBy` or `onErrors` target (Serverless
    /// Workflow).
    ///
    /// ## Why it matters
    /// The engine rejects the definition, and the importer cannot tell where that path
    /// goes: what runs after the step, or which task undoes it.
    ///
    /// ## Example
    /// ```yaml
    /// StartAt: ReserveFlight
    /// States:
    ///   ReserveFlight: { Type: Task, Resource: "arn:aws:lambda:…", Next: ReserveCar }
    ///   ReserveCarRental: { Type: Task, Resource: "arn:aws:lambda:…", End: true }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   ReserveFlight: { Type: Task, Resource: "arn:aws:lambda:…", Next: ReserveCarRental }
    /// ```
    pub static RULE = ("I003", "dangling-reference", Error, "A reference in an imported file to a state or element it does not define");
}

pub fn dangling(span: Span, key: &str, target: &str, suggestion: Option<&str>) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        span,
        format!("`{key}` names `{target}`, which the file does not define"),
    )
    .label("nothing has this name");
    match suggestion {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help("name a state or element the file defines"),
    }
}
