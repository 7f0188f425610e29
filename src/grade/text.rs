//! Quoting text that came from a submission, so that a student's names and prose cannot
//! become Markdown, HTML or terminal escapes in anybody's feedback.

/// At most this many characters of a student's text are quoted.
const MAX_QUOTE: usize = 80;

/// Inline code (`` `x` ``): control characters dropped, long text cut, and a fence longer
/// than any run of backticks inside.
pub fn code(s: &str) -> String {
    let mut clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
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
    }
}
