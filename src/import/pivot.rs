//! The pivot, inferred only where the source says so: a step with no compensation after
//! the last compensated step, when every step after it is never compensated either. That
//! step is the pivot and the ones after it are retriable; anywhere else a step without a
//! compensation keeps no kind, and the checks report it.

use super::draft::Stage;
use crate::source::Spanned;
use crate::syntax::StepKindDef;

/// Sets the kinds; whether a pivot was inferred.
pub fn infer(stages: &mut [Stage]) -> bool {
    let Some(last) = stages
        .iter()
        .rposition(|s| s.steps().iter().any(|st| st.compensation.is_some()))
    else {
        return false;
    };
    let Some(Stage::Step(_)) = stages.get(last + 1) else {
        return false;
    };
    for (i, stage) in stages.iter_mut().enumerate().skip(last + 1) {
        let kind = if i == last + 1 {
            StepKindDef::Pivot
        } else {
            StepKindDef::Retriable
        };
        for step in stage.steps_mut() {
            step.kind = Some(Spanned::new(kind, step.id.span));
        }
    }
    true
}
