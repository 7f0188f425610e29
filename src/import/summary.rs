//! What `sagac import` tells the user it did: how many steps, compensations and retry
//! policies it mapped, what it approximated and what it left out, each with its line.

use std::fmt::Write;

use super::draft::{Draft, NoteKind, Stage};
use crate::source::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub format: &'static str,
    pub steps: usize,
    pub parallel_groups: usize,
    pub compensations: usize,
    pub retries: usize,
    pub timeouts: usize,
    pub pivot_inferred: bool,
    pub approximated: usize,
    pub left_out: usize,
    /// Failure paths that differ from a saga's (reported by `check`).
    pub findings: usize,
}

impl Summary {
    pub fn of(draft: &Draft, findings: usize) -> Summary {
        let steps = || draft.stages.iter().flat_map(Stage::steps);
        let count = |kind| draft.notes.iter().filter(|n| n.kind == kind).count();
        Summary {
            format: draft.format.name(),
            steps: steps().count(),
            parallel_groups: draft
                .stages
                .iter()
                .filter(|s| matches!(s, Stage::Parallel(..)))
                .count(),
            compensations: steps().filter(|s| s.compensation.is_some()).count(),
            retries: steps().filter(|s| s.retry.is_some()).count(),
            timeouts: steps().filter(|s| s.timeout.is_some()).count(),
            pivot_inferred: draft.pivot_inferred,
            approximated: count(NoteKind::Approximated),
            left_out: count(NoteKind::LeftOut),
            findings,
        }
    }

    /// The summary as lines of text, with each approximation and omission at its line.
    pub fn text(&self, draft: &Draft, source: &SourceFile) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "imported {} from {}: {} steps ({} in parallel groups), {} compensations, {} retry policies, {} timeouts",
            source.name(),
            self.format,
            self.steps,
            self.parallel_groups,
            self.compensations,
            self.retries,
            self.timeouts,
        );
        let _ = writeln!(
            out,
            "pivot: {}",
            if self.pivot_inferred {
                "inferred (a step without compensation, followed only by steps never compensated)"
            } else {
                "not inferred (the source does not say which step is the point of no return)"
            }
        );
        for (kind, label) in [
            (NoteKind::Approximated, "approximated"),
            (NoteKind::LeftOut, "left out"),
        ] {
            let mut notes: Vec<_> = draft.notes.iter().filter(|n| n.kind == kind).collect();
            notes.sort_by_key(|n| n.span.start);
            let _ = writeln!(out, "{label}: {}", notes.len());
            for n in notes {
                let _ = writeln!(
                    out,
                    "  {}:{}: {}: {}",
                    source.name(),
                    source.line_col(n.span.start).line,
                    super::yaml::comment(&n.element),
                    super::yaml::comment(&n.text)
                );
            }
        }
        if self.findings > 0 {
            let _ = writeln!(
                out,
                "failure paths that differ from a saga's: {} (`sagac check {}` reports them)",
                self.findings,
                source.name()
            );
        }
        out
    }
}
