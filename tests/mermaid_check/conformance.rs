//! Conformance: each way a diagram can disagree with its spec is found where it is written,
//! and the diagrams that draw their spec check clean: the reference solution's, the correct
//! sample submissions', and every sequence diagram sagac draws itself.

use super::*;
use sagac::mermaid::conformance::Spec;
use sagac::mermaid::{self, Diagram};
use sagac::model::Saga;

fn fixture(name: &str) -> Vec<(String, usize, usize)> {
    let dir = Path::new("fixtures/mermaid").join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let files = check_files(&refs);
    assert_eq!(
        found(&files, "saga.yaml"),
        vec![],
        "{name}: the spec is clean"
    );
    files
        .iter()
        .filter(|c| !c.source.name().ends_with("saga.yaml"))
        .flat_map(|c| {
            c.diagnostics.iter().map(|d| {
                let at = c.source.line_col(d.span.start);
                (d.code().to_owned(), at.line, at.column)
            })
        })
        .collect()
}

fn at(code: &str, line: usize, column: usize) -> (String, usize, usize) {
    (code.to_owned(), line, column)
}

#[test]
fn a_participant_the_spec_does_not_have() {
    // `participant S as Shipping Service`, at its declaration.
    assert_eq!(
        fixture("M910-unknown-participant"),
        vec![at("M910", 10, 17)]
    );
}

#[test]
fn a_message_the_spec_does_not_have() {
    // `RestockInventory` where the spec compensates with `ReleaseInventory`: the message,
    // and the failure path that does not give the stock back.
    assert_eq!(
        fixture("M912-unknown-message"),
        vec![at("M914", 14, 5), at("M912", 15, 12)]
    );
}

#[test]
fn a_compensation_that_does_not_run_for_that_failure() {
    assert_eq!(
        fixture("M913-compensation-not-run"),
        vec![at("M913", 12, 12)]
    );
}

#[test]
fn a_compensation_left_out_of_a_failure_path() {
    assert_eq!(
        fixture("M914-compensation-not-drawn"),
        vec![at("M914", 16, 9)]
    );
}

#[test]
fn compensations_in_the_wrong_order() {
    // `CancelOrder` drawn before `ReleaseInventory`: the trigger's compensation runs last.
    assert_eq!(fixture("M915-compensation-order"), vec![at("M915", 15, 12)]);
}

#[test]
fn a_choreography_drawn_with_an_orchestrator() {
    assert_eq!(
        fixture("M911-orchestrator-in-choreography"),
        vec![at("M911", 3, 17)]
    );
}

#[test]
fn the_reference_solution_and_the_correct_submissions_check_clean() {
    // The reference diagram of the assignment's guide, beside both reference specs: it is
    // compared with the orchestration, the one it draws.
    let guide = Path::new("specs/assignments/order-saga");
    let files = check_files(&[
        &guide.join("README.md"),
        &guide.join("reference-choreography.yaml"),
        &guide.join("reference-orchestration.yaml"),
    ]);
    assert_eq!(codes(&files), Vec::<String>::new());
    for name in [
        "correct-orchestration",
        "correct-choreography",
        "different-naming",
        "diagram-happy-path-only",
        "refund-on-email-failure",
    ] {
        let dir = Path::new("fixtures/submissions").join(name);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let files = check_files(&refs);
        let diagram_codes: Vec<String> = files
            .iter()
            .filter(|c| !c.source.name().ends_with(".yaml"))
            .flat_map(|c| c.diagnostics.iter().map(|d| d.code().to_owned()))
            .collect();
        assert_eq!(diagram_codes, Vec::<String>::new(), "{name}");
    }
    for name in ["clean-orchestration", "clean-choreography"] {
        assert_eq!(fixture(name), vec![], "{name}");
    }
}

#[test]
fn the_wrong_submissions_diagrams_disagree_with_their_specs() {
    // The same diagram as the correct orchestration's, beside specs that do something else.
    for (name, code) in [
        ("no-compensation", "M912"),
        ("wrong-step-compensated", "M912"),
        ("silent-payment-failure", "M913"),
    ] {
        let dir = Path::new("fixtures/submissions").join(name);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        assert!(
            codes(&check_files(&refs)).contains(&code.to_owned()),
            "{name}"
        );
    }
}

fn saga(path: &Path) -> Option<Saga> {
    let checked = check::check_loaded(load::read(path).expect("readable"));
    checked.saga.filter(|_| checked.resolved)
}

/// What comparing a diagram's text with its spec finds, as `(code-like, text)` pairs.
fn disagreements(saga: &Saga, text: &str) -> Vec<String> {
    let diagram: Diagram = mermaid::parse(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    Spec::new(saga, true)
        .check(&diagram)
        .iter()
        .map(|f| format!("{f:?}"))
        .collect()
}

#[test]
fn every_diagram_sagac_draws_checks_clean_against_its_spec() {
    let mut specs: Vec<PathBuf> = Vec::new();
    for dir in [
        "specs",
        "fixtures/diagram",
        "fixtures/simulate",
        "fixtures/rules",
        "tests/codegen-specs",
    ] {
        specs.extend(load::discover(Path::new(dir)).unwrap());
    }
    let mut drawn = 0;
    let mut wrong = Vec::new();
    // Version 2 specs included: the caller, the escalation and the cancel are read.
    specs.retain(|p| super::pending::runs(p));
    for path in &specs {
        let Some(saga) = saga(path) else { continue };
        let mut texts = vec![(
            "--path all".to_owned(),
            sagac::diagram::combined(&saga).text,
        )];
        for s in sagac::diagram::every_scenario(&saga) {
            let text = sagac::diagram::sequence::scenario(&saga, &s).text;
            texts.push((s.name.clone(), text));
        }
        for (name, text) in texts {
            drawn += 1;
            let found = disagreements(&saga, &text);
            if !found.is_empty() {
                wrong.push(format!("{} {name}: {found:?}", path.display()));
            }
        }
    }
    assert!(drawn > 500, "only {drawn} diagrams drawn");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_retry_is_not_a_failure_and_a_failing_compensation_is_another_scenario() {
    let saga = saga(Path::new("fixtures/mermaid/clean-orchestration/saga.yaml")).unwrap();
    let head = "sequenceDiagram\n participant O as Orchestrator\n participant I as Inventory\n participant P as Payment\n O->>I: ReserveInventory\n O->>P: ChargeCard\n";
    // Failed once, asked again, charged: nothing to compensate.
    let retried = format!(
        "{head} P-->>O: ChargeCard failed, retrying\n O->>P: ChargeCard\n P-->>O: charged\n"
    );
    assert_eq!(disagreements(&saga, &retried), Vec::<String>::new());
    // The release fails too: not the simple failure path, so not compared.
    let compfail = format!(
        "{head} P-->>O: CardDeclined\n O->>I: ReleaseInventory\n I-->>O: ReleaseInventory failed\n"
    );
    assert_eq!(disagreements(&saga, &compfail), Vec::<String>::new());
    // Without a simulation allowed, failure paths are not compared at all.
    let missing = format!("{head} P-->>O: CardDeclined\n");
    let diagram = mermaid::parse(&missing).unwrap();
    assert_eq!(Spec::new(&saga, false).check(&diagram), vec![]);
    assert_eq!(
        disagreements(&saga, &missing).len(),
        2,
        "ReleaseInventory and CancelOrder"
    );
}

/// The course's orchestration diagram (module 5), as drawn there.
const COURSE_ORCHESTRATION: &str = "sequenceDiagram\nparticipant Orch as Saga Orchestrator\nparticipant IS as Inventory Service\nparticipant PS as Payment Service\nparticipant NS as Notification Service\nOrch->>IS: Reserve inventory\nIS-->>Orch: Reserved OK\nOrch->>PS: Charge payment\nalt Payment succeeds\nPS-->>Orch: Payment OK\nOrch->>NS: Send confirmation\nNS-->>Orch: Sent OK\nOrch->>Orch: Mark saga complete\nelse Payment fails\nPS-->>Orch: Payment FAILED\nOrch->>IS: Release inventory (compensate)\nIS-->>Orch: Released OK\nOrch->>Orch: Mark saga failed\nend\n";

/// The course's choreography diagram (module 5), as drawn there.
const COURSE_CHOREOGRAPHY: &str = "sequenceDiagram\nparticipant OS as Order Service\nparticipant IS as Inventory Service\nparticipant PS as Payment Service\nparticipant NS as Notification Service\nOS->>IS: Event: order.created\nIS->>IS: Reserve stock\nIS->>PS: Event: inventory.reserved\nPS->>PS: Charge card\nalt Payment succeeds\nPS->>NS: Event: payment.completed\nNS->>NS: Send confirmation\nelse Payment fails\nPS->>IS: Event: payment.failed\nIS->>IS: Release stock (compensate)\nPS->>OS: Event: payment.failed\nOS->>OS: Mark order failed\nend\n";

#[test]
fn the_courses_diagrams_differ_from_the_shipped_specs_only_where_the_specs_do_more() {
    // The course says "Mark saga failed" where the shipped specs run the trigger's
    // compensation, `RejectOrder`; every participant and message is understood.
    for (text, spec) in [
        (COURSE_ORCHESTRATION, "specs/order-orchestration.yaml"),
        (COURSE_CHOREOGRAPHY, "specs/order-choreography.yaml"),
    ] {
        let saga = saga(Path::new(spec)).unwrap();
        let found = disagreements(&saga, text);
        assert_eq!(found.len(), 1, "{spec}: {found:?}");
        assert!(
            found[0].starts_with("CompensationNotDrawn") && found[0].contains("missing: Trigger"),
            "{spec}: {found:?}"
        );
    }
    // Drawn for the other style, each says so.
    let choreography = saga(Path::new("specs/order-choreography.yaml")).unwrap();
    let found = disagreements(&choreography, COURSE_ORCHESTRATION);
    assert!(
        found[0].starts_with("OrchestratorInChoreography"),
        "{found:?}"
    );
}
