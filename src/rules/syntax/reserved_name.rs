use crate::diagnostic::Diagnostic;
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// A step id or participant named with a Rust keyword (`type`, `match`, `loop`, ...), a
    /// Mermaid sequence-diagram keyword (`end`, `alt`, `par`, `note`, `box`, `title`, `over`,
    /// ...), or `trigger`, which outputs use to name the saga's trigger.
    ///
    /// In language version 2 also: a data field called `failure` in the trigger's `data` or
    /// a step's `writes` (the language passes `failure`, what ended the forward phase, to
    /// compensations, the escalation and the outcome), and a business failure named like a
    /// built-in one: `TimedOut`, `Exhausted`, `Uncaught`, `DeadlinePassed`, `Cancelled`, and
    /// isolation's `Locked`, `Changed`, `WrongState`. `TimedOut`, `Exhausted` and the
    /// isolation failures may be listed only in a long-form entry that says how they are
    /// handled (`{ name: TimedOut, then: terminate }`, `{ name: Changed, then: retry }`).
    ///
    /// ## Why it matters
    /// A participant called `end` closes a Mermaid block instead of drawing an arrow, and a
    /// step called `match` is not a valid Rust identifier, so the diagram and the generated
    /// crate would break. A step that writes `failure`, or a business failure called
    /// `Cancelled`, would be mistaken for what the language itself reports.
    ///
    /// ## Example
    /// ```yaml
    /// participants:
    ///   box: {}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// participants:
    ///   shipping: {}
    /// ```
    pub static RULE = ("S007", "reserved-name", Error, "A step id, participant, data field or failure named with a reserved word");
}

/// `name`, of a `kind` ("participant", "step id"), is one of `model::names::RESERVED`.
pub fn reserved(name: &Spanned<String>, kind: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        name.span,
        format!(
            "`{}` is a reserved word and cannot be a {kind}",
            name.value
        ),
    )
    .label("reserved word")
    .help(format!(
        "choose another name, e.g. `{}_service` or a more specific one: Rust, Mermaid and sagac's outputs give `{}` a meaning of their own",
        name.value, name.value
    ))
}

/// Version 2: a field called `failure` written by the trigger or a step.
pub fn reserved_field(name: &Spanned<String>) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        name.span,
        "`failure` is reserved in language version 2 and cannot be written by the trigger or a step",
    )
    .label("reserved field")
    .help("the language passes `failure` (what ended the forward phase: its step, name and message) to compensations, the escalation and the outcome; call this field something more specific, e.g. `failure_reason`")
}

/// Version 2: a business failure named like a built-in one.
pub fn reserved_failure(name: &Spanned<String>, listable: bool) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        name.span,
        format!(
            "`{}` is a failure the language reports itself and cannot be declared as a business failure",
            name.value
        ),
    )
    .label("built-in failure");
    if listable {
        d.help(format!(
            "to change how `{0}` is handled, list it in the long form, e.g. `{{ name: {0}, then: terminate }}`; for a business failure choose another name",
            name.value
        ))
    } else {
        d.help(format!(
            "`{}` is reported by the language (`on_uncaught`, the deadline, a cancel); for a business failure choose another name",
            name.value
        ))
    }
}
