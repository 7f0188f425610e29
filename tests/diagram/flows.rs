//! What the sequence diagrams draw: the course's flows, the failure branches as the
//! scenarios' runs, shared tails that expand to the full runs, parallel groups.

use super::*;

/// The body of a sequence diagram as a tree: messages (`from->>to: text`), notes, and
/// blocks (`alt`, `par`) with their branches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Msg(String),
    Note(String),
    Block(String, Vec<(String, Vec<Item>)>),
}

/// An open block: its keyword and the branches so far, each with its label.
type Open = (String, Vec<(String, Vec<Item>)>);

fn tree(text: &str) -> Vec<Item> {
    let mut stack: Vec<Open> = Vec::new();
    let mut top: Vec<Item> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line == "sequenceDiagram" || line.starts_with("participant ") {
            continue;
        }
        let target = |stack: &mut Vec<Open>, top: &mut Vec<Item>, item| match stack.last_mut() {
            Some((_, branches)) => branches.last_mut().unwrap().1.push(item),
            None => top.push(item),
        };
        if let Some((kw, label)) = line
            .split_once(' ')
            .filter(|(k, _)| ["alt", "par", "opt", "loop"].contains(k))
        {
            stack.push((kw.to_owned(), vec![(label.to_owned(), Vec::new())]));
        } else if let Some((_, label)) = line
            .split_once(' ')
            .filter(|(k, _)| ["else", "and"].contains(k))
        {
            stack
                .last_mut()
                .unwrap()
                .1
                .push((label.to_owned(), Vec::new()));
        } else if line == "end" {
            let (kw, branches) = stack.pop().unwrap();
            target(&mut stack, &mut top, Item::Block(kw, branches));
        } else if let Some(note) = line.strip_prefix("Note over ") {
            target(&mut stack, &mut top, Item::Note(note.to_owned()));
        } else {
            target(&mut stack, &mut top, Item::Msg(line.to_owned()));
        }
    }
    assert!(stack.is_empty(), "unclosed block");
    top
}

fn messages(items: &[Item]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Msg(m) => Some(m.as_str()),
            _ => None,
        })
        .collect()
}

fn alt<'a>(items: &'a [Item], label: &str) -> &'a [(String, Vec<Item>)] {
    items
        .iter()
        .find_map(|i| match i {
            Item::Block(kw, branches) if kw == "alt" && branches[0].0 == label => {
                Some(branches.as_slice())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no `alt {label}` in {items:#?}"))
}

/// The course's orchestration diagram: reserve inventory, reserved OK, charge payment; alt
/// payment succeeds: send confirmation, sent OK, saga complete; else payment failed:
/// release inventory (compensate), released OK, saga failed. The spec adds what the
/// course's drawing leaves out: the trigger (and its compensation, `RejectOrder`), and the
/// failure of the reservation itself.
#[test]
fn course_orchestration_has_the_course_flows() {
    let d = diagram::combined(&spec("specs/order-orchestration.yaml"));
    let items = tree(&d.text);
    assert_eq!(
        messages(&items),
        [
            "order->>order: CreateOrder (trigger)",
            "order->>orchestrator: order.created",
            "orchestrator->>inventory: ReserveInventory",
        ]
    );
    let reserve = alt(&items, "reserve_inventory succeeds");
    assert_eq!(
        messages(&reserve[0].1),
        [
            "inventory-->>orchestrator: ReserveInventory OK",
            "orchestrator->>payment: ChargeCard",
        ]
    );
    assert_eq!(reserve[1].0, "reserve_inventory fails (OutOfStock)");
    assert_eq!(
        messages(&reserve[1].1),
        [
            "inventory-->>orchestrator: ReserveInventory failed: OutOfStock",
            "orchestrator->>order: RejectOrder (compensate)",
            "order-->>orchestrator: RejectOrder OK",
            "orchestrator->>orchestrator: saga failed (compensated)",
        ]
    );
    let charge = alt(&items, "charge_payment succeeds");
    assert_eq!(charge.len(), 2);
    assert_eq!(
        messages(&charge[0].1),
        [
            "payment-->>orchestrator: ChargeCard OK",
            "orchestrator->>notification: SendConfirmationEmail",
            "notification-->>orchestrator: SendConfirmationEmail OK",
            "orchestrator->>orchestrator: saga complete",
        ]
    );
    assert_eq!(charge[1].0, "charge_payment fails (CardDeclined)");
    assert_eq!(
        messages(&charge[1].1),
        [
            "payment-->>orchestrator: ChargeCard failed: CardDeclined",
            "orchestrator->>inventory: ReleaseInventory (compensate)",
            "inventory-->>orchestrator: ReleaseInventory OK",
            "orchestrator->>order: RejectOrder (compensate)",
            "order-->>orchestrator: RejectOrder OK",
            "orchestrator->>orchestrator: saga failed (compensated)",
        ]
    );
    // The pivot and the retriable step are marked.
    assert!(
        d.text
            .contains("Note over payment: pivot (point of no return)")
    );
    assert!(
        d.text
            .contains("Note over notification: retriable: unlimited attempts")
    );
}

/// The course's choreography diagram: order.created, reserve stock, inventory.reserved,
/// charge card; alt payment succeeds: payment.completed, send confirmation; else
/// payment.failed: inventory releases the stock and the order is marked failed (the spec's
/// trigger compensation, `RejectOrder`).
#[test]
fn course_choreography_has_the_course_flows() {
    let d = diagram::combined(&spec("specs/order-choreography.yaml"));
    let items = tree(&d.text);
    assert_eq!(
        messages(&items),
        [
            "order->>order: CreateOrder (trigger)",
            "order->>inventory: order.created",
        ]
    );
    let reserve = alt(&items, "reserve_inventory succeeds");
    assert_eq!(
        messages(&reserve[0].1),
        [
            "inventory->>inventory: ReserveInventory",
            "inventory->>payment: inventory.reserved",
        ]
    );
    let charge = alt(&items, "charge_payment succeeds");
    assert_eq!(charge.len(), 2);
    assert_eq!(
        messages(&charge[0].1),
        [
            "payment->>payment: ChargeCard",
            "payment->>notification: payment.completed",
            "notification->>notification: SendConfirmationEmail",
            "notification->>notification: publishes confirmation.sent (terminal event)",
            "payment->>order: payment.completed",
            "order->>order: ApproveOrder (reaction)",
        ]
    );
    assert_eq!(
        charge[0].1.last(),
        Some(&Item::Note("order,notification: saga complete".to_owned()))
    );
    assert_eq!(
        messages(&charge[1].1),
        [
            "payment->>payment: ChargeCard fails: CardDeclined",
            "payment->>order: payment.failed",
            "order->>order: RejectOrder (compensate)",
            "payment->>inventory: payment.failed",
            "inventory->>inventory: ReleaseInventory (compensate)",
            "inventory->>inventory: publishes inventory.released (terminal event)",
        ]
    );
    assert_eq!(
        charge[1].1.last(),
        Some(&Item::Note(
            "order,notification: saga failed (compensated)".to_owned()
        ))
    );
}

/// Each failure branch of the combined diagram is its scenario's run, action for action:
/// the combined diagram draws exactly the `fail:` runs `simulate` checks.
#[test]
fn failure_branches_are_the_scenarios_runs() {
    for path in yaml_files("specs") {
        let saga = spec(path.to_str().unwrap());
        let combined = diagram::combined(&saga);
        for step in saga.step_ids() {
            let Some(fault) = sagac::scenario::Fault::failing_for_good(&saga, step) else {
                continue;
            };
            let alone = sequence::scenario(&saga, &diagram::one_scenario(&saga, &[fault]));
            // The failure run's messages (notes aside) appear in order in the combined
            // diagram.
            let mut rest = combined.drawn.iter();
            for m in alone
                .drawn
                .iter()
                .filter(|m| m.kind == diagram::DrawnKind::Message)
            {
                assert!(
                    rest.any(|c| c == m),
                    "{}: {:?} of {} is missing from the combined diagram",
                    path.display(),
                    m,
                    saga.step(step).id.value
                );
            }
        }
    }
}

/// A branch's items without the note that ends it, if it has one, and that note.
fn without_ending(items: &[Item]) -> (Vec<Item>, Option<Item>) {
    let mut items = items.to_vec();
    let ending = match items.last() {
        Some(Item::Note(n)) if n.contains(": end of this path: ") => items.pop(),
        _ => None,
    };
    (items, ending)
}

/// The `alt` blocks follow each other, so each failure branch after which the diagram goes
/// on ends in a note over every participant saying that what follows runs only if the
/// step succeeds; the last `alt`'s branches, after which nothing is drawn, do not.
#[test]
fn failure_branches_say_that_they_end() {
    let mut endings = 0;
    let mut files = yaml_files("specs");
    files.extend(yaml_files("fixtures/diagram"));
    for path in files {
        let saga = spec(path.to_str().unwrap());
        let d = diagram::combined(&saga);
        let first = &d.participants.first().unwrap().id;
        let last = &d.participants.last().unwrap().id;
        let items = tree(&d.text);
        let alts: Vec<&Vec<(String, Vec<Item>)>> = items
            .iter()
            .filter_map(|i| match i {
                Item::Block(kw, b) if kw == "alt" => Some(b),
                _ => None,
            })
            .collect();
        for (k, branches) in alts.iter().enumerate() {
            let condition = &branches[0].0;
            let expected = Item::Note(format!(
                "{first},{last}: end of this path: the steps below run only if {condition}"
            ));
            for (label, items) in &branches[1..] {
                let more = k + 1 < alts.len();
                assert_eq!(
                    items.last() == Some(&expected),
                    more,
                    "{}: else {label}",
                    path.display()
                );
                endings += usize::from(more);
            }
            assert!(
                !branches[0].1.contains(&expected),
                "{}: {condition}",
                path.display()
            );
        }
    }
    assert!(endings > 20, "only {endings} endings");
}

/// Past Mermaid's default size a failure branch draws what it adds and refers to an
/// earlier branch for the rest, from a message of it that the note names. Following those
/// references gives back every failure run in full, message for message and note for note.
#[test]
fn shared_tails_expand_to_the_full_runs() {
    let mut references = 0;
    let mut files = yaml_files("specs");
    files.extend(yaml_files("fixtures/diagram"));
    // Runs long enough that the tails are chosen while the diagram in full is tried (past
    // FULL_LIMIT / 16 actions in the failure runs).
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.yaml");
    std::fs::write(&long, compensatable_orchestration(120)).unwrap();
    let (_, branches) = diagram::failure_branches(&spec(long.to_str().unwrap()));
    let actions: usize = branches.iter().map(|b| b.rest().len()).sum();
    assert!(actions > diagram::FULL_LIMIT / 4, "{actions} actions");
    files.push(long);
    for path in files {
        let saga = spec(path.to_str().unwrap());
        let shared = diagram::combined(&saga);
        let full = diagram::combined_in_full(&saga);
        if full.text.len() <= diagram::FULL_LIMIT {
            assert_eq!(
                shared,
                full,
                "{}: small diagrams are drawn in full",
                path.display()
            );
            continue;
        }
        assert!(
            shared.text.len() < full.text.len() / 2,
            "{}",
            path.display()
        );
        let (shared, full) = (tree(&shared.text), tree(&full.text));
        assert_eq!(shared.len(), full.len(), "{}", path.display());
        // Each failure branch as drawn in full, by its label.
        let mut expanded: Vec<(String, Vec<Item>)> = Vec::new();
        for (s, f) in shared.iter().zip(&full) {
            let (Item::Block(kw, sb), Item::Block(_, fb)) = (s, f) else {
                assert_eq!(s, f, "{}", path.display());
                continue;
            };
            assert_eq!(sb[0], fb[0], "{} {kw}: the happy branch", path.display());
            for ((label, items), (full_label, full_items)) in sb[1..].iter().zip(&fb[1..]) {
                assert_eq!(label, full_label);
                // The note that ends a branch is its own, in both forms: set aside, it is
                // not part of the run a later branch refers to.
                let (mut items, ending) = without_ending(items);
                let (full_items, full_ending) = without_ending(full_items);
                assert_eq!(ending, full_ending, "{}: else {label}", path.display());
                let full_items = &full_items;
                if let Some(Item::Note(note)) = items.last()
                    && let Some(rest) = note.split_once(": then the same as in \"").map(|x| x.1)
                {
                    let (earlier, rest) = rest.split_once("\" above, from \"").unwrap();
                    let from = rest.strip_suffix("\" on").unwrap();
                    let (_, drawn) =
                        expanded
                            .iter()
                            .find(|(l, _)| l == earlier)
                            .unwrap_or_else(|| {
                                panic!("{}: no branch {earlier:?} above", path.display())
                            });
                    // The message the note names appears once in that branch.
                    let named: Vec<usize> = drawn
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| matches!(i, Item::Msg(m) if m.split_once(": ").map(|x| x.1) == Some(from)))
                        .map(|(k, _)| k)
                        .collect();
                    assert_eq!(
                        named.len(),
                        1,
                        "{}: {from:?} in {earlier:?}",
                        path.display()
                    );
                    let tail = drawn[named[0]..].to_vec();
                    items.pop();
                    items.extend(tail);
                    references += 1;
                }
                assert_eq!(&items, full_items, "{}: else {label}", path.display());
                expanded.push((label.clone(), items));
            }
        }
    }
    assert!(
        references > 30,
        "only {references} shared tails were followed"
    );
}

#[test]
fn parallel_groups_send_their_commands_in_par() {
    let d = diagram::combined(&spec("specs/trip.yaml"));
    let items = tree(&d.text);
    let par = items
        .iter()
        .find_map(|i| match i {
            Item::Block(kw, b) if kw == "par" => Some(b),
            _ => None,
        })
        .expect("a par block");
    let labels: Vec<&str> = par.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["book_flight", "book_hotel", "book_car"]);
    assert_eq!(messages(&par[1].1), ["orchestrator->>hotels: BookHotel"]);
}
