//! `sagac diagram` as a command: determinism, the output file, usage errors, one path,
//! every path, `simulate --diagram`, and the bounds.

use super::*;

#[test]
fn output_is_deterministic() {
    for path in yaml_files("specs")
        .into_iter()
        .chain(yaml_files("fixtures/diagram"))
    {
        let p = path.to_str().unwrap();
        for args in [
            vec!["diagram", p],
            vec!["diagram", p, "--path", "every", "--markdown"],
            vec!["diagram", p, "--kind", "flowchart"],
        ] {
            assert_eq!(stdout_of(&args), stdout_of(&args), "{args:?}");
        }
    }
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("order.mmd");
    sagac()
        .args(["diagram", "specs/order-orchestration.yaml", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        stdout_of(&["diagram", "specs/order-orchestration.yaml"])
    );
    // An invalid spec: check's diagnostics and exit 1, and no file (not even a temporary one).
    let bad = dir.path().join("bad.mmd");
    sagac()
        .args([
            "diagram",
            "fixtures/rules/R101-undeclared-participant.yaml",
            "-o",
        ])
        .arg(&bad)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("R101").and(predicate::str::contains("cannot be drawn")));
    assert!(!bad.exists());
    // An invalid spec does not replace a diagram already there.
    sagac()
        .args(["diagram", "fixtures/rules/S001-invalid-yaml.yaml", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("sequenceDiagram")
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["order.mmd"]);
}

#[test]
fn usage_errors_exit_2() {
    sagac()
        .args([
            "diagram",
            "specs/order-orchestration.yaml",
            "--path",
            "fail:nothing",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("fail:charge_payment").and(predicate::str::contains("every")),
        );
    sagac()
        .args([
            "diagram",
            "specs/order-choreography.yaml",
            "--kind",
            "state",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no orchestrator"));
    sagac()
        .args([
            "diagram",
            "specs/trip.yaml",
            "--kind",
            "flowchart",
            "--path",
            "happy",
        ])
        .assert()
        .code(2);
    sagac()
        .args(["diagram", "specs/no-such-spec.yaml"])
        .assert()
        .code(2);
}

#[test]
fn one_path_by_name() {
    let happy = stdout_of(&[
        "diagram",
        "specs/order-orchestration.yaml",
        "--path",
        "happy",
    ]);
    assert!(!happy.contains("alt ") && happy.contains("saga complete"));
    let fail = stdout_of(&[
        "diagram",
        "specs/order-orchestration.yaml",
        "--path",
        "fail:charge_payment",
    ]);
    assert!(fail.contains("ChargeCard failed: CardDeclined") && !fail.contains("saga complete"));
    // A combination, as `simulate --scenario` takes it.
    let combo = stdout_of(&[
        "diagram",
        "specs/order-orchestration.yaml",
        "--path",
        "timeout:charge_payment+fail:send_confirmation",
    ]);
    assert!(combo.contains("in doubt"), "{combo}");
    let md = stdout_of(&[
        "diagram",
        "specs/order-orchestration.yaml",
        "--path",
        "fail:charge_payment",
        "--markdown",
    ]);
    assert!(md.starts_with(
        "# place_order (orchestration)\n\n## `fail:charge_payment`\n\nOutcome: compensated."
    ));
    assert_eq!(fences(&md), [fail]);
}

#[test]
fn every_path_has_one_diagram_per_scenario() {
    let saga = spec("specs/order-choreography.yaml");
    let names: Vec<String> = diagram::every_scenario(&saga)
        .into_iter()
        .map(|s| s.name)
        .collect();
    let md = stdout_of(&[
        "diagram",
        "specs/order-choreography.yaml",
        "--path",
        "every",
        "--markdown",
    ]);
    let headings: Vec<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("## `")?.strip_suffix('`'))
        .collect();
    assert_eq!(headings, names);
    assert_eq!(fences(&md).len(), names.len());
    // Without --markdown: each diagram after a `%%` comment naming it.
    let plain = stdout_of(&[
        "diagram",
        "specs/order-choreography.yaml",
        "--path",
        "every",
    ]);
    assert_eq!(plain.matches("%% ").count(), names.len());
    assert_eq!(plain.matches("sequenceDiagram").count(), names.len());
    let _ = markdown::fence("");
}

#[test]
fn simulate_draws_each_counterexample() {
    let spec = "fixtures/simulate/atomicity-compensation-gives-up.yaml";
    let human = sagac()
        .args(["simulate", spec, "--diagram"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let human = String::from_utf8(human).unwrap();
    let violations = human.matches("\nviolation: ").count();
    assert!(violations > 0);
    let diagrams = fences(&human);
    assert_eq!(diagrams.len(), violations);
    assert!(
        diagrams[0].contains("Note over orchestrator: atomicity broken: "),
        "{}",
        diagrams[0]
    );
    let json = sagac()
        .args(["simulate", spec, "--diagram", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: Value = serde_json::from_slice(&json).unwrap();
    let drawn: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["violations"].as_array().unwrap())
        .map(|v| v["diagram"].as_str().expect("a diagram per violation"))
        .collect();
    assert_eq!(drawn, diagrams);
    // Without the flag, neither appears.
    let plain = sagac()
        .args(["simulate", spec])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(!String::from_utf8(plain).unwrap().contains("```mermaid"));
    let plain = sagac()
        .args(["simulate", spec, "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(!String::from_utf8(plain).unwrap().contains("\"diagram\""));
}

/// `--path every` (one diagram per scenario) grows with the square of the steps: past the
/// limit it is refused with a usage error that says what to draw instead. The combined
/// diagram and the state machine grow with the steps and are drawn at any size.
#[test]
fn every_path_diagrams_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, compensatable_orchestration(201)).unwrap();
    sagac()
        .arg("diagram")
        .arg(&path)
        .args(["--path", "every"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--path happy"));
    for extra in [&[][..], &["--kind", "state"][..]] {
        let out = sagac()
            .arg("diagram")
            .arg(&path)
            .args(extra)
            .assert()
            .code(0);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("Undo199"), "{extra:?}");
        // Linear: about a dozen lines per step, not the 20,000 compensations of every
        // failure branch in full.
        assert!(
            text.lines().count() < 201 * 15,
            "{extra:?}: {} lines",
            text.lines().count()
        );
    }
    let happy = sagac()
        .arg("diagram")
        .arg(&path)
        .args(["--path", "happy"])
        .assert()
        .code(0);
    assert!(String::from_utf8_lossy(&happy.get_output().stdout).contains("Do200"));
    sagac()
        .arg("diagram")
        .arg(&path)
        .args(["--kind", "flowchart"])
        .assert()
        .code(0);
}

/// The failure paths of a diagram of every path are held together (to share their tails),
/// and their compensations grow with the square of the compensatable steps: past
/// `diagram::MAX_COMPENSATIONS` such a diagram is refused with a usage error that says
/// what to draw instead, in milliseconds and without the memory.
#[test]
fn diagrams_of_every_path_are_bounded_by_their_compensations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    std::fs::write(&path, compensatable_orchestration(1500)).unwrap();
    let saga = spec(path.to_str().unwrap());
    assert!(diagram::compensations_to_run(&saga) > diagram::MAX_COMPENSATIONS);
    for extra in [&[][..], &["--path", "all"][..], &["--kind", "state"][..]] {
        sagac()
            .arg("diagram")
            .arg(&path)
            .args(extra)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("compensations in all"))
            .stderr(predicates::str::contains("--path happy"));
    }
    for extra in [&["--path", "happy"][..], &["--kind", "flowchart"][..]] {
        sagac()
            .arg("diagram")
            .arg(&path)
            .args(extra)
            .assert()
            .code(0);
    }
}
