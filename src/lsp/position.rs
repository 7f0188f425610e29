//! Byte offsets and LSP positions. sagac's spans are byte ranges; the protocol counts a
//! position's character in UTF-16 code units (its default encoding, which every client
//! supports), so a line with `é` or an emoji before the name must be counted again.

use lsp_types::{Position, Range};

use crate::source::{SourceFile, Span};

/// The position of a byte offset (clamped to the text, and back to a character boundary).
pub fn position(source: &SourceFile, offset: usize) -> Position {
    let text = &source.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = source.line_index(offset);
    let start = source.line_start(line);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    Position::new(to_u32(line), to_u32(character))
}

/// The range of a span.
pub fn range(source: &SourceFile, span: Span) -> Range {
    Range::new(position(source, span.start), position(source, span.end))
}

/// The byte offset of a position: a character past the line's end is its end (before the
/// line break), a line past the text's end is the text's end.
pub fn offset(source: &SourceFile, position: Position) -> usize {
    let text = &source.text;
    let line = position.line as usize;
    let start = source.line_start(line);
    if start >= text.len() {
        return text.len();
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        units += c.len_utf16();
        if units > position.character as usize {
            return start + i;
        }
    }
    end
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_in_utf16_units() {
        // `é` is two bytes and one unit; `🦀` four bytes and two units.
        let source = SourceFile::new("t.yaml", "a: 1\né🦀: x\n".to_owned());
        let x = source.text.find('x').unwrap();
        assert_eq!(position(&source, x), Position::new(1, 5));
        assert_eq!(offset(&source, Position::new(1, 5)), x);
        assert_eq!(offset(&source, Position::new(1, 99)), source.text.len() - 1);
        assert_eq!(offset(&source, Position::new(9, 0)), source.text.len());
        // Inside the crab's two units: the crab's start.
        assert_eq!(offset(&source, Position::new(1, 2)), 7);
        assert_eq!(position(&source, 8), Position::new(1, 1));
    }
}
