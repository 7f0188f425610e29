//! The grader's `diagram` criterion reads diagrams as `sagac check` does: the same reader
//! (errors at the file's own line, with their code) and the same conformance with the spec,
//! whose findings its feedback lists without costing a point.

use std::fs;
use std::path::Path;

use sagac::grade::{self, CriterionResult, Grade, Rubric, Status, assignments};

fn rubric() -> Rubric {
    assignments::find("order-saga").unwrap().load().unwrap()
}

fn diagram(g: &Grade) -> &CriterionResult {
    g.criteria.iter().find(|c| c.id == "diagram").unwrap()
}

/// A submission: the correct orchestration's spec and this `answers.md`.
fn submission(dir: &Path, answers: &str) -> Grade {
    fs::copy(
        "fixtures/submissions/correct-orchestration/saga.yaml",
        dir.join("saga.yaml"),
    )
    .unwrap();
    fs::write(dir.join("answers.md"), answers).unwrap();
    grade::grade_path(&rubric(), dir)
}

#[test]
fn disagreements_with_the_spec_are_listed_and_cost_no_points() {
    let g = grade::grade_path(
        &rubric(),
        Path::new("fixtures/submissions/silent-payment-failure"),
    );
    let d = diagram(&g);
    assert_eq!((d.status, d.points), (Status::Pass, 1.0));
    let details = d.details.join("\n");
    assert!(
        details.contains("Where the diagrams and `saga.yaml` disagree")
            && details.contains("`sagac check saga.yaml sequence.mmd`"),
        "{details}"
    );
    // The failure path compensates, but the spec's payment step fails silently.
    assert!(
        details.contains(
            "`sequence.mmd` line 15: M913 `ReleaseStock` does not run when `charge_card` fails"
        ),
        "{details}"
    );
    // A diagram that draws its spec has nothing listed.
    let g = grade::grade_path(
        &rubric(),
        Path::new("fixtures/submissions/correct-orchestration"),
    );
    assert!(!diagram(&g).details.join("\n").contains("disagree"));
}

#[test]
fn a_diagram_that_does_not_parse_is_reported_at_the_files_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let g = submission(
        dir.path(),
        "# Answers\n\nSome prose,\nover a few lines.\n\n```mermaid\nsequenceDiagram\n    participant O as Orchestrator\n    O->>I ReserveInventory\n```\n",
    );
    let d = diagram(&g);
    assert_eq!(d.status, Status::Fail);
    let details = d.details.join("\n");
    assert!(
        details.contains(
            "`answers.md`, the Mermaid block at line 7 is not a sequence diagram Mermaid can draw: line 9: M901 a message needs `:` before its text."
        ),
        "{details}"
    );
}

#[test]
fn many_disagreements_are_counted_after_the_first_five() {
    let dir = tempfile::tempdir().unwrap();
    let mut answers = String::from(
        "```mermaid\nsequenceDiagram\n    participant O as Orchestrator\n    participant I as Inventory Service\n",
    );
    for i in 0..8 {
        answers.push_str(&format!("    O->>I: Unknown{i}\n"));
    }
    answers.push_str("```\n");
    let g = submission(dir.path(), &answers);
    let details = &diagram(&g).details;
    let listed = details.iter().filter(|l| l.contains(": M912 ")).count();
    assert_eq!(listed, 5, "{details:#?}");
    assert!(
        details
            .last()
            .unwrap()
            .starts_with("And 3 more: run `sagac check saga.yaml answers.md`"),
        "{details:#?}"
    );
}

#[test]
fn the_grader_reads_diagrams_with_the_reader_check_uses() {
    // One function, two names: a diagram that checks is a diagram that grades.
    let read: fn(&str) -> Result<sagac::mermaid::Diagram, sagac::mermaid::ParseError> =
        grade::mermaid::parse;
    assert_eq!(
        read("sequenceDiagram\nA->>B: x\n"),
        sagac::mermaid::parse("sequenceDiagram\nA->>B: x\n")
    );
}
