//! A Serverless Workflow 0.8 document read into states and the references between them:
//! each state's transition or end (and whether it compensates), `compensatedBy`, `onErrors`
//! and a switch's conditions, each resolved to a state by name, with spans. A reference to
//! no state is an error at its line; an unknown state type is one too.

use std::collections::HashMap;

use crate::import::error::{ImportError, ImportErrorKind};
use crate::import::tree::{Node, Value};
use crate::source::{Span, Spanned};

/// The state types of version 0.8.
pub const TYPES: &[&str] = &[
    "event",
    "operation",
    "switch",
    "sleep",
    "parallel",
    "inject",
    "foreach",
    "callback",
];

/// Where a transition, an end or an error handler leads.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The next state; `None`: the workflow ends there.
    pub state: Option<usize>,
    /// `compensate: true`: the completed states' compensations run first.
    pub compensate: bool,
    pub span: Span,
}

#[derive(Debug)]
pub struct OnError {
    pub errors: Vec<Spanned<String>>,
    pub target: Target,
}

#[derive(Debug)]
pub struct State<'a> {
    pub name: Spanned<String>,
    pub node: &'a Node,
    pub ty: &'a str,
    /// Its transition or end; a switch's default condition (else its first).
    pub next: Option<Target>,
    /// A switch's conditions, default last.
    pub conditions: usize,
    pub compensated_by: Option<Spanned<usize>>,
    pub on_errors: Vec<OnError>,
}

#[derive(Debug)]
pub struct Workflow<'a> {
    pub states: Vec<State<'a>>,
    pub start: usize,
    /// `functions` by name (absent when the document names a file instead).
    pub functions: HashMap<&'a str, &'a Node>,
    /// `retries` by name.
    pub retries: HashMap<&'a str, &'a Node>,
}

pub fn read<'a>(root: &'a Node, errors: &mut Vec<ImportError>) -> Option<Workflow<'a>> {
    let Some(list) = root.get("states") else {
        errors.push(missing(root.span, "states", "the workflow"));
        return None;
    };
    if !matches!(list.value, Value::List(_)) || list.items().is_empty() {
        errors.push(wrong(list, "states", "a list of states"));
        return None;
    }
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut named = Vec::new();
    for item in list.items() {
        let Some(name) = item.get("name") else {
            errors.push(missing(item.span, "name", "a state"));
            continue;
        };
        let Some(text) = name.as_str() else {
            errors.push(wrong(name, "name", "a text value"));
            continue;
        };
        let Some(ty) = item.get("type") else {
            errors.push(missing(name.span, "type", &format!("state \"{text}\"")));
            continue;
        };
        let Some(ty_text) = ty.as_str().filter(|t| TYPES.contains(t)) else {
            errors.push(ImportError::new(
                ty.span,
                ImportErrorKind::UnknownType {
                    found: ty.as_str().unwrap_or(ty.kind()).to_owned(),
                    allowed: TYPES,
                },
            ));
            continue;
        };
        by_name.entry(text).or_insert(named.len());
        named.push((item, Spanned::new(text.to_owned(), name.span), ty_text));
    }
    if !errors.is_empty() {
        return None;
    }
    let lookup = Lookup { by_name };
    let states = named
        .into_iter()
        .map(|(node, name, ty)| state(node, name, ty, &lookup, errors))
        .collect();
    let start = match root.get("start") {
        None => 0,
        Some(s) => {
            let name = s
                .as_str()
                .or_else(|| s.get("stateName").and_then(Node::as_str));
            match name {
                Some(n) => lookup.find(n, s.span, "start", errors).unwrap_or(0),
                None => {
                    errors.push(wrong(s, "start", "a state's name"));
                    0
                }
            }
        }
    };
    Some(Workflow {
        states,
        start,
        functions: by_key(root.get("functions")),
        retries: by_key(root.get("retries")),
    })
}

/// A list of definitions by their `name`.
fn by_key(list: Option<&Node>) -> HashMap<&str, &Node> {
    list.map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.get("name").and_then(Node::as_str).map(|n| (n, d)))
        .collect()
}

struct Lookup<'a> {
    by_name: HashMap<&'a str, usize>,
}

impl Lookup<'_> {
    fn find(
        &self,
        name: &str,
        span: Span,
        key: &str,
        errors: &mut Vec<ImportError>,
    ) -> Option<usize> {
        let found = self.by_name.get(name).copied();
        if found.is_none() {
            let suggestion = self
                .by_name
                .keys()
                .find(|k| k.eq_ignore_ascii_case(name))
                .map(|k| (*k).to_owned());
            errors.push(ImportError::new(
                span,
                ImportErrorKind::Dangling {
                    key: key.to_owned(),
                    target: name.to_owned(),
                    suggestion,
                },
            ));
        }
        found
    }

    /// A `transition` (a name, or `{ nextState, compensate }`) or an `end` (`true`, or
    /// `{ compensate, terminate }`) in `node`.
    fn target(&self, node: &Node, errors: &mut Vec<ImportError>) -> Option<Target> {
        if let Some(t) = node.get("transition") {
            let (name, span) = match t.as_str() {
                Some(n) => (n, t.span),
                None => match t.get("nextState") {
                    Some(n) => (n.as_str().unwrap_or_default(), n.span),
                    None => {
                        errors.push(missing(t.span, "nextState", "a transition"));
                        return None;
                    }
                },
            };
            let state = self.find(name, span, "transition", errors)?;
            return Some(Target {
                state: Some(state),
                compensate: compensates(t),
                span,
            });
        }
        let end = node.get("end")?;
        if matches!(end.value, Value::Bool(false)) {
            return None;
        }
        Some(Target {
            state: None,
            compensate: compensates(end),
            span: end.span,
        })
    }
}

fn compensates(node: &Node) -> bool {
    matches!(
        node.get("compensate").map(|c| &c.value),
        Some(Value::Bool(true))
    )
}

fn state<'a>(
    node: &'a Node,
    name: Spanned<String>,
    ty: &'a str,
    lookup: &Lookup<'_>,
    errors: &mut Vec<ImportError>,
) -> State<'a> {
    let mut conditions = 0;
    let next = if ty == "switch" {
        let mut targets = Vec::new();
        for key in ["dataConditions", "eventConditions"] {
            for c in node.get(key).map(Node::items).unwrap_or_default() {
                targets.extend(lookup.target(c, errors));
            }
        }
        let default = node
            .get("defaultCondition")
            .and_then(|d| lookup.target(d, errors));
        conditions = targets.len() + usize::from(default.is_some());
        default.or_else(|| targets.first().copied())
    } else {
        lookup.target(node, errors)
    };
    let compensated_by = node.get("compensatedBy").and_then(|c| {
        let name = c.as_str()?;
        lookup
            .find(name, c.span, "compensatedBy", errors)
            .map(|i| Spanned::new(i, c.span))
    });
    let on_errors = node
        .get("onErrors")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let mut names: Vec<Spanned<String>> = e
                .get("errorRef")
                .into_iter()
                .chain(e.get("errorRefs").map(Node::items).unwrap_or_default())
                .filter_map(|n| n.as_str().map(|s| Spanned::new(s.to_owned(), n.span)))
                .collect();
            names.dedup_by(|a, b| a.value == b.value);
            let target = lookup.target(e, errors)?;
            Some(OnError {
                errors: names,
                target,
            })
        })
        .collect();
    State {
        name,
        node,
        ty,
        next,
        conditions,
        compensated_by,
        on_errors,
    }
}

fn missing(span: Span, key: &str, place: &str) -> ImportError {
    ImportError::new(
        span,
        ImportErrorKind::Missing {
            key: key.to_owned(),
            place: place.to_owned(),
        },
    )
}

fn wrong(node: &Node, key: &str, expected: &'static str) -> ImportError {
    ImportError::new(
        node.span,
        ImportErrorKind::WrongType {
            key: key.to_owned(),
            expected,
            found: node.kind(),
        },
    )
}
