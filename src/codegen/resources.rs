//! Version 2, isolation, in the std runtime's `generated.rs`: the `Resource` enum (each
//! resource the saga's actions touch: its owner, its key, a counter or records with
//! states), one state enum per resource with states (`OrderState`, with `TRANSITIONS`,
//! `can_move` and `is_locked`), the built-in failures an owner may answer instead of
//! applying an action (`Failure::{Locked, Changed, WrongState}`, only those the search
//! says can occur: `scenario::isolation::calls::refusals`), and the lines of each trait
//! method's doc that say what its effects require. Nothing is generated for a spec without
//! `resources`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::model::resources::{Actor, Direction, Effect, OnLocked, Resource, Verb};
use crate::model::{BuiltinFailure, ResourceId, Saga};
use crate::scenario::isolation::calls::refusals;

use super::names::{Namespace, camel, ident};
use super::plan::Plan;
use super::tokens::{code_list, docs};

/// The names of the isolation types, claimed after every other type so that a spec's
/// other names are what they were without resources.
#[derive(Debug, Clone)]
pub struct ResourceNames {
    /// The `Resource` enum.
    pub enum_: Ident,
    /// Per declared resource: its variant, and for one with states, its state enum with a
    /// variant per state.
    pub each: Vec<(Ident, Option<StateNames>)>,
}

/// A state enum's name, and a variant per state in the spec's order.
pub type StateNames = (Ident, Vec<Ident>);

impl ResourceNames {
    pub fn new(saga: &Saga, types: &mut Namespace) -> ResourceNames {
        let enum_ = ident(&types.claim("Resource", "Kind"));
        let mut variants = Namespace::default();
        let each = saga
            .resources
            .declared
            .iter()
            .map(|r| {
                let variant = ident(&variants.claim(&camel(&r.name.value), "Resource"));
                let states = r.has_states().then(|| {
                    let name = ident(&types.claim(&format!("{}State", camel(&r.name.value)), ""));
                    let mut ns = Namespace::default();
                    let states = r
                        .states
                        .iter()
                        .map(|s| ident(&ns.claim(&camel(&s.value.to_ascii_lowercase()), "State")))
                        .collect();
                    (name, states)
                });
                (variant, states)
            })
            .collect();
        ResourceNames { enum_, each }
    }

    /// `Resource::Stock`.
    pub fn variant(&self, id: ResourceId) -> TokenStream {
        let e = &self.enum_;
        let v = &self.each[id.index()].0;
        quote!(#e::#v)
    }
}

/// The built-in isolation failures some action of the saga may be answered, in the order
/// `Locked`, `Changed`, `WrongState`.
pub fn builtins(saga: &Saga) -> Vec<BuiltinFailure> {
    if !saga.resources.any() {
        return Vec::new();
    }
    let found = refusals(saga);
    [
        BuiltinFailure::Locked,
        BuiltinFailure::Changed,
        BuiltinFailure::WrongState,
    ]
    .into_iter()
    .filter(|b| found.iter().any(|(_, f)| f == b))
    .collect()
}

/// `Failure`'s variants for the built-in isolation failures that can occur, and their
/// `name()` arms.
pub fn failure_variants(plan: &Plan) -> (TokenStream, TokenStream) {
    let found = if plan.saga.resources.any() {
        refusals(plan.saga)
    } else {
        Vec::new()
    };
    let mut variants = TokenStream::new();
    let mut names = TokenStream::new();
    for b in builtins(plan.saga) {
        let actions: Vec<String> = found
            .iter()
            .filter(|(_, f)| *f == b)
            .map(|(a, _)| actor_name(plan.saga, *a))
            .collect();
        let who = code_list(actions.iter().map(String::as_str));
        let why = match b {
            BuiltinFailure::Locked => {
                "another saga holds the record in a semantic lock state, and the access's\n`on_locked` is `fail`: nothing applied"
            }
            BuiltinFailure::Changed => {
                "the record changed since this saga observed it (`if_unchanged`): nothing\napplied; the answer carries the record's current version"
            }
            _ => "a `set`'s guard refused: the record is not in a `from` state;\nnothing applied",
        };
        let trigger = found
            .iter()
            .any(|(a, f)| *f == b && matches!(a, Actor::Trigger));
        let never_starts = if trigger {
            " (the trigger: the saga\nnever starts)"
        } else {
            ""
        };
        let doc = docs(&format!(
            "Built-in (isolation): {why}.\nAnswered by {who}; the saga compensates (a compensation gives up){never_starts}."
        ));
        let v = ident(b.as_str());
        let name = b.as_str();
        variants.extend(quote!(#doc #v,));
        names.extend(quote!(Failure::#v => #name,));
    }
    (variants, names)
}

fn actor_name(saga: &Saga, actor: Actor) -> String {
    match actor {
        Actor::Step(s) => saga.step(s).action.value.clone(),
        Actor::Compensation(o) => saga
            .compensation(o)
            .map_or_else(String::new, |c| c.action.value.clone()),
        Actor::Trigger => saga.trigger.action.value.clone(),
        Actor::Reaction(r) => saga.reactions[r.index()].action.value.clone(),
    }
}

/// The `Resource` enum and the state enums, for a spec with `resources`.
pub fn tokens(plan: &Plan) -> TokenStream {
    let Some(names) = &plan.resources else {
        return TokenStream::new();
    };
    let saga = plan.saga;
    let e = &names.enum_;
    let declared = &saga.resources.declared;
    let variants = declared.iter().zip(&names.each).map(|(r, (v, states))| {
        let doc = docs(&resource_doc(plan, r, states.as_ref().map(|s| &s.0)));
        quote!(#doc #v,)
    });
    let all: Vec<TokenStream> = names.each.iter().map(|(v, _)| quote!(#e::#v)).collect();
    let n = super::tokens::usize_lit(all.len());
    let arms = |f: &dyn Fn(&Resource, &Option<StateNames>) -> TokenStream| {
        declared
            .iter()
            .zip(&names.each)
            .map(|(r, (v, states))| {
                let body = f(r, states);
                quote!(#e::#v => #body,)
            })
            .collect::<TokenStream>()
    };
    let name_arms = arms(&|r, _| {
        let s = &r.name.value;
        quote!(#s)
    });
    let key_arms = arms(&|r, _| {
        let s = &r.key.value;
        quote!(#s)
    });
    let owner_arms = arms(&|r, _| {
        let p = &plan.participant(r.participant).variant;
        quote!(Participant::#p)
    });
    let counter_arms = arms(&|r, _| {
        let c = r.kind == crate::model::resources::ResourceKind::Counter;
        quote!(#c)
    });
    let locked_arms = arms(&|_, states| match states {
        Some((s, _)) => quote!(#s::from_name(state).is_some_and(#s::is_locked)),
        None => quote!(false),
    });
    let move_arms = arms(&|_, states| match states {
        Some((s, _)) => quote!(match (#s::from_name(from), #s::from_name(to)) {
            (Some(from), Some(to)) => #s::can_move(from, to),
            _ => false,
        }),
        None => quote!(false),
    });
    let state_enums = declared
        .iter()
        .zip(&names.each)
        .filter_map(|(r, (_, states))| states.as_ref().map(|(s, vs)| state_enum(r, s, vs)));
    quote! {
        /// The data the saga's actions touch (the spec's `resources`), each owned by one
        /// participant: only its actions touch it, each action's effects in one local
        /// transaction.
        #[allow(clippy::enum_variant_names)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #e {
            #(#variants)*
        }

        impl #e {
            pub const ALL: [#e; #n] = [#(#all),*];

            /// The resource's name in the spec.
            pub fn name(self) -> &'static str {
                match self { #name_arms }
            }

            /// The data field whose value picks one of its records (`stock[item]`: the
            /// record of the saga's `item`).
            pub fn key(self) -> &'static str {
                match self { #key_arms }
            }

            /// The participant that owns it.
            pub fn owner(self) -> Participant {
                match self { #owner_arms }
            }

            /// Whether it is a counter (a quantity, changed by atomic deltas) rather
            /// than records.
            pub fn is_counter(self) -> bool {
                match self { #counter_arms }
            }

            /// Whether `state` (its name in the spec) is one of its semantic lock states.
            pub fn is_locked(self, state: &str) -> bool {
                match self { #locked_arms }
            }

            /// Whether `from -> to` (names in the spec) is one of its legal transitions.
            pub fn can_move(self, from: &str, to: &str) -> bool {
                match self { #move_arms }
            }
        }

        #(#state_enums)*
    }
}

fn resource_doc(plan: &Plan, r: &Resource, states: Option<&Ident>) -> String {
    let owner = &plan.saga.participant(r.participant).name.value;
    let mut doc = match states {
        Some(s) => format!(
            "`{}`: records keyed by `{}`, owned by `{owner}`, in the states of `{s}`.",
            r.name.value, r.key.value
        ),
        None if r.kind == crate::model::resources::ResourceKind::Counter => format!(
            "`{}`: a counter (a quantity) keyed by `{}`, owned by `{owner}`.",
            r.name.value, r.key.value
        ),
        None => format!(
            "`{}`: records keyed by `{}`, owned by `{owner}`, read and written whole.",
            r.name.value, r.key.value
        ),
    };
    if !r.locks.is_empty() {
        doc.push_str(&format!(
            "\nSemantic lock states: {}; another saga's access to a locked record {}.",
            code_list(r.locks.iter().map(|l| l.value.as_str())),
            on_locked_words(r.on_locked.value)
        ));
    }
    if r.commutative.value {
        doc.push_str("\nCommutative: change it only by atomic deltas, never by a write.");
    }
    if let Some(view) = &r.pessimistic_view {
        doc.push_str(&format!(
            "\nPessimistic view: others may see a {} before it is final.",
            view.value.as_str()
        ));
    }
    if r.version_file.value {
        doc.push_str(
            "\nVersion file: the owner logs each access with its saga and merges writes as\ndeltas; a compensation that arrives before its action leaves a tombstone.",
        );
    }
    doc
}

fn on_locked_words(on: OnLocked) -> &'static str {
    match on {
        OnLocked::Wait => "waits (`on_locked: wait`)",
        OnLocked::Fail => "is refused with `Failure::Locked` (`on_locked: fail`)",
        OnLocked::Proceed => "proceeds (`on_locked: proceed`)",
    }
}

fn state_enum(r: &Resource, name: &Ident, variants: &[Ident]) -> TokenStream {
    let index = |state: &str| r.states.iter().position(|s| s.value == state);
    let docs_of = r.states.iter().map(|s| {
        let lock = if r.is_lock(&s.value) {
            ", a semantic lock state"
        } else {
            ""
        };
        docs(&format!("`{}`{lock}", s.value))
    });
    let all = variants.iter().map(|v| quote!(#name::#v));
    let n = super::tokens::usize_lit(variants.len());
    let transitions = r.transitions.iter().filter_map(|t| {
        let from = &variants[index(&t.from.value)?];
        let to = &variants[index(&t.to.value)?];
        Some(quote!((#name::#from, #name::#to)))
    });
    let names = r.states.iter().zip(variants).map(|(s, v)| {
        let text = &s.value;
        quote!(#name::#v => #text,)
    });
    let from_names = r.states.iter().zip(variants).map(|(s, v)| {
        let text = &s.value;
        quote!(#text => Some(#name::#v),)
    });
    let locks: Vec<TokenStream> = r
        .locks
        .iter()
        .filter_map(|l| index(&l.value))
        .map(|i| {
            let v = &variants[i];
            quote!(#name::#v)
        })
        .collect();
    let is_locked = if locks.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(#locks)|*))
    };
    let doc = docs(&format!(
        "The states of the records of `{}`. A record in a lock state is held by the saga\nthat moved it there until that saga moves it out.",
        r.name.value
    ));
    quote! {
        #doc
        #[allow(clippy::enum_variant_names, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#docs_of #variants,)*
        }

        impl #name {
            pub const ALL: [#name; #n] = [#(#all),*];

            /// The legal moves (`transitions`): a `set` along any other pair breaks
            /// `legal_transitions`.
            pub const TRANSITIONS: &'static [(#name, #name)] = &[#(#transitions),*];

            /// The state's name in the spec.
            pub fn name(self) -> &'static str {
                match self { #(#names)* }
            }

            /// The state a name in the spec stands for.
            pub fn from_name(name: &str) -> Option<#name> {
                match name {
                    #(#from_names)*
                    _ => None,
                }
            }

            /// Whether `from -> to` is a legal move.
            pub fn can_move(from: #name, to: #name) -> bool {
                #name::TRANSITIONS.contains(&(from, to))
            }

            /// Whether it is a semantic lock state.
            pub fn is_locked(self) -> bool {
                #is_locked
            }
        }
    }
}

/// The lines of a trait method's doc that say what its effects require (none for an action
/// without effects).
pub fn doc_lines(plan: &Plan, actor: Actor) -> Vec<String> {
    let saga = plan.saga;
    let effects = saga.resources.of(actor);
    if effects.is_empty() {
        return Vec::new();
    }
    let compensation = actor.is_compensation();
    let mut lines = vec![format!(
        "\nEffects ({}), in one local transaction with everything else it writes:",
        if saga
            .resources
            .entry(actor)
            .is_some_and(|e| e.declared.is_none())
        {
            "the default undo of its step's"
        } else {
            "the spec's `effects`"
        }
    )];
    for e in effects {
        lines.push(format!("- {}", effect_line(plan, e, compensation)));
    }
    let locked: Vec<&Effect> = effects
        .iter()
        .filter(|e| {
            e.verb != Verb::Create && !saga.resources.resource(e.record.resource).locks.is_empty()
        })
        .collect();
    if let Some(e) = locked.first() {
        let r = saga.resources.resource(e.record.resource);
        let on = if compensation || actor == Actor::Trigger {
            OnLocked::Wait
        } else {
            e.on_locked(r)
        };
        lines.push(format!(
            "\nA record in a lock state that another saga holds (`on_locked: {}`): {}.",
            on.as_str(),
            match on {
                // A choreography's handler has no command to stash: its event waits.
                OnLocked::Wait if !plan.orchestration => "the event\nwaits until that saga releases the lock, as a broker holds it: apply nothing and\nreturn only once it is released (the event is not acknowledged meanwhile)",
                OnLocked::Wait => "stash the\ncommand without answering; apply and answer it when that saga releases the lock",
                OnLocked::Fail => "apply\nnothing and answer `StepError::Business(Failure::Locked)` at once",
                OnLocked::Proceed => "apply the\neffect all the same (it counts for the anomalies)",
            }
        ));
    }
    lines
}

fn effect_line(plan: &Plan, e: &Effect, compensation: bool) -> String {
    let saga = plan.saga;
    let r = saga.resources.resource(e.record.resource);
    let record = format!("`{}[{}]`", r.name.value, e.record.field.value);
    let mut line = match e.verb {
        Verb::Read => format!("reads {record}: the saga acts on the value"),
        Verb::Write => format!("writes {record}: overwrites it with the value the saga computed"),
        Verb::Increase | Verb::Decrease => {
            let (word, sign) = match e.verb.direction() {
                Some(Direction::Increase) => ("increases", '+'),
                _ => ("decreases", '-'),
            };
            format!(
                "{word} {record} as one atomic `UPDATE {} SET n = n {sign} $1 WHERE {} = $2`,\n  never a read followed by a write",
                r.name.value, r.key.value
            )
        }
        Verb::Create => format!(
            "creates {record} in `{}`",
            e.to.as_ref().map_or("", |t| t.value.as_str())
        ),
        Verb::Set => {
            let to = e.to.as_ref().map_or("", |t| t.value.as_str());
            if e.from.is_empty() {
                format!("moves {record} to `{to}` (unguarded)")
            } else {
                let from = code_list(e.from.iter().map(|f| f.value.as_str()));
                let refuse = if compensation {
                    format!(
                        "if it is already in `{to}` this is a repeat: answer `Ok`; otherwise\n  apply nothing and answer `StepError::Business(Failure::WrongState)` (the saga gives up)"
                    )
                } else {
                    "in any other state apply nothing and answer\n  `StepError::Business(Failure::WrongState)`".to_owned()
                };
                format!("moves {record} from {from} to `{to}`, guarded:\n  {refuse}")
            }
        }
    };
    if let Some(to) = &e.to
        && r.is_lock(&to.value)
    {
        line.push_str(",\n  a lock state: this saga holds the lock until it moves the record out");
    }
    if let Some(field) = &e.if_unchanged {
        line.push_str(&format!(
            ",\n  only if unchanged: compare the record's version with `{}` in the same\n  transaction; on a mismatch apply nothing and answer `StepError::Business(Failure::Changed)`",
            field.value
        ));
    }
    if e.verb == Verb::Write && r.version_file.value {
        line.push_str(
            ",\n  version file: log the access with the saga and merge the write as a delta",
        );
    }
    line.push('.');
    line
}

/// Whether the std runtime generates this saga's isolation: untyped data (the tests'
/// store picks records by the text of a field), a spec the simulator runs
/// (`scenario::isolation::unsupported`), built-in isolation failures that keep their
/// default handling (`then: compensate`), a search for the tests' orders (every scenario
/// `simulate` lists) within the work it allows (`scenario::MAX_WORK`), and in a
/// choreography what its handlers and the tests' broker carry out
/// (`choreography_isolation::implemented`). A trigger the records may refuse is generated
/// in an orchestration: the tests' `RecordStore` answers the refusal and the instance
/// never starts.
pub fn implemented(saga: &Saga) -> bool {
    use crate::model::FailureThen;
    let isolation_builtin = |b: Option<BuiltinFailure>| {
        matches!(
            b,
            Some(BuiltinFailure::Locked | BuiltinFailure::Changed | BuiltinFailure::WrongState)
        )
    };
    let handled_otherwise = saga.steps.iter().any(|s| {
        s.failure_handling
            .iter()
            .any(|f| isolation_builtin(f.builtin) && f.then.value != FailureThen::Compensate)
    });
    let instances = crate::scenario::isolation::Instances::of(saga);
    let work = crate::scenario::isolation::estimated_work(
        &instances,
        crate::scenario::FaultKind::defaults(saga),
        1,
    );
    let coordinated = match saga.coordination {
        crate::model::Coordination::Orchestration => true,
        crate::model::Coordination::Choreography => {
            super::choreography_isolation::implemented(saga)
        }
    };
    coordinated
        && work <= crate::scenario::MAX_WORK
        && !saga.types.is_typed()
        && crate::scenario::isolation::unsupported(saga).is_none()
        && !handled_otherwise
}

/// In the state machine's `on_compensation`: a compensation its owner refuses (`WrongState`:
/// a guard, the record neither in `from` nor already in `to`; `Changed`: `if_unchanged`)
/// gives up at once, as the simulator's does, instead of being retried into the same
/// refusal. Empty when no compensation can be refused.
pub fn compensation_gives_up(plan: &Plan) -> TokenStream {
    if !plan.saga.resources.any() {
        return TokenStream::new();
    }
    let refused: Vec<Ident> = [BuiltinFailure::Changed, BuiltinFailure::WrongState]
        .into_iter()
        .filter(|b| {
            refusals(plan.saga)
                .iter()
                .any(|(a, f)| a.is_compensation() && f == b)
        })
        .map(|b| ident(b.as_str()))
        .collect();
    if refused.is_empty() {
        return TokenStream::new();
    }
    quote!(|| matches!(result, Err(StepError::Business(#(Failure::#refused)|*))))
}
