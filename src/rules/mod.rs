//! The rules: each has a stable code, a severity, and a file of its own whose doc comment
//! (what it checks, why a saga breaks without it, an example and the fix) is what
//! `sagac explain` prints.
//!
//! Syntax rules (`S…`) and reference rules (`R…`) word what the layers below found while
//! the YAML was read and the model resolved (typed errors and problems, see [`reading`]);
//! every other rule is a function over the resolved [`Saga`] that pushes diagnostics and
//! never prints.

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::Saga;

/// Declares a rule: its doc comment becomes the text `sagac explain` prints.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = ($code:literal, $name:literal, $severity:ident, $summary:literal);
    ) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::diagnostic::Rule = $crate::diagnostic::Rule {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

pub mod choreography;
pub mod compensation;
pub mod dataflow;
pub mod import;
pub mod isolation;
pub mod mermaid;
pub mod reading;
pub mod references;
pub mod reliability;
pub mod retry;
pub mod simulation;
pub mod syntax;
pub mod types;

/// A check over the resolved model.
pub type Check = fn(&Saga, &mut Vec<Diagnostic>);

/// Every rule, by category (see [`category_rank`]) and code.
pub fn all() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = syntax::RULES
        .iter()
        .chain(import::RULES)
        .chain(references::RULES)
        .chain(simulation::RULES)
        .chain(mermaid::RULES)
        .copied()
        .chain(all_checks().map(|(rule, _)| *rule))
        .collect();
    rules.sort_by_key(|r| (category_rank(r.code), r.code));
    rules.dedup_by_key(|r| r.code);
    rules
}

/// Categories in the order a spec is checked: syntax, the import of another format,
/// references, compensation, retries, choreography, data flow, reliability, then what the
/// simulator finds, isolation between instances, then the diagrams drawn of the spec.
/// Import (`I0xx`) and isolation (`I8xx`) share the letter `I`; isolation is ranked as `J`.
fn category_rank(code: &str) -> usize {
    let letter = if code.starts_with("I8") {
        'J'
    } else {
        code.chars().next().unwrap_or('Z')
    };
    "SIRCTGDWVJM".find(letter).unwrap_or(usize::MAX)
}

/// Looks a rule up by code (`c201`, `C201`) or name (`missing-compensation`).
pub fn find(query: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(query) || r.name.eq_ignore_ascii_case(query))
}

/// The checks over the model, run in category order.
/// Each category's `CHECKS` lists its rules with their check functions.
pub fn all_checks() -> impl Iterator<Item = &'static (&'static Rule, Check)> {
    compensation::CHECKS
        .iter()
        .chain(retry::CHECKS)
        .chain(choreography::CHECKS)
        .chain(dataflow::CHECKS)
        .chain(types::CHECKS)
        .chain(reliability::CHECKS)
        .chain(isolation::CHECKS)
}

/// Runs every check over the model.
pub fn check(saga: &Saga) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (_, check) in all_checks() {
        check(saga, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let rules = all();
        let mut codes: Vec<_> = rules.iter().map(|r| r.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), rules.len());
        for rule in rules {
            let doc = rule.documentation();
            for heading in [
                "## What it checks",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                assert!(doc.contains(heading), "{} lacks {heading:?}", rule.code);
            }
        }
    }
}
