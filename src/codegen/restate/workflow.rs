//! `src/workflow.rs` of the Restate crate: the saga as a Restate workflow keyed by the saga's
//! key. It runs the sans-IO `Saga` of `generated.rs`: each command a journaled participant
//! call (`ctx.run`, named after the step or compensation and the attempt), each backoff a
//! durable timer (`ctx.sleep`), each answer fed to `Saga::on_reply`, so a replay after a
//! crash makes the same decisions from the journal.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Owner, StepId};

use super::super::format::{Error, rust_file};
use super::super::plan::Plan;
use super::super::tokens::inner_docs;
use super::super::traits::{Work, method};

pub fn render(plan: &Plan) -> Result<String, Error> {
    let saga = plan.saga;
    let about = inner_docs(&format!(
        "The `{name}` saga as a Restate workflow named `{name}`, keyed by the saga's key\n(`SagaData::key`). Its `run` handler runs the trigger, then the state machine `Saga`: each\ncommand is one journaled participant call (`ctx.run`), each backoff a durable timer\n(`ctx.sleep`), so that after a crash Restate replays the journal and the saga goes on\nwhere it was, each effect applied once (participants deduplicate on their idempotency\nkey a call that was in flight). It answers with the saga's outcome (`SagaResult`).\n\nA parallel group's branches are sent one after the other, in declaration order: Restate\nasks that a journaled effect be awaited before the next, and the state machine joins them\nas it would concurrent answers.",
        name = saga.name.value
    ));
    let name = &saga.name.value;
    let trigger_field = &plan.participant(saga.trigger.participant).field;
    let trigger_method = &plan.trigger_method;
    let trigger_action = &saga.trigger.action.value;
    let run_arms = saga.steps.iter().enumerate().map(|(i, s)| {
        let id = StepId::new(i);
        let v = &plan.step(id).variant;
        let field = &plan.participant(s.participant).field;
        let (m, _) = method(plan, Work::Step(id));
        quote! {
            Step::#v => Reply::#v(
                journal(ctx, name, info.timeout, async move { p.#field().#m(&data).await }).await?,
            ),
        }
    });
    let comp_arms = compensation_arms(plan);
    let deadline = deadline(plan);
    let (deadline_start, deadline_check) = match &deadline {
        Some(_) => (
            quote!(let started = clock(&ctx).await?;),
            quote! {
                if let Some(step) = past_deadline(&ctx, &saga, &command, started).await? {
                    queue.extend(saga.on_error(step, StepError::Business(Failure::DeadlinePassed)));
                    continue;
                }
            },
        ),
        None => (TokenStream::new(), TokenStream::new()),
    };
    let tokens = quote! {
        #about
        #![cfg_attr(rustfmt, rustfmt::skip)]

        use std::collections::VecDeque;
        use std::future::Future;
        use std::sync::Arc;
        use std::time::Duration;

        use restate_sdk::prelude::*;

        use crate::generated::*;

        /// What the caller of `run` gets: how the saga ended.
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub struct SagaResult {
            /// `completed`, `compensated` or `stuck`.
            pub outcome: String,
            /// What gave up, when the saga is stuck: a person must look at it.
            pub stuck: Option<String>,
            /// The compensations that ran, in order (`trigger` or a step's id).
            pub compensated: Vec<String>,
        }

        impl SagaResult {
            fn of(saga: &Saga, compensated: Vec<String>) -> SagaResult {
                let (outcome, stuck) = match &saga.state {
                    State::Completed => ("completed", None),
                    State::Compensated => ("compensated", None),
                    State::Stuck(why) => ("stuck", Some(why.to_string())),
                    State::Running { .. } | State::Compensating { .. } => ("running", None),
                };
                SagaResult { outcome: outcome.to_owned(), stuck, compensated }
            }
        }

        /// What the workflow does beyond the spec; the default is production's.
        #[derive(Debug, Clone, Copy)]
        pub struct Settings {
            /// Every backoff is divided by this (1: as the spec says; tests shorten them).
            pub backoff_divisor: u32,
            /// Asked after the trigger (`"trigger"`) and before each step's first attempt
            /// (its id): `true` fails the invocation there as a crash would, and Restate
            /// retries it from its journal. Tests use it; `None` in production.
            pub interrupt: Option<fn(&SagaData, &str) -> bool>,
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings { backoff_divisor: 1, interrupt: None }
            }
        }

        /// The saga's workflow over its participants.
        pub struct SagaWorkflow<P> {
            participants: Arc<P>,
            settings: Settings,
        }

        impl<P: Participants> SagaWorkflow<P> {
            pub fn new(participants: P) -> Self {
                Self::with_settings(participants, Settings::default())
            }

            pub fn with_settings(participants: P, settings: Settings) -> Self {
                SagaWorkflow { participants: Arc::new(participants), settings }
            }

            fn interrupt(&self, data: &SagaData, at: &str) -> Result<(), HandlerError> {
                match self.settings.interrupt {
                    Some(interrupt) if interrupt(data, at) => Err(HandlerError::from(
                        std::io::Error::other(format!("interrupted at `{at}`")),
                    )),
                    _ => Ok(()),
                }
            }

            /// Sends one command: waits its backoff on a durable timer, then calls the
            /// participant in a journaled effect and returns its answer.
            async fn execute(
                &self,
                ctx: &WorkflowContext<'_>,
                saga: &Saga,
                command: &Command,
            ) -> Result<Reply, TerminalError> {
                let delay = match command {
                    Command::Run { delay, .. } | Command::Compensate { delay, .. } => *delay,
                };
                if !delay.is_zero() {
                    ctx.sleep(delay / self.settings.backoff_divisor.max(1)).await?;
                }
                let p = Arc::clone(&self.participants);
                let data = saga.data.clone();
                Ok(match *command {
                    Command::Run { step, attempt, .. } => {
                        let name = format!("{}#{attempt}", step.id());
                        let info = step.info();
                        match step {
                            #(#run_arms)*
                        }
                    }
                    Command::Compensate { owner, attempt, .. } => {
                        let name = format!("undo:{}#{attempt}", owner.id());
                        let result = match owner {
                            #(#comp_arms)*
                        };
                        Reply::Compensation(owner, result)
                    }
                })
            }
        }

        #[restate_sdk::workflow(name = #name)]
        impl<P: Participants> SagaWorkflow<P> {
            /// Runs the saga once per key: the trigger, then every command of the state
            /// machine until it ends.
            #[handler]
            async fn run(
                &self,
                ctx: WorkflowContext<'_>,
                data: Json<SagaData>,
            ) -> Result<Json<SagaResult>, HandlerError> {
                let data = data.into_inner();
                let p = Arc::clone(&self.participants);
                let input = data.clone();
                let name = "trigger".to_owned();
                let trigger = journal(&ctx, name, None, async move {
                    p.#trigger_field().#trigger_method(&input).await
                })
                .await?;
                if let Err(error) = trigger {
                    return Err(TerminalError::new(format!(
                        "the trigger `{}` failed, so no saga started: {error}",
                        #trigger_action
                    ))
                    .into());
                }
                self.interrupt(&data, "trigger")?;
                #deadline_start
                let (mut saga, commands) = Saga::start(data);
                let mut queue = VecDeque::from(commands);
                let mut compensated = Vec::new();
                while let Some(command) = queue.pop_front() {
                    if let Command::Run { step, attempt: 1, .. } = command {
                        self.interrupt(&saga.data, step.id())?;
                    }
                    #deadline_check
                    let reply = self.execute(&ctx, &saga, &command).await?;
                    if let Reply::Compensation(owner, Ok(())) = &reply {
                        compensated.push(owner.id().to_owned());
                    }
                    queue.extend(saga.on_reply(reply));
                }
                Ok(Json(SagaResult::of(&saga, compensated)))
            }
        }

        /// One participant call as a journaled effect: its answer (success or error) is
        /// recorded, so a replay gets the same answer without calling again. A call that
        /// outlives the step's timeout answers `StepError::TimedOut` (in doubt).
        async fn journal<T, F>(
            ctx: &WorkflowContext<'_>,
            name: String,
            timeout: Option<Duration>,
            call: F,
        ) -> Result<Result<T, StepError>, TerminalError>
        where
            T: serde::Serialize + serde::de::DeserializeOwned + 'static,
            F: Future<Output = Result<T, StepError>> + Send + 'static,
        {
            let answer: Json<Result<T, StepError>> = ctx
                .run(|| async move {
                    let answer = match timeout {
                        Some(limit) => tokio::time::timeout(limit, call)
                            .await
                            .unwrap_or(Err(StepError::TimedOut)),
                        None => call.await,
                    };
                    Ok(Json(answer))
                })
                .name(name)
                .await?;
            Ok(answer.into_inner())
        }

        #deadline
    };
    let header = format!(
        "// @generated by `sagac codegen --runtime restate` from {}.\n// Do not edit: every run rewrites this file. Your code goes in src/participants.rs.\n// Laid out by prettyplease; rustfmt leaves it alone, so every run gives the same bytes.\n",
        plan.source
    );
    rust_file("src/workflow.rs", tokens, &header)
}

/// The compensation arms of `execute`: the trigger's, then each step's.
fn compensation_arms(plan: &Plan) -> Vec<TokenStream> {
    let saga = plan.saga;
    let trigger_field = &plan.participant(saga.trigger.participant).field;
    let mut all = true;
    let mut arms = Vec::new();
    if saga.trigger.compensation.is_some() {
        let (m, _) = method(plan, Work::TriggerCompensation);
        arms.push(quote! {
            Owner::Trigger => journal(ctx, name, None, async move { p.#trigger_field().#m(&data).await }).await?,
        });
    } else {
        all = false;
    }
    for (i, s) in saga.steps.iter().enumerate() {
        let id = StepId::new(i);
        if s.compensation.is_none() {
            all = false;
            continue;
        }
        let owner = plan.owner_tokens(Owner::Step(id));
        let field = &plan.participant(s.participant).field;
        let (m, _) = method(plan, Work::Compensation(id));
        arms.push(quote! {
            #owner => journal(ctx, name, None, async move { p.#field().#m(&data).await }).await?,
        });
    }
    if !all {
        // Never sent: the orchestrator compensates only owners with a compensation.
        arms.push(quote!(_ => Ok(()),));
    }
    arms
}

/// The deadline as durable time: the start and each check read the clock in a journaled
/// effect, so a replay sees the times the first run saw.
fn deadline(plan: &Plan) -> Option<TokenStream> {
    plan.saga.deadline.as_ref().map(|_| {
        quote! {
            /// Milliseconds since the Unix epoch, journaled.
            async fn clock(ctx: &WorkflowContext<'_>) -> Result<u64, TerminalError> {
                let now: Json<u64> = ctx
                    .run(|| async {
                        let since = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .unwrap_or_default();
                        Ok(Json(u64::try_from(since.as_millis()).unwrap_or(u64::MAX)))
                    })
                    .name("clock")
                    .await?;
                Ok(now.into_inner())
            }

            /// The step of a command that the deadline fails instead of sending it: one
            /// before the point of no return, never one in doubt (its re-send must go out,
            /// since it may have applied).
            async fn past_deadline(
                ctx: &WorkflowContext<'_>,
                saga: &Saga,
                command: &Command,
                started: u64,
            ) -> Result<Option<Step>, TerminalError> {
                let (Some(deadline), Command::Run { step, .. }) = (DEADLINE, command) else {
                    return Ok(None);
                };
                if step.info().after_point_of_no_return || saga.step(*step).in_doubt {
                    return Ok(None);
                }
                let now = clock(ctx).await?;
                let limit = u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX);
                Ok((now.saturating_sub(started) > limit).then_some(*step))
            }
        }
    })
}
