//! The class report as GitHub-flavoured Markdown: the same sections as the HTML page, the
//! histogram as a table of bars. A submission's text (its name, a message that quotes its
//! names) is inline code, never Markdown; the rubric's text is written as the rubric wrote
//! it, as in the students' feedback.

use std::fmt::Write;

use super::escape::{md_cell, md_code_cell};
use super::html::{count, percent, shorten};
use super::similarity::{NEAR_PERCENT, Side, Similar};
use super::summary::{Distribution, Rate, Tally};
use super::{ClassReport, SIMILARITY_METHOD, SIMILARITY_NOTE};
use crate::grade::result::points;
use crate::grade::text;

/// The longest bar of the histogram, in characters.
const BAR: usize = 30;

pub fn render(r: &ClassReport) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let d = &r.distribution;
    let _ = write!(
        out,
        "# Class report: {}\n\nAssignment {}. {}; mean {} / {max}, median {} / {max}; {} with full marks ({}); {} whose spec does not resolve.\n\n",
        md_cell(&r.title),
        text::code(&r.assignment),
        count(d.count, "submission"),
        points((d.mean * 100.0).round() / 100.0),
        points(d.median),
        d.full_marks,
        percent(d.full_marks, d.count),
        r.similar.not_compared,
        max = points(d.max_score),
    );
    histogram(d, &mut out);
    criteria(&r.rates, &mut out);
    out.push_str("## Most frequent diagnostics\n\n");
    tallies(
        &r.diagnostics,
        "No spec was reported with any diagnostic.",
        &mut out,
    );
    out.push_str("## Violated invariants\n\n");
    tallies(&r.invariants, "No spec broke an invariant.", &mut out);
    similar(&r.similar, &mut out);
    let _ = writeln!(
        out,
        "---\n\nWritten by sagac {}.",
        env!("CARGO_PKG_VERSION")
    );
    out
}

fn histogram(d: &Distribution, out: &mut String) {
    let top = d.bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let _ = write!(
        out,
        "## Score distribution\n\nLowest {}, highest {}. A row holds the scores from its label up to the next one.\n\n| Score | Submissions | |\n|---:|---:|:---|\n",
        points(d.min),
        points(d.max)
    );
    for b in &d.bins {
        let len = (b.count * BAR).div_ceil(top);
        let _ = writeln!(out, "| {} | {} | {} |", b.label(), b.count, "█".repeat(len));
    }
    out.push('\n');
}

fn criteria(rates: &[Rate], out: &mut String) {
    out.push_str("## Criteria\n\n| Criterion | Points | Passed | Partial | Failed | Review |\n|:---|---:|---:|---:|---:|---:|\n");
    for r in rates {
        let n = r.total();
        let share = |k: usize| {
            if k == 0 {
                "–".to_owned()
            } else {
                format!("{k} ({})", percent(k, n))
            }
        };
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} |",
            md_cell(&r.title),
            md_code_cell(&r.id),
            points(r.points),
            share(r.pass),
            share(r.partial),
            share(r.fail),
            share(r.review)
        );
    }
    out.push('\n');
}

fn tallies(list: &[Tally], none: &str, out: &mut String) {
    if list.is_empty() {
        let _ = write!(out, "{none}\n\n");
        return;
    }
    out.push_str("| Code | What | Submissions | Times | Example |\n|:---|:---|---:|---:|:---|\n");
    for t in list {
        let _ = writeln!(
            out,
            "| {} | {}: {} | {} | {} | {}: {} |",
            t.code,
            t.name,
            md_cell(t.summary),
            t.submissions,
            t.occurrences,
            md_code_cell(&t.example),
            md_code_cell(&shorten(&t.message))
        );
    }
    out.push('\n');
}

fn similar(s: &Similar, out: &mut String) {
    let _ = write!(
        out,
        "## Similar submissions\n\n> {SIMILARITY_NOTE}\n\n{} compared; {} without a spec that resolves were not.\n\n### The same saga up to renaming\n\n",
        count(s.compared, "submission"),
        s.not_compared
    );
    if s.groups.is_empty() {
        out.push_str("No two specs are the same saga up to renaming.\n\n");
    } else {
        out.push_str("| Group | Submissions | Saga | Similarity |\n|---:|:---|:---|---:|\n");
        for g in &s.groups {
            let members: Vec<String> = g.members.iter().map(|m| md_code_cell(m)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {}, {} | 100% |",
                g.number,
                members.join(", "),
                super::style(g.coordination),
                count(g.steps, "step")
            );
        }
        out.push('\n');
    }
    let _ = write!(out, "### Near matches ({NEAR_PERCENT}% or more)\n\n");
    if s.pairs.is_empty() {
        out.push_str("No other pair shares that much of its structure.\n\n");
    } else {
        out.push_str("| Submission | Submission | Similarity |\n|:---|:---|---:|\n");
        for p in &s.pairs {
            let _ = writeln!(
                out,
                "| {} | {} | {}% |",
                side(&p.left),
                side(&p.right),
                p.percent
            );
        }
        if s.more_pairs > 0 {
            let _ = writeln!(out, "\n{} more not listed.", count(s.more_pairs, "pair"));
        }
        out.push('\n');
    }
    let _ = write!(out, "How similarity is measured: {SIMILARITY_METHOD}\n\n");
}

fn side(s: &Side) -> String {
    match s.group {
        Some(g) => format!("{} and the rest of group {g}", md_code_cell(&s.name)),
        None => md_code_cell(&s.name),
    }
}
