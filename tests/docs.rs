//! `docs/rules.md` lists every rule as `sagac explain` knows it. Run with
//! `SAGAC_UPDATE_DOCS=1` to rewrite it after adding or changing a rule.

const HEADER: &str = "# Rules

Every diagnostic sagac reports comes from one of these rules. A rule's code never changes and
is never reused. `sagac explain CODE` prints its documentation: what it checks, why a saga
breaks without it, a bad example and the fix. Each rule lives in its own file under
`src/rules/<category>/`, and its fixture is `fixtures/rules/<CODE>-*.yaml` (for the diagram
rules, a folder `fixtures/mermaid/<CODE>-*/` with the diagram and the spec it is compared with).

Errors make `sagac check` exit 1. Warnings alone exit 0 unless `--deny warnings` is given.
The simulation rules (V7xx) come from `sagac check` simulating every single fault (turn it
off with `--no-simulate`); `sagac simulate` shows the whole table. The diagram rules (M9xx)
come from `sagac check` on Markdown and Mermaid files (`answers.md`, `*.mmd`), compared with
the spec checked beside them (`docs/diagrams.md`).

This file is generated from the rules themselves (`SAGAC_UPDATE_DOCS=1 cargo test --test docs`).
";

fn table() -> String {
    let mut out = String::from(HEADER);
    let mut category = "";
    for rule in sagac::rules::all() {
        if rule.category() != category {
            category = rule.category();
            out.push_str(&format!(
                "\n## {}\n\n| code | name | severity | what it reports |\n|---|---|---|---|\n",
                capitalize(category)
            ));
        }
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary.replace('|', "\\|")
        ));
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[test]
fn rules_md_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let expected = table();
    if std::env::var_os("SAGAC_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is out of date: run SAGAC_UPDATE_DOCS=1 cargo test --test docs"
    );
}
