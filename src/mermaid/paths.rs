//! The ways through a diagram, followed together: what the grader asks of a rubric's path.

use super::diagram::{BlockKind, Diagram, Item};

/// Follows every way through the diagram at once: one branch of each `alt` and
/// `critical`, an `opt` or `break` taken or not, a `loop` once, every branch of a `par` one
/// after the other. A state is a number below `states`; `advance` moves it over one message
/// or note. The result says which states some way through the diagram ends in. The ways
/// are never listed (nested `alt`s multiply them), so this is linear in the size of the
/// diagram times `states`.
pub fn reachable(
    diagram: &Diagram,
    start: usize,
    states: usize,
    advance: &dyn Fn(&Item, usize) -> usize,
) -> Vec<bool> {
    let mut set = vec![false; states];
    if let Some(s) = set.get_mut(start) {
        *s = true;
    }
    walk(&diagram.items, set, advance)
}

fn walk(items: &[Item], mut set: Vec<bool>, advance: &dyn Fn(&Item, usize) -> usize) -> Vec<bool> {
    for item in items {
        set = match item {
            Item::Message(_) | Item::Note(_) => {
                let mut next = vec![false; set.len()];
                for (state, _) in set.iter().enumerate().filter(|(_, on)| **on) {
                    if let Some(n) = next.get_mut(advance(item, state)) {
                        *n = true;
                    }
                }
                next
            }
            Item::Block(block) => match block.kind {
                BlockKind::Alt | BlockKind::Critical => union(
                    block
                        .branches
                        .iter()
                        .map(|b| walk(&b.items, set.clone(), advance)),
                    set.len(),
                ),
                BlockKind::Opt | BlockKind::Break => union(
                    block
                        .branches
                        .iter()
                        .map(|b| walk(&b.items, set.clone(), advance))
                        .chain(std::iter::once(set.clone())),
                    set.len(),
                ),
                BlockKind::Loop | BlockKind::Rect | BlockKind::Box | BlockKind::Par => block
                    .branches
                    .iter()
                    .fold(set, |acc, b| walk(&b.items, acc, advance)),
            },
        };
    }
    set
}

fn union(sets: impl Iterator<Item = Vec<bool>>, len: usize) -> Vec<bool> {
    let mut out = vec![false; len];
    for s in sets {
        for (o, x) in out.iter_mut().zip(s) {
            *o |= x;
        }
    }
    out
}
