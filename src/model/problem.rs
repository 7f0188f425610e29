//! What resolving a spec found wrong, as facts with spans: which key is missing where, which
//! name is not in its form, which participant nobody declared. The model knows no rule
//! codes and no sentences: `rules::reading` hands each problem to the rule file that words
//! it (S005-S009, R101-R104).

use super::names::Form;
use super::{Coordination, Key};
use crate::source::{Span, Spanned};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required key is absent: `place` ("the trigger", "a step") has no `key`. `parent`
    /// is the mapping it belongs in; `hint` says what to write.
    MissingKey {
        parent: Span,
        key: &'static str,
        place: &'static str,
        hint: &'static str,
    },
    /// A list that needs entries has none.
    EmptyList { span: Span, list: List },
    /// A spec language version other than 1.
    UnsupportedVersion { span: Span, version: u64 },
    /// A name not written in the form its kind (`kind`: "step id", "event") requires.
    BadName {
        name: Spanned<String>,
        form: Form,
        kind: &'static str,
    },
    /// A step id or participant named with a reserved word.
    ReservedName {
        name: Spanned<String>,
        kind: &'static str,
    },
    /// A duration that does not read as a whole number and a unit; `key` is where it was
    /// written (`timeout`, `retry.max`).
    BadDuration {
        text: Spanned<String>,
        key: &'static str,
    },
    /// A participant named but not declared; `declared` lists those that are, in order.
    UndeclaredParticipant {
        name: Spanned<String>,
        declared: Vec<String>,
    },
    /// A step id already used by the step at `first`.
    DuplicateStepId { id: Spanned<String>, first: Span },
    /// A key of the other coordination style: `style` is the saga's.
    WrongCoordinationKey {
        span: Span,
        key: &'static str,
        style: Coordination,
        hint: &'static str,
    },
    /// The trigger announces no event, so nothing starts the saga (`span`: its action).
    TriggerWithoutEvent { span: Span, style: Coordination },
    /// A choreography step that consumes no event, so nothing starts it.
    StepWithoutConsumes { id: Spanned<String> },
    /// A `parallel` group that also has a step's keys.
    ParallelWithStepKeys { span: Span },
    /// A `parallel` group inside another.
    NestedParallel { span: Span },
    /// A version 2 key in a `version: 1` spec.
    Version2Key { span: Span, key: Key },
    /// Version 2: a data field named `failure` written by the trigger or a step (the
    /// language passes `failure` to compensations, the escalation and the outcome).
    ReservedField { name: Spanned<String> },
    /// Version 2: a built-in failure name (`TimedOut`, ...) declared as a business failure;
    /// `listable` when a long-form entry may list it to change its handling.
    ReservedFailure {
        name: Spanned<String>,
        listable: bool,
    },
    /// A step id that names no step, under `key` (`keeps`, `cancellation.until`);
    /// `steps` lists those there are.
    UnknownStep {
        name: Spanned<String>,
        key: &'static str,
        steps: Vec<String>,
    },
    /// An `emits.failure` map key of `step` that is no failure it declares.
    NotAFailure {
        name: Spanned<String>,
        step: String,
        declared: Vec<String>,
    },
    /// Two keys that contradict each other (or a key where it cannot apply).
    Contradiction { span: Span, what: Contradiction },
    /// A choreography's `escalation` without the `event` compensations publish.
    EscalationWithoutEvent { span: Span },
    /// Version 2, isolation: something wrong in `resources`, `effects` or `isolation`.
    Isolation(IsolationProblem),
}

/// What is wrong in the isolation keys (`resources`, `effects`, `isolation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsolationProblem {
    /// A record reference to a resource not under `resources`; `declared` lists those that
    /// are, in order.
    UndeclaredResource {
        name: Spanned<String>,
        declared: Vec<String>,
    },
    /// An effect of `actor` ("the step") run by `participant` on a resource `owner` owns.
    ForeignResource {
        span: Span,
        resource: String,
        owner: String,
        participant: String,
        actor: String,
    },
    /// A state not among the resource's `states`, written under `key`.
    UndeclaredState {
        name: Spanned<String>,
        resource: String,
        states: Vec<String>,
        key: &'static str,
    },
    /// A record reference not written `resource[field]`.
    BadRecordReference { text: Spanned<String> },
    /// A transition not written `FROM -> TO`.
    BadTransition { text: Spanned<String> },
    /// An effect with no verb, or more than one (`verbs`).
    NotOneVerb {
        span: Span,
        verbs: Vec<&'static str>,
    },
    /// A verb the resource does not take: `create`/`set` on a counter or on records without
    /// `states`, `increase`/`decrease` on records.
    VerbNotForKind {
        span: Span,
        verb: &'static str,
        resource: String,
        counter: bool,
    },
    /// An option its verb does not take (`from` on a `read`).
    OptionNotForVerb {
        span: Span,
        key: &'static str,
        verb: &'static str,
    },
    /// A resource key its kind does not take (`states` on a counter, `commutative` on
    /// records).
    KeyNotForKind {
        span: Span,
        key: &'static str,
        counter: bool,
    },
    /// `isolation.instances` outside 1 to 4.
    InstancesOutOfRange { span: Span, value: u64 },
}

/// Version 2 keys written together that cannot both hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contradiction {
    /// `deadline.applies: always` without `then: terminate`.
    AlwaysWithoutTerminate,
    /// `keeps` where nothing terminates (`then` is not `terminate`).
    KeepsWithoutTerminate,
    /// A failure's `retry` without `then: retry`.
    RetryWithoutThenRetry,
    /// `outcome.event` when `delivery` is not `event`.
    EventWithoutEventDelivery,
    /// `runs_for` or `absent_effect` on the trigger's compensation, which runs whenever
    /// the saga compensates.
    NotForTheTrigger { key: &'static str },
    /// `TimedOut` in a choreography, which has no timeouts.
    TimedOutInChoreography,
    /// `Uncaught` mapped to an event where errors nobody declared are not compensated.
    UncaughtNotCompensated,
}

/// The lists a spec may not leave empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Participants,
    Steps,
    /// The branches of a `parallel` group.
    ParallelBranches,
}
