//! Every diagram parses with Mermaid's own parser (`../shared/tools/mermaid-check`), and
//! Mermaid reads back exactly the participants and message texts the renderer meant.

use super::*;

use super::support_mermaid::{meant, mermaid_check, read_back};

/// A diagram to check: its text and, for a sequence diagram, what it meant to draw.
struct Case {
    name: String,
    text: String,
    meant: Option<Diagram>,
    /// The diagram type Mermaid must report.
    kind: &'static str,
}

fn sequence_case(name: String, d: Diagram) -> Case {
    Case {
        name,
        text: d.text.clone(),
        meant: Some(d),
        kind: "sequence",
    }
}

/// Every diagram of a spec: the combined one, one per scenario `simulate` runs, the
/// flowchart, and the state machine of an orchestration.
fn cases_of(path: &Path, saga: &Saga) -> Vec<Case> {
    let stem = path.display().to_string();
    let mut cases = vec![sequence_case(
        format!("{stem} --path all"),
        diagram::combined(saga),
    )];
    for s in diagram::every_scenario(saga) {
        cases.push(sequence_case(
            format!("{stem} --path {}", s.name),
            sequence::scenario(saga, &s),
        ));
        // `simulate --diagram`: each counterexample, with a note where it broke.
        for v in &s.violations {
            let note = format!("{} broken: {}", v.invariant.as_str(), v.message);
            let d = sequence::trace(saga, &v.trace, Some(&note));
            assert_eq!(d.text, simulate::counterexample_diagram(saga, v));
            cases.push(sequence_case(
                format!(
                    "{stem}: simulate --diagram, {} in {}",
                    v.invariant.as_str(),
                    s.name
                ),
                d,
            ));
        }
    }
    cases.push(Case {
        name: format!("{stem} --kind flowchart"),
        text: flowchart::render(saga),
        meant: None,
        kind: "flowchart-v2",
    });
    if let Some(text) = state::render(saga) {
        cases.push(Case {
            name: format!("{stem} --kind state"),
            text,
            meant: None,
            kind: "stateDiagram",
        });
    }
    cases
}

#[test]
fn every_diagram_parses_and_reads_back_what_was_meant() {
    let mut cases = Vec::new();
    let mut files: Vec<PathBuf> = yaml_files("specs");
    files.extend(yaml_files("fixtures"));
    let mut drawn_specs = 0;
    for path in &files {
        let Some(saga) = saga(path) else { continue };
        drawn_specs += 1;
        cases.extend(cases_of(path, &saga));
    }
    assert!(drawn_specs >= 40, "only {drawn_specs} specs resolve");
    // The command line end to end: `--path every --markdown` of each shipped spec, fenced.
    for path in yaml_files("specs") {
        let p = path.to_str().unwrap();
        let md = stdout_of(&["diagram", p, "--path", "every", "--markdown"]);
        for (i, text) in fences(&md).into_iter().enumerate() {
            cases.push(Case {
                name: format!("{p} --path every --markdown, diagram {}", i + 1),
                text,
                meant: None,
                kind: "sequence",
            });
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = dir.path().join(format!("{i:04}.mmd"));
            std::fs::write(&p, &c.text).unwrap();
            p
        })
        .collect();
    let Some(results) = mermaid_check(&paths) else {
        return;
    };
    let mut failures = Vec::new();
    for (case, result) in cases.iter().zip(&results) {
        if result["ok"] != Value::Bool(true) {
            failures.push(format!(
                "{}: Mermaid cannot parse it: {}\n{}",
                case.name, result["error"], case.text
            ));
            continue;
        }
        if result["type"] != case.kind {
            failures.push(format!(
                "{}: Mermaid read a {} diagram, not {}",
                case.name, result["type"], case.kind
            ));
        }
        if let Some(d) = &case.meant {
            let (got, want) = (read_back(result), meant(d));
            if got.0 != want.0 {
                failures.push(format!(
                    "{}: participants read back {:?}, meant {:?}",
                    case.name, got.0, want.0
                ));
            }
            if got.1 != want.1 {
                let first = got
                    .1
                    .iter()
                    .zip(&want.1)
                    .position(|(a, b)| a != b)
                    .unwrap_or(got.1.len().min(want.1.len()));
                failures.push(format!(
                    "{}: messages differ at #{first}: read back {:?}, meant {:?}",
                    case.name,
                    got.1.get(first),
                    want.1.get(first)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} diagrams are wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn text_mermaid_would_eat_survives() {
    for path in [
        "fixtures/diagram/escaping-orchestration.yaml",
        "fixtures/diagram/escaping-choreography.yaml",
    ] {
        let d = diagram::combined(&spec(path));
        let notes: Vec<&str> = d.drawn.iter().map(|m| m.text.as_str()).collect();
        assert!(
            notes.contains(&"Ship #42; 50% off"),
            "{path}: the step's description is not drawn: {notes:?}"
        );
        assert!(
            notes.contains(&"Undo #42; refund 100%"),
            "{path}: {notes:?}"
        );
        assert!(
            d.text.contains("Ship #35;42#59; 50#37; off"),
            "{path}: not escaped:\n{}",
            d.text
        );
        // Keyword-named participants get a safe id; their label keeps the name.
        assert!(!d.text.contains("participant title "), "{}", d.text);
        assert!(!d.text.contains("participant over "), "{}", d.text);
    }
    let d = diagram::combined(&spec("fixtures/diagram/escaping-orchestration.yaml"));
    // A participant called `orchestrator` keeps its id; the orchestrator takes another.
    assert!(
        d.participants
            .iter()
            .any(|p| p.id == "orchestrator" && p.label == "Orchestrator Service")
    );
    assert!(d.participants.iter().any(|p| p.id == "saga_orchestrator"));
}
