//! The class report as one HTML page: inline CSS and SVG, no script, nothing fetched (its
//! Content-Security-Policy forbids any load). Every text is escaped with
//! [`escape::html`](super::escape::html).

use std::fmt::Write;

use super::escape::{html, html_with_code};
use super::similarity::{Pair, Side, Similar};
use super::summary::{Rate, Tally};
use super::{ClassReport, SIMILARITY_METHOD, SIMILARITY_NOTE, svg};
use crate::diagnostic::Severity;
use crate::grade::result::points;

const STYLE: &str = include_str!("report.css");

/// The whole page.
pub fn render(r: &ClassReport) -> String {
    let mut page = String::with_capacity(16 * 1024);
    let title = html(&r.title);
    let _ = write!(
        page,
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Class report: {title}</title>
<style>
{STYLE}</style>
</head>
<body>
<main>
<header>
<h1>Class report</h1>
<p class="subtitle">{title} <span class="assignment">{}</span></p>
"#,
        html(&r.assignment)
    );
    cards(r, &mut page);
    page.push_str("</header>\n");
    scores(r, &mut page);
    criteria(&r.rates, &mut page);
    tallies(
        &mut page,
        "diagnostics",
        "Most frequent diagnostics",
        "The rules sagac reported in the submitted specs, counted once per submission, with \
         the first submission (by name) that has each and its message there.",
        "No spec was reported with any diagnostic.",
        &r.diagnostics,
    );
    tallies(
        &mut page,
        "invariants",
        "Violated invariants",
        "The correctness properties the simulator found broken under a single fault (the \
         V7xx rules), for the specs that resolved.",
        "No spec broke an invariant.",
        &r.invariants,
    );
    similar(&r.similar, &mut page);
    let _ = write!(
        page,
        "<footer>Written by sagac {}. The same grades give the same page.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    page
}

fn cards(r: &ClassReport, page: &mut String) {
    let d = &r.distribution;
    let card = |page: &mut String, id: &str, value: String, label: &str| {
        let _ = write!(
            page,
            r#"<div class="card" id="{id}"><dt>{label}</dt><dd>{}</dd></div>"#,
            html(&value)
        );
    };
    page.push_str(r#"<dl class="cards">"#);
    card(page, "count", d.count.to_string(), "submissions");
    let out_of = format!(" / {}", points(d.max_score));
    card(
        page,
        "mean",
        format!("{}{out_of}", points((d.mean * 100.0).round() / 100.0)),
        "mean score",
    );
    card(
        page,
        "median",
        format!("{}{out_of}", points(d.median)),
        "median score",
    );
    card(
        page,
        "full-marks",
        format!("{} ({})", d.full_marks, percent(d.full_marks, d.count)),
        "full marks",
    );
    card(
        page,
        "unresolved",
        r.similar.not_compared.to_string(),
        "specs that do not resolve",
    );
    page.push_str("</dl>\n");
}

fn scores(r: &ClassReport, page: &mut String) {
    let d = &r.distribution;
    let _ = write!(
        page,
        r#"<section id="scores">
<h2>Score distribution</h2>
<figure>{}<figcaption>Submissions per score, out of {}: a bar holds the scores from its label up to the next label (a half point counts with the whole point below it). Lowest {}, highest {}.</figcaption></figure>
</section>
"#,
        svg::histogram(d),
        points(d.max_score),
        points(d.min),
        points(d.max)
    );
}

fn criteria(rates: &[Rate], page: &mut String) {
    page.push_str(
        r#"<section id="criteria">
<h2>Criteria</h2>
<p class="legend"><span class="key pass"></span>passed <span class="key partial"></span>partial credit <span class="key fail"></span>failed <span class="key review"></span>left to a human</p>
<table>
<thead><tr><th>Criterion</th><th class="num">Points</th><th>Results</th><th class="num">Passed</th><th class="num">Partial</th><th class="num">Failed</th><th class="num">Review</th></tr></thead>
<tbody>
"#,
    );
    for rate in rates {
        let n = rate.total();
        let _ = writeln!(
            page,
            r#"<tr class="criterion" data-criterion="{id}" data-pass="{}" data-partial="{}" data-fail="{}" data-review="{}"><td><span class="title">{}</span> <code class="id">{id}</code></td><td class="num">{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            rate.pass,
            rate.partial,
            rate.fail,
            rate.review,
            html_with_code(&rate.title),
            points(rate.points),
            svg::rate_bar(rate),
            count_and_share(rate.pass, n),
            count_and_share(rate.partial, n),
            count_and_share(rate.fail, n),
            count_and_share(rate.review, n),
            id = html(&rate.id),
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn tallies(page: &mut String, id: &str, heading: &str, intro: &str, none: &str, list: &[Tally]) {
    let _ = write!(
        page,
        "<section id=\"{id}\">\n<h2>{heading}</h2>\n<p>{intro}</p>\n"
    );
    if list.is_empty() {
        let _ = write!(page, "<p class=\"empty\">{none}</p>\n</section>\n");
        return;
    }
    page.push_str(
        r#"<table>
<thead><tr><th>Code</th><th>What</th><th class="num">Submissions</th><th class="num">Times</th><th>Example</th></tr></thead>
<tbody>
"#,
    );
    for t in list {
        let severity = match t.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            page,
            r#"<tr class="tally" data-code="{code}" data-submissions="{}"><td><span class="code {severity}">{code}</span></td><td><span class="name">{}</span><br><span class="summary">{}</span></td><td class="num">{}</td><td class="num">{}</td><td><span class="submission">{}</span><br><span class="message">{}</span></td></tr>"#,
            t.submissions,
            html(t.name),
            html_with_code(t.summary),
            t.submissions,
            t.occurrences,
            html(&t.example),
            html_with_code(&shorten(&t.message)),
            code = html(t.code),
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn similar(s: &Similar, page: &mut String) {
    let _ = write!(
        page,
        r#"<section id="similar">
<h2>Similar submissions</h2>
<p class="note">{}</p>
<p>{} compared; {} without a spec that resolves were not.</p>
<h3>The same saga up to renaming</h3>
"#,
        html(SIMILARITY_NOTE),
        count(s.compared, "submission"),
        s.not_compared,
    );
    if s.groups.is_empty() {
        page.push_str("<p class=\"empty\">No two specs are the same saga up to renaming.</p>\n");
    } else {
        page.push_str(
            "<table>\n<thead><tr><th class=\"num\">Group</th><th>Submissions</th><th>Saga</th><th class=\"num\">Similarity</th></tr></thead>\n<tbody>\n",
        );
        for g in &s.groups {
            let members: String = g
                .members
                .iter()
                .map(|m| format!("<li>{}</li>", html(m)))
                .collect();
            let _ = writeln!(
                page,
                r#"<tr class="group" data-group="{}" data-members="{}"><td class="num">{}</td><td><ul class="members">{members}</ul></td><td>{}, {}</td><td class="num">100%</td></tr>"#,
                g.number,
                g.members.len(),
                g.number,
                super::style(g.coordination),
                count(g.steps, "step"),
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(
        page,
        "<h3>Near matches ({}% or more)</h3>",
        super::similarity::NEAR_PERCENT
    );
    if s.pairs.is_empty() {
        page.push_str("<p class=\"empty\">No other pair shares that much of its structure.</p>\n");
    } else {
        page.push_str(
            "<table>\n<thead><tr><th>Submission</th><th>Submission</th><th class=\"num\">Similarity</th></tr></thead>\n<tbody>\n",
        );
        for p in &s.pairs {
            pair(p, page);
        }
        page.push_str("</tbody>\n</table>\n");
        if s.more_pairs > 0 {
            let _ = writeln!(
                page,
                "<p class=\"more\">{} more not listed.</p>",
                count(s.more_pairs, "pair")
            );
        }
    }
    let _ = write!(
        page,
        "<details><summary>How similarity is measured</summary><p>{}</p></details>\n</section>\n",
        html(SIMILARITY_METHOD)
    );
}

fn pair(p: &Pair, page: &mut String) {
    let _ = writeln!(
        page,
        r#"<tr class="pair" data-percent="{}"><td>{}</td><td>{}</td><td class="num">{}%</td></tr>"#,
        p.percent,
        side(&p.left),
        side(&p.right),
        p.percent
    );
}

fn side(s: &Side) -> String {
    match s.group {
        Some(g) => format!(
            r#"<span class="submission">{}</span> <span class="twin">and the rest of group {g}</span>"#,
            html(&s.name)
        ),
        None => format!(r#"<span class="submission">{}</span>"#, html(&s.name)),
    }
}

/// `12 (40%)`; a dash for none.
fn count_and_share(n: usize, total: usize) -> String {
    if n == 0 {
        "–".to_owned()
    } else {
        format!("{n} <small>({})</small>", percent(n, total))
    }
}

/// A share in whole percent, rounded half up.
pub fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        return "0%".to_owned();
    }
    format!("{}%", (n * 200 + total) / (2 * total))
}

/// `1 submission`, `3 submissions`.
pub fn count(n: usize, word: &str) -> String {
    crate::grade::text::count(n, word)
}

/// A message cut to what a table cell can show.
pub fn shorten(message: &str) -> String {
    const MAX: usize = 240;
    if message.chars().count() <= MAX {
        message.to_owned()
    } else {
        let mut cut: String = message.chars().take(MAX).collect();
        cut.push('…');
        cut
    }
}
