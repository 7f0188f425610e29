use super::list;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it checks
    /// A key the spec language does not have at that place, such as a misspelt
    /// `compensaton:` or a `on:` where the language says `consumes:`. The message names the
    /// closest key that is allowed there.
    ///
    /// ## Why it matters
    /// A misspelt key is silently ignored by most YAML tools, so a saga that looks like it
    /// has a compensation would run without one. sagac rejects every unknown key.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    ///   compensaton: ReleaseInventory
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    ///   compensation: ReleaseInventory
    /// ```
    pub static RULE = ("S002", "unknown-key", Error, "A key the spec language does not have");
}

/// `key` is not one of the keys `allowed` at that place.
pub fn unknown_key(span: Span, key: &str, allowed: &[&str]) -> Diagnostic {
    let d = Diagnostic::new(&RULE, span, format!("unknown key `{key}`")).label("not a key here");
    match did_you_mean(key, allowed.iter().copied()) {
        Some(k) if key == "on" => d.replacement(k).help(format!(
            "did you mean `{k}`? The language says `consumes:` because YAML 1.1 readers turn a bare `on` into `true`"
        )),
        Some(k) => d.replacement(k).help(format!("did you mean `{k}`?")),
        None => d.help(format!("the keys allowed here are: {}", list(allowed))),
    }
}
