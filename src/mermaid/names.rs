//! How a diagram's words are matched with a spec's names, the same for `sagac check` and
//! the grader: word for word, case ignored, camelCase and snake_case split, and a run of
//! words may be written as one (`e-mail` is `email`). `Inventory Service` holds
//! `inventory`; `Orders` does not hold `order`.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{Coordination, ParticipantId, Saga};

/// Lowercase words of a name: split at non-alphanumerics and at camelCase humps.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether some run of `hay`'s words, written together, is `needle`'s words written
/// together: `needle` appears word for word, or with its words joined or split.
pub fn contains_words(hay: &[String], needle: &[String]) -> bool {
    let wanted = needle.concat();
    !wanted.is_empty() && (0..hay.len()).any(|i| run_from(hay, i, &wanted).is_some())
}

/// The end of the run of words from `start` that spells `wanted`, if one does.
fn run_from(hay: &[String], start: usize, wanted: &str) -> Option<usize> {
    let mut rest = wanted;
    for (i, w) in hay.iter().enumerate().skip(start) {
        rest = rest.strip_prefix(w.as_str())?;
        if rest.is_empty() {
            return Some(i + 1);
        }
    }
    None
}

/// Whether words name an orchestrator: `Orchestrator`, `orchestration`, `Coordinator`.
pub fn names_orchestrator(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| w.starts_with("orchestrat") || w == "coordinator")
}

/// Whether a diagram participant (its id and label) stands for the spec participant `p`:
/// its id or label holds the participant's name; an orchestration's host may also be drawn
/// as the orchestrator.
pub fn is_participant(saga: &Saga, id: &str, label: &str, p: ParticipantId) -> bool {
    let name = words(&saga.participant(p).name.value);
    let (id, label) = (words(id), words(label));
    if contains_words(&id, &name) || contains_words(&label, &name) {
        return true;
    }
    is_host(saga, p) && (names_orchestrator(&id) || names_orchestrator(&label))
}

/// Whether `p` hosts the orchestrator of an orchestration.
pub fn is_host(saga: &Saga, p: ParticipantId) -> bool {
    saga.coordination == Coordination::Orchestration
        && saga
            .orchestrator
            .as_ref()
            .is_some_and(|o| o.participant == p)
}

/// Names to find in texts. Each is kept by its words written together, so a text finds the
/// names it holds in time linear in its words, whatever the number of names.
#[derive(Debug, Clone)]
pub struct NameIndex<T> {
    by_key: HashMap<String, Vec<T>>,
    /// The most words a name has (a run of words longer than this names nothing).
    longest: usize,
}

/// Names of more words than this are not looked for (a name is one to five words).
const MAX_NAME_WORDS: usize = 16;

impl<T: Copy + PartialEq> NameIndex<T> {
    pub fn new() -> Self {
        NameIndex {
            by_key: HashMap::new(),
            longest: 0,
        }
    }

    pub fn insert(&mut self, name: &str, value: T) {
        let w = words(name);
        if w.is_empty() || w.len() > MAX_NAME_WORDS {
            return;
        }
        self.longest = self.longest.max(w.len());
        let found = self.by_key.entry(w.concat()).or_default();
        if !found.contains(&value) {
            found.push(value);
        }
    }

    /// Every name the words hold, with the run of words that spells it, in the order they
    /// are found (by where the run starts, shorter runs first).
    pub fn find(&self, words: &[String]) -> Vec<(T, Range<usize>)> {
        let mut out = Vec::new();
        let mut key = String::new();
        for start in 0..words.len() {
            key.clear();
            // A name split into more words than it has (`e mail`) is still found.
            let limit = (start + self.longest * 2).min(words.len());
            for end in start + 1..=limit {
                key.push_str(&words[end - 1]);
                if let Some(values) = self.by_key.get(&key) {
                    out.extend(values.iter().map(|&v| (v, start..end)));
                }
            }
        }
        out
    }
}

impl<T: Copy + PartialEq> Default for NameIndex<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("InvSvc"), vec!["inv", "svc"]);
        assert_eq!(words("Inventory Service"), vec!["inventory", "service"]);
        assert_eq!(words("payment_service"), vec!["payment", "service"]);
        assert!(contains_words(
            &words("Saga Payment Service"),
            &words("payment_service")
        ));
        assert!(contains_words(&words("OrderService"), &words("order")));
        assert!(!contains_words(&words("Orders"), &words("order")));
        assert!(contains_words(&words("Send E-mail"), &words("SendEmail")));
        assert!(!contains_words(&words("x"), &[]));
    }

    #[test]
    fn the_index_finds_names_in_any_spelling() {
        let mut index = NameIndex::new();
        index.insert("ReserveInventory", 1);
        index.insert("order.created", 2);
        index.insert("SendEmail", 3);
        let found = |t: &str| -> Vec<i32> { index.find(&words(t)).iter().map(|f| f.0).collect() };
        assert_eq!(found("Reserve inventory (retry)"), vec![1]);
        assert_eq!(found("Event: order.created"), vec![2]);
        assert_eq!(found("send e-mail"), vec![3]);
        assert_eq!(found("RestockInventory"), Vec::<i32>::new());
        assert_eq!(found("orders created"), Vec::<i32>::new());
    }
}
