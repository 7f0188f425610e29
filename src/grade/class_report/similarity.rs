//! Similar submissions: specs that are the same saga up to renaming, and pairs that share
//! most of their structure. A hint for review, never an accusation: in an assignment with
//! one good answer, many students reach the same structure on their own.
//!
//! **Similarity** of two specs: 100% when their canonical forms are equal (the same saga
//! up to renaming, see [`canonical`](super::canonical)); otherwise the share of features
//! they have in common, `|A ∩ B| / |A ∪ B|` (the Jaccard index of their feature sets),
//! rounded down and at most 99%. Pairs at [`NEAR_PERCENT`] or more are listed.
//!
//! **Cost.** Specs are bucketed by the hash of their form, so any number of identical specs
//! are one group and are compared once. The groups are compared pairwise, but only those
//! whose feature counts could reach the threshold (`min / max ≥ 80%`: sorted by count, the
//! inner loop stops at the first that cannot), and each comparison merges two sorted
//! samples of at most [`SAMPLE`] hashes.

use std::collections::BTreeMap;

use super::canonical::{SAMPLE, Shape};
use crate::model::Coordination;

/// Pairs at least this similar (and not identical) are listed.
pub const NEAR_PERCENT: u32 = 80;
/// At most this many near pairs are listed; the rest are counted.
pub const MAX_PAIRS: usize = 100;

/// What the report says about similar submissions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Similar {
    /// Submissions whose specs are the same saga up to renaming (two or more each), the
    /// largest group first.
    pub groups: Vec<Group>,
    /// Near matches between different groups (a submission alone is a group of one), the
    /// most similar first.
    pub pairs: Vec<Pair>,
    /// Near pairs beyond [`MAX_PAIRS`], not listed.
    pub more_pairs: usize,
    /// Submissions whose spec resolved, and so were compared.
    pub compared: usize,
    /// Submissions without a spec that resolves, not compared.
    pub not_compared: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its number on the page, from 1.
    pub number: usize,
    /// Submission names, sorted.
    pub members: Vec<String>,
    pub steps: usize,
    pub coordination: Coordination,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub left: Side,
    pub right: Side,
    pub percent: u32,
}

/// One side of a near pair: a submission, and the group of identical ones it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub name: String,
    /// The group it belongs to, when it has identical twins.
    pub group: Option<usize>,
}

/// A set of identical shapes: its members' names (sorted) and the shape.
struct Class<'a> {
    members: Vec<&'a str>,
    shape: &'a Shape,
    group: Option<usize>,
}

/// Finds the groups and near pairs among submissions `(name, shape)`; `None` is a
/// submission whose spec did not resolve.
pub fn find(submissions: &[(&str, Option<&Shape>)]) -> Similar {
    let mut buckets: BTreeMap<u64, Vec<Class>> = BTreeMap::new();
    let mut not_compared = 0;
    for &(name, shape) in submissions {
        let Some(shape) = shape else {
            not_compared += 1;
            continue;
        };
        // Inside a bucket the features are compared too, so a collision of the 64-bit
        // hashes cannot merge two different sagas.
        let bucket = buckets.entry(shape.form).or_default();
        match bucket.iter_mut().find(|c| c.shape == shape) {
            Some(class) => class.members.push(name),
            None => bucket.push(Class {
                members: vec![name],
                shape,
                group: None,
            }),
        }
    }
    let mut classes: Vec<Class> = buckets.into_values().flatten().collect();
    for class in &mut classes {
        class.members.sort_unstable();
    }
    // The largest group first, then by name: what makes the numbering deterministic.
    classes.sort_by(|a, b| (b.members.len(), &a.members).cmp(&(a.members.len(), &b.members)));
    let mut groups = Vec::new();
    for class in classes.iter_mut().filter(|c| c.members.len() > 1) {
        let number = groups.len() + 1;
        class.group = Some(number);
        groups.push(Group {
            number,
            members: class.members.iter().map(|m| (*m).to_owned()).collect(),
            steps: class.shape.steps,
            coordination: class.shape.coordination,
        });
    }
    let mut near = near_pairs(&classes);
    let found = near.len();
    // The most similar first, then by the names (each pair's names are in order).
    near.sort_unstable_by(|x, y| {
        let key = |&(a, b, percent): &(usize, usize, u32)| {
            (
                std::cmp::Reverse(percent),
                classes[a].members[0],
                classes[b].members[0],
            )
        };
        key(x).cmp(&key(y))
    });
    let pairs: Vec<Pair> = near
        .into_iter()
        .take(MAX_PAIRS)
        .map(|(a, b, percent)| Pair {
            left: side(&classes[a]),
            right: side(&classes[b]),
            percent,
        })
        .collect();
    Similar {
        groups,
        more_pairs: found - pairs.len(),
        pairs,
        compared: submissions.len() - not_compared,
        not_compared,
    }
}

/// Every pair of classes at least [`NEAR_PERCENT`] similar, as indices into `classes`
/// (the one whose first name sorts first on the left) with the similarity.
fn near_pairs(classes: &[Class]) -> Vec<(usize, usize, u32)> {
    let mut order: Vec<usize> = (0..classes.len()).collect();
    order.sort_by_key(|&c| (classes[c].shape.feature_count, classes[c].members[0]));
    let mut pairs = Vec::new();
    for (i, &a) in order.iter().enumerate() {
        let shape_a = classes[a].shape;
        for &b in &order[i + 1..] {
            let shape_b = classes[b].shape;
            // |A ∩ B| / |A ∪ B| ≤ |A| / |B| when |A| ≤ |B|: no later b can reach it.
            if (shape_a.feature_count as u64) * 100
                < (shape_b.feature_count as u64) * u64::from(NEAR_PERCENT)
            {
                break;
            }
            let percent = percent(shape_a, shape_b);
            if percent >= NEAR_PERCENT {
                if classes[a].members[0] <= classes[b].members[0] {
                    pairs.push((a, b, percent));
                } else {
                    pairs.push((b, a, percent));
                }
            }
        }
    }
    pairs
}

fn side(class: &Class) -> Side {
    Side {
        name: class.members[0].to_owned(),
        group: class.group,
    }
}

/// The similarity of two shapes, in percent: 100 for the same form, else the Jaccard
/// index of their features, rounded down and at most 99.
pub fn percent(a: &Shape, b: &Shape) -> u32 {
    if a.form == b.form && a == b {
        return 100;
    }
    let (common, union) = overlap(&a.features, &b.features);
    if union == 0 {
        return 0;
    }
    ((common * 100 / union) as u32).min(99)
}

/// Merges two ascending samples: how many of the smallest [`SAMPLE`] hashes of the union
/// are in both, and how many there are. With samples that are whole sets, this is
/// `|A ∩ B|` and `|A ∪ B|`; otherwise the bottom-k estimate of the same ratio.
fn overlap(a: &[u64], b: &[u64]) -> (usize, usize) {
    let (mut i, mut j, mut common, mut union) = (0, 0, 0, 0);
    while union < SAMPLE && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                common += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), None) => i += 1,
            _ => j += 1,
        }
        union += 1;
    }
    (common, union)
}
