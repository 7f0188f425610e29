//! The numbers of a class report: the score distribution, each criterion's rates, and the
//! rules and invariants most often broken. Every list has a fixed order (ties broken by
//! code or name), so the same grades give the same page.

use std::collections::BTreeMap;

use super::facts::Facts;
use crate::diagnostic::Severity;
use crate::grade::{Grade, Rubric, Status};
use crate::scenario::Invariant;

/// The scores of the class.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub bins: Vec<Bin>,
    pub count: usize,
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub max_score: f64,
    pub full_marks: usize,
}

/// One bar of the histogram: the scores from `low` up to `high` (excluded; the last bar
/// includes the maximum).
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub count: usize,
    pub last: bool,
}

impl Bin {
    /// `7` for a one-point bar, `20–29.5`-like ranges otherwise.
    pub fn label(&self) -> String {
        use crate::grade::result::points;
        if self.high - self.low <= 1.0 {
            points(self.low)
        } else {
            format!("{}–{}", points(self.low), points(self.high))
        }
    }
}

/// Bars of one point up to 20 points; above, ten bars of a whole number of points each.
pub fn distribution(grades: &[Grade], max_score: f64) -> Distribution {
    let width = if max_score <= 20.0 {
        1.0
    } else {
        (max_score / 10.0).ceil()
    };
    let n = ((max_score / width).floor() as usize + 1).clamp(1, 101);
    let mut bins: Vec<Bin> = (0..n)
        .map(|i| Bin {
            low: i as f64 * width,
            high: ((i + 1) as f64 * width).min(max_score.max(width)),
            count: 0,
            last: i + 1 == n,
        })
        .collect();
    let mut scores: Vec<f64> = grades.iter().map(|g| g.score).collect();
    for &s in &scores {
        let i = ((s.max(0.0) / width).floor() as usize).min(n - 1);
        bins[i].count += 1;
    }
    scores.sort_by(f64::total_cmp);
    let count = scores.len();
    let median = match count {
        0 => 0.0,
        n if n % 2 == 1 => scores[n / 2],
        n => (scores[n / 2 - 1] + scores[n / 2]) / 2.0,
    };
    Distribution {
        bins,
        count,
        mean: if count == 0 {
            0.0
        } else {
            scores.iter().sum::<f64>() / count as f64
        },
        median,
        min: scores.first().copied().unwrap_or(0.0),
        max: scores.last().copied().unwrap_or(0.0),
        max_score,
        full_marks: grades.iter().filter(|g| g.full_marks()).count(),
    }
}

/// How one criterion went across the class.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub id: String,
    pub title: String,
    pub points: f64,
    pub pass: usize,
    pub partial: usize,
    pub fail: usize,
    pub review: usize,
}

impl Rate {
    pub fn total(&self) -> usize {
        self.pass + self.partial + self.fail + self.review
    }
}

/// Each criterion of the rubric, in its order.
pub fn rates(rubric: &Rubric, grades: &[Grade]) -> Vec<Rate> {
    rubric
        .def
        .criteria
        .iter()
        .map(|c| {
            let mut rate = Rate {
                id: c.id.clone(),
                title: c.title.clone(),
                points: c.points,
                pass: 0,
                partial: 0,
                fail: 0,
                review: 0,
            };
            let results = grades.iter().flat_map(|g| &g.criteria);
            for r in results.filter(|r| r.id == c.id) {
                match r.status {
                    Status::Pass => rate.pass += 1,
                    Status::Partial => rate.partial += 1,
                    Status::Fail => rate.fail += 1,
                    Status::Review => rate.review += 1,
                }
            }
            rate
        })
        .collect()
}

/// A rule (or an invariant) and the submissions it was reported in.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The rule code (`C201`).
    pub code: &'static str,
    /// The rule's name, or the invariant's (`atomicity`).
    pub name: &'static str,
    pub severity: Severity,
    /// The rule's one-line summary.
    pub summary: &'static str,
    /// In how many submissions.
    pub submissions: usize,
    /// How many times in all.
    pub occurrences: usize,
    /// The first submission by name that has it, and its message there.
    pub example: String,
    pub message: String,
}

/// Every rule reported in some submission, the most frequent first (then by code).
pub fn diagnostics(grades: &[Grade], facts: &[Facts]) -> Vec<Tally> {
    tally(grades, facts, |_| true, |f| f.rule.name)
}

/// The invariants the simulator found broken (the V7xx rules), the most frequent first.
pub fn invariants(grades: &[Grade], facts: &[Facts]) -> Vec<Tally> {
    tally(
        grades,
        facts,
        |f| invariant(f.rule.name).is_some(),
        |f| invariant(f.rule.name).map_or(f.rule.name, Invariant::as_str),
    )
}

/// The invariant a V7xx rule reports: the rule is named after it (`no-lost-event`).
fn invariant(rule_name: &str) -> Option<Invariant> {
    Invariant::ALL
        .into_iter()
        .find(|i| i.as_str().replace('_', "-") == rule_name)
}

fn tally(
    grades: &[Grade],
    facts: &[Facts],
    keep: impl Fn(&super::facts::Finding) -> bool,
    name: impl Fn(&super::facts::Finding) -> &'static str,
) -> Vec<Tally> {
    let mut by_code: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for (grade, f) in grades.iter().zip(facts) {
        for finding in f.findings.iter().filter(|f| keep(f)) {
            let rule = finding.rule;
            let t = by_code.entry(rule.code).or_insert_with(|| Tally {
                code: rule.code,
                name: name(finding),
                severity: rule.severity,
                summary: rule.summary,
                submissions: 0,
                occurrences: 0,
                example: grade.submission.clone(),
                message: finding.message.clone(),
            });
            t.submissions += 1;
            t.occurrences += finding.occurrences;
            if grade.submission < t.example {
                t.example = grade.submission.clone();
                t.message = finding.message.clone();
            }
        }
    }
    let mut list: Vec<Tally> = by_code.into_values().collect();
    list.sort_by(|a, b| b.submissions.cmp(&a.submissions).then(a.code.cmp(b.code)));
    list
}
