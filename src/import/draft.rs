//! The saga as the importer understood it, whatever the format: forward steps with their
//! compensations, retries and timeouts, each with the span of the source element it comes
//! from, and notes on what was approximated or left out. `spec.rs` turns it into the
//! spec's syntax tree, `yaml.rs` into the spec's text.

use crate::model::names::is_reserved;
use crate::source::{Span, Spanned};
use crate::syntax::{Backoff, Delivery, MaxAttempts, OnUncaught, RunsFor, StepKindDef};

/// The formats sagac imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Amazon States Language (Step Functions), JSON or YAML.
    StepFunctions,
    /// BPMN 2.0 XML (Camunda 7 and 8, Flowable, Kogito).
    Bpmn,
    /// Serverless Workflow 0.8, JSON or YAML.
    ServerlessWorkflow,
}

impl Format {
    /// The format's name in the summary and the output's header.
    pub fn name(self) -> &'static str {
        match self {
            Format::StepFunctions => "Step Functions (Amazon States Language)",
            Format::Bpmn => "BPMN 2.0",
            Format::ServerlessWorkflow => "Serverless Workflow",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Draft {
    pub format: Format,
    /// snake_case.
    pub name: Spanned<String>,
    pub description: Option<String>,
    /// `orchestrator.engine`.
    pub engine: &'static str,
    /// Where the saga starts (the start state, the start event): the trigger's span.
    pub start: Span,
    /// The trigger's action (PascalCase), e.g. `StartExecution`.
    pub trigger_action: String,
    pub stages: Vec<Stage>,
    /// The execution's time limit.
    pub deadline: Option<Deadline>,
    /// What the caller is told at the end (language version 2's `outcome`).
    pub outcome: Option<Outcome>,
    /// What an error no step handles does, where the engine's default is not the model's
    /// (language version 2's `on_uncaught`).
    pub on_uncaught: Option<Spanned<OnUncaught>>,
    /// Whether the pivot was inferred (a step with no compensation followed by steps that
    /// are never compensated).
    pub pivot_inferred: bool,
    pub notes: Vec<Note>,
}

impl Draft {
    /// The language version the translation needs: 2 when it uses a version 2 key (the
    /// caller's outcome, a deadline that terminates, a compensation's `runs_for` or
    /// `on_failure`), else 1.
    pub fn version(&self) -> u64 {
        let compensation_v2 = self
            .stages
            .iter()
            .flat_map(Stage::steps)
            .filter_map(|s| s.compensation.as_ref())
            .any(|c| c.runs_for.is_some() || c.continues)
            || self
                .stages
                .iter()
                .flat_map(Stage::steps)
                .any(|s| s.catches_all.is_some() || s.timeout_terminates.is_some());
        let deadline_v2 = self.deadline.as_ref().is_some_and(|d| d.terminates);
        if self.outcome.is_some() || self.on_uncaught.is_some() || compensation_v2 || deadline_v2 {
            2
        } else {
            1
        }
    }
}

/// The saga's time limit.
#[derive(Debug, Clone)]
pub struct Deadline {
    /// A duration (`300s`).
    pub after: Spanned<String>,
    /// The engine ends the execution when it passes, at any point and without compensating
    /// (Step Functions' execution `TimeoutSeconds`): version 2's `{ then: terminate,
    /// applies: always }`. Otherwise a version 1 deadline (compensate before the pivot).
    pub terminates: bool,
}

/// What the caller learns at the end, and how.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub span: Span,
    pub delivery: Delivery,
    /// The value per end, PascalCase (`None`: the end's own name).
    pub completed: Option<Spanned<String>>,
    pub compensated: Option<Spanned<String>>,
    pub terminated: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub enum Stage {
    Step(Box<Step>),
    /// A fork/join group: its branches' steps, and the span of the element that forks.
    Parallel(Vec<Step>, Span),
}

impl Stage {
    pub fn steps(&self) -> &[Step] {
        match self {
            Stage::Step(step) => std::slice::from_ref(&**step),
            Stage::Parallel(steps, _) => steps,
        }
    }

    pub fn steps_mut(&mut self) -> &mut [Step] {
        match self {
            Stage::Step(step) => std::slice::from_mut(&mut **step),
            Stage::Parallel(steps, _) => steps,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    /// snake_case, unique in the saga.
    pub id: Spanned<String>,
    /// snake_case.
    pub participant: Spanned<String>,
    /// PascalCase.
    pub action: Spanned<String>,
    /// The source element's name as written (a state's name, a task's id).
    pub source: String,
    pub kind: Option<Spanned<StepKindDef>>,
    pub compensation: Option<Compensation>,
    /// Business failures (PascalCase).
    pub failures: Vec<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
    pub retry: Option<Retry>,
    /// Whether the source handles this step's failure (a Catch, an error boundary event).
    pub caught: bool,
    /// Where the source catches every error of this step (`States.ALL`, or
    /// `States.TaskFailed`: every one but a timeout) and compensates, with the error's
    /// name: version 2's `on_uncaught: compensate` (the engine's default fails the
    /// execution).
    pub catches_all: Option<Spanned<String>>,
    /// Where the step's timeout is set when no catcher catches it (`States.Timeout` is
    /// matched only by itself and `States.ALL`): when it passes the execution fails,
    /// nothing compensated (version 2's failure `{ name: TimedOut, then: terminate }`).
    pub timeout_terminates: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Compensation {
    /// PascalCase.
    pub action: Spanned<String>,
    pub source: String,
    /// `None`: the source retries it without limit (or says nothing and the engine does).
    pub retry: Option<Retry>,
    /// Version 2's `runs_for`, where the source says which attempts it undoes: Step
    /// Functions' Catch runs it for the step's own failed attempt too (`any_attempt`), BPMN
    /// only for an activity that completed (`success`).
    pub runs_for: Option<RunsFor>,
    /// When it gives up, the source goes on to the next compensation (a Catch to it):
    /// version 2's `on_failure: continue`.
    pub continues: bool,
}

#[derive(Debug, Clone)]
pub struct Retry {
    pub max_attempts: Spanned<MaxAttempts>,
    pub backoff: Option<Spanned<Backoff>>,
    pub initial: Option<Spanned<String>>,
    pub max: Option<Spanned<String>>,
}

/// What became of a source element that has no exact meaning in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteKind {
    /// Translated as faithfully as the language allows, with a difference said.
    Approximated,
    /// No meaning in the spec: kept as a comment only.
    LeftOut,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub kind: NoteKind,
    /// The source element (`state "Wait10s"`, `bpmn:textAnnotation "x"`).
    pub element: String,
    pub span: Span,
    pub text: String,
}

/// A name as snake_case (`ReserveFlight`, `reserve-flight`, `Reserve Flight` →
/// `reserve_flight`), starting with a letter; `fallback` when nothing is left.
pub fn snake(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_owned();
    match out.chars().next() {
        None => fallback.to_owned(),
        Some(c) if c.is_ascii_digit() => format!("{fallback}_{out}"),
        Some(_) => out,
    }
}

/// A name as PascalCase (`reserve-flight`, `Reserve flight` → `ReserveFlight`).
pub fn pascal(name: &str, fallback: &str) -> String {
    let out: String = snake(name, "")
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    match out.chars().next() {
        Some(c) if c.is_ascii_uppercase() => out,
        Some(_) => format!("{fallback}{out}"),
        None => fallback.to_owned(),
    }
}

/// Gives out unique snake_case names, away from the reserved words: a second
/// `reserve_flight` becomes `reserve_flight_2`.
#[derive(Debug, Default)]
pub struct Names {
    taken: std::collections::HashSet<String>,
}

impl Names {
    pub fn unique(&mut self, name: &str, fallback: &str) -> String {
        let mut base = snake(name, fallback);
        if is_reserved(&base) {
            base.push_str("_step");
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.taken.insert(candidate.clone()) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        candidate
    }
}

/// A participant's name: snake_case, not a reserved word.
pub fn participant_name(name: &str) -> String {
    let base = snake(name, "service");
    if is_reserved(&base) {
        format!("{base}_service")
    } else {
        base
    }
}

/// Whole seconds as a duration (`90s`); fractions round up to milliseconds.
pub fn seconds(value: f64) -> String {
    if value.fract() == 0.0 && value >= 0.0 {
        format!("{}s", value as u64)
    } else {
        format!("{}ms", (value.max(0.0) * 1000.0).ceil() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_language_forms() {
        assert_eq!(snake("ReserveFlight", "x"), "reserve_flight");
        assert_eq!(snake("reserve-flight ", "x"), "reserve_flight");
        assert_eq!(snake("HTTPCall", "x"), "httpcall");
        assert_eq!(snake("3DSecure", "step"), "step_3_dsecure");
        assert_eq!(snake("é", "step"), "step");
        assert_eq!(pascal("reserve-flight", "Do"), "ReserveFlight");
        assert_eq!(pascal("3ds", "Do"), "Do3ds");
        let mut names = Names::default();
        assert_eq!(names.unique("Loop", "s"), "loop_step");
        assert_eq!(names.unique("A", "s"), "a");
        assert_eq!(names.unique("a", "s"), "a_2");
        assert_eq!(seconds(1.5), "1500ms");
        assert_eq!(seconds(30.0), "30s");
    }
}
