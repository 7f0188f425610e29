//! What the caller learns of a saga on Restate: `SagaResult` (both styles), and for a
//! choreography, which has no coordinator to return it, the virtual object named after the
//! saga and keyed by its key, to which every participant's handler reports what it did
//! (`report`, an exclusive handler the handlers call before they publish) and which answers
//! the saga's outcome through the ingress (`outcome`, a shared handler: `running` until the
//! saga has ended). Its progress is the object's durable state, so the answer survives any
//! restart.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::plan::Plan;

/// `SagaResult`: what a caller of the workflow's `run`, or of a choreography's `outcome`,
/// gets. The caller's value (`caller`) is there only for a spec with `outcome` (version 2).
pub fn saga_result(plan: &Plan) -> TokenStream {
    let caller = plan.saga.outcome.as_ref().map(|_| {
        quote! {
            /// The value the spec's `outcome.values` gives the caller for this end (none
            /// while the saga is stuck: a person must look at it first).
            pub caller: Option<String>,
        }
    });
    let outcomes = if !plan.orchestration {
        "`completed`, `compensated` or `stuck`; `running` until the saga has ended"
    } else if super::super::terminate::used(plan) {
        "`completed`, `compensated`, `terminated` (`then: terminate` in the spec) or `stuck`"
    } else {
        "`completed`, `compensated` or `stuck`"
    };
    let doc = super::super::tokens::docs(&format!("{outcomes}."));
    quote! {
        /// How the saga ended, as the caller gets it.
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub struct SagaResult {
            #doc
            pub outcome: String,
            /// What gave up, when the saga is stuck: a person must look at it.
            pub stuck: Option<String>,
            /// The compensations that ran, in order (`trigger` or a step's id).
            pub compensated: Vec<String>,
            #caller
        }
    }
}

/// The choreography's outcome object (`SagaOutcome`), what its handlers report (`Report`)
/// and `report`, which the participants' handlers call.
pub fn tracker(plan: &Plan) -> TokenStream {
    let name = &plan.saga.name.value;
    let result = saga_result(plan);
    let progress = progress();
    quote! {
        #result

        /// Why a saga is stuck when nothing gave up: every delivery sent was handled, and
        /// neither did every step succeed nor a failure event go out (a failure the spec
        /// announces with no event, say).
        pub const WAITS_FOREVER: &str = "nothing is left to deliver and the saga has neither completed nor compensated: it waits forever";

        /// One delivery of an event to one participant, as the outcome object counts it.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct Sent {
            pub to: String,
            pub event: String,
            pub redelivery: bool,
        }

        /// What one handler did, told to the outcome object before it publishes.
        #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
        pub struct Report {
            /// The delivery it handled (`None`: the trigger's `start`).
            pub handled: Option<Sent>,
            /// The deliveries it sends next.
            pub sent: Vec<Sent>,
            /// The steps whose action succeeded.
            pub done: Vec<String>,
            /// The compensations that ran, in order.
            pub compensated: Vec<String>,
            /// What gave up for good.
            pub stuck: Option<String>,
        }

        #progress

        /// The saga's outcome, as the virtual object `#name` keyed by the saga's key: the
        /// participants report to it, the caller asks it (`outcome`).
        pub struct SagaOutcome;

        #[restate_sdk::object(name = #name)]
        impl SagaOutcome {
            /// Takes one handler's report (the participants call it; a caller has no
            /// reason to).
            #[handler]
            async fn report(&self, ctx: ObjectContext<'_>, report: Json<Report>) -> Result<(), HandlerError> {
                let mut progress: Progress = ctx.get::<Json<Progress>>(PROGRESS).await?.map(Json::into_inner).unwrap_or_default();
                progress.take(report.into_inner());
                ctx.set(PROGRESS, Json(progress));
                Ok(())
            }

            /// The saga's outcome once it has ended, `running` until then (a shared
            /// handler: it never waits for a report in progress). No saga under this key:
            /// a terminal error with code 404.
            #[handler]
            async fn outcome(&self, ctx: SharedObjectContext<'_>) -> Result<Json<SagaResult>, HandlerError> {
                match ctx.get::<Json<Progress>>(PROGRESS).await? {
                    Some(progress) => Ok(Json(progress.into_inner().result())),
                    None => Err(TerminalError::new_with_code(404, format!("no saga has started under the key `{}`", ctx.key())).into()),
                }
            }
        }

        /// Tells the saga's outcome object what this handler did, and waits until it has
        /// taken it: the deliveries it sends are counted before any of them can be handled.
        async fn report(ctx: &ObjectContext<'_>, data: &SagaData, report: Report) -> Result<(), TerminalError> {
            let target = RequestTarget::object(SAGA, data.key(), "report");
            ctx.request::<Json<Report>, ()>(target, Json(report)).call().await
        }
    }
}

/// `Progress`: the outcome object's durable state, and how a report changes it.
fn progress() -> TokenStream {
    quote! {
        /// The outcome object's state key.
        const PROGRESS: &str = "progress";

        /// What the outcome object knows of its saga, in its durable state.
        #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
        pub struct Progress {
            /// The trigger's `start` reported: the saga began.
            started: bool,
            /// Deliveries sent and not handled yet (handled and sent cancel out; a handler
            /// reports before it sends, so no count goes below zero).
            pending: Vec<(Sent, u32)>,
            /// The steps whose action succeeded.
            done: Vec<String>,
            /// The compensations, in the order they were reported.
            compensated: Vec<String>,
            /// What gave up first.
            stuck: Option<String>,
            /// A failure event went out: the saga compensates.
            announced: bool,
        }

        impl Progress {
            fn take(&mut self, report: Report) {
                match &report.handled {
                    None => self.started = true,
                    Some(handled) => {
                        if let Some(i) = self.pending.iter().position(|(sent, _)| sent == handled) {
                            self.pending[i].1 -= 1;
                            if self.pending[i].1 == 0 {
                                self.pending.remove(i);
                            }
                        }
                    }
                }
                for sent in report.sent {
                    self.announced |= Event::from_name(&sent.event).is_some_and(Event::is_failure);
                    match self.pending.iter().position(|(s, _)| *s == sent) {
                        Some(i) => self.pending[i].1 += 1,
                        None => self.pending.push((sent, 1)),
                    }
                }
                for step in report.done {
                    if !self.done.contains(&step) {
                        self.done.push(step);
                    }
                }
                for owner in report.compensated {
                    if !self.compensated.contains(&owner) {
                        self.compensated.push(owner);
                    }
                }
                if self.stuck.is_none() {
                    self.stuck = report.stuck;
                }
            }

            /// The outcome: `running` while a delivery is on its way; then stuck if an
            /// action gave up, compensated if a failure event went out, completed if every
            /// step's action succeeded, and stuck waiting forever otherwise.
            fn result(self) -> SagaResult {
                let (outcome, stuck) = if !self.started || !self.pending.is_empty() {
                    ("running", None)
                } else if let Some(why) = self.stuck {
                    ("stuck", Some(why))
                } else if self.announced {
                    ("compensated", None)
                } else if self.done.len() == Step::ALL.len() {
                    ("completed", None)
                } else {
                    ("stuck", Some(WAITS_FOREVER.to_owned()))
                };
                SagaResult { outcome: outcome.to_owned(), stuck, compensated: self.compensated }
            }
        }
    }
}
