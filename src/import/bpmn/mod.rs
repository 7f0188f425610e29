//! BPMN 2.0 (Camunda 7 and 8, Flowable, Kogito) to the draft.
//!
//! The XML is read with roxmltree, which keeps each node's and attribute's byte range, so
//! every step is spanned at its task's `id` in the file. The saga's forward steps are the
//! tasks on the sequence flow from the start event (a parallel gateway's branches a
//! fork/join group, an exclusive gateway followed by its default flow); a task's
//! compensation is the `isForCompensation` handler its compensation boundary event is
//! associated with; its failure is handled when an error boundary event leads to a
//! compensation throw event. Retries and timers come from the engines' extension
//! attributes (`extensions.rs`).

mod extensions;
mod flow;

use std::collections::HashMap;

use roxmltree::{Document, Node as XmlNode};

use super::draft::Draft;
use super::error::{Finding, ImportError, ImportErrorKind};
use super::{Options, asl};
use crate::source::{SourceFile, Span, Spanned};

/// The largest number of XML nodes read (a 16 MiB file of small elements stays below).
const MAX_NODES: u32 = 4_000_000;

pub fn import(
    source: &SourceFile,
    options: &Options,
) -> Result<(Draft, Vec<Finding>), Vec<ImportError>> {
    let parsing = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = Document::parse_with_options(&source.text, parsing).map_err(|e| {
        let pos = e.pos();
        let offset = source.line_start(pos.row.saturating_sub(1) as usize)
            + (pos.col.saturating_sub(1) as usize);
        let offset = offset.min(source.text.len());
        vec![ImportError::new(
            Span::new(offset, offset),
            ImportErrorKind::Unreadable {
                language: "XML",
                message: e
                    .to_string()
                    .split(" at ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            },
        )]
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "definitions" {
        return Err(vec![ImportError::new(
            element_span(root),
            ImportErrorKind::UnknownFormat,
        )]);
    }
    let process = choose_process(root, options)?;
    let engine = engine(root);
    let mut draft = flow::translate(process, source, engine)?;
    draft.0.name = Spanned::new(
        process
            .attribute("id")
            .map(|id| super::draft::snake(id, "imported_saga"))
            .filter(|n| !crate::model::names::is_reserved(n))
            .unwrap_or_else(|| asl::saga_name(source)),
        draft.0.start,
    );
    Ok(draft)
}

/// The process to import: the one `--process` names (by id or name), else the only one, else
/// the only one with a task.
fn choose_process<'a, 'i>(
    root: XmlNode<'a, 'i>,
    options: &Options,
) -> Result<XmlNode<'a, 'i>, Vec<ImportError>> {
    let processes: Vec<XmlNode<'a, 'i>> = root
        .children()
        .filter(|n| n.tag_name().name() == "process")
        .collect();
    let names = || {
        processes
            .iter()
            .filter_map(|p| p.attribute("id"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    if let Some(wanted) = &options.process {
        return processes
            .iter()
            .copied()
            .find(|p| p.attribute("id") == Some(wanted) || p.attribute("name") == Some(wanted))
            .ok_or_else(|| {
                vec![ImportError::new(
                    element_span(root),
                    ImportErrorKind::ChooseProcess {
                        wanted: Some(wanted.clone()),
                        available: names(),
                    },
                )]
            });
    }
    let with_tasks: Vec<XmlNode<'a, 'i>> = processes
        .iter()
        .copied()
        .filter(|p| p.children().any(|c| flow::is_task(c)))
        .collect();
    match (processes.as_slice(), with_tasks.as_slice()) {
        ([only], _) | (_, [only]) => Ok(*only),
        ([], _) => Err(vec![ImportError::new(
            element_span(root),
            ImportErrorKind::Missing {
                key: "process".to_owned(),
                place: "the BPMN definitions".to_owned(),
            },
        )]),
        _ => Err(vec![ImportError::new(
            element_span(root),
            ImportErrorKind::ChooseProcess {
                wanted: None,
                available: names(),
            },
        )]),
    }
}

/// The engine, from the extension namespaces the file declares.
fn engine(root: XmlNode<'_, '_>) -> &'static str {
    let uris: Vec<&str> = root.namespaces().map(|n| n.uri()).collect();
    let has = |part: &str| uris.iter().any(|u| u.contains(part));
    if has("flowable") || has("activiti") {
        "flowable"
    } else if has("drools") || has("kie") {
        "kogito"
    } else {
        "camunda"
    }
}

/// The span an element is reported at: its `id` attribute's value, else its start tag's name.
pub(super) fn element_span(node: XmlNode<'_, '_>) -> Span {
    match node.attribute_node("id") {
        Some(a) => {
            let r = a.range_value();
            Span::new(r.start, r.end)
        }
        None => {
            let r = node.range();
            Span::new(
                r.start,
                (r.start + 1 + node.tag_name().name().len()).min(r.end),
            )
        }
    }
}

/// The elements of a process by id.
pub(super) fn by_id<'a, 'i>(process: XmlNode<'a, 'i>) -> HashMap<&'a str, XmlNode<'a, 'i>> {
    process
        .descendants()
        .filter_map(|n| n.attribute("id").map(|id| (id, n)))
        .collect()
}
