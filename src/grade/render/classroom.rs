//! GitHub Classroom's autograding result: `{"version":1,"status","max_score","tests":[...]}`.
//! The grading reporter reads it base64-encoded from a step's `result` output and sums the
//! tests' scores, so each test carries its criterion's points (partial credit included).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use crate::grade::result::points_json;
use crate::grade::{Grade, Status};

#[derive(Serialize)]
struct Result<'a> {
    version: u32,
    status: &'static str,
    max_score: Value,
    tests: Vec<Test<'a>>,
}

#[derive(Serialize)]
struct Test<'a> {
    name: &'a str,
    status: &'static str,
    score: Value,
    message: String,
    test_code: String,
    filename: String,
    line_no: usize,
    duration: u32,
}

/// The result as one line of JSON.
pub fn json(grades: &[Grade]) -> String {
    let Some(g) = grades.first() else {
        return error_json("no submission was graded");
    };
    let spec = g.spec_path.clone().unwrap_or_default();
    let r = Result {
        version: 1,
        status: if g.full_marks() { "pass" } else { "fail" },
        max_score: points_json(g.max_score),
        tests: g
            .criteria
            .iter()
            .map(|c| Test {
                name: &c.title,
                status: if c.status == Status::Pass {
                    "pass"
                } else {
                    "fail"
                },
                score: points_json(c.points),
                message: c.feedback(),
                test_code: format!("sagac grade: {}", c.id),
                filename: spec.clone(),
                line_no: c.line.unwrap_or(0),
                duration: 0,
            })
            .collect(),
    };
    serde_json::to_string(&r).unwrap_or_else(|e| error_json(&e.to_string()))
}

/// The result when sagac itself fails.
pub fn error_json(reason: &str) -> String {
    serde_json::json!({
        "version": 1,
        "status": "error",
        "max_score": 0,
        "tests": [{
            "name": "sagac grade",
            "status": "error",
            "score": 0,
            "message": reason,
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
