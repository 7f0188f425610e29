//! A small reader for Mermaid sequence diagrams: the subset `sagac diagram` writes and the
//! forms students write by hand. It reads participants and actors (with `as` labels, and
//! created implicitly by a message), messages with every arrow (`->>`, `-->>`, `->`, `-->`,
//! `-x`, `--x`, `-)`, `--)`, `<<->>`, `<<-->>`, with `+`/`-` activation), notes, the blocks
//! `alt`/`else`, `opt`, `loop`, `par`/`and`, `critical`/`option`, `break`, `rect` and `box`
//! closed by `end`, `%%` comments and directives, front matter, `autonumber`, `title`,
//! `activate`, `link` and accessibility lines. It mirrors what Mermaid rejects where that is
//! cheap to know (a message without `:`, an `else` outside `alt`, a block never closed), so
//! a diagram it accepts is one a student can render. It never runs anything.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: String,
    pub label: String,
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
    fn from_keyword(word: &str) -> Option<BlockKind> {
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

    /// The keyword that starts another branch of the block.
    fn branch_keyword(self) -> Option<&'static str> {
        match self {
            BlockKind::Alt => Some("else"),
            BlockKind::Par => Some("and"),
            BlockKind::Critical => Some("option"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A message; `text` has its entity codes decoded.
    Message {
        from: String,
        to: String,
        text: String,
        line: usize,
    },
    /// A note over (or beside) participants.
    Note {
        over: Vec<String>,
        text: String,
        line: usize,
    },
    Block {
        kind: BlockKind,
        /// The first branch, then one per `else`/`and`/`option`.
        branches: Vec<Branch>,
        line: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub label: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagram {
    pub participants: Vec<Participant>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but comments.
    Empty,
    /// Another kind of diagram (`flowchart`, `graph`, ...).
    NotSequence(String),
    /// A line Mermaid would reject.
    Syntax { line: usize, message: String },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "the diagram is empty"),
            ParseError::NotSequence(kind) => write!(
                f,
                "it is a `{kind}` diagram, not a sequence diagram (start it with `sequenceDiagram`)"
            ),
            ParseError::Syntax { line, message } => write!(f, "line {line}: {message}"),
        }
    }
}

/// Arrows, longest first so that `-->>` is not read as `-->` followed by `>`.
const ARROWS: [&str; 10] = [
    "<<-->>", "<<->>", "-->>", "->>", "--x", "--)", "-->", "-x", "-)", "->",
];

/// Blocks nest at most this deep (a diagram a person reads nests two or three).
pub const MAX_NESTING: usize = 16;

/// An open block while reading.
struct Open {
    kind: BlockKind,
    line: usize,
    branches: Vec<Branch>,
}

pub fn parse(text: &str) -> Result<Diagram, ParseError> {
    let mut diagram = Diagram::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Vec<Item> = Vec::new();
    let mut header = false;
    let mut lines = text.lines().enumerate().peekable();
    // Front matter (`---` ... `---`) before the diagram.
    if lines.peek().is_some_and(|(_, l)| l.trim() == "---") {
        lines.next();
        for (_, l) in lines.by_ref() {
            if l.trim() == "---" {
                break;
            }
        }
    }
    let mut in_acc_descr = false;
    for (i, raw) in lines {
        let line = i + 1;
        if in_acc_descr {
            if raw.contains('}') {
                in_acc_descr = false;
            }
            continue;
        }
        for stmt in statements(raw) {
            let stmt = stmt.trim();
            if stmt.is_empty() {
                continue;
            }
            if !header {
                let word = stmt.split_whitespace().next().unwrap_or_default();
                if word != "sequenceDiagram" {
                    return Err(ParseError::NotSequence(word.to_owned()));
                }
                header = true;
                let rest = stmt["sequenceDiagram".len()..].trim();
                if rest.is_empty() {
                    continue;
                }
                // `sequenceDiagram A->>B: x` on one line is not Mermaid.
                return Err(syntax(line, "`sequenceDiagram` stands alone on its line"));
            }
            if stmt.starts_with("accDescr") && stmt.contains('{') && !stmt.contains('}') {
                in_acc_descr = true;
                continue;
            }
            let item = statement(stmt, line, &mut diagram, &mut stack)?;
            if let Some(item) = item {
                match stack.last_mut().and_then(|o| o.branches.last_mut()) {
                    Some(branch) => branch.items.push(item),
                    None => root.push(item),
                }
            }
        }
    }
    if !header {
        return Err(ParseError::Empty);
    }
    if let Some(open) = stack.last() {
        return Err(syntax(
            open.line,
            format!(
                "this `{}` block is never closed with `end`",
                keyword(open.kind)
            ),
        ));
    }
    diagram.items = root;
    Ok(diagram)
}

fn keyword(kind: BlockKind) -> &'static str {
    match kind {
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

fn syntax(line: usize, message: impl Into<String>) -> ParseError {
    ParseError::Syntax {
        line,
        message: message.into(),
    }
}

/// Splits a line into statements: `;` ends one (except in an entity code such as `#59;`),
/// `%%` at the start is a comment, and a `#` that starts no entity code drops the rest.
fn statements(raw: &str) -> Vec<String> {
    let trimmed = raw.trim_start();
    if trimmed.starts_with("%%") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ';' => out.push(std::mem::take(&mut current)),
            '#' => match entity_len(&chars[i..]) {
                Some(n) => {
                    current.extend(&chars[i..i + n]);
                    i += n;
                    continue;
                }
                None => break,
            },
            c => current.push(c),
        }
        i += 1;
    }
    out.push(current);
    out
}

/// The length of an entity code (`#59;`, `#quot;`) at the start, if one is there.
fn entity_len(chars: &[char]) -> Option<usize> {
    let body = chars
        .iter()
        .skip(1)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    (body > 0 && chars.get(1 + body) == Some(&';')).then_some(body + 2)
}

/// Decodes entity codes and `<br/>` the way Mermaid draws them.
pub fn decode(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '#'
            && let Some(n) = entity_len(&chars[i..])
        {
            let name: String = chars[i + 1..i + n - 1].iter().collect();
            let decoded = match name.as_str() {
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "nbsp" => Some(' '),
                n => n.parse::<u32>().ok().and_then(char::from_u32),
            };
            if let Some(c) = decoded {
                out.push(c);
                i += n;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out.replace("<br/>", " ")
        .replace("<br>", " ")
        .replace("<br />", " ")
}

fn statement(
    stmt: &str,
    line: usize,
    diagram: &mut Diagram,
    stack: &mut Vec<Open>,
) -> Result<Option<Item>, ParseError> {
    let (word, rest) = match stmt.split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim()),
        None => (stmt, ""),
    };
    let lower = word.to_ascii_lowercase();
    match lower.as_str() {
        "participant" | "actor" => {
            declare(rest, line, diagram)?;
            return Ok(None);
        }
        "create" => {
            let (kind, decl) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if kind != "participant" && kind != "actor" {
                return Err(syntax(
                    line,
                    "`create` is followed by `participant` or `actor`",
                ));
            }
            declare(decl.trim(), line, diagram)?;
            return Ok(None);
        }
        "destroy" | "activate" | "deactivate" => {
            if rest.is_empty() {
                return Err(syntax(line, format!("`{word}` names a participant")));
            }
            return Ok(None);
        }
        "autonumber" | "title" | "title:" | "acctitle:" | "accdescr:" | "link" | "links" => {
            return Ok(None);
        }
        "note" => return note(rest, line, diagram).map(Some),
        "end" if rest.is_empty() => {
            let Some(open) = stack.pop() else {
                return Err(syntax(line, "`end` closes no block"));
            };
            return Ok(Some(Item::Block {
                kind: open.kind,
                branches: open.branches,
                line: open.line,
            }));
        }
        _ => {}
    }
    if word.starts_with("title:") || word.starts_with("accTitle:") || word.starts_with("accDescr:")
    {
        return Ok(None);
    }
    if let Some(kind) = BlockKind::from_keyword(word) {
        if stack.len() == MAX_NESTING {
            return Err(syntax(
                line,
                format!("blocks nested more than {MAX_NESTING} deep"),
            ));
        }
        stack.push(Open {
            kind,
            line,
            branches: vec![Branch {
                label: decode(rest),
                items: Vec::new(),
            }],
        });
        return Ok(None);
    }
    if matches!(word, "else" | "and" | "option") {
        let Some(open) = stack.last_mut() else {
            return Err(syntax(line, format!("`{word}` outside any block")));
        };
        if open.kind.branch_keyword() != Some(word) {
            return Err(syntax(
                line,
                format!("`{word}` cannot appear in a `{}` block", keyword(open.kind)),
            ));
        }
        open.branches.push(Branch {
            label: decode(rest),
            items: Vec::new(),
        });
        return Ok(None);
    }
    message(stmt, line, diagram).map(Some)
}

/// `participant ID`, `participant ID as Label`.
fn declare(rest: &str, line: usize, diagram: &mut Diagram) -> Result<(), ParseError> {
    // Mermaid 11's `participant X@{ "type": ... }` metadata is ignored.
    let rest = rest.split("@{").next().unwrap_or_default().trim();
    let (id, label) = match rest.split_once(" as ") {
        Some((id, label)) => (id.trim(), decode(label.trim())),
        None => (rest, decode(rest)),
    };
    if id.is_empty() {
        return Err(syntax(line, "a participant needs an id"));
    }
    valid_id(id, line)?;
    match diagram.participants.iter_mut().find(|p| p.id == id) {
        Some(p) => p.label = label,
        None => diagram.participants.push(Participant {
            id: id.to_owned(),
            label,
        }),
    }
    Ok(())
}

fn valid_id(id: &str, line: usize) -> Result<(), ParseError> {
    if id.contains([',', ':', '<', '>', '+'])
        || id.contains("--")
        || id.contains("->")
        || id.starts_with('-')
        || id.ends_with('-')
    {
        return Err(syntax(
            line,
            format!("`{id}` is not a participant id Mermaid reads"),
        ));
    }
    Ok(())
}

/// Uses a participant, declaring it when it is new (Mermaid creates it on first use).
fn touch(id: &str, diagram: &mut Diagram) {
    if !diagram.participants.iter().any(|p| p.id == id) {
        diagram.participants.push(Participant {
            id: id.to_owned(),
            label: id.to_owned(),
        });
    }
}

/// `Note over A,B: text`, `Note left of A: text`, `Note right of A: text`.
fn note(rest: &str, line: usize, diagram: &mut Diagram) -> Result<Item, ParseError> {
    let Some((place, text)) = rest.split_once(':') else {
        return Err(syntax(line, "a note needs `:` before its text"));
    };
    let place = place.trim();
    let lower = place.to_ascii_lowercase();
    let who = ["over ", "left of ", "right of "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &place[p.len()..]))
        .ok_or_else(|| {
            syntax(
                line,
                "a note is placed `over`, `left of` or `right of` a participant",
            )
        })?;
    let over: Vec<String> = who.split(',').map(|s| s.trim().to_owned()).collect();
    if over.iter().any(String::is_empty) || over.len() > 2 {
        return Err(syntax(line, "a note is over one or two participants"));
    }
    for id in &over {
        valid_id(id, line)?;
        touch(id, diagram);
    }
    Ok(Item::Note {
        over,
        text: decode(text.trim()),
        line,
    })
}

/// `A->>B: text` with any arrow, and `+`/`-` before the target.
fn message(stmt: &str, line: usize, diagram: &mut Diagram) -> Result<Item, ParseError> {
    let found = stmt.char_indices().find_map(|(i, _)| {
        ARROWS
            .iter()
            .find(|a| stmt[i..].starts_with(**a))
            .map(|a| (i, a.len()))
    });
    let Some((at, len)) = found else {
        let word = stmt.split_whitespace().next().unwrap_or_default();
        return Err(syntax(
            line,
            format!("`{word}` is neither a keyword nor a message (`A->>B: text`)"),
        ));
    };
    let from = stmt[..at].trim();
    let after = &stmt[at + len..];
    let Some((to, text)) = after.split_once(':') else {
        return Err(syntax(
            line,
            "a message needs `:` before its text (`A->>B: text`)",
        ));
    };
    let to = to.trim().trim_start_matches(['+', '-']).trim();
    if from.is_empty() || to.is_empty() {
        return Err(syntax(
            line,
            "a message goes from one participant to another",
        ));
    }
    valid_id(from, line)?;
    valid_id(to, line)?;
    touch(from, diagram);
    touch(to, diagram);
    Ok(Item::Message {
        from: from.to_owned(),
        to: to.to_owned(),
        text: decode(text.trim()),
        line,
    })
}

/// Follows every way through the diagram at once: one branch of each `alt` and
/// `critical`, an `opt` or `break` taken or not, a `loop` once, every branch of a `par` one
/// after the other. A state is a number below `states`; `advance` moves it over one message
/// or note. The result says which states some way through the diagram ends in. The ways
/// are never listed (nested `alt`s multiply them), so this is linear in the size of the
/// diagram times `states`.
pub fn reachable(
    diagram: &Diagram,
    start: usize,
    states: usize,
    advance: &dyn Fn(&Item, usize) -> usize,
) -> Vec<bool> {
    let mut set = vec![false; states];
    if let Some(s) = set.get_mut(start) {
        *s = true;
    }
    walk(&diagram.items, set, advance)
}

fn walk(items: &[Item], mut set: Vec<bool>, advance: &dyn Fn(&Item, usize) -> usize) -> Vec<bool> {
    for item in items {
        set = match item {
            Item::Message { .. } | Item::Note { .. } => {
                let mut next = vec![false; set.len()];
                for (state, _) in set.iter().enumerate().filter(|(_, on)| **on) {
                    if let Some(n) = next.get_mut(advance(item, state)) {
                        *n = true;
                    }
                }
                next
            }
            Item::Block { kind, branches, .. } => match kind {
                BlockKind::Alt | BlockKind::Critical => union(
                    branches
                        .iter()
                        .map(|b| walk(&b.items, set.clone(), advance)),
                    set.len(),
                ),
                BlockKind::Opt | BlockKind::Break => union(
                    branches
                        .iter()
                        .map(|b| walk(&b.items, set.clone(), advance))
                        .chain(std::iter::once(set.clone())),
                    set.len(),
                ),
                BlockKind::Loop | BlockKind::Rect | BlockKind::Box | BlockKind::Par => branches
                    .iter()
                    .fold(set, |acc, b| walk(&b.items, acc, advance)),
            },
        };
    }
    set
}

fn union(sets: impl Iterator<Item = Vec<bool>>, len: usize) -> Vec<bool> {
    let mut out = vec![false; len];
    for s in sets {
        for (o, x) in out.iter_mut().zip(s) {
            *o |= x;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(item: &Item) -> &str {
        match item {
            Item::Message { text, .. } | Item::Note { text, .. } => text,
            Item::Block { .. } => "",
        }
    }

    /// Every message and note, in order, on the first way through.
    fn texts(d: &Diagram) -> Vec<String> {
        fn go(items: &[Item], out: &mut Vec<String>) {
            for i in items {
                match i {
                    Item::Block { branches, .. } => go(&branches[0].items, out),
                    _ => out.push(text(i).to_owned()),
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
            if wanted.get(n).is_some_and(|w| text(item) == *w) {
                n + 1
            } else {
                n
            }
        };
        reachable(d, 0, wanted.len() + 1, &advance)[wanted.len()]
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
    }

    #[test]
    fn rejects_what_mermaid_rejects() {
        assert_eq!(
            parse("flowchart LR\nA-->B\n"),
            Err(ParseError::NotSequence("flowchart".into()))
        );
        assert_eq!(parse("%% only\n"), Err(ParseError::Empty));
        let e = |t: &str| match parse(t) {
            Err(ParseError::Syntax { line, .. }) => line,
            other => panic!("{other:?}"),
        };
        assert_eq!(e("sequenceDiagram\nA->>B hello\n"), 2);
        assert_eq!(e("sequenceDiagram\nelse x\n"), 2);
        assert_eq!(e("sequenceDiagram\nopt x\nA->>B: y\nelse z\nend\n"), 4);
        assert_eq!(e("sequenceDiagram\nalt x\nA->>B: y\n"), 2);
        assert_eq!(e("sequenceDiagram\nend\n"), 2);
        assert_eq!(e("sequenceDiagram\nhello world\n"), 2);
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
        assert!(matches!(
            parse(&deep),
            Err(ParseError::Syntax { line: 18, .. })
        ));
    }
}
