//! The `RecordStore` of a generated crate's `tests/isolation.rs`: every owner's records in
//! one place, shared by the participants of several instances of the saga. It applies each
//! call's effects (the spec's `effects`, as the model resolved them, default undos
//! included) in one local transaction with the countermeasures the spec declares: a
//! semantic lock refuses (`Failure::Locked`) or parks a call, `if_unchanged` answers
//! `Failure::Changed`, a guard answers `Failure::WrongState`, counters change by atomic
//! deltas, a version file merges writes. As it goes it keeps, per instance and record, what
//! the contract's anomalies are defined over (`isolation.md` §4: observed, stale, read,
//! pending) and logs each anomaly it sees, so a test can assert the one the simulator
//! predicts, or that there is none.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::BuiltinFailure;
use crate::model::Owner;
use crate::model::resources::{Actor, OnLocked, Verb};

use super::plan::Plan;

/// The store's types and its effect table.
pub fn tokens(plan: &Plan) -> TokenStream {
    let table = table(plan);
    let builtin = builtin(plan);
    let logic = logic();
    quote! {
        /// What an effect does to its record (the spec's verbs; a spec uses some).
        #[allow(dead_code)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Verb {
            Read,
            Write,
            Increase,
            Decrease,
            Create,
            Set,
        }

        /// What an access does when another saga holds its record's lock.
        #[allow(dead_code)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum OnLocked {
            Wait,
            Fail,
            Proceed,
        }

        /// One effect of an action, as the spec declares it.
        #[derive(Debug)]
        struct Access {
            resource: Resource,
            /// The data field whose value picks the record.
            field: &'static str,
            verb: Verb,
            /// A `set`'s guard (empty: none).
            from: &'static [&'static str],
            /// The state a `create` or `set` leaves the record in.
            to: Option<&'static str>,
            /// `if_unchanged` on a field some action writes: the owner compares versions.
            version_checked: bool,
            on_locked: OnLocked,
            /// A change others must not act on while it is pending (every change but the
            /// direction of a counter's `pessimistic_view`).
            exposed: bool,
            /// The resource has a version file: writes merge, nothing is overwritten.
            merges: bool,
        }

        /// A participant call of one instance: the trigger, a step's command or a
        /// compensation's, or a duplicate delivery of a step's command.
        #[allow(dead_code)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Call {
            Trigger,
            Run(Step),
            Undo(Owner),
            Again(Step),
        }

        #table
        #builtin
        #logic
    }
}

/// The `Call` value of an action a participant runs (`Call::Run(Step::CheckStock)`);
/// `None` for a reaction, which the store does not play.
pub(super) fn call(plan: &Plan, actor: Actor) -> Option<TokenStream> {
    Some(match actor {
        Actor::Trigger => quote!(Call::Trigger),
        Actor::Step(s) => {
            let v = &plan.step(s).variant;
            quote!(Call::Run(Step::#v))
        }
        Actor::Compensation(owner) => {
            let o = plan.owner_tokens(owner);
            quote!(Call::Undo(#o))
        }
        Actor::Reaction(_) => return None,
    })
}

/// `Call::effects` and `Call::pending`, from the model's effects and point of no return.
fn table(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let Some(names) = &plan.resources else {
        return TokenStream::new();
    };
    let mut arms = Vec::new();
    for entry in &saga.resources.actions {
        let Some(call) = call(plan, entry.actor) else {
            continue;
        };
        let accesses = entry.effects.iter().map(|e| {
            let r = saga.resources.resource(e.record.resource);
            let resource = names.variant(e.record.resource);
            let field = &e.record.field.value;
            let verb = match e.verb {
                Verb::Read => quote!(Verb::Read),
                Verb::Write => quote!(Verb::Write),
                Verb::Increase => quote!(Verb::Increase),
                Verb::Decrease => quote!(Verb::Decrease),
                Verb::Create => quote!(Verb::Create),
                Verb::Set => quote!(Verb::Set),
            };
            let from = e.from.iter().map(|f| f.value.as_str());
            let to = match &e.to {
                Some(t) => {
                    let t = &t.value;
                    quote!(Some(#t))
                }
                None => quote!(None),
            };
            let written = |field: &str| {
                saga.trigger.data.iter().any(|f| f.value == field)
                    || saga
                        .steps
                        .iter()
                        .any(|s| s.writes.iter().any(|w| w.value == field))
            };
            let version_checked = e.if_unchanged.as_ref().is_some_and(|f| written(&f.value));
            let on_locked = match e.on_locked(r) {
                OnLocked::Wait => quote!(OnLocked::Wait),
                OnLocked::Fail => quote!(OnLocked::Fail),
                OnLocked::Proceed => quote!(OnLocked::Proceed),
            };
            let exposed = match (e.verb.direction(), &r.pessimistic_view) {
                (Some(d), Some(view)) => d != view.value,
                _ => true,
            };
            let merges = r.version_file.value;
            quote! {
                Access {
                    resource: #resource,
                    field: #field,
                    verb: #verb,
                    from: &[#(#from),*],
                    to: #to,
                    version_checked: #version_checked,
                    on_locked: #on_locked,
                    exposed: #exposed,
                    merges: #merges,
                },
            }
        });
        arms.push(quote!(#call => &[#(#accesses)*],));
    }
    let trigger_pending = saga.compensation(Owner::Trigger).is_some();
    let pnr = match saga.point_of_no_return() {
        Some(p) => {
            let v = &plan.step(p).variant;
            quote!(Some(Step::#v))
        }
        None => quote!(None),
    };
    quote! {
        /// The step whose success makes an instance's changes final (with none, its end).
        const POINT_OF_NO_RETURN: Option<Step> = #pnr;

        impl Call {
            /// The spec's effects of the call (a compensation that declares none: the
            /// undo of its step's `write`, `increase` and `decrease`).
            #[allow(unreachable_patterns)]
            fn effects(self) -> &'static [Access] {
                match self {
                    #(#arms)*
                    _ => &[],
                }
            }

            /// Whether a change it makes before the point of no return stays pending
            /// (the point of no return's own is final, an undo is never pending).
            fn pending(self) -> bool {
                match self {
                    Call::Trigger => #trigger_pending,
                    Call::Run(step) | Call::Again(step) => Some(step) != POINT_OF_NO_RETURN,
                    Call::Undo(_) => false,
                }
            }
        }
    }
}

/// `builtin(name)`: the `Failure` of a built-in isolation failure the crate has.
fn builtin(plan: &Plan) -> TokenStream {
    let arms: Vec<TokenStream> = super::resources::builtins(plan.saga)
        .into_iter()
        .map(|b: BuiltinFailure| {
            let name = b.as_str();
            let v = super::names::ident(name);
            quote!(#name => Failure::#v,)
        })
        .collect();
    let body = if arms.is_empty() {
        quote!(Failure::Other(name.to_owned()))
    } else {
        quote!(match name {
            #(#arms)*
            _ => Failure::Other(name.to_owned()),
        })
    };
    quote! {
        /// The answer for a built-in isolation failure (`Locked`, `Changed`, `WrongState`).
        fn builtin(name: &'static str) -> StepError {
            StepError::Business(#body)
        }
    }
}

/// The store itself: the same for every saga.
fn logic() -> TokenStream {
    let state = store_state();
    let basics = store_basics();
    let call = store_call();
    let access = store_access();
    let undo = store_undo();
    quote!(#state #basics #call #access #undo)
}

/// The records, what each instance knows of them, and the anomalies seen.
fn store_state() -> TokenStream {
    quote! {
        /// One record, as its owner keeps it.
        #[derive(Debug, Clone, Default)]
        struct Record {
            /// Its state (`None`: not created yet, or a resource without states).
            state: Option<&'static str>,
            /// A counter's level, or the value the last `write` left.
            level: i64,
            /// The instance holding its lock.
            holder: Option<usize>,
            /// The instance that changed it last.
            changer: Option<usize>,
        }

        /// What one instance's accesses left on one record (contract §4).
        #[derive(Debug, Clone, Copy, Default)]
        struct Seen {
            /// It read, wrote, created or set the record.
            observed: bool,
            /// Another instance changed the record since it last observed it.
            stale: bool,
            /// It read the record.
            read: bool,
            /// Another instance changed the record since its last read.
            changed_since_read: bool,
            /// Its change to the record is not final yet.
            pending: bool,
            /// That change is one others must not act on.
            exposed: bool,
            /// The value before its last `write` (what its compensation restores).
            before: i64,
            /// The value it last observed.
            level: i64,
        }

        /// An anomaly the store saw: the invariant it breaks, in the simulator's words.
        #[derive(Debug, Clone)]
        struct Anomaly {
            invariant: &'static str,
            text: String,
        }

        /// A record: its resource, and the value of the field that picks it.
        type Key = (Resource, String);

        /// Every owner's records, shared by the participants of every instance.
        #[derive(Debug, Default)]
        struct RecordStore {
            records: BTreeMap<Key, Record>,
            seen: BTreeMap<(usize, Key), Seen>,
            /// Per (reader, record): the instances whose exposed pending change it read.
            dirty: BTreeMap<(usize, Key), BTreeSet<usize>>,
            /// Faults left to fire, each once: `(instance, "fail:<step>")`.
            faults: Vec<(usize, String)>,
            /// Per instance, the steps whose effects applied (the undo of one that never
            /// did is a no-op), and those whose every attempt fails (`exhaust:`).
            applied: BTreeSet<(usize, Step)>,
            exhausting: BTreeSet<(usize, Step)>,
            /// Instances whose orchestrator was lost (a crash without a saga log); read
            /// only by a saga with a deadline, which ends a wait.
            #[allow(dead_code)]
            lost: BTreeSet<usize>,
            /// Instances whose changes are final.
            settled: BTreeSet<usize>,
            anomalies: Vec<Anomaly>,
        }
    }
}

/// The store's bookkeeping: faults, keys, locks, and what ends an instance's changes.
fn store_basics() -> TokenStream {
    quote! {
        impl RecordStore {
            fn new(faults: &[(usize, &str)]) -> RecordStore {
                RecordStore {
                    faults: faults.iter().map(|(i, f)| (*i, (*f).to_owned())).collect(),
                    ..RecordStore::default()
                }
            }

            fn fire(&mut self, i: usize, fault: &str) -> bool {
                match self.faults.iter().position(|(j, f)| *j == i && f == fault) {
                    Some(at) => {
                        self.faults.remove(at);
                        true
                    }
                    None => false,
                }
            }

            fn key(access: &Access, data: &SagaData) -> Key {
                (access.resource, data.get(access.field).unwrap_or_default().to_owned())
            }

            fn seen(&self, i: usize, key: &Key) -> Seen {
                self.seen.get(&(i, key.clone())).copied().unwrap_or_default()
            }

            fn record(&self, key: &Key) -> Record {
                self.records.get(key).cloned().unwrap_or_default()
            }

            fn log(&mut self, invariant: &'static str, text: String) {
                self.anomalies.push(Anomaly { invariant, text });
            }

            /// Whether the owner stashes the call: it meets a lock another instance
            /// holds, under `on_locked: wait` (a compensation always waits).
            fn parks(&self, i: usize, call: Call, data: &SagaData) -> bool {
                let always_waits = matches!(call, Call::Undo(_));
                call.effects().iter().any(|access| {
                    let held = self.record(&RecordStore::key(access, data)).holder;
                    held.is_some_and(|h| h != i)
                        && (always_waits || access.on_locked == OnLocked::Wait)
                })
            }

            /// Instance `i`'s changes are final: no longer pending, no reader read dirty.
            fn settle(&mut self, i: usize) {
                for ((j, _), seen) in self.seen.iter_mut() {
                    if *j == i {
                        seen.pending = false;
                        seen.exposed = false;
                    }
                }
                for writers in self.dirty.values_mut() {
                    writers.remove(&i);
                }
                self.settled.insert(i);
            }

            /// Instance `i`'s saga ended: its changes are final, and unless it is stuck
            /// it must hold no lock.
            fn ended(&mut self, i: usize, outcome: Outcome) {
                self.settle(i);
                if outcome == Outcome::Stuck {
                    return;
                }
                let held: Vec<String> = self
                    .records
                    .iter()
                    .filter(|(_, r)| r.holder == Some(i))
                    .map(|((resource, value), r)| {
                        format!("{}[{value}] in {}", resource.name(), r.state.unwrap_or("?"))
                    })
                    .collect();
                for record in held {
                    self.log("locks_released", format!("[{}] ends holding the lock of {record}", letter(i)));
                }
            }
        }
    }
}

/// A call: a fault, a refusal, or its effects applied in one local transaction.
fn store_call() -> TokenStream {
    quote! {
        impl RecordStore {
            /// One participant call of instance `i`.
            fn call(&mut self, i: usize, call: Call, data: &SagaData) -> Result<(), StepError> {
                assert!(!self.parks(i, call, data), "[{}] {call:?} meets a lock its owner parks it on", letter(i));
                match call {
                    Call::Again(step) => return self.again(i, step, data),
                    Call::Run(step) => {
                        if let Some(answer) = self.injected(i, step, data) {
                            return answer;
                        }
                        // A repeat its participant recognises by the idempotency key: answered
                        // as before, whatever the records are now.
                        if self.applied.contains(&(i, step)) && step.info().idempotency_key.is_some() {
                            return Ok(());
                        }
                    }
                    // The undo of an effect that never applied is a no-op.
                    Call::Undo(Owner::Step(step)) if !self.applied.contains(&(i, step)) => return Ok(()),
                    _ => {}
                }
                if let Some(refused) = self.refusal(i, call, data) {
                    return Err(builtin(refused));
                }
                self.apply(i, call, data);
                Ok(())
            }

            /// The call's effects, in one local transaction.
            fn apply(&mut self, i: usize, call: Call, data: &SagaData) {
                let pending = !self.settled.contains(&i) && call.pending();
                for access in call.effects() {
                    self.access(i, call, access, RecordStore::key(access, data), pending);
                }
                if let Call::Run(step) = call {
                    self.applied.insert((i, step));
                    if Some(step) == POINT_OF_NO_RETURN {
                        self.settle(i);
                    }
                }
            }

            /// The built-in failure the owner answers instead of applying the call: a
            /// lock under `on_locked: fail` (a step or the trigger), a version that moved
            /// (`if_unchanged`), a guard that refuses (for a compensation, unless the
            /// record is already in its `to`: a repeat).
            fn refusal(&mut self, i: usize, call: Call, data: &SagaData) -> Option<&'static str> {
                let step = matches!(call, Call::Run(_) | Call::Trigger);
                let effects = call.effects();
                let locked = effects.iter().any(|access| {
                    let held = self.record(&RecordStore::key(access, data)).holder;
                    step && held.is_some_and(|h| h != i) && access.on_locked == OnLocked::Fail
                });
                if locked {
                    return Some("Locked");
                }
                let moved: Vec<Key> = effects
                    .iter()
                    .filter(|access| access.version_checked)
                    .map(|access| RecordStore::key(access, data))
                    .filter(|key| self.seen(i, key).stale)
                    .collect();
                if !moved.is_empty() {
                    // The answer carries the current version: the saga holds it now.
                    for key in moved {
                        let seen = self.seen.entry((i, key)).or_default();
                        seen.observed = true;
                        seen.stale = false;
                    }
                    return Some("Changed");
                }
                let refused = effects.iter().any(|access| {
                    let state = self.record(&RecordStore::key(access, data)).state;
                    let passes = access.verb != Verb::Set
                        || access.from.is_empty()
                        || state.is_some_and(|s| access.from.contains(&s));
                    let repeat = !step && state.is_some() && state == access.to;
                    !passes && !repeat
                });
                refused.then_some("WrongState")
            }
        }
    }
}

/// One access: the effect, and the anomaly bookkeeping around it.
fn store_access() -> TokenStream {
    quote! {
        impl RecordStore {
            fn access(&mut self, i: usize, call: Call, access: &Access, key: Key, pending: bool) {
                let compensation = matches!(call, Call::Undo(_));
                if compensation {
                    self.undone(i, &key);
                }
                let mut record = self.record(&key);
                let mut seen = self.seen(i, &key);
                let name = format!("{}[{}]", access.resource.name(), access.field);
                let me = letter(i);
                match access.verb {
                    Verb::Read => {
                        if seen.read && seen.changed_since_read {
                            self.log("no_fuzzy_read", format!("[{me}] reads {name} a second time and finds another value"));
                        }
                        seen.read = true;
                        seen.observed = true;
                        seen.stale = false;
                        seen.changed_since_read = false;
                        seen.level = record.level;
                        self.seen.insert((i, key.clone()), seen);
                        let locked = record.state.is_some_and(|s| access.resource.is_locked(s));
                        if !locked {
                            let writers: Vec<usize> = self
                                .seen
                                .iter()
                                .filter(|((j, k), s)| *j != i && *k == key && s.pending && s.exposed)
                                .map(|((j, _), _)| *j)
                                .collect();
                            self.dirty.entry((i, key)).or_default().extend(writers);
                        }
                        return;
                    }
                    Verb::Write => {
                        if !access.merges && seen.stale {
                            self.lost_update(i, &name, compensation, &record);
                        }
                        if compensation {
                            record.level = seen.before;
                        } else {
                            seen.before = record.level;
                            record.level = seen.level - 1;
                        }
                    }
                    Verb::Set => {
                        if access.from.is_empty() && !access.merges && seen.stale {
                            self.lost_update(i, &name, compensation, &record);
                        }
                        if !access.from.is_empty() && !record.state.is_some_and(|s| access.from.contains(&s)) {
                            // A compensation meeting its own `to`: a repeat, nothing to do.
                            return;
                        }
                        if record.state == access.to {
                            seen.observed = true;
                            seen.stale = false;
                            self.seen.insert((i, key), seen);
                            return;
                        }
                        if let (Some(from), Some(to)) = (record.state, access.to) {
                            if !access.resource.can_move(from, to) {
                                self.log("legal_transitions", format!("[{me}] moves {name} from {from} to {to}, which is not among its transitions"));
                            }
                        }
                        record.state = access.to;
                        record.holder = access.to.filter(|t| access.resource.is_locked(t)).map(|_| i);
                    }
                    Verb::Create => {
                        record.state = access.to;
                        record.holder = access.to.filter(|t| access.resource.is_locked(t)).map(|_| i);
                    }
                    Verb::Increase => record.level += 1,
                    Verb::Decrease => record.level -= 1,
                }
                if !matches!(access.verb, Verb::Increase | Verb::Decrease) {
                    seen.observed = true;
                    seen.stale = false;
                    seen.level = record.level;
                }
                if pending && !compensation {
                    seen.pending = true;
                    seen.exposed |= access.exposed;
                }
                record.changer = Some(i);
                self.seen.insert((i, key.clone()), seen);
                self.records.insert(key.clone(), record);
                // A change: stale for every other instance that observed the record.
                for ((j, k), other) in self.seen.iter_mut() {
                    if *j != i && *k == key {
                        other.stale |= other.observed;
                        other.changed_since_read |= other.read;
                    }
                }
            }

        }
    }
}

/// A lost update, and the undo that makes a read dirty.
fn store_undo() -> TokenStream {
    quote! {
        impl RecordStore {
            fn lost_update(&mut self, i: usize, name: &str, compensation: bool, record: &Record) {
                let other = record.changer.filter(|&j| j != i).map_or_else(|| "another instance".to_owned(), |j| format!("[{}]", letter(j)));
                let me = letter(i);
                let text = if compensation {
                    format!("[{me}]'s compensation restores {name} to the value [{me}] saw, over {other}'s change")
                } else {
                    format!("[{me}] overwrites {other}'s change to {name}, made after [{me}] observed it")
                };
                self.log("no_lost_update", text);
            }

            /// Instance `i` undoes its change to `key`: every reader that acted on it
            /// while it was pending read a value that never became true.
            fn undone(&mut self, i: usize, key: &Key) {
                let readers: Vec<usize> = self
                    .dirty
                    .iter_mut()
                    .filter(|((_, k), writers)| k == key && writers.contains(&i))
                    .map(|((j, _), writers)| {
                        writers.remove(&i);
                        *j
                    })
                    .collect();
                for j in readers {
                    self.log("no_dirty_read", format!("[{}] read {}[{}] while [{}]'s change to it was pending, and [{}] then undid it", letter(j), key.0.name(), key.1, letter(i), letter(i)));
                }
                let seen = self.seen.entry((i, key.clone())).or_default();
                seen.pending = false;
                seen.exposed = false;
            }
        }

        /// An instance's letter: `a`, `b`, ...
        fn letter(i: usize) -> char {
            char::from(b'a' + i as u8)
        }
    }
}
