//! A step's failures with their handling, its `on_uncaught` (and the saga's, which
//! defaults per engine), and in a choreography the event each failure publishes.

use super::Resolver;
use crate::model::names::Form;
use crate::model::problem::{Contradiction, Problem};
use crate::model::{
    Attempts, BuiltinFailure, Coordination, Failure, FailureEvent, FailureThen, OnUncaught,
    Orchestrator, Retry, Setting, StepKind, Version,
};
use crate::source::{Span, Spanned};
use crate::syntax::{self, FailureDef, FailureEventsDef, SpecDef};

/// A step's failures as resolved: the business failures' names and every entry's handling,
/// with the `keeps` still to resolve (by index into `handling`).
#[derive(Default)]
pub(super) struct Failures {
    pub names: Vec<Spanned<String>>,
    pub handling: Vec<Failure>,
    pub keeps: Vec<(usize, Vec<Spanned<String>>)>,
}

impl Resolver<'_> {
    /// The saga's `on_uncaught`: written, or the default of its engine (a choreography's
    /// handler that throws is redelivered: `retry`). `terminate` is an orchestration's.
    pub(super) fn saga_on_uncaught(
        &mut self,
        spec: &SpecDef,
        style: Coordination,
        orchestrator: Option<&Orchestrator>,
    ) -> Setting<OnUncaught> {
        let default = match style {
            Coordination::Choreography => OnUncaught::Retry,
            Coordination::Orchestration => OnUncaught::engine_default(
                orchestrator
                    .and_then(|o| o.engine.as_ref())
                    .map(|e| e.value.as_str()),
            ),
        };
        let setting = match &spec.on_uncaught {
            Some(o) => {
                let span = self.key_span(o.span, "on_uncaught");
                self.uncaught_style(o, style);
                Setting::saga(on_uncaught(o.value), span)
            }
            None => Setting::default(default),
        };
        self.saga_on_uncaught = Some(setting);
        setting
    }

    /// A step's `on_uncaught`: its own, else the saga's.
    pub(super) fn step_on_uncaught(
        &mut self,
        written: Option<&Spanned<syntax::OnUncaught>>,
        style: Coordination,
    ) -> Setting<OnUncaught> {
        match written {
            Some(o) => {
                self.uncaught_style(o, style);
                Setting::own(on_uncaught(o.value), self.key_span(o.span, "on_uncaught"))
            }
            None => self
                .saga_on_uncaught
                .unwrap_or(Setting::default(OnUncaught::Retry)),
        }
    }

    fn uncaught_style(&mut self, o: &Spanned<syntax::OnUncaught>, style: Coordination) {
        if style == Coordination::Choreography && o.value == syntax::OnUncaught::Terminate {
            self.wrong_style(o.span, "on_uncaught: terminate", style, "a choreography has no execution to fail: an error nobody declared is retried (`retry`), swallowed (`no_reply`) or turned into a failure event (`compensate`)");
        }
    }

    /// The entries of a step's `failures`: names in PascalCase, built-in names only in the
    /// long form and only `TimedOut` and `Exhausted` (version 2), and each entry's `then`,
    /// `retry` and `keeps` consistent.
    pub(super) fn failures(
        &mut self,
        list: Option<&Spanned<Vec<Spanned<FailureDef>>>>,
        kind: StepKind,
        step_retry: &Retry,
    ) -> Failures {
        let mut out = Failures::default();
        for entry in list.iter().flat_map(|l| &l.value) {
            let (failure, keeps) = match &entry.value {
                FailureDef::Short(_) | FailureDef::Scalar => {
                    let text = match &entry.value {
                        FailureDef::Short(name) => name.clone(),
                        _ => self.source.slice(entry.span).to_owned(),
                    };
                    let name = Spanned::new(text, entry.span);
                    let failure = Failure {
                        name: name.clone(),
                        builtin: None,
                        then: Setting::default(FailureThen::Compensate),
                        retry: None,
                        keeps: Vec::new(),
                        span: entry.span,
                    };
                    (failure, Vec::new())
                }
                FailureDef::Long(long) => {
                    let span = self.widen(entry.span);
                    let Some(failure) = self.long_failure(long, span, kind, step_retry) else {
                        continue;
                    };
                    failure
                }
            };
            self.name(&failure.name, Form::Pascal, "business failure");
            let builtin = BuiltinFailure::from_name(&failure.name.value);
            let long = matches!(entry.value, FailureDef::Long(_));
            if self.version == Version::V2
                && let Some(b) = builtin
                && !(long && b.may_be_listed())
            {
                self.report(Problem::ReservedFailure {
                    name: failure.name.clone(),
                    listable: b.may_be_listed(),
                });
            }
            let failure = Failure {
                builtin: builtin.filter(|_| self.version == Version::V2),
                ..failure
            };
            if failure.builtin.is_none() {
                out.names.push(failure.name.clone());
            }
            if !keeps.is_empty() {
                out.keeps.push((out.handling.len(), keeps));
            }
            out.handling.push(failure);
        }
        out
    }

    /// `{ name, then, retry, keeps }`; `None` without a name (reported).
    fn long_failure(
        &mut self,
        long: &syntax::FailureLong,
        span: Span,
        kind: StepKind,
        step_retry: &Retry,
    ) -> Option<(Failure, Vec<Spanned<String>>)> {
        let name = self
            .required(
                &long.name,
                span,
                "name",
                "a failure entry",
                "name the failure, e.g. `{ name: CardDeclined, then: terminate }`",
            )?
            .clone();
        let then = match long.then.as_ref() {
            Some(t) => Setting::own(failure_then(t.value), self.key_span(t.span, "then")),
            None => Setting::default(FailureThen::Compensate),
        };
        let retry = match (&long.retry, then.value) {
            (Some(r), FailureThen::Retry) => {
                let attempts = if kind == StepKind::Retriable {
                    Attempts::Unlimited
                } else {
                    Attempts::Limited(3)
                };
                Some(self.retry(r, attempts))
            }
            (None, FailureThen::Retry) => Some(step_retry.clone()),
            (Some(r), _) => {
                let span = self.key_span(r.span, "retry");
                self.report(Problem::Contradiction {
                    span,
                    what: Contradiction::RetryWithoutThenRetry,
                });
                None
            }
            (None, _) => None,
        };
        let keeps = match &long.keeps {
            Some(k) if then.value != FailureThen::Terminate => {
                let span = self.key_span(k.span, "keeps");
                self.report(Problem::Contradiction {
                    span,
                    what: Contradiction::KeepsWithoutTerminate,
                });
                Vec::new()
            }
            Some(k) => k.value.clone(),
            None => Vec::new(),
        };
        let failure = Failure {
            name,
            builtin: None,
            then,
            retry,
            keeps: Vec::new(),
            span,
        };
        Some((failure, keeps))
    }

    /// A choreography step's `emits.failure`: one event, or one per failure (each key a
    /// failure it declares, `Exhausted`, or `Uncaught` when such errors are compensated).
    pub(super) fn failure_events(
        &mut self,
        def: &Spanned<FailureEventsDef>,
        step: &str,
        failures: &[Failure],
        on_uncaught: OnUncaught,
    ) -> (Option<Spanned<String>>, Vec<FailureEvent>) {
        let map = match &def.value {
            FailureEventsDef::Single(_) | FailureEventsDef::Scalar => {
                let text = match &def.value {
                    FailureEventsDef::Single(event) => event.clone(),
                    _ => self.source.slice(def.span).to_owned(),
                };
                let event = Spanned::new(text, def.span);
                self.name(&event, Form::Event, "event");
                return (Some(event), Vec::new());
            }
            FailureEventsDef::Map(map) => map,
        };
        let mut out = Vec::new();
        for (failure, event) in &map.0 {
            self.name(event, Form::Event, "event");
            let declared = failures.iter().any(|f| f.name.value == failure.value);
            let what = match BuiltinFailure::from_name(&failure.value) {
                _ if declared => None,
                Some(BuiltinFailure::Exhausted) => None,
                Some(BuiltinFailure::Uncaught) if on_uncaught == OnUncaught::Compensate => None,
                Some(BuiltinFailure::Uncaught) => Some(Contradiction::UncaughtNotCompensated),
                Some(BuiltinFailure::TimedOut) => Some(Contradiction::TimedOutInChoreography),
                _ => {
                    self.report(Problem::NotAFailure {
                        name: failure.clone(),
                        step: step.to_owned(),
                        declared: failures.iter().map(|f| f.name.value.clone()).collect(),
                    });
                    continue;
                }
            };
            if let Some(what) = what {
                self.report(Problem::Contradiction {
                    span: failure.span,
                    what,
                });
                continue;
            }
            out.push(FailureEvent {
                failure: failure.clone(),
                event: event.clone(),
            });
        }
        (None, out)
    }
}

fn on_uncaught(o: syntax::OnUncaught) -> OnUncaught {
    match o {
        syntax::OnUncaught::Compensate => OnUncaught::Compensate,
        syntax::OnUncaught::Retry => OnUncaught::Retry,
        syntax::OnUncaught::NoReply => OnUncaught::NoReply,
        syntax::OnUncaught::Terminate => OnUncaught::Terminate,
    }
}

fn failure_then(t: syntax::FailureThen) -> FailureThen {
    match t {
        syntax::FailureThen::Compensate => FailureThen::Compensate,
        syntax::FailureThen::Terminate => FailureThen::Terminate,
        syntax::FailureThen::Retry => FailureThen::Retry,
    }
}
