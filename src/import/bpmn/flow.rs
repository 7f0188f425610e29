//! A process's sequence flow as the saga's stages, each task's compensation, failure
//! handling, retries and timeout, and the failure paths compared with a saga's.

use std::collections::{HashMap, HashSet};

use roxmltree::Node as XmlNode;

use super::{by_id, element_span, extensions};
use crate::import::draft::{
    Compensation, Draft, Format, Names, Note, NoteKind, Outcome, Retry, Stage, Step, pascal,
    seconds,
};
use crate::import::error::{Finding, FindingKind, ImportError, ImportErrorKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::syntax::{Delivery, MaxAttempts, RunsFor};

const TASKS: &[&str] = &[
    "task",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "userTask",
    "manualTask",
    "scriptTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
];

pub fn is_task(node: XmlNode<'_, '_>) -> bool {
    node.is_element() && TASKS.contains(&node.tag_name().name())
}

fn has_definition(node: XmlNode<'_, '_>, local: &str) -> bool {
    node.children().any(|c| c.tag_name().name() == local)
}

/// An element's name (else its id) on one line: modelers write line breaks into names
/// (`Order&#10;Success`) to wrap them in the diagram.
fn label(node: XmlNode<'_, '_>) -> String {
    let text = node
        .attribute("name")
        .filter(|n| !n.trim().is_empty())
        .or_else(|| node.attribute("id"))
        .unwrap_or("task");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Process<'a, 'i> {
    ids: HashMap<&'a str, XmlNode<'a, 'i>>,
    /// Element id → the ids its sequence flows lead to (the default flow first).
    outgoing: HashMap<&'a str, Vec<&'a str>>,
    /// Task id → its boundary events.
    boundaries: HashMap<&'a str, Vec<XmlNode<'a, 'i>>>,
    /// Association source → target.
    associations: HashMap<&'a str, &'a str>,
    /// The error start event of an event sub-process (`triggeredByEvent`) directly in the
    /// process: it catches an error of any task without an error boundary event.
    error_handler: Option<XmlNode<'a, 'i>>,
}

pub fn translate(
    process: XmlNode<'_, '_>,
    source: &SourceFile,
    engine: &'static str,
) -> Result<(Draft, Vec<Finding>), Vec<ImportError>> {
    let p = read(process)?;
    let start = process
        .children()
        .find(|c| c.tag_name().name() == "startEvent")
        .ok_or_else(|| {
            vec![ImportError::new(
                element_span(process),
                ImportErrorKind::Missing {
                    key: "startEvent".to_owned(),
                    place: "the process".to_owned(),
                },
            )]
        })?;
    let mut notes = Vec::new();
    let mut findings = Vec::new();
    let forward = forward(&p, start, &mut notes, &mut findings);
    if forward.is_empty() {
        return Err(vec![ImportError::new(
            element_span(start),
            ImportErrorKind::NoSteps,
        )]);
    }
    let mut names = Names::default();
    let mut stages = Vec::new();
    let mut compensated: Vec<String> = Vec::new();
    let last_compensated = forward
        .iter()
        .rposition(|group| group.iter().any(|t| compensation_handler(&p, *t).is_some()));
    for (k, group) in forward.iter().enumerate() {
        let steps: Vec<Step> = group
            .iter()
            .map(|t| step(&p, *t, &mut names, &mut notes))
            .collect();
        for (t, s) in group.iter().zip(&steps) {
            failure_path(&p, *t, s, &compensated, k, last_compensated, &mut findings);
        }
        for (t, s) in group.iter().zip(&steps) {
            if s.compensation.is_some() {
                compensated.push(label(*t).to_owned());
            }
        }
        stages.push(match steps.len() {
            1 => Stage::Step(Box::new(
                steps.into_iter().next().unwrap_or_else(|| unreachable!()),
            )),
            _ => Stage::Parallel(steps, element_span(group[0])),
        });
    }
    let pivot_inferred = crate::import::pivot::infer(&mut stages);
    left_out(process, &mut notes);
    let start_span = element_span(start);
    let draft = Draft {
        format: Format::Bpmn,
        name: Spanned::new(String::new(), start_span),
        description: process.attribute("name").map(str::to_owned),
        engine,
        start: start_span,
        trigger_action: pascal(&label(start), "StartProcess"),
        stages,
        deadline: None,
        outcome: Some(Outcome {
            span: start_span,
            delivery: Delivery::Status,
            completed: None,
            compensated: None,
            terminated: None,
        }),
        on_uncaught: None,
        pivot_inferred,
        notes,
    };
    let _ = source;
    Ok((draft, findings))
}

fn read<'a, 'i>(process: XmlNode<'a, 'i>) -> Result<Process<'a, 'i>, Vec<ImportError>> {
    let ids = by_id(process);
    let mut errors = Vec::new();
    let mut outgoing: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut boundaries: HashMap<&str, Vec<XmlNode>> = HashMap::new();
    let mut associations = HashMap::new();
    let reference = |node: XmlNode<'a, 'i>, key: &str, errors: &mut Vec<ImportError>| {
        let a = node.attribute_node(key)?;
        if ids.contains_key(a.value()) {
            return Some(a.value());
        }
        let r = a.range_value();
        errors.push(ImportError::new(
            Span::new(r.start, r.end),
            ImportErrorKind::Dangling {
                key: key.to_owned(),
                target: a.value().to_owned(),
                suggestion: crate::suggest::did_you_mean(a.value(), ids.keys().copied())
                    .map(str::to_owned),
            },
        ));
        None
    };
    for node in process.descendants().filter(|n| n.is_element()) {
        match node.tag_name().name() {
            "sequenceFlow" => {
                let from = reference(node, "sourceRef", &mut errors);
                let to = reference(node, "targetRef", &mut errors);
                if let (Some(from), Some(to)) = (from, to) {
                    let is_default =
                        ids.get(from).and_then(|g| g.attribute("default")) == node.attribute("id");
                    let list = outgoing.entry(from).or_default();
                    if is_default {
                        list.insert(0, to)
                    } else {
                        list.push(to)
                    }
                }
            }
            "association" => {
                let from = reference(node, "sourceRef", &mut errors);
                let to = reference(node, "targetRef", &mut errors);
                if let (Some(from), Some(to)) = (from, to) {
                    associations.insert(from, to);
                }
            }
            "boundaryEvent" => {
                if let Some(task) = reference(node, "attachedToRef", &mut errors) {
                    boundaries.entry(task).or_default().push(node);
                }
            }
            _ => {}
        }
    }
    let error_handler = process
        .children()
        .filter(|c| c.tag_name().name() == "subProcess")
        .filter(|c| c.attribute("triggeredByEvent") == Some("true"))
        .flat_map(|c| c.children())
        .find(|c| {
            c.tag_name().name() == "startEvent" && has_definition(*c, "errorEventDefinition")
        });
    if errors.is_empty() {
        Ok(Process {
            ids,
            outgoing,
            boundaries,
            associations,
            error_handler,
        })
    } else {
        errors.sort_by_key(|e| e.span.start);
        Err(errors)
    }
}

/// A choice without a default flow: the first outgoing path that throws no compensation
/// and no error before it ends or meets the next choice (the one where the saga goes on).
fn happy_path<'a>(p: &Process<'a, '_>, gateway: &str) -> Option<&'a str> {
    let throws = |first: &'a str| {
        let mut seen = HashSet::new();
        let mut at = Some(first);
        while let Some(id) = at {
            let Some(node) = p.ids.get(id) else { break };
            if !seen.insert(id) || seen.len() > 1_000 {
                break;
            }
            // The next choice decides the rest: this path throws nothing before it.
            if p.outgoing.get(id).is_some_and(|o| o.len() > 1) {
                return false;
            }
            if node.children().any(|c| {
                matches!(
                    c.tag_name().name(),
                    "compensateEventDefinition" | "errorEventDefinition"
                )
            }) {
                return true;
            }
            at = p.outgoing.get(id).and_then(|o| o.first()).copied();
        }
        false
    };
    p.outgoing
        .get(gateway)?
        .iter()
        .copied()
        .find(|o| !throws(o))
}

/// The forward stages: each a task, or the tasks of a parallel gateway's branches.
fn forward<'a, 'i>(
    p: &Process<'a, 'i>,
    start: XmlNode<'a, 'i>,
    notes: &mut Vec<Note>,
    findings: &mut Vec<Finding>,
) -> Vec<Vec<XmlNode<'a, 'i>>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let next_of = |id: &str| p.outgoing.get(id).and_then(|o| o.first()).copied();
    let mut at = start.attribute("id").and_then(next_of);
    while let Some(id) = at {
        let Some(node) = p.ids.get(id).copied() else {
            break;
        };
        if !seen.insert(id) {
            findings.push(Finding {
                span: element_span(node),
                kind: FindingKind::LoopCut {
                    at: label(node).to_owned(),
                },
                related: Vec::new(),
            });
            break;
        }
        at = next_of(id);
        let tag = node.tag_name().name();
        let outs = p.outgoing.get(id).map_or(0, Vec::len);
        if is_task(node) {
            if node.attribute("isForCompensation") != Some("true") {
                out.push(vec![node]);
            }
        } else if tag == "parallelGateway" && outs > 1 {
            let (tasks, join) = branches(p, id, &mut seen);
            if !tasks.is_empty() {
                out.push(tasks);
            }
            at = join.and_then(next_of);
        } else if tag.ends_with("Gateway") && outs > 1 {
            if node.attribute("default").is_none() {
                at = happy_path(p, id).or(at);
            }
            note(
                notes,
                NoteKind::Approximated,
                node,
                "a choice between paths: the saga follows the default flow (else the first that throws no compensation or error); the other paths are not steps",
            );
        } else if tag == "endEvent" {
            break;
        } else if has_definition(node, "compensateEventDefinition") {
            note(
                notes,
                NoteKind::Approximated,
                node,
                "compensation thrown on the success path (the process goes on): not modelled; the spec compensates only when a step fails",
            );
        } else if tag != "startEvent" && tag != "parallelGateway" {
            note(
                notes,
                NoteKind::LeftOut,
                node,
                "an event on the path: no meaning in the spec",
            );
        }
    }
    out
}

/// The tasks on each branch of a parallel gateway, up to the gateway that joins them.
fn branches<'a, 'i>(
    p: &Process<'a, 'i>,
    fork: &'a str,
    seen: &mut HashSet<&'a str>,
) -> (Vec<XmlNode<'a, 'i>>, Option<&'a str>) {
    let mut tasks = Vec::new();
    let mut join = None;
    for first in p.outgoing.get(fork).into_iter().flatten() {
        let mut at = Some(*first);
        while let Some(id) = at {
            let Some(node) = p.ids.get(id).copied() else {
                break;
            };
            if node.tag_name().name() == "parallelGateway" {
                join = Some(id);
                break;
            }
            if !seen.insert(id) {
                break;
            }
            if is_task(node) {
                tasks.push(node);
            }
            at = p.outgoing.get(id).and_then(|o| o.first()).copied();
        }
    }
    (tasks, join)
}

/// The handler a task's compensation boundary event is associated with.
fn compensation_handler<'a, 'i>(
    p: &Process<'a, 'i>,
    task: XmlNode<'a, 'i>,
) -> Option<XmlNode<'a, 'i>> {
    let id = task.attribute("id")?;
    p.boundaries.get(id)?.iter().find_map(|b| {
        if !has_definition(*b, "compensateEventDefinition") {
            return None;
        }
        let target = p.associations.get(b.attribute("id")?)?;
        p.ids.get(target).copied()
    })
}

fn step<'a, 'i>(
    p: &Process<'a, 'i>,
    task: XmlNode<'a, 'i>,
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Step {
    let span = element_span(task);
    let name = &label(task);
    let compensation = compensation_handler(p, task).map(|h| Compensation {
        action: Spanned::new(pascal(&label(h), "Undo"), element_span(h)),
        source: format!("{} \"{}\"", h.tag_name().name(), label(h)),
        retry: Some(extensions::retry(h).unwrap_or(Retry {
            max_attempts: Spanned::new(MaxAttempts::Limited(1), element_span(h)),
            backoff: None,
            initial: None,
            max: None,
        })),
        // BPMN runs a compensation handler only for an activity that completed.
        runs_for: Some(RunsFor::Success),
        continues: false,
    });
    let boundaries = task
        .attribute("id")
        .and_then(|id| p.boundaries.get(id))
        .cloned()
        .unwrap_or_default();
    let mut failures = Vec::new();
    let mut timeout = None;
    for b in &boundaries {
        if let Some(def) = b
            .children()
            .find(|c| c.tag_name().name() == "errorEventDefinition")
        {
            let error = def.attribute("errorRef").and_then(|r| {
                task.document()
                    .descendants()
                    .find(|n| n.attribute("id") == Some(r))
            });
            let text = error.and_then(|e| e.attribute("errorCode").or_else(|| e.attribute("name")));
            if let Some(text) = text {
                failures.push(Spanned::new(pascal(text, "Error"), element_span(*b)));
            }
        }
        if let Some(duration) = b
            .descendants()
            .find(|c| c.tag_name().name() == "timeDuration")
            .and_then(|d| d.text())
            .and_then(extensions::iso_seconds)
        {
            timeout = Some(Spanned::new(seconds(duration), element_span(*b)));
        }
    }
    if task.tag_name().name() == "subProcess" {
        note(
            notes,
            NoteKind::Approximated,
            task,
            "an embedded sub-process is one step of the saga",
        );
    }
    Step {
        id: Spanned::new(names.unique(name, "step"), span),
        participant: extensions::participant(task, name, span),
        action: Spanned::new(pascal(name, "Do"), span),
        source: format!("{} \"{}\"", task.tag_name().name(), name),
        kind: None,
        compensation,
        failures,
        timeout,
        retry: extensions::retry(task),
        caught: false,
        catches_all: None,
        timeout_terminates: None,
    }
}

/// The task's failure handling against a saga's: an error boundary event whose path throws
/// compensation and ends in an error; none at all before the point of no return leaves the
/// earlier steps in place.
fn failure_path<'a, 'i>(
    p: &Process<'a, 'i>,
    task: XmlNode<'a, 'i>,
    step: &Step,
    compensated: &[String],
    k: usize,
    last_compensated: Option<usize>,
    findings: &mut Vec<Finding>,
) {
    let name = label(task).to_owned();
    let id = task.attribute("id").unwrap_or_default();
    let error = p
        .boundaries
        .get(id)
        .into_iter()
        .flatten()
        .find(|b| has_definition(**b, "errorEventDefinition"))
        .copied()
        .or(p.error_handler);
    let Some(error) = error else {
        if !compensated.is_empty() && last_compensated.is_some_and(|l| k <= l + 1) {
            findings.push(Finding {
                span: step.id.span,
                kind: FindingKind::uncaught(name, compensated.iter().map(String::as_str)),
                related: Vec::new(),
            });
        }
        return;
    };
    let mut throws = false;
    let mut end = None;
    let mut seen = HashSet::new();
    let mut at = error
        .attribute("id")
        .and_then(|i| p.outgoing.get(i))
        .and_then(|o| o.first())
        .copied();
    while let Some(id) = at {
        let Some(node) = p.ids.get(id).copied() else {
            break;
        };
        if !seen.insert(id) {
            break;
        }
        throws |= has_definition(node, "compensateEventDefinition");
        if node.tag_name().name() == "endEvent" {
            end = Some(node);
            break;
        }
        at = p.outgoing.get(id).and_then(|o| o.first()).copied();
    }
    let span = element_span(error);
    if !throws {
        for skipped in compensated {
            findings.push(Finding {
                span,
                kind: FindingKind::SkippedCompensation {
                    step: name.clone(),
                    compensation: format!("the compensation of {skipped}"),
                    skipped: skipped.clone(),
                },
                related: Vec::new(),
            });
        }
    }
    if let Some(end) = end
        && !has_definition(end, "errorEventDefinition")
    {
        findings.push(Finding {
            span,
            kind: FindingKind::FailureEndsInSuccess {
                step: name,
                end: label(end).to_owned(),
            },
            related: vec![(element_span(end), "the process completes here".to_owned())],
        });
    }
}

/// Process elements that have no meaning in the spec.
fn left_out(process: XmlNode<'_, '_>, notes: &mut Vec<Note>) {
    for child in process.children().filter(|c| c.is_element()) {
        let tag = child.tag_name().name();
        if matches!(
            tag,
            "laneSet"
                | "dataObject"
                | "dataObjectReference"
                | "dataStoreReference"
                | "textAnnotation"
                | "documentation"
                | "extensionElements"
                | "property"
                | "ioSpecification"
        ) {
            note(
                notes,
                NoteKind::LeftOut,
                child,
                "no meaning in the spec (lanes, data, annotations)",
            );
        }
    }
}

fn note(notes: &mut Vec<Note>, kind: NoteKind, node: XmlNode<'_, '_>, text: &str) {
    notes.push(Note {
        kind,
        element: format!("{} \"{}\"", node.tag_name().name(), label(node)),
        span: element_span(node),
        text: text.to_owned(),
    });
}
