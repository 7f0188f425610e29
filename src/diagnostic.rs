//! What a check found: a rule, a message, the span it is about, and help; and [`Rule`],
//! the identity every diagnostic carries (its code, name, severity and documentation).
//! The rules themselves, and the words of each diagnostic, live in `rules/`.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A kind of diagnostic: declared once per rule file with `declare_rule!`, whose doc comment
/// becomes [`Rule::doc`], the text `sagac explain` prints.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, e.g. `C201`; never reused for another check.
    pub code: &'static str,
    /// Kebab-case name, e.g. `missing-compensation`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The rule's documentation in Markdown (from its doc comment).
    pub doc: &'static str,
}

impl Rule {
    /// The documentation with the one-space indent of doc comments removed.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    pub fn category(&self) -> &'static str {
        match self.code.as_bytes().first() {
            Some(b'S') => "syntax",
            Some(b'I') if self.code.starts_with("I8") => "isolation",
            Some(b'I') => "import",
            Some(b'R') => "references",
            Some(b'C') => "compensation",
            Some(b'T') => "retries",
            Some(b'G') => "choreography graph",
            Some(b'D') => "data flow",
            Some(b'W') => "reliability",
            Some(b'V') => "simulation",
            Some(b'M') => "diagrams",
            _ => "other",
        }
    }
}

/// A secondary place that explains the primary one ("first declared here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub message: String,
    pub span: Span,
    /// Short text drawn under the span; the message is used when absent.
    pub label: Option<String>,
    pub related: Vec<Related>,
    pub help: Option<String>,
    /// The text that would replace the primary span to fix it, when the fix is a name
    /// ("did you mean `payment.completed`?"): what an editor offers as a quick fix.
    pub replacement: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
            replacement: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The name that would replace the primary span ("did you mean").
    pub fn replacement(mut self, text: impl Into<String>) -> Self {
        self.replacement = Some(text.into());
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            label: label.into(),
        });
        self
    }

    pub fn severity(&self) -> Severity {
        self.rule.severity
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }
}

/// Sorts diagnostics by position, then code, so every output is in a stable order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.rule.code,
            &b.message,
        ))
    });
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut c = Counts::default();
        for d in diagnostics {
            c.add(d.severity());
        }
        c
    }

    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    pub fn merge(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
    }
}
