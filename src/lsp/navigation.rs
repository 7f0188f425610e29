//! Go to definition and find references, for participants, steps, events, fields and
//! compensations. An event is defined where it is published (a `consumes:` goes to the
//! `emits:`), a field where it is written, a participant under `participants`, a step at
//! its `id`, a compensation at its action.

use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams};

use crate::model::symbols::{self, Occurrence};

use super::position;
use super::state::State;

pub fn definition(state: &State, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let at = params.text_document_position_params;
    let uri = at.text_document.uri;
    let analysis = state.analysis(uri.as_str())?;
    let source = &analysis.checked.source;
    let offset = position::offset(source, at.position);
    let here = symbols::at(&analysis.symbols, offset)?;
    let all: Vec<&Occurrence> = symbols::of(&analysis.symbols, &here.symbol).collect();
    let defining: Vec<&Occurrence> = all.iter().copied().filter(|o| o.role.defines()).collect();
    // Nothing defines it (an event nobody publishes): its first mention.
    let targets = if defining.is_empty() {
        all.into_iter().take(1).collect()
    } else {
        defining
    };
    let locations: Vec<Location> = targets
        .into_iter()
        .map(|o| Location::new(uri.clone(), position::range(source, o.span)))
        .collect();
    match locations.len() {
        0 => None,
        1 => locations
            .into_iter()
            .next()
            .map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

pub fn references(state: &State, params: ReferenceParams) -> Option<Vec<Location>> {
    let at = params.text_document_position;
    let uri = at.text_document.uri;
    let analysis = state.analysis(uri.as_str())?;
    let source = &analysis.checked.source;
    let offset = position::offset(source, at.position);
    let here = symbols::at(&analysis.symbols, offset)?;
    let with_declaration = params.context.include_declaration;
    Some(
        symbols::of(&analysis.symbols, &here.symbol)
            .filter(|o| with_declaration || !o.role.defines())
            .map(|o| Location::new(uri.clone(), position::range(source, o.span)))
            .collect(),
    )
}
