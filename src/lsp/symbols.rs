//! The outline of a spec: the trigger, the steps (each with its compensation), the
//! participants and the events, from the model.

#![allow(deprecated)] // `DocumentSymbol::deprecated` must be written; it is always `None`.

use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolKind};

use crate::model::Saga;
use crate::source::{SourceFile, Span};

use super::position;
use super::state::State;

pub fn outline(state: &State, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let analysis = state.analysis(params.text_document.uri.as_str())?;
    let saga = analysis.saga()?;
    let source = &analysis.checked.source;
    let mut top = Vec::new();
    let mut trigger = symbol(
        source,
        format!("trigger: {}", saga.trigger.action.value),
        SymbolKind::EVENT,
        saga.trigger.span,
        saga.trigger.action.span,
    );
    trigger.children = saga.trigger.compensation.as_ref().map(|c| {
        vec![symbol(
            source,
            format!("compensation: {}", c.action.value),
            SymbolKind::METHOD,
            c.span,
            c.action.span,
        )]
    });
    top.push(trigger);
    top.push(group(
        source,
        "steps",
        SymbolKind::ARRAY,
        steps(saga, source),
    ));
    let participants = saga
        .participants
        .iter()
        .filter(|p| p.declared)
        .map(|p| {
            symbol(
                source,
                p.name.value.clone(),
                SymbolKind::MODULE,
                p.name.span,
                p.name.span,
            )
        })
        .collect();
    top.push(group(
        source,
        "participants",
        SymbolKind::NAMESPACE,
        participants,
    ));
    let events = saga
        .events
        .iter()
        .map(|e| {
            let span = e.span();
            symbol(source, e.name.clone(), SymbolKind::EVENT, span, span)
        })
        .collect();
    top.push(group(source, "events", SymbolKind::NAMESPACE, events));
    top.retain(|s| {
        s.children.as_ref().is_none_or(|c| !c.is_empty()) || s.name.starts_with("trigger")
    });
    Some(DocumentSymbolResponse::Nested(top))
}

fn steps(saga: &Saga, source: &SourceFile) -> Vec<DocumentSymbol> {
    saga.steps
        .iter()
        .map(|step| {
            let mut s = symbol(
                source,
                step.id.value.clone(),
                SymbolKind::FUNCTION,
                step.span.min(step.id.span),
                step.id.span,
            );
            s.detail = Some(format!("{} · {}", step.kind.as_str(), step.action.value));
            s.children = step.compensation.as_ref().map(|c| {
                vec![symbol(
                    source,
                    format!("compensation: {}", c.action.value),
                    SymbolKind::METHOD,
                    c.span,
                    c.action.span,
                )]
            });
            s
        })
        .collect()
}

/// A heading of the outline, spanning its children.
fn group(
    source: &SourceFile,
    name: &str,
    kind: SymbolKind,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let first = children
        .first()
        .map_or(position::range(source, Span::default()), |c| c.range);
    let last = children.last().map_or(first, |c| c.range);
    DocumentSymbol {
        name: name.to_owned(),
        detail: Some(children.len().to_string()),
        kind,
        tags: None,
        deprecated: None,
        range: lsp_types::Range::new(first.start, last.end.max(first.end)),
        selection_range: first,
        children: Some(children),
    }
}

/// A symbol whose range holds its selection (the protocol requires it).
fn symbol(
    source: &SourceFile,
    name: String,
    kind: SymbolKind,
    span: Span,
    selection: Span,
) -> DocumentSymbol {
    let whole = Span::new(span.start.min(selection.start), span.end.max(selection.end));
    DocumentSymbol {
        name,
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range: position::range(source, whole),
        selection_range: position::range(source, selection),
        children: None,
    }
}
