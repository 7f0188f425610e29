use crate::diagnostic::Diagnostic;
use crate::model::{ParticipantId, Saga};
use crate::source::Span;

use super::{actions_of, list, spec_names, typo_of};

declare_rule! {
    /// ## What it checks
    /// With a spec beside it, every message of a sequence diagram names something the spec
    /// has: a step's action or id, a compensation, the trigger, a reaction, an event, or a
    /// step's declared failure. A name matches word for word in any spelling
    /// (`ReserveInventory`, `reserve inventory`, `Event: order.created`), and a message may
    /// say more (`ReleaseInventory (compensate)`). Also accepted without a name: a reply (a
    /// dotted arrow, `-->>`: `reserved`, `OK`, `failed`), a message that holds the
    /// first word of an action its receiver runs (`Reserve stock` to the service whose action
    /// is `ReserveInventory`), a participant noting the saga's outcome on its own line
    /// (`saga complete`, `mark order failed`), and talk with someone outside the saga (an
    /// `actor`, a client). Notes are free text.
    ///
    /// ## Why it matters
    /// A message the spec does not have is a step, a compensation or an event that is only
    /// in the drawing: `RestockInventory` when the spec compensates with `ReleaseInventory`
    /// says the diagram and the saga disagree about what undoes the reservation.
    ///
    /// ## Example
    /// ```yaml
    /// compensation: ReleaseInventory
    /// ```
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     O->>I: RestockInventory
    /// ```
    /// ````
    ///
    /// ## Fix
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     O->>I: ReleaseInventory
    /// ```
    /// ````
    pub static RULE = ("M912", "unknown-message", Warning, "A message that names no action, event, compensation or failure of the spec");
}

pub fn unknown_message(
    span: Span,
    text: &str,
    workers: &[ParticipantId],
    saga: &Saga,
    spec: &str,
) -> Diagnostic {
    let names = spec_names(saga);
    let first = text
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or(text);
    // Only a likely typo: `RestockInventory` is not a misspelt `ReserveInventory`.
    let close = typo_of(first, &names);
    let runs: Vec<String> = workers
        .iter()
        .map(|&p| {
            format!(
                "`{}` runs {}",
                saga.participant(p).name.value,
                list(&actions_of(saga, p))
            )
        })
        .collect();
    let mut help = match close {
        Some(close) => format!("did you mean `{close}`?"),
        None => "use the spec's names for what is sent or done.".to_owned(),
    };
    if !runs.is_empty() {
        help.push_str(&format!(" In {spec}, {}.", runs.join("; ")));
    }
    Diagnostic::new(
        &RULE,
        span,
        format!("`{text}` names no action, event or compensation of {spec}"),
    )
    .label("not in the spec")
    .help(help)
}
