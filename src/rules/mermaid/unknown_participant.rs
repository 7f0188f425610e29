use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::source::Span;

use super::{declared, list, typo_of};

declare_rule! {
    /// ## What it checks
    /// With a spec beside it (`sagac check saga.yaml answers.md`), every participant of a
    /// sequence diagram stands for a participant of the spec: its id or its label holds
    /// the spec participant's name, word for word (`participant IS as Inventory Service`
    /// stands for `inventory`; camelCase and snake_case are split). In an orchestration the
    /// participant hosting the orchestrator may be drawn as `Orchestrator` or `Coordinator`.
    /// An `actor`, and a participant called a client, customer, user, browser or frontend,
    /// is someone outside the saga and is not compared.
    ///
    /// ## Why it matters
    /// The diagram is meant to show the saga the spec describes. A service the spec does
    /// not have is either missing from the spec (with its outbox, its compensation, its
    /// failures) or a leftover of another design.
    ///
    /// ## Example
    /// ```yaml
    /// participants: { order: {}, inventory: {}, payment: {} }
    /// ```
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     participant O as Order Service
    ///     participant W as Warehouse
    ///     O->>W: ReserveInventory
    /// ```
    /// ````
    ///
    /// ## Fix
    /// Use the spec's names, in the id or the label:
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     participant O as Order Service
    ///     participant W as Inventory (warehouse)
    ///     O->>W: ReserveInventory
    /// ```
    /// ````
    pub static RULE = ("M910", "unknown-participant", Warning, "A diagram participant that stands for no participant of the spec");
}

pub fn unknown_participant(
    span: Span,
    id: &str,
    label: &str,
    saga: &Saga,
    spec: &str,
) -> Diagnostic {
    let shown = if id == label {
        format!("`{id}`")
    } else {
        format!("`{label}` (`{id}`)")
    };
    let names = declared(saga);
    let close =
        typo_of(&id.to_lowercase(), &names).or_else(|| typo_of(&label.to_lowercase(), &names));
    let help = match close {
        Some(close) => format!(
            "did you mean `{close}`? Put the spec participant's name in the id or the label: `participant {close} as ...`"
        ),
        None => format!(
            "put a spec participant's name in the id or the label (`participant X as Payment Service` stands for `payment`); {spec} has {}",
            list(&names)
        ),
    };
    Diagnostic::new(
        &RULE,
        span,
        format!("{shown} is not a participant of {spec}"),
    )
    .label("not in the spec")
    .help(help)
}
