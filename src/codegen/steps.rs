//! The saga's shape as data: retry policies, one `StepInfo` per step, the `Step`, `Owner`
//! and `Participant` enums, and the constants the state machine and the tests read.

use std::time::Duration;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Attempts, Backoff, Compensation, Jitter, Retry, StepKind};

use super::plan::Plan;
use super::tokens::{docs, option_duration, usize_lit};

fn kind(k: StepKind) -> TokenStream {
    match k {
        StepKind::Compensatable => quote!(StepKind::Compensatable),
        StepKind::ReadOnly => quote!(StepKind::ReadOnly),
        StepKind::Pivot => quote!(StepKind::Pivot),
        StepKind::Retriable => quote!(StepKind::Retriable),
    }
}

/// The distinct retry policies of a saga, each a named constant that the tables refer to
/// (a thousand steps with the default policy share one).
struct Policies {
    seen: Vec<(PolicyKey, Retry, String)>,
}

/// What makes two policies one constant (version 2's `within` and `jitter` included).
type PolicyKey = (
    Attempts,
    Backoff,
    Duration,
    Duration,
    Option<Duration>,
    Jitter,
);

impl Policies {
    fn name(&mut self, r: &Retry) -> Ident {
        let key = (
            r.max_attempts,
            r.backoff,
            r.initial,
            r.max,
            r.within.as_ref().map(|w| w.budget.value),
            r.jitter,
        );
        let i = match self.seen.iter().position(|(k, _, _)| *k == key) {
            Some(i) => i,
            None => {
                self.seen.push((key, r.clone(), r.describe()));
                self.seen.len() - 1
            }
        };
        format_ident!("RETRY_{}", i)
    }

    fn consts(&self, plan: &Plan) -> TokenStream {
        let consts = self.seen.iter().enumerate().map(|(i, (_, r, describe))| {
            let name = format_ident!("RETRY_{}", i);
            let r = super::jitter::literal(plan, r);
            let doc = docs(&format!("{describe}."));
            quote!(#doc pub const #name: RetryPolicy = #r;)
        });
        quote!(#(#consts)*)
    }

    fn compensation(&mut self, c: Option<&Compensation>) -> TokenStream {
        match c {
            Some(c) => {
                let action = &c.action.value;
                let r = self.name(&c.retry);
                quote!(Some(CompensationInfo { action: #action, retry: #r }))
            }
            None => quote!(None),
        }
    }
}

pub fn tokens(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    // Version 2's end without compensation, for a saga that can reach it.
    let terminated = (super::terminate::used(plan) || super::choreography_v2::terminates(plan))
        .then(|| {
            quote! {
                /// A failure ended the saga without compensating (`then: terminate`).
                Terminated,
            }
        });
    let needs_attention = (super::escalation::escalates(plan)
        || super::choreography_v2::escalates(plan))
    .then(|| {
        quote! {
            /// A compensation gave up under `escalate*`: the escalation was told what is left.
            NeedsAttention,
        }
    });
    let cancelled = super::cancel::used(plan).then(|| {
        quote! {
            /// The caller's cancel was honoured: the saga compensated (`cancellation`).
            Cancelled,
        }
    });
    let n = usize_lit(saga.steps.len());
    let name = &saga.name.value;
    let trigger_action = &saga.trigger.action.value;
    let super::jitter::Parts {
        fields: jitter_fields,
        forever: jitter_forever,
        types: jitter_types,
        delay_before,
    } = super::jitter::Parts::of(plan);
    let mut policies = Policies { seen: Vec::new() };
    let trigger_compensation = policies.compensation(saga.trigger.compensation.as_ref());

    let infos: Vec<TokenStream> = saga
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let id = &s.id.value;
            let action = &s.action.value;
            let participant = &plan.participant(s.participant).variant;
            let k = kind(s.kind);
            let r = policies.name(&s.retry);
            let timeout = option_duration(s.timeout.as_ref().map(|t| t.value));
            let comp = policies.compensation(s.compensation.as_ref());
            let stage = usize_lit(s.stage);
            let after = plan.after_point_of_no_return(crate::model::StepId::new(i));
            let key = match &s.idempotency_key {
                Some(k) => {
                    let k = &k.value;
                    quote!(Some(#k))
                }
                None => quote!(None),
            };
            quote! {
                StepInfo {
                    id: #id,
                    action: #action,
                    participant: Participant::#participant,
                    kind: #k,
                    retry: #r,
                    timeout: #timeout,
                    compensation: #comp,
                    stage: #stage,
                    after_point_of_no_return: #after,
                    idempotency_key: #key,
                }
            }
        })
        .collect();
    let policies = policies.consts(plan);
    let variants = saga.steps.iter().zip(&plan.steps).map(|(s, names)| {
        let doc = docs(&format!("`{}`", s.id.value));
        let v = &names.variant;
        quote!(#doc #v)
    });
    let all = plan.steps.iter().map(|s| {
        let v = &s.variant;
        quote!(Step::#v)
    });
    let ponr = match saga.point_of_no_return() {
        Some(p) => {
            let v = &plan.step(p).variant;
            quote!(Some(Step::#v))
        }
        None => quote!(None),
    };

    let p_variants = saga
        .participants
        .iter()
        .zip(&plan.participants)
        .map(|(p, names)| {
            let doc = docs(&format!("`{}`", p.name.value));
            let v = &names.variant;
            quote!(#doc #v,)
        });
    let p_table = saga.participants.iter().enumerate().map(|(i, p)| {
        let name = &p.name.value;
        match saga.outbox_of(crate::model::ParticipantId::new(i)) {
            Some(o) => {
                let t = &o.table.value;
                quote!((#name, Some(#t)),)
            }
            None => quote!((#name, None),),
        }
    });
    let p_all = plan.participants.iter().map(|p| {
        let v = &p.variant;
        quote!(Participant::#v,)
    });
    let pn = usize_lit(saga.participants.len());

    quote! {
        /// The saga's name in the spec.
        pub const SAGA: &str = #name;

        /// The trigger's action: the local transaction that starts the saga.
        pub const TRIGGER_ACTION: &str = #trigger_action;

        /// The trigger's compensation, which runs last when the saga compensates.
        pub const TRIGGER_COMPENSATION: Option<CompensationInfo> = #trigger_compensation;

        /// The step after whose success the saga must complete: the pivot, or without one
        /// the first retriable step.
        pub const POINT_OF_NO_RETURN: Option<Step> = #ponr;

        /// How an action is retried: `max_attempts` (`None`: until it succeeds) and the wait
        /// between attempts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct RetryPolicy {
            pub max_attempts: Option<u32>,
            pub backoff: Backoff,
            pub initial: Duration,
            pub max: Duration,
            #jitter_fields
        }

        #jitter_types

        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Backoff {
            /// `initial` between every two attempts.
            Fixed,
            /// `initial`, then doubling, never more than `max`.
            Exponential,
        }

        impl RetryPolicy {
            /// Retried until it succeeds, waiting 1s doubling up to 60s (reactions).
            pub const FOREVER: RetryPolicy = RetryPolicy {
                max_attempts: None,
                backoff: Backoff::Exponential,
                initial: Duration::from_secs(1),
                max: Duration::from_secs(60),
                #jitter_forever
            };

            /// Whether attempt number `attempt` (counted from 1) may be made.
            pub fn allows(&self, attempt: u32) -> bool {
                self.max_attempts.is_none_or(|max| attempt <= max)
            }

            #delay_before
        }

        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum StepKind {
            /// Its effect can be undone by its compensation; before the pivot.
            Compensatable,
            /// A check with no effect; before the pivot.
            ReadOnly,
            /// The go/no-go point: once it succeeds the saga must complete.
            Pivot,
            /// After the pivot: retried until it succeeds, never compensated.
            Retriable,
        }

        /// A compensation: its action and how it is retried.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct CompensationInfo {
            pub action: &'static str,
            pub retry: RetryPolicy,
        }

        /// What the spec says of a step.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct StepInfo {
            pub id: &'static str,
            pub action: &'static str,
            pub participant: Participant,
            pub kind: StepKind,
            pub retry: RetryPolicy,
            pub timeout: Option<Duration>,
            pub compensation: Option<CompensationInfo>,
            /// The index of its stage in `STAGES` (orchestration).
            pub stage: usize,
            /// Whether it runs after the point of no return (giving up leaves the saga stuck).
            pub after_point_of_no_return: bool,
            /// The data field the participant deduplicates on.
            pub idempotency_key: Option<&'static str>,
        }

        #policies

        static STEPS: [StepInfo; #n] = [#(#infos),*];

        /// The saga's steps, in the spec's order.
        #[allow(clippy::enum_variant_names, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Step {
            #(#variants),*
        }

        impl Step {
            pub const ALL: [Step; #n] = [#(#all),*];

            pub fn info(self) -> &'static StepInfo {
                &STEPS[self as usize]
            }

            /// The step's id in the spec.
            pub fn id(self) -> &'static str {
                self.info().id
            }

            pub fn kind(self) -> StepKind {
                self.info().kind
            }
        }

        /// Whose effect a compensation undoes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Owner {
            Trigger,
            Step(Step),
        }

        impl Owner {
            /// `trigger`, or the step's id.
            pub fn id(self) -> &'static str {
                match self {
                    Owner::Trigger => "trigger",
                    Owner::Step(step) => step.id(),
                }
            }

            pub fn compensation(self) -> Option<CompensationInfo> {
                match self {
                    Owner::Trigger => TRIGGER_COMPENSATION,
                    Owner::Step(step) => step.info().compensation,
                }
            }

            /// How the compensation is retried (once, if the owner has none).
            pub fn retry(self) -> RetryPolicy {
                self.compensation().map_or(
                    RetryPolicy {
                        max_attempts: Some(1),
                        ..RetryPolicy::FOREVER
                    },
                    |c| c.retry,
                )
            }
        }

        /// How a saga ended.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Outcome {
            /// Every step applied once, no compensation ran.
            Completed,
            /// Every applied effect was undone.
            Compensated,
            /// A step after the point of no return or a compensation gave up, or the saga was
            /// lost or waits forever.
            Stuck,
            #terminated
            #needs_attention
            #cancelled
        }

        /// What gave up for good: the saga is stuck and a person must look at it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Stuck {
            /// A step after the point of no return ran out of attempts.
            Step(Step),
            /// A compensation ran out of attempts.
            Compensation(Owner),
        }

        impl fmt::Display for Stuck {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Stuck::Step(step) => write!(f, "{} ran out of attempts after the point of no return", step.id()),
                    Stuck::Compensation(owner) => write!(f, "the compensation of {} ran out of attempts", owner.id()),
                }
            }
        }

        impl std::error::Error for Stuck {}

        /// The services taking part.
        #[allow(clippy::enum_variant_names, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Participant {
            #(#p_variants)*
        }

        impl Participant {
            pub const ALL: [Participant; #pn] = [#(#p_all)*];

            /// The participant's name in the spec.
            pub fn name(self) -> &'static str {
                PARTICIPANTS[self as usize].0
            }

            /// The outbox table its events leave through, if it has one.
            pub fn outbox_table(self) -> Option<&'static str> {
                PARTICIPANTS[self as usize].1
            }
        }

        /// Per participant: its name and its outbox table.
        static PARTICIPANTS: [(&str, Option<&str>); #pn] = [#(#p_table)*];
    }
}
