//! Each action's `effects`: one verb naming a record (`decrease: stock[item]`), the options
//! that verb takes, and the states it names. A compensation that declares none undoes its
//! step's effects by default (`write` restores the before-image, `increase`/`decrease`
//! invert; `create`/`set` have no default, which I810 reports).

use super::Resolver;
use super::resources::on_locked;
use crate::model::names::Form;
use crate::model::problem::{IsolationProblem, Problem};
use crate::model::resources::{ActionEffects, Actor, Effect, RecordRef, Resource, Verb};
use crate::model::{Owner, ParticipantId, Reaction, ReactionId, ResourceId, Step, StepId, Trigger};
use crate::source::{Span, Spanned};
use crate::syntax::{CompensationDef, EffectDef, SpecDef, StepDef};

type EffectsDef = Spanned<Vec<Spanned<EffectDef>>>;

/// One action's effects as written, with who runs it.
struct Written<'s> {
    actor: Actor,
    participant: ParticipantId,
    effects: Option<&'s EffectsDef>,
}

impl Resolver<'_> {
    /// Every action's effects, in the order trigger, its compensation, steps with their
    /// compensations, reactions. Actions are matched with their definitions by span, so a
    /// step that did not resolve is skipped.
    pub(super) fn effects(
        &mut self,
        spec: &SpecDef,
        resources: &[Resource],
        trigger: &Trigger,
        steps: &[Step],
        reactions: &[Reaction],
    ) -> Vec<ActionEffects> {
        let written = self.written_effects(spec, trigger, steps, reactions);
        let mut out: Vec<ActionEffects> = Vec::new();
        for w in written {
            let declared = w.effects.map(|e| self.key_span(e.span, "effects"));
            let effects = match w.effects {
                Some(list) => list
                    .value
                    .iter()
                    .filter_map(|e| self.effect(e, resources, w.participant, w.actor))
                    .collect(),
                None => match w.actor {
                    Actor::Compensation(owner) => undo(&out, owner),
                    _ => continue,
                },
            };
            if declared.is_some() || !effects.is_empty() {
                out.push(ActionEffects {
                    actor: w.actor,
                    effects,
                    declared,
                });
            }
        }
        out
    }

    fn written_effects<'s>(
        &self,
        spec: &'s SpecDef,
        trigger: &Trigger,
        steps: &[Step],
        reactions: &[Reaction],
    ) -> Vec<Written<'s>> {
        let mut out = Vec::new();
        if let Some(t) = &spec.trigger {
            out.push(Written {
                actor: Actor::Trigger,
                participant: trigger.participant,
                effects: t.value.effects.as_ref(),
            });
            if trigger.compensation.is_some() {
                out.push(Written {
                    actor: Actor::Compensation(Owner::Trigger),
                    participant: trigger.participant,
                    effects: compensation_effects(t.value.compensation.as_ref()),
                });
            }
        }
        let mut defs: Vec<&Spanned<StepDef>> = Vec::new();
        for entry in spec.steps.iter().flat_map(|s| &s.value) {
            match &entry.value.parallel {
                Some(group) => defs.extend(group.value.iter()),
                None => defs.push(entry),
            }
        }
        for def in defs {
            let span = self.widen(def.span);
            let Some(i) = steps.iter().position(|s| s.span == span) else {
                continue;
            };
            let (id, step) = (StepId::new(i), &steps[i]);
            out.push(Written {
                actor: Actor::Step(id),
                participant: step.participant,
                effects: def.value.effects.as_ref(),
            });
            if step.compensation.is_some() {
                out.push(Written {
                    actor: Actor::Compensation(Owner::Step(id)),
                    participant: step.participant,
                    effects: compensation_effects(def.value.compensation.as_ref()),
                });
            }
        }
        for def in spec.reactions.iter().flat_map(|r| &r.value) {
            let span = self.widen(def.span);
            if let Some(i) = reactions.iter().position(|r| r.span == span) {
                out.push(Written {
                    actor: Actor::Reaction(ReactionId::new(i)),
                    participant: reactions[i].participant,
                    effects: def.value.effects.as_ref(),
                });
            }
        }
        out
    }

    /// One effect, or `None` (reported) when its verb or record does not resolve.
    fn effect(
        &mut self,
        def: &Spanned<EffectDef>,
        resources: &[Resource],
        participant: ParticipantId,
        actor: Actor,
    ) -> Option<Effect> {
        let e = &def.value;
        let verbs: Vec<(Verb, &Spanned<String>)> = [
            (Verb::Read, &e.read),
            (Verb::Write, &e.write),
            (Verb::Increase, &e.increase),
            (Verb::Decrease, &e.decrease),
            (Verb::Create, &e.create),
            (Verb::Set, &e.set),
        ]
        .into_iter()
        .filter_map(|(v, text)| Some((v, text.as_ref()?)))
        .collect();
        let &[(verb, text)] = verbs.as_slice() else {
            self.verb_count(def.span, &verbs);
            return None;
        };
        let span = self.key_span(text.span, verb.as_str());
        let (resource_name, field) = self.record_text(text)?;
        let Some(index) = resources
            .iter()
            .position(|r| r.name.value == resource_name.value)
        else {
            self.report(Problem::Isolation(IsolationProblem::UndeclaredResource {
                name: resource_name,
                declared: resources.iter().map(|r| r.name.value.clone()).collect(),
            }));
            return None;
        };
        let resource = &resources[index];
        self.verb_for(verb, span, resource);
        self.options_for(verb, e, def.span);
        if resource.participant != participant {
            self.foreign(span, resource, participant, actor);
        }
        let states = &resource.states;
        let name = &resource.name.value;
        let from = e.from.as_ref().map(|f| f.value.clone()).unwrap_or_default();
        let to = e.to.clone();
        if resource.has_states() {
            for s in from.iter().chain(&to) {
                let key = if to.as_ref() == Some(s) { "to" } else { "from" };
                self.state_ref(s, name, states, key);
            }
        }
        if let Some(f) = &e.if_unchanged {
            self.name(f, Form::Snake, "data field");
        }
        Some(Effect {
            verb,
            record: RecordRef {
                resource: ResourceId::new(index),
                field,
                span: text.span,
            },
            from,
            to,
            if_unchanged: e.if_unchanged.clone(),
            on_locked: e
                .on_locked
                .as_ref()
                .map(|o| Spanned::new(on_locked(o.value), self.key_span(o.span, "on_locked"))),
            span,
        })
    }

    fn verb_count(&mut self, span: Span, verbs: &[(Verb, &Spanned<String>)]) {
        let span = self.widen(span);
        self.report(Problem::Isolation(IsolationProblem::NotOneVerb {
            span,
            verbs: verbs.iter().map(|(v, _)| v.as_str()).collect(),
        }));
    }

    /// `stock[item]`: the resource's name and the field, each spanned where written.
    fn record_text(
        &mut self,
        text: &Spanned<String>,
    ) -> Option<(Spanned<String>, Spanned<String>)> {
        let value = text.value.trim();
        let parsed = value.strip_suffix(']').and_then(|v| v.split_once('['));
        let Some((resource, field)) = parsed.filter(|(r, f)| {
            !r.trim().is_empty() && !f.trim().is_empty() && !f.contains(['[', ']'])
        }) else {
            self.report(Problem::Isolation(IsolationProblem::BadRecordReference {
                text: text.clone(),
            }));
            return None;
        };
        let resource_name = self.part_of(text, resource.trim(), 0);
        let after = resource_name.span.end.saturating_sub(text.span.start);
        let field = self.part_of(text, field.trim(), after);
        self.name(&resource_name, Form::Snake, "resource name");
        self.name(&field, Form::Snake, "data field");
        Some((resource_name, field))
    }

    /// Reports a verb the resource does not take.
    fn verb_for(&mut self, verb: Verb, span: Span, resource: &Resource) {
        let counter = resource.kind == crate::model::resources::ResourceKind::Counter;
        let wrong = match verb {
            Verb::Create | Verb::Set => !resource.has_states(),
            Verb::Increase | Verb::Decrease => !counter,
            Verb::Read | Verb::Write => false,
        };
        if wrong {
            self.report(Problem::Isolation(IsolationProblem::VerbNotForKind {
                span,
                verb: verb.as_str(),
                resource: resource.name.value.clone(),
                counter,
            }));
        }
    }

    /// Reports the options the verb does not take, and a `to` that `create` and `set` need.
    fn options_for(&mut self, verb: Verb, e: &EffectDef, effect: Span) {
        let takes = |key: &str| match key {
            "from" => verb == Verb::Set,
            "to" => matches!(verb, Verb::Create | Verb::Set),
            "if_unchanged" => !matches!(verb, Verb::Read | Verb::Create),
            _ => true,
        };
        let options = [
            ("from", e.from.as_ref().map(|o| o.span)),
            ("to", e.to.as_ref().map(|o| o.span)),
            ("if_unchanged", e.if_unchanged.as_ref().map(|o| o.span)),
        ];
        for (key, span) in options {
            if let Some(span) = span
                && !takes(key)
            {
                let span = self.key_span(span, key);
                self.report(Problem::Isolation(IsolationProblem::OptionNotForVerb {
                    span,
                    key,
                    verb: verb.as_str(),
                }));
            }
        }
        if matches!(verb, Verb::Create | Verb::Set) && e.to.is_none() {
            let span = self.widen(effect);
            self.missing(
                span,
                "to",
                if verb == Verb::Create {
                    "a `create` effect"
                } else {
                    "a `set` effect"
                },
                "name the state the record ends in, e.g. `to: APPROVED`",
            );
        }
    }

    fn foreign(
        &mut self,
        span: Span,
        resource: &Resource,
        participant: ParticipantId,
        actor: Actor,
    ) {
        let name_of = |id: ParticipantId, r: &Self| {
            r.participants
                .get(id.index())
                .map_or(String::new(), |p| p.name.value.clone())
        };
        let actor = match actor {
            Actor::Trigger => "the trigger".to_owned(),
            Actor::Step(_) => "the step".to_owned(),
            Actor::Compensation(_) => "the compensation".to_owned(),
            Actor::Reaction(_) => "the reaction".to_owned(),
        };
        self.report(Problem::Isolation(IsolationProblem::ForeignResource {
            span,
            resource: resource.name.value.clone(),
            owner: name_of(resource.participant, self),
            participant: name_of(participant, self),
            actor,
        }));
    }
}

/// A compensation's `effects`, when it is written in the long form with them.
fn compensation_effects(def: Option<&Spanned<CompensationDef>>) -> Option<&EffectsDef> {
    match &def?.value {
        CompensationDef::Long(c) => c.effects.as_ref(),
        CompensationDef::Short(_) => None,
    }
}

/// The default effects of a compensation that declares none: its action's `write`s
/// restore the before-image, `increase` and `decrease` invert; nothing else is undone by
/// default.
fn undo(done: &[ActionEffects], owner: Owner) -> Vec<Effect> {
    let forward = match owner {
        Owner::Trigger => Actor::Trigger,
        Owner::Step(id) => Actor::Step(id),
    };
    let Some(action) = done.iter().find(|a| a.actor == forward) else {
        return Vec::new();
    };
    action
        .effects
        .iter()
        .filter_map(|e| {
            let verb = match e.verb {
                Verb::Write => Verb::Write,
                Verb::Increase => Verb::Decrease,
                Verb::Decrease => Verb::Increase,
                Verb::Read | Verb::Create | Verb::Set => return None,
            };
            Some(Effect {
                verb,
                from: Vec::new(),
                to: None,
                if_unchanged: None,
                on_locked: None,
                ..e.clone()
            })
        })
        .collect()
}
