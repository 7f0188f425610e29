//! A state machine's states, read and checked: each state's type, its transitions (`Next`,
//! `Default`, `Choices`, `Catch`) resolved to indexes, and its branches (a `Parallel`'s
//! own machines). Every wrong type, unknown state type and dangling name is reported at its
//! line, all of them in one run.

use std::collections::HashMap;

use crate::import::error::{ImportError, ImportErrorKind};
use crate::import::tree::{Node, Value};
use crate::source::{Span, Spanned};
use crate::suggest::did_you_mean;

pub const STATE_TYPES: &[&str] = &[
    "Task", "Choice", "Parallel", "Map", "Pass", "Wait", "Succeed", "Fail",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Task,
    Choice,
    Parallel,
    Map,
    Pass,
    Wait,
    Succeed,
    Fail,
}

#[derive(Debug)]
pub struct Catch {
    pub errors: Vec<Spanned<String>>,
    pub next: usize,
    /// Where the catcher's `Next` is written: what a finding about its path points at.
    pub next_span: Span,
}

#[derive(Debug)]
pub struct State<'a> {
    pub name: Spanned<String>,
    pub node: &'a Node,
    pub ty: Type,
    pub next: Option<usize>,
    /// `Choices[].Next`, in order.
    pub choices: Vec<usize>,
    pub default: Option<usize>,
    pub catches: Vec<Catch>,
    /// A `Parallel`'s branches (a `Map`'s iterator is not read).
    pub branches: Vec<Machine<'a>>,
}

#[derive(Debug)]
pub struct Machine<'a> {
    pub states: Vec<State<'a>>,
    pub start: usize,
}

/// Reads the machine at `node` (a mapping with `StartAt` and `States`).
pub fn read<'a>(node: &'a Node, errors: &mut Vec<ImportError>) -> Option<Machine<'a>> {
    let place = "the state machine";
    let start = required_str(node, "StartAt", place, errors);
    let Some(states_node) = node.get("States") else {
        errors.push(missing(node.span, "States", place));
        return None;
    };
    if !states_node.is_map() {
        errors.push(wrong(states_node, "States", "a mapping of state names"));
        return None;
    }
    let entries = states_node.entries();
    let by_name: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.value.as_str(), i))
        .collect();
    let names: Vec<&str> = entries.iter().map(|(k, _)| k.value.as_str()).collect();
    let lookup = |target: &Node, key: &str, errors: &mut Vec<ImportError>| -> Option<usize> {
        let Some(name) = target.as_str() else {
            errors.push(wrong(target, key, "a state name"));
            return None;
        };
        match by_name.get(name) {
            Some(&i) => Some(i),
            None => {
                errors.push(ImportError::new(
                    target.span,
                    ImportErrorKind::Dangling {
                        key: key.to_owned(),
                        target: name.to_owned(),
                        suggestion: did_you_mean(name, names.iter().copied()).map(str::to_owned),
                    },
                ));
                None
            }
        }
    };
    let mut states = Vec::with_capacity(entries.len());
    for (name, state) in entries {
        if let Some(s) = read_state(name, state, &lookup, errors) {
            states.push(s);
        }
    }
    let start = start.and_then(|s| lookup(s, "StartAt", errors))?;
    if states.len() != entries.len() {
        return None;
    }
    Some(Machine { states, start })
}

type Lookup<'l> = dyn Fn(&Node, &str, &mut Vec<ImportError>) -> Option<usize> + 'l;

fn read_state<'a>(
    name: &Spanned<String>,
    node: &'a Node,
    lookup: &Lookup<'_>,
    errors: &mut Vec<ImportError>,
) -> Option<State<'a>> {
    if !node.is_map() {
        errors.push(wrong(node, &name.value, "a mapping (a state)"));
        return None;
    }
    let place = format!("state \"{}\"", name.value);
    let ty_node = required_str(node, "Type", &place, errors)?;
    let ty_text = ty_node.as_str().unwrap_or_default();
    let ty = match ty_text {
        "Task" => Type::Task,
        "Choice" => Type::Choice,
        "Parallel" => Type::Parallel,
        "Map" => Type::Map,
        "Pass" => Type::Pass,
        "Wait" => Type::Wait,
        "Succeed" => Type::Succeed,
        "Fail" => Type::Fail,
        other => {
            errors.push(ImportError::new(
                ty_node.span,
                ImportErrorKind::UnknownType {
                    found: other.to_owned(),
                    allowed: STATE_TYPES,
                },
            ));
            return None;
        }
    };
    let next = node.get("Next").and_then(|n| lookup(n, "Next", errors));
    let terminal = matches!(ty, Type::Choice | Type::Succeed | Type::Fail);
    let end = node.get("End").and_then(|e| match e.value {
        Value::Bool(b) => Some(b),
        _ => None,
    });
    if !terminal && next.is_none() && node.get("Next").is_none() && end != Some(true) {
        errors.push(missing(
            name.span,
            "Next",
            &format!("{place} (or `End: true`)"),
        ));
    }
    let mut choices = Vec::new();
    let mut default = None;
    if ty == Type::Choice {
        match node.get("Choices") {
            Some(
                list @ Node {
                    value: Value::List(items),
                    ..
                },
            ) => {
                if items.is_empty() {
                    errors.push(wrong(list, "Choices", "a list of at least one choice rule"));
                }
                for rule in items {
                    match rule.get("Next") {
                        Some(n) => choices.extend(lookup(n, "Next", errors)),
                        None => errors.push(missing(rule.span, "Next", "a choice rule")),
                    }
                }
            }
            Some(other) => errors.push(wrong(other, "Choices", "a list of choice rules")),
            None => errors.push(missing(name.span, "Choices", &place)),
        }
        default = node
            .get("Default")
            .and_then(|d| lookup(d, "Default", errors));
    }
    let catches = catches(node, lookup, errors);
    let mut branches = Vec::new();
    if ty == Type::Parallel {
        match node.get("Branches") {
            Some(Node {
                value: Value::List(items),
                ..
            }) => {
                for branch in items {
                    branches.extend(read(branch, errors));
                }
            }
            Some(other) => errors.push(wrong(other, "Branches", "a list of state machines")),
            None => errors.push(missing(name.span, "Branches", &place)),
        }
    }
    check_numbers(node, errors);
    Some(State {
        name: name.clone(),
        node,
        ty,
        next,
        choices,
        default,
        catches,
        branches,
    })
}

fn catches(node: &Node, lookup: &Lookup<'_>, errors: &mut Vec<ImportError>) -> Vec<Catch> {
    let mut out = Vec::new();
    let Some(list) = node.get("Catch") else {
        return out;
    };
    if !matches!(list.value, Value::List(_)) {
        errors.push(wrong(list, "Catch", "a list of catchers"));
        return out;
    }
    for catcher in list.items() {
        let errors_list = error_names(catcher, errors);
        let Some(next) = catcher.get("Next") else {
            errors.push(missing(catcher.span, "Next", "a catcher"));
            continue;
        };
        let next_node_span = next.span;
        if let Some(next) = lookup(next, "Next", errors) {
            out.push(Catch {
                errors: errors_list,
                next,
                next_span: next_node_span,
            });
        }
    }
    out
}

/// A catcher's or retrier's `ErrorEquals`.
pub fn error_names(node: &Node, errors: &mut Vec<ImportError>) -> Vec<Spanned<String>> {
    match node.get("ErrorEquals") {
        Some(Node {
            value: Value::List(items),
            ..
        }) => items
            .iter()
            .filter_map(|e| match e.as_str() {
                Some(s) => Some(Spanned::new(s.to_owned(), e.span)),
                None => {
                    errors.push(wrong(e, "ErrorEquals", "an error name"));
                    None
                }
            })
            .collect(),
        Some(other) => {
            errors.push(wrong(other, "ErrorEquals", "a list of error names"));
            Vec::new()
        }
        None => {
            errors.push(missing(node.span, "ErrorEquals", "a catcher or retrier"));
            Vec::new()
        }
    }
}

/// The numeric fields the translation reads: a text or a list there is an error.
fn check_numbers(node: &Node, errors: &mut Vec<ImportError>) {
    for key in ["TimeoutSeconds", "HeartbeatSeconds", "Seconds"] {
        if let Some(v) = node.get(key)
            && v.as_f64().is_none_or(|n| n < 0.0)
        {
            errors.push(wrong(v, key, "a number of seconds"));
        }
    }
    if let Some(list) = node.get("Retry") {
        if !matches!(list.value, Value::List(_)) {
            errors.push(wrong(list, "Retry", "a list of retriers"));
            return;
        }
        for retrier in list.items() {
            error_names(retrier, errors);
            for key in [
                "MaxAttempts",
                "IntervalSeconds",
                "BackoffRate",
                "MaxDelaySeconds",
            ] {
                if let Some(v) = retrier.get(key)
                    && v.as_f64().is_none_or(|n| n < 0.0)
                {
                    errors.push(wrong(v, key, "a number"));
                }
            }
        }
    }
}

fn required_str<'a>(
    node: &'a Node,
    key: &str,
    place: &str,
    errors: &mut Vec<ImportError>,
) -> Option<&'a Node> {
    match node.get(key) {
        Some(v) if v.as_str().is_some() => Some(v),
        Some(v) => {
            errors.push(wrong(v, key, "a text value"));
            None
        }
        None => {
            errors.push(missing(node.span, key, place));
            None
        }
    }
}

pub fn missing(span: Span, key: &str, place: &str) -> ImportError {
    ImportError::new(
        span,
        ImportErrorKind::Missing {
            key: key.to_owned(),
            place: place.to_owned(),
        },
    )
}

pub fn wrong(node: &Node, key: &str, expected: &'static str) -> ImportError {
    ImportError::new(
        node.span,
        ImportErrorKind::WrongType {
            key: key.to_owned(),
            expected,
            found: node.kind(),
        },
    )
}
