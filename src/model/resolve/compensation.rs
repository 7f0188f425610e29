//! Compensations (the short form, an action's name, and the long one), the saga's
//! `compensation_defaults` merged under each compensation's own keys, and the retry
//! policies of steps, failures and compensations.

use std::time::Duration;

use super::Resolver;
use crate::model::names::Form;
use crate::model::problem::{Contradiction, Problem};
use crate::model::{
    AbsentEffect, Attempts, Backoff, Compensation, Coordination, Jitter, OnFailure, Retry, RunsFor,
    Setting, Within,
};
use crate::source::{Span, Spanned};
use crate::syntax::{self, CompensationDef, SpecDef};

/// `compensation_defaults`, resolved: each key with where it is written.
#[derive(Debug, Default)]
pub(super) struct Defaults {
    reads_if_present: Vec<Spanned<String>>,
    runs_for: Option<Spanned<RunsFor>>,
    absent_effect: Option<Spanned<AbsentEffect>>,
    on_failure: Option<Spanned<OnFailure>>,
    timeout: Option<Spanned<Duration>>,
    retry: Option<Retry>,
}

/// Whose compensation is resolved: the trigger's takes neither `runs_for` nor
/// `absent_effect` (it runs whenever the saga compensates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Of {
    Trigger,
    Step,
}

impl Resolver<'_> {
    /// Reads `compensation_defaults` (before any compensation is resolved).
    pub(super) fn compensation_defaults(&mut self, spec: &SpecDef) {
        let Some(def) = &spec.compensation_defaults else {
            return;
        };
        let d = &def.value;
        let defaults = Defaults {
            reads_if_present: self.fields(&d.reads_if_present),
            runs_for: d
                .runs_for
                .as_ref()
                .map(|r| Spanned::new(runs_for(r.value), r.span)),
            absent_effect: d
                .absent_effect
                .as_ref()
                .map(|a| Spanned::new(absent_effect(a.value), a.span)),
            on_failure: d
                .on_failure
                .as_ref()
                .map(|o| Spanned::new(on_failure(o.value), o.span)),
            timeout: d
                .timeout
                .as_ref()
                .and_then(|t| self.duration(t, "compensation_defaults.timeout")),
            retry: d.retry.as_ref().map(|r| self.retry(r, Attempts::Unlimited)),
        };
        self.defaults = defaults;
    }

    pub(super) fn compensation(
        &mut self,
        def: &Spanned<CompensationDef>,
        style: Coordination,
        of: Of,
    ) -> Option<Compensation> {
        let span = self.widen(def.span);
        let c = match &def.value {
            CompensationDef::Short(action) => {
                let action = Spanned::new(action.clone(), def.span);
                self.name(&action, Form::Pascal, "action");
                let mut c = bare(action, span);
                self.apply_defaults(&mut c, of);
                return Some(c);
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
        let mut compensation = bare(action, span);
        compensation.reads = self.fields(&c.reads);
        compensation.consumes = if style == Coordination::Choreography {
            consumes
        } else {
            Vec::new()
        };
        compensation.emits = emits;
        compensation.description = c.description.as_ref().map(|d| d.value.clone());
        self.apply_defaults(&mut compensation, of);
        // The compensation's own keys override the defaults.
        if let Some(r) = &c.retry {
            compensation.retry = self.retry(r, Attempts::Unlimited);
        }
        if c.reads_if_present.is_some() {
            compensation.reads_if_present = self.fields(&c.reads_if_present);
        }
        self.trigger_keys(c, of);
        if let (Some(r), Of::Step) = (c.runs_for.as_ref(), of) {
            compensation.runs_for = Setting::own(runs_for(r.value), r.span);
        }
        if let (Some(a), Of::Step) = (c.absent_effect.as_ref(), of) {
            compensation.absent_effect = Setting::own(absent_effect(a.value), a.span);
        }
        if let Some(o) = c.on_failure.as_ref() {
            compensation.on_failure = Setting::own(on_failure(o.value), o.span);
        }
        if let Some(t) = &c.timeout {
            compensation.timeout = self
                .duration(t, "compensation.timeout")
                .map(|d| Setting::own(d.value, d.span));
        }
        Some(compensation)
    }

    /// `compensation_defaults.reads_if_present` for a compensation that writes none of
    /// its own: those of the fields its step wrote (`own`: the step's writes, or the
    /// trigger's data).
    pub(super) fn default_reads_if_present(
        &self,
        def: Option<&Spanned<CompensationDef>>,
        compensation: Option<&mut Compensation>,
        own: &[Spanned<String>],
    ) {
        let (Some(def), Some(c)) = (def, compensation) else {
            return;
        };
        if matches!(&def.value, CompensationDef::Long(l) if l.reads_if_present.is_some()) {
            return;
        }
        c.reads_if_present = self
            .defaults
            .reads_if_present
            .iter()
            .filter(|f| own.iter().any(|w| w.value == f.value))
            .cloned()
            .collect();
    }

    /// The fields `compensation_defaults.reads_if_present` lists (for D505).
    pub(super) fn defaults_reads_if_present(&self) -> Vec<Spanned<String>> {
        self.defaults.reads_if_present.clone()
    }

    /// `runs_for` and `absent_effect` do not apply to the trigger's compensation.
    fn trigger_keys(&mut self, c: &syntax::CompensationLong, of: Of) {
        if of != Of::Trigger {
            return;
        }
        let keys = [
            ("runs_for", c.runs_for.as_ref().map(|r| r.span)),
            ("absent_effect", c.absent_effect.as_ref().map(|a| a.span)),
        ];
        for (key, span) in keys {
            if let Some(span) = span {
                let span = self.key_span(span, key);
                self.report(Problem::Contradiction {
                    span,
                    what: Contradiction::NotForTheTrigger { key },
                });
            }
        }
    }

    /// `compensation_defaults` under a compensation (its own keys are applied after).
    fn apply_defaults(&self, c: &mut Compensation, of: Of) {
        let d = &self.defaults;
        if let Some(r) = &d.retry {
            c.retry = r.clone();
        }
        if let Some(o) = &d.on_failure {
            c.on_failure = Setting::saga(o.value, o.span);
        }
        if let Some(t) = &d.timeout {
            c.timeout = Some(Setting::saga(t.value, t.span));
        }
        if of == Of::Step {
            if let Some(r) = &d.runs_for {
                c.runs_for = Setting::saga(r.value, r.span);
            }
            if let Some(a) = &d.absent_effect {
                c.absent_effect = Setting::saga(a.value, a.span);
            }
        }
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
        if let Some(j) = &r.jitter {
            retry.jitter = match j.value {
                syntax::Jitter::Full => Jitter::Full,
                syntax::Jitter::None => Jitter::None,
            };
        }
        if let Some(budget) = r
            .within
            .as_ref()
            .and_then(|w| self.duration(w, "retry.within"))
        {
            let attempts = retry.attempts_within(budget.value);
            if let Some(n) = attempts {
                retry.max_attempts = match retry.max_attempts {
                    Attempts::Limited(m) => Attempts::Limited(m.min(n)),
                    Attempts::Unlimited => Attempts::Limited(n),
                };
            }
            retry.within = Some(Within { budget, attempts });
        }
        retry.span = Some(self.widen(def.span));
        retry
    }
}

/// A compensation with nothing but its action, and every other key at its default.
fn bare(action: Spanned<String>, span: Span) -> Compensation {
    Compensation {
        action,
        retry: Retry::forever(),
        reads: Vec::new(),
        consumes: Vec::new(),
        emits: None,
        description: None,
        span,
        reads_if_present: Vec::new(),
        runs_for: Setting::default(RunsFor::PossibleEffect),
        absent_effect: Setting::default(AbsentEffect::Ignore),
        on_failure: Setting::default(OnFailure::Stuck),
        timeout: None,
    }
}

fn runs_for(r: syntax::RunsFor) -> RunsFor {
    match r {
        syntax::RunsFor::Success => RunsFor::Success,
        syntax::RunsFor::PossibleEffect => RunsFor::PossibleEffect,
        syntax::RunsFor::AnyAttempt => RunsFor::AnyAttempt,
    }
}

fn absent_effect(a: syntax::AbsentEffect) -> AbsentEffect {
    match a {
        syntax::AbsentEffect::Ignore => AbsentEffect::Ignore,
        syntax::AbsentEffect::Fail => AbsentEffect::Fail,
    }
}

fn on_failure(o: syntax::OnFailure) -> OnFailure {
    match o {
        syntax::OnFailure::Stuck => OnFailure::Stuck,
        syntax::OnFailure::Continue => OnFailure::Continue,
        syntax::OnFailure::Escalate => OnFailure::Escalate,
        syntax::OnFailure::EscalateAndStop => OnFailure::EscalateAndStop,
    }
}
