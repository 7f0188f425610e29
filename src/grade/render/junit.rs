//! JUnit XML: a test suite per submission, a test case per criterion; a criterion not met
//! is a failure, one left to a human is skipped. JUnit has no score, so the suite's name
//! carries it.

use std::io::{self, Write};

use crate::grade::result::points;
use crate::grade::{Grade, Status};
use crate::report::junit::{escape, escape_text};

pub fn render(grades: &[Grade], out: &mut dyn Write) -> io::Result<()> {
    let count = |g: &Grade, s: Status| g.criteria.iter().filter(|c| c.status == s).count();
    let tests: usize = grades.iter().map(|g| g.criteria.len()).sum();
    let failures: usize = grades
        .iter()
        .map(|g| count(g, Status::Fail) + count(g, Status::Partial))
        .sum();
    let skipped: usize = grades.iter().map(|g| count(g, Status::Review)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sagac grade" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}" time="0">"#
    )?;
    for g in grades {
        let suite = escape(&g.submission);
        let file = g
            .spec_path
            .clone()
            .map(|f| format!(r#" file="{}""#, escape(&f)))
            .unwrap_or_default();
        writeln!(
            out,
            r#"  <testsuite name="{suite} ({}/{})" tests="{}" failures="{}" errors="0" skipped="{}" time="0">"#,
            points(g.score),
            points(g.max_score),
            g.criteria.len(),
            count(g, Status::Fail) + count(g, Status::Partial),
            count(g, Status::Review)
        )?;
        for c in &g.criteria {
            let line = c
                .line
                .filter(|_| !file.is_empty())
                .map(|l| format!(r#" line="{l}""#))
                .unwrap_or_default();
            let name = escape(&format!(
                "{}: {} ({}/{})",
                c.id,
                c.title,
                points(c.points),
                points(c.max_points)
            ));
            let open =
                format!(r#"    <testcase classname="{suite}" name="{name}"{file}{line} time="0""#);
            match c.status {
                Status::Pass => writeln!(out, "{open}/>")?,
                Status::Fail | Status::Partial => {
                    writeln!(out, "{open}>")?;
                    writeln!(
                        out,
                        r#"      <failure message="{}" type="{}">{}</failure>"#,
                        escape(&c.summary),
                        c.status.as_str(),
                        escape_text(&c.feedback())
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
                Status::Review => {
                    writeln!(out, "{open}>")?;
                    writeln!(
                        out,
                        r#"      <skipped message="{}"/>"#,
                        escape(&c.feedback())
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
