//! A scenario's run as a numbered trace: each action of the representative run, worded as
//! the counterexamples are (`scenario::wording`'s trace voice).

use serde::Serialize;

use crate::model::Saga;
use crate::scenario::{Action, ActionKind};

/// One action of a run in the JSON report: `{"n","from","to","kind","text"}`. `from` and
/// `to` are the parties (`orchestrator` or a participant's name; the same for a local
/// transaction); `text` is what the human trace prints after them.
#[derive(Debug, Serialize)]
pub struct TraceEntry {
    /// 1-based position in the run.
    pub n: usize,
    pub from: String,
    pub to: String,
    /// What kind of action it is, one of [`KINDS`].
    pub kind: &'static str,
    pub text: String,
}

/// Every `kind` a trace entry can have.
pub const KINDS: &[&str] = &[
    "run",
    "publish",
    "crash",
    "deliver",
    "command",
    "reply",
    "duplicate",
    "ignored_reply",
    "orchestrator_crash",
    "end",
];

/// The name of an action's kind in the JSON report.
pub fn kind(action: &Action) -> &'static str {
    match action.kind {
        // A local transaction: a choreography handler, the trigger, a reaction.
        ActionKind::Run { .. } => "run",
        ActionKind::Publish { .. } => "publish",
        ActionKind::CrashBeforePublish { .. } => "crash",
        ActionKind::Deliver { .. } => "deliver",
        ActionKind::Command { .. } => "command",
        ActionKind::Reply { .. } => "reply",
        ActionKind::Duplicate { .. } => "duplicate",
        ActionKind::IgnoredReply { .. } => "ignored_reply",
        ActionKind::OrchestratorCrash { .. } => "orchestrator_crash",
        ActionKind::End { .. } => "end",
        ActionKind::NoAnswer { .. } => "no_answer",
        ActionKind::GaveUp { .. } => "gave_up",
        ActionKind::Escalate { .. } => "escalate",
        ActionKind::DeadlinePasses { .. } => "deadline",
        ActionKind::Cancel => "cancel",
        ActionKind::CancelAnswered { .. } => "cancel_answer",
        ActionKind::Tell { .. } => "outcome",
        ActionKind::Receives { .. } => "receives",
        ActionKind::Terminates { .. } => "terminate",
    }
}

/// A run's actions as JSON entries.
pub fn entries(saga: &Saga, trace: &[Action]) -> Vec<TraceEntry> {
    trace
        .iter()
        .enumerate()
        .map(|(i, a)| TraceEntry {
            n: i + 1,
            from: a.from.name(saga),
            to: a.to.name(saga),
            kind: kind(a),
            text: crate::scenario::wording::words(saga, a, crate::scenario::wording::Voice::Trace),
        })
        .collect()
}

/// A run's actions as numbered lines (`  3. inventory -> orchestrator: ...`), each
/// indented by `indent` spaces, the numbers right-aligned.
pub fn lines(saga: &Saga, trace: &[Action], indent: usize) -> Vec<String> {
    let width = trace.len().to_string().len();
    trace
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{:indent$}{:>width$}. {}", "", i + 1, a.describe(saga)))
        .collect()
}
