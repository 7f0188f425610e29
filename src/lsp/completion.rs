//! Completion by context: where the cursor is (`syntax::cursor_at`, which reads a
//! half-typed line), the keys the language allows there and the words a value may be
//! (`syntax::keys_at`, `syntax::values_at`, from the schema the structs derive), and the
//! saga's own names: participants, the events already published, the fields already
//! written, from the last version of the document that had a model.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, Range, TextEdit,
};

use crate::model::Saga;
use crate::syntax::{self, Place, Segment};

use super::position;
use super::state::State;

/// Durations offered for a duration's value (the language's `<number><unit>` form).
const DURATIONS: &[&str] = &["500ms", "5s", "30s", "1m", "5m", "1h", "1d"];

pub fn complete(state: &State, params: CompletionParams) -> Option<CompletionResponse> {
    let at = params.text_document_position;
    let uri = at.text_document.uri.as_str();
    let analysis = state.analysis(uri)?;
    if analysis.kind != super::documents::Kind::Spec {
        return None;
    }
    let source = &analysis.checked.source;
    let offset = position::offset(source, at.position);
    let cursor = syntax::cursor_at(&source.text, offset);
    let start = offset.saturating_sub(cursor.word.len());
    let replace = Range::new(position::position(source, start), at.position);
    let with_model = state.last_with_model(uri);
    let saga = with_model.as_ref().and_then(|a| a.saga());
    let keys = syntax::keys_at(&cursor.path);
    let items = if cursor.place == Place::Key && !keys.is_empty() {
        keys.into_iter()
            .map(|k| {
                let insert = if k.nested {
                    format!("{}:", k.key)
                } else {
                    format!("{}: ", k.key)
                };
                let mut item = item(&k.key, CompletionItemKind::PROPERTY, replace, insert);
                item.detail = k.required.then(|| "required".to_owned());
                item.documentation = k.description.map(Documentation::String);
                item
            })
            .collect()
    } else {
        values(&cursor.path, saga)
            .into_iter()
            .map(|(word, kind)| item(&word, kind, replace, word.clone()))
            .collect()
    };
    Some(CompletionResponse::Array(items))
}

/// The words a value at `path` may be, with what each is.
fn values(path: &[Segment], saga: Option<&Saga>) -> Vec<(String, CompletionItemKind)> {
    let mut out: Vec<(String, CompletionItemKind)> = syntax::values_at(path)
        .into_iter()
        .map(|w| (w, CompletionItemKind::ENUM_MEMBER))
        .collect();
    let key = path.iter().rev().find_map(|s| match s {
        Segment::Key(k) => Some(k.as_str()),
        Segment::Index(_) => None,
    });
    let names: Vec<String> = match (key, saga) {
        (Some("participant"), Some(saga)) => saga
            .participants
            .iter()
            .filter(|p| p.declared)
            .map(|p| p.name.value.clone())
            .collect(),
        (Some("consumes" | "terminal_events"), Some(saga)) => saga
            .events
            .iter()
            .filter(|e| !e.emitted_by.is_empty())
            .map(|e| e.name.clone())
            .collect(),
        (Some("reads" | "idempotency_key"), Some(saga)) => written_fields(saga),
        (Some("timeout" | "deadline" | "initial" | "max" | "poll_interval"), _) => {
            DURATIONS.iter().map(|d| (*d).to_owned()).collect()
        }
        _ => Vec::new(),
    };
    let kind = match key {
        Some("participant") => CompletionItemKind::MODULE,
        Some("consumes" | "terminal_events") => CompletionItemKind::EVENT,
        Some("reads" | "idempotency_key") => CompletionItemKind::FIELD,
        _ => CompletionItemKind::VALUE,
    };
    for name in names {
        if !out.iter().any(|(w, _)| *w == name) {
            out.push((name, kind));
        }
    }
    out
}

/// The fields the trigger's `data` and the steps' `writes` name, each once, in order.
fn written_fields(saga: &Saga) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let written = saga
        .trigger
        .data
        .iter()
        .chain(saga.steps.iter().flat_map(|s| s.writes.iter()));
    for f in written {
        if !fields.contains(&f.value) {
            fields.push(f.value.clone());
        }
    }
    fields
}

fn item(label: &str, kind: CompletionItemKind, range: Range, insert: String) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        filter_text: Some(label.to_owned()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, insert))),
        ..CompletionItem::default()
    }
}
