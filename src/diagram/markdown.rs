//! Diagrams as a document: Markdown with a heading and a ```` ```mermaid ```` fence per
//! diagram (GitHub, GitLab and most editors draw them), or plain Mermaid text.

use crate::model::{Coordination, Saga};
use crate::scenario::{Scenario, owner_name};

/// One diagram of a document.
#[derive(Debug, Clone)]
pub struct Section {
    /// The heading: a scenario name, `every path`, `flowchart`, `state machine`.
    pub title: String,
    /// Whether the title is a name to set as code (a scenario name).
    pub code: bool,
    /// A line under the heading (a scenario's outcome), if any.
    pub summary: Option<String>,
    /// The Mermaid text.
    pub diagram: String,
}

/// `place_order (orchestration)`.
pub fn saga_title(saga: &Saga) -> String {
    let style = match saga.coordination {
        Coordination::Orchestration => "orchestration",
        Coordination::Choreography => "choreography",
    };
    format!("{} ({style})", saga.name.value)
}

/// What a scenario's run ends with: its outcome, the compensations in the order they ran,
/// and the invariants broken in any of its runs.
pub fn scenario_summary(saga: &Saga, s: &Scenario) -> String {
    let compensated = if s.compensated.is_empty() {
        "none".to_owned()
    } else {
        s.compensated
            .iter()
            .map(|&o| format!("`{}`", owner_name(saga, o)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let broken = if s.violations.is_empty() {
        "none".to_owned()
    } else {
        s.violations
            .iter()
            .map(|v| format!("`{}`", v.invariant.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Outcome: {}. Compensations in the order they ran: {compensated}. Broken invariants: {broken}.",
        s.outcome.as_str()
    )
}

/// A Markdown document: `# title`, then per section `## heading`, its summary and a
/// ```` ```mermaid ```` fence.
pub fn document(title: &str, sections: &[Section]) -> String {
    let mut out = format!("# {title}\n");
    for s in sections {
        if s.code {
            out.push_str(&format!("\n## `{}`\n\n", s.title));
        } else {
            out.push_str(&format!("\n## {}\n\n", s.title));
        }
        if let Some(summary) = &s.summary {
            out.push_str(summary);
            out.push_str("\n\n");
        }
        out.push_str(&fence(&s.diagram));
    }
    out
}

/// A ```` ```mermaid ```` fence around a diagram.
pub fn fence(diagram: &str) -> String {
    let mut out = String::from("```mermaid\n");
    out.push_str(diagram);
    if !diagram.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("```\n");
    out
}

/// Plain Mermaid: one diagram as is; several each after a `%% title` comment line,
/// separated by a blank line (split them there to get one file per diagram).
pub fn plain(sections: &[Section]) -> String {
    if let [only] = sections {
        return only.diagram.clone();
    }
    sections
        .iter()
        .map(|s| {
            let title = s.title.replace('\n', " ");
            format!("%% {title}\n{}", s.diagram)
        })
        .collect::<Vec<_>>()
        .join("\n")
}
