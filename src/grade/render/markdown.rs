//! The feedback a student reads: the score, a table of the criteria, then each criterion
//! with what passed, what failed, why, and what to read. Text from the submission reaches
//! it only as code spans (see `grade::text`).

use std::io::{self, Write};

use crate::grade::result::points;
use crate::grade::{CriterionResult, Grade, Rubric, Status};

pub fn render(rubric: &Rubric, grades: &[Grade], out: &mut dyn Write) -> io::Result<()> {
    for (i, g) in grades.iter().enumerate() {
        if i > 0 {
            writeln!(out, "\n---\n")?;
        }
        out.write_all(document(rubric, g, 1).as_bytes())?;
    }
    Ok(())
}

fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Partial => "🟡 partial",
        Status::Fail => "❌ fail",
        Status::Review => "👀 review",
    }
}

/// One submission's feedback, its top heading at `level`.
pub fn document(rubric: &Rubric, g: &Grade, level: usize) -> String {
    let h = |n: usize| "#".repeat(level + n);
    let mut md = format!(
        "{} {}: {}/{}\n\n",
        h(0),
        rubric.def.title,
        points(g.score),
        points(g.max_score)
    );
    md.push_str(&format!(
        "Submission {}{}.\n\n",
        crate::grade::text::code(&g.submission),
        g.spec
            .as_ref()
            .map(|s| format!(", spec {}", crate::grade::text::code(s)))
            .unwrap_or_default()
    ));
    for note in &g.notes {
        md.push_str(&format!("> **Note:** {}\n>\n", note));
    }
    if !g.notes.is_empty() {
        md.truncate(md.len() - 2);
        md.push('\n');
    }
    md.push_str("| Criterion | Points | Result |\n| --- | ---: | --- |\n");
    for c in &g.criteria {
        md.push_str(&format!(
            "| {} | {}/{} | {} |\n",
            c.title.replace('|', "\\|"),
            points(c.points),
            points(c.max_points),
            mark(c.status)
        ));
    }
    for c in &g.criteria {
        md.push_str(&format!(
            "\n{} {} {} ({}/{})\n\n",
            h(1),
            mark(c.status).split(' ').next().unwrap_or_default(),
            c.title,
            points(c.points),
            points(c.max_points)
        ));
        md.push_str(&criterion(c));
    }
    md
}

/// A criterion's body: the rubric's text, the findings as a list, and what to read.
pub fn criterion(c: &CriterionResult) -> String {
    let mut md = format!("{}\n", c.summary);
    if !c.details.is_empty() {
        md.push('\n');
        for d in &c.details {
            for (k, line) in d.lines().enumerate() {
                md.push_str(if k == 0 { "- " } else { "   " });
                md.push_str(line);
                md.push('\n');
            }
        }
    }
    if let Some(read) = &c.read {
        md.push_str(&format!("\n**Read:** {read}\n"));
    }
    md
}
