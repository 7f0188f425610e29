//! "Did you mean": the name closest to one that matched nothing, when it is close enough to
//! be a likely typo. The YAML reader's unknown keys, undeclared participants and misspelt
//! events all use it, so they suggest alike.

/// The candidate closest to `name`, if one is close enough to be a likely typo.
///
/// A bare `on` suggests `consumes`: it is what other saga and workflow languages call the
/// key, and YAML 1.1 readers turn it into `true`.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if name == "on" {
        return candidates.into_iter().find(|k| *k == "consumes");
    }
    candidates
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), k))
        .filter(|(distance, k)| *distance <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_the_closest_name() {
        let keys = ["compensation", "consumes", "kind"];
        assert_eq!(did_you_mean("compensaton", keys), Some("compensation"));
        assert_eq!(did_you_mean("on", keys), Some("consumes"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
