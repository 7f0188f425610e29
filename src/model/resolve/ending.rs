//! How the saga ends: the deadline (its short form, and version 2's long one), the outcome
//! the caller gets, the caller's cancellation and the escalation to a human.

use std::time::Duration;

use super::Resolver;
use crate::model::names::Form;
use crate::model::problem::{Contradiction, Problem};
use crate::model::{
    Applies, At, CancelCompensations, CancelUntil, Cancellation, Coordination, Deadline,
    DeadlineThen, Delivery, End, Escalation, Late, Orchestrator, Outcome, OutcomeValue, Setting,
    Step, Trigger,
};
use crate::source::Spanned;
use crate::syntax::{self, DeadlineDef, SpecDef};

impl Resolver<'_> {
    /// When the deadline passes, and what it does then.
    pub(super) fn deadline(
        &mut self,
        spec: &SpecDef,
        steps: &[Step],
    ) -> (Option<Spanned<Duration>>, Option<Deadline>) {
        let Some(def) = &spec.deadline else {
            return (None, None);
        };
        let span = self.key_span(def.span, "deadline");
        let long = match &def.value {
            DeadlineDef::Short(_) | DeadlineDef::Scalar => {
                let text = match &def.value {
                    DeadlineDef::Short(text) => text.clone(),
                    _ => self.source.slice(def.span).to_owned(),
                };
                let after = self.duration(&Spanned::new(text, def.span), "deadline");
                let policy = after.as_ref().map(|_| Deadline {
                    then: Setting::default(DeadlineThen::Compensate),
                    applies: Setting::default(Applies::BeforePivot),
                    keeps: Vec::new(),
                    span,
                });
                return (after, policy);
            }
            DeadlineDef::Long(long) => long,
        };
        let after = self
            .required(
                &long.after,
                self.widen(def.span),
                "after",
                "the deadline",
                "say when it passes, e.g. `deadline: { after: 15m, then: compensate }`",
            )
            .cloned()
            .and_then(|a| self.duration(&a, "deadline.after"));
        let then = match long.then.as_ref() {
            Some(t) => Setting::own(
                match t.value {
                    syntax::DeadlineThen::Compensate => DeadlineThen::Compensate,
                    syntax::DeadlineThen::Terminate => DeadlineThen::Terminate,
                },
                self.key_span(t.span, "then"),
            ),
            None => Setting::default(DeadlineThen::Compensate),
        };
        let applies = match long.applies.as_ref() {
            Some(a) => Setting::own(
                match a.value {
                    syntax::Applies::BeforePivot => Applies::BeforePivot,
                    syntax::Applies::Always => Applies::Always,
                },
                self.key_span(a.span, "applies"),
            ),
            None => Setting::default(Applies::BeforePivot),
        };
        if let (Some(span), DeadlineThen::Compensate) = (applies.span(), then.value)
            && applies.value == Applies::Always
        {
            self.report(Problem::Contradiction {
                span,
                what: Contradiction::AlwaysWithoutTerminate,
            });
        }
        let keeps = match &long.keeps {
            Some(k) if then.value != DeadlineThen::Terminate => {
                let span = self.key_span(k.span, "keeps");
                self.report(Problem::Contradiction {
                    span,
                    what: Contradiction::KeepsWithoutTerminate,
                });
                Vec::new()
            }
            Some(k) => self.keeps(&k.value, steps),
            None => Vec::new(),
        };
        let policy = after.as_ref().map(|_| Deadline {
            then,
            applies,
            keeps,
            span,
        });
        (after, policy)
    }

    /// The outcome the caller gets, delivered by the orchestrator's participant (in a
    /// choreography the trigger's) unless it names another.
    pub(super) fn outcome(
        &mut self,
        spec: &SpecDef,
        orchestrator: Option<&Orchestrator>,
        trigger: &Trigger,
    ) -> Option<Outcome> {
        let def = spec.outcome.as_ref()?;
        let span = self.widen(def.span);
        let o = &def.value;
        let delivery = self.required(
            &o.delivery,
            span,
            "delivery",
            "the outcome",
            "say how the caller gets it: `delivery: reply`, `event` or `status`",
        )?;
        let delivery = Spanned::new(
            match delivery.value {
                syntax::Delivery::Reply => Delivery::Reply,
                syntax::Delivery::Event => Delivery::Event,
                syntax::Delivery::Status => Delivery::Status,
            },
            delivery.span,
        );
        match (&o.event, delivery.value) {
            (None, Delivery::Event) => self.missing(
                span,
                "event",
                "an outcome delivered as an event",
                "name the event that carries it, e.g. `event: order.saga.ended`",
            ),
            (Some(e), Delivery::Event) => self.name(e, Form::Event, "event"),
            (Some(e), _) => {
                let span = self.key_span(e.span, "event");
                self.report(Problem::Contradiction {
                    span,
                    what: Contradiction::EventWithoutEventDelivery,
                });
            }
            (None, _) => {}
        }
        let participant = match &o.participant {
            Some(p) => self.participant_ref(p),
            None => orchestrator.map_or(trigger.participant, |o| o.participant),
        };
        let at = match o.at.as_ref() {
            Some(a) => Setting::own(
                match a.value {
                    syntax::At::End => At::End,
                    syntax::At::Decision => At::Decision,
                },
                self.key_span(a.span, "at"),
            ),
            None => Setting::default(At::End),
        };
        Some(Outcome {
            event: o
                .event
                .clone()
                .filter(|_| delivery.value == Delivery::Event),
            delivery,
            participant,
            participant_span: o.participant.as_ref().map(|p| p.span),
            at,
            reads: self.fields(&o.reads),
            values: self.outcome_values(o.values.as_ref()),
            span: self.key_span(def.span, "outcome"),
        })
    }

    fn outcome_values(
        &mut self,
        values: Option<&Spanned<syntax::OutcomeValuesDef>>,
    ) -> Vec<OutcomeValue> {
        let written = |end: End| {
            let v = values.map(|v| &v.value)?;
            match end {
                End::Completed => v.completed.as_ref(),
                End::Compensated => v.compensated.as_ref(),
                End::Terminated => v.terminated.as_ref(),
                End::NeedsAttention => v.needs_attention.as_ref(),
                End::Cancelled => v.cancelled.as_ref(),
            }
        };
        End::ALL
            .into_iter()
            .map(|end| match written(end) {
                Some(v) => {
                    self.name(v, Form::Pascal, "outcome value");
                    OutcomeValue {
                        end,
                        value: v.value.clone(),
                        span: Some(v.span),
                    }
                }
                None => OutcomeValue {
                    end,
                    value: end.default_value().to_owned(),
                    span: None,
                },
            })
            .collect()
    }

    /// The caller's cancellation (orchestration only).
    pub(super) fn cancellation(
        &mut self,
        spec: &SpecDef,
        style: Coordination,
        steps: &[Step],
    ) -> Option<Cancellation> {
        let def = spec.cancellation.as_ref()?;
        if style == Coordination::Choreography {
            self.wrong_style(def.span, "cancellation", style, "a choreography has no coordinator a caller could ask to stop: remove `cancellation`, or switch to `coordination: orchestration`");
            return None;
        }
        let c = &def.value;
        let until = match &c.until {
            Some(u) if u.value == "pivot" => {
                Setting::own(CancelUntil::PointOfNoReturn, self.key_span(u.span, "until"))
            }
            Some(u) => {
                let step = self.step_ref(u, "cancellation.until", steps);
                let span = self.key_span(u.span, "until");
                step.map_or(Setting::default(CancelUntil::PointOfNoReturn), |s| {
                    Setting::own(CancelUntil::Step(s), span)
                })
            }
            None => Setting::default(CancelUntil::PointOfNoReturn),
        };
        let late = match c.late.as_ref() {
            Some(l) => Setting::own(
                match l.value {
                    syntax::Late::Refuse => Late::Refuse,
                    syntax::Late::Ignore => Late::Ignore,
                },
                self.key_span(l.span, "late"),
            ),
            None => Setting::default(Late::Refuse),
        };
        let compensations = match c.compensations.as_ref() {
            Some(l) => Setting::own(
                match l.value {
                    syntax::CancelCompensations::Detached => CancelCompensations::Detached,
                    syntax::CancelCompensations::Cancelled => CancelCompensations::Cancelled,
                },
                self.key_span(l.span, "compensations"),
            ),
            None => Setting::default(CancelCompensations::Detached),
        };
        Some(Cancellation {
            until,
            late,
            compensations,
            span: self.key_span(def.span, "cancellation"),
        })
    }

    /// Who is told when a compensation gives up: a command in an orchestration, an event
    /// its participant consumes in a choreography.
    pub(super) fn escalation(&mut self, spec: &SpecDef, style: Coordination) -> Option<Escalation> {
        let def = spec.escalation.as_ref()?;
        let span = self.widen(def.span);
        let e = &def.value;
        let participant = self.required(
            &e.participant,
            span,
            "participant",
            "the escalation",
            "name who is told, e.g. `participant: ops`",
        );
        let action = self.required(
            &e.action,
            span,
            "action",
            "the escalation",
            "name the command it runs, e.g. `action: OpenIncident`",
        );
        let (participant_name, action) = (participant?, action?.clone());
        self.name(&action, Form::Pascal, "action");
        let participant = self.participant_ref(participant_name);
        match (&e.event, style) {
            (Some(event), Coordination::Orchestration) => self.wrong_style(
                event.span,
                "escalation.event",
                style,
                "the orchestrator sends the escalation as a command: remove `event`",
            ),
            (Some(event), Coordination::Choreography) => self.name(event, Form::Event, "event"),
            (None, Coordination::Choreography) => self.report(Problem::EscalationWithoutEvent {
                span: self.key_span(def.span, "escalation"),
            }),
            (None, Coordination::Orchestration) => {}
        }
        Some(Escalation {
            participant,
            participant_span: participant_name.span,
            action,
            event: e
                .event
                .clone()
                .filter(|_| style == Coordination::Choreography),
            span: self.key_span(def.span, "escalation"),
        })
    }
}
