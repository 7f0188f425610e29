//! `{"submission","score","max_score","criteria":[{"id","title","points","max_points",
//! "status","feedback"}],"notes":[...]}`; several submissions make an array.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use crate::grade::Grade;
use crate::grade::result::points_json;

#[derive(Serialize)]
struct JsonGrade<'a> {
    submission: &'a str,
    score: Value,
    max_score: Value,
    criteria: Vec<JsonCriterion<'a>>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonCriterion<'a> {
    id: &'a str,
    title: &'a str,
    points: Value,
    max_points: Value,
    status: &'static str,
    feedback: String,
}

fn json_grade(grade: &Grade) -> JsonGrade<'_> {
    JsonGrade {
        submission: &grade.submission,
        score: points_json(grade.score),
        max_score: points_json(grade.max_score),
        criteria: grade
            .criteria
            .iter()
            .map(|c| JsonCriterion {
                id: &c.id,
                title: &c.title,
                points: points_json(c.points),
                max_points: points_json(c.max_points),
                status: c.status.as_str(),
                feedback: c.feedback(),
            })
            .collect(),
        notes: &grade.notes,
    }
}

pub fn render(grades: &[Grade], out: &mut dyn Write) -> io::Result<()> {
    // Structs, not `serde_json::Value`, so that keys keep the documented order.
    match grades {
        [one] => serde_json::to_writer_pretty(&mut *out, &json_grade(one))?,
        many => serde_json::to_writer_pretty(
            &mut *out,
            &many.iter().map(json_grade).collect::<Vec<_>>(),
        )?,
    }
    writeln!(out)
}
