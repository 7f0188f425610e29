//! Reading on past structural errors. serde stops at the first value of the wrong shape,
//! so a file with a list under `trigger` and a mapping under `steps` would show one error
//! per run. When an error is structural (the YAML is well formed, a value has the wrong
//! shape or an unknown key), the part of the text that holds it is blanked out (every
//! character but line ends becomes a space, so offsets, lines and columns do not move) and
//! the text is read again: the next error is in another part. The part is the list item or
//! mapping entry under a top-level key that holds the error (a step, a participant), else
//! the top-level entry. Only block-style parts are blanked (a flow mapping's `}` could go
//! with them); and an error the blanking could have caused (one inside a blanked part, or
//! not structural) ends the reading. The work is bounded: at most [`MAX_ERRORS`] errors,
//! and at most [`MAX_REREAD`] bytes read again in all.

use std::ops::Range;

use super::error::{ParseError, ParseErrorKind, classify};
use super::outline::Node;
use crate::source::SourceFile;

/// The most errors one file reports.
pub const MAX_ERRORS: usize = 25;

/// The most bytes read again in all: a spec of a few kilobytes is read again for each of
/// its errors, one of a megabyte three times (about 0.1 s each). A text longer than this
/// (a generated spec, not a student's) is not outlined or read again at all: its first
/// error alone is reported, at the cost of one reading, as before.
pub(super) const MAX_REREAD: usize = 4 << 20;

/// Whether the reader could go on after this error: the YAML is well formed and a value
/// has another shape than the language's, somewhere that can be set aside.
pub(super) fn is_structural(kind: &ParseErrorKind) -> bool {
    matches!(
        kind,
        ParseErrorKind::UnknownKey { .. }
            | ParseErrorKind::UnknownValue { .. }
            | ParseErrorKind::WrongType { .. }
            | ParseErrorKind::NotAValue { .. }
            | ParseErrorKind::EmptyValue
            | ParseErrorKind::DuplicateKey { .. }
            | ParseErrorKind::Unexpected { .. }
    )
}

/// The first error and every later one found by reading on, in the order found.
pub(super) fn read_on(source: &SourceFile, first: ParseError, outline: &Node) -> Vec<ParseError> {
    let mut errors = vec![first];
    let mut text = source.text.clone().into_bytes();
    let mut blanked: Vec<Range<usize>> = Vec::new();
    let mut reread = 0usize;
    while errors.len() < MAX_ERRORS {
        let Some(last) = errors.last().filter(|e| is_structural(&e.kind)) else {
            break;
        };
        let Some(part) = part_holding(outline, &source.text, last.span.start) else {
            break;
        };
        for byte in &mut text[part.clone()] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
        blanked.push(part);
        reread += text.len();
        if reread > MAX_REREAD {
            break;
        }
        // Only whole characters were replaced, by ASCII spaces: the text is still UTF-8.
        let Ok(again) = std::str::from_utf8(&text) else {
            break;
        };
        let Err(error) =
            serde_saphyr::from_str_with_options::<super::SpecDef>(again, super::options())
        else {
            break;
        };
        let next = classify(&error, source);
        let caused = blanked.iter().any(|b| b.contains(&next.span.start));
        if caused || !is_structural(&next.kind) {
            break;
        }
        errors.push(next);
    }
    errors
}

/// The block-style part of the text that holds `offset`: an item or entry under a
/// top-level key, else the top-level entry.
fn part_holding(outline: &Node, text: &str, offset: usize) -> Option<Range<usize>> {
    let entries = outline.entries();
    let i = entries.iter().rposition(|e| e.key_span.start <= offset)?;
    let starts: Vec<usize> = entries.iter().map(|e| e.key_span.start).collect();
    if !starts.iter().all(|&s| starts_its_line(text, s)) {
        return None;
    }
    let entry = &entries[i];
    let end = starts.get(i + 1).copied().unwrap_or(text.len());
    let whole = starts[i]..end;
    // An error at the key, or at the start of the value (the value as a whole has the
    // wrong shape), is about the whole entry.
    if offset <= entry.value_start {
        return Some(whole);
    }
    Some(inner_part(&entry.value, text, offset, end).unwrap_or(whole))
}

/// The list item (from its dash) or mapping entry of `value` that holds `offset`, when
/// every one of them is in block style; `end` is where `value` ends.
fn inner_part(value: &Node, text: &str, offset: usize, end: usize) -> Option<Range<usize>> {
    let starts: Vec<usize> = match value {
        Node::Seq(items) => items
            .iter()
            .map(|item| dash_before(text, item.start))
            .collect::<Option<_>>()?,
        Node::Map(entries) => {
            let starts: Vec<usize> = entries.iter().map(|e| e.key_span.start).collect();
            if !starts.iter().all(|&s| starts_its_line(text, s)) {
                return None;
            }
            starts
        }
        Node::Single => return None,
    };
    let i = starts.iter().rposition(|&s| s <= offset)?;
    Some(starts[i]..starts.get(i + 1).copied().unwrap_or(end))
}

/// Whether only spaces come before `offset` on its line.
fn starts_its_line(text: &str, offset: usize) -> bool {
    let Some(before) = text.get(..offset) else {
        return false;
    };
    let line = before.rsplit('\n').next().unwrap_or(before);
    line.chars().all(|c| c == ' ')
}

/// The dash of a block list item whose value starts at `start` (`- id: x`): only spaces
/// between them, only spaces before the dash on its line.
fn dash_before(text: &str, start: usize) -> Option<usize> {
    let before = text.get(..start)?;
    let dash = before.trim_end_matches(' ');
    let at = dash.len().checked_sub(1)?;
    (dash.ends_with('-') && at < start && starts_its_line(text, at)).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str, at: &str) -> Option<String> {
        let outline = super::super::outline::read(text).unwrap();
        part_holding(&outline, text, text.find(at).unwrap()).map(|r| text[r].to_owned())
    }

    #[test]
    fn parts_are_items_entries_or_top_level_entries() {
        let text = "saga: s\nparticipants:\n  a: []\n  b: {}\nsteps:\n  - id: x\n    retry: [3]\n  -   id: y\nevents: { e: 1 }\n";
        assert_eq!(part(text, "saga").as_deref(), Some("saga: s\n"));
        assert_eq!(part(text, "[]").as_deref(), Some("a: []\n  "));
        assert_eq!(
            part(text, "[3]").as_deref(),
            Some("- id: x\n    retry: [3]\n  ")
        );
        assert_eq!(part(text, "y\n").as_deref(), Some("-   id: y\n"));
        // A flow mapping's entries are not blanked one by one.
        assert_eq!(part(text, "e: 1").as_deref(), Some("events: { e: 1 }\n"));
    }

    #[test]
    fn flow_style_at_the_top_is_not_blanked() {
        assert_eq!(part("{ saga: s, steps: [] }", "steps"), None);
    }

    fn errors(text: &str) -> Vec<(usize, String)> {
        let source = SourceFile::new("t.yaml", text.to_owned());
        let errors = super::super::parse(&source).err().unwrap_or_default();
        errors
            .iter()
            .map(|e| {
                let line = source.line_col(e.span.start).line;
                let kind = format!("{:?}", e.kind);
                (line, kind.split([' ', '{']).next().unwrap_or("").to_owned())
            })
            .collect()
    }

    #[test]
    fn every_top_level_key_gets_its_error() {
        let text = concat!(
            "version: one\nsaga: [s]\ncoordination: orchestrated\nrationale: { a: 1 }\n",
            "participants: [a]\norchestrator: []\ndeadline: [1s]\ntrigger: [t]\n",
            "steps: { a: 1 }\nreactions: {}\nevents: []\nterminal_events: x\ndescription: []\n",
        );
        let found = errors(text);
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, (1..=13).collect::<Vec<_>>(), "{found:?}");
    }

    #[test]
    fn several_errors_in_one_list_are_each_reported() {
        let text = concat!(
            "saga: s\nsteps:\n  - id: a\n    kindd: pivot\n  - id: b\n    retry: [1]\n",
            "  - id: c\n    failures: x\n",
        );
        assert_eq!(
            errors(text),
            [
                (4, "UnknownKey".to_owned()),
                (6, "Unexpected".to_owned()),
                (8, "Unexpected".to_owned())
            ]
        );
    }

    #[test]
    fn what_is_not_structural_stops_the_reading() {
        // Text that is not YAML: one error, wherever the structural ones are.
        assert_eq!(errors("saga: [s]\nsteps: [a\n").len(), 1);
        // A duplicate key is read past; an unknown key after it too.
        assert_eq!(
            errors("saga: s\nsaga: t\nstepz: []\n"),
            [(2, "DuplicateKey".to_owned()), (3, "UnknownKey".to_owned())]
        );
        // A flow mapping at the top: its first error only.
        assert_eq!(errors("{ saga: [s], steps: {} }").len(), 1);
    }

    #[test]
    fn nested_lists_keep_their_dashes() {
        assert_eq!(dash_before("a:\n  - - x", 9), None);
        assert_eq!(dash_before("a:\n  - x", 7), Some(5));
    }
}
