//! Who each diagram participant stands for: spec participants (by id or label), someone
//! outside the saga (an `actor`, a client), or nobody the spec knows.

use std::collections::HashMap;

use crate::model::{Coordination, ParticipantId};

use super::super::diagram::{Diagram, Participant};
use super::super::names::{names_orchestrator, words};
use super::{Finding, Spec};

/// What a diagram participant is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Role {
    /// The spec participants it stands for (an orchestrator stands for its host).
    Spec(Vec<ParticipantId>),
    /// Someone outside the saga who starts it or waits for it: an `actor`, a client.
    Outside,
    /// Nobody the spec knows (already reported).
    Unknown,
}

/// Each diagram participant's role, by id.
pub(super) struct Cast {
    roles: HashMap<String, Role>,
}

impl Cast {
    pub fn role(&self, id: &str) -> &Role {
        self.roles.get(id).unwrap_or(&Role::Unknown)
    }

    /// The spec participants a diagram participant stands for (none when it is outside the
    /// saga or unknown).
    pub fn stands_for(&self, id: &str) -> &[ParticipantId] {
        match self.role(id) {
            Role::Spec(ps) => ps,
            _ => &[],
        }
    }

    pub fn outside(&self, id: &str) -> bool {
        *self.role(id) == Role::Outside
    }
}

/// Words that name someone outside the saga, who starts it or waits for its answer.
const OUTSIDE: [&str; 6] = [
    "client", "customer", "user", "browser", "frontend", "shopper",
];

/// Casts every participant, reporting those that stand for nobody in the spec and an
/// orchestrator drawn for a choreography.
pub(super) fn cast(spec: &Spec, diagram: &Diagram, findings: &mut Vec<Finding>) -> Cast {
    let mut roles = HashMap::new();
    for p in &diagram.participants {
        let role = role(spec, p, findings);
        roles.insert(p.id.clone(), role);
    }
    Cast { roles }
}

fn role(spec: &Spec, p: &Participant, findings: &mut Vec<Finding>) -> Role {
    let saga = spec.saga;
    let (id, label) = (words(&p.id), words(&p.label));
    let orchestrator = names_orchestrator(&id) || names_orchestrator(&label);
    if orchestrator && saga.coordination == Coordination::Choreography {
        findings.push(Finding::OrchestratorInChoreography {
            span: p.span,
            label: p.label.clone(),
        });
        return Role::Unknown;
    }
    let mut found: Vec<ParticipantId> = spec
        .participants
        .find(&id)
        .into_iter()
        .chain(spec.participants.find(&label))
        .map(|(p, _)| p)
        .collect();
    if orchestrator && let Some(o) = &saga.orchestrator {
        found.push(o.participant);
    }
    found.sort();
    found.dedup();
    if !found.is_empty() {
        return Role::Spec(found);
    }
    // Version 2: the caller who waits for the outcome or cancels (sagac draws `caller`).
    let caller = (saga.outcome.is_some() || saga.cancellation.is_some())
        && id.iter().chain(&label).any(|w| w == "caller");
    let outside = p.actor
        || caller
        || id
            .iter()
            .chain(&label)
            .any(|w| OUTSIDE.contains(&w.trim_end_matches('s')));
    if outside {
        return Role::Outside;
    }
    findings.push(Finding::UnknownParticipant {
        span: p.span,
        id: p.id.clone(),
        label: p.label.clone(),
    });
    Role::Unknown
}
