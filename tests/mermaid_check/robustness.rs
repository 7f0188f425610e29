//! No text makes checking a diagram panic, and every diagnostic's span is inside its file,
//! on a character boundary: for Markdown and `.mmd` files, compared with a spec or alone.

use super::*;
use sagac::source::SourceFile;

/// Text that looks enough like Markdown and Mermaid to reach every part of the reader
/// and of the comparison with the spec (names of the spec, failure and retry words).
const TEXT: &str = "(```mermaid\n|```\n|sequenceDiagram\n|participant |actor |as |Note over |alt |else |end\n|opt |par |and |loop |O->>I: |P-->>O: |I--xO: |O->>O: |ReserveInventory|ReleaseInventory|CardDeclined|ChargeCard|CancelOrder|failed|retrying|gave up|payment|Orchestrator|é|#59;|%%|;|:|,|\n| ){0,80}";

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    #[test]
    fn any_text_checks_without_a_panic_and_with_spans_in_the_file(text in TEXT) {
        let spec_path = Path::new("fixtures/mermaid/clean-orchestration/saga.yaml");
        let spec = check::check_loaded(load::read(spec_path).unwrap());
        for name in ["answers.md", "flow.mmd"] {
            let source = SourceFile::new(name, text.clone());
            for specs in [vec![&spec], vec![]] {
                let checked = check::check_diagrams(
                    load::Loaded::Text(source.clone()),
                    &specs,
                    &check::Options::default(),
                );
                for d in &checked.diagnostics {
                    proptest::prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
                    proptest::prop_assert!(text.is_char_boundary(d.span.start));
                    proptest::prop_assert!(text.is_char_boundary(d.span.end));
                }
            }
        }
    }
}
