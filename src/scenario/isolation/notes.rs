//! What a run's diagram says of the records: each access to a shared record, as a note
//! over the participant that owns it (`[b] reads stock[item] (pending decrease of [a])`,
//! contract §9). The search keeps a small copyable [`RawNote`] per access on each move
//! (what the records were as the action applied); only the runs that are drawn (a
//! counterexample, the representative run) are worded.

use crate::model::Saga;
use crate::model::resources::{Actor, Verb};

use super::Label;
use super::layout::Layout;
use super::records::Records;

/// One access to a shared record as it applied, with what the words need of the records
/// before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawNote {
    instance: u8,
    actor: Actor,
    /// Its index among the action's accesses (`Layout::of`).
    access: u8,
    /// Another instance with a pending change on the record.
    pending_of: Option<u8>,
    /// Another instance holding the record's lock.
    locked_by: Option<u8>,
    /// The record's state before the access.
    state: Option<u8>,
}

/// The notes of one action of instance `i` about to apply, read from the records as they
/// stand before it.
pub(super) fn raw(layout: &Layout, records: &Records, i: u8, actor: Actor) -> Vec<RawNote> {
    layout
        .of(i, actor)
        .iter()
        .enumerate()
        .filter(|(_, a)| layout.records[a.record].shared())
        .map(|(k, a)| RawNote {
            instance: i,
            actor,
            access: k as u8,
            pending_of: records.pending_of(i, a.record),
            locked_by: records.holder[a.record].filter(|&h| h != i),
            state: records.state[a.record],
        })
        .collect()
}

/// An access to a shared record in a drawn run: a note over the record's owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessNote {
    /// How many actions of the run come before it.
    pub after: usize,
    /// The instance whose action made the access.
    pub instance: u8,
    /// The participant owning the record (its name in the spec).
    pub participant: String,
    /// `[b] reads stock[item] (pending decrease of [a])`.
    pub text: String,
}

/// Words the notes of a drawn run.
pub(super) fn word(
    sagas: &[&Saga],
    layout: &Layout,
    labels: &[Label],
    notes: &[(usize, RawNote)],
) -> Vec<AccessNote> {
    let label = |i: u8| format!("[{}]", labels[usize::from(i)].letter);
    notes
        .iter()
        .filter_map(|&(after, n)| {
            let access = layout.of(n.instance, n.actor).get(usize::from(n.access))?;
            let info = &layout.records[access.record];
            let saga = sagas[usize::from(n.instance)];
            let participant = saga
                .participant(info.resource.participant)
                .name
                .value
                .clone();
            let effect = &access.effect;
            let record = &info.name;
            let state = |s: Option<u8>| {
                s.and_then(|s| info.resource.states.get(usize::from(s)))
                    .map_or_else(|| "absent".to_owned(), |s| s.value.clone())
            };
            let to = effect.to.as_ref().map_or("", |t| t.value.as_str());
            let mut text = match effect.verb {
                Verb::Read => format!("{} reads {record}", label(n.instance)),
                Verb::Write => format!("{} writes {record}", label(n.instance)),
                Verb::Increase => format!("{} increases {record}", label(n.instance)),
                Verb::Decrease => format!("{} decreases {record}", label(n.instance)),
                Verb::Create => format!("{} creates {record} in {to}", label(n.instance)),
                Verb::Set => format!(
                    "{} moves {record} from {} to {to}",
                    label(n.instance),
                    state(n.state)
                ),
            };
            if n.actor.is_compensation() {
                text.push_str(", undoing its change");
            }
            if let Some(j) = n.locked_by {
                text.push_str(&format!(" (in {}, locked by {})", state(n.state), label(j)));
            } else if let Some(j) = n.pending_of
                && effect.verb == Verb::Read
            {
                let verb = pending_verb(layout, j, access.record);
                text.push_str(&format!(" (pending {verb} of {})", label(j)));
            }
            Some(AccessNote {
                after,
                instance: n.instance,
                participant,
                text,
            })
        })
        .collect()
}

/// The verb of instance `j`'s forward changes to `record`, when they all agree
/// (`decrease`), else `change`.
fn pending_verb(layout: &Layout, j: u8, record: usize) -> &'static str {
    let mut verbs = layout.accesses[usize::from(j)]
        .iter()
        .filter(|(actor, _)| !actor.is_compensation())
        .flat_map(|(_, accesses)| accesses)
        .filter(|a| a.record == record && a.effect.verb != Verb::Read)
        .map(|a| a.effect.verb);
    match verbs.next() {
        Some(v) if verbs.all(|w| w == v) => v.as_str(),
        _ => "change",
    }
}
