//! Syntax to model: checks names and durations, resolves participant and step references,
//! applies defaults, and reports what is wrong on the way as [`Problem`]s. One file per
//! part of the spec it resolves; this one holds the resolver and what they share.

mod compensation;
mod effects;
mod ending;
mod events;
mod failures;
mod participants;
mod reactions;
mod resources;
mod saga;
mod steps;
mod trigger;
mod types;
mod version;

use std::collections::HashMap;
use std::time::Duration;

use super::names::Form;
use super::problem::Problem;
use super::{Coordination, Participant, ParticipantId, Saga, StepId, Version, duration};
use crate::source::{SourceFile, Span, Spanned};
use crate::syntax::SpecDef;

/// The model (when the spec had enough structure to build one) and what resolving found.
#[derive(Debug)]
pub struct Resolution {
    pub saga: Option<Saga>,
    pub problems: Vec<Problem>,
}

impl Resolution {
    /// The model, when no problem stands in its way: what `simulate` and `grade` need
    /// ("a spec whose model resolves"). Every problem is an error (S or R).
    pub fn model(&self) -> Option<&Saga> {
        if self.problems.is_empty() {
            self.saga.as_ref()
        } else {
            None
        }
    }
}

/// Resolves a parsed spec. `source` gives mapping spans a width; nothing is re-read.
pub fn resolve(spec: &SpecDef, source: &SourceFile) -> Resolution {
    let mut resolver = Resolver {
        source,
        problems: Vec::new(),
        participants: Vec::new(),
        by_name: HashMap::new(),
        version: Version::V1,
        defaults: compensation::Defaults::default(),
        saga_on_uncaught: None,
        pending_keeps: Vec::new(),
    };
    let saga = resolver.saga(spec);
    Resolution {
        saga,
        problems: resolver.problems,
    }
}

/// The resolver's state: the problems found so far, and the participants (declared, then
/// the undeclared ones met in references), which later parts refer to by id.
struct Resolver<'a> {
    source: &'a SourceFile,
    problems: Vec<Problem>,
    participants: Vec<Participant>,
    by_name: HashMap<String, ParticipantId>,
    /// The spec's language version (read first).
    version: Version,
    /// `compensation_defaults`, read before any compensation.
    defaults: compensation::Defaults,
    /// The saga's `on_uncaught` as resolved (written or the engine's), read before the steps.
    saga_on_uncaught: Option<crate::model::Setting<crate::model::OnUncaught>>,
    /// `keeps` of the steps' failures, resolved once every step id is known: the step,
    /// the failure's index in its `failure_handling`, the names.
    pending_keeps: Vec<(StepId, usize, Vec<Spanned<String>>)>,
}

impl Resolver<'_> {
    fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Reports a name not in `form`; `kind` says what it names ("step id").
    fn name(&mut self, name: &Spanned<String>, form: Form, kind: &'static str) {
        if !form.accepts(&name.value) {
            self.report(Problem::BadName {
                name: name.clone(),
                form,
                kind,
            });
        }
    }

    /// Reports a step id or participant named with a reserved word.
    fn reserved(&mut self, name: &Spanned<String>, kind: &'static str) {
        if super::names::is_reserved(&name.value) {
            self.report(Problem::ReservedName {
                name: name.clone(),
                kind,
            });
        }
    }

    fn fields(&mut self, list: &Option<Spanned<Vec<Spanned<String>>>>) -> Vec<Spanned<String>> {
        let fields = list.as_ref().map(|l| l.value.clone()).unwrap_or_default();
        for f in &fields {
            self.name(f, Form::Snake, "data field");
        }
        fields
    }

    /// Fields the trigger or a step writes: in version 2, none may be called `failure`,
    /// the field the language passes to compensations, the escalation and the outcome.
    fn written_fields(
        &mut self,
        list: &Option<Spanned<Vec<Spanned<String>>>>,
    ) -> Vec<Spanned<String>> {
        let fields = self.fields(list);
        if self.version == Version::V2 {
            for f in fields
                .iter()
                .filter(|f| f.value == super::names::FAILURE_FIELD)
            {
                self.report(Problem::ReservedField { name: f.clone() });
            }
        }
        fields
    }

    /// A duration as written under `key`, or `None` (reported) when it does not read.
    fn duration(&mut self, text: &Spanned<String>, key: &'static str) -> Option<Spanned<Duration>> {
        match duration::parse(&text.value) {
            Some(d) => Some(Spanned::new(d, text.span)),
            None => {
                self.report(Problem::BadDuration {
                    text: text.clone(),
                    key,
                });
                None
            }
        }
    }

    /// Reports a key of the other coordination style than `style`.
    fn wrong_style(
        &mut self,
        span: Span,
        key: &'static str,
        style: Coordination,
        hint: &'static str,
    ) {
        let span = self.widen(span);
        self.report(Problem::WrongCoordinationKey {
            span,
            key,
            style,
            hint,
        });
    }

    /// The value of a required key, or `None` (reported as missing from `parent`).
    fn required<'v, T>(
        &mut self,
        value: &'v Option<Spanned<T>>,
        parent: Span,
        key: &'static str,
        place: &'static str,
        hint: &'static str,
    ) -> Option<&'v Spanned<T>> {
        if value.is_none() {
            self.missing(parent, key, place, hint);
        }
        value.as_ref()
    }

    fn missing(
        &mut self,
        parent: Span,
        key: &'static str,
        place: &'static str,
        hint: &'static str,
    ) {
        self.report(Problem::MissingKey {
            parent,
            key,
            place,
            hint,
        });
    }

    /// A mapping's span from serde-saphyr marks its first key; widen it to that line.
    fn widen(&self, span: Span) -> Span {
        if !span.is_empty() {
            return span;
        }
        Span::new(span.start, self.line_end(span.start))
    }

    fn line_end(&self, start: usize) -> usize {
        let text = &self.source.text;
        let start = start.min(text.len());
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        start + text[start..end].trim_end().len()
    }
}
