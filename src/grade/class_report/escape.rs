//! Text into the page. In HTML every text is escaped, whoever wrote it (a submission's
//! name, a diagnostic's message quoting a student's action, the rubric's title); in
//! Markdown a submission's text is quoted as inline code with `grade::text`.

use crate::grade::text;

/// Text as HTML element content or a quoted attribute value: `&`, `<`, `>`, `"` and `'`
/// as references, control characters (a terminal escape in a folder's name) as spaces.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text that marks code with backticks (sagac's messages, which quote a student's names;
/// the rubric's titles), escaped, with each pair of backticks as `<code>`. The markup is
/// added after escaping, so none can come from the text.
pub fn html_with_code(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    // An odd number of backticks: the last one has no partner and stays as it is.
    let paired = if parts.len().is_multiple_of(2) {
        parts.len() - 1
    } else {
        parts.len()
    };
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i >= paired {
            out.push('`');
            out.push_str(&html(part));
        } else if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&html(part));
            out.push_str("</code>");
        } else {
            out.push_str(&html(part));
        }
    }
    out
}

/// A submission's text in a Markdown table cell: inline code (which Markdown never reads
/// as markup), with the `|` that would end the cell escaped, as GitHub's tables require
/// even inside code.
pub fn md_code_cell(s: &str) -> String {
    text::code(s).replace('|', "\\|")
}

/// Text sagac or the rubric wrote, in a Markdown table cell: one line, `|` escaped.
pub fn md_cell(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_cannot_become_markup() {
        assert_eq!(
            html(r#"<img src=x onerror="alert('1')">&"#),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(html("a\u{1b}[31mb"), "a [31mb");
    }

    #[test]
    fn backticks_become_code_after_escaping() {
        assert_eq!(
            html_with_code("step `<b>` has `x"),
            "step <code>&lt;b&gt;</code> has `x"
        );
        assert_eq!(html_with_code("a ``"), "a <code></code>");
        assert_eq!(html_with_code("`<script>`"), "<code>&lt;script&gt;</code>");
    }

    #[test]
    fn markdown_cells_hold_one_cell() {
        assert_eq!(md_code_cell("a|b"), "`a\\|b`");
        assert_eq!(
            md_code_cell("![x](http://e/x.png)"),
            "`![x](http://e/x.png)`"
        );
        assert_eq!(md_cell("x | y\nz"), "x \\| y z");
    }
}
