//! Language version 2, isolation: several instances of a saga with `resources` run
//! interleaved against the records they share, and the anomalies are invariants
//! (V709-V713) with shortest counterexamples (contract `isolation.md`, taught in
//! `docs/isolation.md`). Each instance runs part 1's machine unchanged; `product` runs them
//! together and `records` applies their effects to the records.
//!
//! Scenario names prefix each fault with its instance (`a/fail:charge_credit`,
//! `a/timeout:x+b/dup:y`); `happy` has none. One fault budget counts faults across
//! instances. What is not implemented yet is refused, never run with other semantics:
//! see [`unsupported`].

mod layout;
mod product;
mod records;

pub use records::IsolationInvariant;

use crate::model::{Coordination, Saga};

use super::Outcome;
use super::action::Action;
use super::fault::{Fault, FaultKind, applicable, compatible};
use super::invariant::Invariant;
use super::machine::Machine;
use layout::Layout;
use product::Product;

/// An instance: its letter and the saga it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub letter: char,
    pub saga: String,
}

/// An invariant the product can break: one of part 1's, judged per instance, or an
/// isolation invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Broke {
    Instance(Invariant),
    Isolation(IsolationInvariant),
}

impl Broke {
    pub fn as_str(self) -> &'static str {
        match self {
            Broke::Instance(i) => i.as_str(),
            Broke::Isolation(i) => i.as_str(),
        }
    }
}

/// A broken invariant with a shortest run of the instances that breaks it.
#[derive(Debug, Clone)]
pub struct IsolationViolation {
    pub invariant: Broke,
    /// The instance whose action broke it.
    pub instance: char,
    pub message: String,
    /// Each action with the index of its instance.
    pub trace: Vec<(u8, Action)>,
}

/// One isolation scenario with every interleaving of its instances explored.
#[derive(Debug, Clone)]
pub struct IsolationScenario {
    pub name: String,
    /// Each fault with the index of its instance.
    pub faults: Vec<(u8, Fault)>,
    pub labels: Vec<Label>,
    /// Per instance, its outcome in the representative run.
    pub outcomes: Vec<Outcome>,
    pub violations: Vec<IsolationViolation>,
    pub states: usize,
    /// Whether every fault fired in some run.
    pub all_fired: bool,
}

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Every interleaving of every scenario, each fault on each instance.
    Naive,
    /// Partial-order reduction and symmetry (contract §7); the default.
    Reduced,
}

/// The instances of a saga with resources: `isolation.instances` (default 2).
pub fn instances(saga: &Saga) -> u8 {
    saga.resources.isolation.instances.value.clamp(1, 4)
}

fn labels(saga: &Saga, n: u8) -> Vec<Label> {
    (0..n)
        .map(|i| Label {
            letter: char::from(b'a' + i),
            saga: saga.name.value.clone(),
        })
        .collect()
}

/// What `simulate` does not implement yet for a saga with resources, if the spec uses it:
/// the spec is refused rather than run with other semantics.
pub fn unsupported(saga: &Saga) -> Option<String> {
    if saga.coordination == Coordination::Choreography {
        return Some("resources in a choreography".to_owned());
    }
    let resources = &saga.resources;
    if let Some(r) = resources.declared.iter().find(|r| r.version_file.value) {
        return Some(format!("`version_file` (on {})", r.name.value));
    }
    for (actor, effect) in resources.effects() {
        if effect.if_unchanged.is_some() {
            return Some("`if_unchanged` (the built-in failure Changed)".to_owned());
        }
        if matches!(actor, crate::model::resources::Actor::Reaction(_)) {
            return Some("effects on a reaction".to_owned());
        }
        let resource = resources.resource(effect.record.resource);
        if effect.on_locked(resource) == crate::model::resources::OnLocked::Fail
            && !actor.is_compensation()
        {
            return Some("`on_locked: fail` (the built-in failure Locked)".to_owned());
        }
    }
    None
}

/// Every scenario: `happy`, then each applicable fault on each instance, then
/// combinations up to `max_faults` across instances. The reduced search puts a lone fault
/// on `a` only, and a pair on two instances of one spec once (`a/x+b/y`, not also
/// `a/y+b/x`). Combinations in which some fault never fires are left out.
pub fn enumerate(
    saga: &Saga,
    kinds: &[FaultKind],
    max_faults: usize,
    search: Search,
) -> Result<Vec<IsolationScenario>, String> {
    let n = instances(saga);
    let base = applicable(saga, kinds);
    let mut singles: Vec<(u8, Fault)> = Vec::new();
    for i in 0..n {
        if search == Search::Reduced && i > 0 {
            break;
        }
        singles.extend(base.iter().map(|&f| (i, f)));
    }
    let every: Vec<(u8, Fault)> = (0..n)
        .flat_map(|i| base.iter().map(move |&f| (i, f)))
        .collect();
    let mut lists: Vec<Vec<(u8, Fault)>> = vec![Vec::new()];
    lists.extend(singles.iter().map(|&f| vec![f]));
    if max_faults >= 2 {
        for (x, &a) in every.iter().enumerate() {
            for &b in &every[x + 1..] {
                if a.0 == b.0 && !compatible(a.1, b.1) {
                    continue;
                }
                if search == Search::Reduced && !canonical_pair(&base, a, b) {
                    continue;
                }
                lists.push(vec![a, b]);
            }
        }
    }
    let mut out = Vec::new();
    for faults in lists {
        let scenario = run(saga, &faults, search)?;
        if faults.is_empty() || scenario.all_fired {
            out.push(scenario);
        }
    }
    Ok(out)
}

/// Whether a pair of faults is the one of its symmetric class the reduced search keeps:
/// faults on `a` first, and of `a/x+b/y` and `a/y+b/x` the one with `x` first.
fn canonical_pair(base: &[Fault], a: (u8, Fault), b: (u8, Fault)) -> bool {
    let index = |f: Fault| base.iter().position(|&g| g == f).unwrap_or(usize::MAX);
    match (a.0, b.0) {
        (0, 0) => true,
        (0, 1) => index(a.1) <= index(b.1),
        _ => false,
    }
}

/// Explores every interleaving of the instances under these faults.
pub fn run(
    saga: &Saga,
    faults: &[(u8, Fault)],
    search: Search,
) -> Result<IsolationScenario, String> {
    let n = instances(saga);
    let labels = labels(saga, n);
    let letters: Vec<char> = labels.iter().map(|l| l.letter).collect();
    let per_instance: Vec<Vec<Fault>> = (0..n)
        .map(|i| faults.iter().filter(|f| f.0 == i).map(|f| f.1).collect())
        .collect();
    let machines: Vec<Machine> = per_instance.iter().map(|f| Machine::new(saga, f)).collect();
    let symmetric = search == Search::Reduced && n == 2 && per_instance[0] == per_instance[1];
    let product = Product {
        saga,
        machines,
        layout: Layout::new(saga, n, &letters),
        labels: labels.clone(),
        reduced: search == Search::Reduced,
        symmetric,
    };
    let mut explored = product.explore()?;
    if product.reduced && !explored.violations.is_empty() {
        // The reduction decides which invariants break; a counterexample found in the
        // reduced graph may be longer than the shortest run, so the scenario is explored
        // again without it (symmetry keeps lengths) for the shortest counterexamples.
        let full = Product {
            reduced: false,
            ..product
        }
        .explore()?;
        for v in &mut explored.violations {
            if let Some(w) = full.violations.iter().find(|w| w.0 == v.0) {
                *v = w.clone();
            }
        }
    }
    let all_fired = per_instance.iter().enumerate().all(|(i, f)| {
        let all = if f.len() >= 64 {
            u64::MAX
        } else {
            (1u64 << f.len()) - 1
        };
        explored.fired[i] & all == all
    });
    Ok(IsolationScenario {
        name: scenario_name(saga, &letters, faults),
        faults: faults.to_vec(),
        labels,
        outcomes: explored.outcomes,
        violations: explored
            .violations
            .into_iter()
            .map(|(invariant, i, message, trace)| IsolationViolation {
                invariant,
                instance: letters[usize::from(i)],
                message,
                trace,
            })
            .collect(),
        states: explored.states,
        all_fired,
    })
}

/// `happy`, or `a/fail:charge_credit+b/dup:reserve_inventory`.
pub fn scenario_name(saga: &Saga, letters: &[char], faults: &[(u8, Fault)]) -> String {
    if faults.is_empty() {
        return "happy".to_owned();
    }
    faults
        .iter()
        .map(|(i, f)| format!("{}/{}", letters[usize::from(*i)], f.name(saga)))
        .collect::<Vec<_>>()
        .join("+")
}

/// The faults an instance-prefixed name stands for; `None` when a part names no instance
/// or no fault of the saga.
pub fn parse_name(saga: &Saga, name: &str) -> Option<Vec<(u8, Fault)>> {
    if name.trim() == "happy" {
        return Some(Vec::new());
    }
    let n = instances(saga);
    name.split('+')
        .map(|part| {
            let (letter, fault) = part.trim().split_once('/')?;
            let mut chars = letter.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return None;
            };
            let i = u8::try_from(u32::from(c).checked_sub(u32::from('a'))?).ok()?;
            if i >= n {
                return None;
            }
            match super::name::parse_name(saga, fault)?.as_slice() {
                [f] => Some((i, *f)),
                _ => None,
            }
        })
        .collect()
}
