//! SARIF 2.1.0, the format GitHub code scanning uploads: one run whose driver lists every
//! rule the results use (with its documentation, which code scanning shows beside an
//! alert), and one result per diagnostic with a 1-based region.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::json::JsonDiagnostic;
use crate::check::Checked;
use crate::diagnostic::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const VERSION: &str = "2.1.0";
/// The project's home (the same host as the spec schema's `$id`).
pub const INFORMATION_URI: &str = "https://sagac.dev/";

#[derive(Debug, Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub results: Vec<SarifResult>,
    /// Our columns count characters (code points), not SARIF's default UTF-16 code units.
    pub column_kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub semantic_version: &'static str,
    pub information_uri: &'static str,
    pub rules: Vec<ReportingDescriptor>,
}

/// A rule as SARIF describes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: &'static str,
    pub name: &'static str,
    pub short_description: Text,
    pub full_description: Text,
    pub help: Help,
    pub default_configuration: Configuration,
}

#[derive(Debug, Serialize)]
pub struct Text {
    pub text: String,
}

/// The rule's documentation: plain `text` for any viewer, and the same `markdown` (it is
/// Markdown) that code scanning renders.
#[derive(Debug, Serialize)]
pub struct Help {
    pub text: String,
    pub markdown: String,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    pub level: Level,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: &'static str,
    pub rule_index: usize,
    pub level: Level,
    pub message: Text,
    pub locations: Vec<Location>,
    /// The places that explain the primary one ("first used here").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<RelatedLocation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedLocation {
    pub id: usize,
    pub physical_location: PhysicalLocation,
    pub message: Text,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

/// 1-based lines and columns; `endColumn` is the column after the last character.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn render(files: &[Checked], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(files))?;
    writeln!(out)
}

pub fn log(files: &[Checked]) -> Log {
    // Rules in code order, each once, so that `ruleIndex` is stable.
    let used: BTreeMap<&'static str, &'static Rule> = files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .map(|d| (d.rule.code, d.rule))
        .collect();
    let codes: Vec<&'static str> = used.keys().copied().collect();
    let results = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
        .map(|(f, d)| result(d, &f.source, codes.binary_search(&d.rule.code).unwrap_or(0)))
        .collect();
    Log {
        schema: SCHEMA,
        version: VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "sagac",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: used.into_values().map(descriptor).collect(),
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    }
}

fn descriptor(rule: &'static Rule) -> ReportingDescriptor {
    let documentation = rule.documentation();
    ReportingDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_owned(),
        },
        full_description: Text {
            text: what_it_checks(&documentation).unwrap_or_else(|| rule.summary.to_owned()),
        },
        help: Help {
            text: documentation.clone(),
            markdown: documentation,
        },
        default_configuration: Configuration {
            level: rule.severity.into(),
        },
    }
}

/// The paragraph under `## What it checks`, on one line.
fn what_it_checks(documentation: &str) -> Option<String> {
    let (_, rest) = documentation.split_once("## What it checks")?;
    let section = rest.split("\n## ").next().unwrap_or(rest);
    let text = section.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn result(d: &Diagnostic, source: &SourceFile, rule_index: usize) -> SarifResult {
    let pos = JsonDiagnostic::new(d, source);
    let uri = uri(&source.name());
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    SarifResult {
        rule_id: d.rule.code,
        rule_index,
        level: d.severity().into(),
        message: Text { text },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri.clone() },
                region: Region {
                    start_line: pos.line,
                    start_column: pos.column,
                    end_line: pos.end_line,
                    end_column: pos.end_column,
                },
            },
        }],
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                let start = source.line_col(r.span.start);
                let end = source.end_line_col(r.span);
                RelatedLocation {
                    id,
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri.clone() },
                        region: Region {
                            start_line: start.line,
                            start_column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                        },
                    },
                    message: Text {
                        text: r.label.clone(),
                    },
                }
            })
            .collect(),
    }
}

/// A relative URI reference for a path with forward slashes: every byte outside RFC 3986's
/// unreserved characters and `/` is percent-encoded (a space, `#` or `%` in a file name
/// would otherwise change what the URI means).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("specs/order-flow_v1.yaml"), "specs/order-flow_v1.yaml");
        assert_eq!(uri("my specs/a#1%.yaml"), "my%20specs/a%231%25.yaml");
        assert_eq!(uri("é.yaml"), "%C3%A9.yaml");
    }

    #[test]
    fn full_description_is_what_it_checks() {
        let doc = "## What it checks\nA step names\na participant.\n\n## Why it matters\nx\n";
        assert_eq!(
            what_it_checks(doc).as_deref(),
            Some("A step names a participant.")
        );
        assert_eq!(what_it_checks("no headings"), None);
    }
}
