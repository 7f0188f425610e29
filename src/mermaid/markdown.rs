//! The ```` ```mermaid ```` blocks of a Markdown file, found where they are, so a diagram's
//! findings point at the file's own lines.

use super::text;
use crate::source::Span;

/// One ```` ```mermaid ```` (or `~~~mermaid`) block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// The opening fence line.
    pub fence: Span,
    /// The text between the fences: what Mermaid reads. A block never closed runs to the
    /// end of the file, as Markdown reads it.
    pub content: Span,
}

/// A fence line: its character, its length and the info string after it.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let line = line.trim_start();
    let c = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let n = line.chars().take_while(|&x| x == c).count();
    (n >= 3).then(|| (c, n, line[n..].trim()))
}

/// The Mermaid blocks of a Markdown text, in order. Other fenced blocks are skipped, so a
/// fence inside a ```` ```text ```` block starts nothing.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    // The open fence: its character, its length, whether it is Mermaid, and its line.
    let mut open: Option<(char, usize, bool, Span)> = None;
    for line in text::lines(markdown, 0) {
        let end_of_line = line.start + line.text.len();
        match open {
            Some((c, n, mermaid, opening)) => {
                if let Some((fc, fnum, info)) = fence(line.text)
                    && fc == c
                    && fnum >= n
                    && info.is_empty()
                {
                    if mermaid {
                        out.push(Block {
                            fence: opening,
                            content: Span::new(after_line(markdown, opening.end), line.start),
                        });
                    }
                    open = None;
                }
            }
            None => {
                if let Some((c, n, info)) = fence(line.text) {
                    let mermaid = info
                        .split_whitespace()
                        .next()
                        .is_some_and(|w| w.eq_ignore_ascii_case("mermaid"));
                    open = Some((c, n, mermaid, Span::new(line.start, end_of_line)));
                }
            }
        }
    }
    if let Some((_, _, true, opening)) = open {
        out.push(Block {
            fence: opening,
            content: Span::new(after_line(markdown, opening.end), markdown.len()),
        });
    }
    out
}

/// The offset where the line after the one ending at `end` starts.
fn after_line(text: &str, end: usize) -> usize {
    match text[end..].find('\n') {
        Some(at) => end + at + 1,
        None => text.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_mermaid_blocks_where_they_are() {
        let md = "text\n```mermaid\nsequenceDiagram\nA->>B: hi\n```\n````Mermaid\nx\n```\ny\n````\n```yaml\nno\n```\n~~~mermaid\nopen";
        let found: Vec<(&str, &str)> = blocks(md)
            .iter()
            .map(|b| {
                (
                    &md[b.fence.start..b.fence.end],
                    &md[b.content.start..b.content.end],
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("```mermaid", "sequenceDiagram\nA->>B: hi\n"),
                ("````Mermaid", "x\n```\ny\n"),
                ("~~~mermaid", "open"),
            ]
        );
    }

    #[test]
    fn crlf_lines_keep_their_offsets() {
        let md = "# a\r\n```mermaid\r\nsequenceDiagram\r\n```\r\n";
        let b = blocks(md)[0];
        assert_eq!(&md[b.content.start..b.content.end], "sequenceDiagram\r\n");
    }
}
