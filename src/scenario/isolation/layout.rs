//! Which records the instances touch: a record reference names one record per instance,
//! except through a shared field (`isolation.shared`), where every instance meets the same
//! record. Computed once per exploration.

use std::collections::BTreeMap;

use crate::model::resources::{Actor, Effect};
use crate::model::{ResourceId, Saga};

/// One record of the product.
#[derive(Debug, Clone)]
pub struct RecordInfo {
    pub resource: ResourceId,
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
    pub resource: ResourceId,
    pub effect: Effect,
}

pub struct Layout {
    pub records: Vec<RecordInfo>,
    /// Per instance, per action: its accesses, in the order declared.
    pub accesses: Vec<BTreeMap<Actor, Vec<Access>>>,
    /// Per record: the record it becomes when instances `a` and `b` swap labels.
    pub swapped_record: Vec<usize>,
}

impl Layout {
    pub fn new(saga: &Saga, instances: u8, letters: &[char]) -> Layout {
        let resources = &saga.resources;
        let mut records: Vec<RecordInfo> = Vec::new();
        let mut accesses = vec![BTreeMap::new(); usize::from(instances)];
        for i in 0..instances {
            for (actor, effect) in resources.effects() {
                let shared = resources.is_shared(&effect.record);
                let owner = (!shared).then_some(i);
                let field = &effect.record.field.value;
                let resource = effect.record.resource;
                let record = match records
                    .iter()
                    .position(|r| r.resource == resource && r.field == *field && r.owner == owner)
                {
                    Some(at) => at,
                    None => {
                        let base = format!("{}[{field}]", resources.resource(resource).name.value);
                        let name = match owner {
                            None => base,
                            Some(o) => format!("{base} of [{}]", letters[usize::from(o)]),
                        };
                        records.push(RecordInfo {
                            resource,
                            field: field.clone(),
                            owner,
                            name,
                        });
                        records.len() - 1
                    }
                };
                accesses[usize::from(i)]
                    .entry(actor)
                    .or_insert_with(Vec::new)
                    .push(Access {
                        record,
                        resource,
                        effect: effect.clone(),
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
                        x.resource == info.resource && x.field == info.field && x.owner == owner
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
