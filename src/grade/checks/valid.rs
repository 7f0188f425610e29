//! `valid`: the spec checks without errors; `rules_absent`: none of some rule codes is
//! reported. Both read the checker's diagnostics as `sagac check` reports them.

use crate::diagnostic::{Diagnostic, Severity};
use crate::grade::text::{code, count, prose};

use super::{Context, Verdict};

/// At most this many diagnostics are listed in a criterion's feedback.
const LISTED: usize = 5;

pub fn valid(ctx: &Context) -> Verdict {
    let Some(checked) = ctx.checked() else {
        return Verdict::blocked(1, ctx.no_spec().unwrap_or_default());
    };
    let errors: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .collect();
    let warnings = checked.diagnostics.len() - errors.len();
    let mut v = Verdict::default();
    v.part(errors.is_empty());
    if errors.is_empty() {
        v.details.push(format!(
            "{} checks with no errors{}.",
            ctx.spec_name(),
            if warnings > 0 {
                format!(
                    " ({} {} not cost points here)",
                    count(warnings, "warning"),
                    if warnings == 1 { "does" } else { "do" }
                )
            } else {
                String::new()
            }
        ));
    } else {
        v.details.push(format!(
            "{} has {}:",
            ctx.spec_name(),
            count(errors.len(), "error")
        ));
        v.details.extend(listing(&errors, ctx));
        v.line = errors.first().and_then(|d| ctx.line_of(d.span));
    }
    v
}

pub fn rules_absent(codes: &[String], ctx: &Context) -> Verdict {
    let Some(checked) = ctx.checked() else {
        return Verdict::blocked(1, ctx.no_spec().unwrap_or_default());
    };
    if checked.saga.is_none() {
        return Verdict::blocked(1, ctx.saga().err().unwrap_or_default());
    }
    let wanted: Vec<&str> = codes
        .iter()
        .filter_map(|c| crate::rules::find(c).map(|r| r.code))
        .collect();
    let found: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| wanted.contains(&d.rule.code))
        .collect();
    let mut v = Verdict::default();
    v.part(found.is_empty());
    if found.is_empty() {
        v.details.push(format!(
            "{} reports none of {}.",
            code("sagac check"),
            wanted.join(", ")
        ));
    } else {
        v.details.push(format!("{} reports:", code("sagac check")));
        v.details.extend(listing(&found, ctx));
        v.line = found.first().and_then(|d| ctx.line_of(d.span));
    }
    v
}

/// `line 12: C201 missing-compensation: ...` for the first few, and how many more.
fn listing(diagnostics: &[&Diagnostic], ctx: &Context) -> Vec<String> {
    let mut out: Vec<String> = diagnostics
        .iter()
        .take(LISTED)
        .map(|d| {
            let line = ctx
                .line_of(d.span)
                .map(|l| format!("line {l}: "))
                .unwrap_or_default();
            let mut s = format!(
                "{line}{} {}: {}",
                d.rule.code,
                d.rule.name,
                prose(&d.message)
            );
            if let Some(help) = &d.help {
                s.push_str(&format!(" (help: {})", prose(help)));
            }
            s
        })
        .collect();
    if diagnostics.len() > LISTED {
        out.push(format!(
            "{} more: run {} to see them all, and {} for what a code means.",
            diagnostics.len() - LISTED,
            code("sagac check"),
            code("sagac explain CODE")
        ));
    }
    out
}
