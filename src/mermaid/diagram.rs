//! A sequence diagram as read: its participants and its items (messages, notes and blocks),
//! each with the span it was written at, so a finding points into the student's own file.

use std::collections::HashMap;

use crate::source::Span;

/// A participant or actor, declared or created by its first use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: String,
    /// The `as` label with entity codes decoded; the id when there is none.
    pub label: String,
    /// Where it was declared (the declaration's id and label), or first used.
    pub span: Span,
    /// Declared with `actor`: drawn as a person, by convention someone outside the system.
    pub actor: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Alt,
    Opt,
    Loop,
    Par,
    Critical,
    Break,
    Rect,
    Box,
}

impl BlockKind {
    pub(super) fn from_keyword(word: &str) -> Option<BlockKind> {
        Some(match word {
            "alt" => BlockKind::Alt,
            "opt" => BlockKind::Opt,
            "loop" => BlockKind::Loop,
            "par" => BlockKind::Par,
            "critical" => BlockKind::Critical,
            "break" => BlockKind::Break,
            "rect" => BlockKind::Rect,
            "box" => BlockKind::Box,
            _ => return None,
        })
    }

    /// The keyword that opens the block.
    pub fn keyword(self) -> &'static str {
        match self {
            BlockKind::Alt => "alt",
            BlockKind::Opt => "opt",
            BlockKind::Loop => "loop",
            BlockKind::Par => "par",
            BlockKind::Critical => "critical",
            BlockKind::Break => "break",
            BlockKind::Rect => "rect",
            BlockKind::Box => "box",
        }
    }

    /// The keyword that starts another branch of the block.
    pub fn branch_keyword(self) -> Option<&'static str> {
        match self {
            BlockKind::Alt => Some("else"),
            BlockKind::Par => Some("and"),
            BlockKind::Critical => Some("option"),
            _ => None,
        }
    }
}

/// A message: `from`, an arrow, `to`, `:` and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub from: String,
    pub to: String,
    /// The arrow as written (`->>`, `-->>`, `-x`, ...), without activation marks.
    pub arrow: &'static str,
    /// The text with its entity codes decoded.
    pub text: String,
    /// The whole statement.
    pub span: Span,
    /// The text after `:` as written (empty at the statement's end when there is none).
    pub text_span: Span,
}

impl Message {
    /// Whether the arrow is dotted (`-->>`, `-->`, `--x`, `--)`): by convention a reply.
    pub fn dotted(&self) -> bool {
        self.arrow.starts_with("--") || self.arrow.starts_with("<<--")
    }

    /// Whether the message goes from a participant to itself.
    pub fn to_self(&self) -> bool {
        self.from == self.to
    }
}

/// A note over (or beside) one or two participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub over: Vec<String>,
    /// The text with its entity codes decoded.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// The first branch, then one per `else`/`and`/`option`.
    pub branches: Vec<Branch>,
    /// The statement that opens it (`alt card declined`).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Message(Message),
    Note(Note),
    Block(Block),
}

impl Item {
    /// The text of a message or note; a block has none.
    pub fn text(&self) -> Option<&str> {
        match self {
            Item::Message(m) => Some(&m.text),
            Item::Note(n) => Some(&n.text),
            Item::Block(_) => None,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Item::Message(m) => m.span,
            Item::Note(n) => n.span,
            Item::Block(b) => b.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// The label after the keyword, decoded.
    pub label: String,
    pub items: Vec<Item>,
    /// The statement that starts the branch (`alt ...`, `else ...`).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagram {
    /// In order of declaration or first use.
    pub participants: Vec<Participant>,
    pub items: Vec<Item>,
    /// The `sequenceDiagram` line.
    pub span: Span,
    /// `participants` by id: a diagram may hold many, and each message looks two up.
    index: HashMap<String, usize>,
}

impl Diagram {
    /// The participant with this id.
    pub fn participant(&self, id: &str) -> Option<&Participant> {
        self.index.get(id).map(|&i| &self.participants[i])
    }

    /// Declares a participant, or gives a declared one its new label and place.
    pub(super) fn declare(&mut self, participant: Participant) {
        match self.index.get(&participant.id) {
            Some(&i) => {
                let known = &mut self.participants[i];
                known.label = participant.label;
                known.span = participant.span;
                known.actor = participant.actor;
            }
            None => self.add(participant),
        }
    }

    /// Uses a participant, creating it when it is new (Mermaid creates it on first use).
    pub(super) fn touch(&mut self, id: &str, span: Span) {
        if !self.index.contains_key(id) {
            self.add(Participant {
                id: id.to_owned(),
                label: id.to_owned(),
                span,
                actor: false,
            });
        }
    }

    fn add(&mut self, participant: Participant) {
        self.index
            .insert(participant.id.clone(), self.participants.len());
        self.participants.push(participant);
    }

    /// The label of a participant, or the id itself when it is unknown.
    pub fn label_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.participant(id).map_or(id, |p| p.label.as_str())
    }
}
