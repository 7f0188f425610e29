//! What starts the saga (the trigger) and, in an orchestration, who runs it (the
//! orchestrator).

use super::Resolver;
use super::compensation::Of;
use crate::model::names::Form;
use crate::model::problem::Problem;
use crate::model::{Coordination, Orchestrator, Trigger};
use crate::source::Spanned;
use crate::syntax::{self, SpecDef};

impl Resolver<'_> {
    pub(super) fn trigger(
        &mut self,
        def: &Spanned<syntax::TriggerDef>,
        style: Coordination,
    ) -> Option<Trigger> {
        let span = self.widen(def.span);
        let t = &def.value;
        let participant = self.required(
            &t.participant,
            span,
            "participant",
            "the trigger",
            "name the service that starts the saga, e.g. `participant: order`",
        );
        let action = self.required(
            &t.action,
            span,
            "action",
            "the trigger",
            "name the local transaction that starts the saga, e.g. `action: CreateOrder`",
        );
        let (participant_name, action) = (participant?, action?);
        self.name(action, Form::Pascal, "action");
        let participant_id = self.participant_ref(participant_name);
        if let Some(e) = &t.event {
            self.name(e, Form::Event, "event");
        }
        let data = self.written_fields(&t.data);
        let mut compensation = t
            .compensation
            .as_ref()
            .and_then(|c| self.compensation(c, style, Of::Trigger));
        self.default_reads_if_present(t.compensation.as_ref(), compensation.as_mut(), &data);
        let outbox = t.outbox.as_ref().and_then(|o| self.outbox(o));
        let incomplete_outbox = t
            .outbox
            .as_ref()
            .filter(|_| outbox.is_none())
            .map(|o| o.span);
        Some(Trigger {
            participant: participant_id,
            participant_span: participant_name.span,
            action: action.clone(),
            compensation,
            event: t.event.clone(),
            data,
            outbox,
            incomplete_outbox,
            description: t.description.as_ref().map(|d| d.value.clone()),
            span,
        })
    }

    /// The orchestrator of an orchestration (by default, the trigger's participant); a
    /// choreography has none.
    pub(super) fn orchestrator(
        &mut self,
        spec: &SpecDef,
        style: Coordination,
        trigger: &Trigger,
    ) -> Option<Orchestrator> {
        let def = spec.orchestrator.as_ref();
        if style == Coordination::Choreography {
            if let Some(def) = def {
                self.wrong_style(def.span, "orchestrator", style, "a choreography has no orchestrator: remove `orchestrator:`, or switch to `coordination: orchestration`");
            }
            if trigger.event.is_none() {
                self.report(Problem::TriggerWithoutEvent {
                    span: trigger.action.span,
                    style,
                });
            }
            return None;
        }
        let o = def.map(|d| &d.value);
        let participant = match o.and_then(|o| o.participant.as_ref()) {
            Some(p) => self.participant_ref(p),
            None => trigger.participant,
        };
        let log = o.and_then(|o| o.log.clone());
        if let Some(log) = &log {
            self.name(log, Form::Snake, "saga log name");
        }
        let engine = o.and_then(|o| o.engine.clone());
        if trigger.event.is_none() && engine.is_none() {
            self.report(Problem::TriggerWithoutEvent {
                span: trigger.action.span,
                style,
            });
        }
        Some(Orchestrator {
            participant,
            log,
            engine,
            span: def.map(|d| d.span),
        })
    }
}
