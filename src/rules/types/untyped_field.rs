use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// In a spec that types its data (it has a `fields:` catalogue), a field named by the
    /// trigger's `data`, a step's `reads` or `writes`, or a compensation's `reads` that
    /// `fields` does not list.
    ///
    /// ## Why it matters
    /// A field `fields` does not list is a string, which keeps specs without types
    /// meaning what they always meant. In a spec that declares types, a field left out is
    /// most often one forgotten or misspelt: the generated code would carry an amount or
    /// an id as free text, and a participant would parse it again at every step.
    ///
    /// ## Example
    /// ```yaml
    /// fields:
    ///   order_id: uuid
    /// trigger:
    ///   data: [order_id, amount]
    /// ```
    ///
    /// ## Fix
    /// Give the field its type (`string` if text is what it is):
    /// ```yaml
    /// fields:
    ///   order_id: uuid
    ///   amount: decimal
    /// ```
    pub static RULE = ("D512", "untyped-field", Warning, "A field the spec's `fields` catalogue does not list");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let types = &saga.types;
    let Some(catalogue) = types.catalogue else {
        return;
    };
    let uses = saga
        .trigger
        .data
        .iter()
        .chain(saga.trigger.compensation.iter().flat_map(|c| &c.reads))
        .chain(saga.steps.iter().flat_map(|s| {
            s.reads
                .iter()
                .chain(&s.writes)
                .chain(s.compensation.iter().flat_map(|c| &c.reads))
        }));
    let mut seen = HashSet::new();
    let mut missing: Vec<&Spanned<String>> = uses
        .filter(|f| !types.lists(&f.value) && seen.insert(f.value.as_str()))
        .collect();
    missing.sort_by_key(|f| f.span.start);
    for field in missing {
        out.push(
            Diagnostic::new(
                &RULE,
                field.span,
                format!(
                    "`{}` has no type in `fields`, so it is a string",
                    field.value
                ),
            )
            .label("not listed in `fields`")
            .related(catalogue, "the types this spec declares")
            .help(format!(
                "add `{}: <type>` under `fields:` (`string` if text is what it holds)",
                field.value
            )),
        );
    }
}
