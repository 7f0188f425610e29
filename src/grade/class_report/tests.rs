//! The canonical form is the same for renamed copies and differs for any change of
//! structure; the similarity, the groups and the counts follow from it.

use super::canonical::{SAMPLE, Shape, shape};
use super::similarity::{self, MAX_PAIRS, NEAR_PERCENT, percent};
use super::summary;
use crate::check::check_rules;
use crate::grade::{CriterionResult, Grade, Status};
use crate::source::SourceFile;

const ORCHESTRATION: &str =
    include_str!("../../../fixtures/submissions/correct-orchestration/saga.yaml");
const CHOREOGRAPHY: &str =
    include_str!("../../../fixtures/submissions/correct-choreography/saga.yaml");
const TRIP: &str = include_str!("../../../specs/trip.yaml");

/// The correct orchestration with every name changed, the participants declared in another
/// order, other comments, a rationale and descriptions.
const ORCHESTRATION_RENAMED: &str = r#"
# my own work, honest
version: 1
saga: checkout_flow
description: Checkout.
coordination: orchestration
rationale: Orchestration keeps it in one place; it is simpler to follow and to debug.
participants:
  mailer: { description: sends mail }
  billing: {}
  shop: {}
  warehouse: {}
orchestrator: { participant: shop, log: checkout_log }
trigger:
  participant: shop
  action: PlaceOrder
  compensation: VoidOrder
  event: checkout.began
  data: [oid, cid, lines, total]
  outbox: { table: shop_outbox, relay: polling, poll_interval: 500ms }
steps:
  - id: hold_stock   # first
    participant: warehouse
    action: HoldStock
    description: Holds the stock.
    compensation: UnholdStock
    reads: [oid, lines]
    failures: [NoStock]
    idempotency_key: oid
  - id: take_money
    participant: billing
    action: TakeMoney
    kind: pivot
    reads: [oid, cid, total]
    failures: [Refused]
    idempotency_key: oid
  - id: mail_customer
    participant: mailer
    action: MailCustomer
    kind: retriable
    reads: [oid, cid]
    idempotency_key: oid
"#;

/// The correct choreography renamed the same way: events, participants, actions, fields.
const CHOREOGRAPHY_RENAMED: &str = r#"
version: 1
saga: buy
coordination: choreography
participants:
  mail: {}
  pay: { outbox: { table: pay_box, relay: cdc } }
  stock: { outbox: { table: stock_box, relay: cdc } }
  shop: { outbox: { table: shop_box, relay: cdc, connector: kafka_connect } }
trigger:
  participant: shop
  action: Open
  event: order.opened
  data: [id, who, what, sum]
  compensation: { action: Close, consumes: [stock.no, pay.no] }
steps:
  - id: s1
    participant: stock
    consumes: order.opened
    action: Take
    reads: [id, what]
    emits: { success: stock.taken, failure: stock.no }
    idempotency_key: id
    compensation: { action: PutBack, consumes: [pay.no] }
  - id: s2
    participant: pay
    consumes: stock.taken
    action: Pay
    kind: pivot
    reads: [id, sum]
    emits: { success: pay.done, failure: pay.no }
    idempotency_key: id
  - id: s3
    participant: mail
    consumes: pay.done
    action: Mail
    kind: retriable
    reads: [id, who]
    emits: { success: mail.sent }
    idempotency_key: id
terminal_events: [mail.sent]
"#;

fn of(yaml: &str) -> Shape {
    let checked = check_rules(SourceFile::new("saga.yaml", yaml.to_owned()));
    let saga = checked.model().unwrap_or_else(|| {
        panic!("the spec resolves: {:#?}", checked.diagnostics);
    });
    shape(saga)
}

/// The spec with one piece of text replaced, which must be there.
fn edit(yaml: &str, from: &str, to: &str) -> String {
    assert!(yaml.contains(from), "{from:?} is not in the spec");
    yaml.replacen(from, to, 1)
}

#[test]
fn a_renamed_copy_is_the_same_saga() {
    for (original, renamed) in [
        (ORCHESTRATION, ORCHESTRATION_RENAMED),
        (CHOREOGRAPHY, CHOREOGRAPHY_RENAMED),
    ] {
        let (a, b) = (of(original), of(renamed));
        assert_eq!(a.form, b.form);
        assert_eq!(a, b);
        assert_eq!(percent(&a, &b), 100);
    }
}

#[test]
fn any_change_of_structure_changes_the_form() {
    let o = ORCHESTRATION;
    let changes = [
        (
            "a step of another kind",
            edit(o, "kind: retriable", "kind: read_only"),
        ),
        (
            "a compensation removed",
            edit(
                o,
                "    compensation: ReleaseInventory\n",
                "    kind: read_only\n",
            ),
        ),
        (
            "a retry policy",
            edit(
                o,
                "kind: retriable\n",
                "kind: retriable\n    retry: { max_attempts: 5, backoff: fixed, initial: 2s }\n",
            ),
        ),
        (
            "a timeout",
            edit(o, "kind: pivot\n", "kind: pivot\n    timeout: 5s\n"),
        ),
        (
            "another outbox relay",
            edit(o, "relay: polling, poll_interval: 500ms", "relay: cdc"),
        ),
        (
            "a field read by another step",
            edit(o, "reads: [order_id, items]", "reads: [order_id, amount]"),
        ),
        (
            "one failure fewer",
            edit(o, "    failures: [CardDeclined]\n", ""),
        ),
        (
            "the orchestrator without a log",
            edit(o, ", log: order_saga_log", ""),
        ),
        (
            "the steps in another order",
            // The email step first: same steps, another order.
            {
                let (head, tail) = o.split_at(o.find("  - id: send_confirmation").unwrap());
                let steps_at = head.find("  - id: reserve_inventory").unwrap();
                format!(
                    "{}{}\n{}",
                    &head[..steps_at],
                    tail.trim_end(),
                    &head[steps_at..]
                )
            },
        ),
    ];
    let original = of(o);
    for (what, yaml) in &changes {
        let changed = of(yaml);
        assert_ne!(original.form, changed.form, "{what}: the same form");
        let p = percent(&original, &changed);
        assert!(p < 100, "{what}: {p}%");
        assert!(
            p >= 50,
            "{what}: one change should keep most features, {p}%"
        );
    }
}

#[test]
fn choreography_wiring_is_part_of_the_form() {
    // Inventory releases its stock on its own failure event instead of the payment's.
    let rewired = edit(
        CHOREOGRAPHY,
        "compensation: { action: ReleaseStock, consumes: [payment.failed] }",
        "compensation: { action: ReleaseStock, consumes: [inventory.failed] }",
    );
    assert_ne!(of(CHOREOGRAPHY).form, of(&rewired).form);
    // The same saga in the other style is another saga.
    assert!(percent(&of(CHOREOGRAPHY), &of(ORCHESTRATION)) < NEAR_PERCENT);
}

#[test]
fn a_different_saga_is_not_similar() {
    let (order, trip) = (of(ORCHESTRATION), of(TRIP));
    let p = percent(&order, &trip);
    assert!(p < NEAR_PERCENT, "{p}%");
    assert_eq!(p, percent(&trip, &order), "similarity is symmetric");
}

/// A generated orchestration of `n` steps (step `changed` retried differently).
fn long(n: usize, prefix: &str, changed: Option<usize>) -> String {
    let action = prefix.to_uppercase();
    let mut y = format!(
        "version: 1\nsaga: {prefix}_big\ncoordination: orchestration\nparticipants:\n  {prefix}_o: {{}}\n"
    );
    for i in 0..n {
        y.push_str(&format!("  {prefix}_p{i}: {{}}\n"));
    }
    y.push_str(&format!(
        "orchestrator: {{ participant: {prefix}_o, log: {prefix}_log }}\ntrigger:\n  participant: {prefix}_o\n  action: {action}Start\n  compensation: {action}Stop\n  event: {prefix}.started\nsteps:\n"
    ));
    for i in 0..n {
        let kind = if i + 1 == n { "pivot" } else { "compensatable" };
        y.push_str(&format!(
            "  - id: {prefix}_s{i}\n    participant: {prefix}_p{i}\n    action: {action}Do{i}\n    kind: {kind}\n"
        ));
        if kind == "compensatable" {
            y.push_str(&format!("    compensation: {action}Undo{i}\n"));
        }
        let attempts = if changed == Some(i) {
            2 + i % 3
        } else {
            1 + i % 3
        };
        y.push_str(&format!("    retry: {{ max_attempts: {attempts} }}\n"));
    }
    y
}

#[test]
fn a_large_saga_keeps_a_bounded_sample() {
    let a = of(&long(300, "a", None));
    assert!(a.feature_count > SAMPLE, "{}", a.feature_count);
    assert_eq!(a.features.len(), SAMPLE);
    assert!(a.features.windows(2).all(|w| w[0] < w[1]));
    // Renamed: the same; one step changed: still very similar.
    assert_eq!(percent(&a, &of(&long(300, "b", None))), 100);
    let changed = percent(&a, &of(&long(300, "b", Some(150))));
    assert!((90..100).contains(&changed), "{changed}%");
}

#[test]
fn identical_shapes_make_one_group_and_near_ones_a_pair() {
    let original = of(ORCHESTRATION);
    let renamed = of(ORCHESTRATION_RENAMED);
    let near = of(&edit(
        ORCHESTRATION,
        "kind: pivot\n",
        "kind: pivot\n    timeout: 5s\n",
    ));
    let other = of(TRIP);
    let found = similarity::find(&[
        ("zoe", Some(&renamed)),
        ("ann", Some(&original)),
        ("broken", None),
        ("max", Some(&near)),
        ("tim", Some(&other)),
    ]);
    assert_eq!(found.compared, 4);
    assert_eq!(found.not_compared, 1);
    assert_eq!(found.groups.len(), 1);
    assert_eq!(found.groups[0].members, ["ann", "zoe"]);
    assert_eq!(found.groups[0].steps, 3);
    assert!(found.pairs.iter().all(|p| p.percent < 100));
    let pair = found
        .pairs
        .iter()
        .find(|p| p.right.name == "max")
        .expect("the near copy is a pair");
    assert_eq!(pair.left.name, "ann");
    assert_eq!(pair.left.group, Some(1));
    assert!(
        found
            .pairs
            .iter()
            .all(|p| p.left.name != "tim" && p.right.name != "tim")
    );
}

#[test]
fn pairs_are_bounded_and_ordered() {
    // Many sagas differing in one retry policy each: every pair is near.
    let shapes: Vec<Shape> = (0..30).map(|i| of(&long(40, "x", Some(i)))).collect();
    let names: Vec<String> = (0..30).map(|i| format!("s{i:02}")).collect();
    let input: Vec<(&str, Option<&Shape>)> = names
        .iter()
        .zip(&shapes)
        .map(|(n, s)| (n.as_str(), Some(s)))
        .collect();
    let found = similarity::find(&input);
    assert_eq!(found.pairs.len(), MAX_PAIRS);
    assert!(found.more_pairs > 0);
    let keys: Vec<(std::cmp::Reverse<u32>, &str, &str)> = found
        .pairs
        .iter()
        .map(|p| {
            (
                std::cmp::Reverse(p.percent),
                p.left.name.as_str(),
                p.right.name.as_str(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted");
    // The input's order does not matter.
    let mut reversed = input.clone();
    reversed.reverse();
    assert_eq!(similarity::find(&reversed), found);
}

fn grade(name: &str, statuses: &[(Status, f64)]) -> Grade {
    Grade {
        submission: name.to_owned(),
        spec: Some("saga.yaml".to_owned()),
        spec_path: None,
        score: statuses.iter().map(|s| s.1).sum(),
        max_score: 10.0,
        criteria: statuses
            .iter()
            .enumerate()
            .map(|(i, &(status, points))| CriterionResult {
                id: format!("c{i}"),
                title: format!("criterion {i}"),
                points,
                max_points: 5.0,
                status,
                summary: String::new(),
                details: Vec::new(),
                read: None,
                line: None,
            })
            .collect(),
        notes: Vec::new(),
    }
}

#[test]
fn scores_fall_into_whole_point_bars() {
    let grades = [
        grade("a", &[(Status::Pass, 5.0), (Status::Pass, 5.0)]),
        grade("b", &[(Status::Partial, 4.5), (Status::Pass, 5.0)]),
        grade("c", &[(Status::Fail, 0.0), (Status::Partial, 2.5)]),
        grade("d", &[(Status::Fail, 0.0), (Status::Fail, 0.0)]),
    ];
    let d = summary::distribution(&grades, 10.0);
    let counts: Vec<usize> = d.bins.iter().map(|b| b.count).collect();
    assert_eq!(counts, [1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1]);
    assert_eq!(d.bins[9].label(), "9");
    assert!(d.bins[10].last);
    assert_eq!((d.mean, d.median, d.min, d.max), (5.5, 6.0, 0.0, 10.0));
    assert_eq!(d.full_marks, 1);
    // A rubric of 100 points: ten bars of ten, and the full score's own.
    let wide = summary::distribution(&grades, 100.0);
    assert_eq!(wide.bins.len(), 11);
    assert_eq!(wide.bins[0].label(), "0–10");
    assert_eq!(wide.bins[0].count, 3);
}

#[test]
fn a_rule_is_counted_once_per_submission_with_the_first_name_as_example() {
    use super::facts::{Facts, Finding};
    let rule = &crate::rules::simulation::atomicity::RULE;
    let finding = |message: &str, occurrences| Facts {
        findings: vec![Finding {
            rule,
            occurrences,
            message: message.to_owned(),
        }],
        shape: None,
    };
    let grades = [grade("bob", &[]), grade("amy", &[]), grade("cy", &[])];
    let facts = [
        finding("in bob's", 2),
        finding("in amy's", 1),
        Facts::default(),
    ];
    let tallies = summary::diagnostics(&grades, &facts);
    assert_eq!(tallies.len(), 1);
    let t = &tallies[0];
    assert_eq!((t.code, t.submissions, t.occurrences), ("V701", 2, 3));
    assert_eq!(
        (t.example.as_str(), t.message.as_str()),
        ("amy", "in amy's")
    );
    let invariants = summary::invariants(&grades, &facts);
    assert_eq!(invariants[0].name, "atomicity");
}

#[test]
fn every_simulation_rule_names_an_invariant() {
    for rule in crate::rules::simulation::RULES {
        // V709-V713 are the isolation invariants (a saga with `resources`).
        let named = crate::scenario::Invariant::ALL
            .iter()
            .map(|i| i.as_str())
            .chain(
                crate::scenario::isolation::IsolationInvariant::ALL
                    .iter()
                    .map(|i| i.as_str()),
            )
            .any(|name| name.replace('_', "-") == rule.name);
        assert!(named, "{} names no invariant", rule.code);
    }
}
