//! The records several instances share, and the isolation invariants (V709-V713) checked as
//! each instance's actions apply their effects (`docs/isolation.md`, contract §4).
//!
//! The model keeps no values: per record its state (records with `states`) and the
//! instance holding its lock; per (instance, record) what the anomalies ask: whether the
//! instance observed it and it changed since (stale), whether it read it and it changed
//! since (a second read is fuzzy), whether it carries a pending change of the instance;
//! per (reader, record) the writers whose pending change the reader saw (a dirty read
//! when the writer then undoes it).

use crate::model::BuiltinFailure;
use crate::model::resources::{Actor, OnLocked, Resource, Verb};
use crate::source::Span;

use super::Label;
use super::layout::{Access, Layout};

/// A per (instance, record) flag.
const OBSERVED: u8 = 1;
/// Another instance changed the record after this one last observed it.
const STALE: u8 = 2;
/// The instance has read the record (in some action).
const READ: u8 = 4;
/// Another instance changed the record after this one's last read.
const CHANGED_SINCE_READ: u8 = 8;
/// The instance has a pending change on the record.
const PENDING: u8 = 16;
/// That pending change is one a reader must not act on (not the `pessimistic_view`
/// direction of a counter).
const EXPOSED: u8 = 32;

/// An isolation invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IsolationInvariant {
    NoLostUpdate,
    NoDirtyRead,
    NoFuzzyRead,
    LocksReleased,
    LegalTransitions,
}

impl IsolationInvariant {
    pub const ALL: [IsolationInvariant; 5] = [
        IsolationInvariant::NoLostUpdate,
        IsolationInvariant::NoDirtyRead,
        IsolationInvariant::NoFuzzyRead,
        IsolationInvariant::LocksReleased,
        IsolationInvariant::LegalTransitions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IsolationInvariant::NoLostUpdate => "no_lost_update",
            IsolationInvariant::NoDirtyRead => "no_dirty_read",
            IsolationInvariant::NoFuzzyRead => "no_fuzzy_read",
            IsolationInvariant::LocksReleased => "locks_released",
            IsolationInvariant::LegalTransitions => "legal_transitions",
        }
    }

    /// The rule code `check` would report it under.
    pub fn code(self) -> &'static str {
        match self {
            IsolationInvariant::NoLostUpdate => "V709",
            IsolationInvariant::NoDirtyRead => "V710",
            IsolationInvariant::NoFuzzyRead => "V711",
            IsolationInvariant::LocksReleased => "V712",
            IsolationInvariant::LegalTransitions => "V713",
        }
    }
}

/// What the records are in one state of the product.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Records {
    /// Per record: its state's index in the resource's `states` (`None`: not created, or
    /// a record without states).
    pub state: Vec<Option<u8>>,
    /// Per record: the instance holding its lock.
    pub holder: Vec<Option<u8>>,
    /// Per record: the instance that changed it last (for the words of a lost update).
    pub changer: Vec<Option<u8>>,
    /// Per (instance, record), `instance * records + record`: the flags above.
    pub flags: Vec<u8>,
    /// Per (reader, record): the writers (bit per instance) whose exposed pending change
    /// the reader read.
    pub dirty: Vec<u8>,
}

/// Why an access cannot be made now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Parked: the record is in a lock state another instance holds (`on_locked: wait`).
    Parked { record: usize, holder: u8 },
    /// A semantics `simulate` does not implement yet (the run is not made).
    Unsupported(String),
}

/// One invariant broken by an access, with the effect that broke it (for a lock left
/// behind, the effect that took the lock): where `check` reports it.
pub type Broken = (IsolationInvariant, String, Span);

impl Records {
    pub fn new(layout: &Layout, instances: usize) -> Records {
        let n = layout.records.len();
        Records {
            state: vec![None; n],
            holder: vec![None; n],
            changer: vec![None; n],
            flags: vec![0; n * instances],
            dirty: vec![0; n * instances],
        }
    }

    fn at(&self, instance: u8, record: usize) -> usize {
        usize::from(instance) * self.state.len() + record
    }

    /// Another instance than `i` whose change to `r` is pending (the first, by letter).
    pub fn pending_of(&self, i: u8, r: usize) -> Option<u8> {
        (0..self.instances()).find(|&j| j != i && self.flags[self.at(j, r)] & PENDING != 0)
    }

    fn instances(&self) -> u8 {
        (self.flags.len() / self.state.len().max(1)) as u8
    }

    /// Whether `instance`'s accesses would wait: one of them meets a lock another instance
    /// holds, under `wait`; `always_waits` for an action that cannot refuse (a
    /// compensation, the trigger).
    pub fn parked(&self, instance: u8, accesses: &[Access], always_waits: bool) -> Option<Refused> {
        for access in accesses {
            let Some(holder) = self.holder[access.record] else {
                continue;
            };
            if holder == instance {
                continue;
            }
            let on_locked = access.effect.on_locked(&access.resource);
            if always_waits || on_locked == OnLocked::Wait {
                return Some(Refused::Parked {
                    record: access.record,
                    holder,
                });
            }
        }
        None
    }

    /// The built-in failure a step's participant answers instead of applying `accesses`
    /// for `instance` as the records stand: another instance's lock under `on_locked:
    /// fail` (`Locked`), a record changed since the instance observed it under
    /// `if_unchanged` (`Changed`), a guard that refuses (`WrongState`). `None` when they apply, or
    /// wait (see [`Records::parked`]).
    pub fn refusal(&self, instance: u8, accesses: &[Access]) -> Option<BuiltinFailure> {
        if self.parked(instance, accesses, false).is_some() {
            return None;
        }
        for access in accesses {
            let held_by_other = self.holder[access.record].is_some_and(|h| h != instance);
            if held_by_other && access.effect.on_locked(&access.resource) == OnLocked::Fail {
                return Some(BuiltinFailure::Locked);
            }
        }
        let moved =
            |a: &Access| a.version_checked && self.flags[self.at(instance, a.record)] & STALE != 0;
        if accesses.iter().any(moved) {
            return Some(BuiltinFailure::Changed);
        }
        accesses
            .iter()
            .any(|a| !self.guard_passes(a))
            .then_some(BuiltinFailure::WrongState)
    }

    /// The built-in failure the owner answers a compensation with instead of undoing (its
    /// effect applied): a record changed since `instance` observed it under
    /// `if_unchanged` (`Changed`), a guard that refuses a record not already in its `to`
    /// (`WrongState`; meeting its own `to` is a repeat). A compensation never refuses on a
    /// lock: it waits.
    pub fn compensation_refusal(
        &self,
        instance: u8,
        accesses: &[Access],
    ) -> Option<BuiltinFailure> {
        let moved =
            |a: &Access| a.version_checked && self.flags[self.at(instance, a.record)] & STALE != 0;
        if accesses.iter().any(moved) {
            return Some(BuiltinFailure::Changed);
        }
        let repeat = |a: &Access| {
            self.state[a.record].is_some()
                && self.state[a.record]
                    == state_index(&a.resource, a.effect.to.as_ref().map(|t| t.value.as_str()))
        };
        accesses
            .iter()
            .any(|a| !self.guard_passes(a) && !repeat(a))
            .then_some(BuiltinFailure::WrongState)
    }

    /// The built-in failure a reaction's owner answers instead of applying it, when it
    /// neither applies nor waits: another instance's lock under `on_locked: fail`
    /// (`Locked`), a record changed since `instance` observed it under `if_unchanged`
    /// (`Changed`), a guard that refuses a record not already in its `to` (`WrongState`;
    /// meeting its own `to` is a repeat, which succeeds). The reaction is then dropped.
    pub fn reaction_refusal(&self, instance: u8, accesses: &[Access]) -> Option<BuiltinFailure> {
        if self.parked(instance, accesses, false).is_some() {
            return None;
        }
        let locked = accesses.iter().any(|a| {
            self.holder[a.record].is_some_and(|h| h != instance)
                && a.effect.on_locked(&a.resource) == OnLocked::Fail
        });
        if locked {
            return Some(BuiltinFailure::Locked);
        }
        self.compensation_refusal(instance, accesses)
    }

    /// `instance` was answered `Changed`: the answer carries the record's current version,
    /// which the saga now holds (a retry runs on it).
    pub fn observe_again(&mut self, instance: u8, accesses: &[Access]) {
        for a in accesses.iter().filter(|a| a.version_checked) {
            let at = self.at(instance, a.record);
            self.flags[at] = (self.flags[at] | OBSERVED) & !STALE;
        }
    }

    /// Whether a `set`'s guard admits the record's state (always, without a guard).
    fn guard_passes(&self, access: &Access) -> bool {
        let effect = &access.effect;
        if effect.verb != Verb::Set || effect.from.is_empty() {
            return true;
        }
        let state = self.state[access.record];
        state.is_some_and(|f| {
            effect
                .from
                .iter()
                .any(|s| state_index(&access.resource, Some(&s.value)) == Some(f))
        })
    }

    /// Applies one action's accesses for `instance`, in one local transaction. `pending`:
    /// whether its changes stay pending (made before the point of no return, by an action
    /// that can be undone). `absent`: a compensation whose action never applied (a no-op).
    pub fn apply(
        &mut self,
        ctx: &Context,
        instance: u8,
        actor: Actor,
        accesses: &[Access],
        pending: bool,
    ) -> Result<Vec<Broken>, Refused> {
        let mut broken = Vec::new();
        let compensation = actor.is_compensation();
        // A compensation or a reaction meeting its own `to` is a repeat, and succeeds.
        let repeats = compensation || matches!(actor, Actor::Reaction(_));
        for access in accesses {
            let undo = (compensation, repeats);
            self.access(ctx, instance, undo, access, pending, &mut broken)?;
        }
        Ok(broken)
    }

    fn access(
        &mut self,
        ctx: &Context,
        i: u8,
        (compensation, repeats): (bool, bool),
        access: &Access,
        pending: bool,
        broken: &mut Vec<Broken>,
    ) -> Result<(), Refused> {
        let r = access.record;
        let effect = &access.effect;
        let resource = &access.resource;
        let name = &ctx.layout.records[r].name;
        let me = ctx.label(i);
        let at = self.at(i, r);
        if compensation {
            self.undone(ctx, i, r, effect.span, broken);
        }
        match effect.verb {
            Verb::Read => {
                let flags = self.flags[at];
                if flags & READ != 0 && flags & CHANGED_SINCE_READ != 0 {
                    broken.push((
                        IsolationInvariant::NoFuzzyRead,
                        format!(
                            "{me} reads {name} a second time and finds another value: {} changed it after {me}'s first read",
                            self.other_changer(ctx, i, r)
                        ),
                        effect.span,
                    ));
                }
                self.flags[at] = (flags | READ | OBSERVED) & !(STALE | CHANGED_SINCE_READ);
                self.dirty_read_candidate(i, r, resource);
                return Ok(());
            }
            Verb::Write => {
                if !resource.version_file.value {
                    // A version file merges writes as deltas: nothing is overwritten.
                    self.lost_update(ctx, i, (r, effect.span), compensation, broken);
                }
            }
            Verb::Set => {
                let from = self.state[r];
                let to = state_index(resource, effect.to.as_ref().map(|t| t.value.as_str()));
                let guarded = !effect.from.is_empty();
                if guarded {
                    let passes = from.is_some_and(|f| {
                        effect
                            .from
                            .iter()
                            .any(|s| state_index(resource, Some(&s.value)) == Some(f))
                    });
                    if !passes {
                        // A compensation or reaction meeting its own `to` is a repeat.
                        if repeats && from == to {
                            return Ok(());
                        }
                        return Err(Refused::Unsupported(format!(
                            "a guard refusing an access (the built-in failure WrongState: {name} is {} for {me})",
                            state_name(resource, from)
                        )));
                    }
                } else {
                    if !resource.version_file.value {
                        // A version file merges writes as deltas: nothing is overwritten.
                        self.lost_update(ctx, i, (r, effect.span), compensation, broken);
                    }
                }
                if from == to {
                    // A self-move: no transition, no lock taken or released.
                    self.flags[at] |= OBSERVED;
                    self.flags[at] &= !STALE;
                    return Ok(());
                }
                if let (Some(f), Some(t)) = (from, to) {
                    let (f_name, t_name) =
                        (state_name(resource, Some(f)), state_name(resource, Some(t)));
                    if !resource.can_move(&f_name, &t_name) {
                        broken.push((
                            IsolationInvariant::LegalTransitions,
                            format!(
                                "{me} moves {name} from {f_name} to {t_name}, which is not among its transitions"
                            ),
                            effect.span,
                        ));
                    }
                }
                self.move_to(i, r, resource, to);
            }
            Verb::Create => {
                let to = state_index(resource, effect.to.as_ref().map(|t| t.value.as_str()));
                self.move_to(i, r, resource, to);
            }
            Verb::Increase | Verb::Decrease => {}
        }
        // Every verb but `read` changes the record.
        if effect.verb.observes() {
            self.flags[at] |= OBSERVED;
            self.flags[at] &= !STALE;
        }
        self.changed(i, r);
        if pending && !compensation {
            let exposed = match (effect.verb.direction(), resource.pessimistic_view.as_ref()) {
                (Some(d), Some(view)) => d != view.value,
                _ => true,
            };
            self.flags[at] |= PENDING | if exposed { EXPOSED } else { 0 };
        }
        Ok(())
    }

    fn lost_update(
        &self,
        ctx: &Context,
        i: u8,
        (r, span): (usize, Span),
        compensation: bool,
        broken: &mut Vec<Broken>,
    ) {
        if self.flags[self.at(i, r)] & STALE == 0 {
            return;
        }
        let me = ctx.label(i);
        let name = &ctx.layout.records[r].name;
        let other = self.other_changer(ctx, i, r);
        let message = if compensation {
            format!(
                "lost update: {me}'s compensation restores {name} to the value {me} saw, over {other}'s change, which is lost"
            )
        } else {
            format!(
                "lost update: {me} overwrites {other}'s change to {name}, made after {me} observed it"
            )
        };
        broken.push((IsolationInvariant::NoLostUpdate, message, span));
    }

    /// The instance other than `i` that changed `r` last, in words.
    fn other_changer(&self, ctx: &Context, i: u8, r: usize) -> String {
        self.changer
            .get(r)
            .copied()
            .flatten()
            .filter(|&j| j != i)
            .map_or_else(|| "another instance".to_owned(), |j| ctx.label(j))
    }

    /// A read of `r` by `i` while another instance's exposed change is pending on it (and
    /// the record is not in a lock state: then the reader sees "pending", the truth).
    fn dirty_read_candidate(&mut self, i: u8, r: usize, resource: &Resource) {
        if self.state[r].is_some_and(|s| is_lock(resource, s)) {
            return;
        }
        for j in 0..self.instances() {
            if j != i && self.flags[self.at(j, r)] & (PENDING | EXPOSED) == PENDING | EXPOSED {
                let at = self.at(i, r);
                self.dirty[at] |= 1 << j;
            }
        }
    }

    /// `i`'s compensation touches `r`: its pending change there is undone, and every reader
    /// that acted on it read a value that never became true.
    fn undone(&mut self, ctx: &Context, i: u8, r: usize, span: Span, broken: &mut Vec<Broken>) {
        let name = &ctx.layout.records[r].name;
        for j in 0..self.instances() {
            let at = self.at(j, r);
            if j != i && self.dirty[at] & (1 << i) != 0 {
                self.dirty[at] &= !(1 << i);
                broken.push((
                    IsolationInvariant::NoDirtyRead,
                    format!(
                        "dirty read: {} read {name} while {}'s change to it was pending, and {} then undid it: {} acted on a value that never became true",
                        ctx.label(j),
                        ctx.label(i),
                        ctx.label(i),
                        ctx.label(j)
                    ),
                    span,
                ));
            }
        }
        let at = self.at(i, r);
        self.flags[at] &= !(PENDING | EXPOSED);
    }

    /// A change of `r` by `i`: stale for every other instance that observed it, and a
    /// second read by them is fuzzy.
    fn changed(&mut self, i: u8, r: usize) {
        self.changer[r] = Some(i);
        for j in 0..self.instances() {
            if j == i {
                continue;
            }
            let at = self.at(j, r);
            if self.flags[at] & OBSERVED != 0 {
                self.flags[at] |= STALE;
            }
            if self.flags[at] & READ != 0 {
                self.flags[at] |= CHANGED_SINCE_READ;
            }
        }
    }

    fn move_to(&mut self, i: u8, r: usize, resource: &Resource, to: Option<u8>) {
        self.state[r] = to;
        self.holder[r] = to.filter(|&t| is_lock(resource, t)).map(|_| i);
    }

    /// `i`'s changes are final (its point of no return succeeded, or its run ended): no
    /// longer pending, and no reader of them read dirty.
    pub fn settle(&mut self, i: u8) {
        let n = self.state.len();
        for r in 0..n {
            let at = self.at(i, r);
            self.flags[at] &= !(PENDING | EXPOSED);
        }
        for d in &mut self.dirty {
            *d &= !(1 << i);
        }
    }

    /// The records `i` leaves in a lock state it holds, as its run ends.
    pub fn locks_left(&self, ctx: &Context, i: u8) -> Vec<Broken> {
        (0..self.state.len())
            .filter(|&r| self.holder[r] == Some(i))
            .map(|r| {
                let resource = &ctx.layout.records[r].resource;
                (
                    IsolationInvariant::LocksReleased,
                    format!(
                        "{} ends with {} in the lock state {} it holds: every other instance's access waits for ever",
                        ctx.label(i),
                        ctx.layout.records[r].name,
                        state_name(resource, self.state[r])
                    ),
                    ctx.lock_taken(i, r, resource, self.state[r]),
                )
            })
            .collect()
    }

    /// The product's states with the instances' labels swapped (symmetry): the records
    /// private to each swap too.
    pub fn swapped(&self, layout: &Layout) -> Records {
        let n = self.state.len();
        let mut out = self.clone();
        let swap = |x: u8| if x < 2 { 1 - x } else { x };
        for r in 0..n {
            let target = layout.swapped_record[r];
            out.state[target] = self.state[r];
            out.holder[target] = self.holder[r].map(swap);
            out.changer[target] = self.changer[r].map(swap);
            for i in 0..self.instances() {
                let j = swap(i);
                out.flags[usize::from(j) * n + target] = self.flags[usize::from(i) * n + r];
                let d = self.dirty[usize::from(i) * n + r];
                let d = (d & !3) | ((d & 1) << 1) | ((d >> 1) & 1);
                out.dirty[usize::from(j) * n + target] = d;
            }
        }
        out
    }
}

/// What an access's words and checks need.
pub struct Context<'a> {
    pub layout: &'a Layout,
    pub labels: &'a [Label],
}

impl Context<'_> {
    fn label(&self, i: u8) -> String {
        format!("[{}]", self.labels[usize::from(i)].letter)
    }

    /// Where instance `i`'s saga moves record `r` into `state`: the first such effect in
    /// the order declared (the resource's declaration when none does).
    fn lock_taken(&self, i: u8, r: usize, resource: &Resource, state: Option<u8>) -> Span {
        let state = state_name(resource, state);
        self.layout.accesses[usize::from(i)]
            .values()
            .flatten()
            .find(|a| a.record == r && a.effect.to.as_ref().is_some_and(|t| t.value == state))
            .map_or(resource.span, |a| a.effect.span)
    }
}

fn state_index(resource: &Resource, name: Option<&str>) -> Option<u8> {
    let name = name?;
    resource
        .states
        .iter()
        .position(|s| s.value == name)
        .map(|p| p as u8)
}

fn state_name(resource: &Resource, index: Option<u8>) -> String {
    index
        .and_then(|i| resource.states.get(usize::from(i)))
        .map_or_else(|| "absent".to_owned(), |s| s.value.clone())
}

fn is_lock(resource: &Resource, state: u8) -> bool {
    resource
        .states
        .get(usize::from(state))
        .is_some_and(|s| resource.is_lock(&s.value))
}
