//! Compensations (the short form, an action's name, and the long one) and the retry
//! policies of steps and compensations.

use super::Resolver;
use crate::model::names::Form;
use crate::model::{Attempts, Backoff, Compensation, Coordination, Retry};
use crate::source::Spanned;
use crate::syntax::{self, CompensationDef};

impl Resolver<'_> {
    pub(super) fn compensation(
        &mut self,
        def: &Spanned<CompensationDef>,
        style: Coordination,
    ) -> Option<Compensation> {
        let span = self.widen(def.span);
        let c = match &def.value {
            CompensationDef::Short(action) => {
                let action = Spanned::new(action.clone(), def.span);
                self.name(&action, Form::Pascal, "action");
                return Some(Compensation {
                    action,
                    retry: Retry::forever(),
                    reads: Vec::new(),
                    consumes: Vec::new(),
                    emits: None,
                    description: None,
                    span,
                });
            }
            CompensationDef::Long(c) => c,
        };
        // Without `action` the compensation is still written: keep it (with an empty name,
        // under S005) so the rules do not also call the step uncompensated.
        let action = match self.required(
            &c.action,
            span,
            "action",
            "a compensation",
            "name the action that undoes the step, e.g. `action: ReleaseInventory`",
        ) {
            Some(action) => {
                self.name(action, Form::Pascal, "action");
                action.clone()
            }
            None => Spanned::new(String::new(), span),
        };
        let consumes = c.consumes.as_ref().map(|c| c.items()).unwrap_or_default();
        let mut emits = c.emits.clone();
        if style == Coordination::Orchestration {
            if let Some(c) = &c.consumes {
                self.wrong_style(
                    c.span,
                    "consumes",
                    style,
                    "the orchestrator runs compensations itself: remove `consumes`",
                );
            }
            if let Some(e) = &c.emits {
                self.wrong_style(
                    e.span,
                    "emits",
                    style,
                    "the orchestrator receives the compensation's reply: remove `emits`",
                );
            }
            emits = None;
        }
        for e in consumes.iter().chain(&emits) {
            self.name(e, Form::Event, "event");
        }
        Some(Compensation {
            action,
            retry: c
                .retry
                .as_ref()
                .map_or_else(Retry::forever, |r| self.retry(r, Attempts::Unlimited)),
            reads: self.fields(&c.reads),
            consumes: if style == Coordination::Choreography {
                consumes
            } else {
                Vec::new()
            },
            emits,
            description: c.description.as_ref().map(|d| d.value.clone()),
            span,
        })
    }

    /// A retry policy as written; `default_attempts` applies when `max_attempts` is absent.
    pub(super) fn retry(
        &mut self,
        def: &Spanned<syntax::RetryDef>,
        default_attempts: Attempts,
    ) -> Retry {
        let r = &def.value;
        let mut retry = Retry::once();
        retry.max_attempts = r
            .max_attempts
            .as_ref()
            .map_or(default_attempts, |m| match m.value {
                syntax::MaxAttempts::Limited(n) => Attempts::Limited(n),
                syntax::MaxAttempts::Unlimited => Attempts::Unlimited,
            });
        retry.max_attempts_span = r.max_attempts.as_ref().map(|m| m.span);
        if let Some(b) = &r.backoff {
            retry.backoff = match b.value {
                syntax::Backoff::Fixed => Backoff::Fixed,
                syntax::Backoff::Exponential => Backoff::Exponential,
            };
        }
        if let Some(d) = r
            .initial
            .as_ref()
            .and_then(|d| self.duration(d, "retry.initial"))
        {
            retry.initial = d.value;
        }
        if let Some(d) = r.max.as_ref().and_then(|d| self.duration(d, "retry.max")) {
            retry.max = d.value;
        }
        if r.max.is_none() && retry.initial > retry.max {
            retry.max = retry.initial;
        }
        retry.span = Some(self.widen(def.span));
        retry
    }
}
