use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::Resource;

declare_rule! {
    /// ## What it checks
    /// `sagac simulate a.yaml --with b.yaml` runs a second saga against the records the
    /// first declares (language version 2, isolation). Resources unify by name, so a
    /// resource both specs declare must be declared alike: the same owner, kind, key,
    /// states, transitions, locks, `on_locked`, `commutative`, `pessimistic_view` and
    /// `version_file`. This rule reports the first difference, at the second spec's
    /// declaration, naming the first's.
    ///
    /// ## Why it matters
    /// Two sagas that meet on one order must agree on what an order is. If the cancel saga
    /// thinks `CANCEL_PENDING` is a lock and the order saga does not, or one waits on a lock
    /// where the other fails, there is no one record to simulate: whichever declaration
    /// were taken, the other saga's guarantees would be checked against data it does not
    /// have. In a real system it is the owner's schema, declared once.
    ///
    /// ## Example
    /// ```yaml
    /// # place-order.yaml
    /// resources:
    ///   order: { participant: order, key: order_id, states: [PENDING, APPROVED], on_locked: wait }
    /// # cancel-order.yaml
    /// resources:
    ///   order: { participant: order, key: order_id, states: [PENDING, APPROVED], on_locked: fail }
    /// ```
    ///
    /// ## Fix
    /// Declare the resource the same way in both specs (copy the owner's declaration), and
    /// choose the reaction to a lock per access with the effect's own `on_locked`:
    /// ```yaml
    ///     effects:
    ///       - set: order[order_id]
    ///         from: [APPROVED]
    ///         to: CANCEL_PENDING
    ///         on_locked: fail
    /// ```
    pub static RULE = ("R106", "conflicting-resource", Error, "`--with`: one resource name declared differently");
}

/// The first way two declarations of one resource differ (the first spec's `x`, the
/// second's `y`), if they do.
pub fn differs(a: &Saga, x: &Resource, b: &Saga, y: &Resource) -> Option<&'static str> {
    let names = |v: &[crate::source::Spanned<String>]| -> Vec<String> {
        v.iter().map(|s| s.value.clone()).collect()
    };
    let moves = |r: &Resource| -> Vec<(String, String)> {
        r.transitions
            .iter()
            .map(|t| (t.from.value.clone(), t.to.value.clone()))
            .collect()
    };
    if a.participant(x.participant).name.value != b.participant(y.participant).name.value {
        Some("owner")
    } else if x.kind != y.kind {
        Some("kind")
    } else if x.key.value != y.key.value {
        Some("key")
    } else if names(&x.states) != names(&y.states) {
        Some("states")
    } else if moves(x) != moves(y) {
        Some("transitions")
    } else if names(&x.locks) != names(&y.locks) {
        Some("locks")
    } else if x.on_locked.value != y.on_locked.value {
        Some("on_locked")
    } else if x.commutative.value != y.commutative.value {
        Some("commutative")
    } else if x.pessimistic_view.as_ref().map(|p| p.value)
        != y.pessimistic_view.as_ref().map(|p| p.value)
    {
        Some("pessimistic_view")
    } else if x.version_file.value != y.version_file.value {
        Some("version_file")
    } else {
        None
    }
}

/// The first resource of `b` declared differently in `a`: the diagnostic at `b`'s
/// declaration, `first` naming where `a` declares it (`place-order.yaml:13:3`).
pub fn conflict(a: &Saga, b: &Saga, first: impl Fn(&Resource) -> String) -> Option<Diagnostic> {
    b.resources.declared.iter().find_map(|y| {
        let id = a.resources.resource_by_name(&y.name.value)?;
        let x = a.resources.resource(id);
        let what = differs(a, x, b, y)?;
        Some(
            Diagnostic::new(
                &RULE,
                y.name.span,
                format!(
                    "the resource `{}` is declared differently ({what}) here and in `{}` at {}",
                    y.name.value,
                    a.name.value,
                    first(x)
                ),
            )
            .label(format!("its {what} differs"))
            .help(format!(
                "the two sagas meet on the records of `{}`: declare it alike in both specs (the owner's declaration), and choose a reaction to a lock per access with the effect's own `on_locked`",
                y.name.value
            )),
        )
    })
}
