//! Language version 2, isolation, as `check` reads it: the contract's order saga
//! (`specs/place-order.yaml`) checks clean; each "taking the countermeasure away" variant
//! gets the static rule the contract names, at the line of the change; bad input (an
//! unknown resource, a transition naming an undeclared state, an effect on another
//! participant's resource, 5 instances, the keys in a version 1 spec) gets a diagnostic at
//! the exact line, never a panic.

use sagac::check::check_source;
use sagac::source::SourceFile;

const PLACE_ORDER: &str = include_str!("../specs/place-order.yaml");

/// One diagnostic as a test reads it.
#[derive(Debug)]
struct Found {
    code: &'static str,
    line: usize,
    message: String,
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
        })
        .collect()
}

/// The spec with each `(from, to)` replaced once (each `from` occurs once).
fn mutate(pairs: &[(&str, &str)]) -> String {
    let mut text = PLACE_ORDER.to_owned();
    for (from, to) in pairs {
        assert_eq!(text.matches(from).count(), 1, "{from:?} once in the spec");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The 1-based line of the first occurrence of `marker` in `text`.
fn line_of(text: &str, marker: &str) -> usize {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} in text"));
    text[..at].matches('\n').count() + 1
}

/// Asserts that `code` is reported at the line of `marker`, and returns its message.
fn expect(found: &[Found], text: &str, code: &str, marker: &str) -> String {
    let line = line_of(text, marker);
    let hit = found.iter().find(|f| f.code == code && f.line == line);
    assert!(
        hit.is_some(),
        "expected {code} at line {line} ({marker:?}), got {found:#?}"
    );
    hit.map(|f| f.message.clone()).unwrap_or_default()
}

fn codes(found: &[Found]) -> Vec<&'static str> {
    found.iter().map(|f| f.code).collect()
}

const COMMUTATIVE: &str = "commutative: true,\n           pessimistic_view: decrease }";

#[test]
fn the_order_saga_with_resources_checks_clean() {
    let found = check(PLACE_ORDER);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn without_pessimistic_view_the_pending_decrease_is_readable() {
    let text = mutate(&[(COMMUTATIVE, "commutative: true }")]);
    let found = check(&text);
    // The static warning, and the simulator's dirty read at the pending decrease.
    assert_eq!(codes(&found), ["I803", "V710"], "{found:#?}");
    expect(&found, &text, "I803", "- decrease: stock[item]");
    let dirty = expect(&found, &text, "V710", "- decrease: stock[item]");
    assert!(dirty.contains("instances [a] and [b]"), "{dirty}");
}

#[test]
fn reserving_by_write_overwrites_what_was_read() {
    let text = mutate(&[
        (
            COMMUTATIVE,
            "commutative: false,\n           pessimistic_view: decrease }",
        ),
        ("- decrease: stock[item]", "- write: stock[item]"),
    ]);
    let found = check(&text);
    // The step overwrites what check_stock read (I801); its default compensation restores
    // the before-image (I802); the pending write can be read (I803).
    expect(&found, &text, "I801", "- write: stock[item]");
    let undo = expect(&found, &text, "I802", "compensation: ReleaseInventory");
    assert!(undo.contains("ReleaseInventory"), "{undo}");
    // In `happy`, the simulator's lost update at the write.
    let lost = expect(&found, &text, "V709", "- write: stock[item]");
    assert!(lost.starts_with("in scenario `happy`"), "{lost}");
}

#[test]
fn releasing_by_write_overwrites_other_reservations() {
    let text = mutate(&[
        (
            COMMUTATIVE,
            "commutative: false,\n           pessimistic_view: decrease }",
        ),
        (
            "    compensation: ReleaseInventory     # default effect: increase stock[item]",
            "    compensation:\n      action: ReleaseInventory\n      effects: [{ write: \"stock[item]\" }]",
        ),
    ]);
    let found = check(&text);
    assert_eq!(codes(&found), ["I802", "V709"], "{found:#?}");
    for code in ["I802", "V709"] {
        expect(&found, &text, code, "effects: [{ write: \"stock[item]\" }]");
    }
}

#[test]
fn approving_without_releasing_the_lock() {
    let text = mutate(&[(
        "    effects:\n      - set: order[order_id]\n        from: [PENDING]\n        to: APPROVED                   # releases the lock\n",
        "",
    )]);
    let found = check(&text);
    assert_eq!(codes(&found), ["I804", "V712"], "{found:#?}");
    let message = expect(&found, &text, "I804", "- create: order[order_id]");
    assert!(message.contains("`PENDING`"), "{message}");
    // The simulator's counterexample, at the effect that took the lock.
    let left = expect(&found, &text, "V712", "- create: order[order_id]");
    assert!(left.starts_with("in scenario `happy`"), "{left}");
}

#[test]
fn an_unknown_resource_is_reported_with_the_closest_name() {
    let text = mutate(&[("- decrease: stock[item]", "- decrease: stok[item]")]);
    let found = check(&text);
    let message = expect(&found, &text, "R105", "stok[item]");
    assert!(message.contains("`stok`"), "{message}");
}

#[test]
fn a_transition_to_an_undeclared_state() {
    let text = mutate(&[(
        "CANCEL_PENDING -> CANCELLED]",
        "CANCEL_PENDING -> CANCELED]",
    )]);
    let found = check(&text);
    assert_eq!(codes(&found), ["R108"], "{found:#?}");
    expect(&found, &text, "R108", "CANCEL_PENDING -> CANCELED]");
}

#[test]
fn an_effect_on_another_participants_resource() {
    let text = mutate(&[(
        "effects: [{ decrease: \"account[customer_id]\" }]",
        "effects: [{ decrease: \"stock[item]\" }]",
    )]);
    let found = check(&text);
    let message = expect(&found, &text, "R107", "decrease: \"stock[item]\"");
    assert!(message.contains("`inventory`"), "{message}");
}

#[test]
fn five_instances_are_refused_at_their_line() {
    let text = mutate(&[("isolation: { instances: 2 }", "isolation: { instances: 5 }")]);
    let found = check(&text);
    assert_eq!(codes(&found), ["S003"], "{found:#?}");
    expect(&found, &text, "S003", "isolation: { instances: 5 }");
}

#[test]
fn the_isolation_keys_need_version_2() {
    let text = mutate(&[("version: 2\n", "version: 1\n")]);
    let found = check(&text);
    for marker in ["resources:\n", "isolation: {", "  effects:\n    - create"] {
        expect(&found, &text, "S012", marker);
    }
}

#[test]
fn effects_that_do_not_read() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // A record reference without its field.
        (
            "- decrease: stock[item]",
            "- decrease: stock",
            "S003",
            "- decrease: stock",
        ),
        // Two verbs in one effect.
        (
            "- decrease: stock[item]",
            "- { decrease: \"stock[item]\", read: \"stock[item]\" }",
            "S003",
            "{ decrease",
        ),
        // A state change on a counter.
        (
            "- decrease: stock[item]",
            "- { set: \"stock[item]\", to: LOW }",
            "S003",
            "{ set",
        ),
        // `from` on a read.
        (
            "effects: [{ read: \"stock[item]\" }]",
            "effects: [{ read: \"stock[item]\", from: [PENDING] }]",
            "S003",
            "from: [PENDING] }",
        ),
        // A guard naming a state the order does not have.
        (
            "        from: [PENDING]\n        to: APPROVED",
            "        from: [PENDING, PAID]\n        to: APPROVED",
            "R108",
            "PAID",
        ),
        // A state name not in its form.
        (
            "states: [PENDING, APPROVED,",
            "states: [PENDING, Approved, APPROVED,",
            "S006",
            "Approved",
        ),
        // A field the step does not know.
        (
            "- decrease: stock[item]",
            "- decrease: stock[sku]",
            "D504",
            "stock[sku]",
        ),
    ];
    for (from, to, code, marker) in cases {
        let text = mutate(&[(from, to)]);
        let found = check(&text);
        expect(&found, &text, code, marker);
    }
}
