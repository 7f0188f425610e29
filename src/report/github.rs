//! GitHub Actions workflow commands: one `::error`/`::warning` annotation per diagnostic,
//! which GitHub draws on the pull request's diff, then a plain summary line. When
//! `$GITHUB_STEP_SUMMARY` names a file, a Markdown table of the findings is appended to it
//! so the run page lists every finding (GitHub draws only 10 annotations of each type per
//! step).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::json::JsonDiagnostic;
use crate::check::Checked;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// GitHub shows at most this many annotations of each type (error, warning) per step.
pub const ANNOTATIONS_SHOWN: usize = 10;

/// GitHub keeps at most this many bytes of a step's job summary file.
pub const STEP_SUMMARY_LIMIT: u64 = 1024 * 1024;

/// Renders the annotations and, when `$GITHUB_STEP_SUMMARY` is set, appends the job summary.
pub fn render(files: &[Checked], out: &mut dyn Write) -> io::Result<()> {
    let summary = std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    render_with_summary(files, out, summary.as_deref())
}

/// [`render`] with the job summary file given explicitly (`None`: write none), so tests do
/// not depend on the environment of the process that runs them.
pub fn render_with_summary(
    files: &[Checked],
    out: &mut dyn Write,
    step_summary: Option<&Path>,
) -> io::Result<()> {
    for file in files {
        for d in &file.diagnostics {
            writeln!(out, "{}", annotation(d, &file.source))?;
        }
    }
    writeln!(out, "{}", summary_line(files))?;
    if let Some(path) = step_summary {
        append_step_summary(path, files).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("appending the job summary to {}: {e}", path.display()),
            )
        })?;
    }
    Ok(())
}

/// One workflow command: `::error file=…,line=…,endLine=…[,col=…,endColumn=…],title=…::…`.
pub fn annotation(d: &Diagnostic, source: &SourceFile) -> String {
    let pos = JsonDiagnostic::new(d, source);
    let command = match d.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = format!(
        "file={},line={},endLine={}",
        escape_property(&source.name()),
        pos.line,
        pos.end_line
    );
    // GitHub ignores (or misplaces) columns on a span over several lines.
    if pos.line == pos.end_line {
        properties.push_str(&format!(",col={},endColumn={}", pos.column, pos.end_column));
    }
    let title = format!("{} {}", d.rule.code, d.rule.name);
    format!(
        "::{command} {properties},title={}::{}",
        escape_property(&title),
        escape_data(&text(d, source))
    )
}

/// The annotation's body: the message, the places that explain it, and the help, one per
/// line (GitHub shows the escaped newlines as line breaks).
fn text(d: &Diagnostic, source: &SourceFile) -> String {
    let mut text = d.message.clone();
    for r in &d.related {
        let at = source.line_col(r.span.start);
        text.push_str(&format!(
            "\nnote: line {}, column {}: {}",
            at.line, at.column, r.label
        ));
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

/// Escapes a command's message (the text after `::`). Other control characters become
/// U+FFFD, so that text from a spec cannot write terminal escape sequences into the log.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=`, `title=`): as [`escape_data`], and also the `:` and `,`
/// that would otherwise end the value.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in escape_data(s).chars() {
        match c {
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// The line after the annotations, in the log: the totals, and a warning that GitHub draws
/// only the first [`ANNOTATIONS_SHOWN`] of each type.
pub fn summary_line(files: &[Checked]) -> String {
    let totals = super::totals(files);
    let checked = match files {
        [one] => one.source.name(),
        _ => format!("{} files", files.len()),
    };
    if totals.errors == 0 && totals.warnings == 0 {
        return format!("{checked}: no problems found");
    }
    let mut line = format!(
        "{checked}: {}, {}",
        count(totals.errors, "error"),
        count(totals.warnings, "warning")
    );
    let hidden: Vec<&str> = [(totals.errors, "errors"), (totals.warnings, "warnings")]
        .into_iter()
        .filter(|&(n, _)| n > ANNOTATIONS_SHOWN)
        .map(|(_, kind)| kind)
        .collect();
    if !hidden.is_empty() {
        line.push_str(&format!(
            " (GitHub shows only the first {ANNOTATIONS_SHOWN} {} of a step as annotations; \
             this log lists them all)",
            hidden.join(" and ")
        ));
    }
    line
}

fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Appends the job summary, cut at a row so that the file stays within GitHub's limit.
fn append_step_summary(path: &Path, files: &[Checked]) -> io::Result<()> {
    let existing = match fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
        Err(e) => return Err(e),
    };
    let budget = usize::try_from(STEP_SUMMARY_LIMIT.saturating_sub(existing)).unwrap_or(0);
    let mut markdown = step_summary(files, budget);
    if markdown.is_empty() {
        return Ok(());
    }
    if existing > 0 {
        // The previous step's Markdown may not end its last block.
        markdown.insert(0, '\n');
    }
    if markdown.len() > budget {
        return Ok(());
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(markdown.as_bytes())
}

/// Room kept for the line that says rows were left out (and a leading newline).
const CUT_NOTE_ROOM: usize = 200;

/// The job summary's Markdown, at most `budget` bytes (empty when not even the heading fits).
pub fn step_summary(files: &[Checked], budget: usize) -> String {
    let totals = super::totals(files);
    let findings = totals.errors + totals.warnings;
    let mut md = String::from("### sagac check\n\n");
    if findings == 0 {
        md.push_str(&format!(
            "No problems found in {}.\n",
            count(files.len(), "file")
        ));
        return if md.len() < budget { md } else { String::new() };
    }
    md.push_str(&format!(
        "{}, {} in {}.\n\n| File | Line | Code | Message |\n| --- | ---: | --- | --- |\n",
        count(totals.errors, "error"),
        count(totals.warnings, "warning"),
        count(files.len(), "file")
    ));
    if md.len() + CUT_NOTE_ROOM >= budget {
        return String::new();
    }
    let mut listed = 0;
    'files: for file in files {
        let name = markdown_code(&file.source.name());
        for d in &file.diagnostics {
            let row = format!(
                "| {name} | {} | {} | {} |\n",
                file.source.line_col(d.span.start).line,
                markdown_text(&format!("{} {}", d.rule.code, d.rule.name)),
                markdown_text(&d.message)
            );
            if md.len() + row.len() + CUT_NOTE_ROOM > budget {
                break 'files;
            }
            md.push_str(&row);
            listed += 1;
        }
    }
    if listed < findings {
        md.push_str(&format!(
            "\n{} more not listed: GitHub keeps at most 1 MiB of a step's summary.\n",
            findings - listed
        ));
    }
    md
}

/// Inline code in a table cell (a path or name), or escaped text when it holds a backtick.
fn markdown_code(s: &str) -> String {
    if s.contains('`') {
        markdown_text(s)
    } else {
        format!("`{}`", one_line(s).replace('|', "\\|"))
    }
}

/// Text for a table cell. Messages quote names in backticks, which stay code spans; outside
/// them, Markdown and HTML punctuation is escaped so that a name from the spec cannot
/// become emphasis, a link or a tag.
fn markdown_text(s: &str) -> String {
    let s = one_line(s);
    let balanced = s.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '`' if balanced => {
                in_code = !in_code;
                out.push(c);
            }
            // GitHub splits table cells at `|` even inside code spans, unless escaped.
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '#' | '!' | '`' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A table row is one line, without control characters.
fn one_line(s: &str) -> String {
    s.replace("\r\n", " ")
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(
            escape_data("100% done\r\nnext: a,b"),
            "100%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_data("a\u{1b}[31mb\tc"), "a\u{FFFD}[31mb\tc");
        assert_eq!(
            escape_property("100% done\nnext: a,b"),
            "100%25 done%0Anext%3A a%2Cb"
        );
        // `%` first, so an escape is not escaped again.
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn markdown_cells_keep_code_and_escape_the_rest() {
        assert_eq!(
            markdown_text("unknown key `a|b` near *x* <y>"),
            "unknown key `a\\|b` near \\*x\\* \\<y\\>"
        );
        assert_eq!(markdown_text("odd ` tick\nline"), "odd \\` tick line");
        assert_eq!(markdown_code("dir/a b.yaml"), "`dir/a b.yaml`");
    }
}
