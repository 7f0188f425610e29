//! The failure paths of a machine as one graph, each state walked once: a state's tasks
//! (a Task or Map itself, a Parallel's branch tasks), the state after it and, where the
//! path stops, how it ends. Catchers' paths share their tails (each compensation leads to
//! the one before it), so walking each path in full is quadratic in a long machine; here a
//! walk stops at a state some earlier walk reached, and questions about a whole path (is
//! this compensation on it, how many are, which step's is the latest) are answered from
//! per-state summaries and an Euler tour of the graph, in constant time.

use std::collections::{HashMap, HashSet};

use super::machine::{Machine, State, Type};
use crate::source::Span;

/// How a failure path ends.
#[derive(Debug, Clone)]
pub enum End {
    Fail,
    /// A `Succeed` state or a state with `End: true`: the execution succeeds.
    Success(Span, String),
    /// Back on the saga's path, or in a loop.
    Other,
}

pub struct Paths<'m> {
    machine: &'m Machine<'m>,
    forward: HashSet<&'m str>,
    walked: Vec<bool>,
    /// Which walk reached a state (to tell a loop from a shared tail).
    walk_of: Vec<u32>,
    walks: u32,
    next: Vec<Option<usize>>,
    end: Vec<Option<End>>,
    /// A branch task's name → the Parallel state it runs in; a task's → itself.
    node_of: HashMap<&'m str, usize>,
    /// States looked at by every walk so far: at most one per state plus one per walk.
    visits: usize,
}

impl<'m> Paths<'m> {
    pub fn new(machine: &'m Machine<'m>, forward: HashSet<&'m str>) -> Self {
        let n = machine.states.len();
        Paths {
            machine,
            forward,
            walked: vec![false; n],
            walk_of: vec![0; n],
            walks: 0,
            next: vec![None; n],
            end: vec![None; n],
            node_of: HashMap::new(),
            visits: 0,
        }
    }

    /// Walks the path from `start` as far as no earlier walk went, noting every state it
    /// reaches in `reached`.
    pub fn walk(&mut self, start: usize, reached: &mut HashSet<String>) {
        self.walks += 1;
        let walk = self.walks;
        let mut at = start;
        let mut prev: Option<usize> = None;
        loop {
            self.visits += 1;
            if self.walked[at] {
                if self.walk_of[at] == walk
                    && let Some(p) = prev
                {
                    // A loop: the path stops where it would go round again.
                    self.next[p] = None;
                    self.end[p] = Some(End::Other);
                }
                return;
            }
            self.walked[at] = true;
            self.walk_of[at] = walk;
            let state = &self.machine.states[at];
            if self.forward.contains(state.name.value.as_str()) {
                self.end[at] = Some(End::Other);
                return;
            }
            reached.insert(state.name.value.clone());
            match state.ty {
                Type::Task | Type::Map => {
                    self.node_of.insert(state.name.value.as_str(), at);
                }
                Type::Parallel => {
                    for branch in &state.branches {
                        for s in &branch.states {
                            reached.insert(s.name.value.clone());
                            if s.ty == Type::Task {
                                self.node_of.insert(s.name.value.as_str(), at);
                            }
                        }
                    }
                }
                Type::Fail => {
                    self.end[at] = Some(End::Fail);
                    return;
                }
                Type::Succeed => {
                    self.end[at] = Some(End::Success(state.name.span, state.name.value.clone()));
                    return;
                }
                Type::Choice | Type::Pass | Type::Wait => {}
            }
            let next = if state.ty == Type::Choice {
                state.default.or_else(|| state.choices.first().copied())
            } else {
                state.next
            };
            match next {
                Some(n) => {
                    self.next[at] = Some(n);
                    prev = Some(at);
                    at = n;
                }
                None => {
                    self.end[at] = Some(End::Success(state.name.span, state.name.value.clone()));
                    return;
                }
            }
        }
    }

    /// A state's tasks on a failure path, in order.
    pub fn tasks(&self, node: usize) -> Vec<&'m State<'m>> {
        let state = &self.machine.states[node];
        if !self.walked[node] || self.forward.contains(state.name.value.as_str()) {
            return Vec::new();
        }
        match state.ty {
            Type::Task | Type::Map => vec![state],
            Type::Parallel => state
                .branches
                .iter()
                .flat_map(|b| b.states.iter().filter(|s| s.ty == Type::Task))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The states of the path from `start`, in order.
    pub fn nodes(&self, start: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(start), |n| self.next[*n])
    }

    /// What answers questions about whole paths, once every walk is done.
    pub fn summary(&self, owner: &HashMap<&str, usize>) -> Summary {
        let n = self.machine.states.len();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for s in (0..n).filter(|s| self.walked[*s]) {
            match self.next[s] {
                Some(t) => children[t].push(s),
                None => roots.push(s),
            }
        }
        let mut s = Summary {
            count: vec![0; n],
            latest: vec![None; n],
            end: vec![End::Other; n],
            enter: vec![0; n],
            leave: vec![0; n],
        };
        let mut clock = 0;
        for root in roots {
            let mut stack = vec![(root, false)];
            while let Some((node, done)) = stack.pop() {
                if done {
                    s.leave[node] = clock;
                    continue;
                }
                clock += 1;
                s.enter[node] = clock;
                // A state's summary is its own tasks' and the rest of its path's.
                let (count, latest, end) = match self.next[node] {
                    Some(t) => (s.count[t], s.latest[t], s.end[t].clone()),
                    None => (0, None, self.end[node].clone().unwrap_or(End::Other)),
                };
                let owners: Vec<usize> = self
                    .tasks(node)
                    .iter()
                    .filter_map(|t| owner.get(t.name.value.as_str()).copied())
                    .collect();
                s.count[node] = count + owners.len();
                s.latest[node] = owners.into_iter().chain(latest).max();
                s.end[node] = end;
                stack.push((node, true));
                stack.extend(children[node].iter().map(|c| (*c, false)));
            }
        }
        s
    }

    /// How many states the machine has.
    pub fn len(&self) -> usize {
        self.machine.states.len()
    }

    /// The state whose path runs the task named `task`.
    pub fn node_of(&self, task: &str) -> Option<usize> {
        self.node_of.get(task).copied()
    }
}

/// Per state, about the path from it: how many compensations run on it, the latest stage
/// whose compensation does, how it ends; and its place in the Euler tour.
pub struct Summary {
    pub count: Vec<usize>,
    pub latest: Vec<Option<usize>>,
    pub end: Vec<End>,
    enter: Vec<usize>,
    leave: Vec<usize>,
}

impl Summary {
    /// Whether the path from `from` goes through `node`.
    pub fn on_path(&self, node: usize, from: usize) -> bool {
        self.enter[node] <= self.enter[from] && self.leave[from] <= self.leave[node]
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::import::{asl::machine, tree};
    use crate::source::SourceFile;

    /// `n` steps, each caught into the chain of compensations from its own back to the
    /// first: the failure paths share their tails.
    fn chain(n: usize) -> SourceFile {
        let mut states = Vec::new();
        for i in 0..n {
            let next = if i + 1 < n {
                format!("\"Next\": \"Step{}\"", i + 1)
            } else {
                "\"End\": true".to_owned()
            };
            states.push(format!(
                "\"Step{i}\": {{\"Type\": \"Task\", \"Catch\": [{{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Undo{i}\"}}], {next}}}"
            ));
            let back = if i > 0 {
                format!("Undo{}", i - 1)
            } else {
                "Failed".to_owned()
            };
            states.push(format!(
                "\"Undo{i}\": {{\"Type\": \"Task\", \"Next\": \"{back}\"}}"
            ));
        }
        states.push("\"Failed\": {\"Type\": \"Fail\"}".to_owned());
        let text = format!(
            "{{\"StartAt\": \"Step0\", \"States\": {{{}}}}}",
            states.join(",")
        );
        SourceFile::new(Path::new("chain.asl.json"), text)
    }

    #[test]
    fn failure_paths_sharing_their_tails_are_walked_once() {
        let n = 300;
        let source = chain(n);
        let root = tree::read(&source).expect("the machine parses");
        let mut errors = Vec::new();
        let machine = machine::read(&root, &mut errors).expect("the machine reads");
        assert!(errors.is_empty(), "{errors:?}");
        let forward: HashSet<&str> = machine
            .states
            .iter()
            .map(|s| s.name.value.as_str())
            .filter(|s| s.starts_with("Step"))
            .collect();
        let mut paths = Paths::new(&machine, forward);
        let mut reached = HashSet::new();
        let starts: Vec<usize> = machine
            .states
            .iter()
            .flat_map(|s| s.catches.iter().map(|c| c.next))
            .collect();
        for start in &starts {
            paths.walk(*start, &mut reached);
        }
        // Walking each path in full would look at n(n+1)/2 + n states.
        assert!(paths.visits <= machine.states.len() + starts.len());
        // Yet every path is whole: the last step's runs every compensation and fails.
        let owner: HashMap<&str, usize> = (0..n)
            .map(|i| (machine.states[2 * i + 1].name.value.as_str(), i))
            .collect();
        let summary = paths.summary(&owner);
        let last = *starts.last().unwrap();
        assert_eq!(summary.count[last], n);
        assert_eq!(summary.latest[last], Some(n - 1));
        assert!(matches!(summary.end[last], End::Fail));
        assert!(summary.on_path(starts[0], last));
        assert!(!summary.on_path(last, starts[0]));
        assert_eq!(paths.nodes(last).count(), n + 1);
    }
}
