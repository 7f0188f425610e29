//! `--kind state --resource <name>`: a record's states as a `stateDiagram-v2` (language
//! version 2, isolation; contract §9). Each legal move (`transitions`) is an edge labelled
//! with the actions whose `set` makes it (`BeginCancel`, `UndoBeginCancel`); a `create`
//! enters its state from `[*]`; lock states are styled `locked`, with a note naming what
//! another instance's access does there (`on_locked`). An action whose move is not among
//! the transitions (I809, or an unguarded `set`, I808) is drawn too, dashed in words:
//! `(not a declared transition)`, since that is what `legal_transitions` breaks on.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::escape::state_label;
use crate::model::ResourceId;
use crate::model::resources::{Actor, Resource, Verb};
use crate::model::{Owner, Saga};

/// The state diagram of `resource`; `None` when the resource has no states (a counter, a
/// record without `states`).
pub fn render(saga: &Saga, resource: ResourceId) -> Option<String> {
    let r = saga.resources.resource(resource);
    if !r.has_states() {
        return None;
    }
    let mut creates: Vec<(String, String)> = Vec::new();
    // (from, to) -> the actions making the move, in the order declared.
    let mut moves: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    let index = |name: &str| r.states.iter().position(|s| s.value == name);
    for (actor, effect) in saga.resources.effects() {
        if effect.record.resource != resource {
            continue;
        }
        let Some(to) = effect.to.as_ref().and_then(|t| index(&t.value)) else {
            continue;
        };
        let name = action_name(saga, actor);
        match effect.verb {
            Verb::Create => creates.push((r.states[to].value.clone(), name)),
            Verb::Set => {
                let from: Vec<usize> = if effect.from.is_empty() {
                    // Unguarded: any state may be moved to `to`.
                    (0..r.states.len()).filter(|&f| f != to).collect()
                } else {
                    effect.from.iter().filter_map(|f| index(&f.value)).collect()
                };
                for f in from.into_iter().filter(|&f| f != to) {
                    let names = moves.entry((f, to)).or_default();
                    if !names.contains(&name) {
                        names.push(name.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = String::from("stateDiagram-v2\n");
    out.push_str("    classDef locked fill:#fde2e2,stroke:#b91c1c,stroke-width:2px\n");
    for (to, name) in &creates {
        let _ = writeln!(out, "    [*] --> {to}: {}", state_label(name));
    }
    for t in &r.transitions {
        let (Some(f), Some(to)) = (index(&t.from.value), index(&t.to.value)) else {
            continue;
        };
        let label = moves.remove(&(f, to)).unwrap_or_default().join(", ");
        edge(&mut out, r, (f, to), &label);
    }
    // Moves some action makes that are not declared (only a guarded one reaches here
    // when it names an undeclared pair; an unguarded `set` into every state would draw a
    // move from each, so only the declared ones are drawn for it).
    for ((f, to), names) in moves {
        if r.can_move(&r.states[f].value, &r.states[to].value) {
            continue;
        }
        let guarded = saga.resources.effects().any(|(actor, e)| {
            e.record.resource == resource
                && e.verb == Verb::Set
                && !e.from.is_empty()
                && names.contains(&action_name(saga, actor))
        });
        if guarded {
            let label = format!("{} (not a declared transition)", names.join(", "));
            edge(&mut out, r, (f, to), &label);
        }
    }
    let locks: Vec<&str> = r
        .states
        .iter()
        .filter(|s| r.is_lock(&s.value))
        .map(|s| s.value.as_str())
        .collect();
    if !locks.is_empty() {
        let _ = writeln!(out, "    class {} locked", locks.join(","));
        for lock in &locks {
            let _ = writeln!(
                out,
                "    note right of {lock}\n        semantic lock: other instances' accesses {}\n    end note",
                on_locked_words(r)
            );
        }
    }
    Some(out)
}

fn edge(out: &mut String, r: &Resource, (from, to): (usize, usize), label: &str) {
    let (f, t) = (&r.states[from].value, &r.states[to].value);
    if label.is_empty() {
        let _ = writeln!(out, "    {f} --> {t}");
    } else {
        let _ = writeln!(out, "    {f} --> {t}: {}", state_label(label));
    }
}

fn on_locked_words(r: &Resource) -> &'static str {
    use crate::model::resources::OnLocked;
    match r.on_locked.value {
        OnLocked::Wait => "wait (on_locked: wait)",
        OnLocked::Fail => "fail with Locked (on_locked: fail)",
        OnLocked::Proceed => "proceed (on_locked: proceed)",
    }
}

/// The action an actor names: the trigger's, a step's, a compensation's, a reaction's.
fn action_name(saga: &Saga, actor: Actor) -> String {
    match actor {
        Actor::Trigger => saga.trigger.action.value.clone(),
        Actor::Step(s) => saga.step(s).action.value.clone(),
        Actor::Compensation(o) => saga
            .compensation(o)
            .map_or_else(|| compensated(saga, o), |c| c.action.value.clone()),
        Actor::Reaction(r) => saga
            .reactions
            .get(r.index())
            .map_or_else(String::new, |x| x.action.value.clone()),
    }
}

fn compensated(saga: &Saga, o: Owner) -> String {
    match o {
        Owner::Trigger => format!("undo {}", saga.trigger.action.value),
        Owner::Step(s) => format!("undo {}", saga.step(s).action.value),
    }
}
