use crate::diagnostic::Diagnostic;
use crate::model::names::Form;
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// A name not written in its form: saga, participant, step id and data field names are
    /// snake_case (`[a-z][a-z0-9_]*`); actions are PascalCase (`[A-Z][A-Za-z0-9]*`); events
    /// are lowercase words joined by dots, at least two (`payment.failed`).
    ///
    /// ## Why it matters
    /// sagac turns these names into Rust identifiers (`codegen`) and Mermaid participant ids
    /// (`diagram`); a name with a space, a dash or a capital would need escaping and could
    /// collide with another. One form per kind of name also keeps specs readable.
    ///
    /// ## Example
    /// ```yaml
    /// - id: Reserve-Inventory
    ///   participant: inventory
    ///   action: reserve inventory
    ///   emits: { success: InventoryReserved }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    ///   emits: { success: inventory.reserved }
    /// ```
    pub static RULE = ("S006", "bad-name", Error, "A name not written in the form its kind requires");
}

/// `name` is not in `form`, which names of its `kind` ("step id") take; the help rewrites
/// it in that form when it can.
pub fn bad_name(name: &Spanned<String>, form: Form, kind: &str) -> Diagnostic {
    let help = match form.suggest(&name.value) {
        Some(s) => format!(
            "write it as `{s}`: {} {kind} is {}",
            article(kind),
            form.describe()
        ),
        None => format!(
            "{} {kind} is {}",
            capitalize(article(kind)),
            form.describe()
        ),
    };
    Diagnostic::new(
        &RULE,
        name.span,
        format!("`{}` is not a valid {kind}", name.value),
    )
    .label(format!("not a valid {kind}"))
    .help(help)
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn capitalize(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}
