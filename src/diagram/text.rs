//! What a sequence diagram draws for each action of a run: a message with its arrow, a
//! note over everyone, or nothing. The words are the arrow's voice of
//! `scenario::wording`, which also words the traces.

use crate::model::{Coordination, Saga};
use crate::scenario::wording::{Voice, words};
use crate::scenario::{Action, ActionKind, Party, StepResult};

/// How an arrow is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// `->>`: a command, an event, a local transaction.
    Request,
    /// `-->>`: a reply.
    Reply,
    /// `--x`: a reply that never came (a timeout).
    Lost,
}

impl Arrow {
    pub fn as_str(self) -> &'static str {
        match self {
            Arrow::Request => "->>",
            Arrow::Reply => "-->>",
            Arrow::Lost => "--x",
        }
    }
}

/// One line of a sequence diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Message {
        from: Party,
        to: Party,
        arrow: Arrow,
        text: String,
    },
    /// A note over every participant (the end of a choreography, which nobody announces).
    NoteOverAll(String),
    /// Version 2: a note over one party (the deadline passing over the orchestrator).
    NoteOver(Party, String),
}

/// The line an action draws; `None` for an action the diagram leaves implicit (a
/// choreography event's publication, shown by its deliveries). The words come from the
/// scenario's one table ([`words`]); which arrow, and whether a line, is decided here.
pub fn line(saga: &Saga, action: &Action) -> Option<Line> {
    let arrow = match &action.kind {
        // Choreography: the deliveries draw the event; only an event nobody consumes (a
        // terminal event) is drawn as its publication.
        ActionKind::Publish { event, .. }
            if action.from == action.to && !saga.event(*event).consumed_by.is_empty() =>
        {
            return None;
        }
        ActionKind::Reply {
            result: StepResult::TimedOut { .. },
            ..
        } => Arrow::Lost,
        ActionKind::Reply { .. } => Arrow::Reply,
        // Version 2: the caller's answers come back as replies; a command nobody answers
        // is a lost reply from its participant; the deadline is a note; what a
        // compensation receives is said on its command (`sequence.rs`).
        ActionKind::Tell { .. } | ActionKind::CancelAnswered { .. } => Arrow::Reply,
        ActionKind::NoAnswer { .. } => {
            // In a choreography nobody waits: the handler's own silence.
            let to = match saga.coordination {
                Coordination::Choreography => action.from,
                Coordination::Orchestration => Party::Orchestrator,
            };
            return Some(Line::Message {
                from: action.from,
                to,
                arrow: Arrow::Lost,
                text: words(saga, action, Voice::Arrow),
            });
        }
        ActionKind::DeadlinePasses { .. } => {
            // Over the orchestrator, or the choreography handler that refuses the step.
            return Some(Line::NoteOver(
                action.from,
                words(saga, action, Voice::Arrow),
            ));
        }
        ActionKind::Receives { .. } => return None,
        ActionKind::End { .. } if saga.coordination == Coordination::Choreography => {
            return Some(Line::NoteOverAll(words(saga, action, Voice::Arrow)));
        }
        _ => Arrow::Request,
    };
    Some(Line::Message {
        from: action.from,
        to: action.to,
        arrow,
        text: words(saga, action, Voice::Arrow),
    })
}
