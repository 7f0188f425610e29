//! Quoting text that came from a submission, so that a student's names and prose cannot
//! become Markdown, HTML or terminal escapes in anybody's feedback. A criterion's findings
//! are Markdown in which submission text appears only through these functions: names as
//! inline code ([`code`]), and sentences that quote names (a diagnostic's message, a
//! simulated action, a diagram's parse error) through [`prose`], which keeps their code
//! spans and quotes as code whatever else Markdown would read. The plain-text formats show
//! the same text (code spans read well as plain text), each escaped for its format.

/// At most this many characters of a student's text are quoted.
const MAX_QUOTE: usize = 80;

/// At most this many characters of one line of [`prose`].
const MAX_PROSE_LINE: usize = 2_000;

/// A character no output should carry from a submission: control characters (a line
/// break in a name would end an annotation or a table row; an escape would recolour a
/// terminal) and the invisible ones that reorder or hide text (bidirectional overrides,
/// zero-width characters).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The text with every [`is_hidden`] character made a space: what a terminal may print.
pub fn plain(s: &str) -> String {
    s.chars()
        .map(|c| if is_hidden(c) { ' ' } else { c })
        .collect()
}

/// Inline code (`` `x` ``): hidden characters made spaces, long text cut, and a fence
/// longer than any run of backticks inside.
pub fn code(s: &str) -> String {
    let mut clean: String = s
        .chars()
        .map(|c| if is_hidden(c) { ' ' } else { c })
        .take(MAX_QUOTE)
        .collect();
    if s.chars().count() > MAX_QUOTE {
        clean.push('…');
    }
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || clean.starts_with(' ') || clean.ends_with(' ') {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// Plain text that may quote a submission (a diagnostic's message or help, a simulated
/// action, a parse error), as Markdown that shows it as written: its code spans stay code
/// spans, and a stretch between them that Markdown or HTML could read as anything but
/// words (a link, an image, a tag, an entity, emphasis, a table cell, a bare URL, a list
/// or heading at the start of a line) is quoted as inline code too. Line breaks are kept
/// (a help text may show a two-line example); other hidden characters become spaces.
pub fn prose(s: &str) -> String {
    s.lines()
        .map(|line| {
            let line: String = plain(line).chars().take(MAX_PROSE_LINE).collect();
            prose_line(&line)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line of [`prose`]: its indentation, then code spans and words.
fn prose_line(line: &str) -> String {
    let body = line.trim_start_matches(' ');
    let mut out = line[..line.len() - body.len()].to_owned();
    for (k, (is_code, segment)) in code_spans(body).into_iter().enumerate() {
        if !is_code && words_only(segment, k == 0) {
            out.push_str(segment);
            continue;
        }
        // The spaces around a quoted stretch stay outside its span, as they were.
        let inner = if is_code { segment } else { segment.trim() };
        let (before, after) = if is_code || inner.is_empty() {
            ("", "")
        } else {
            let at = segment.find(inner).unwrap_or(0);
            (&segment[..at], &segment[at + inner.len()..])
        };
        out.push_str(before);
        // Two spans side by side would make one run of backticks of their fences.
        if out.ends_with('`') {
            out.push(' ');
        }
        out.push_str(&code(inner));
        out.push_str(after);
    }
    out
}

/// The line cut into code spans and the text between them, as CommonMark reads them: a
/// run of backticks opens a span that the next run of the same length closes; a run that
/// nothing closes is text.
fn code_spans(line: &str) -> Vec<(bool, &str)> {
    let mut parts = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let bytes = line.as_bytes();
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let content = i + run;
        let close = find_run(&bytes[content..], run).map(|at| content + at);
        match close {
            Some(end) => {
                if text_start < i {
                    parts.push((false, &line[text_start..i]));
                }
                parts.push((true, &line[content..end]));
                i = end + run;
                text_start = i;
            }
            None => i = content,
        }
    }
    if text_start < line.len() {
        parts.push((false, &line[text_start..]));
    }
    parts
}

/// Where a run of exactly `run` backticks starts in `bytes`.
fn find_run(bytes: &[u8], run: usize) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// Whether Markdown reads the text as words and nothing else: letters, digits, spaces and
/// the punctuation of sentences, no bare URL or address (which GitHub turns into links),
/// an underscore only inside a word, and, at the start of a line, nothing that starts a
/// list, a heading or a quote.
fn words_only(text: &str, line_start: bool) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains("://") || lower.contains("www.") {
        return false;
    }
    if line_start && text.starts_with(['-', '+', '=', '*', '#', '>']) {
        return false;
    }
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| match c {
        '_' => {
            i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
        }
        // `>` starts a quote only at the start of a line; a tag needs `<`.
        c if c.is_ascii_punctuation() => ".,;:'\"()?!/-+=%{}>".contains(c),
        _ => true,
    })
}

/// The first line, as [`plain`] text: what a single-line place (a CSV cell's neighbour,
/// a log line) may show of a name.
pub fn one_line(s: &str) -> String {
    plain(s.lines().next().unwrap_or_default())
}

/// The text with its first letter in upper case, to start a sentence.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `1 word`, `3 words`.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_safely() {
        assert_eq!(code("saga.yaml"), "`saga.yaml`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("x\u{1b}[31m"), "`x [31m`");
        assert_eq!(code(&"y".repeat(100)).chars().count(), 83);
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        assert_eq!(code("a\u{202E}b"), "`a b`");
    }

    #[test]
    fn prose_keeps_code_spans_and_quotes_the_rest() {
        let plain = "step `reserve_inventory` has no compensation (help: add `compensation: X`)";
        assert_eq!(prose(plain), plain);
        assert_eq!(
            prose("`Deduct` ![x](http://evil.example/x.png) `Stock` is not a valid action"),
            "`Deduct` `![x](http://evil.example/x.png)` `Stock` is not a valid action"
        );
        assert_eq!(prose("a <img src=x> b"), "`a <img src=x> b`");
        assert_eq!(prose("`a`b!`c`"), "`a`b!`c`");
        assert_eq!(prose("`a`b<`c`"), "`a` `b<` `c`");
        assert_eq!(prose("`x`` y`z [a](b)"), "``` x`` y ``` `z [a](b)`");
        assert_eq!(prose("see www.evil.example"), "`see www.evil.example`");
        assert_eq!(prose("mail a@b.example"), "`mail a@b.example`");
        assert_eq!(prose("x | y"), "`x | y`");
        assert_eq!(prose("_em_ and snake_case"), "`_em_ and snake_case`");
        assert_eq!(prose("snake_case word"), "snake_case word");
        assert_eq!(prose("shape:\n  - item"), "shape:\n  `- item`");
        assert_eq!(prose("  1. CreateOrder runs"), "  1. CreateOrder runs");
        // An unclosed fence is text, quoted.
        assert_eq!(
            prose("add a ```mermaid block"),
            "```` add a ```mermaid block ````"
        );
        assert_eq!(prose("x\u{1b}[31m"), "`x [31m`");
    }
}
