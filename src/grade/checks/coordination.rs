//! `coordination`: the spec names an accepted coordination style, and its rationale is long
//! enough and weighs enough of the listed topics. The rationale may be written twice: in
//! the spec's `rationale` and in the answers' section on coordination. Both are read and
//! the better one is graded, so a one-line `rationale` does not hide a considered answer;
//! the feedback says which text was graded. Words are counted and topics found by key
//! terms: a heuristic that can tell a considered rationale from a one-liner, not grade the
//! argument, and the feedback says so.

use crate::grade::prose::{Reading, read, section, word_count};
use crate::grade::rubric::{CoordinationDef, CoordinationStyle, Topic};
use crate::grade::text::{code, count, list};
use crate::model::{Coordination, Saga};

use super::{Context, Verdict};

const HEURISTIC: &str = "(sagac counts the words and looks for key terms of each topic: a heuristic, so your instructor may read the rationale too.)";

/// A text that may hold the rationale, and where it was found.
struct Candidate {
    /// `` `rationale` in `saga.yaml` `` or `` the section `Coordination` of `answers.md` ``.
    place: String,
    text: String,
    /// The spec's line it is written on, when it is in the spec.
    line: Option<usize>,
}

pub fn coordination(def: &CoordinationDef, index: usize, ctx: &Context) -> Verdict {
    let parts = usize::from(def.min_words > 0) + usize::from(def.min_topics > 0);
    let saga = match ctx.saga() {
        Ok(s) => s,
        Err(why) => return Verdict::blocked(parts, why),
    };
    let style_name = match saga.coordination {
        Coordination::Orchestration => "orchestration",
        Coordination::Choreography => "choreography",
    };
    let style = match saga.coordination {
        Coordination::Orchestration => CoordinationStyle::Orchestration,
        Coordination::Choreography => CoordinationStyle::Choreography,
    };
    if !def.styles.is_empty() && !def.styles.contains(&style) {
        return Verdict::blocked(
            parts,
            format!("Your saga uses {style_name}, which this assignment does not accept."),
        );
    }
    let candidates = candidates(saga, index, ctx);
    if candidates.is_empty() {
        let mut v = Verdict::blocked(
            parts,
            format!(
                "Your saga uses {style_name}, but you did not say why: add a `rationale` to {} that justifies the choice.",
                ctx.spec_name()
            ),
        );
        v.line = ctx.line_of(saga.coordination_span);
        return v;
    }
    let topics = ctx
        .rubric
        .topics
        .get(index)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let readings: Vec<Reading> = candidates.iter().map(|c| read(&c.text, topics)).collect();
    // The better text: more parts met, then more topics, then more words; on a tie the
    // spec's own rationale, which comes first.
    let score = |r: &Reading| {
        let met = usize::from(def.min_words > 0 && r.words >= def.min_words)
            + usize::from(def.min_topics > 0 && r.topics.len() >= def.min_topics);
        (met, r.topics.len(), r.words)
    };
    let best = (1..readings.len()).fold(0, |best, i| {
        if score(&readings[i]) > score(&readings[best]) {
            i
        } else {
            best
        }
    });
    let (chosen, reading) = (&candidates[best], &readings[best]);
    let mut v = Verdict {
        line: chosen.line.or_else(|| ctx.line_of(saga.coordination_span)),
        ..Verdict::default()
    };
    v.details.push(format!(
        "Your saga uses {style_name}; its rationale ({}) has {}.",
        chosen.place,
        described(reading)
    ));
    for (other, r) in candidates
        .iter()
        .zip(&readings)
        .filter(|(c, _)| c.place != chosen.place)
    {
        v.details.push(format!(
            "Both texts were read and the better one graded: {} has {}.",
            other.place,
            described(r)
        ));
    }
    judge(def, topics, reading, &mut v);
    v.details.push(HEURISTIC.to_owned());
    v
}

/// The texts that may hold the rationale: the spec's `rationale` (when it has a word), then
/// the answers' section whose heading the rubric names.
fn candidates(saga: &Saga, index: usize, ctx: &Context) -> Vec<Candidate> {
    let mut out = Vec::new();
    if let Some(r) = &saga.rationale
        && word_count(&r.value) > 0
    {
        out.push(Candidate {
            place: format!("`rationale` in {}", ctx.spec_name()),
            text: r.value.clone(),
            line: ctx.line_of(r.span),
        });
    }
    let heading = ctx.rubric.headings.get(index).and_then(Option::as_ref);
    let answers = ctx.submission.answers.as_ref();
    if let (Some(heading), Some(answers)) = (heading, answers)
        && let Some((title, body)) = section(&answers.text, heading)
    {
        out.push(Candidate {
            place: format!("the section {} of {}", code(&title), code(&answers.name)),
            text: body,
            line: None,
        });
    }
    out
}

/// `40 words and addresses 2 listed topics: coupling and scaling`.
fn described(reading: &Reading) -> String {
    let topics = if reading.topics.is_empty() {
        String::new()
    } else {
        format!(": {}", list(&reading.topics))
    };
    format!(
        "{} and addresses {}{topics}",
        count(reading.words, "word"),
        count(reading.topics.len(), "listed topic")
    )
}

/// The parts of the check for the graded text, with what is missing.
fn judge(def: &CoordinationDef, topics: &[Topic], reading: &Reading, v: &mut Verdict) {
    if def.min_words > 0 {
        v.part(reading.words >= def.min_words);
        if reading.words < def.min_words {
            v.details.push(format!(
                "It is shorter than the {} asked for: explain the trade-off, not just the choice.",
                count(def.min_words, "word")
            ));
        }
    }
    if def.min_topics > 0 {
        v.part(reading.topics.len() >= def.min_topics);
        if reading.topics.len() < def.min_topics {
            let missing: Vec<String> = topics
                .iter()
                .filter(|t| !reading.topics.contains(&t.name))
                .map(|t| t.name.clone())
                .collect();
            v.details.push(format!(
                "Weigh at least {} of: {}.",
                def.min_topics,
                list(&missing)
            ));
        }
    }
}
