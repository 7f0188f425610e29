//! The draft as a spec file: the YAML `sagac import` writes, each step headed by a comment
//! naming the source element and its line, and every note (what was approximated, what has
//! no meaning in the spec language) kept as a comment at the end. Names are already in the
//! language's forms; free text is written as a JSON string (a YAML double-quoted scalar)
//! and comments are kept on one line, so nothing from the source can change the YAML's
//! structure.

use std::fmt::Write;

use super::draft::{Compensation, Draft, NoteKind, Outcome, Retry, Stage, Step};
use super::spec::{STARTER, participants};
use crate::source::{SourceFile, Span};
use crate::syntax::{Backoff, Delivery, MaxAttempts, OnUncaught, RunsFor, StepKindDef};

pub fn yaml(draft: &Draft, source: &SourceFile) -> String {
    let line = |span: Span| source.line_col(span.start).line;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported by `sagac import` from {}: {}",
        draft.format.name(),
        comment(&source.name())
    );
    out.push_str("# Each step names the source element and line it comes from; what the spec\n# language cannot say is listed at the end.\n");
    let _ = writeln!(out, "version: {}", draft.version());
    let _ = writeln!(out, "saga: {}", draft.name.value);
    if let Some(d) = &draft.description {
        let _ = writeln!(out, "description: {}", quoted(d));
    }
    out.push_str("coordination: orchestration\nparticipants:\n");
    for (name, _) in participants(draft) {
        if name == STARTER {
            let _ = writeln!(out, "  {name}: {{ description: \"Starts the saga\" }}");
        } else {
            let _ = writeln!(out, "  {name}: {{}}");
        }
    }
    let _ = writeln!(out, "orchestrator:\n  engine: {}", draft.engine);
    if let Some(d) = &draft.deadline {
        let at = line(d.after.span);
        if d.terminates {
            let _ = writeln!(
                out,
                "deadline: {{ after: {}, then: terminate, applies: always }}  # line {at}",
                d.after.value
            );
        } else {
            let _ = writeln!(out, "deadline: {}  # line {at}", d.after.value);
        }
    }
    if let Some(u) = &draft.on_uncaught {
        let name = match u.value {
            OnUncaught::Compensate => "compensate",
            OnUncaught::Retry => "retry",
            OnUncaught::NoReply => "no_reply",
            OnUncaught::Terminate => "terminate",
        };
        let _ = writeln!(
            out,
            "on_uncaught: {name}  # an error no onErrors handles fails the workflow"
        );
    }
    if let Some(o) = &draft.outcome {
        outcome(&mut out, o, &line);
    }
    let _ = writeln!(
        out,
        "trigger:  # line {}\n  participant: {STARTER}\n  action: {}",
        line(draft.start),
        draft.trigger_action
    );
    out.push_str("steps:\n");
    if !draft.pivot_inferred {
        out.push_str("  # The pivot was not inferred: the source does not say which step is the point of no return.\n");
    }
    for stage in &draft.stages {
        match stage {
            Stage::Step(s) => step(&mut out, s, "  ", &line),
            Stage::Parallel(steps, span) => {
                let _ = writeln!(out, "  - parallel:  # line {}", line(*span));
                for s in steps {
                    step(&mut out, s, "      ", &line);
                }
            }
        }
    }
    notes(&mut out, draft, &line);
    out
}

fn step(out: &mut String, s: &Step, indent: &str, line: &dyn Fn(Span) -> usize) {
    let _ = writeln!(
        out,
        "{indent}# {} (line {})",
        comment(&s.source),
        line(s.id.span)
    );
    let _ = writeln!(out, "{indent}- id: {}", s.id.value);
    let pad = format!("{indent}  ");
    let _ = writeln!(out, "{pad}participant: {}", s.participant.value);
    let _ = writeln!(out, "{pad}action: {}", s.action.value);
    if let Some(kind) = &s.kind {
        let _ = writeln!(out, "{pad}kind: {}", kind_name(kind.value));
    }
    if let Some(c) = &s.compensation {
        compensation(out, c, &pad, line);
    }
    if !s.failures.is_empty() || s.timeout_terminates.is_some() {
        let mut names: Vec<&str> = s.failures.iter().map(|f| f.value.as_str()).collect();
        if s.timeout_terminates.is_some() {
            names.push("{ name: TimedOut, then: terminate }");
        }
        let _ = write!(out, "{pad}failures: [{}]", names.join(", "));
        match s.timeout_terminates {
            Some(at) => {
                let _ = writeln!(
                    out,
                    "  # no catcher for States.Timeout (line {}): the execution fails",
                    line(at)
                );
            }
            None => out.push('\n'),
        }
    }
    if let Some(t) = &s.timeout {
        let _ = writeln!(out, "{pad}timeout: {}", t.value);
    }
    if let Some(r) = &s.retry {
        let _ = writeln!(out, "{pad}retry: {}", retry(r));
    }
    if let Some(at) = &s.catches_all {
        let _ = writeln!(
            out,
            "{pad}on_uncaught: compensate  # {} (line {})",
            at.value,
            line(at.span)
        );
    }
}

fn compensation(out: &mut String, c: &Compensation, pad: &str, line: &dyn Fn(Span) -> usize) {
    let from = format!("{} (line {})", comment(&c.source), line(c.action.span));
    if c.retry.is_none() && c.runs_for.is_none() && !c.continues {
        let _ = writeln!(out, "{pad}compensation: {}  # {from}", c.action.value);
        return;
    }
    let _ = writeln!(out, "{pad}compensation:  # {from}");
    let _ = writeln!(out, "{pad}  action: {}", c.action.value);
    if let Some(r) = &c.retry {
        let _ = writeln!(out, "{pad}  retry: {}", retry(r));
    }
    if let Some(r) = c.runs_for {
        let name = match r {
            RunsFor::Success => "success",
            RunsFor::PossibleEffect => "possible_effect",
            RunsFor::AnyAttempt => "any_attempt",
        };
        let _ = writeln!(out, "{pad}  runs_for: {name}");
    }
    if c.continues {
        let _ = writeln!(out, "{pad}  on_failure: continue");
    }
}

fn outcome(out: &mut String, o: &Outcome, line: &dyn Fn(Span) -> usize) {
    let delivery = match o.delivery {
        Delivery::Reply => "reply",
        Delivery::Event => "event",
        Delivery::Status => "status",
    };
    let _ = writeln!(out, "outcome:  # line {}", line(o.span));
    let _ = writeln!(out, "  delivery: {delivery}");
    let values: Vec<String> = [
        ("completed", &o.completed),
        ("compensated", &o.compensated),
        ("terminated", &o.terminated),
    ]
    .into_iter()
    .filter_map(|(end, v)| v.as_ref().map(|v| format!("{end}: {}", v.value)))
    .collect();
    if !values.is_empty() {
        let _ = writeln!(out, "  values: {{ {} }}", values.join(", "));
    }
}

fn retry(r: &Retry) -> String {
    let mut parts = vec![format!(
        "max_attempts: {}",
        match r.max_attempts.value {
            MaxAttempts::Limited(n) => n.to_string(),
            MaxAttempts::Unlimited => "unlimited".to_owned(),
        }
    )];
    if let Some(b) = &r.backoff {
        parts.push(format!(
            "backoff: {}",
            match b.value {
                Backoff::Fixed => "fixed",
                Backoff::Exponential => "exponential",
            }
        ));
    }
    if let Some(i) = &r.initial {
        parts.push(format!("initial: {}", i.value));
    }
    if let Some(m) = &r.max {
        parts.push(format!("max: {}", m.value));
    }
    format!("{{ {} }}", parts.join(", "))
}

fn kind_name(kind: StepKindDef) -> &'static str {
    match kind {
        StepKindDef::Compensatable => "compensatable",
        StepKindDef::Pivot => "pivot",
        StepKindDef::Retriable => "retriable",
        StepKindDef::ReadOnly => "read_only",
    }
}

fn notes(out: &mut String, draft: &Draft, line: &dyn Fn(Span) -> usize) {
    for (kind, heading) in [
        (NoteKind::Approximated, "Approximated"),
        (
            NoteKind::LeftOut,
            "Left out (no meaning in the spec language)",
        ),
    ] {
        let mut notes: Vec<_> = draft.notes.iter().filter(|n| n.kind == kind).collect();
        if notes.is_empty() {
            continue;
        }
        notes.sort_by_key(|n| n.span.start);
        let _ = writeln!(out, "\n# {heading}:");
        for n in notes {
            let _ = writeln!(
                out,
                "#   {} (line {}): {}",
                comment(&n.element),
                line(n.span),
                comment(&n.text)
            );
        }
    }
}

/// Text kept on one comment line: control characters (a line break would end the comment
/// and let the source write YAML) become spaces.
pub fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A YAML double-quoted scalar (JSON's string syntax, which YAML reads alike).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}
