//! Students' Mermaid diagrams, as `sagac check` and `sagac grade` read them: the
//! ```` ```mermaid ```` blocks of a Markdown file ([`markdown`]), a reader for sequence
//! diagrams that keeps where each item was written ([`parse_in`]), the ways through a
//! diagram ([`reachable`]), how its words match a spec's names ([`names`]), and whether
//! it draws the spec ([`conformance`]).
//!
//! The reader takes the subset `sagac diagram` writes and the forms students write by
//! hand: participants and actors (with `as` labels, and created by a message), messages
//! with every arrow (`->>`, `-->>`, `->`, `-->`, `-x`, `--x`, `-)`, `--)`, `<<->>`,
//! `<<-->>`, with `+`/`-` activation), notes, the blocks `alt`/`else`, `opt`, `loop`,
//! `par`/`and`, `critical`/`option`, `break`, `rect` and `box` closed by `end`, keywords in
//! any case, `%%` comments and directives, front matter, `autonumber`, `title`, `activate`,
//! `link` and accessibility lines. It rejects what Mermaid rejects where that is cheap to
//! know (a message without `:`, an `else` outside `alt`, a block never closed), so a
//! diagram it accepts is one a student can render; tests compare it with Mermaid's own
//! parser. It never runs anything. Errors are typed ([`ParseError`]) and worded by
//! `rules::mermaid`.

pub mod conformance;
mod diagram;
mod error;
pub mod markdown;
pub mod names;
mod parse;
mod paths;
mod statement;
mod text;

pub use diagram::{Block, BlockKind, Branch, Diagram, Item, Message, Note, Participant};
pub use error::{ParseError, ParseErrorKind};
pub use parse::{MAX_NESTING, parse, parse_in};
pub use paths::reachable;
pub use text::decode;

use crate::source::Span;

/// One diagram of a file: where it was written, and what reading it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The ```` ```mermaid ```` line of a Markdown block; `None` for a `.mmd` file.
    pub fence: Option<Span>,
    /// The diagram's text in the file.
    pub content: Span,
    pub diagram: Result<Diagram, ParseError>,
}

/// Every diagram of a file: each ```` ```mermaid ```` block of Markdown, or the whole
/// text of a `.mmd` file.
pub fn read_file(text: &str, markdown: bool) -> Vec<Read> {
    if !markdown {
        let content = Span::new(0, text.len());
        return vec![Read {
            fence: None,
            content,
            diagram: parse_in(text, content),
        }];
    }
    markdown::blocks(text)
        .into_iter()
        .map(|b| Read {
            fence: Some(b.fence),
            content: b.content,
            diagram: parse_in(text, b.content),
        })
        .collect()
}

/// The first words of the diagram types Mermaid knows (its detectors match a prefix, as
/// here). A diagram of another type is not a sequence diagram, and sagac leaves it alone.
const DIAGRAM_TYPES: [&str; 27] = [
    "graph",
    "flowchart",
    "classDiagram",
    "stateDiagram",
    "erDiagram",
    "journey",
    "gantt",
    "pie",
    "quadrantChart",
    "requirementDiagram",
    "gitGraph",
    "mindmap",
    "timeline",
    "C4Context",
    "C4Container",
    "C4Component",
    "C4Dynamic",
    "C4Deployment",
    "sankey",
    "xychart",
    "block",
    "packet",
    "architecture",
    "kanban",
    "radar",
    "treemap",
    "zenuml",
];

/// Whether a first word starts a kind of diagram Mermaid draws (other than a sequence
/// diagram): `flowchart LR`, `graph TD`, `stateDiagram-v2`.
pub fn is_diagram_type(word: &str) -> bool {
    DIAGRAM_TYPES.iter().any(|t| word.starts_with(t))
}
