//! Reading a sequence diagram: front matter, the `sequenceDiagram` header, then one
//! statement after another, with a stack of the blocks open. What each statement says is
//! read in `statement.rs`.

use super::diagram::{Block, BlockKind, Branch, Diagram, Item};
use super::error::{ParseError, ParseErrorKind};
use super::statement;
use super::text::{self, Piece};
use crate::source::Span;

/// Blocks nest at most this deep (a diagram a person reads nests two or three).
pub const MAX_NESTING: usize = 16;

/// An open block while reading.
pub(super) struct Open {
    pub kind: BlockKind,
    pub span: Span,
    pub branches: Vec<Branch>,
}

/// Reads a diagram on its own (a `.mmd` file): spans are offsets into `text`.
pub fn parse(text: &str) -> Result<Diagram, ParseError> {
    parse_in(text, Span::new(0, text.len()))
}

/// Reads the diagram at `range` of a file's `text` (a Markdown file's ```` ```mermaid ````
/// block): spans are offsets into the whole file, so findings point at its own lines.
pub fn parse_in(text: &str, range: Span) -> Result<Diagram, ParseError> {
    let body = text.get(range.start..range.end).unwrap_or_default();
    let mut reader = Reader::default();
    let mut lines = text::lines(body, range.start).peekable();
    // Front matter (`---` ... `---`) before the diagram.
    if lines.peek().is_some_and(|l| l.text.trim() == "---") {
        lines.next();
        for l in lines.by_ref() {
            if l.text.trim() == "---" {
                break;
            }
        }
    }
    for line in lines {
        reader.line(line)?;
    }
    reader.finish(Span::new(range.start, range.start))
}

#[derive(Default)]
struct Reader {
    diagram: Diagram,
    header: bool,
    stack: Vec<Open>,
    root: Vec<Item>,
    /// Inside a multi-line `accDescr { ... }`.
    in_acc_descr: bool,
}

impl Reader {
    fn line(&mut self, line: Piece<'_>) -> Result<(), ParseError> {
        if self.in_acc_descr {
            if line.text.contains('}') {
                self.in_acc_descr = false;
            }
            return Ok(());
        }
        for stmt in text::statements(line) {
            let stmt = stmt.trim();
            if stmt.text.is_empty() {
                continue;
            }
            let stmt = if self.header {
                stmt
            } else {
                // Mermaid reads a statement after `sequenceDiagram` on the same line.
                let rest = self.header(stmt)?;
                if rest.text.is_empty() {
                    continue;
                }
                rest
            };
            if stmt.text.starts_with("accDescr")
                && stmt.text.contains('{')
                && !stmt.text.contains('}')
            {
                self.in_acc_descr = true;
                continue;
            }
            if let Some(item) = self.statement(stmt)? {
                match self.stack.last_mut().and_then(|o| o.branches.last_mut()) {
                    Some(branch) => branch.items.push(item),
                    None => self.root.push(item),
                }
            }
        }
        Ok(())
    }

    /// The first statement: `sequenceDiagram`; what follows it on its line is the next.
    fn header<'a>(&mut self, stmt: Piece<'a>) -> Result<Piece<'a>, ParseError> {
        let (word, rest) = stmt.split_word();
        if word.text != "sequenceDiagram" {
            return Err(ParseError {
                span: word.span(),
                kind: ParseErrorKind::NotSequence {
                    word: word.text.to_owned(),
                },
            });
        }
        self.header = true;
        self.diagram.span = word.span();
        Ok(rest)
    }

    fn statement(&mut self, stmt: Piece<'_>) -> Result<Option<Item>, ParseError> {
        let (word, rest) = stmt.split_word();
        // Mermaid reads keywords in any case (`Alt`, `END`).
        let keyword = word.text.to_ascii_lowercase();
        if keyword == "end" && rest.text.is_empty() {
            let Some(open) = self.stack.pop() else {
                return Err(error(stmt, ParseErrorKind::EndWithoutBlock));
            };
            return Ok(Some(Item::Block(Block {
                kind: open.kind,
                branches: open.branches,
                span: open.span,
            })));
        }
        if let Some(kind) = BlockKind::from_keyword(&keyword) {
            if self.stack.len() == MAX_NESTING {
                return Err(error(stmt, ParseErrorKind::TooDeep));
            }
            self.stack.push(Open {
                kind,
                span: stmt.span(),
                branches: vec![branch(rest, stmt)],
            });
            return Ok(None);
        }
        if matches!(keyword.as_str(), "else" | "and" | "option") {
            let Some(open) = self.stack.last_mut() else {
                let kind = ParseErrorKind::BranchOutsideBlock {
                    word: word.text.to_owned(),
                };
                return Err(error(word, kind));
            };
            if open.kind.branch_keyword() != Some(keyword.as_str()) {
                let kind = ParseErrorKind::BranchInWrongBlock {
                    word: word.text.to_owned(),
                    block: open.kind.keyword(),
                };
                return Err(error(word, kind));
            }
            open.branches.push(branch(rest, stmt));
            return Ok(None);
        }
        statement::read(stmt, &mut self.diagram)
    }

    fn finish(mut self, start: Span) -> Result<Diagram, ParseError> {
        if !self.header {
            return Err(ParseError {
                span: start,
                kind: ParseErrorKind::Empty,
            });
        }
        if let Some(open) = self.stack.last() {
            return Err(ParseError {
                span: open.span,
                kind: ParseErrorKind::Unclosed {
                    keyword: open.kind.keyword(),
                },
            });
        }
        self.diagram.items = self.root;
        Ok(self.diagram)
    }
}

fn branch(label: Piece<'_>, stmt: Piece<'_>) -> Branch {
    Branch {
        label: text::decode(label.text),
        items: Vec::new(),
        span: stmt.span(),
    }
}

pub(super) fn error(at: Piece<'_>, kind: ParseErrorKind) -> ParseError {
    ParseError {
        span: at.span(),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mermaid::reachable;

    /// Every message and note, in order, on the first way through.
    fn texts(d: &Diagram) -> Vec<String> {
        fn go(items: &[Item], out: &mut Vec<String>) {
            for i in items {
                match i {
                    Item::Block(b) => go(&b.branches[0].items, out),
                    _ => out.push(i.text().unwrap_or_default().to_owned()),
                }
            }
        }
        let mut out = Vec::new();
        go(&d.items, &mut out);
        out
    }

    /// Whether some way through the diagram shows these texts in order.
    fn shows(d: &Diagram, wanted: &[&str]) -> bool {
        let advance = |item: &Item, n: usize| {
            if wanted.get(n).is_some_and(|w| item.text() == Some(*w)) {
                n + 1
            } else {
                n
            }
        };
        reachable(d, 0, wanted.len() + 1, &advance)[wanted.len()]
    }

    fn kind(text: &str) -> ParseErrorKind {
        parse(text).unwrap_err().kind
    }

    /// The 1-based line of an error's span.
    fn line(text: &str) -> usize {
        let at = parse(text).unwrap_err().span.start;
        text[..at].matches('\n').count() + 1
    }

    #[test]
    fn reads_the_course_diagram() {
        let d = parse(
            "sequenceDiagram\n  participant Orch as Saga Orchestrator\n  participant IS as Inventory Service\n  Orch->>IS: Reserve inventory\n  IS-->>Orch: Reserved OK\n  alt Payment succeeds\n    Orch->>NS: Send confirmation\n  else Payment fails\n    Orch->>IS: Release inventory (compensate)\n  end\n",
        )
        .unwrap();
        assert_eq!(d.participants.len(), 3);
        assert_eq!(d.participants[1].label, "Inventory Service");
        assert_eq!(d.participants[2].id, "NS");
        assert!(shows(
            &d,
            &[
                "Reserve inventory",
                "Reserved OK",
                "Release inventory (compensate)"
            ]
        ));
        assert!(shows(&d, &["Reserve inventory", "Send confirmation"]));
        assert!(!shows(
            &d,
            &["Send confirmation", "Release inventory (compensate)"]
        ));
    }

    #[test]
    fn reads_every_arrow_notes_comments_and_entities() {
        let d = parse(
            "---\ntitle: x\n---\n%%{init: {}}%%\nsequenceDiagram\nautonumber\nactor C as Customer\nC->>+A: a#59; b\nA-->>-C: b\nA->B: c\nA-->B: d\nA-xB: e\nA--xB: f\nA-)B: g\nA--)B: h # dropped\nNote over A,B: n\nNote right of A: m; A->>B: i\n%% comment\nloop every time\nA->>B: j\nend\n",
        )
        .unwrap();
        assert_eq!(
            texts(&d),
            vec![
                "a; b", "b", "c", "d", "e", "f", "g", "h", "n", "m", "i", "j"
            ]
        );
        assert!(d.participants[0].actor);
    }

    #[test]
    fn keywords_are_read_in_any_case_as_mermaid_does() {
        let d =
            parse("sequenceDiagram\nALT ok\nA->>B: y\nElse no\nA->>B: z\nEND\nNOTE over A: n\n")
                .unwrap();
        assert!(shows(&d, &["z", "n"]));
    }

    #[test]
    fn rejects_what_mermaid_rejects() {
        assert_eq!(
            kind("flowchart LR\nA-->B\n"),
            ParseErrorKind::NotSequence {
                word: "flowchart".into()
            }
        );
        assert_eq!(kind("%% only\n"), ParseErrorKind::Empty);
        assert_eq!(
            kind("sequenceDiagram\nA->>B hello\n"),
            ParseErrorKind::MessageWithoutColon
        );
        assert_eq!(line("sequenceDiagram\nA->>B hello\n"), 2);
        assert_eq!(line("sequenceDiagram\nelse x\n"), 2);
        assert_eq!(line("sequenceDiagram\nopt x\nA->>B: y\nelse z\nend\n"), 4);
        assert_eq!(line("sequenceDiagram\nalt x\nA->>B: y\n"), 2);
        assert_eq!(
            kind("sequenceDiagram\nalt x\nA->>B: y\n"),
            ParseErrorKind::Unclosed { keyword: "alt" }
        );
        assert_eq!(
            kind("sequenceDiagram\nend\n"),
            ParseErrorKind::EndWithoutBlock
        );
        assert_eq!(line("sequenceDiagram\nhello world\n"), 2);
        // Mermaid reads a statement on the header's line.
        assert_eq!(
            texts(&parse("sequenceDiagram A->>B: x\n").unwrap()),
            vec!["x"]
        );
    }

    #[test]
    fn spans_are_the_files_own_places() {
        let text = "# Answers\n\n```mermaid\nsequenceDiagram\n  participant P as Payment\n  O->>P: ChargeCard\n  P-->>O hello\n```\n";
        let block = crate::mermaid::markdown::blocks(text)[0];
        let e = parse_in(text, block.content).unwrap_err();
        assert_eq!(&text[e.span.start..e.span.end], "P-->>O hello");
        let ok = text.replace("O hello", "O: hello");
        let block = crate::mermaid::markdown::blocks(&ok)[0];
        let d = parse_in(&ok, block.content).unwrap();
        let Item::Message(m) = &d.items[0] else {
            panic!("{:?}", d.items[0])
        };
        assert_eq!(&ok[m.span.start..m.span.end], "O->>P: ChargeCard");
        assert_eq!(&ok[m.text_span.start..m.text_span.end], "ChargeCard");
        let p = d.participant("P").unwrap();
        assert_eq!(&ok[p.span.start..p.span.end], "P as Payment");
        assert_eq!(&ok[d.span.start..d.span.end], "sequenceDiagram");
    }

    #[test]
    fn paths_through_nested_blocks() {
        let d = parse(
            "sequenceDiagram\nA->>B: 1\nalt ok\n  opt maybe\n    A->>B: 2\n  end\nelse no\n  par p\n    A->>B: 3\n  and q\n    A->>B: 4\n  end\nend\n",
        )
        .unwrap();
        assert!(shows(&d, &["1", "2"]));
        assert!(shows(&d, &["1", "3", "4"]));
        assert!(!shows(&d, &["1", "2", "3"]));
        assert!(!shows(&d, &["1", "4", "3"]));
    }

    #[test]
    fn many_alternatives_stay_linear() {
        let mut t = String::from("sequenceDiagram\n");
        for _ in 0..5000 {
            t.push_str("alt a\nA->>B: x\nelse b\nA->>B: y\nend\n");
        }
        let d = parse(&t).unwrap();
        assert!(shows(&d, &["x", "y", "x", "y"]));
        let mut deep = String::from("sequenceDiagram\n");
        for _ in 0..=MAX_NESTING {
            deep.push_str("opt a\n");
        }
        assert_eq!(kind(&deep), ParseErrorKind::TooDeep);
        assert_eq!(line(&deep), 18);
    }
}
