//! What a Task state says about its step: the participant (from its `Resource`: a Lambda
//! function, a DynamoDB table, a service integration, a `${…}` substitution left as a name),
//! its retry policy and its timeout.

use crate::import::draft::{Note, NoteKind, Retry, participant_name, seconds};
use crate::import::tree::Node;
use crate::source::Spanned;
use crate::syntax::{Backoff, MaxAttempts};

/// The participant a Task calls, and the span to report it at.
pub fn participant(state: &Node) -> Spanned<String> {
    let resource = state.get("Resource");
    let span = resource.map_or(state.span, |r| r.span);
    let text = resource.and_then(Node::as_str).unwrap_or_default();
    let parameter = |key: &str| {
        ["Parameters", "Arguments"]
            .iter()
            .filter_map(|p| state.get(p))
            .find_map(|p| p.get(key).or_else(|| p.get(&format!("{key}.$"))))
            .and_then(Node::as_str)
            .map(resource_name)
    };
    let name = if let Some(service) = text.strip_prefix("arn:aws:states:::") {
        let service = service.split([':', '.']).next().unwrap_or_default();
        match service {
            "lambda" => parameter("FunctionName"),
            "dynamodb" => parameter("TableName"),
            "aws-sdk" => text.split(':').nth(7).map(str::to_owned),
            _ => None,
        }
        .unwrap_or_else(|| service.to_owned())
    } else if !text.is_empty() {
        resource_name(text)
    } else {
        "service".to_owned()
    };
    Spanned::new(participant_name(&name), span)
}

/// A resource's name: a Lambda ARN's function name, a `${ReserveFlightFunctionArn}`
/// substitution's name without `FunctionArn`, an ARN's last part.
fn resource_name(text: &str) -> String {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) {
        let mut name = inner;
        for suffix in ["FunctionArn", "LambdaArn", "Arn", "Function", "Name"] {
            name = name.strip_suffix(suffix).unwrap_or(name);
        }
        return if name.is_empty() { inner } else { name }.to_owned();
    }
    if let Some(rest) = text.split(":function:").nth(1) {
        return rest.split(':').next().unwrap_or(rest).to_owned();
    }
    text.rsplit([':', '/']).next().unwrap_or(text).to_owned()
}

/// The step's retry policy from its retriers: the one for every error (`States.ALL`,
/// `States.TaskFailed`), else the first; the others are noted as approximated.
pub fn retry(state: &Node, element: &str, notes: &mut Vec<Note>) -> Option<Retry> {
    let retriers = state.get("Retry")?.items();
    let every_error = |r: &Node| {
        r.get("ErrorEquals").is_some_and(|e| {
            e.items()
                .iter()
                .any(|n| matches!(n.as_str(), Some("States.ALL" | "States.TaskFailed")))
        })
    };
    let chosen = retriers.iter().position(every_error).unwrap_or(0);
    let retrier = retriers.get(chosen)?;
    if retriers.len() > 1 {
        notes.push(Note {
            kind: NoteKind::Approximated,
            element: element.to_owned(),
            span: state.get("Retry").map_or(state.span, |r| r.span),
            text: format!(
                "{} retriers, one per error class: the spec has one retry policy per step, the one for {} is kept",
                retriers.len(),
                errors_of(retrier)
            ),
        });
    }
    if retriers.len() == 1 && !every_error(retrier) {
        notes.push(Note {
            kind: NoteKind::Approximated,
            element: element.to_owned(),
            span: retrier.span,
            text: format!(
                "the retrier matches only {}: the spec's retry applies to every failure of the step",
                errors_of(retrier)
            ),
        });
    }
    if retrier.get("JitterStrategy").is_some() {
        notes.push(Note {
            kind: NoteKind::LeftOut,
            element: element.to_owned(),
            span: retrier.span,
            text: "JitterStrategy: jitter is not part of a version 1 retry".to_owned(),
        });
    }
    let number = |key: &str| {
        retrier
            .get(key)
            .and_then(|n| n.as_f64().map(|v| (v, n.span)))
    };
    let (retries, span) = number("MaxAttempts").unwrap_or((3.0, retrier.span));
    if retries < 1.0 {
        return None;
    }
    let rate = number("BackoffRate").map_or(2.0, |(v, _)| v);
    let initial = number("IntervalSeconds").map_or((1.0, retrier.span), |v| v);
    Some(Retry {
        max_attempts: Spanned::new(MaxAttempts::Limited(retries as u64 + 1), span),
        backoff: Some(Spanned::new(
            if rate > 1.0 {
                Backoff::Exponential
            } else {
                Backoff::Fixed
            },
            retrier.span,
        )),
        initial: Some(Spanned::new(seconds(initial.0.max(0.001)), initial.1)),
        max: number("MaxDelaySeconds").map(|(v, s)| Spanned::new(seconds(v), s)),
    })
}

fn errors_of(retrier: &Node) -> String {
    let names: Vec<&str> = retrier
        .get("ErrorEquals")
        .map(|e| e.items().iter().filter_map(Node::as_str).collect())
        .unwrap_or_default();
    names.join(", ")
}

/// A Task's `TimeoutSeconds` as the step's timeout.
pub fn timeout(state: &Node) -> Option<Spanned<String>> {
    let t = state.get("TimeoutSeconds")?;
    t.as_f64().map(|v| Spanned::new(seconds(v), t.span))
}
