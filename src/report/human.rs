//! The report a person reads: miette's graphical handler with the file name, the line,
//! a label under the exact YAML node, and help; then a one-line summary.

use std::borrow::Cow;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::check::Checked;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// A diagnostic borrowed into miette's shape.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Named<'a>,
    code: String,
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(
            Some(d.label.clone().unwrap_or_else(|| d.message.clone())),
            to_source_span(d.span, &self.source.text),
        );
        let related = d.related.iter().map(|r| {
            LabeledSpan::new_with_span(
                Some(r.label.clone()),
                to_source_span(r.span, &self.source.text),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// The file's text under its name, borrowed (miette's `NamedSource` wants to own it).
struct Named<'a> {
    name: String,
    source: &'a SourceFile,
    /// The text miette prints: the file's, with control characters made visible.
    text: Cow<'a, str>,
}

impl<'a> Named<'a> {
    fn new(source: &'a SourceFile) -> Self {
        Named {
            name: source.name(),
            source,
            text: printable(&source.text),
        }
    }
}

/// The text with every control character but tab and line ends replaced by one of the same
/// length in bytes (`?` for one byte, `¿` for two), so that a file cannot write terminal
/// escape sequences into the report, and every span still points where it did.
fn printable(text: &str) -> Cow<'_, str> {
    let control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if !control(c) => c,
                c if c.len_utf8() == 1 => '?',
                _ => '¿',
            })
            .collect(),
    )
}

impl SourceCode for Named<'_> {
    /// miette finds a span's lines by scanning the text from its start, which makes a report
    /// of many diagnostics on a large file quadratic. Hand it only the lines around the span
    /// (found with the line index) and shift the result back into the whole file.
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text: &str = &self.text;
        let first_line = self
            .source
            .line_index(span.offset())
            .saturating_sub(before + 1);
        let last_line = self.source.line_index(span.offset() + span.len()) + after + 2;
        let start = self.source.line_start(first_line);
        let end = self.source.line_start(last_line).max(start);
        let window = &text[start..end];
        let shifted = SourceSpan::new((span.offset() - start).into(), span.len());
        let inner = window.read_span(&shifted, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + start).into(), inner.span().len()),
            inner.line() + first_line,
            inner.column(),
            inner.line_count() + first_line,
        )))
    }
}

fn to_source_span(span: crate::source::Span, text: &str) -> SourceSpan {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    SourceSpan::new(start.into(), end - start)
}

pub fn render(files: &[Checked], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut shown = 0;
    for file in files {
        for d in &file.diagnostics {
            write_one(&handler, &file.source, d, out)?;
            shown += 1;
        }
    }
    let totals = super::totals(files);
    let checked = match files.len() {
        1 => files[0].source.name(),
        n => format!("{n} files"),
    };
    if shown > 0 {
        writeln!(
            out,
            "{checked}: {} {}, {} {}",
            totals.errors,
            plural(totals.errors, "error"),
            totals.warnings,
            plural(totals.warnings, "warning")
        )
    } else {
        writeln!(out, "{checked}: no problems found")
    }
}

fn write_one(
    handler: &GraphicalReportHandler,
    source: &SourceFile,
    d: &Diagnostic,
    out: &mut dyn Write,
) -> io::Result<()> {
    let report = Report {
        diagnostic: d,
        source: Named::new(source),
        code: format!("{}({})", d.rule.code, d.rule.name),
    };
    let mut text = String::new();
    handler
        .render_report(&mut text, &report)
        .map_err(|_| io::Error::other("formatting a diagnostic failed"))?;
    writeln!(out, "{text}")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_printed_visibly_in_place() {
        let text = "a\u{1b}[31mb\u{9b}c\td\r\n";
        let shown = printable(text);
        assert_eq!(shown, "a?[31mb¿c\td\r\n");
        assert_eq!(shown.len(), text.len());
        assert!(matches!(printable("plain\n"), Cow::Borrowed(_)));
    }
}
