//! Text edits that add a key to a mapping of the spec, in the style it is written in: a
//! flow mapping (`{ id: a, ... }`) gets `key: value, ` after its brace, a block mapping a
//! line of its own at its keys' indentation, after its last line. The code actions
//! (`actions.rs`) are made of these; nothing else edits a document.

use crate::source::Span;

/// Replace the text of `span` with `text` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Edit {
    pub fn replace(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            text: text.into(),
        }
    }

    fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(Span::new(at, at), text)
    }
}

/// Adds `key: value` (one line) to the mapping whose first key or opening brace is at
/// `start`.
pub fn add_key(text: &str, start: usize, key: &str, value: &str) -> Option<Edit> {
    let start = start.min(text.len());
    if !text.is_char_boundary(start) {
        return None;
    }
    if text[start..].starts_with('{') {
        return Some(into_flow(text, start, key, value));
    }
    let before = text[..start].trim_end_matches(' ');
    if before.ends_with('{') || before.ends_with(',') {
        return Some(Edit::insert(start, format!("{key}: {value}, ")));
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // The keys' column; what is before the first key on its line is indentation and `- `.
    let prefix = &text[line_start..start];
    if !prefix.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let column = prefix.len();
    let (at, newline_first) = block_end(text, start, column);
    let indent = " ".repeat(column);
    let line = format!("{indent}{key}: {value}");
    Some(if newline_first {
        Edit::insert(at, format!("\n{line}"))
    } else {
        Edit::insert(at, format!("{line}\n"))
    })
}

/// `{` at `brace`: `{}` becomes `{ key: value }`, `{ a: 1 }` becomes `{ key: value, a: 1 }`.
fn into_flow(text: &str, brace: usize, key: &str, value: &str) -> Edit {
    let after = &text[brace + 1..];
    let inner = after.trim_start_matches([' ', '\t']);
    if inner.starts_with('}') {
        let end = brace + 1 + (after.len() - inner.len()) + 1;
        return Edit::replace(Span::new(brace, end), format!("{{ {key}: {value} }}"));
    }
    Edit::insert(brace + 1, format!(" {key}: {value},"))
}

/// Where a block mapping whose keys are at `column` ends: the start of the line after its
/// last line (blank lines and comments after it left below), and whether a line break must
/// come first (the text ends without one).
fn block_end(text: &str, start: usize, column: usize) -> (usize, bool) {
    let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut next = end + 1;
    while next < text.len() {
        let line_end = text[next..].find('\n').map_or(text.len(), |i| next + i);
        let line = &text[next..line_end];
        let content = line.trim_start_matches(' ');
        let blank = content.trim().is_empty() || content.starts_with('#');
        if !blank {
            if line.len() - content.len() < column {
                break;
            }
            end = line_end;
        }
        next = line_end + 1;
    }
    if end >= text.len() {
        (text.len(), true)
    } else {
        (end + 1, false)
    }
}

/// Adds `key: value` to the value of the mapping key at `name` (a participant's name):
/// `pay: {}`, `pay: { description: x }`, `pay:` with nothing (null) or with its keys on
/// the lines below.
pub fn add_key_under(text: &str, name: Span, key: &str, value: &str) -> Option<Edit> {
    let end = name.end.min(text.len());
    let rest = text.get(end..)?;
    let after_quote = rest.trim_start_matches(['"', '\'']);
    let colon = end + (rest.len() - after_quote.len());
    if !text[colon..].starts_with(':') {
        return None;
    }
    let after_colon = colon + 1;
    let line_end = text[after_colon..]
        .find('\n')
        .map_or(text.len(), |i| after_colon + i);
    let same_line = &text[after_colon..line_end];
    let value_start = after_colon + (same_line.len() - same_line.trim_start().len());
    let on_line = same_line.trim();
    if on_line.starts_with('{') {
        return Some(into_flow(text, value_start, key, value));
    }
    if !(on_line.is_empty() || on_line.starts_with('#')) {
        // A scalar or an anchor: not a mapping to add to.
        return None;
    }
    let name_line = text[..name.start].rfind('\n').map_or(0, |i| i + 1);
    let name_column = name.start - name_line;
    // The first line below that has content: the mapping's first key when it is indented
    // more than the name.
    let mut next = line_end + 1;
    while next < text.len() {
        let end = text[next..].find('\n').map_or(text.len(), |i| next + i);
        let content = text[next..end].trim_start_matches(' ');
        if !(content.trim().is_empty() || content.starts_with('#')) {
            let indent = end - next - content.len();
            if indent > name_column && !content.starts_with("- ") {
                return Some(Edit::insert(
                    next,
                    format!("{}{key}: {value}\n", " ".repeat(indent)),
                ));
            }
            break;
        }
        next = end + 1;
    }
    Some(Edit::insert(line_end, format!(" {{ {key}: {value} }}")))
}

/// Applies edits to a text (what the client does with them).
#[cfg(test)]
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_owned();
    for e in sorted {
        out.replace_range(e.span.start..e.span.end, &e.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(text: &str, at: &str) -> String {
        let start = text.find(at).unwrap();
        let edit = add_key(text, start, "kind", "retriable").unwrap();
        apply(text, &[edit])
    }

    #[test]
    fn a_block_mapping_gets_a_line_at_its_keys_column() {
        let text = "steps:\n  - id: a\n    retry:\n      max_attempts: 3\n\n  - id: b\n";
        assert_eq!(
            add(text, "id: a"),
            "steps:\n  - id: a\n    retry:\n      max_attempts: 3\n    kind: retriable\n\n  - id: b\n"
        );
        let text = "steps:\n- id: a\n  reads:\n  - x";
        assert_eq!(
            add(text, "id: a"),
            "steps:\n- id: a\n  reads:\n  - x\n  kind: retriable"
        );
    }

    #[test]
    fn a_flow_mapping_gets_the_key_after_its_brace() {
        let text = "steps:\n  - { id: a, action: A }\n";
        assert_eq!(
            add(text, "id: a"),
            "steps:\n  - { kind: retriable, id: a, action: A }\n"
        );
        assert_eq!(
            add(text, "{ id"),
            "steps:\n  - { kind: retriable, id: a, action: A }\n"
        );
    }

    #[test]
    fn under_a_participant_in_every_shape() {
        let under = |text: &str| {
            let start = text.find("pay").unwrap();
            let edit = add_key_under(text, Span::new(start, start + 3), "outbox", "{ x: 1 }");
            apply(text, &[edit.unwrap()])
        };
        assert_eq!(
            under("participants: { pay: {} }\n"),
            "participants: { pay: { outbox: { x: 1 } } }\n"
        );
        assert_eq!(
            under("participants:\n  pay: { description: d }\n"),
            "participants:\n  pay: { outbox: { x: 1 }, description: d }\n"
        );
        assert_eq!(
            under("participants:\n  pay:\n    description: d\n"),
            "participants:\n  pay:\n    outbox: { x: 1 }\n    description: d\n"
        );
        assert_eq!(
            under("participants:\n  pay:\n  other: {}\n"),
            "participants:\n  pay: { outbox: { x: 1 } }\n  other: {}\n"
        );
        let text = "participants:\n  pay: &a x\n";
        assert!(add_key_under(text, Span::new(16, 19), "k", "v").is_none());
    }
}
