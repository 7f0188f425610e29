//! Syntax to model: checks names and durations, resolves participant and step references,
//! applies defaults, and reports the syntax (`S…`) and reference (`R…`) rules on the way.

use std::collections::HashMap;
use std::time::Duration;

use super::graph::Graph;
use super::names::Form;
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::references::{
    duplicate_step_id, missing_style_key, undeclared_participant, wrong_coordination_key,
};
use crate::rules::syntax::{
    bad_duration, bad_name, missing_key, reserved_name, unsupported_version, wrong_type,
};
use crate::source::{SourceFile, Span, Spanned};
use crate::syntax::{self, SpecDef};

/// The model (when the spec had enough structure to build one) and what resolving found.
#[derive(Debug)]
pub struct Resolution {
    pub saga: Option<Saga>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Resolution {
    /// The model, when no syntax or reference error stands in its way: what `simulate` and
    /// `grade` need ("a spec whose model resolves").
    pub fn model(&self) -> Option<&Saga> {
        let blocked = self.diagnostics.iter().any(|d| {
            d.severity() == Severity::Error && matches!(d.code().as_bytes()[0], b'S' | b'R')
        });
        if blocked { None } else { self.saga.as_ref() }
    }
}

/// Resolves a parsed spec. `source` gives mapping spans a width; nothing is re-read.
pub fn resolve(spec: &SpecDef, source: &SourceFile) -> Resolution {
    let mut r = Resolver {
        source,
        diagnostics: Vec::new(),
        participants: Vec::new(),
        by_name: HashMap::new(),
    };
    let saga = r.saga(spec);
    Resolution {
        saga,
        diagnostics: r.diagnostics,
    }
}

struct Resolver<'a> {
    source: &'a SourceFile,
    diagnostics: Vec<Diagnostic>,
    participants: Vec<Participant>,
    by_name: HashMap<String, ParticipantId>,
}

type S<T> = Spanned<T>;

impl Resolver<'_> {
    fn saga(&mut self, spec: &SpecDef) -> Option<Saga> {
        let top = Span::new(0, self.line_end(0));
        match &spec.version {
            None => self.missing(
                top,
                "version",
                "the top level",
                "add `version: 1` as the first line",
            ),
            Some(v) if v.value != 1 => self.push(
                Diagnostic::new(
                    &unsupported_version::RULE,
                    v.span,
                    format!("spec language version {} is not supported", v.value),
                )
                .label("this sagac reads version 1")
                .help("write `version: 1`; this sagac knows only version 1 of the language"),
            ),
            Some(_) => {}
        }
        let name = match &spec.saga {
            Some(n) => {
                self.name(n, Form::Snake, "saga name");
                n.clone()
            }
            None => {
                self.missing(
                    top,
                    "saga",
                    "the top level",
                    "add `saga: place_order` (a snake_case name)",
                );
                Spanned::new(String::new(), top)
            }
        };
        let coordination = match &spec.coordination {
            Some(c) => Spanned::new(
                match c.value {
                    syntax::Coordination::Orchestration => Coordination::Orchestration,
                    syntax::Coordination::Choreography => Coordination::Choreography,
                },
                c.span,
            ),
            None => {
                self.missing(
                    top,
                    "coordination",
                    "the top level",
                    "add `coordination: orchestration` or `coordination: choreography`",
                );
                // Guess from the steps so that the rest can still be checked.
                let choreography = spec
                    .steps
                    .iter()
                    .flat_map(|s| &s.value)
                    .any(|s| s.value.consumes.is_some());
                Spanned::new(
                    if choreography {
                        Coordination::Choreography
                    } else {
                        Coordination::Orchestration
                    },
                    top,
                )
            }
        };
        let style = coordination.value;

        self.declare_participants(spec, top);

        let Some(trigger_def) = &spec.trigger else {
            self.missing(
                top,
                "trigger",
                "the top level",
                "add a `trigger:` with the participant and action that start the saga",
            );
            return None;
        };
        let trigger = self.trigger(trigger_def, style)?;

        let orchestrator = self.orchestrator(spec, style, &trigger);

        let Some(steps_def) = &spec.steps else {
            self.missing(
                top,
                "steps",
                "the top level",
                "add `steps:` with at least one step",
            );
            return None;
        };
        if steps_def.value.is_empty() {
            self.push(
                Diagnostic::new(
                    &missing_key::RULE,
                    self.widen(steps_def.span),
                    "`steps` is empty",
                )
                .help("a saga has at least one step"),
            );
            return None;
        }
        let (steps, stages) = self.steps(steps_def, style);
        if steps.is_empty() {
            return None;
        }
        self.duplicate_step_ids(&steps);

        let reactions = self.reactions(spec, style);
        let terminal_events = self.terminal_events(spec, style);
        let deadline = spec
            .deadline
            .as_ref()
            .and_then(|d| self.duration(d, "deadline"));
        let rationale = spec.rationale.clone();
        let description = spec.description.as_ref().map(|d| d.value.clone());
        let catalogue = self.catalogue(spec);

        let mut saga = Saga {
            name,
            description,
            coordination: style,
            coordination_span: coordination.span,
            rationale,
            participants: std::mem::take(&mut self.participants),
            orchestrator,
            deadline,
            trigger,
            steps,
            stages,
            reactions,
            events: Vec::new(),
            terminal_events,
            graph: Graph::default(),
            event_index: HashMap::new(),
        };
        saga.events = events(&saga, catalogue);
        saga.event_index = saga
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), EventId::new(i)))
            .collect();
        saga.graph = Graph::build(&saga);
        Some(saga)
    }

    fn declare_participants(&mut self, spec: &SpecDef, top: Span) {
        let Some(participants) = &spec.participants else {
            self.missing(
                top,
                "participants",
                "the top level",
                "add `participants:` with one entry per service",
            );
            return;
        };
        if participants.value.0.is_empty() {
            self.push(
                Diagnostic::new(
                    &missing_key::RULE,
                    self.widen(participants.span),
                    "`participants` is empty",
                )
                .help("declare each service of the saga, e.g. `inventory: {}`"),
            );
        }
        for (name, def) in &participants.value.0 {
            self.name(name, Form::Snake, "participant name");
            self.reserved(name, "participant");
            let def = def.as_ref().map(|d| &d.value);
            let outbox = def
                .and_then(|d| d.outbox.as_ref())
                .and_then(|o| self.outbox(o));
            let id = ParticipantId::new(self.participants.len());
            self.by_name.insert(name.value.clone(), id);
            self.participants.push(Participant {
                name: name.clone(),
                declared: true,
                description: def
                    .and_then(|d| d.description.as_ref())
                    .map(|d| d.value.clone()),
                outbox,
            });
        }
    }

    /// The participant a name refers to; an undeclared one is reported and added.
    fn participant_ref(&mut self, name: &S<String>) -> ParticipantId {
        if let Some(&id) = self.by_name.get(&name.value)
            && self.participants[id.index()].declared
        {
            return id;
        }
        let declared: Vec<&str> = self
            .participants
            .iter()
            .filter(|p| p.declared)
            .map(|p| p.name.value.as_str())
            .collect();
        let help = match crate::rules::syntax::unknown_key::did_you_mean(
            &name.value,
            declared.iter().copied(),
        ) {
            Some(close) => {
                format!("did you mean `{close}`? Otherwise declare it under `participants:`")
            }
            None if declared.is_empty() => {
                format!("declare it: `participants: {{ {}: {{}} }}`", name.value)
            }
            None => format!(
                "declare `{}:` under `participants:` (declared: {})",
                name.value,
                declared
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.push(
            Diagnostic::new(
                &undeclared_participant::RULE,
                name.span,
                format!("participant `{}` is not declared", name.value),
            )
            .label("not under `participants`")
            .help(help),
        );
        if let Some(&id) = self.by_name.get(&name.value) {
            return id;
        }
        let id = ParticipantId::new(self.participants.len());
        self.by_name.insert(name.value.clone(), id);
        self.participants.push(Participant {
            name: name.clone(),
            declared: false,
            description: None,
            outbox: None,
        });
        id
    }

    fn trigger(&mut self, def: &S<syntax::TriggerDef>, style: Coordination) -> Option<Trigger> {
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
        let data = self.fields(&t.data);
        let compensation = t
            .compensation
            .as_ref()
            .and_then(|c| self.compensation(c, style));
        let outbox = t.outbox.as_ref().and_then(|o| self.outbox(o));
        Some(Trigger {
            participant: participant_id,
            participant_span: participant_name.span,
            action: action.clone(),
            compensation,
            event: t.event.clone(),
            data,
            outbox,
            description: t.description.as_ref().map(|d| d.value.clone()),
            span,
        })
    }

    fn orchestrator(
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
                self.push(
                    Diagnostic::new(
                        &missing_style_key::RULE,
                        trigger.action.span,
                        "the trigger publishes no `event`, so nothing starts the choreography",
                    )
                    .label("commits, then announces nothing")
                    .help("add `event: order.created` (the event the first step consumes)"),
                );
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
            self.push(
                Diagnostic::new(&missing_style_key::RULE, trigger.action.span, "the trigger publishes no `event`, so nothing starts the orchestrator")
                    .label("commits, then announces nothing")
                    .help("add `event: order.created`, or set `orchestrator.engine` if a workflow engine starts the saga directly"),
            );
        }
        Some(Orchestrator {
            participant,
            log,
            engine,
            span: def.map(|d| d.span),
        })
    }

    fn steps(
        &mut self,
        def: &S<Vec<S<syntax::StepDef>>>,
        style: Coordination,
    ) -> (Vec<Step>, Vec<Stage>) {
        let mut steps = Vec::new();
        let mut stages = Vec::new();
        for entry in &def.value {
            let stage = stages.len();
            if let Some(group) = &entry.value.parallel {
                if style == Coordination::Choreography {
                    self.wrong_style(group.span, "parallel", style, "in a choreography steps run when their events arrive: give each branch `consumes` of the same event instead of a `parallel` group");
                }
                if has_step_keys(&entry.value) {
                    self.push(
                        Diagnostic::new(&wrong_type::RULE, self.widen(entry.span), "a `parallel` group holds only its list of branches")
                            .help("move the other keys into the branches, or make this a plain step without `parallel`"),
                    );
                }
                if group.value.is_empty() {
                    self.push(
                        Diagnostic::new(
                            &missing_key::RULE,
                            self.widen(group.span),
                            "`parallel` group has no branches",
                        )
                        .help("list at least two steps under `parallel:`"),
                    );
                    continue;
                }
                let mut branches = Vec::new();
                for branch in &group.value {
                    if let Some(nested) = &branch.value.parallel {
                        self.push(
                            Diagnostic::new(
                                &wrong_type::RULE,
                                self.widen(nested.span),
                                "`parallel` groups do not nest",
                            )
                            .help("list the steps of the inner group as branches of the outer one"),
                        );
                        continue;
                    }
                    if let Some(step) = self.step(branch, style, stage) {
                        branches.push(StepId::new(steps.len()));
                        steps.push(step);
                    }
                }
                if !branches.is_empty() {
                    stages.push(Stage::Parallel {
                        branches,
                        span: self.widen(group.span),
                    });
                }
            } else if let Some(step) = self.step(entry, style, stage) {
                stages.push(Stage::Single(StepId::new(steps.len())));
                steps.push(step);
            }
        }
        (steps, stages)
    }

    fn step(
        &mut self,
        def: &S<syntax::StepDef>,
        style: Coordination,
        stage: usize,
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

        let declared_kind = s.kind.as_ref().map(|k| {
            Spanned::new(
                match k.value {
                    syntax::StepKindDef::Compensatable => StepKind::Compensatable,
                    syntax::StepKindDef::Pivot => StepKind::Pivot,
                    syntax::StepKindDef::Retriable => StepKind::Retriable,
                    syntax::StepKindDef::ReadOnly => StepKind::ReadOnly,
                },
                k.span,
            )
        });
        let kind = declared_kind
            .as_ref()
            .map_or(StepKind::Compensatable, |k| k.value);
        let compensation = s
            .compensation
            .as_ref()
            .and_then(|c| self.compensation(c, style));
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
        let retry = s
            .retry
            .as_ref()
            .map_or(default_retry, |r| self.retry(r, default_attempts));
        let failures = s
            .failures
            .as_ref()
            .map(|f| f.value.clone())
            .unwrap_or_default();
        for f in &failures {
            self.name(f, Form::Pascal, "business failure");
        }
        if let Some(key) = &s.idempotency_key {
            self.name(key, Form::Snake, "idempotency key field");
        }
        let (mut consumes, mut emits_success, mut emits_failure) = (None, None, None);
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
                        consumes = Some(c.clone());
                    }
                    None => self.push(
                        Diagnostic::new(
                            &missing_style_key::RULE,
                            id.span,
                            format!(
                                "step `{}` consumes no event, so nothing starts it",
                                id.value
                            ),
                        )
                        .label("never started")
                        .help(
                            "add `consumes: <event>` naming the event after which this step runs",
                        ),
                    ),
                }
                if let Some(e) = &s.emits {
                    for ev in [&e.value.success, &e.value.failure].into_iter().flatten() {
                        self.name(ev, Form::Event, "event");
                    }
                    emits_success = e.value.success.clone();
                    emits_failure = e.value.failure.clone();
                }
            }
        }
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
            writes: self.fields(&s.writes),
            failures,
            timeout: s.timeout.as_ref().and_then(|t| self.duration(t, "timeout")),
            retry,
            idempotency_key: s.idempotency_key.clone(),
            consumes,
            emits_success,
            emits_failure,
            stage,
            span,
        })
    }

    fn compensation(
        &mut self,
        def: &S<syntax::CompensationDef>,
        style: Coordination,
    ) -> Option<Compensation> {
        let span = self.widen(def.span);
        match &def.value {
            syntax::CompensationDef::Short(action) => {
                let action = Spanned::new(action.clone(), def.span);
                self.name(&action, Form::Pascal, "action");
                Some(Compensation {
                    action,
                    retry: Retry::forever(),
                    reads: Vec::new(),
                    consumes: Vec::new(),
                    emits: None,
                    description: None,
                    span,
                })
            }
            syntax::CompensationDef::Long(c) => {
                // Without `action` the compensation is still written: keep it (with an empty
                // name, under S005) so the rules do not also call the step uncompensated.
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
        }
    }

    fn retry(&mut self, def: &S<syntax::RetryDef>, default_attempts: Attempts) -> Retry {
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

    fn outbox(&mut self, def: &S<syntax::OutboxDef>) -> Option<Outbox> {
        let span = self.widen(def.span);
        let o = &def.value;
        let table = self.required(
            &o.table,
            span,
            "table",
            "an outbox",
            "name the outbox table, e.g. `table: order_outbox`",
        );
        let relay = self.required(
            &o.relay,
            span,
            "relay",
            "an outbox",
            "say how rows leave the table: `relay: cdc` (e.g. Debezium) or `relay: polling`",
        );
        let (table, relay) = (table?.clone(), relay?);
        self.name(&table, Form::Snake, "outbox table");
        let poll_interval = o
            .poll_interval
            .as_ref()
            .and_then(|d| self.duration(d, "poll_interval"))
            .map(|d| d.value);
        Some(Outbox {
            table,
            relay: match relay.value {
                syntax::Relay::Cdc => Relay::Cdc,
                syntax::Relay::Polling => Relay::Polling,
            },
            connector: o.connector.as_ref().map(|c| c.value.clone()),
            poll_interval,
            span,
        })
    }

    fn reactions(&mut self, spec: &SpecDef, style: Coordination) -> Vec<Reaction> {
        let Some(defs) = &spec.reactions else {
            return Vec::new();
        };
        if style == Coordination::Orchestration {
            self.wrong_style(defs.span, "reactions", style, "the orchestrator does the saga's follow-up work as steps: make each reaction a step, or switch to `coordination: choreography`");
            return Vec::new();
        }
        let mut out = Vec::new();
        for def in &defs.value {
            let span = self.widen(def.span);
            let r = &def.value;
            let participant = self.required(
                &r.participant,
                span,
                "participant",
                "a reaction",
                "name the service that reacts",
            );
            let consumes = self.required(
                &r.consumes,
                span,
                "consumes",
                "a reaction",
                "name the event(s) the reaction handles",
            );
            let action = self.required(
                &r.action,
                span,
                "action",
                "a reaction",
                "name the action the service runs",
            );
            let (Some(participant), Some(consumes), Some(action)) = (participant, consumes, action)
            else {
                continue;
            };
            self.name(action, Form::Pascal, "action");
            let consumes = consumes.items();
            for e in &consumes {
                self.name(e, Form::Event, "event");
            }
            out.push(Reaction {
                participant: self.participant_ref(participant),
                participant_span: participant.span,
                consumes,
                action: action.clone(),
                description: r.description.as_ref().map(|d| d.value.clone()),
                span,
            });
        }
        out
    }

    fn terminal_events(&mut self, spec: &SpecDef, style: Coordination) -> Vec<S<String>> {
        let Some(list) = &spec.terminal_events else {
            return Vec::new();
        };
        if style == Coordination::Orchestration {
            self.wrong_style(
                list.span,
                "terminal_events",
                style,
                "an orchestration's steps emit no events: remove `terminal_events`",
            );
            return Vec::new();
        }
        for e in &list.value {
            self.name(e, Form::Event, "event");
        }
        list.value.clone()
    }

    fn catalogue(&mut self, spec: &SpecDef) -> Vec<(S<String>, Vec<S<String>>)> {
        let Some(events) = &spec.events else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, def) in &events.value.0 {
            self.name(name, Form::Event, "event");
            let fields = def
                .as_ref()
                .map(|d| self.fields(&d.value.data))
                .unwrap_or_default();
            out.push((name.clone(), fields));
        }
        out
    }

    fn duplicate_step_ids(&mut self, steps: &[Step]) {
        let mut first: HashMap<&str, Span> = HashMap::new();
        for step in steps {
            match first.get(step.id.value.as_str()) {
                Some(&earlier) => self.push(
                    Diagnostic::new(&duplicate_step_id::RULE, step.id.span, format!("step id `{}` is used twice", step.id.value))
                        .label("second step with this id")
                        .related(earlier, "first used here")
                        .help("give each step its own id: scenarios, compensation order and generated code are keyed by it"),
                ),
                None => {
                    first.insert(&step.id.value, step.id.span);
                }
            }
        }
    }

    fn fields(&mut self, list: &Option<S<Vec<S<String>>>>) -> Vec<S<String>> {
        let fields = list.as_ref().map(|l| l.value.clone()).unwrap_or_default();
        for f in &fields {
            self.name(f, Form::Snake, "data field");
        }
        fields
    }

    fn duration(&mut self, text: &S<String>, key: &str) -> Option<S<Duration>> {
        match duration::parse(&text.value) {
            Some(d) => Some(Spanned::new(d, text.span)),
            None => {
                self.push(
                    Diagnostic::new(&bad_duration::RULE, text.span, format!("`{}` is not a duration", text.value))
                        .label(format!("{key} needs a number and a unit"))
                        .help("write a whole number followed by `ms`, `s`, `m`, `h` or `d`, e.g. `500ms`, `5s`, `10m` (at most 365d)"),
                );
                None
            }
        }
    }

    fn name(&mut self, name: &S<String>, form: Form, what: &str) {
        if form.accepts(&name.value) {
            return;
        }
        let help = match form.suggest(&name.value) {
            Some(s) => format!(
                "write it as `{s}`: {} {what} is {}",
                article(what),
                form.describe()
            ),
            None => format!(
                "{} {what} is {}",
                capitalize(article(what)),
                form.describe()
            ),
        };
        self.push(
            Diagnostic::new(
                &bad_name::RULE,
                name.span,
                format!("`{}` is not a valid {what}", name.value),
            )
            .label(format!("not a valid {what}"))
            .help(help),
        );
    }

    fn reserved(&mut self, name: &S<String>, what: &str) {
        if reserved_name::is_reserved(&name.value) {
            self.push(
                Diagnostic::new(&reserved_name::RULE, name.span, format!("`{}` is a reserved word and cannot be a {what}", name.value))
                    .label("reserved word")
                    .help(format!(
                        "choose another name, e.g. `{}_service` or a more specific one: Rust, Mermaid and sagac's outputs give `{}` a meaning of their own",
                        name.value, name.value
                    )),
            );
        }
    }

    fn wrong_style(&mut self, span: Span, key: &str, style: Coordination, help: &str) {
        let style = match style {
            Coordination::Orchestration => "an orchestration",
            Coordination::Choreography => "a choreography",
        };
        self.push(
            Diagnostic::new(
                &wrong_coordination_key::RULE,
                self.widen(span),
                format!("`{key}` has no meaning in {style}"),
            )
            .label(format!("not used in {style}"))
            .help(help.to_owned()),
        );
    }

    fn required<'v, T>(
        &mut self,
        value: &'v Option<S<T>>,
        parent: Span,
        key: &str,
        place: &str,
        help: &str,
    ) -> Option<&'v S<T>> {
        if value.is_none() {
            self.missing(parent, key, place, help);
        }
        value.as_ref()
    }

    fn missing(&mut self, parent: Span, key: &str, place: &str, help: &str) {
        self.push(
            Diagnostic::new(
                &missing_key::RULE,
                parent,
                format!("{place} has no `{key}`"),
            )
            .label(format!("`{key}` missing here"))
            .help(help.to_owned()),
        );
    }

    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
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

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn capitalize(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn has_step_keys(s: &syntax::StepDef) -> bool {
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
}

/// The event table: every event named anywhere, with who emits and who consumes it, in
/// order of first mention.
fn events(saga: &Saga, catalogue: Vec<(S<String>, Vec<S<String>>)>) -> Vec<Event> {
    let mut table = EventTable::default();
    if let Some(e) = &saga.trigger.event {
        table.entry(e).emitted_by.push((Emitter::Trigger, e.span));
    }
    if let Some(c) = &saga.trigger.compensation {
        table.compensation(Owner::Trigger, c);
    }
    for (i, step) in saga.steps.iter().enumerate() {
        let id = StepId::new(i);
        if let Some(e) = &step.consumes {
            table.entry(e).consumed_by.push((Handler::Step(id), e.span));
        }
        if let Some(e) = &step.emits_success {
            table
                .entry(e)
                .emitted_by
                .push((Emitter::StepSuccess(id), e.span));
        }
        if let Some(e) = &step.emits_failure {
            table
                .entry(e)
                .emitted_by
                .push((Emitter::StepFailure(id), e.span));
        }
        if let Some(c) = &step.compensation {
            table.compensation(Owner::Step(id), c);
        }
    }
    for (i, r) in saga.reactions.iter().enumerate() {
        for e in &r.consumes {
            table
                .entry(e)
                .consumed_by
                .push((Handler::Reaction(ReactionId::new(i)), e.span));
        }
    }
    for e in &saga.terminal_events {
        table.entry(e).terminal.get_or_insert(e.span);
    }
    for (name, fields) in catalogue {
        let event = table.entry(&name);
        event.declared = Some(name.span);
        event.data = fields;
    }
    table.events
}

#[derive(Default)]
struct EventTable {
    events: Vec<Event>,
    index: HashMap<String, usize>,
}

impl EventTable {
    fn entry(&mut self, name: &S<String>) -> &mut Event {
        let events = &mut self.events;
        let i = *self.index.entry(name.value.clone()).or_insert_with(|| {
            events.push(Event {
                name: name.value.clone(),
                emitted_by: Vec::new(),
                consumed_by: Vec::new(),
                terminal: None,
                data: Vec::new(),
                declared: None,
            });
            events.len() - 1
        });
        &mut self.events[i]
    }

    fn compensation(&mut self, owner: Owner, c: &Compensation) {
        for e in &c.consumes {
            self.entry(e)
                .consumed_by
                .push((Handler::Compensation(owner), e.span));
        }
        if let Some(e) = &c.emits {
            self.entry(e)
                .emitted_by
                .push((Emitter::CompensationDone(owner), e.span));
        }
    }
}
