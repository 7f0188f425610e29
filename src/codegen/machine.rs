//! The orchestrator as a sans-IO state machine: `Saga::start(data)` and
//! `Saga::on_reply(reply)` return the commands to send next, and nothing else happens in
//! it (no I/O, no clock, no threads), so it can be persisted, replayed and tested. The
//! rules are those of `docs/simulation.md` ("Orchestration"); only the tables and the
//! `Reply` enum depend on the saga, the rest is the same code for every saga.

use proc_macro2::TokenStream;
use quote::quote;

use super::cancel;
use super::classes;
use super::compensation_context;
use super::compensation_timeout;
use super::decision;
use super::escalation;
use super::plan::Plan;
use super::runs_for;
use super::terminate;
use super::tokens::{docs, option_duration, usize_lit};
use super::uncaught;

pub fn tokens(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let n = usize_lit(saga.steps.len());
    let stages = saga.stages.iter().map(|stage| {
        let steps = stage.steps().iter().map(|&s| {
            let v = &plan.step(s).variant;
            quote!(Step::#v)
        });
        quote!(&[#(#steps),*],)
    });
    let durable_start = plan.durable_start();
    let durable_state = plan.durable_state();
    let deadline = option_duration(saga.deadline.as_ref().map(|d| d.value));
    let log_doc = match saga.orchestrator.as_ref() {
        Some(o) if o.engine.is_some() => "The workflow engine keeps the saga's state.".to_owned(),
        Some(o) => match &o.log {
            Some(log) => format!(
                "The orchestrator persists `Saga` in its log (`{}`).",
                log.value
            ),
            None => "No `orchestrator.log`: a crash of the orchestrator loses the saga.".to_owned(),
        },
        None => String::new(),
    };
    let durable_state_doc = docs(&format!(
        "Whether the orchestrator's state survives its crash, so that it resumes with\n`Saga::pending`. {log_doc}"
    ));

    let reply_variants = plan.steps.iter().map(|names| {
        let v = &names.variant;
        match &names.output {
            Some(o) => quote!(#v(Result<#o, StepError>),),
            None => quote!(#v(Result<(), StepError>),),
        }
    });
    let terminate = Terminate::of(plan);
    let Terminate {
        table,
        state,
        field,
        init,
        outcome_arm,
        ended,
        failure,
        on_failure,
        settle,
    } = &terminate;
    let cancel::Parts {
        state: cancel_state,
        field: cancel_field,
        init: cancel_init,
        outcome_arm: cancel_outcome_arm,
        ended: cancel_ended,
        on_result: cancel_on_result,
        settle: cancel_settle,
        compensated,
    } = cancel::Parts::of(plan);
    let cancel_settle_end = cancel::settle_end(plan);
    let decision::Parts {
        field: decision_field,
        init: decision_init,
        on_success: decision_on_success,
        on_failing: decision_on_failing,
    } = decision::Parts::of(plan);
    let uncaught_table = uncaught::table(plan);
    let uncaught_on_result = uncaught::on_result(plan);
    let uncaught_handled = uncaught::handled(plan);
    let classes_table = classes::table(plan);
    let classes_on_result = classes::on_result(plan);
    let builtin_on_result = classes::builtin_on_result(plan);
    let queue_if = runs_for::queue_if(plan);
    let context = compensation_context::machine(plan);
    let compensation_context::MachineParts {
        items: context_items,
        field: context_field,
        init: context_init,
        keep_error,
        note_failure,
        gives_up_at_once,
    } = &context;
    let escalation = escalation::machine(plan);
    let escalation::MachineParts {
        items: escalation_items,
        command_copy,
        command: escalate_command,
        reply: escalation_reply,
        reply_arm: escalation_reply_arm,
        state: attention_state,
        field: escalation_field,
        init: escalation_init,
        pending_arm: attention_pending,
        outcome_arm: attention_outcome,
        give_up,
        all_ran,
    } = &escalation;
    let compensation_timeout::MachineParts {
        items: timeout_items,
        field: timeout_field,
        init: timeout_init,
    } = &compensation_timeout::machine(plan);
    let runs_for_table = runs_for::table(plan);
    let refused_gives_up = super::resources::compensation_gives_up(plan);
    let reply_arms = plan.steps.iter().map(|names| {
        let v = &names.variant;
        quote!(Reply::#v(result) => self.on_result(Step::#v, result),)
    });
    quote! {
        #table
        #runs_for_table
        #context_items
        #escalation_items
        #timeout_items
        #uncaught_table
        #classes_table

        /// What runs at each point of the saga, in order: one step, or the branches of a
        /// parallel group (sent together, joined before the next stage).
        pub const STAGES: &[&[Step]] = &[#(#stages)*];

        /// Whether the trigger's event survives a crash of its service before it is published
        /// (an outbox, or an engine that starts the saga).
        pub const DURABLE_START: bool = #durable_start;

        #durable_state_doc
        pub const DURABLE_STATE: bool = #durable_state;

        /// If it passes before the point of no return succeeded, the saga compensates.
        pub const DEADLINE: Option<Duration> = #deadline;

        /// What the orchestrator asks for next.
        #[derive(Debug, Clone, #command_copy PartialEq, Eq)]
        pub enum Command {
            /// Run a step's action (`attempt` counts from 1), after waiting `delay`.
            Run {
                step: Step,
                attempt: u32,
                delay: Duration,
            },
            /// Run a compensation, after waiting `delay`.
            Compensate {
                owner: Owner,
                attempt: u32,
                delay: Duration,
                #timeout_field
            },
            #escalate_command
        }

        /// A participant's answer to a command: one variant per step (named after it,
        /// carrying what its action returned), and one for every compensation.
        #[allow(clippy::enum_variant_names, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Reply {
            #(#reply_variants)*
            /// The answer of a compensation.
            Compensation(Owner, Result<(), StepError>),
            #escalation_reply
        }


        /// What the orchestrator knows of a step.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum Status {
            #[default]
            Idle,
            /// Its command is out; no answer yet.
            Awaiting,
            Done,
            /// It failed and applied nothing (or its retries ran out).
            Failed,
            /// It timed out: its effect may or may not be applied.
            InDoubt,
        }

        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct StepState {
            pub status: Status,
            /// Attempts sent.
            pub attempts: u32,
            /// Whether some attempt timed out.
            pub in_doubt: bool,
        }

        /// Where the saga is.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum State {
            /// Running the steps of `STAGES[stage]`; `failing` once one of them failed (the
            /// others are awaited before compensating).
            Running { stage: usize, failing: bool },
            /// Running the first compensation of `queue` (its `attempts`-th attempt); the rest
            /// follow in order.
            Compensating { queue: Vec<Owner>, attempts: u32 },
            /// Every step succeeded.
            Completed,
            /// Every applied effect was undone.
            Compensated,
            /// Something gave up; a person must look at it.
            Stuck(Stuck),
            #state
            #attention_state
            #cancel_state
        }

        /// The orchestrator: everything it knows of one saga. Persist it after every
        /// transition (it is the saga log's record) and resume with `pending`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct Saga {
            pub data: SagaData,
            pub state: State,
            /// Per step, in `Step` order.
            pub steps: [StepState; #n],
            #field
            #context_field
            #escalation_field
            #cancel_field
            #decision_field
        }

        impl Saga {
            /// Starts the saga once the trigger has committed: the first stage's commands.
            pub fn start(data: SagaData) -> (Saga, Vec<Command>) {
                let mut saga = Saga {
                    data,
                    state: State::Running {
                        stage: 0,
                        failing: false,
                    },
                    steps: [StepState::default(); #n],
                    #init
                    #context_init
                    #escalation_init
                    #cancel_init
                    #decision_init
                };
                let commands = saga.advance(0);
                (saga, commands)
            }

            /// Takes a participant's answer and returns the commands to send next. An answer
            /// the orchestrator no longer waits for (a duplicate, a late one) is ignored.
            pub fn on_reply(&mut self, reply: Reply) -> Vec<Command> {
                match reply {
                    #(#reply_arms)*
                    Reply::Compensation(owner, result) => self.on_compensation(owner, result),
                    #escalation_reply_arm
                }
            }

            /// A step failed without its participant answering (the driver's deadline).
            pub fn on_error(&mut self, step: Step, error: StepError) -> Vec<Command> {
                self.on_result::<()>(step, Err(error))
            }

            /// The commands a resumed orchestrator sends again: those whose answer it was
            /// waiting for when it stopped (participants deduplicate on their idempotency key).
            pub fn pending(&self) -> Vec<Command> {
                match &self.state {
                    State::Running { stage, .. } => STAGES
                        .get(*stage)
                        .copied()
                        .unwrap_or_default()
                        .iter()
                        .filter(|step| self.step(**step).status == Status::Awaiting)
                        .map(|&step| Command::Run {
                            step,
                            attempt: self.step(step).attempts,
                            delay: Duration::ZERO,
                        })
                        .collect(),
                    State::Compensating { queue, attempts } => queue
                        .first()
                        .map(|&owner| Command::Compensate {
                            owner,
                            attempt: *attempts,
                            delay: Duration::ZERO,
                            #timeout_init
                        })
                        .into_iter()
                        .collect(),
                    #attention_pending
                    State::Completed | State::Compensated | State::Stuck(_) #ended #cancel_ended => Vec::new(),
                }
            }

            /// How the saga ended, once it has.
            pub fn outcome(&self) -> Option<Outcome> {
                match self.state {
                    State::Completed => Some(Outcome::Completed),
                    State::Compensated => Some(Outcome::Compensated),
                    State::Stuck(_) => Some(Outcome::Stuck),
                    #outcome_arm
                    #attention_outcome
                    #cancel_outcome_arm
                    State::Running { .. } | State::Compensating { .. } => None,
                }
            }

            pub fn step(&self, step: Step) -> StepState {
                self.steps[step as usize]
            }

            fn step_mut(&mut self, step: Step) -> &mut StepState {
                &mut self.steps[step as usize]
            }

            /// Starts a stage, or completes the saga after the last.
            fn advance(&mut self, stage: usize) -> Vec<Command> {
                let Some(steps) = STAGES.get(stage) else {
                    self.state = State::Completed;
                    return Vec::new();
                };
                self.state = State::Running {
                    stage,
                    failing: false,
                };
                steps.iter().map(|&step| self.send(step)).collect()
            }

            /// The next attempt of a step.
            fn send(&mut self, step: Step) -> Command {
                let state = self.step_mut(step);
                state.status = Status::Awaiting;
                state.attempts += 1;
                let attempt = state.attempts;
                Command::Run {
                    step,
                    attempt,
                    delay: step.info().retry.delay_before(attempt),
                }
            }

            fn on_result<O: Output>(&mut self, step: Step, result: Result<O, StepError>) -> Vec<Command> {
                let State::Running { stage, mut failing } = self.state else {
                    return Vec::new();
                };
                if self.step(step).status != Status::Awaiting {
                    return Vec::new();
                }
                #cancel_on_result
                let info = step.info();
                let attempts = self.step(step).attempts;
                #keep_error
                #uncaught_on_result
                #builtin_on_result
                #classes_on_result
                match result {
                    Ok(output) => {
                        output.store(&mut self.data);
                        self.step_mut(step).status = Status::Done;
                        #decision_on_success
                    }
                    Err(StepError::Business(#failure)) if info.kind != StepKind::Retriable => {
                        self.step_mut(step).status = Status::Failed;
                        failing = true;
                        #on_failure
                    }
                    Err(StepError::Business(_) | StepError::Transient(_)) => {
                        if info.retry.allows(attempts + 1) {
                            return vec![self.send(step)];
                        }
                        // Out of attempts: a transient failure applied nothing, so before the
                        // point of no return this is a business failure.
                        self.step_mut(step).status = Status::Failed;
                        if info.after_point_of_no_return {
                            self.state = State::Stuck(Stuck::Step(step));
                            return Vec::new();
                        }
                        failing = true;
                    }
                    Err(StepError::TimedOut) => {
                        self.step_mut(step).in_doubt = true;
                        if matches!(info.kind, StepKind::Pivot | StepKind::Retriable) {
                            // Re-sent with its idempotency key: a participant that applied the
                            // effect recognises the key.
                            if info.retry.allows(attempts + 1) {
                                return vec![self.send(step)];
                            }
                            if info.after_point_of_no_return {
                                self.step_mut(step).status = Status::InDoubt;
                                self.state = State::Stuck(Stuck::Step(step));
                                return Vec::new();
                            }
                        }
                        // Compensated with the others: its compensation tolerates an effect
                        // that never happened.
                        self.step_mut(step).status = Status::InDoubt;
                        failing = true;
                    }
                    #uncaught_handled
                }
                #note_failure
                self.state = State::Running { stage, failing };
                self.settle(stage, failing)
            }

            /// Once every branch of the stage has answered: the next stage, or compensation of
            /// every step done or in doubt, latest stage first, a group's branches in reverse
            /// order of declaration, the trigger last.
            fn settle(&mut self, stage: usize, failing: bool) -> Vec<Command> {
                let steps = STAGES.get(stage).copied().unwrap_or_default();
                if steps.iter().any(|&s| self.step(s).status == Status::Awaiting) {
                    return Vec::new();
                }
                #cancel_settle
                if !failing {
                    return self.advance(stage + 1);
                }
                #decision_on_failing
                #settle
                #cancel_settle_end
                let mut queue = Vec::new();
                for steps in STAGES.iter().take(stage + 1).rev() {
                    for &step in steps.iter().rev() {
                        #queue_if
                        {
                            queue.push(Owner::Step(step));
                        }
                    }
                }
                if TRIGGER_COMPENSATION.is_some() {
                    queue.push(Owner::Trigger);
                }
                self.compensate(queue)
            }

            fn compensate(&mut self, queue: Vec<Owner>) -> Vec<Command> {
                let Some(&owner) = queue.first() else {
                    #all_ran
                    self.state = #compensated;
                    return Vec::new();
                };
                self.state = State::Compensating { queue, attempts: 1 };
                vec![Command::Compensate {
                    owner,
                    attempt: 1,
                    delay: Duration::ZERO,
                    #timeout_init
                }]
            }

            fn on_compensation(&mut self, owner: Owner, result: Result<(), StepError>) -> Vec<Command> {
                let State::Compensating { queue, attempts } = &mut self.state else {
                    return Vec::new();
                };
                if queue.first() != Some(&owner) {
                    return Vec::new();
                }
                if result.is_ok() {
                    let mut rest = std::mem::take(queue);
                    rest.remove(0);
                    return self.compensate(rest);
                }
                let retry = owner.retry();
                if !retry.allows(*attempts + 1) #gives_up_at_once #refused_gives_up {
                    #give_up
                    self.state = State::Stuck(Stuck::Compensation(owner));
                    return Vec::new();
                }
                *attempts += 1;
                vec![Command::Compensate {
                    owner,
                    attempt: *attempts,
                    delay: retry.delay_before(*attempts),
                    #timeout_init
                }]
            }
        }
    }
}

/// The state machine's parts for `then: terminate` (version 2), all empty for a saga without
/// a terminating failure, so that its machine is what it was before.
#[derive(Default)]
struct Terminate {
    table: TokenStream,
    state: TokenStream,
    field: TokenStream,
    init: TokenStream,
    outcome_arm: TokenStream,
    ended: TokenStream,
    failure: TokenStream,
    on_failure: TokenStream,
    settle: TokenStream,
}

impl Terminate {
    fn of(plan: &Plan) -> Terminate {
        if !terminate::used(plan) {
            return Terminate {
                failure: quote!(_),
                ..Terminate::default()
            };
        }
        Terminate {
            table: terminate::table(plan),
            state: quote! {
                /// A failure ended the saga without compensating (`then: terminate`): this
                /// step's.
                Terminated(Step),
            },
            field: quote! {
                /// The step whose failure terminates the saga once its stage has settled.
                pub terminating: Option<Step>,
            },
            init: quote!(terminating: None,),
            outcome_arm: quote!(State::Terminated(_) => Some(Outcome::Terminated),),
            ended: quote!(| State::Terminated(_)),
            failure: quote!(failure),
            on_failure: quote! {
                if terminates(step, &failure) && self.terminating.is_none() {
                    self.terminating = Some(step);
                }
            },
            settle: quote! {
                // A terminating failure: the stage's other branches were awaited; nothing is
                // compensated.
                if let Some(step) = self.terminating {
                    self.state = State::Terminated(step);
                    return Vec::new();
                }
            },
        }
    }
}
