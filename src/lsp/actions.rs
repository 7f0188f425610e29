//! Code actions: the quick fixes for what `check` found in the range asked about. A
//! diagnostic that names a replacement ("did you mean `payment.completed`?") gets it; a
//! compensatable step without a compensation (C201) a `compensation:` stub; a step that
//! runs after the point of no return and is compensatable or unclassified (C201, C202) is
//! marked `kind: retriable`; an event published without an outbox (W601) gets an outbox
//! on its publisher. The server never edits a document any other way.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Uri, WorkspaceEdit,
};

use crate::diagnostic::Diagnostic;
use crate::model::{Saga, Step, StepId, StepKind};
use crate::scenario::fault::after_point_of_no_return;
use crate::source::SourceFile;

use super::analysis::Analysis;
use super::convert;
use super::edits::{self, Edit};
use super::position;
use super::state::State;

pub fn actions(state: &State, params: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
    let uri = params.text_document.uri;
    let analysis = state.analysis(uri.as_str())?;
    let source = &analysis.checked.source;
    let start = position::offset(source, params.range.start);
    let end = position::offset(source, params.range.end);
    let mut out = Vec::new();
    for d in analysis.diagnostics() {
        let touches = d.span.start <= end && start <= d.span.end;
        if touches {
            for (title, fix) in fixes(&analysis, d) {
                out.push(action(&uri, source, d, title, fix));
            }
        }
    }
    Some(out)
}

/// The fixes of one diagnostic: a title and the edits.
pub fn fixes(analysis: &Analysis, d: &Diagnostic) -> Vec<(String, Vec<Edit>)> {
    let mut out = Vec::new();
    if let Some(replacement) = &d.replacement {
        out.push((
            format!("Replace with `{replacement}`"),
            vec![Edit::replace(d.span, replacement.clone())],
        ));
    }
    let Some(saga) = analysis.saga() else {
        return out;
    };
    let text = &analysis.checked.source.text;
    match d.code() {
        "C201" | "C202" => {
            if let Some(id) = step_at(saga, d) {
                let step = saga.step(id);
                if after_point_of_no_return(saga, id) {
                    out.extend(retriable(text, step));
                } else if step.compensation.is_none() {
                    out.extend(compensation_stub(text, step));
                }
            }
        }
        "W601" => out.extend(outbox(saga, text, d)),
        _ => {}
    }
    out
}

/// The step a C201 or C202 points at: its id, its kind or its compensation.
fn step_at(saga: &Saga, d: &Diagnostic) -> Option<StepId> {
    saga.step_ids().find(|id| {
        let s = saga.step(*id);
        s.id.span == d.span
            || s.declared_kind.as_ref().is_some_and(|k| k.span == d.span)
            || s.compensation
                .as_ref()
                .is_some_and(|c| c.action.span == d.span)
    })
}

fn compensation_stub(text: &str, step: &Step) -> Option<(String, Vec<Edit>)> {
    let undo = format!("Undo{}", step.action.value);
    let edit = edits::add_key(text, step.span.start, "compensation", &undo)?;
    Some((
        format!("Add a compensation to `{}` (`{undo}`)", step.id.value),
        vec![edit],
    ))
}

fn retriable(text: &str, step: &Step) -> Option<(String, Vec<Edit>)> {
    let edit = match &step.declared_kind {
        Some(kind) if kind.value == StepKind::Retriable => return None,
        Some(kind) => Edit::replace(kind.span, "retriable"),
        None => edits::add_key(text, step.span.start, "kind", "retriable")?,
    };
    Some((
        format!("Mark `{}` `kind: retriable`", step.id.value),
        vec![edit],
    ))
}

/// An outbox on the participant that publishes the event at the diagnostic.
fn outbox(saga: &Saga, text: &str, d: &Diagnostic) -> Option<(String, Vec<Edit>)> {
    let emitter = saga.events.iter().find_map(|e| {
        e.emitted_by
            .iter()
            .find(|(_, span)| *span == d.span)
            .map(|(emitter, _)| *emitter)
    })?;
    let participant = saga.participant(saga.emitter_participant(emitter));
    if !participant.declared {
        return None;
    }
    let name = &participant.name.value;
    let value = format!("{{ table: {name}_outbox, relay: cdc }}");
    let edit = edits::add_key_under(text, participant.name.span, "outbox", &value)?;
    Some((format!("Add an outbox to `{name}`"), vec![edit]))
}

fn action(
    uri: &Uri,
    source: &SourceFile,
    d: &Diagnostic,
    title: String,
    fix: Vec<Edit>,
) -> CodeActionOrCommand {
    let edits: Vec<TextEdit> = fix
        .into_iter()
        .map(|e| TextEdit::new(position::range(source, e.span), e.text))
        .collect();
    // `changes` is keyed by `Uri`, which clippy deems mutable (its parsed parts are cached
    // inside); it is the shape every client accepts.
    #[allow(clippy::mutable_key_type)]
    let changes = HashMap::from([(uri.clone(), edits)]);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![convert::diagnostic(uri, source, d)]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}
