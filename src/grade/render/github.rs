//! GitHub Actions: an annotation per criterion not fully met (an error for a fail, a
//! warning for partial credit, a notice for a criterion left to a human), a summary line,
//! and the Markdown feedback appended to the job summary when a file is given for it.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use super::markdown;
use crate::grade::result::points;
use crate::grade::{Grade, Rubric, Status};
use crate::report::github::{STEP_SUMMARY_LIMIT, escape_data, escape_property};

pub fn render(
    rubric: &Rubric,
    grades: &[Grade],
    step_summary: Option<&Path>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for g in grades {
        let file = g.spec_path.clone();
        for c in &g.criteria {
            let command = match c.status {
                Status::Pass => continue,
                Status::Fail => "error",
                Status::Partial => "warning",
                Status::Review => "notice",
            };
            let mut properties = Vec::new();
            if let Some(f) = &file {
                properties.push(format!("file={}", escape_property(f)));
                if let Some(l) = c.line {
                    properties.push(format!("line={l}"));
                }
            }
            properties.push(format!(
                "title={}",
                escape_property(&format!(
                    "{} {}/{}: {}",
                    c.id,
                    points(c.points),
                    points(c.max_points),
                    c.title
                ))
            ));
            writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                escape_data(&c.feedback())
            )?;
        }
        writeln!(
            out,
            "{}: {}/{}",
            log_word(&g.submission),
            points(g.score),
            points(g.max_score)
        )?;
    }
    if let Some(path) = step_summary {
        let mut md = String::new();
        for g in grades {
            md.push_str(&markdown::document(rubric, g, 3));
            md.push('\n');
        }
        let existing = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if (md.len() as u64).saturating_add(existing) <= STEP_SUMMARY_LIMIT {
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?
                .write_all(md.as_bytes())?;
        }
    }
    Ok(())
}

/// A submission's name at the start of a log line: as it is when it holds only path
/// characters, else quoted, so that no folder name makes the line a workflow command
/// (`::stop-commands::`, which the runner reads at the start of any line) or splits it.
fn log_word(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_alphanumeric() || "/._-+@ ".contains(c));
    if plain && !name.is_empty() && !name.starts_with(' ') {
        name.to_owned()
    } else {
        format!("'{}'", escape_data(&name.replace('\'', r"'\''")))
    }
}

#[cfg(test)]
mod tests {
    use super::log_word;

    #[test]
    fn a_name_never_starts_a_command() {
        assert_eq!(log_word("submissions/alice"), "submissions/alice");
        assert_eq!(log_word("::stop-commands::x"), "'::stop-commands::x'");
        assert_eq!(log_word("a\n::error::x"), "'a%0A::error::x'");
        assert_eq!(log_word(" ::x"), "' ::x'");
    }
}
