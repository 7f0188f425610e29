//! `diagram`: a Mermaid sequence diagram (a ```mermaid block in `answers.md`, or a `.mmd`
//! file) that shows the participants of the student's own spec, by id or label, and the
//! paths the rubric lists (the happy path; the failure path with its compensation) as
//! branches of an `alt`, or as diagrams of their own. Where a diagram and the spec disagree
//! (`mermaid::conformance`, what `sagac check` reports as M910-M915), the feedback lists it;
//! it costs no part (see `conformance.rs`).

use crate::grade::rubric::{DiagramDef, MessageDef, PathDef};
use crate::grade::text::{capitalize, code, count, list, prose};
use crate::mermaid::names::{contains_words, is_participant, words};
use crate::mermaid::{self, Diagram, Item};
use crate::model::{ParticipantId, Saga};

use super::{Context, DiagramSource, Verdict, conformance};

pub fn diagram(def: &DiagramDef, index: usize, ctx: &Context) -> Verdict {
    let parts = 1 + usize::from(def.spec_participants) + def.paths.len();
    if ctx.diagrams.is_empty() {
        return Verdict::blocked(
            parts,
            "No diagram was found: add a ```mermaid block to `answers.md`, or a `.mmd` file, holding a `sequenceDiagram`.",
        );
    }
    let mut v = Verdict::default();
    let mut read: Vec<(&str, &Diagram)> = Vec::new();
    for source in &ctx.diagrams {
        match source.diagram() {
            Ok(d) => read.push((&source.name, d)),
            Err(e) => v.details.push(unreadable(source, e)),
        }
    }
    v.part(!read.is_empty());
    if read.is_empty() {
        v.parts = parts;
        return v;
    }
    v.details.insert(
        0,
        format!(
            "{} read: {}.",
            count(read.len(), "sequence diagram"),
            list(
                &read
                    .iter()
                    .map(|(n, _)| (*n).to_owned())
                    .collect::<Vec<_>>()
            )
        ),
    );
    let saga = ctx.saga().ok();
    if def.spec_participants {
        participants_shown(saga, &read, &mut v);
    }
    let compiled = ctx.rubric.messages.get(index);
    for (p, path) in def.paths.iter().enumerate() {
        let regexes = compiled
            .and_then(|c| c.get(p))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        path_shown(path, regexes, &read, saga, ctx, &mut v);
    }
    conformance::disagreements(ctx, &mut v);
    v
}

/// Why a diagram could not be read: the reader's error where it is in the file, with its
/// code, or the kind of diagram it is.
fn unreadable(source: &DiagramSource, error: &mermaid::ParseError) -> String {
    let name = capitalize(&source.name);
    match crate::rules::mermaid::parse_error(&source.read, error) {
        Some(d) => format!(
            "{name} is not a sequence diagram Mermaid can draw: line {}: {} {}.",
            source.file.line_col(d.span.start).line,
            d.rule.code,
            prose(&d.message)
        ),
        None => match &error.kind {
            mermaid::ParseErrorKind::NotSequence { word } => format!(
                "{name} is a {} diagram, not a sequence diagram (start it with `sequenceDiagram`).",
                code(word)
            ),
            _ => format!("{name} is not a sequence diagram."),
        },
    }
}

/// The part for the spec's participants: each appears in some diagram.
fn participants_shown(saga: Option<&Saga>, read: &[(&str, &Diagram)], v: &mut Verdict) {
    let Some(saga) = saga else {
        v.part(false);
        v.details.push(
            "The participants of your spec are unknown (the spec could not be read), so the diagram cannot be compared with them."
                .to_owned(),
        );
        return;
    };
    let missing: Vec<String> = declared(saga)
        .filter(|&p| !read.iter().any(|(_, d)| shows(saga, d, p)))
        .map(|p| code(&saga.participant(p).name.value))
        .collect();
    v.part(missing.is_empty());
    if missing.is_empty() {
        v.details
            .push("Every participant of your spec appears in a diagram.".to_owned());
    } else {
        v.details.push(format!(
            "Participants of your spec missing from the diagrams (by id or label): {}. Use the same names in both, e.g. `participant {} as ...`.",
            list(&missing),
            missing[0].trim_matches('`')
        ));
    }
}

/// The part for one path of the rubric: some way through some diagram has its messages in
/// order (`regexes`: their compiled texts).
fn path_shown(
    path: &PathDef,
    regexes: &[Option<regex::Regex>],
    read: &[(&str, &Diagram)],
    saga: Option<&Saga>,
    ctx: &Context,
    v: &mut Verdict,
) {
    // How far into the path's messages some way through each diagram gets.
    let mut best = 0;
    let mut found = None;
    for (name, d) in read {
        let advance = |item: &Item, n: usize| match path.messages.get(n) {
            Some(m)
                if item_matches(
                    item,
                    m,
                    regexes.get(n).and_then(Option::as_ref),
                    saga,
                    d,
                    ctx,
                ) =>
            {
                n + 1
            }
            _ => n,
        };
        let reach = mermaid::reachable(d, 0, path.messages.len() + 1, &advance);
        let furthest = reach.iter().rposition(|&r| r).unwrap_or(0);
        if furthest == path.messages.len() {
            found = Some(*name);
            break;
        }
        best = best.max(furthest);
    }
    v.part(found.is_some());
    match found {
        Some(name) => v
            .details
            .push(format!("{} is shown in {name}.", capitalize(&path.name))),
        None => {
            let missing = path
                .messages
                .get(best)
                .map(|m| m.describe.as_str())
                .unwrap_or_default();
            let after = match best.checked_sub(1).and_then(|i| path.messages.get(i)) {
                Some(m) => format!(" after {}", m.describe),
                None => String::new(),
            };
            v.details.push(format!(
                "{} is not shown: no way through the diagrams has a message where {missing}{after}. Draw it in an `alt`/`else` block or as a diagram of its own.",
                capitalize(&path.name),
            ));
        }
    }
}

fn declared(saga: &Saga) -> impl Iterator<Item = ParticipantId> + '_ {
    (0..saga.participants.len())
        .map(ParticipantId::new)
        .filter(|&p| saga.participant(p).declared)
}

fn shows(saga: &Saga, d: &Diagram, p: ParticipantId) -> bool {
    d.participants
        .iter()
        .any(|x| is_participant(saga, &x.id, &x.label, p))
}

fn item_matches(
    item: &Item,
    m: &MessageDef,
    text_re: Option<&regex::Regex>,
    saga: Option<&Saga>,
    d: &Diagram,
    ctx: &Context,
) -> bool {
    let (ends, text): (Vec<&str>, &str) = match item {
        Item::Message(m) => (vec![&m.from, &m.to], &m.text),
        Item::Note(n) => (n.over.iter().map(String::as_str).collect(), &n.text),
        Item::Block(_) => return false,
    };
    let text_words = words(text);
    let step = m.role.as_deref().and_then(|r| {
        let saga = saga?;
        ctx.role_step(r).ok().map(|s| (saga, saga.step(s)))
    });
    let compensation_named = m.compensation
        && step.is_some_and(|(_, s)| {
            s.compensation
                .as_ref()
                .is_some_and(|c| contains_words(&text_words, &words(&c.action.value)))
        });
    if let Some(re) = text_re
        && !re.is_match(text)
        && !compensation_named
    {
        return false;
    }
    let Some(role) = &m.role else { return true };
    let regex = ctx.rubric.role(role).map(|i| &ctx.rubric.roles[i].regex);
    if regex.is_some_and(|r| r.is_match(text)) || compensation_named {
        return true;
    }
    let Some((saga, s)) = step else { return false };
    if contains_words(&text_words, &words(&s.action.value))
        || contains_words(&text_words, &words(&s.id.value))
    {
        return true;
    }
    // A message to or from the step's service concerns it.
    ends.iter()
        .any(|e| is_participant(saga, e, d.label_of(e), s.participant))
}
