//! GitHub Classroom's autograding result: `{"version":1,"status","max_score","tests":[...]}`.
//! The grading reporter reads it base64-encoded from a step's `result` output and sums the
//! tests' scores, so each test carries its criterion's points (partial credit included).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use crate::grade::result::CriterionResult;
use crate::grade::result::points_json;
use crate::grade::{Grade, Status};

#[derive(Serialize)]
struct Result {
    version: u32,
    status: &'static str,
    max_score: Value,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    status: &'static str,
    score: Value,
    message: String,
    test_code: String,
    filename: String,
    line_no: usize,
    duration: u32,
}

/// The result as one line of JSON.
///
/// The grading reporter's table scores a runner as (tests passed / tests) × `max_score`,
/// while Classroom receives the sum of the tests' scores: the two agree only when every
/// test is worth the same. So each criterion becomes as many tests as it has points in a
/// common unit ([`unit`]), as many of them passed as it scored: 2.5 of 4 points in halves
/// is 8 tests, 5 passed, and both totals read 2.5.
pub fn json(grades: &[Grade]) -> String {
    let Some(g) = grades.first() else {
        return error_json("no submission was graded", 0.0);
    };
    let spec = g.spec_path.clone().unwrap_or_default();
    let r = Result {
        version: 1,
        status: if g.full_marks() { "pass" } else { "fail" },
        max_score: points_json(g.max_score),
        tests: tests(g, &spec),
    };
    serde_json::to_string(&r).unwrap_or_else(|e| error_json(&e.to_string(), g.max_score))
}

/// The most tests one result is split into; past it each criterion is one test and the
/// reporter's table may round partial credit differently from Classroom's total.
const MAX_TESTS: f64 = 1000.0;

/// The largest unit in which every criterion's points and score are whole numbers, with at
/// most [`MAX_TESTS`] units in all.
fn unit(g: &Grade) -> Option<f64> {
    let whole = |x: f64| (x - x.round()).abs() < 1e-9;
    [1.0, 0.5, 0.25, 0.1, 0.05, 0.01].into_iter().find(|u| {
        g.max_score / u <= MAX_TESTS
            && g.criteria
                .iter()
                .all(|c| whole(c.max_points / u) && whole(c.points / u))
    })
}

fn tests(g: &Grade, spec: &str) -> Vec<Test> {
    let test = |c: &CriterionResult, name: String, pass: bool, score: f64, message: String| Test {
        name,
        status: if pass { "pass" } else { "fail" },
        score: points_json(score),
        message,
        test_code: format!("sagac grade: {}", c.id),
        filename: spec.to_owned(),
        line_no: c.line.unwrap_or(0),
        duration: 0,
    };
    let Some(unit) = unit(g) else {
        return g
            .criteria
            .iter()
            .map(|c| {
                let pass = c.status == Status::Pass;
                test(c, c.title.clone(), pass, c.points, c.feedback())
            })
            .collect();
    };
    let mut tests = Vec::new();
    for c in &g.criteria {
        // Whole numbers by `unit`'s choice; a criterion worth 0 points has no test, since
        // any test it had would weigh in the reporter's table.
        let parts = (c.max_points / unit).round() as usize;
        let passed = (c.points / unit).round() as usize;
        for part in 0..parts {
            let (name, message) = if parts == 1 {
                (c.title.clone(), c.feedback())
            } else if part == 0 {
                (format!("{} (1 of {parts})", c.title), c.feedback())
            } else {
                let name = format!("{} ({} of {parts})", c.title, part + 1);
                (name, format!("see {} (1 of {parts})", c.title))
            };
            let pass = part < passed;
            tests.push(test(c, name, pass, if pass { unit } else { 0.0 }, message));
        }
    }
    tests
}

/// The result when sagac itself fails: 0 of `max_score` (the rubric's total when it could be
/// read; with 0 the reporter sends Classroom no points at all).
pub fn error_json(reason: &str, max_score: f64) -> String {
    serde_json::json!({
        "version": 1,
        "status": "error",
        "max_score": points_json(max_score),
        "tests": [{
            "name": "sagac grade",
            "status": "error",
            "score": 0,
            "message": format!("The autograder could not grade this submission: {reason}. Your score is 0 until your instructor looks at it."),
            "test_code": "sagac grade",
            "filename": "",
            "line_no": 0,
            "duration": 0,
        }],
    })
    .to_string()
}

pub fn render(grades: &[Grade], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", json(grades))
}

/// Standard base64 with padding (what the reporter's `Buffer.from(x, "base64")` reads).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_base64() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }
}
