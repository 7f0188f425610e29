//! The steps, in stages: each entry of `steps` is a step or a `parallel` group of steps.

use std::collections::HashMap;

use super::Resolver;
use super::compensation::Of;
use crate::model::names::Form;
use crate::model::problem::{List, Problem};
use crate::model::{
    Attempts, Coordination, Failure, FailureEvent, OnUncaught, Retry, Setting, Stage, Step, StepId,
    StepKind,
};
use crate::source::{Span, Spanned};
use crate::syntax::{self, StepDef};

/// The events a step consumes and emits: only a choreography's steps have them.
#[derive(Default)]
struct StepEvents {
    consumes: Option<Spanned<String>>,
    emits_success: Option<Spanned<String>>,
    emits_failure: Option<Spanned<String>>,
    emits_failure_by: Vec<FailureEvent>,
}

impl Resolver<'_> {
    /// The steps in order, and the stages that group them.
    pub(super) fn steps(
        &mut self,
        def: &Spanned<Vec<Spanned<StepDef>>>,
        style: Coordination,
    ) -> (Vec<Step>, Vec<Stage>) {
        let mut steps = Vec::new();
        let mut stages = Vec::new();
        for entry in &def.value {
            let stage = stages.len();
            if let Some(group) = &entry.value.parallel {
                if let Some(branches) = self.parallel(entry, group, style, stage, &mut steps) {
                    stages.push(Stage::Parallel {
                        branches,
                        span: self.widen(group.span),
                    });
                }
            } else if let Some(step) = self.step(entry, style, stage, StepId::new(steps.len())) {
                stages.push(Stage::Single(StepId::new(steps.len())));
                steps.push(step);
            }
        }
        (steps, stages)
    }

    /// The branches of a `parallel` group, appended to `steps`; `None` when none resolves.
    fn parallel(
        &mut self,
        entry: &Spanned<StepDef>,
        group: &Spanned<Vec<Spanned<StepDef>>>,
        style: Coordination,
        stage: usize,
        steps: &mut Vec<Step>,
    ) -> Option<Vec<StepId>> {
        if style == Coordination::Choreography {
            self.wrong_style(group.span, "parallel", style, "in a choreography steps run when their events arrive: give each branch `consumes` of the same event instead of a `parallel` group");
        }
        if has_step_keys(&entry.value) {
            let span = self.widen(entry.span);
            self.report(Problem::ParallelWithStepKeys { span });
        }
        if group.value.is_empty() {
            let span = self.widen(group.span);
            self.report(Problem::EmptyList {
                span,
                list: List::ParallelBranches,
            });
            return None;
        }
        let mut branches = Vec::new();
        for branch in &group.value {
            if let Some(nested) = &branch.value.parallel {
                let span = self.widen(nested.span);
                self.report(Problem::NestedParallel { span });
                continue;
            }
            if let Some(step) = self.step(branch, style, stage, StepId::new(steps.len())) {
                branches.push(StepId::new(steps.len()));
                steps.push(step);
            }
        }
        (!branches.is_empty()).then_some(branches)
    }

    fn step(
        &mut self,
        def: &Spanned<StepDef>,
        style: Coordination,
        stage: usize,
        step_id: StepId,
    ) -> Option<Step> {
        let span = self.widen(def.span);
        let s = &def.value;
        let id = self.required(
            &s.id,
            span,
            "id",
            "a step",
            "give the step a snake_case `id`, e.g. `id: reserve_inventory`",
        );
        let participant = self.required(
            &s.participant,
            span,
            "participant",
            "a step",
            "name the service that runs the step",
        );
        let action = self.required(
            &s.action,
            span,
            "action",
            "a step",
            "name the command the participant runs, e.g. `action: ReserveInventory`",
        );
        let (id, participant_name, action) = (id?.clone(), participant?, action?.clone());
        self.name(&id, Form::Snake, "step id");
        self.reserved(&id, "step id");
        self.name(&action, Form::Pascal, "action");
        let participant = self.participant_ref(participant_name);

        let declared_kind = s
            .kind
            .as_ref()
            .map(|k| Spanned::new(step_kind(k.value), k.span));
        let kind = declared_kind
            .as_ref()
            .map_or(StepKind::Compensatable, |k| k.value);
        let mut compensation = s
            .compensation
            .as_ref()
            .and_then(|c| self.compensation(c, style, Of::Step));
        let writes = self.written_fields(&s.writes);
        self.default_reads_if_present(s.compensation.as_ref(), compensation.as_mut(), &writes);
        let retry = self.step_retry(s, kind);
        let failures = self.failures(s.failures.as_ref(), kind, &retry);
        for (index, names) in failures.keeps {
            self.pending_keeps.push((step_id, index, names));
        }
        if let Some(key) = &s.idempotency_key {
            self.name(key, Form::Snake, "idempotency key field");
        }
        let on_uncaught = self.step_on_uncaught(s.on_uncaught.as_ref(), style);
        let events = self.step_events(s, &id, style, &failures.handling, on_uncaught.value);
        let transactional = match &s.transactional {
            Some(t) => Setting::own(t.value, self.key_span(t.span, "transactional")),
            None => Setting::default(true),
        };
        Some(Step {
            id,
            participant,
            participant_span: participant_name.span,
            action,
            description: s.description.as_ref().map(|d| d.value.clone()),
            kind,
            declared_kind,
            compensation,
            reads: self.fields(&s.reads),
            writes,
            failures: failures.names,
            failure_handling: failures.handling,
            timeout: s.timeout.as_ref().and_then(|t| self.duration(t, "timeout")),
            retry,
            idempotency_key: s.idempotency_key.clone(),
            consumes: events.consumes,
            emits_success: events.emits_success,
            emits_failure: events.emits_failure,
            emits_failure_by: events.emits_failure_by,
            transactional,
            on_uncaught,
            stage,
            span,
        })
    }

    /// The step's retry policy, with its kind's defaults.
    fn step_retry(&mut self, s: &StepDef, kind: StepKind) -> Retry {
        let default_retry = if kind == StepKind::Retriable {
            Retry::forever()
        } else {
            Retry::once()
        };
        // A `retry` without `max_attempts`: unlimited for a retriable step (its kind promises
        // it), else three attempts, as in Step Functions' retriers.
        let default_attempts = if kind == StepKind::Retriable {
            Attempts::Unlimited
        } else {
            Attempts::Limited(3)
        };
        s.retry
            .as_ref()
            .map_or(default_retry, |r| self.retry(r, default_attempts))
    }

    /// What the step consumes and emits: events in a choreography, keys of the wrong
    /// style in an orchestration.
    fn step_events(
        &mut self,
        s: &StepDef,
        id: &Spanned<String>,
        style: Coordination,
        failures: &[Failure],
        on_uncaught: OnUncaught,
    ) -> StepEvents {
        let mut events = StepEvents::default();
        match style {
            Coordination::Orchestration => {
                if let Some(c) = &s.consumes {
                    self.wrong_style(c.span, "consumes", style, "the orchestrator calls each step after the one before it: remove `consumes`, or switch to `coordination: choreography`");
                }
                if let Some(e) = &s.emits {
                    self.wrong_style(e.span, "emits", style, "the orchestrator receives each step's reply: remove `emits`, or switch to `coordination: choreography`");
                }
            }
            Coordination::Choreography => {
                match &s.consumes {
                    Some(c) => {
                        self.name(c, Form::Event, "event");
                        events.consumes = Some(c.clone());
                    }
                    None => self.report(Problem::StepWithoutConsumes { id: id.clone() }),
                }
                if let Some(e) = &s.emits {
                    if let Some(success) = &e.value.success {
                        self.name(success, Form::Event, "event");
                    }
                    events.emits_success = e.value.success.clone();
                    if let Some(failure) = &e.value.failure {
                        (events.emits_failure, events.emits_failure_by) =
                            self.failure_events(failure, &id.value, failures, on_uncaught);
                    }
                }
            }
        }
        events
    }

    /// Resolves the `keeps` of the steps' failures, once every step id is known.
    pub(super) fn failure_keeps(&mut self, steps: &mut [Step]) {
        for (step, index, names) in std::mem::take(&mut self.pending_keeps) {
            let keeps = self.keeps(&names, steps);
            if let Some(f) = steps[step.index()].failure_handling.get_mut(index) {
                f.keeps = keeps;
            }
        }
    }

    /// Step ids named under `keeps`, each an existing step (S003 otherwise).
    pub(super) fn keeps(
        &mut self,
        names: &[Spanned<String>],
        steps: &[Step],
    ) -> Vec<Spanned<StepId>> {
        names
            .iter()
            .filter_map(|n| {
                self.step_ref(n, "keeps", steps)
                    .map(|id| Spanned::new(id, n.span))
            })
            .collect()
    }

    /// The step a name refers to, or `None` (reported under `key`).
    pub(super) fn step_ref(
        &mut self,
        name: &Spanned<String>,
        key: &'static str,
        steps: &[Step],
    ) -> Option<StepId> {
        let found = steps.iter().position(|s| s.id.value == name.value);
        if found.is_none() {
            self.report(Problem::UnknownStep {
                name: name.clone(),
                key,
                steps: steps.iter().map(|s| s.id.value.clone()).collect(),
            });
        }
        found.map(StepId::new)
    }

    /// Reports each step id used a second time, pointing at its first use.
    pub(super) fn duplicate_step_ids(&mut self, steps: &[Step]) {
        let mut first: HashMap<&str, Span> = HashMap::new();
        for step in steps {
            match first.get(step.id.value.as_str()) {
                Some(&earlier) => self.report(Problem::DuplicateStepId {
                    id: step.id.clone(),
                    first: earlier,
                }),
                None => {
                    first.insert(&step.id.value, step.id.span);
                }
            }
        }
    }
}

fn step_kind(kind: syntax::StepKindDef) -> StepKind {
    match kind {
        syntax::StepKindDef::Compensatable => StepKind::Compensatable,
        syntax::StepKindDef::Pivot => StepKind::Pivot,
        syntax::StepKindDef::Retriable => StepKind::Retriable,
        syntax::StepKindDef::ReadOnly => StepKind::ReadOnly,
    }
}

/// Whether an entry with `parallel` also has a step's own keys.
fn has_step_keys(s: &StepDef) -> bool {
    s.id.is_some()
        || s.participant.is_some()
        || s.action.is_some()
        || s.kind.is_some()
        || s.compensation.is_some()
        || s.reads.is_some()
        || s.writes.is_some()
        || s.retry.is_some()
        || s.timeout.is_some()
        || s.consumes.is_some()
        || s.emits.is_some()
        || s.transactional.is_some()
        || s.on_uncaught.is_some()
}
