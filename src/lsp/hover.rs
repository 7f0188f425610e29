//! Hover: what the name under the cursor is in the saga (a step's kind, where it stands
//! against the pivot, what compensates it and in which scenarios; who publishes and who
//! consumes an event; who writes and who reads a field), and, over a diagnostic's range,
//! the rule's documentation as `sagac explain` prints it.

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::diagnostic::Rule;
use crate::model::symbols::{self, Occurrence, Role, Site, Symbol};
use crate::model::{Owner, Saga, StepId, StepKind};
use crate::scenario::{self, FaultKind};
use crate::source::SourceFile;

use super::analysis::Analysis;
use super::position;
use super::state::State;

pub fn hover(state: &State, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let analysis = state.analysis(at.text_document.uri.as_str())?;
    let source = &analysis.checked.source;
    let offset = position::offset(source, at.position);
    let mut parts = Vec::new();
    let mut span = None;
    if let (Some(saga), Some(o)) = (analysis.saga(), symbols::at(&analysis.symbols, offset)) {
        parts.push(describe(saga, &analysis, o));
        span = Some(o.span);
    }
    let mut explained: Vec<&'static str> = Vec::new();
    for d in analysis.diagnostics() {
        let covers = d.span.start <= offset && offset <= d.span.end.max(d.span.start + 1);
        if covers && !explained.contains(&d.code()) {
            explained.push(d.code());
            parts.push(explain(d.rule));
            span = span.or(Some(d.span));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: span.map(|s| position::range(source, s)),
    })
}

/// A rule's documentation, as `sagac explain CODE` prints it.
pub fn explain(rule: &Rule) -> String {
    format!(
        "**{} {}** ({})\n\n{}\n\n{}",
        rule.code,
        rule.name,
        rule.severity.as_str(),
        rule.summary,
        rule.documentation().replace("\n## ", "\n#### ")
    )
}

fn describe(saga: &Saga, analysis: &Analysis, o: &Occurrence) -> String {
    let source = &analysis.checked.source;
    match &o.symbol {
        Symbol::Step(id) => step(saga, *id),
        Symbol::Compensation(owner) => compensation(saga, *owner),
        Symbol::Participant(id) => {
            let p = saga.participant(*id);
            let runs: Vec<String> = saga
                .steps
                .iter()
                .filter(|s| s.participant == *id)
                .map(|s| format!("`{}`", s.id.value))
                .collect();
            let mut text = format!("**participant `{}`**", p.name.value);
            if !p.declared {
                text.push_str(" (not declared under `participants`)");
            }
            if *id == saga.trigger.participant {
                text.push_str("\n\nRuns the trigger.");
            }
            if !runs.is_empty() {
                text.push_str(&format!("\n\nRuns the steps {}.", runs.join(", ")));
            }
            text.push_str(&match saga.outbox_of(*id) {
                Some(o) => format!(
                    "\n\nPublishes through the outbox `{}` ({}).",
                    o.table.value,
                    o.relay.as_str()
                ),
                None => "\n\nHas no outbox.".to_owned(),
            });
            text
        }
        Symbol::Event(id) => {
            let event = saga.event(*id);
            let all: Vec<&Occurrence> = symbols::of(&analysis.symbols, &o.symbol).collect();
            let mut text = format!("**event `{}`**", event.name);
            text.push_str(&sites(saga, source, &all, Role::Emits, "Published by"));
            text.push_str(&sites(saga, source, &all, Role::Consumes, "Consumed by"));
            if event.emitted_by.is_empty() {
                text.push_str("\n\nNothing publishes it.");
            }
            if event.consumed_by.is_empty() {
                text.push_str(if event.terminal.is_some() {
                    "\n\nNobody consumes it: it is a terminal event."
                } else {
                    "\n\nNobody consumes it."
                });
            }
            if !event.data.is_empty() {
                let fields: Vec<String> = event
                    .data
                    .iter()
                    .map(|f| format!("`{}`", f.value))
                    .collect();
                text.push_str(&format!("\n\nPayload: {}.", fields.join(", ")));
            }
            text
        }
        Symbol::Field(name) => {
            let all: Vec<&Occurrence> = symbols::of(&analysis.symbols, &o.symbol).collect();
            let mut text = format!("**field `{name}`**");
            text.push_str(&sites(saga, source, &all, Role::Writes, "Written by"));
            text.push_str(&sites(saga, source, &all, Role::Reads, "Read by"));
            if !all.iter().any(|o| o.role == Role::Writes) {
                text.push_str("\n\nNothing writes it.");
            }
            text
        }
    }
}

/// `Published by: step `a` (line 12), the trigger (line 5).` for the occurrences of a role.
fn sites(saga: &Saga, source: &SourceFile, all: &[&Occurrence], role: Role, head: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    for o in all.iter().filter(|o| o.role == role) {
        let line = source.line_col(o.span.start).line;
        let name = format!("{} (line {line})", site(saga, o.site));
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return String::new();
    }
    format!("\n\n{head}: {}.", names.join(", "))
}

/// How hover names a place of the saga.
pub fn site(saga: &Saga, site: Site) -> String {
    match site {
        Site::Participants => "`participants`".to_owned(),
        Site::Trigger => "the trigger".to_owned(),
        Site::Step(id) => format!("step `{}`", saga.step(id).id.value),
        Site::Compensation(Owner::Trigger) => "the trigger's compensation".to_owned(),
        Site::Compensation(Owner::Step(id)) => {
            format!("the compensation of `{}`", saga.step(id).id.value)
        }
        Site::Reaction(r) => format!("reaction `{}`", saga.reactions[r.index()].action.value),
        Site::Catalogue(e) => format!("the catalogue entry of `{}`", saga.event(e).name),
        Site::TerminalEvents => "`terminal_events`".to_owned(),
    }
}

fn step(saga: &Saga, id: StepId) -> String {
    let s = saga.step(id);
    let mut text = format!(
        "**step `{}`**: {} on `{}`, action `{}`",
        s.id.value,
        s.kind.as_str(),
        saga.participant(s.participant).name.value,
        s.action.value
    );
    if s.declared_kind.is_none() {
        text.push_str(" (kind not declared)");
    }
    text.push_str("\n\n");
    text.push_str(&against_the_pivot(saga, id));
    text.push_str(&match &s.compensation {
        Some(c) => format!("\n\nCompensated by `{}`.", c.action.value),
        None if s.kind == StepKind::Compensatable => "\n\nNothing compensates it.".to_owned(),
        None => String::new(),
    });
    text.push_str(&compensated_in(saga, Owner::Step(id)));
    text
}

fn compensation(saga: &Saga, owner: Owner) -> String {
    let Some(c) = saga.compensation(owner) else {
        return String::new();
    };
    let undoes = match owner {
        Owner::Trigger => format!("the trigger's `{}`", saga.trigger.action.value),
        Owner::Step(id) => format!("step `{}`", saga.step(id).id.value),
    };
    let mut text = format!(
        "**compensation `{}`** undoes {undoes} ({}).",
        c.action.value,
        c.retry.describe()
    );
    text.push_str(&compensated_in(saga, owner));
    text
}

/// Where a step stands against the point of no return.
fn against_the_pivot(saga: &Saga, id: StepId) -> String {
    let Some(pivot) = saga.point_of_no_return() else {
        return "The saga has no pivot: any failure compensates it.".to_owned();
    };
    let name = &saga.step(pivot).id.value;
    let what = if saga.step(pivot).kind == StepKind::Pivot {
        "the pivot"
    } else {
        "the point of no return (the first retriable step, without a pivot)"
    };
    if pivot == id {
        format!("It is {what}: once it succeeds the saga only moves forward.")
    } else if scenario::fault::after_point_of_no_return(saga, id) {
        format!("After {what} `{name}`: it is retried until it succeeds, never compensated.")
    } else {
        format!("Before {what} `{name}`: a failure up to the pivot compensates it.")
    }
}

/// The single-fault scenarios whose run compensates the owner, from `scenario` (the one
/// semantics), for sagas `check` simulates.
fn compensated_in(saga: &Saga, owner: Owner) -> String {
    if saga.steps.len() > crate::rules::simulation::MAX_STEPS {
        return String::new();
    }
    let kinds: Vec<FaultKind> = FaultKind::ALL
        .into_iter()
        .filter(|k| *k != FaultKind::Compfail)
        .collect();
    let candidates = scenario::applicable(saga, &kinds);
    let (_, forks) = scenario::forks(saga, &[], &candidates);
    let mut names: Vec<String> = forks
        .into_iter()
        .flatten()
        .filter(|f| f.compensated.contains(&owner))
        .map(|f| format!("`{}`", scenario::scenario_name(saga, &f.faults)))
        .collect();
    names.dedup();
    match names.len() {
        0 => "\n\nNo single fault compensates it.".to_owned(),
        n if n > 12 => format!(
            "\n\nCompensated in {n} single-fault scenarios, among them {}.",
            names[..12].join(", ")
        ),
        _ => format!("\n\nCompensated in the scenarios {}.", names.join(", ")),
    }
}
