//! Rules about students' Mermaid diagrams (`M…`): the ```` ```mermaid ```` blocks of a
//! Markdown file and `.mmd` files that `sagac check` reads beside the specs. `mermaid` reads
//! the diagrams and compares them with a spec, and reports typed errors and findings, which
//! know no codes; each goes here to the rule file that words it (M901-M904 for what cannot
//! be read, M910-M915 for what does not draw the spec).

pub mod block_structure;
pub mod compensation_not_drawn;
pub mod compensation_not_run;
pub mod compensation_order;
pub mod mermaid_syntax;
pub mod not_a_diagram;
pub mod not_text;
pub mod orchestrator_in_choreography;
pub mod unknown_message;
pub mod unknown_participant;

use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Unreadable;
use crate::mermaid::conformance::Finding;
use crate::mermaid::{ParseError, ParseErrorKind, Read, is_diagram_type};
use crate::model::{Owner, ParticipantId, Saga, StepId};

pub static RULES: &[&Rule] = &[
    &mermaid_syntax::RULE,
    &not_a_diagram::RULE,
    &block_structure::RULE,
    &not_text::RULE,
    &unknown_participant::RULE,
    &orchestrator_in_choreography::RULE,
    &unknown_message::RULE,
    &compensation_not_run::RULE,
    &compensation_not_drawn::RULE,
    &compensation_order::RULE,
];

/// A diagram file whose bytes are not text (M904).
pub fn unreadable(why: Unreadable) -> Diagnostic {
    not_text::unreadable(why)
}

/// A diagram the reader could not read (M901-M903); `None` for a diagram of another kind
/// (`flowchart`, ...), which sagac leaves alone.
pub fn parse_error(read: &Read, error: &ParseError) -> Option<Diagnostic> {
    Some(match &error.kind {
        ParseErrorKind::Empty => {
            not_a_diagram::empty(read.fence.unwrap_or(error.span), read.fence.is_some())
        }
        ParseErrorKind::NotSequence { word } if is_diagram_type(word) => return None,
        ParseErrorKind::NotSequence { word }
            if word.starts_with("```") || word.starts_with("~~~") =>
        {
            not_a_diagram::fenced(error.span)
        }
        ParseErrorKind::NotSequence { word } => {
            not_a_diagram::unknown_type(error.span, &quote(word))
        }
        kind if kind.is_structure() => block_structure::structure(error),
        _ => mermaid_syntax::syntax(error),
    })
}

/// What comparing a diagram with `spec` (the spec's file name) found (M910-M915).
pub fn finding(finding: &Finding, saga: &Saga, spec: &str) -> Diagnostic {
    let spec = &format!("`{spec}`");
    match finding {
        Finding::UnknownParticipant { span, id, label } => {
            unknown_participant::unknown_participant(*span, &quote(id), &quote(label), saga, spec)
        }
        Finding::OrchestratorInChoreography { span, label } => {
            orchestrator_in_choreography::orchestrator(*span, &quote(label), spec)
        }
        Finding::UnknownMessage {
            span,
            text,
            workers,
        } => unknown_message::unknown_message(*span, &quote(text), workers, saga, spec),
        Finding::CompensationNotRun {
            span,
            drawn,
            failed,
            expected,
            scenario,
        } => compensation_not_run::not_run(
            *span,
            *drawn,
            *failed,
            expected,
            &see_run(spec, scenario.as_deref()),
            saga,
        ),
        Finding::CompensationNotDrawn {
            span,
            missing,
            failed,
            expected,
            scenario,
        } => compensation_not_drawn::not_drawn(
            *span,
            *missing,
            *failed,
            expected,
            &see_run(spec, scenario.as_deref()),
            saga,
        ),
        Finding::CompensationOrder {
            span,
            drawn,
            failed,
            expected,
            scenario,
        } => compensation_order::order(
            *span,
            drawn,
            *failed,
            expected,
            &see_run(spec, scenario.as_deref()),
            saga,
        ),
    }
}

/// At most this many characters of a student's text are quoted in a diagnostic.
const MAX_QUOTE: usize = 80;

/// A student's text as a diagnostic quotes it: control characters dropped (a terminal must
/// not read them), backticks made quotes (the text sits between backticks), long text cut.
fn quote(text: &str) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '`' { '\'' } else { c })
        .take(MAX_QUOTE)
        .collect();
    if text.chars().count() > MAX_QUOTE {
        out.push('…');
    }
    out
}

/// Names are listed in a help text up to this many, then counted.
const LISTED: usize = 8;

/// A name is suggested ("did you mean") among at most this many: a student's spec has a
/// few dozen, and each suggestion compares the name with every candidate.
const SUGGESTED_AMONG: usize = 256;

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and `c` ``, `` `a`, ... `h` and 4 more ``.
fn list(names: &[String]) -> String {
    let mut quoted: Vec<String> = names
        .iter()
        .take(LISTED)
        .map(|n| format!("`{n}`"))
        .collect();
    if names.len() > LISTED {
        quoted.push(format!("{} more", names.len() - LISTED));
    }
    match quoted.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The closest of `candidates` to `name`, when it is a likely typo (at most two edits) and
/// there are few enough candidates to compare.
fn typo_of<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    if candidates.len() > SUGGESTED_AMONG {
        return None;
    }
    crate::suggest::did_you_mean(name, candidates.iter().map(String::as_str))
        .filter(|close| strsim::damerau_levenshtein(name, close) <= 2)
}

/// The declared participants' names.
fn declared(saga: &Saga) -> Vec<String> {
    saga.participants
        .iter()
        .filter(|p| p.declared)
        .map(|p| p.name.value.clone())
        .collect()
}

/// Every name a diagram may use for something the spec does.
fn spec_names(saga: &Saga) -> Vec<String> {
    let mut names = vec![saga.trigger.action.value.clone()];
    names.extend(
        saga.trigger
            .compensation
            .iter()
            .map(|c| c.action.value.clone()),
    );
    for s in &saga.steps {
        names.push(s.action.value.clone());
        names.extend(s.compensation.iter().map(|c| c.action.value.clone()));
        names.extend(s.failures.iter().map(|f| f.value.clone()));
    }
    names.extend(saga.reactions.iter().map(|r| r.action.value.clone()));
    names.extend(saga.events.iter().map(|e| e.name.clone()));
    names
}

/// What a participant runs: its steps' actions, their compensations, the trigger's.
fn actions_of(saga: &Saga, p: ParticipantId) -> Vec<String> {
    let mut out = Vec::new();
    if saga.trigger.participant == p {
        out.push(saga.trigger.action.value.clone());
        out.extend(
            saga.trigger
                .compensation
                .iter()
                .map(|c| format!("{} (compensation)", c.action.value)),
        );
    }
    for s in saga.steps.iter().filter(|s| s.participant == p) {
        out.push(s.action.value.clone());
        out.extend(
            s.compensation
                .iter()
                .map(|c| format!("{} (compensation)", c.action.value)),
        );
    }
    out.extend(
        saga.reactions
            .iter()
            .filter(|r| r.participant == p)
            .map(|r| r.action.value.clone()),
    );
    out
}

/// A compensation's action.
fn compensation_name(saga: &Saga, owner: Owner) -> String {
    saga.compensation(owner)
        .map(|c| c.action.value.clone())
        .unwrap_or_else(|| "a compensation".to_owned())
}

/// `` `A`, then `B` ``, or `no compensation`.
fn names_in_order(saga: &Saga, owners: &[Owner]) -> String {
    if owners.is_empty() {
        return "no compensation".to_owned();
    }
    owners
        .iter()
        .map(|&o| format!("`{}`", compensation_name(saga, o)))
        .collect::<Vec<_>>()
        .join(", then ")
}

/// What the simulator runs when a step fails, as a clause.
fn run_by_simulator(saga: &Saga, failed: StepId, expected: &[Owner]) -> String {
    if expected.is_empty() {
        let step = saga.step(failed);
        if step.kind == crate::model::StepKind::Retriable {
            return "the simulator retries it and compensates nothing".to_owned();
        }
        return "the simulator runs no compensation".to_owned();
    }
    format!("the simulator runs {}", names_in_order(saga, expected))
}

/// The command that draws the failure's run, to end a help text with.
fn see_run(spec: &str, scenario: Option<&str>) -> String {
    let spec = spec.trim_matches('`');
    match scenario {
        Some(s) => format!("`sagac diagram {spec} --path {s}` draws the run"),
        None => format!("`sagac simulate {spec}` shows every run"),
    }
}
