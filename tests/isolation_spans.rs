//! Language version 2, isolation: a diagnostic on a record reference (`stock[item]`) or a
//! transition (`PENDING -> APPROVED`) points at the exact line and column of the part that
//! is wrong, in block and flow style, quoted or not, with odd spacing and non-ASCII text
//! before it (columns count characters).

use sagac::check::check_source;
use sagac::source::SourceFile;

const PLACE_ORDER: &str = include_str!("../specs/place-order.yaml");

/// `(line, column)` of the `nth` occurrence of `needle` in `text`, 1-based, in characters.
fn position(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} in the text"))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Every diagnostic with `code`, as `(line, column)`.
fn found(text: &str, code: &str) -> Vec<(usize, usize)> {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == code)
        .map(|d| {
            let at = checked.source.line_col(d.span.start);
            (at.line, at.column)
        })
        .collect()
}

fn replaced(from: &str, to: &str) -> String {
    assert_eq!(PLACE_ORDER.matches(from).count(), 1, "{from:?} once");
    PLACE_ORDER.replacen(from, to, 1)
}

#[test]
fn an_unknown_resource_is_pointed_at_in_block_and_flow_style() {
    // Block style: the resource's name, after the verb.
    let text = replaced(
        "      - decrease: stock[item]",
        "      - decrease: stok[item]",
    );
    assert_eq!(found(&text, "R105"), [position(&text, "stok[item]", 0)]);
    // Flow style, quoted: inside the quotes.
    let text = replaced(
        "effects: [{ read: \"stock[item]\" }]",
        "effects: [{ read: \"stokk[item]\" }]",
    );
    assert_eq!(found(&text, "R105"), [position(&text, "stokk[item]", 0)]);
    // Non-ASCII text earlier on the line: the column counts characters, not bytes.
    let text = replaced(
        "effects: [{ read: \"stock[item]\" }]",
        "effects: [{ read: \"Lagerbestände[item]\" }]",
    );
    assert_eq!(
        found(&text, "R105"),
        [position(&text, "Lagerbestände[item]", 0)]
    );
}

#[test]
fn an_unavailable_record_key_is_pointed_at_its_field() {
    let text = replaced(
        "      - decrease: stock[item]",
        "      - decrease: stock[warehouse]",
    );
    let at = found(&text, "D504");
    assert_eq!(at.len(), 1, "{at:?}");
    let (line, column) = position(&text, "stock[warehouse]", 0);
    // The reference as written, or its field: both on the reference's line, at or after
    // its start.
    assert_eq!(at[0].0, line);
    assert!(
        at[0].1 == column || at[0].1 == column + "stock[".len(),
        "{at:?} for the reference at column {column}"
    );
}

#[test]
fn an_undeclared_state_in_a_transition_is_pointed_at_its_side() {
    // The target of the first move.
    let text = replaced("[PENDING -> APPROVED,", "[PENDING -> APROVED,");
    assert_eq!(found(&text, "R108"), [position(&text, "APROVED", 0)]);
    // The source of a move, with extra spaces around the arrow.
    let text = replaced(
        "APPROVED -> CANCEL_PENDING,",
        "APROVED   ->   CANCEL_PENDING,",
    );
    assert_eq!(found(&text, "R108"), [position(&text, "APROVED", 0)]);
    // On the continuation line of a flow list.
    let text = replaced(
        "CANCEL_PENDING -> CANCELLED]",
        "CANCEL_PENDING -> CANCELED]",
    );
    let at = found(&text, "R108");
    assert_eq!(at, [position(&text, "CANCELED]", 0)]);
    assert_eq!(
        at[0].0,
        position(&text, "                  CANCEL_PENDING -> APPROVED", 0).0
    );
}
