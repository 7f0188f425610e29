//! Gradescope's `results.json`: the score, the Markdown feedback as `output`, and one test
//! per criterion. A criterion left to a human has no status, so Gradescope shows its points
//! as pending the grader's. The rubric's `visibility` (overall and per criterion) passes
//! through; `execution_time` is in whole seconds, so a grading that takes milliseconds
//! writes the same bytes every run.

use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::markdown;
use crate::grade::result::points_json;
use crate::grade::rubric::Visibility;
use crate::grade::{Grade, Rubric, Status};

#[derive(Serialize)]
struct Results<'a> {
    score: Value,
    output: String,
    output_format: &'static str,
    execution_time: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<Visibility>,
    tests: Vec<Test<'a>>,
}

#[derive(Serialize)]
struct Test<'a> {
    name: String,
    number: String,
    score: Value,
    max_score: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    output: String,
    output_format: &'static str,
    tags: [&'a str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<Visibility>,
}

/// `elapsed` is the whole grading's time, Gradescope's `execution_time`.
pub fn render(
    rubric: &Rubric,
    grades: &[Grade],
    elapsed: Duration,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some(g) = grades.first() else {
        return failure("no submission was graded", out);
    };
    let results = Results {
        score: points_json(g.score),
        output: summary(rubric, g),
        output_format: "md",
        execution_time: elapsed.as_secs(),
        visibility: rubric.def.visibility,
        tests: g
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| Test {
                name: c.title.clone(),
                number: (i + 1).to_string(),
                score: points_json(c.points),
                max_score: points_json(c.max_points),
                status: match c.status {
                    Status::Pass => Some("passed"),
                    Status::Fail | Status::Partial => Some("failed"),
                    Status::Review => None,
                },
                output: markdown::criterion(c),
                output_format: "md",
                tags: [&c.id],
                visibility: rubric
                    .def
                    .criteria
                    .iter()
                    .find(|d| d.id == c.id)
                    .and_then(|d| d.visibility),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &results)?;
    writeln!(out)
}

/// The top-level output: the score and the notes about the submission.
fn summary(rubric: &Rubric, g: &Grade) -> String {
    let mut s = format!(
        "**{}**: {}/{}",
        rubric.def.title,
        crate::grade::result::points(g.score),
        crate::grade::result::points(g.max_score)
    );
    for note in &g.notes {
        s.push_str(&format!("\n\n**Note:** {note}"));
    }
    s
}

/// The file written when sagac itself fails: score 0, and why.
pub fn failure(reason: &str, out: &mut dyn Write) -> io::Result<()> {
    let v = serde_json::json!({
        "score": 0,
        "output": format!("The autograder could not grade this submission: {reason}. Your score is 0 until your instructor looks at it."),
        "output_format": "text",
        "tests": [],
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}
