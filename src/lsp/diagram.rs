//! The custom request `sagac/diagram`: the Mermaid text of a spec's diagram, drawn by
//! `diagram` as `sagac diagram` draws it, so an editor extension can preview it beside the
//! spec. Documented in `docs/editors.md`.
//!
//! Params: `{ "textDocument": { "uri": ... }, "kind": "sequence" | "flowchart" | "state" }`
//! (`kind` is optional, `sequence` by default: the happy path with an `alt`/`else` per
//! failure). Result: `{ "kind": ..., "mermaid": "sequenceDiagram\n..." }`. A spec whose
//! model does not resolve, a choreography asked for its state machine, or a saga too large
//! to draw every failure of, is an error answer (`RequestFailed`) that says why. A saga
//! with `resources` draws, as `sagac diagram` does, the happy run of its instances then a
//! counterexample per broken invariant (`diagram::instances`): every one in `sections`, the
//! first in `mermaid`. `markdown` is, for every kind, the document `sagac diagram --markdown`
//! writes, which an extension can open as it is.

use lsp_server::ErrorCode;
use lsp_types::TextDocumentIdentifier;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diagram::markdown::{self, Section};
use crate::diagram::{self, flowchart, state};
use crate::model::Saga;
use crate::scenario::{self, isolation};

use super::state::State;

/// The method's name.
pub const DIAGRAM_METHOD: &str = "sagac/diagram";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagramParams {
    pub text_document: TextDocumentIdentifier,
    #[serde(default)]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct DiagramResult {
    pub kind: String,
    /// The diagram; for a saga with `resources`, the first of `sections`.
    pub mermaid: String,
    /// The document `sagac diagram --markdown` writes for the same kind: a heading and a
    /// ```` ```mermaid ```` fence per diagram (what the editor extension opens).
    pub markdown: String,
    /// A saga with `resources`, `sequence`: the diagrams `sagac diagram` draws, in order
    /// (the happy run of the instances, then a counterexample per broken invariant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<DiagramSection>>,
}

/// One diagram of a saga with `resources`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct DiagramSection {
    /// The scenario, and for a counterexample the invariant (`a/fail:x: no_lost_update`).
    pub title: String,
    /// Its outcome per instance, or the broken invariant's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub mermaid: String,
}

/// The default sequence diagrams of a saga with `resources`, as `sagac diagram` draws them
/// (`diagram::instances`), unless the spec uses a key the simulation of several instances
/// does not implement.
fn instances(saga: &Saga) -> Result<Vec<Section>, String> {
    let unsupported = scenario::unsupported_besides_isolation(saga)
        .map(|u| u.describe())
        .or_else(|| isolation::unsupported(saga));
    if let Some(what) = unsupported {
        return Err(format!(
            "`{}` uses {what}, whose semantics `sagac diagram` does not implement yet for several instances",
            saga.name.value
        ));
    }
    diagram::instances::overview(saga)
}

pub fn request(state: &State, params: DiagramParams) -> Result<Value, (ErrorCode, String)> {
    let failed = |message: String| (ErrorCode::RequestFailed, message);
    let uri = params.text_document.uri;
    let analysis = state
        .analysis(uri.as_str())
        .ok_or_else(|| failed(format!("{} is not open", uri.as_str())))?;
    let Some(saga) = analysis.checked.model() else {
        return Err(failed(format!(
            "{} cannot be drawn until its syntax and reference errors are fixed",
            analysis.checked.source.name()
        )));
    };
    let kind = params.kind.unwrap_or_else(|| "sequence".to_owned());
    let with_resources = kind == "sequence" && saga.resources.any();
    let sections = match kind.as_str() {
        "sequence" if with_resources => instances(saga).map_err(failed)?,
        "sequence" => {
            let compensations = diagram::compensations_to_run(saga);
            if compensations > diagram::MAX_COMPENSATIONS {
                return Err(failed(format!(
                    "{} runs about {compensations} compensations over its failure paths, past the {} a diagram of every failure path is drawn for; ask for `flowchart`",
                    saga.name.value,
                    diagram::MAX_COMPENSATIONS
                )));
            }
            vec![section("every path", diagram::combined(saga).text)]
        }
        "flowchart" => vec![section("flowchart", flowchart::render(saga))],
        "state" => vec![section(
            "state machine",
            state::render(saga).ok_or_else(|| {
                failed(format!(
                    "{} is a choreography: it has no orchestrator, so no state machine",
                    saga.name.value
                ))
            })?,
        )],
        other => {
            return Err((
                ErrorCode::InvalidParams,
                format!("`{other}` is not a kind of diagram: sequence, flowchart or state"),
            ));
        }
    };
    let result = DiagramResult {
        kind,
        mermaid: sections
            .first()
            .map_or_else(String::new, |s| s.diagram.clone()),
        markdown: markdown::document(&markdown::saga_title(saga), &sections),
        sections: with_resources.then(|| {
            sections
                .into_iter()
                .map(|s| DiagramSection {
                    title: s.title,
                    summary: s.summary,
                    mermaid: s.diagram,
                })
                .collect()
        }),
    };
    serde_json::to_value(result).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// One diagram under a heading, as `sagac diagram` titles it.
fn section(title: &str, diagram: String) -> Section {
    Section {
        title: title.to_owned(),
        code: false,
        summary: None,
        diagram,
    }
}
