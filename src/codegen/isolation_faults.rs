//! The faults of a generated crate's `tests/isolation.rs`, played as the single-instance
//! tests play them (`scenarios/world.rs`, `scenarios/run.rs`), each on its instance and
//! fired once where it first applies: the `RecordStore`'s owners fail (`fail:`), time out
//! (`timeout:`, the effect applied unless the run is the one where it was not:
//! `unapplied:`), run out of attempts (`exhaust:`), meet an undeclared error
//! (`uncaught:`) or are down (`outage:`), and receive a command again (`dup:`); the
//! harness strikes as a saga's commands go out: the deadline (`deadline:`, before the
//! step's command; `abandon:` while it is out and not processed; `abandon-applied:` once
//! its participant applied it) and the orchestrator's crash (`crash:orchestrator@`), and
//! a trigger's crash before its publish (`crash:<participant>@<event>`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::scenario::isolation::plays::Branch;
use crate::scenario::{Fault, isolation::IsolationScenario};

use super::plan::Plan;

/// Which faults the crate's isolation tests play (the harness has only their code).
#[derive(Debug, Default, Clone, Copy)]
pub struct Needs {
    pub deadline: bool,
    pub abandon: bool,
    pub abandon_applied: bool,
    pub orchestrator_crash: bool,
    /// A trigger's crash before its publish, without an outbox: the saga never starts.
    pub trigger_lost: bool,
}

impl Needs {
    /// Adds what one test plays.
    pub fn add(&mut self, plan: &Plan, s: &IsolationScenario, branches: &[(u8, Branch)]) {
        for (i, f) in &s.faults {
            match f {
                Fault::Deadline(step) => {
                    if branches.contains(&(*i, Branch::Outstanding(*step))) {
                        self.abandon = true;
                    } else if branches.contains(&(*i, Branch::OutstandingApplied(*step))) {
                        self.abandon_applied = true;
                    } else {
                        self.deadline = true;
                    }
                }
                Fault::OrchestratorCrash(_) => self.orchestrator_crash = true,
                Fault::Crash { .. } => {
                    let saga = plan.saga;
                    let outbox = saga.outbox_of(saga.trigger.participant).is_some();
                    self.trigger_lost |= !outbox && !saga.has_engine();
                }
                _ => {}
            }
        }
    }
}

/// A test's faults as the harness names them: the scenario's, each with its instance,
/// with the way the run took it where the search explores more than one.
pub fn names(plan: &Plan, s: &IsolationScenario, branches: &[(u8, Branch)]) -> Vec<(u8, String)> {
    let saga = plan.saga;
    let mut out = Vec::new();
    for &(i, f) in &s.faults {
        let name = f.name(saga);
        let step = |s: crate::model::StepId| saga.step(s).id.value.clone();
        match f {
            Fault::Deadline(s) if branches.contains(&(i, Branch::Outstanding(s))) => {
                out.push((i, format!("abandon:{}", step(s))));
            }
            Fault::Deadline(s) if branches.contains(&(i, Branch::OutstandingApplied(s))) => {
                out.push((i, format!("abandon-applied:{}", step(s))));
            }
            Fault::Timeout(s) if branches.contains(&(i, Branch::Unapplied(s))) => {
                out.push((i, name));
                out.push((i, format!("unapplied:{}", step(s))));
            }
            _ => out.push((i, name)),
        }
    }
    out
}

/// The owners' side: a step's command under a fault, and a duplicate delivery. A
/// choreography's broker plays `exhaust:` and `fail:` alone (`choreography_isolation.rs`),
/// so its store has only those.
pub fn store(plan: &Plan) -> TokenStream {
    let orchestration = plan.orchestration.then(|| {
        quote! {
                let info = step.info();
                if self.faults.contains(&(i, format!("outage:{}", info.participant.name()))) {
                    // Lost: with a timeout the attempt times out, unless it is re-sent
                    // without limit (then no attempt ever answers).
                    let resent_forever = matches!(step.kind(), StepKind::Pivot | StepKind::Retriable)
                        && info.retry.max_attempts.is_none();
                    return Some(Err(if info.timeout.is_some() && !resent_forever {
                        StepError::TimedOut
                    } else {
                        StepError::Unanswered
                    }));
                }
                if self.fire(i, &format!("timeout:{id}")) {
                    // In doubt: applied, unless this is the run where it was not, or its
                    // owner refuses it (then nothing applies and the answer is lost too).
                    let unapplied = self.fire(i, &format!("unapplied:{id}"));
                    if !unapplied && self.refusal(i, Call::Run(step), data).is_none() {
                        self.apply(i, Call::Run(step), data);
                    }
                    return Some(Err(StepError::TimedOut));
                }
                if self.fire(i, &format!("uncaught:{id}")) {
                    return Some(Err(StepError::Unexpected("an error nobody declared".to_owned())));
                }
        }
    });
    let data = if plan.orchestration {
        quote!(data)
    } else {
        quote!(_data)
    };
    quote! {
        impl RecordStore {
            /// The answer a fault of instance `i` gives its command for `step`, if one
            /// strikes (`None`: the records decide).
            fn injected(&mut self, i: usize, step: Step, #data: &SagaData) -> Option<Result<(), StepError>> {
                let id = step.id();
                #orchestration
                if self.exhausting.contains(&(i, step)) || self.fire(i, &format!("exhaust:{id}")) {
                    self.exhausting.insert((i, step));
                    return Some(Err(StepError::Transient("every attempt fails".to_owned())));
                }
                if self.fire(i, &format!("fail:{id}")) {
                    return Some(Err(if step.kind() == StepKind::Retriable {
                        StepError::Transient("the first attempt fails".to_owned())
                    } else {
                        StepError::Business(Failure::Other("injected".to_owned()))
                    }));
                }
                None
            }

            /// A duplicate delivery of instance `i`'s command for `step` (`dup:`): its
            /// participant answers as the first time, and applies the effect again only
            /// without an idempotency key, and only if the first delivery applied it.
            #[allow(dead_code)]
            fn again(&mut self, i: usize, step: Step, data: &SagaData) -> Result<(), StepError> {
                let applied = self.applied.contains(&(i, step));
                if applied && step.kind() != StepKind::ReadOnly && step.info().idempotency_key.is_none() {
                    self.apply(i, Call::Run(step), data);
                }
                Ok(())
            }
        }
    }
}

/// `send`: the commands a saga returned, as they go out, with the faults that strike
/// there (the deadline, the orchestrator's crash); only those the tests play.
pub fn send(plan: &Plan, needs: Needs) -> TokenStream {
    let deadline = needs.deadline.then(|| {
        quote! {
            if fire("deadline") {
                // The deadline passes before the command goes out: neither it nor those
                // queued after it are sent.
                let mut unsent = vec![command];
                unsent.extend(queue.drain(..));
                queue.extend(saga.on_deadline(&unsent));
                continue;
            }
        }
    });
    let abandon = needs.abandon.then(|| {
        quote! {
            if fire("abandon") {
                // Sent, never processed: the deadline passes while it is out.
                let unsent: Vec<Command> = queue.drain(..).collect();
                queue.extend(saga.on_deadline(&unsent));
                continue;
            }
        }
    });
    let crash = needs.orchestrator_crash.then(|| {
        let after = if plan.durable_state() {
            quote! {
                // Restarted, it reads the saga back from its log and sends what it awaits.
                out.clear();
                queue = VecDeque::from(saga.pending());
                continue;
            }
        } else {
            quote! {
                // No saga log: the saga is lost with the orchestrator's memory.
                store.borrow_mut().lost.insert(i);
                return Vec::new();
            }
        };
        quote! {
            if store.borrow_mut().fire(i, &format!("crash:orchestrator@{}", step.id())) {
                #after
            }
        }
    });
    if deadline.is_none() && abandon.is_none() && crash.is_none() {
        return quote! {
            /// The commands a saga returned, as they go out (no test strikes there).
            fn send(_saga: &mut Saga, _store: &RefCell<RecordStore>, _i: usize, commands: Vec<Command>) -> Vec<Command> {
                commands
            }
        };
    }
    let fire = (deadline.is_some() || abandon.is_some()).then(|| {
        quote! {
            let fire = |fault: &str| store.borrow_mut().fire(i, &format!("{fault}:{}", step.id()));
        }
    });
    quote! {
        /// The commands a saga returned, as they go out: the deadline and the
        /// orchestrator's crash strike before a step's first command.
        fn send(saga: &mut Saga, store: &RefCell<RecordStore>, i: usize, commands: Vec<Command>) -> Vec<Command> {
            let mut queue = VecDeque::from(commands);
            let mut out = Vec::new();
            while let Some(command) = queue.pop_front() {
                if let Command::Run { step, attempt: 1, .. } = command {
                    #fire
                    #deadline
                    #abandon
                    #crash
                }
                out.push(command);
            }
            out
        }
    }
}
