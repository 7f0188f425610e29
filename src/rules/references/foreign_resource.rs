use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// An action's effect touches a resource owned by another participant: the step runs
    /// at `inventory`, its effect names `order[order_id]`, and `order` belongs to `order`
    /// (language version 2, isolation).
    ///
    /// ## Why it matters
    /// In a saga each service owns its data and changes it only in its own local
    /// transactions; the effects of one action are one local transaction at its
    /// participant. An effect on another service's records would be a distributed
    /// transaction inside one step, which is exactly what a saga does not have: the other
    /// service can only change its records when it runs an action of its own.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   order: { participant: order, key: order_id, states: [PENDING, APPROVED] }
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: inventory
    ///     effects:
    ///       - set: order[order_id]
    ///         to: APPROVED
    /// ```
    ///
    /// ## Fix
    /// Move the effect to an action of the owner, e.g. a step of `order` after the
    /// reservation:
    /// ```yaml
    /// steps:
    ///   - id: approve_order
    ///     participant: order
    ///     effects:
    ///       - set: order[order_id]
    ///         from: [PENDING]
    ///         to: APPROVED
    /// ```
    pub static RULE = ("R107", "foreign-resource", Error, "An effect on a resource owned by another participant");
}

/// An effect of `actor` ("the step"), run by `participant`, on `resource` owned by `owner`.
pub fn foreign(
    span: Span,
    resource: &str,
    owner: &str,
    participant: &str,
    actor: &str,
) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("`{resource}` belongs to `{owner}`, but {actor} runs at `{participant}`"),
    )
    .label(format!("not `{participant}`'s data"))
    .help(format!(
        "an action changes only its own participant's records, in one local transaction: move this effect to an action of `{owner}`, or declare `{resource}` with `participant: {participant}` if `{participant}` owns it"
    ))
}
