//! One statement that is not about blocks: a declaration, a note, a message, or a line
//! Mermaid reads and draws nothing sagac needs (`autonumber`, `title`, `activate`, ...).

use super::diagram::{Diagram, Item, Message, Note, Participant};
use super::error::{ParseError, ParseErrorKind};
use super::parse::error;
use super::text::{Piece, decode};

/// Arrows, longest first so that `-->>` is not read as `-->` followed by `>`.
const ARROWS: [&str; 10] = [
    "<<-->>", "<<->>", "-->>", "->>", "--x", "--)", "-->", "-x", "-)", "->",
];

/// Reads a statement; `None` for one that adds no item (a declaration, `autonumber`, ...).
pub(super) fn read(stmt: Piece<'_>, diagram: &mut Diagram) -> Result<Option<Item>, ParseError> {
    let (word, rest) = stmt.split_word();
    let keyword = word.text.to_ascii_lowercase();
    match keyword.as_str() {
        "participant" | "actor" => {
            declare(rest, keyword == "actor", word, diagram)?;
            return Ok(None);
        }
        "create" => {
            let (kind, decl) = rest.split_word();
            let kind_word = kind.text.to_ascii_lowercase();
            if kind_word != "participant" && kind_word != "actor" {
                return Err(error(stmt, ParseErrorKind::CreateWithoutKind));
            }
            declare(decl, kind_word == "actor", kind, diagram)?;
            return Ok(None);
        }
        "destroy" | "activate" | "deactivate" => {
            if rest.text.is_empty() {
                let kind = ParseErrorKind::MissingName {
                    keyword: word.text.to_owned(),
                };
                return Err(error(stmt, kind));
            }
            return Ok(None);
        }
        "autonumber" | "title" | "title:" | "acctitle:" | "accdescr:" | "link" | "links" => {
            return Ok(None);
        }
        "note" => return note(rest, stmt, diagram).map(|n| Some(Item::Note(n))),
        _ => {}
    }
    if ["title:", "acctitle:", "accdescr:"]
        .iter()
        .any(|k| keyword.starts_with(k))
    {
        return Ok(None);
    }
    message(stmt, diagram).map(|m| Some(Item::Message(m)))
}

/// `participant ID`, `participant ID as Label` (and `actor`).
fn declare(
    rest: Piece<'_>,
    actor: bool,
    keyword: Piece<'_>,
    diagram: &mut Diagram,
) -> Result<(), ParseError> {
    // Mermaid 11's `participant X@{ "type": ... }` metadata is ignored.
    let rest = match rest.split_once("@{") {
        Some((before, _)) => before.trim(),
        None => rest,
    };
    let (id, label) = match rest.split_once(" as ") {
        Some((id, label)) => (id.trim(), decode(label.trim().text)),
        None => (rest, decode(rest.text)),
    };
    if id.text.is_empty() {
        let kind = ParseErrorKind::MissingName {
            keyword: keyword.text.to_owned(),
        };
        return Err(error(keyword, kind));
    }
    valid_id(id)?;
    diagram.declare(Participant {
        id: id.text.to_owned(),
        label,
        span: rest.span(),
        actor,
    });
    Ok(())
}

fn valid_id(id: Piece<'_>) -> Result<(), ParseError> {
    let t = id.text;
    if t.contains([',', ':', '<', '>', '+'])
        || t.contains("--")
        || t.contains("->")
        || t.starts_with('-')
        || t.ends_with('-')
    {
        let kind = ParseErrorKind::BadId { id: t.to_owned() };
        return Err(error(id, kind));
    }
    Ok(())
}

/// `Note over A,B: text`, `Note left of A: text`, `Note right of A: text`.
fn note(rest: Piece<'_>, stmt: Piece<'_>, diagram: &mut Diagram) -> Result<Note, ParseError> {
    let Some((place, text)) = rest.split_once(":") else {
        return Err(error(stmt, ParseErrorKind::NoteWithoutColon));
    };
    let place = place.trim();
    let lower = place.text.to_ascii_lowercase();
    let who = ["over ", "left of ", "right of "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| place.from(p.len())))
        .ok_or_else(|| error(place, ParseErrorKind::NotePlacement))?;
    let mut over = Vec::new();
    let mut from = 0;
    for part in who.text.split(',') {
        over.push(who.slice(from, from + part.len()).trim());
        from += part.len() + 1;
    }
    if over.iter().any(|p| p.text.is_empty()) || over.len() > 2 {
        return Err(error(who, ParseErrorKind::NoteParticipants));
    }
    for id in &over {
        valid_id(*id)?;
        diagram.touch(id.text, id.span());
    }
    Ok(Note {
        over: over.iter().map(|p| p.text.to_owned()).collect(),
        text: decode(text.trim().text),
        span: stmt.span(),
    })
}

/// `A->>B: text` with any arrow, and `+`/`-` before the target.
fn message(stmt: Piece<'_>, diagram: &mut Diagram) -> Result<Message, ParseError> {
    let found = stmt.text.char_indices().find_map(|(i, _)| {
        ARROWS
            .iter()
            .find(|a| stmt.text[i..].starts_with(**a))
            .map(|a| (i, *a))
    });
    let Some((at, arrow)) = found else {
        let (word, _) = stmt.split_word();
        let kind = ParseErrorKind::NotAStatement {
            word: word.text.to_owned(),
        };
        return Err(error(word, kind));
    };
    let from = stmt.to(at).trim();
    let after = stmt.from(at + arrow.len());
    let Some((to, text)) = after.split_once(":") else {
        return Err(error(stmt, ParseErrorKind::MessageWithoutColon));
    };
    let to = to.trim();
    let marks = to.text.len() - to.text.trim_start_matches(['+', '-']).len();
    let to = to.from(marks).trim();
    if from.text.is_empty() || to.text.is_empty() {
        return Err(error(stmt, ParseErrorKind::MessageEnds));
    }
    valid_id(from)?;
    valid_id(to)?;
    diagram.touch(from.text, from.span());
    diagram.touch(to.text, to.span());
    let text = text.trim();
    Ok(Message {
        from: from.text.to_owned(),
        to: to.text.to_owned(),
        arrow,
        text: decode(text.text),
        span: stmt.span(),
        text_span: text.span(),
    })
}
