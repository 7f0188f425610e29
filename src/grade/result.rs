//! A submission's grade: what every renderer reads.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Part of the points.
    Partial,
    /// Left to a human grader.
    Review,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Partial => "partial",
            Status::Review => "review",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    pub id: String,
    pub title: String,
    pub points: f64,
    pub max_points: f64,
    pub status: Status,
    /// The rubric's pass or fail text.
    pub summary: String,
    /// What sagac found, one finding per entry (the "why").
    pub details: Vec<String>,
    /// What to read, when the criterion is not fully met.
    pub read: Option<String>,
    /// Where in the spec the finding is, when there is one place (1-based line).
    pub line: Option<usize>,
}

impl CriterionResult {
    /// The summary, then each finding on its own line: the JSON `feedback`.
    pub fn feedback(&self) -> String {
        let mut text = self.summary.clone();
        for d in &self.details {
            text.push('\n');
            text.push_str(d);
        }
        if let Some(read) = &self.read {
            text.push_str("\nRead: ");
            text.push_str(read);
        }
        text
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    /// The submission as given on the command line.
    pub submission: String,
    /// The spec file read, relative to the submission.
    pub spec: Option<String>,
    /// The spec file as seen from where sagac runs (`alice/saga.yaml`), for CI annotations.
    pub spec_path: Option<String>,
    pub score: f64,
    pub max_score: f64,
    pub criteria: Vec<CriterionResult>,
    /// What could not be read, and other notes about the submission as a whole.
    pub notes: Vec<String>,
}

impl Grade {
    pub fn full_marks(&self) -> bool {
        self.score >= self.max_score
    }

    /// A grade of 0 on every criterion, for a submission sagac could not grade at all.
    pub fn failed(submission: &str, rubric: &super::rubric::Rubric, reason: &str) -> Grade {
        Grade {
            submission: submission.to_owned(),
            spec: None,
            spec_path: None,
            score: 0.0,
            max_score: rubric.max_score(),
            criteria: rubric
                .def
                .criteria
                .iter()
                .map(|c| CriterionResult {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    points: 0.0,
                    max_points: c.points,
                    status: Status::Fail,
                    summary: format!("Not graded: {reason}"),
                    details: Vec::new(),
                    read: None,
                    line: None,
                })
                .collect(),
            notes: vec![reason.to_owned()],
        }
    }
}

/// Points as people write them: `2`, `1.5`.
pub fn points(p: f64) -> String {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        format!("{}", p as i64)
    } else {
        let s = format!("{p:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Points as a JSON number: an integer when whole, so `2` and not `2.0`.
pub fn points_json(p: f64) -> serde_json::Value {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        serde_json::Value::from(p as i64)
    } else {
        serde_json::Number::from_f64((p * 100.0).round() / 100.0)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::from(0))
    }
}
