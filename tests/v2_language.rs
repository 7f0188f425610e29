//! Language version 2 read from bad input: every new key gets what version 1's keys get (a
//! wrong type, an unknown value with a suggestion, a version 2 key in a version 1 spec, two
//! keys that contradict each other), each a diagnostic at the exact line, never a panic.
//! The cases mutate the two shipped version 2 specs, one change each.

use sagac::check::check_source;
use sagac::source::SourceFile;

const TRIP_FILE: &str = include_str!("../specs/trip-temporal.yaml");
const CREDIT_FILE: &str = include_str!("../specs/order-credit-choreography.yaml");

/// Which shipped spec a case mutates.
#[derive(Debug, Clone, Copy)]
enum Spec {
    Trip,
    Credit,
}
use Spec::{Credit as CREDIT, Trip as TRIP};

/// The spec without its opening comment (which quotes its keys): every marker of a case
/// is then found where the spec writes it.
fn text(spec: Spec) -> String {
    let file = match spec {
        Spec::Trip => TRIP_FILE,
        Spec::Credit => CREDIT_FILE,
    };
    file.lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// One diagnostic as a test reads it.
#[derive(Debug)]
struct Found {
    code: &'static str,
    line: usize,
    message: String,
    help: String,
}

fn check(text: &str) -> Vec<Found> {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked
        .diagnostics
        .iter()
        .map(|d| Found {
            code: d.code(),
            line: checked.source.line_col(d.span.start).line,
            message: d.message.clone(),
            help: d.help.clone().unwrap_or_default(),
        })
        .collect()
}

/// `spec` with its one occurrence of `from` replaced by `to`.
fn mutate(spec: Spec, from: &str, to: &str) -> String {
    let text = text(spec);
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in {spec:?}");
    text.replacen(from, to, 1)
}

/// The 1-based line of the first occurrence of `marker` in `text`.
fn line_of(text: &str, marker: &str) -> usize {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} in the text"));
    text[..at].matches('\n').count() + 1
}

/// A mutation of `spec` and the diagnostic it must raise: `code`, on the line of `at` in
/// the mutated text, with `says` in its message or help.
struct Case {
    spec: Spec,
    from: &'static str,
    to: &'static str,
    code: &'static str,
    at: &'static str,
    says: &'static str,
}

fn run(cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let text = mutate(case.spec, case.from, case.to);
        let line = line_of(&text, case.at);
        let found = check(&text);
        let hit = found.iter().any(|f| {
            f.code == case.code
                && f.line == line
                && (f.message.contains(case.says) || f.help.contains(case.says))
        });
        if !hit {
            failures.push(format!(
                "{:?} -> {:?}: expected {} at line {line} saying {:?}, got {found:#?}",
                case.from, case.to, case.code, case.says
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_shipped_v2_specs_check_clean() {
    for spec in [TRIP, CREDIT] {
        let found = check(&text(spec));
        assert!(found.is_empty(), "{spec:?}: {found:#?}");
    }
}

#[test]
fn wrong_types_and_unknown_values() {
    run(&[
        Case {
            spec: TRIP,
            from: "runs_for: any_attempt",
            to: "runs_for: any_attemp",
            code: "S003",
            at: "any_attemp",
            says: "did you mean `any_attempt`?",
        },
        Case {
            spec: TRIP,
            from: "late: refuse",
            to: "late: refused",
            code: "S003",
            at: "late: refused",
            says: "did you mean `refuse`?",
        },
        Case {
            spec: TRIP,
            from: "on_uncaught: retry",
            to: "on_uncaught: [retry]",
            code: "S003",
            at: "on_uncaught:",
            says: "found a list",
        },
        Case {
            spec: TRIP,
            from: "transactional: false",
            to: "transactional: maybe",
            code: "S003",
            at: "transactional:",
            says: "`true` or `false`",
        },
        Case {
            spec: TRIP,
            from: "timeout: 1h,",
            to: "timeout: soon,",
            code: "S008",
            at: "timeout: soon",
            says: "`soon` is not a duration",
        },
        Case {
            spec: TRIP,
            from: "runs_for: any_attempt,",
            to: "run_for: any_attempt,",
            code: "S002",
            at: "run_for",
            says: "did you mean `runs_for`?",
        },
        Case {
            spec: TRIP,
            from: "cancellation: { until: pivot,",
            to: "cancellation: { until: sendd_itinerary,",
            code: "S003",
            at: "sendd_itinerary",
            says: "did you mean `send_itinerary`?",
        },
        Case {
            spec: TRIP,
            from: "escalation: { participant: ops,",
            to: "escalation: { participant: opps,",
            code: "R101",
            at: "opps",
            says: "`ops`",
        },
        Case {
            spec: TRIP,
            from: "delivery: reply,",
            to: "delivery: replies,",
            code: "S003",
            at: "delivery: replies",
            says: "allowed values: `reply`, `event`, `status`",
        },
        Case {
            spec: CREDIT,
            from: "CustomerNotFound: customer.validation.failed",
            to: "CustomerNotFund: customer.validation.failed",
            code: "S003",
            at: "CustomerNotFund",
            says: "`CustomerNotFound`",
        },
    ]);
}

#[test]
fn reserved_names() {
    run(&[
        Case {
            spec: TRIP,
            from: "flight_request_id, amount]",
            to: "flight_request_id, amount, failure]",
            code: "S007",
            at: "amount, failure]",
            says: "`failure`",
        },
        Case {
            spec: CREDIT,
            from: "failures: [OutOfStock]",
            to: "failures: [OutOfStock, Cancelled]",
            code: "S007",
            at: "Cancelled]",
            says: "`Cancelled`",
        },
    ]);
}

#[test]
fn contradictory_combinations() {
    run(&[
        Case {
            spec: TRIP,
            from: "deadline: { after: 15m, then: compensate }",
            to: "deadline: { after: 15m, then: compensate, applies: always }",
            code: "S003",
            at: "deadline:",
            says: "`then: terminate`",
        },
        Case {
            spec: TRIP,
            from: "outcome: { delivery: reply,",
            to: "outcome: { delivery: reply, event: trip.ended,",
            code: "S003",
            at: "outcome:",
            says: "`delivery: event`",
        },
        Case {
            spec: TRIP,
            from: "{ name: TravellerBlocked, then: terminate }",
            to: "{ name: TravellerBlocked, then: compensate, keeps: [reserve_car] }",
            code: "S003",
            at: "keeps: [reserve_car]",
            says: "terminate",
        },
        Case {
            spec: TRIP,
            from: "{ name: RateLimited, then: retry,",
            to: "{ name: RateLimited, then: compensate,",
            code: "S003",
            at: "retry: { max_attempts: 6",
            says: "then: retry",
        },
        Case {
            spec: TRIP,
            from: "cancellation: { until: pivot,",
            to: "cancellation: { until: send_itinerary,",
            code: "C214",
            at: "until: send_itinerary",
            says: "after the pivot `charge_traveller`",
        },
        Case {
            spec: TRIP,
            from: "compensations: detached",
            to: "compensations: cancelled",
            code: "C215",
            at: "compensations: cancelled",
            says: "cancels the compensations",
        },
        Case {
            spec: TRIP,
            from: "escalation: { participant: ops, action: OpenIncident }\n",
            to: "",
            code: "C217",
            at: "on_failure: escalate",
            says: "no `escalation`",
        },
        Case {
            spec: TRIP,
            from: "on_failure: escalate,",
            to: "on_failure: continue,",
            code: "C218",
            at: "escalation:",
            says: "never sent",
        },
        Case {
            spec: TRIP,
            from: "kind: retriable,\n      reads: [trip_id, customer_id, payment_id], timeout: 30s,",
            to: "kind: retriable, failures: [{ name: TimedOut, then: terminate }],\n      reads: [trip_id, customer_id, payment_id], timeout: 30s,",
            code: "C210",
            at: "{ name: TimedOut, then: terminate }",
            says: "after the pivot",
        },
        Case {
            spec: TRIP,
            from: "reads: [car_request_id, failure]",
            to: "reads: [car_request_id, failure, car_reservation_id]",
            code: "D503",
            at: "failure, car_reservation_id]",
            says: "`car_reservation_id`",
        },
        Case {
            spec: TRIP,
            from: "reads_if_present: [car_reservation_id]",
            to: "reads_if_present: [car_reservation_id, customer_id]",
            code: "D505",
            at: "reads_if_present:",
            says: "`customer_id`",
        },
        Case {
            spec: TRIP,
            from: "customer_id], timeout: 2s,",
            to: "customer_id], timeout: 2s, writes: [failure],",
            code: "S007",
            at: "writes: [failure]",
            says: "`failure`",
        },
        Case {
            spec: CREDIT,
            from: "escalation: { participant: ops, action: OpenIncident, event: order.needs.attention }",
            to: "escalation: { participant: ops, action: OpenIncident }",
            code: "R104",
            at: "escalation:",
            says: "event",
        },
        Case {
            spec: CREDIT,
            from: "compensation_defaults:\n",
            to: "cancellation: { until: pivot }\ncompensation_defaults:\n",
            code: "R103",
            at: "cancellation:",
            says: "`cancellation`",
        },
        Case {
            spec: CREDIT,
            from: "compensation_defaults:\n",
            to: "on_uncaught: terminate\ncompensation_defaults:\n",
            code: "R103",
            at: "on_uncaught:",
            says: "terminate",
        },
        Case {
            spec: CREDIT,
            from: "CreditLimitExceeded: customer.credit.limit.exceeded",
            to: "CreditLimitExceeded: customer.credit.limit.exceeded\n        TimedOut: customer.timed.out",
            code: "S003",
            at: "TimedOut",
            says: "never occurs in a choreography",
        },
        Case {
            spec: CREDIT,
            from: "        CreditLimitExceeded: customer.credit.limit.exceeded\n",
            to: "",
            code: "G408",
            at: "CreditLimitExceeded]",
            says: "`CreditLimitExceeded`",
        },
        Case {
            spec: CREDIT,
            from: "  - { participant: order, consumes: [inventory.reserved], action: ApproveOrder }\n",
            to: "  - { participant: ops, consumes: [inventory.reserved], action: ApproveOrder }\n",
            code: "G409",
            at: "outcome:",
            says: "`order` delivers the outcome",
        },
        Case {
            spec: CREDIT,
            from: "    action: RejectOrder\n",
            to: "    action: RejectOrder\n    runs_for: success\n",
            code: "S003",
            at: "runs_for: success",
            says: "trigger",
        },
    ]);
}

/// A version 2 spec relabelled `version: 1`: S012 at each version 2 key, and nothing else
/// that is an error.
#[test]
fn version_2_keys_in_a_version_1_spec() {
    let text = mutate(TRIP, "version: 2", "version: 1");
    let found = check(&text);
    let s012: Vec<usize> = found
        .iter()
        .filter(|f| f.code == "S012")
        .map(|f| f.line)
        .collect();
    for key in [
        "deadline: { after: 15m",
        "on_uncaught: retry",
        "compensation_defaults:",
        "escalation:",
        "outcome:",
        "cancellation:",
        "failures: [{ name: TravellerBlocked",
        "retry: { max_attempts: unlimited, within: 2m, initial",
        "reads_if_present:",
        "transactional: false",
    ] {
        let line = line_of(&text, key);
        assert!(
            s012.contains(&line),
            "no S012 at line {line} ({key}): {found:#?}"
        );
    }
    let others: Vec<&Found> = found
        .iter()
        .filter(|f| f.code != "S012" && f.code.starts_with('S'))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn a_v2_spec_without_outcome_is_told_so() {
    let text = mutate(
        TRIP,
        "outcome: { delivery: reply, reads: [trip_id, failure],\n           values: { completed: Booked, compensated: NotBooked, terminated: NotBooked,\n                     needs_attention: NotBooked, cancelled: Cancelled } }\n",
        "",
    );
    let found = check(&text);
    assert!(
        found
            .iter()
            .any(|f| f.code == "W604" && f.line == line_of(&text, "version: 2")),
        "{found:#?}"
    );
}
