use crate::diagnostic::Diagnostic;
use crate::model::names::Form;
use crate::model::{BuiltinFailure, Coordination, FailureThen, OnUncaught, Saga, Step};
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// Language version 2, in a choreography: a step whose `emits.failure` is a map from
    /// each failure to its event, and a failure it declares (not a `then: retry` class,
    /// whose exhaustion publishes the first failure's event) is missing from the map. Under
    /// `on_uncaught: compensate` an error nobody declared becomes the failure `Uncaught`,
    /// which needs its event too; on a retriable step it is one transient failure, retried,
    /// and publishes no event.
    ///
    /// ## Why it matters
    /// With no coordinator, a failure event is the only way the other services hear that
    /// the step failed. A failure the map leaves out is published as nothing: the
    /// compensations before it never start and the trigger's participant never learns the
    /// outcome. `sagac simulate` shows its `fail:<step>@<Failure>` run never ending.
    ///
    /// ## Example
    /// ```yaml
    /// failures: [CustomerNotFound, CreditLimitExceeded]
    /// emits:
    ///   success: customer.credit.reserved
    ///   failure: { CustomerNotFound: customer.validation.failed }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   failure: { CustomerNotFound: customer.validation.failed,
    ///              CreditLimitExceeded: customer.credit.reservation.failed }
    /// ```
    pub static RULE = ("G408", "failure-without-event", Error, "A declared failure missing from an `emits.failure` map");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    for step in &saga.steps {
        let Some(map) = map_span(step) else {
            continue;
        };
        for failure in &step.failure_handling {
            if failure.builtin.is_some()
                || failure.then.value == FailureThen::Retry
                || step.failure_event(&failure.name.value).is_some()
            {
                continue;
            }
            out.push(report(
                saga,
                step,
                &failure.name.value,
                failure.name.span,
                map,
            ));
        }
        let uncaught = BuiltinFailure::Uncaught.as_str();
        // As the simulator acts: on a retriable step `compensate` is retried, and no
        // `Uncaught` event is ever published.
        if step.uncaught_handling() == OnUncaught::Compensate
            && step.failure_event(uncaught).is_none()
        {
            let span = step.on_uncaught.span().unwrap_or(step.id.span);
            out.push(report(saga, step, uncaught, span, map));
        }
    }
}

/// Where the map begins: its first event (the map itself carries no span of its own).
fn map_span(step: &Step) -> Option<Span> {
    step.emits_failure_by.first().map(|e| e.failure.span)
}

fn report(saga: &Saga, step: &Step, failure: &str, span: Span, map: Span) -> Diagnostic {
    let subject = &saga.participant(step.participant).name.value;
    let words = Form::Event
        .suggest(failure)
        .unwrap_or_else(|| "failed".to_owned());
    let event = format!("{subject}.{words}");
    Diagnostic::new(
        &RULE,
        span,
        format!(
            "when `{}` fails with `{failure}`, it publishes no event: nobody hears of it",
            step.id.value
        ),
    )
    .label("no event in `emits.failure`")
    .related(map, "each failure names its event here")
    .help(format!(
        "add `{failure}: {event}` (or an event another failure already publishes) to the \
         `emits.failure` of `{}`, and let the compensations before it consume it",
        step.id.value
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{HEADER, ORDER};
    use crate::check::check_rules;
    use crate::source::SourceFile;

    /// The order saga in version 2, `charge_payment` mapping each failure to its event.
    fn mapped(map: &str, rest: &str) -> String {
        let body = ORDER
            .replacen(
                "    kind: pivot\n    emits: { success: payment.completed, failure: payment.failed }",
                &format!(
                    "    kind: pivot\n    failures: [CardDeclined, FraudSuspected]\n    emits: {{ success: payment.completed, failure: {map} }}"
                ),
                1,
            )
            .replacen("[inventory.failed, payment.failed]", rest, 1);
        format!("{}{}", "outcome: { delivery: status }\n", body)
    }

    /// The choreography-graph codes and messages of `body` under a version 2 header.
    fn v2(body: &str) -> Vec<String> {
        let text = format!("{}{body}", HEADER.replacen("version: 1", "version: 2", 1));
        let checked = check_rules(SourceFile::new("t.yaml", text));
        assert!(checked.saga.is_some(), "the test spec does not resolve");
        checked
            .diagnostics
            .into_iter()
            .filter(|d| d.code().starts_with('G'))
            .map(|d| format!("{} {}", d.code(), d.message))
            .collect()
    }

    #[test]
    fn every_failure_of_a_map_is_followed_on_its_own_event() {
        // Both events mapped and consumed by the trigger's compensation, but the release
        // of the inventory listens to `payment.failed` only: `payment.fraud` leaves it
        // applied, G405 on that event alone.
        let both = mapped(
            "{ CardDeclined: payment.failed, FraudSuspected: payment.fraud }",
            "[inventory.failed, payment.failed, payment.fraud]",
        );
        let codes = v2(&both);
        assert_eq!(codes.len(), 1, "{codes:?}");
        assert!(codes[0].starts_with("G405"), "{codes:?}");
        assert!(codes[0].contains("`payment.fraud`"), "{codes:?}");
        // A failure left out of the map: G408 at its name, and no G407 (the step does
        // publish failure events).
        let missing = mapped(
            "{ CardDeclined: payment.failed }",
            "[inventory.failed, payment.failed]",
        );
        let codes = v2(&missing);
        assert!(codes.iter().any(|c| c.starts_with("G408")), "{codes:?}");
        assert!(!codes.iter().any(|c| c.starts_with("G407")), "{codes:?}");
    }

    /// `on_uncaught: compensate` on `step`, whose `emits` becomes `emits`.
    fn uncaught_compensated(step: &str, from: &str, emits: &str) -> String {
        let full = mapped(
            "{ CardDeclined: payment.failed, FraudSuspected: payment.failed }",
            "[inventory.failed, payment.failed]",
        );
        let at = full.find(&format!("  - id: {step}\n")).expect("the step");
        let (head, tail) = full.split_at(at);
        assert!(tail.contains(from), "{from:?} is not in {step}");
        let tail = tail.replacen(from, &format!("{emits}\n    on_uncaught: compensate"), 1);
        format!("{head}{tail}")
    }

    fn g408(body: &str) -> Vec<String> {
        v2(body)
            .into_iter()
            .filter(|c| c.starts_with("G408"))
            .collect()
    }

    #[test]
    fn uncaught_needs_its_event_only_where_the_simulator_publishes_it() {
        // The pivot fails with `Uncaught`: its map needs the event.
        let pivot = uncaught_compensated(
            "charge_payment",
            "    emits: { success: payment.completed, failure: { CardDeclined: payment.failed, FraudSuspected: payment.failed } }",
            "    emits: { success: payment.completed, failure: { CardDeclined: payment.failed, FraudSuspected: payment.failed } }",
        );
        let codes = g408(&pivot);
        assert_eq!(codes.len(), 1, "{codes:?}");
        assert!(codes[0].contains("`Uncaught`"), "{codes:?}");
        // On a retriable step the same error is one transient failure, retried
        // (`scenario::fault::uncaught_handling`): no `Uncaught` event is ever published.
        let retriable = uncaught_compensated(
            "send_confirmation",
            "    emits: { success: confirmation.sent }",
            "    emits: { success: confirmation.sent, failure: { Exhausted: confirmation.failed } }",
        );
        assert_eq!(g408(&retriable), Vec::<String>::new());
    }
}
