//! The forms names take in the language, and the words they may not be. Restricting them
//! here is what lets the renderers use names as Rust identifiers and Mermaid ids without
//! escaping.

/// Saga, participant, step id, data field, table: `[a-z][a-z0-9_]*`.
pub fn is_snake(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

/// Action, business failure: `[A-Z][A-Za-z0-9]*`.
pub fn is_pascal(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z')) && bytes.all(|b| b.is_ascii_alphanumeric())
}

/// A record's state: `[A-Z][A-Z0-9_]*` (`CANCEL_PENDING`).
pub fn is_state(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z'))
        && bytes.all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'_'))
}

/// Event: lowercase words joined by dots, at least two (`payment.failed`).
pub fn is_event(name: &str) -> bool {
    let mut parts = 0;
    for part in name.split('.') {
        if !is_snake(part) {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// What a name of each form looks like, for help text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Snake,
    Pascal,
    Event,
    /// A record's state.
    State,
}

impl Form {
    pub fn accepts(self, name: &str) -> bool {
        match self {
            Form::Snake => is_snake(name),
            Form::Pascal => is_pascal(name),
            Form::Event => is_event(name),
            Form::State => is_state(name),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Form::Snake => {
                "lowercase letters, digits and `_`, starting with a letter (`reserve_inventory`)"
            }
            Form::Pascal => {
                "PascalCase: a capital letter, then letters and digits (`ReserveInventory`)"
            }
            Form::Event => "lowercase words joined by dots, at least two (`inventory.reserved`)",
            Form::State => {
                "capital letters, digits and `_`, starting with a letter (`CANCEL_PENDING`)"
            }
        }
    }

    /// The name rewritten in this form, when that is possible.
    pub fn suggest(self, name: &str) -> Option<String> {
        let words: Vec<String> = split_words(name);
        if words.is_empty() {
            return None;
        }
        let s = match self {
            Form::Snake => words.join("_"),
            Form::Event => words.join("."),
            Form::State => words.join("_").to_ascii_uppercase(),
            Form::Pascal => words
                .iter()
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect(),
        };
        (self.accepts(&s) && s != name).then_some(s)
    }
}

/// Splits `ReserveInventory`, `reserve-inventory`, `Reserve Inventory` into lowercase words.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Words that may not name a step or a participant: Rust keywords (strict and reserved),
/// Mermaid's sequence-diagram keywords, and `trigger`.
pub const RESERVED: &[&str] = &[
    // Rust
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    // Mermaid sequence diagrams
    "end",
    "and",
    "alt",
    "opt",
    "par",
    "critical",
    "rect",
    "note",
    "link",
    "links",
    "create",
    "destroy",
    "activate",
    "deactivate",
    "autonumber",
    "actor",
    "participant",
    "option",
    // words Mermaid 11 also rejects as whole participant ids (measured with its parser)
    "title",
    "over",
    "details",
    "properties",
    "off",
    "acctitle",
    "accdescr",
    "par_over",
    "sequencediagram",
    // sagac's own name for the trigger
    "trigger",
];

/// The data field version 2 passes to compensations, the escalation and the outcome:
/// `{ step, name, message }`, what ended the forward phase. No step or trigger may write it.
pub const FAILURE_FIELD: &str = "failure";

/// Whether a step id or participant may not be called `name` (rule S007).
pub fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(is_snake("reserve_inventory2"));
        assert!(!is_snake("Reserve") && !is_snake("2x") && !is_snake("a-b") && !is_snake(""));
        assert!(is_pascal("ReserveInventory") && !is_pascal("reserveInventory"));
        assert!(is_event("payment.failed") && is_event("a.b.c"));
        assert!(!is_event("payment") && !is_event("Payment.Failed") && !is_event("a..b"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            Form::Snake.suggest("Reserve-Inventory").as_deref(),
            Some("reserve_inventory")
        );
        assert_eq!(
            Form::Pascal.suggest("reserve inventory").as_deref(),
            Some("ReserveInventory")
        );
        assert_eq!(
            Form::Event.suggest("InventoryReserved").as_deref(),
            Some("inventory.reserved")
        );
    }
}
