//! The batch summary (`--summary grades.csv`): one row per submission, its score, then
//! the points of each criterion in the rubric's order.

use std::io::{self, Write};

use crate::grade::result::points;
use crate::grade::{Grade, Rubric};

pub fn render(rubric: &Rubric, grades: &[Grade], out: &mut dyn Write) -> io::Result<()> {
    let mut header = vec![
        "submission".to_owned(),
        "score".to_owned(),
        "max_score".to_owned(),
    ];
    header.extend(rubric.def.criteria.iter().map(|c| c.id.clone()));
    writeln!(out, "{}", row(&header))?;
    for g in grades {
        let mut cells = vec![g.submission.clone(), points(g.score), points(g.max_score)];
        cells.extend(g.criteria.iter().map(|c| points(c.points)));
        writeln!(out, "{}", row(&cells))?;
    }
    Ok(())
}

fn row(cells: &[String]) -> String {
    cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",")
}

/// RFC 4180 quoting; a leading `=`, `+`, `-`, `@`, tab or carriage return is prefixed
/// with `'` so a spreadsheet does not run a folder name as a formula (OWASP's advice).
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_fields() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("\t=1+1"), "'\t=1+1");
        assert_eq!(field("\r=1"), "\"'\r=1\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-1.5"), "-1.5");
        assert_eq!(field("plain"), "plain");
    }
}
