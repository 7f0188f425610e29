//! The `diagram` criterion's list of where the diagrams and the spec disagree: the same
//! comparison `sagac check saga.yaml answers.md` makes (`mermaid::conformance`), worded by
//! the same rules (M910-M915).
//!
//! The disagreements cost no part of the criterion. The rubric's paths already judge what
//! the drawing shows, and the spec's own criteria judge what the saga does; a diagram that
//! draws the right failure path for a spec that compensates the wrong step is charged once,
//! by the criterion about compensation. The list tells the student which of the two to fix.

use crate::mermaid::conformance::Spec;
use crate::rules;

use super::{Context, Verdict};
use crate::grade::text::{code, prose};

/// At most this many disagreements are listed; the rest are counted.
const LISTED: usize = 5;

/// Appends the disagreements between the diagrams that were read and the spec, if any.
pub fn disagreements(ctx: &Context, v: &mut Verdict) {
    let (Ok(saga), Some(checked)) = (ctx.saga(), ctx.checked()) else {
        return;
    };
    // Failure paths are compared with the simulator's runs, as `sagac check` does: for a
    // model that resolved, of the size `check` simulates.
    let simulate = ctx.resolved && saga.steps.len() <= rules::simulation::MAX_STEPS;
    let mut spec = Spec::new(saga, simulate);
    let spec_name = checked.source.name();
    let mut found = Vec::new();
    let mut count = 0;
    let mut files: Vec<String> = Vec::new();
    for source in &ctx.diagrams {
        let Ok(diagram) = source.diagram() else {
            continue;
        };
        let findings = spec.check(diagram);
        count += findings.len();
        if !findings.is_empty() && !files.contains(&source.file.name()) {
            files.push(source.file.name());
        }
        // Only the ones listed are worded.
        for finding in findings.iter().take(LISTED.saturating_sub(found.len())) {
            let d = rules::mermaid::finding(finding, saga, &spec_name);
            found.push(format!(
                "{} line {}: {} {}",
                code(&source.file.name()),
                source.file.line_col(d.span.start).line,
                d.rule.code,
                prose(&d.message)
            ));
        }
    }
    if count == 0 {
        return;
    }
    let command = format!("sagac check {} {}", spec_name, files.join(" "));
    v.details.push(format!(
        "Where the diagrams and {} disagree ({} shows each with help; this costs no points):",
        code(&spec_name),
        code(&command)
    ));
    let more = count - found.len();
    v.details.extend(found);
    if more > 0 {
        v.details.push(format!(
            "And {more} more: run {} to see them all.",
            code(&command)
        ));
    }
}
