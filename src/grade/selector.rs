//! Which step of a student's saga plays each role of the rubric. Students name things
//! differently (`stock`, `warehouse`, `inventory_service`; `ChargeCard`, `Bill`), so a role
//! is a regex over three names of a step: its id, its participant and its action. A step
//! scores one point per name the regex matches; the best-scoring (role, step) pair is
//! assigned first, so that `ConfirmPayment` goes to the payment role (participant and
//! action match) rather than to an email role that only matches `Confirm`. A step plays at
//! most one role. Ties go to the role declared first, then to the earlier step.

use crate::model::{Saga, StepId};

use super::rubric::{Role, Rubric};
use super::text::code;

/// The step found for each role of the rubric, by role index.
#[derive(Debug, Clone, Default)]
pub struct Roles(pub Vec<Option<StepId>>);

impl Roles {
    pub fn step(&self, role: usize) -> Option<StepId> {
        self.0.get(role).copied().flatten()
    }
}

/// How many of the step's names the role's regex matches.
fn score(role: &Role, saga: &Saga, id: StepId) -> usize {
    let step = saga.step(id);
    let participant = &saga.participant(step.participant).name.value;
    [&step.id.value, participant, &step.action.value]
        .into_iter()
        .filter(|name| role.regex.is_match(name))
        .count()
}

/// Assigns steps to roles, best matches first.
pub fn resolve(rubric: &Rubric, saga: &Saga) -> Roles {
    let mut pairs: Vec<(usize, usize, StepId)> = Vec::new();
    for (r, role) in rubric.roles.iter().enumerate() {
        for id in saga.step_ids() {
            let s = score(role, saga, id);
            if s > 0 {
                pairs.push((s, r, id));
            }
        }
    }
    // Highest score first; ties by role order, then step order.
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut roles = vec![None; rubric.roles.len()];
    let mut taken = vec![false; saga.steps.len()];
    for (_, r, id) in pairs {
        if roles[r].is_none() && !taken[id.index()] {
            roles[r] = Some(id);
            taken[id.index()] = true;
        }
    }
    Roles(roles)
}

/// `the payment step (`charge_card`)`, or the role's description when no step plays it.
pub fn describe(rubric: &Rubric, roles: &Roles, saga: &Saga, role: usize) -> String {
    let r = &rubric.roles[role];
    match roles.step(role) {
        Some(id) => format!("{} ({})", r.describe, code(&saga.step(id).id.value)),
        None => r.describe.clone(),
    }
}
