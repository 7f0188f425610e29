//! JUnit XML, which CI systems that know nothing about sagac (GitLab, Jenkins, the GitHub
//! test-report actions) show as test results: one `<testsuite>` per file and one
//! `<testcase>` per diagnostic.
//!
//! Errors are `<failure>`s. Warnings are `<skipped>` test cases: they do not fail
//! `sagac check` (its exit status is 0 unless `--deny warnings`), and reporters turn any
//! `<failure>` into a red build, so a warning written as a failure would fail CI where sagac
//! itself passes. As skipped cases they are still listed, with their message, under the
//! file, and counted apart. A file with no errors also gets one passing case named
//! `sagac check`, so a clean file (or one with only warnings) shows as passed rather than as
//! an empty suite. Times are `0` so the output is the same on every run.

use std::io::{self, Write};

use super::json::JsonDiagnostic;
use crate::check::Checked;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// The name of the passing test case of a file without errors.
pub const PASSING_CASE: &str = "sagac check";

pub fn render(files: &[Checked], out: &mut dyn Write) -> io::Result<()> {
    let totals = super::totals(files);
    let passing = files.iter().filter(|f| f.counts().errors == 0).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sagac" tests="{}" failures="{}" errors="0" skipped="{}" time="0">"#,
        totals.errors + totals.warnings + passing,
        totals.errors,
        totals.warnings
    )?;
    for file in files {
        suite(file, out)?;
    }
    writeln!(out, "</testsuites>")
}

fn suite(file: &Checked, out: &mut dyn Write) -> io::Result<()> {
    let name = escape(&file.source.name());
    let counts = file.counts();
    let passing = usize::from(counts.errors == 0);
    writeln!(
        out,
        r#"  <testsuite name="{name}" tests="{}" failures="{}" errors="0" skipped="{}" time="0">"#,
        counts.errors + counts.warnings + passing,
        counts.errors,
        counts.warnings
    )?;
    for d in &file.diagnostics {
        case(d, &file.source, &name, out)?;
    }
    if passing == 1 {
        writeln!(
            out,
            r#"    <testcase classname="{name}" name="{PASSING_CASE}" file="{name}" time="0"/>"#
        )?;
    }
    writeln!(out, "  </testsuite>")
}

fn case(d: &Diagnostic, source: &SourceFile, name: &str, out: &mut dyn Write) -> io::Result<()> {
    let pos = JsonDiagnostic::new(d, source);
    writeln!(
        out,
        r#"    <testcase classname="{name}" name="{}" file="{name}" line="{}" time="0">"#,
        escape(&format!("{} {}", d.rule.code, d.rule.name)),
        pos.line
    )?;
    let message = escape(&d.message);
    let body = escape_text(&text(d, source));
    match d.severity() {
        Severity::Error => writeln!(
            out,
            r#"      <failure message="{message}" type="{}">{body}</failure>"#,
            escape(d.rule.code)
        )?,
        Severity::Warning => writeln!(
            out,
            r#"      <skipped message="{message}">{body}</skipped>"#
        )?,
    }
    writeln!(out, "    </testcase>")
}

/// `file:line:column: severity CODE message`, the places that explain it, and the help.
fn text(d: &Diagnostic, source: &SourceFile) -> String {
    let file = source.name();
    let at = source.line_col(d.span.start);
    let mut text = format!(
        "{file}:{}:{}: {} {} {}",
        at.line,
        at.column,
        d.severity().as_str(),
        d.rule.code,
        d.message
    );
    for r in &d.related {
        let at = source.line_col(r.span.start);
        text.push_str(&format!(
            "\n{file}:{}:{}: note: {}",
            at.line, at.column, r.label
        ));
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

/// Escapes an XML 1.0 attribute value. The five special characters become entities; tab,
/// CR and LF become character references, which an attribute keeps (a parser turns literal
/// ones into spaces); the other control characters, which XML 1.0 forbids even as
/// references, become U+FFFD.
pub fn escape(s: &str) -> String {
    escape_with(s, true)
}

/// Escapes element content as [`escape`] does, but keeps tabs and line feeds literal so the
/// failure text reads as lines in the file too.
pub fn escape_text(s: &str) -> String {
    escape_with(s, false)
}

fn escape_with(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' | '\n' if !attribute => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters outside XML 1.0's `Char` production (Rust `char`s are never surrogates).
fn is_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{0}\u{1b}\u{FFFF}\té\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}\u{FFFD}\u{FFFD}&#9;é&#10;"
        );
        assert_eq!(escape_text("a\tb\r\nc<"), "a\tb&#13;\nc&lt;");
    }
}
