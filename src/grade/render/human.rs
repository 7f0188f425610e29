//! The terminal report: each submission's score, then each criterion with its status, its
//! points and what was found.

use std::io::{self, Write};

use crate::grade::result::points;
use crate::grade::text::plain;
use crate::grade::{Grade, Status};

pub fn render(grades: &[Grade], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    for (i, g) in grades.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let score = format!("{}/{}", points(g.score), points(g.max_score));
        writeln!(
            out,
            "{}: {}",
            plain(&g.submission),
            paint(if g.full_marks() { "1;32" } else { "1;33" }, &score)
        )?;
        for note in &g.notes {
            writeln!(out, "  note: {note}")?;
        }
        let width = g.criteria.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in &g.criteria {
            let (mark, code) = match c.status {
                Status::Pass => ("pass   ", "32"),
                Status::Partial => ("partial", "33"),
                Status::Fail => ("FAIL   ", "31"),
                Status::Review => ("review ", "36"),
            };
            writeln!(
                out,
                "  {} {:width$}  {:>5}  {}",
                paint(code, mark),
                c.id,
                format!("{}/{}", points(c.points), points(c.max_points)),
                c.title
            )?;
            if c.status == Status::Pass {
                continue;
            }
            let indent = " ".repeat(width + 20);
            for line in c.summary.lines() {
                writeln!(out, "{indent}{line}")?;
            }
            for d in &c.details {
                for (k, line) in d.lines().enumerate() {
                    let bullet = if k == 0 { "- " } else { "    " };
                    writeln!(out, "{indent}{bullet}{line}")?;
                }
            }
            if let Some(read) = &c.read {
                writeln!(out, "{indent}read: {read}")?;
            }
        }
    }
    if grades.len() > 1 {
        let full = grades.iter().filter(|g| g.full_marks()).count();
        let mean = grades.iter().map(|g| g.score).sum::<f64>() / grades.len() as f64;
        writeln!(
            out,
            "\n{} submissions graded: {full} with full marks, mean score {}/{}",
            grades.len(),
            points((mean * 100.0).round() / 100.0),
            points(grades[0].max_score)
        )?;
    }
    Ok(())
}
