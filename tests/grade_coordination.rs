//! The `coordination` criterion reads both the spec's `rationale` and the answers' section
//! on coordination, grades the better one, and says which text it graded.

use std::fs;
use std::path::Path;

use sagac::grade::{self, CriterionResult, Status, assignments};

const GOOD: &str = "I chose orchestration because the flow is a short chain of three steps and \
    the hard part is failure handling: when the card is declined the stock has to be released. \
    An orchestrator keeps the compensation logic in one place that sees the whole flow, so it \
    is easy to trace what happened to an order. The services stay decoupled from each other.";

/// A correct submission's spec with this `rationale` (none when empty), and `answers.md`
/// when given.
fn submission(dir: &Path, rationale: &str, answers: Option<&str>) -> CriterionResult {
    let spec = fs::read_to_string("fixtures/submissions/correct-orchestration/saga.yaml").unwrap();
    // The fixture's rationale is a folded block from line 5 up to `participants:`.
    let (head, rest) = spec.split_once("rationale: >\n").unwrap();
    let (_, tail) = rest.split_once("participants:").unwrap();
    let rationale = if rationale.is_empty() {
        String::new()
    } else {
        format!("rationale: \"{rationale}\"\n")
    };
    fs::write(
        dir.join("saga.yaml"),
        format!("{head}{rationale}participants:{tail}"),
    )
    .unwrap();
    if let Some(answers) = answers {
        fs::write(dir.join("answers.md"), answers).unwrap();
    }
    let rubric = assignments::find("order-saga").unwrap().load().unwrap();
    let g = grade::grade_path(&rubric, dir);
    assert!(
        g.criteria.iter().find(|c| c.id == "valid").unwrap().status == Status::Pass,
        "{g:#?}"
    );
    g.criteria
        .into_iter()
        .find(|c| c.id == "coordination")
        .unwrap()
}

fn answers(section: &str) -> String {
    format!("# Answers\n\n## Coordination style\n\n{section}\n\n## (a) Payment\n\nRefund.\n")
}

#[test]
fn a_short_rationale_does_not_hide_a_good_answer() {
    let dir = tempfile::tempdir().unwrap();
    let c = submission(
        dir.path(),
        "Orchestration is simpler.",
        Some(&answers(GOOD)),
    );
    assert_eq!(c.status, Status::Pass, "{c:#?}");
    assert_eq!(c.points, c.max_points);
    let details = c.details.join("\n");
    assert!(
        details.contains(
            "its rationale (the section `Coordination style` of `answers.md`) has 63 words"
        ),
        "{details}"
    );
    assert!(
        details.contains(
            "Both texts were read and the better one graded: `rationale` in `saga.yaml` has 3 words"
        ),
        "{details}"
    );
}

#[test]
fn a_good_rationale_is_graded_over_a_short_answer() {
    let dir = tempfile::tempdir().unwrap();
    let c = submission(
        dir.path(),
        GOOD,
        Some(&answers("See the rationale in the spec.")),
    );
    assert_eq!(c.status, Status::Pass, "{c:#?}");
    let details = c.details.join("\n");
    assert!(
        details.contains("its rationale (`rationale` in `saga.yaml`) has 63 words"),
        "{details}"
    );
    assert!(
        details.contains("the section `Coordination style` of `answers.md` has 6 words"),
        "{details}"
    );
}

#[test]
fn one_text_is_graded_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let c = submission(dir.path(), "Orchestration is simpler.", None);
    assert_eq!(c.status, Status::Fail, "{c:#?}");
    assert!(!c.details.join("\n").contains("Both texts"), "{c:#?}");
    let dir = tempfile::tempdir().unwrap();
    let c = submission(dir.path(), "", Some(&answers(GOOD)));
    assert_eq!(c.status, Status::Pass, "{c:#?}");
    assert!(!c.details.join("\n").contains("Both texts"), "{c:#?}");
}
