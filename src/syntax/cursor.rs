//! Where a cursor is in a spec that is being typed: under which keys, and whether a key or
//! a value is being written there. A half-typed line is rarely YAML, so this reads the
//! lines' indentation (block style) and the brackets before the cursor on its own line
//! (flow style) instead of the YAML reader: it works on any text, in time linear in the
//! lines above the cursor.

use super::outline::Segment;

/// What is being written at the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A key of the mapping at the path.
    Key,
    /// The value at the path (its last segment is the key, or a list position).
    Value,
}

/// The cursor's place in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub path: Vec<Segment>,
    pub place: Place,
    /// The word being typed, up to the cursor.
    pub word: String,
}

/// The most lines above the cursor looked at for its parents.
const MAX_LINES_UP: usize = 20_000;

/// The place of the cursor at byte `offset` of `text` (clamped to the text).
pub fn cursor_at(text: &str, offset: usize) -> Cursor {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    let line = Line::read(prefix);
    let (inner, place, word) = within_line(line.content);
    // Innermost first until reversed.
    let mut path = Vec::new();
    let mut column = line.content_column;
    if let Some(dash) = line.dash_column {
        path.push(Segment::Index(0));
        column = dash;
    }
    parents(&text[..line_start], column, &mut path);
    path.reverse();
    path.extend(inner);
    Cursor { path, place, word }
}

/// A line's layout: where its content starts, after its indentation and any `- `.
struct Line<'a> {
    content: &'a str,
    content_column: usize,
    /// The column of the last `- ` before the content, when the line starts a list item.
    dash_column: Option<usize>,
}

impl<'a> Line<'a> {
    fn read(text: &'a str) -> Line<'a> {
        let mut column = text.len() - text.trim_start_matches(' ').len();
        let mut dash_column = None;
        let mut rest = &text[column..];
        while rest == "-" || rest.starts_with("- ") {
            dash_column = Some(column);
            let after = rest[1..].trim_start_matches(' ');
            column += rest.len() - after.len();
            rest = after;
        }
        Line {
            content: rest,
            content_column: column,
            dash_column,
        }
    }

    /// The key a line starts with when its value is on the lines below (`steps:`), or
    /// written after it (`id: x`): the key and whether the value is empty.
    fn key(&self) -> Option<(&'a str, bool)> {
        let content = self.content.split(" #").next().unwrap_or("").trim_end();
        let (key, value) = match content.strip_suffix(':') {
            Some(key) => (key, ""),
            None => content.split_once(": ")?,
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        (!key.is_empty() && !key.contains(['{', '[', ' ']))
            .then_some((key, value.trim().is_empty()))
    }
}

/// The keys above the cursor that hold the value at `column`, innermost first.
fn parents(above: &str, mut column: usize, path: &mut Vec<Segment>) {
    for text in above.lines().rev().take(MAX_LINES_UP) {
        let item = path_is_item(path);
        if column == 0 && !item {
            return;
        }
        let trimmed = text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let line = Line::read(text);
        if line.content_column == column && !item {
            // An earlier key of the same mapping; when it starts a list item, the mapping
            // is that item.
            if let Some(dash) = line.dash_column {
                path.push(Segment::Index(0));
                column = dash;
            }
            continue;
        }
        // A key at the column of the list's dashes holds an indentless list (`steps:` then
        // `- id: x` at the same column).
        let holds = line.content_column < column
            || (line.content_column == column && line.dash_column.is_none());
        if !holds {
            continue;
        }
        match line.key() {
            Some((key, true)) => path.push(Segment::Key(key.to_owned())),
            _ => return,
        }
        column = line.content_column;
        if let Some(dash) = line.dash_column {
            path.push(Segment::Index(0));
            column = dash;
        }
    }
}

/// Whether the innermost value found so far is a list item (its key may sit at the dash's
/// column).
fn path_is_item(path: &[Segment]) -> bool {
    matches!(path.last(), Some(Segment::Index(_)))
}

/// The keys and place within a line's content, flow style included: `{ id: a, kind: p`
/// is the value of `kind` in a mapping; `reads: [a, b` a value of the list `reads`.
fn within_line(content: &str) -> (Vec<Segment>, Place, String) {
    let word_start = content
        .rfind(|c: char| !(c.is_alphanumeric() || "_.-<>".contains(c)))
        .map_or(0, |i| {
            i + content[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = content[word_start..].to_owned();
    // Each open bracket: its key (for a mapping's value) and whether it is a list.
    let mut path: Vec<Segment> = Vec::new();
    let mut key: Option<String> = None;
    let mut token = String::new();
    let mut quote: Option<char> = None;
    let mut chars = content[..word_start].chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' if token.trim().is_empty() => quote = Some(c),
            '#' if token.is_empty() || token.ends_with(' ') => break,
            ':' if chars.peek().is_none_or(|n| *n == ' ') => {
                key = Some(token.trim().to_owned());
                token.clear();
            }
            '{' | '[' => {
                if let Some(k) = key.take() {
                    path.push(Segment::Key(k));
                }
                if c == '[' {
                    path.push(Segment::Index(0));
                }
                token.clear();
            }
            '}' | ']' => {
                if matches!(path.last(), Some(Segment::Index(_))) {
                    path.pop();
                }
                path.pop();
                key = None;
                token.clear();
            }
            ',' => {
                key = None;
                token.clear();
            }
            _ => token.push(c),
        }
    }
    match key {
        Some(k) => {
            path.push(Segment::Key(k));
            (path, Place::Value, word)
        }
        None if matches!(path.last(), Some(Segment::Index(_))) => (path, Place::Value, word),
        None => (path, Place::Key, word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cursor at `|`, as `keys.0.more` and its place.
    fn at(text: &str) -> (String, Place, String) {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        let c = cursor_at(&text, offset);
        let path = c
            .path
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.clone(),
                Segment::Index(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".");
        (path, c.place, c.word)
    }

    const SPEC: &str = "version: 1\nsteps:\n  - id: reserve\n    participant: inv\n";

    #[test]
    fn a_key_being_typed_in_a_step() {
        let text = format!("{SPEC}    comp|\n");
        assert_eq!(at(&text), ("steps.0".into(), Place::Key, "comp".into()));
        let text = format!("{SPEC}  - |\n");
        assert_eq!(at(&text), ("steps.0".into(), Place::Key, "".into()));
        assert_eq!(at("sa|"), ("".into(), Place::Key, "sa".into()));
    }

    #[test]
    fn a_value_being_typed() {
        let text = format!("{SPEC}    kind: pi|\n");
        assert_eq!(
            at(&text),
            ("steps.0.kind".into(), Place::Value, "pi".into())
        );
        let text = format!("{SPEC}    retry:\n      backoff: |");
        assert_eq!(
            at(&text),
            ("steps.0.retry.backoff".into(), Place::Value, "".into())
        );
        let text = format!("{SPEC}    reads:\n      - ord|");
        assert_eq!(
            at(&text),
            ("steps.0.reads.0".into(), Place::Key, "ord".into())
        );
    }

    #[test]
    fn flow_style_and_indentless_lists() {
        let text = "steps:\n- { id: a, participant: p|";
        assert_eq!(
            at(text),
            ("steps.0.participant".into(), Place::Value, "p".into())
        );
        let text = "steps:\n- { id: a, kin|";
        assert_eq!(at(text), ("steps.0".into(), Place::Key, "kin".into()));
        let text = "steps:\n- id: a\n  reads: [order_id, pa|";
        assert_eq!(
            at(text),
            ("steps.0.reads.0".into(), Place::Value, "pa".into())
        );
        let text = "steps:\n- id: a\n  consumes: order.cr|";
        assert_eq!(
            at(text),
            ("steps.0.consumes".into(), Place::Value, "order.cr".into())
        );
    }

    #[test]
    fn any_text_has_a_place() {
        for text in ["", ":", "- - -", "{[}]", "a: [b: {c", "é: ü|", "\u{0}"] {
            for i in 0..=text.len() {
                let _ = cursor_at(text, i);
            }
        }
    }
}
