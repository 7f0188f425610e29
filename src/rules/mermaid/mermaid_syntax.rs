use crate::diagnostic::Diagnostic;
use crate::mermaid::{ParseError, ParseErrorKind};
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it checks
    /// Every statement of a Mermaid sequence diagram (a ```` ```mermaid ```` block of a
    /// Markdown file such as `answers.md`, or a `.mmd` file) is one Mermaid reads: a
    /// declaration (`participant PS as Payment Service`), a message (`A->>B: text`), a note
    /// (`Note over A: text`) or a block keyword. The error points at the file's own line and
    /// column, not at a line counted from the top of the block.
    ///
    /// ## Why it matters
    /// Mermaid draws nothing for a diagram with one bad line: GitHub, GitLab and the editors
    /// show a syntax error where the drawing should be, and a grader sees no diagram at all.
    ///
    /// ## Example
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     Orchestrator->>Payment ChargeCard
    /// ```
    /// ````
    ///
    /// ## Fix
    /// A message needs `:` before its text:
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     Orchestrator->>Payment: ChargeCard
    /// ```
    /// ````
    pub static RULE = ("M901", "mermaid-syntax", Error, "A statement Mermaid cannot read in a sequence diagram");
}

/// The words of a statement Mermaid cannot read: the message, and the help.
pub fn syntax(error: &ParseError) -> Diagnostic {
    let (message, help) = words(&error.kind);
    Diagnostic::new(&RULE, error.span, message)
        .label("Mermaid cannot read this")
        .help(help)
}

const KEYWORDS: [&str; 20] = [
    "participant",
    "actor",
    "create",
    "destroy",
    "activate",
    "deactivate",
    "autonumber",
    "title",
    "Note",
    "alt",
    "else",
    "opt",
    "loop",
    "par",
    "and",
    "critical",
    "option",
    "break",
    "rect",
    "end",
];

fn words(kind: &ParseErrorKind) -> (String, String) {
    let pair = |m: &str, h: &str| (m.to_owned(), h.to_owned());
    match kind {
        ParseErrorKind::NotAStatement { word } => (
            format!("`{word}` is neither a keyword nor a message"),
            match did_you_mean(word, KEYWORDS) {
                Some(k) => format!("did you mean `{k}`?"),
                None => "a line is a declaration (`participant PS as Payment Service`), a message (`A->>B: text`), a note (`Note over A: text`) or a block keyword (`alt`, `else`, `opt`, `loop`, `par`, `end`)".to_owned(),
            },
        ),
        ParseErrorKind::MessageWithoutColon => pair(
            "a message needs `:` before its text",
            "write it as `A->>B: text`",
        ),
        ParseErrorKind::MessageEnds => pair(
            "a message goes from one participant to another",
            "name both ends: `A->>B: text`",
        ),
        ParseErrorKind::BadId { id } => (
            format!("`{id}` is not a participant id Mermaid reads"),
            "an id has no `,`, `:`, `<`, `>` or `+`, no `--` or `->`, and does not start or end with `-`; give it a short id and put the name in a label: `participant PS as Payment Service`".to_owned(),
        ),
        ParseErrorKind::MissingName { keyword } => (
            format!("`{keyword}` needs a participant's id"),
            format!("write `{keyword} A`"),
        ),
        ParseErrorKind::CreateWithoutKind => pair(
            "`create` is followed by `participant` or `actor`",
            "write `create participant A`",
        ),
        ParseErrorKind::NoteWithoutColon => pair(
            "a note needs `:` before its text",
            "write it as `Note over A: text`",
        ),
        ParseErrorKind::NotePlacement => pair(
            "a note is placed `over`, `left of` or `right of` a participant",
            "write `Note over A: text` or `Note right of A: text`",
        ),
        ParseErrorKind::NoteParticipants => pair(
            "a note is over one or two participants",
            "write `Note over A: text` or `Note over A,B: text`",
        ),
        // The reader words the others with M902 and M903.
        other => (format!("{other:?}"), String::new()),
    }
}
