//! The text of a diagram's lines: statements separated by `;`, comments, entity codes, and
//! trimming that keeps track of where the text was.

use crate::source::Span;

/// A piece of the file's text with the offset where it starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Piece<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl<'a> Piece<'a> {
    pub fn new(text: &'a str, start: usize) -> Self {
        Piece { text, start }
    }

    pub fn span(self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }

    /// Without white space at either end.
    pub fn trim(self) -> Piece<'a> {
        let start = self.text.len() - self.text.trim_start().len();
        Piece::new(self.text.trim(), self.start + start)
    }

    /// The text from byte `from` to byte `to` (relative to this piece).
    pub fn slice(self, from: usize, to: usize) -> Piece<'a> {
        Piece::new(&self.text[from..to], self.start + from)
    }

    pub fn from(self, from: usize) -> Piece<'a> {
        self.slice(from, self.text.len())
    }

    pub fn to(self, to: usize) -> Piece<'a> {
        self.slice(0, to)
    }

    /// The first word and the trimmed rest.
    pub fn split_word(self) -> (Piece<'a>, Piece<'a>) {
        match self.text.find(char::is_whitespace) {
            Some(at) => (self.to(at), self.from(at).trim()),
            None => (self, Piece::new("", self.start + self.text.len())),
        }
    }

    /// Split at the first `needle`: the text before it and the text after it.
    pub fn split_once(self, needle: &str) -> Option<(Piece<'a>, Piece<'a>)> {
        let at = self.text.find(needle)?;
        Some((self.to(at), self.from(at + needle.len())))
    }
}

/// The lines of `text` with the offset where each starts (`\n` and `\r\n` endings dropped).
pub(super) fn lines(text: &str, base: usize) -> impl Iterator<Item = Piece<'_>> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let piece = Piece::new(line, base + start);
        start += raw.len();
        piece
    })
}

/// Splits a line into statements: `;` ends one (except in an entity code such as `#59;`),
/// `%%` at the start is a comment, and a `#` that starts no entity code drops the rest, as
/// Mermaid reads it.
pub(super) fn statements(line: Piece<'_>) -> Vec<Piece<'_>> {
    if line.text.trim_start().starts_with("%%") {
        return Vec::new();
    }
    let bytes = line.text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                out.push(line.slice(from, i));
                from = i + 1;
            }
            b'#' => match entity_len(&line.text[i..]) {
                Some(n) => {
                    i += n;
                    continue;
                }
                None => {
                    out.push(line.slice(from, i));
                    return out;
                }
            },
            _ => {}
        }
        i += 1;
    }
    out.push(line.from(from));
    out
}

/// The length in bytes of an entity code (`#59;`, `#quot;`) at the start, if one is there.
fn entity_len(text: &str) -> Option<usize> {
    let body = text
        .bytes()
        .skip(1)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    (body > 0 && text.as_bytes().get(1 + body) == Some(&b';')).then_some(body + 2)
}

/// Decodes entity codes and `<br/>` the way Mermaid draws them.
pub fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = entity_len(rest).and_then(|n| {
            let name = &rest[1..n - 1];
            let c = match name {
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "nbsp" => Some(' '),
                n => n.parse::<u32>().ok().and_then(char::from_u32),
            };
            c.map(|c| (c, n))
        });
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &rest[n..];
            }
            None => {
                out.push('#');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("<br/>", " ")
        .replace("<br>", " ")
        .replace("<br />", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements_and_keeps_their_places() {
        let line = Piece::new("  A->>B: a#59; b; C->>D: c # gone", 10);
        let found: Vec<(&str, usize)> =
            statements(line).iter().map(|p| (p.text, p.start)).collect();
        assert_eq!(found, vec![("  A->>B: a#59; b", 10), (" C->>D: c ", 27)]);
        assert_eq!(statements(Piece::new("  %% x; y", 0)).len(), 0);
        assert_eq!(Piece::new("  ab  ", 4).trim().span(), Span::new(6, 8));
    }

    #[test]
    fn lines_keep_their_offsets() {
        let found: Vec<(&str, usize)> = lines("a\r\nbc\n\nd", 5)
            .map(|p| (p.text, p.start))
            .collect();
        assert_eq!(found, vec![("a", 5), ("bc", 8), ("", 11), ("d", 12)]);
    }

    #[test]
    fn decodes_entities() {
        assert_eq!(
            decode("a#59; b#quot;#x#9999999999;<br/>c"),
            "a; b\"#x#9999999999; c"
        );
        assert_eq!(decode("é#35;"), "é#");
    }
}
