//! Reading a student's prose: counting words, finding the topics a rationale weighs (a
//! [`Reading`] of it), and cutting `answers.md` into sections and Mermaid blocks. This is a
//! heuristic and the feedback says so: it can tell a one-line rationale from a considered
//! one, not judge it.

use regex::Regex;

use super::rubric::Topic;

/// Words: runs of characters separated by whitespace that hold a letter or a digit.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The names of the topics the text addresses, in the rubric's order.
pub fn topics_addressed<'a>(text: &str, topics: &'a [Topic]) -> Vec<&'a str> {
    topics
        .iter()
        .filter(|t| t.patterns.iter().any(|p| p.is_match(text)))
        .map(|t| t.name.as_str())
        .collect()
}

/// What a rationale was found to hold: its words and the topics it addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub words: usize,
    /// The names of the topics it addresses, in the rubric's order.
    pub topics: Vec<String>,
}

/// Reads a rationale: its words and the topics it addresses.
pub fn read(text: &str, topics: &[Topic]) -> Reading {
    Reading {
        words: word_count(text),
        topics: topics_addressed(text, topics)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    }
}

/// The text under the first Markdown heading that matches, up to the next heading of the
/// same or a higher level (code blocks skipped, so a `#` in a diagram is no heading).
pub fn section(markdown: &str, heading: &Regex) -> Option<(String, String)> {
    let mut found: Option<(usize, String)> = None;
    let mut body = String::new();
    let mut open: Option<(char, usize)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match (open, fence(trimmed)) {
            (Some((c, n)), Some((fc, fnum, info))) if fc == c && fnum >= n && info.is_empty() => {
                open = None;
            }
            (Some(_), _) => {}
            (None, Some((c, n, _))) => open = Some((c, n)),
            (None, None) => {}
        }
        if open.is_some() || fence(trimmed).is_some() {
            if found.is_some() {
                body.push_str(line);
                body.push('\n');
            }
            continue;
        }
        if let Some(level) = heading_level(trimmed) {
            let title = trimmed[level..].trim().trim_end_matches('#').trim();
            match &found {
                Some((l, _)) if level <= *l => break,
                Some(_) => {}
                None if heading.is_match(title) => {
                    found = Some((level, title.to_owned()));
                    continue;
                }
                None => {}
            }
        }
        if found.is_some() {
            body.push_str(line);
            body.push('\n');
        }
    }
    found.map(|(_, title)| (title, body.trim().to_owned()))
}

fn heading_level(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|&c| c == '#').count();
    (1..=6)
        .contains(&level)
        .then_some(level)
        .filter(|&l| line[l..].starts_with(' ') || line.len() == l)
}

/// A fence line: its character, its length and the info string after it.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let c = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let n = line.chars().take_while(|&x| x == c).count();
    (n >= 3).then(|| (c, n, line[n..].trim()))
}

/// The ```mermaid blocks of a Markdown file, each with the line its text starts on.
pub fn mermaid_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // The open fence (character, length), whether it is a Mermaid block, and its text.
    let mut open: Option<(char, usize, bool, usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            Some((c, n, mermaid, start, text)) => {
                if let Some((fc, fnum, info)) = fence(trimmed)
                    && fc == *c
                    && fnum >= *n
                    && info.is_empty()
                {
                    if *mermaid {
                        out.push((*start, std::mem::take(text)));
                    }
                    open = None;
                } else if *mermaid {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            None => {
                if let Some((c, n, info)) = fence(trimmed) {
                    let mermaid = info
                        .split_whitespace()
                        .next()
                        .is_some_and(|w| w.eq_ignore_ascii_case("mermaid"));
                    open = Some((c, n, mermaid, i + 2, String::new()));
                }
            }
        }
    }
    // An unclosed block runs to the end of the file, as Markdown reads it.
    if let Some((_, _, true, start, text)) = open {
        out.push((start, text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> Regex {
        regex::RegexBuilder::new(p)
            .case_insensitive(true)
            .build()
            .unwrap()
    }

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(word_count("One place - sees the flow, (mostly)."), 6);
        assert_eq!(word_count(""), 0);
    }

    #[test]
    fn finds_topics() {
        let topics = vec![
            Topic {
                name: "coupling".into(),
                patterns: vec![re(r"coupl")],
            },
            Topic {
                name: "scaling".into(),
                patterns: vec![re(r"scal"), re("independen")],
            },
        ];
        assert_eq!(
            topics_addressed("Loose COUPLING; services deploy independently", &topics),
            vec!["coupling", "scaling"]
        );
    }

    #[test]
    fn cuts_a_section_and_skips_code() {
        let md = "# Answers\n## Coordination\nWe chose orchestration.\n```\n# not a heading\n```\n### Detail\nmore\n## (a) Payment\nrefund\n";
        let (title, body) = section(md, &re("coordination")).unwrap();
        assert_eq!(title, "Coordination");
        assert!(body.contains("We chose orchestration.") && body.contains("more"));
        assert!(!body.contains("refund"));
        assert!(section(md, &re("nothing")).is_none());
    }

    #[test]
    fn finds_mermaid_blocks() {
        let md = "text\n```mermaid\nsequenceDiagram\nA->>B: hi\n```\n````Mermaid\nx\n```\ny\n````\n```yaml\nno\n```\n";
        let blocks = mermaid_blocks(md);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0], (3, "sequenceDiagram\nA->>B: hi\n".to_owned()));
        assert_eq!(blocks[1], (7, "x\n```\ny\n".to_owned()));
    }
}
