use super::list;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// The imported file has the shape its format requires: the keys and attributes it
    /// must have (`StartAt`, a state's `Type`, a task's `id`), values of the right type,
    /// state and element types the format defines, at least one task on the saga's path,
    /// and, in a BPMN file of several processes, `--process` naming one of them.
    ///
    /// ## Why it matters
    /// The engine would refuse the file too; a saga cannot be read from it.
    ///
    /// ## Example
    /// ```yaml
    /// StartAt: ReserveFlight
    /// States:
    ///   ReserveFlight:
    ///     Type: Taks
    ///     End: true
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// StartAt: ReserveFlight
    /// States:
    ///   ReserveFlight:
    ///     Type: Task
    ///     Resource: arn:aws:lambda:us-east-1:123456789012:function:ReserveFlight
    ///     End: true
    /// ```
    pub static RULE = ("I002", "import-shape", Error, "An imported file lacks a required key, has a value of the wrong type, or an unknown state type");
}

pub fn missing(span: Span, key: &str, place: &str) -> Diagnostic {
    Diagnostic::new(&RULE, span, format!("{place} has no `{key}`"))
        .label(format!("`{key}` is missing here"))
        .help(format!("add `{key}` to {place}"))
}

pub fn wrong_type(span: Span, key: &str, expected: &str, found: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("`{key}` is {found}, where {expected} is expected"),
    )
    .label(format!("expected {expected}"))
    .help(format!("write {expected} for `{key}`"))
}

pub fn unknown_type(span: Span, found: &str, allowed: &[&str]) -> Diagnostic {
    let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
    let suggestion = crate::suggest::did_you_mean(found, allowed.iter().map(String::as_str));
    let d = Diagnostic::new(&RULE, span, format!("unknown type `{found}`"))
        .label("not a type this format defines");
    match suggestion {
        Some(s) => d.help(format!(
            "did you mean `{s}`? The types are {}",
            list(&allowed)
        )),
        None => d.help(format!("the types are {}", list(&allowed))),
    }
}

pub fn no_steps(span: Span) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        "no task on the saga's path: there is no step to check",
    )
    .help("a saga's steps are the tasks from the start to the end; add the tasks, or import the file that has them")
}

pub fn choose_process(span: Span, wanted: Option<&str>, available: &[String]) -> Diagnostic {
    let message = match wanted {
        Some(w) => format!("no process `{w}` in the file"),
        None => "the file holds several processes".to_owned(),
    };
    Diagnostic::new(&RULE, span, message)
        .help(format!("choose one with `--process`: {}", list(available)))
}
