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

mod actions;
pub mod calls;
mod joint;
mod layout;
mod notes;
pub mod plays;
mod product;
mod reaction;
mod records;
mod redelivery;
mod trigger;

pub use notes::AccessNote;
pub use records::IsolationInvariant;

use crate::model::Saga;
use crate::source::Span;

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
    /// The effect that broke an isolation invariant (for `locks_released`, the one that
    /// took the lock); `None` for part 1's invariants.
    pub span: Option<Span>,
    /// Each action with the index of its instance.
    pub trace: Vec<(u8, Action)>,
    /// Its accesses to shared records (a diagram's notes).
    pub notes: Vec<AccessNote>,
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
    /// Per instance, every outcome some run of the scenario ends in (the representative
    /// run's among them), sorted.
    pub ends: Vec<Vec<Outcome>>,
    /// The representative run: the first enabled move each time (`a` before `b`, the
    /// oldest message first).
    pub trace: Vec<(u8, Action)>,
    /// The representative run's accesses to shared records.
    pub notes: Vec<AccessNote>,
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
pub fn unsupported(_saga: &Saga) -> Option<String> {
    // Every part of the contract is simulated now (the trigger refused, effects on
    // reactions, a built-in failure's redelivery in a choreography); a semantics left
    // unwritten would be named here, and `simulate`, `check`, `diagram` and `grade` ask.
    None
}

/// The instances of a simulation: per instance, the saga it runs and its letter.
#[derive(Clone)]
pub struct Instances<'a> {
    pub sagas: Vec<&'a Saga>,
    pub labels: Vec<Label>,
    /// Different sagas (`--with`): every record reference is shared, and no symmetry.
    pub across: bool,
    /// `--shared`: the fields shared between the instances, instead of the spec's
    /// `isolation.shared` (or, across sagas, every record reference).
    pub shared: Option<Vec<String>>,
}

impl<'a> Instances<'a> {
    /// `isolation.instances` instances of one saga.
    pub fn of(saga: &'a Saga) -> Instances<'a> {
        let n = instances(saga);
        Instances {
            sagas: vec![saga; usize::from(n)],
            labels: labels(saga, n),
            across: false,
            shared: None,
        }
    }

    /// `n` instances of one saga, whatever its `isolation.instances` says (`--instances`).
    pub fn several(saga: &'a Saga, n: u8) -> Instances<'a> {
        let n = n.clamp(1, 4);
        Instances {
            sagas: vec![saga; usize::from(n)],
            labels: labels(saga, n),
            across: false,
            shared: None,
        }
    }

    /// The same instances sharing exactly `fields` (`--shared`).
    pub fn sharing(self, fields: Vec<String>) -> Instances<'a> {
        Instances {
            shared: Some(fields),
            ..self
        }
    }

    /// The fields used in a record reference by any instance's saga, sorted: what
    /// `--shared` may name.
    pub fn record_fields(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .sagas
            .iter()
            .flat_map(|s| {
                s.resources
                    .effects()
                    .map(|(_, e)| e.record.field.value.clone())
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// One instance of `saga` (`a`) and one of `with` (`b`): `sagac simulate --with`.
    pub fn with(saga: &'a Saga, with: &'a Saga) -> Instances<'a> {
        let label = |letter: char, s: &Saga| Label {
            letter,
            saga: s.name.value.clone(),
        };
        Instances {
            sagas: vec![saga, with],
            labels: vec![label('a', saga), label('b', with)],
            across: true,
            shared: None,
        }
    }

    fn letters(&self) -> Vec<char> {
        self.labels.iter().map(|l| l.letter).collect()
    }

    /// Where each instance's actions touch which records.
    fn layout(&self) -> Layout {
        Layout::new(
            &self.sagas,
            &self.letters(),
            self.across,
            self.shared.as_deref(),
        )
    }
}

/// Every scenario: `happy`, then each applicable fault on each instance, then
/// combinations up to `max_faults` across instances. The reduced search puts a lone fault
/// on `a` only, and a pair on two instances of one spec once (`a/x+b/y`, not also
/// `a/y+b/x`); with `--with` every instance gets its faults. Combinations in which some
/// fault never fires are left out.
pub fn enumerate(
    instances: &Instances,
    kinds: &[FaultKind],
    max_faults: usize,
    search: Search,
) -> Result<Vec<IsolationScenario>, String> {
    let symmetric = search == Search::Reduced && !instances.across;
    let every: Vec<(u8, Fault)> = instances
        .sagas
        .iter()
        .enumerate()
        .flat_map(|(i, saga)| {
            applicable(saga, kinds)
                .into_iter()
                .map(move |f| (i as u8, f))
        })
        .collect();
    let mut lists: Vec<Vec<(u8, Fault)>> = vec![Vec::new()];
    lists.extend(
        every
            .iter()
            .filter(|f| !symmetric || f.0 == 0)
            .map(|&f| vec![f]),
    );
    if max_faults >= 2 {
        for (x, &a) in every.iter().enumerate() {
            for &b in &every[x + 1..] {
                if a.0 == b.0 && !compatible(a.1, b.1) {
                    continue;
                }
                if symmetric && !canonical_pair(&every, a, b) {
                    continue;
                }
                lists.push(vec![a, b]);
            }
        }
    }
    let mut out = Vec::new();
    for faults in lists {
        let scenario = run(instances, &faults, search)?;
        if faults.is_empty() || scenario.all_fired {
            out.push(scenario);
        }
    }
    Ok(out)
}

/// About how much work [`enumerate`] does, in the units of [`super::estimated_work`]: the
/// scenarios it runs times the product of the instances' sizes (every interleaving of
/// their runs, which the reductions cut but do not bound). Past [`super::MAX_WORK`]
/// `simulate` stops and asks to narrow it (exit 2), as for one instance.
pub fn estimated_work(instances: &Instances, kinds: &[FaultKind], max_faults: usize) -> u128 {
    let faults: u128 = instances
        .sagas
        .iter()
        .map(|saga| applicable(saga, kinds).len() as u128)
        .sum();
    let mut scenarios: u128 = 1 + faults;
    if max_faults >= 2 {
        scenarios = scenarios.saturating_add(faults.saturating_mul(faults.saturating_sub(1)) / 2);
    }
    // A run's states per instance: about twice the saga's steps and events (measured on
    // the order saga: 3,626 states for 24 scenarios of two instances).
    let product = instances.sagas.iter().fold(1u128, |acc, saga| {
        let size = 2 * (saga.steps.len() + saga.events.len() + 1) as u128;
        acc.saturating_mul(size)
    });
    scenarios.saturating_mul(product)
}

/// Whether a pair of faults is the one of its symmetric class the reduced search keeps:
/// faults on `a` first, and of `a/x+b/y` and `a/y+b/x` the one with `x` first.
fn canonical_pair(every: &[(u8, Fault)], a: (u8, Fault), b: (u8, Fault)) -> bool {
    let index = |f: Fault| every.iter().position(|&g| g.1 == f).unwrap_or(usize::MAX);
    match (a.0, b.0) {
        (0, 0) => true,
        (0, 1) => index(a.1) <= index(b.1),
        _ => false,
    }
}

/// Explores every interleaving of the instances under these faults.
pub fn run(
    instances: &Instances,
    faults: &[(u8, Fault)],
    search: Search,
) -> Result<IsolationScenario, String> {
    let n = instances.sagas.len();
    let letters = instances.letters();
    let per_instance = per_instance(n, faults);
    let product = product(instances, &per_instance, search);
    let mut explored = product.explore()?;
    if product.reduced && !explored.violations.is_empty() {
        // The reduction decides which invariants break; a counterexample found in the
        // reduced graph may be longer than the shortest run, so the scenario is explored
        // again without it (symmetry keeps lengths) for the shortest counterexamples.
        let mut full = Product {
            reduced: false,
            notes: std::cell::Cell::new(true),
            ..product
        }
        .explore()?;
        for v in &mut explored.violations {
            if let Some(w) = full
                .violations
                .iter_mut()
                .find(|w| w.invariant == v.invariant)
            {
                std::mem::swap(v, w);
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
        name: scenario_name(&instances.sagas, &letters, faults),
        faults: faults.to_vec(),
        labels: instances.labels.clone(),
        outcomes: explored.outcomes,
        ends: explored
            .ends
            .into_iter()
            .map(|e| e.into_iter().collect())
            .collect(),
        trace: explored.trace,
        notes: explored.notes,
        violations: explored
            .violations
            .into_iter()
            .map(|v| IsolationViolation {
                invariant: v.invariant,
                instance: letters[usize::from(v.instance)],
                message: v.message,
                span: v.span,
                trace: v.trace,
                notes: v.notes,
            })
            .collect(),
        states: explored.states,
        all_fired,
    })
}

/// Per instance, the faults of `faults` it runs under.
fn per_instance(n: usize, faults: &[(u8, Fault)]) -> Vec<Vec<Fault>> {
    (0..n)
        .map(|i| {
            faults
                .iter()
                .filter(|f| usize::from(f.0) == i)
                .map(|f| f.1)
                .collect()
        })
        .collect()
}

/// The product of the instances' machines, each under its faults.
fn product<'a>(
    instances: &Instances<'a>,
    per_instance: &'a [Vec<Fault>],
    search: Search,
) -> Product<'a> {
    let n = instances.sagas.len();
    let machines: Vec<Machine> = instances
        .sagas
        .iter()
        .zip(per_instance)
        .map(|(saga, f)| Machine::new(saga, f))
        .collect();
    let symmetric = search == Search::Reduced
        && !instances.across
        && n == 2
        && per_instance[0] == per_instance[1];
    Product {
        sagas: instances.sagas.clone(),
        machines,
        layout: instances.layout(),
        labels: instances.labels.clone(),
        reduced: search == Search::Reduced,
        symmetric,
        notes: std::cell::Cell::new(search == Search::Naive),
        compensations_refuse: layout_refuses(&instances.sagas),
    }
}

/// Whether some compensation of the sagas has an access an owner can refuse: a guarded
/// `set`, or an `if_unchanged`.
fn layout_refuses(sagas: &[&Saga]) -> bool {
    sagas.iter().any(|saga| {
        saga.resources.effects().any(|(actor, e)| {
            actor.is_compensation() && (!e.from.is_empty() || e.if_unchanged.is_some())
        })
    })
}

/// `happy`, or `a/fail:charge_credit+b/dup:reserve_inventory`.
pub fn scenario_name(sagas: &[&Saga], letters: &[char], faults: &[(u8, Fault)]) -> String {
    if faults.is_empty() {
        return "happy".to_owned();
    }
    faults
        .iter()
        .map(|(i, f)| {
            let i = usize::from(*i);
            format!("{}/{}", letters[i], f.name(sagas[i]))
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// The faults an instance-prefixed name stands for; `None` when a part names no instance
/// or no fault of its saga.
pub fn parse_name(instances: &Instances, name: &str) -> Option<Vec<(u8, Fault)>> {
    if name.trim() == "happy" {
        return Some(Vec::new());
    }
    name.split('+')
        .map(|part| {
            let (letter, fault) = part.trim().split_once('/')?;
            let mut chars = letter.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return None;
            };
            let i = instances.labels.iter().position(|l| l.letter == c)?;
            match super::name::parse_name(instances.sagas[i], fault)?.as_slice() {
                [f] => Some((i as u8, *f)),
                _ => None,
            }
        })
        .collect()
}
