use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

use crate::diagnostic::Diagnostic;
use crate::model::Saga;

declare_rule! {
    /// ## What it checks
    /// A record that contains itself: one of its fields is the record itself, or a record
    /// that (through its own fields) contains it again. A list of the record is fine: a
    /// list may be empty, so an order line may hold a list of order lines.
    ///
    /// ## Why it matters
    /// A value of such a record never ends: an `Address` with a field `Address` holds an
    /// address, which holds an address, and so on. No message can carry one, and the
    /// generated type would be infinitely large (Rust refuses it).
    ///
    /// ## Example
    /// ```yaml
    /// records:
    ///   Customer: { name: string, referrer: Customer }
    /// ```
    ///
    /// ## Fix
    /// Refer to the other value by its id, or hold a list of them:
    /// ```yaml
    /// records:
    ///   Customer: { name: string, referrer_id: uuid }
    /// ```
    pub static RULE = ("D511", "recursive-record", Error, "A record that contains itself");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let records = &saga.types.records;
    if records.is_empty() {
        return;
    }
    let mut graph = DiGraph::<usize, usize>::with_capacity(records.len(), records.len());
    let nodes: Vec<_> = (0..records.len()).map(|i| graph.add_node(i)).collect();
    for (i, r) in records.iter().enumerate() {
        for (f, field) in r.fields.iter().enumerate() {
            let target = field
                .ty
                .record_in_place()
                .and_then(|name| records.iter().position(|r| r.name.value == name));
            if let Some(j) = target {
                graph.add_edge(nodes[i], nodes[j], f);
            }
        }
    }
    for component in tarjan_scc(&graph) {
        let mut members: Vec<usize> = component.iter().map(|n| graph[*n]).collect();
        members.sort_unstable();
        let first = members[0];
        // The field of the first record that stays inside the cycle.
        let Some(field) = records[first].fields.iter().find(|f| {
            f.ty.record_in_place()
                .is_some_and(|name| members.iter().any(|&m| records[m].name.value == name))
        }) else {
            continue;
        };
        let through: Vec<String> = members
            .iter()
            .map(|&m| format!("`{}`", records[m].name.value))
            .collect();
        let message = if members.len() == 1 {
            format!(
                "record `{}` contains itself through its field `{}`",
                records[first].name.value, field.name.value
            )
        } else {
            format!(
                "record `{}` contains itself through its field `{}` (the records {} contain each other)",
                records[first].name.value,
                field.name.value,
                through.join(", ")
            )
        };
        out.push(
            Diagnostic::new(&RULE, field.written, message)
                .label("a value of it would never end")
                .help(format!(
                    "refer to the other value by its id (`{}_id: uuid`), or make the field a list (`list<{}>`), which may be empty",
                    field.name.value,
                    field.ty.describe()
                )),
        );
    }
}
