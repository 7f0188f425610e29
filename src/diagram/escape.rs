//! Text that survives Mermaid's parser (see `shared/design/mermaid-notes.md`, measured with
//! Mermaid 11): `;` ends a statement, `#` starts a comment, `%%` a directive; a newline cannot
//! appear in text. Each is written as an entity code that Mermaid decodes when drawing.

/// Text after `:` in a sequence diagram message or note, a participant label, or a block
/// label (`alt`, `else`, `par`, ...).
pub fn sequence_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ';' => out.push_str("#59;"),
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            '\n' => out.push_str("<br/>"),
            '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    // A leading `wrap:` or `nowrap:` would be taken as an option.
    for option in ["wrap:", "nowrap:"] {
        if out.to_ascii_lowercase().starts_with(option) {
            let cut = option.len() - 1;
            out.replace_range(cut..cut + 1, "#58;");
        }
    }
    out
}

/// A quoted flowchart label: `A["..."]`.
pub fn flowchart_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            ';' => out.push_str("#59;"),
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            '\n' => out.push_str("<br/>"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A transition label in a state diagram.
pub fn state_label(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            ';' => "#59;".to_owned(),
            '#' => "#35;".to_owned(),
            '%' => "#37;".to_owned(),
            ':' => "#58;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// A state's display name: `state "Label" as id`.
pub fn state_name(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '"' => "'".to_owned(),
            ';' => "#59;".to_owned(),
            '#' => "#35;".to_owned(),
            '%' => "#37;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_text_keeps_what_mermaid_would_eat() {
        assert_eq!(
            sequence_text("Ship #42; 50% off"),
            "Ship #35;42#59; 50#37; off"
        );
        assert_eq!(sequence_text("a\nb"), "a<br/>b");
        assert_eq!(sequence_text("wrap: x"), "wrap#58; x");
        assert_eq!(
            sequence_text("ReserveInventory (compensate)"),
            "ReserveInventory (compensate)"
        );
    }

    #[test]
    fn flowchart_labels_are_quoted() {
        assert_eq!(
            flowchart_label("a \"b\" <c>"),
            "\"a #quot;b#quot; #lt;c#gt;\""
        );
    }
}
