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

/// The allowed key closest to `key`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(key: &str, allowed: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if key == "on" {
        return allowed.into_iter().find(|k| *k == "consumes");
    }
    allowed
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_the_closest_key() {
        let keys = ["compensation", "consumes", "kind"];
        assert_eq!(did_you_mean("compensaton", keys), Some("compensation"));
        assert_eq!(did_you_mean("on", keys), Some("consumes"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
