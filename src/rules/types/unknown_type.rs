use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::types::{Scalar, Type, TypedField};
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it checks
    /// A type in `fields` or `records` that is none of `string`, `integer`, `decimal`,
    /// `boolean`, `uuid`, `timestamp`, `list<T>` or the name of a record declared under
    /// `records`.
    ///
    /// ## Why it matters
    /// The generated code gives every field the type the spec names. A type that names
    /// nothing cannot be generated: `sagac codegen` would have to guess what the field
    /// holds, and a guess (a string, say) would let a wrong value travel through every step
    /// and compensation unnoticed.
    ///
    /// ## Example
    /// ```yaml
    /// fields:
    ///   amount: money
    ///   items: list<OrderLne>
    /// records:
    ///   OrderLine: { sku: string, quantity: integer }
    /// ```
    ///
    /// ## Fix
    /// Use one of the types, or declare the record:
    /// ```yaml
    /// fields:
    ///   amount: decimal
    ///   items: list<OrderLine>
    /// records:
    ///   OrderLine: { sku: string, quantity: integer }
    /// ```
    pub static RULE = ("D510", "unknown-type", Error, "A type that names no type or record");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let types = &saga.types;
    let records: Vec<&str> = types
        .records
        .iter()
        .map(|r| r.name.value.as_str())
        .collect();
    let fields = types
        .fields
        .iter()
        .map(|f| (f, None))
        .chain(types.records.iter().flat_map(|r| {
            r.fields
                .iter()
                .map(move |f| (f, Some(r.name.value.as_str())))
        }));
    for (field, record) in fields {
        if let Some(d) = unknown(field, record, &records) {
            out.push(d);
        }
    }
}

fn unknown(field: &TypedField, record: Option<&str>, records: &[&str]) -> Option<Diagnostic> {
    let mut item = &field.ty;
    while let Type::List(inner) = item {
        item = inner;
    }
    let place = match record {
        Some(r) => format!("`{}` of record `{r}`", field.name.value),
        None => format!("`{}`", field.name.value),
    };
    let (word, is_record) = match item {
        Type::Record(name) if !records.contains(&name.as_str()) => (name.as_str(), true),
        Type::Unknown { word } => (word.as_str(), false),
        _ => return None,
    };
    let candidates = Scalar::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(records.iter().copied());
    let close = did_you_mean(word, candidates);
    let message = if is_record {
        format!("{place} has type `{word}`, but no record `{word}` is declared")
    } else if word.is_empty() || word.contains(['<', '>', ',']) {
        format!("the type of {place} does not read as a type")
    } else {
        format!("{place} has type `{word}`, which is no type")
    };
    let mut help = match close {
        Some(close) => format!("did you mean `{close}`? "),
        None => String::new(),
    };
    help.push_str(if is_record {
        "declare it under `records:` (`records: { Name: { field: string } }`), or use one of string, integer, decimal, boolean, uuid, timestamp, list<T>"
    } else {
        "a type is one of string, integer, decimal, boolean, uuid, timestamp, list<T>, or a record declared under `records:`"
    });
    let d = Diagnostic::new(&RULE, field.written, message)
        .label(if is_record {
            "no such record"
        } else {
            "not a type"
        })
        .help(help);
    // The fix replaces the whole written type only when the type is that one word.
    Some(match close {
        Some(close) if std::ptr::eq(item, &field.ty) => d.replacement(close),
        _ => d,
    })
}
