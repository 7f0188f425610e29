//! Which records the instances touch: a record reference names one record per instance,
//! except through a shared field (`isolation.shared`), where every instance meets the same
//! record; instances of different sagas (`--with`) meet on every record both name.
//! Resources unify by name (`--with` checks they are declared alike). Computed once per
//! exploration.

use std::collections::BTreeMap;

use crate::model::Saga;
use crate::model::resources::{Actor, Effect, Resource};

/// One record of the product.
#[derive(Debug, Clone)]
pub struct RecordInfo {
    pub resource: Resource,
    pub field: String,
    /// The instance whose own record it is; `None` when shared.
    pub owner: Option<u8>,
    /// `stock[item]`, or `order[order_id] of [a]` for a private one.
    pub name: String,
}

impl RecordInfo {
    pub fn shared(&self) -> bool {
        self.owner.is_none()
    }
}

/// An effect of an action on one record of the product.
#[derive(Debug, Clone)]
pub struct Access {
    pub record: usize,
    pub resource: Resource,
    pub effect: Effect,
    /// `if_unchanged` names a field some action writes (the trigger's `data`, a step's
    /// `writes`): the owner compares versions. A field no action writes carries no
    /// version (D501; FTGO's `null` expected version), and the check always passes.
    pub version_checked: bool,
}

pub struct Layout {
    pub records: Vec<RecordInfo>,
    /// Per instance, per action: its accesses, in the order declared.
    pub accesses: Vec<BTreeMap<Actor, Vec<Access>>>,
    /// Per record: the record it becomes when instances `a` and `b` swap labels.
    pub swapped_record: Vec<usize>,
}

impl Layout {
    /// The records of instances running `sagas` (one per instance); `across`: the sagas
    /// differ, so every record reference is shared; `shared`: exactly these fields are
    /// (`--shared`).
    pub fn new(
        sagas: &[&Saga],
        letters: &[char],
        across: bool,
        shared: Option<&[String]>,
    ) -> Layout {
        let mut records: Vec<RecordInfo> = Vec::new();
        let mut accesses = vec![BTreeMap::new(); sagas.len()];
        for (i, saga) in sagas.iter().enumerate() {
            let resources = &saga.resources;
            let written = |field: &str| {
                saga.trigger.data.iter().any(|f| f.value == field)
                    || saga
                        .steps
                        .iter()
                        .any(|s| s.writes.iter().any(|f| f.value == field))
            };
            for (actor, effect) in resources.effects() {
                let shared = match shared {
                    Some(fields) => fields.contains(&effect.record.field.value),
                    None => across || resources.is_shared(&effect.record),
                };
                let owner = (!shared).then_some(i as u8);
                let field = &effect.record.field.value;
                let resource = resources.resource(effect.record.resource);
                let same = |r: &RecordInfo| {
                    r.resource.name.value == resource.name.value
                        && r.field == *field
                        && r.owner == owner
                };
                let record = match records.iter().position(same) {
                    Some(at) => at,
                    None => {
                        let base = format!("{}[{field}]", resource.name.value);
                        let name = match owner {
                            None => base,
                            Some(o) => format!("{base} of [{}]", letters[usize::from(o)]),
                        };
                        records.push(RecordInfo {
                            resource: resource.clone(),
                            field: field.clone(),
                            owner,
                            name,
                        });
                        records.len() - 1
                    }
                };
                accesses[i]
                    .entry(actor)
                    .or_insert_with(Vec::new)
                    .push(Access {
                        record,
                        resource: resource.clone(),
                        effect: effect.clone(),
                        version_checked: effect
                            .if_unchanged
                            .as_ref()
                            .is_some_and(|f| written(&f.value)),
                    });
            }
        }
        let swapped_record = (0..records.len())
            .map(|r| {
                let info = &records[r];
                let owner = info.owner.map(|o| if o < 2 { 1 - o } else { o });
                records
                    .iter()
                    .position(|x| {
                        x.resource.name.value == info.resource.name.value
                            && x.field == info.field
                            && x.owner == owner
                    })
                    .unwrap_or(r)
            })
            .collect();
        Layout {
            records,
            accesses,
            swapped_record,
        }
    }

    /// The accesses of `actor` in instance `i` (none when it declares none).
    pub fn of(&self, i: u8, actor: Actor) -> &[Access] {
        self.accesses[usize::from(i)]
            .get(&actor)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether one of the accesses is to a record another instance may touch.
    pub fn touches_shared(&self, accesses: &[Access]) -> bool {
        accesses.iter().any(|a| self.records[a.record].shared())
    }
}
