//! `coordination`: the spec names an accepted coordination style, and its rationale is long
//! enough and weighs enough of the listed topics. Words are counted and topics found by
//! key terms: a heuristic that can tell a considered rationale from a one-liner, not grade
//! the argument, and the feedback says so.

use crate::grade::prose::{section, topics_addressed, word_count};
use crate::grade::rubric::{CoordinationDef, CoordinationStyle};
use crate::grade::text::{code, count, list};
use crate::model::Coordination;

use super::{Context, Verdict};

const HEURISTIC: &str = "(sagac counts the words and looks for key terms of each topic: a heuristic, so your instructor may read the rationale too.)";

pub fn coordination(def: &CoordinationDef, index: usize, ctx: &Context) -> Verdict {
    let parts = usize::from(def.min_words > 0) + usize::from(def.min_topics > 0);
    let saga = match ctx.saga() {
        Ok(s) => s,
        Err(why) => return Verdict::blocked(parts, why),
    };
    let style = match saga.coordination {
        Coordination::Orchestration => CoordinationStyle::Orchestration,
        Coordination::Choreography => CoordinationStyle::Choreography,
    };
    let style_name = match style {
        CoordinationStyle::Orchestration => "orchestration",
        CoordinationStyle::Choreography => "choreography",
    };
    if !def.styles.is_empty() && !def.styles.contains(&style) {
        return Verdict::blocked(
            parts,
            format!("Your saga uses {style_name}, which this assignment does not accept."),
        );
    }
    let mut v = Verdict {
        line: ctx.line_of(saga.coordination_span),
        ..Verdict::default()
    };
    // The rationale: the spec's own, else the answers' section about coordination.
    let from_answers = || {
        let heading = ctx.rubric.headings.get(index)?.as_ref()?;
        let answers = ctx.submission.answers.as_ref()?;
        let (title, body) = section(&answers.text, heading)?;
        Some((
            format!("the section {} of {}", code(&title), code(&answers.name)),
            body,
        ))
    };
    let found = match &saga.rationale {
        Some(r) if word_count(&r.value) > 0 => {
            v.line = ctx.line_of(r.span);
            Some((
                format!("`rationale` in {}", ctx.spec_name()),
                r.value.clone(),
            ))
        }
        _ => from_answers(),
    };
    let Some((place, text)) = found else {
        let mut v = Verdict::blocked(
            parts,
            format!(
                "Your saga uses {style_name}, but you did not say why: add a `rationale` to {} that justifies the choice.",
                ctx.spec_name()
            ),
        );
        v.line = ctx.line_of(saga.coordination_span);
        return v;
    };
    let words = word_count(&text);
    let topics = ctx
        .rubric
        .topics
        .get(index)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let addressed = topics_addressed(&text, topics);
    v.details.push(format!(
        "Your saga uses {style_name}; its rationale ({place}) has {} and addresses {}{}.",
        count(words, "word"),
        count(addressed.len(), "listed topic"),
        if addressed.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                list(
                    &addressed
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect::<Vec<_>>()
                )
            )
        }
    ));
    if def.min_words > 0 {
        v.part(words >= def.min_words);
        if words < def.min_words {
            v.details.push(format!(
                "It is shorter than the {} asked for: explain the trade-off, not just the choice.",
                count(def.min_words, "word")
            ));
        }
    }
    if def.min_topics > 0 {
        v.part(addressed.len() >= def.min_topics);
        if addressed.len() < def.min_topics {
            let missing: Vec<String> = topics
                .iter()
                .filter(|t| !addressed.contains(&t.name.as_str()))
                .map(|t| t.name.clone())
                .collect();
            v.details.push(format!(
                "Weigh at least {} of: {}.",
                def.min_topics,
                list(&missing)
            ));
        }
    }
    v.details.push(HEURISTIC.to_owned());
    v
}
