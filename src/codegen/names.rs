//! Spec names to Rust identifiers. The checker has already restricted names to
//! `[a-z][a-z0-9_]*`, PascalCase and dotted events; what is left here is the case change,
//! Rust keywords (a data field may be called `type`) and the rare collision that a case
//! change creates (`a__b` and `a_b` both become `AB`), which a [`Namespace`] settles by
//! numbering.

use std::collections::HashSet;

use proc_macro2::{Ident, Span};

/// Rust's strict and reserved keywords (2021 and 2024 editions), which an identifier can
/// only use in raw form (`r#type`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either: they get a trailing `_`.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// An identifier for a name, raw when the name is a keyword (`type` → `r#type`).
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `reserve_inventory` or `inventory.reserved` → `ReserveInventory`, `InventoryReserved`.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' || c == '.' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `ReserveInventory` → `reserve_inventory`; `HTTPCall` → `http_call`.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `fail:charge_payment+compfail:trigger` → `fail_charge_payment_with_compfail_trigger`.
pub fn test_name(scenario: &str) -> String {
    let mut out = String::with_capacity(scenario.len() + 8);
    for c in scenario.chars() {
        match c {
            'a'..='z' | '0'..='9' | '_' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '@' => out.push_str("_at_"),
            '+' => out.push_str("_with_"),
            _ => out.push('_'),
        }
    }
    out
}

/// Names already given in one Rust namespace; a taken name gets a suffix, then a number.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    pub fn with(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `want`, or `want` + `suffix` when taken, or that with a number.
    pub fn claim(&mut self, want: &str, suffix: &str) -> String {
        let mut candidates = std::iter::once(want.to_owned())
            .chain((!suffix.is_empty()).then(|| format!("{want}{suffix}")))
            .chain((2..).map(|n| format!("{want}{suffix}{n}")));
        loop {
            let Some(c) = candidates.next() else {
                unreachable!("an endless iterator")
            };
            if self.taken.insert(c.clone()) {
                return c;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(camel("reserve_inventory"), "ReserveInventory");
        assert_eq!(camel("inventory.reserved"), "InventoryReserved");
        assert_eq!(camel("step_10"), "Step10");
        assert_eq!(snake("ReserveInventory"), "reserve_inventory");
        assert_eq!(snake("HTTPCall"), "http_call");
        assert_eq!(snake("Do10"), "do10");
        assert_eq!(snake("Match"), "match");
    }

    #[test]
    fn keywords_become_raw() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("order").to_string(), "order");
    }

    #[test]
    fn collisions_are_numbered() {
        let mut ns = Namespace::with(&["Step"]);
        assert_eq!(ns.claim("Step", "Participant"), "StepParticipant");
        assert_eq!(ns.claim("AB", ""), "AB");
        assert_eq!(ns.claim("AB", ""), "AB2");
    }

    #[test]
    fn test_names() {
        assert_eq!(
            test_name("crash:order@order.created+compfail:trigger"),
            "crash_order_at_order_created_with_compfail_trigger"
        );
    }
}
