//! `sagac simulate`: every fixture in `fixtures/simulate/` breaks the invariant its
//! `# expect:` line names in the scenario it names (or none, for `# expect: clean`), with
//! snapshots of the JSON and human reports; every shipped spec simulates clean.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sagac::check;
use sagac::load;
use sagac::model::Saga;
use sagac::scenario::{self, Options, owner_name};
use sagac::simulate::{self, Report};

fn saga(path: &Path) -> Saga {
    let checked = check::check_loaded(load::read(path).expect("readable"));
    assert!(checked.resolved, "{} does not resolve", path.display());
    checked.saga.expect("a model")
}

#[path = "support/pending.rs"]
mod pending;

/// The specs below `dir`, less those whose version 2 semantics are not implemented yet.
fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files = load::discover(Path::new(dir)).expect("directory has specs");
    files.sort();
    files.retain(|p| pending::runs(p));
    files
}

fn render(saga: &Saga, report: &Report, format: simulate::Format) -> String {
    let mut out = Vec::new();
    simulate::render(format, saga, report, None, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The `# key: value` lines of a fixture's header comment.
fn header(path: &Path, key: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let prefix = format!("# {key}:");
    text.lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|v| v.trim().to_owned())
        .collect()
}

#[test]
fn every_fixture_finds_its_weakness() {
    let mut failures = Vec::new();
    for path in yaml_files("fixtures/simulate") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let saga = saga(&path);
        let report = simulate::simulate(&saga, &Options::default());
        let expect = header(&path, "expect");
        assert_eq!(expect.len(), 1, "{stem}: one `# expect:` line");
        if expect[0] == "clean" {
            let broken: Vec<String> = report
                .scenarios
                .iter()
                .flat_map(|s| {
                    s.violations
                        .iter()
                        .map(move |v| format!("{}: {}", s.name, v.invariant.as_str()))
                })
                .collect();
            if !broken.is_empty() {
                failures.push(format!("{stem}: expected clean, got {broken:?}"));
            }
        } else {
            let (name, invariant) = expect[0].split_once(' ').expect("`scenario invariant`");
            let found = report.scenarios.iter().any(|s| {
                s.name == name
                    && s.violations
                        .iter()
                        .any(|v| v.invariant.as_str() == invariant)
            });
            if !found {
                failures.push(format!("{stem}: {invariant} not broken in {name}"));
            }
        }
        for line in header(&path, "compensated") {
            let (name, list) = line.split_once('=').expect("`scenario = a, b`");
            let scenario = report
                .scenarios
                .iter()
                .find(|s| s.name == name.trim())
                .unwrap_or_else(|| panic!("{stem}: no scenario {name}"));
            let got: Vec<String> = scenario
                .compensated
                .iter()
                .map(|&o| owner_name(&saga, o))
                .collect();
            let want: Vec<String> = list
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            if got != want {
                failures.push(format!(
                    "{stem}: {name} compensated {got:?}, expected {want:?}"
                ));
            }
        }
        for line in header(&path, "outcome") {
            let (name, outcome) = line.split_once('=').expect("`scenario = outcome`");
            let scenario = report
                .scenarios
                .iter()
                .find(|s| s.name == name.trim())
                .unwrap();
            if scenario.outcome.as_str() != outcome.trim() {
                failures.push(format!(
                    "{stem}: {name} ended {}",
                    scenario.outcome.as_str()
                ));
            }
        }
        insta::assert_snapshot!(
            format!("simulate_json_{stem}"),
            render(&saga, &report, simulate::Format::Json)
        );
        insta::assert_snapshot!(
            format!("simulate_human_{stem}"),
            render(&saga, &report, simulate::Format::Human)
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shipped_specs_simulate_clean() {
    for path in yaml_files("specs") {
        let saga = saga(&path);
        let report = simulate::simulate(&saga, &Options::default());
        let broken: Vec<String> = report
            .scenarios
            .iter()
            .flat_map(|s| {
                s.violations
                    .iter()
                    .map(move |v| format!("{}: {} ({})", s.name, v.invariant.as_str(), v.message))
            })
            .collect();
        assert!(broken.is_empty(), "{}: {broken:#?}", path.display());
        assert_eq!(report.scenarios[0].name, "happy");
        assert_eq!(
            report.scenarios[0].outcome,
            scenario::Outcome::Completed,
            "{}",
            path.display()
        );
    }
}

#[test]
fn scenario_names_are_unique_and_deterministic() {
    for path in yaml_files("specs") {
        let saga = saga(&path);
        let options = Options {
            max_faults: 2,
            ..Options::default()
        };
        let a = scenario::enumerate(&saga, &options);
        let b = scenario::enumerate(&saga, &options);
        let names: Vec<&str> = a.iter().map(|s| s.name.as_str()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{}", path.display());
        assert_eq!(names, b.iter().map(|s| s.name.as_str()).collect::<Vec<_>>());
    }
}

#[test]
fn counterexamples_are_shortest() {
    // The phantom compensation happens as soon as inventory.failed reaches inventory: the
    // trace stops there.
    let saga = saga(Path::new(
        "fixtures/simulate/no-phantom-compensation-own-failure.yaml",
    ));
    let faults = scenario::parse_name(&saga, "fail:reserve_inventory").unwrap();
    let s = scenario::run(&saga, &faults);
    let v = &s.violations[0];
    assert_eq!(v.invariant.as_str(), "no_phantom_compensation");
    let last = v.trace.last().unwrap().describe(&saga);
    assert!(last.contains("ReleaseInventory"), "{last}");
}

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

#[test]
fn exit_codes() {
    sagac()
        .args(["simulate", "specs/order-orchestration.yaml"])
        .assert()
        .code(0);
    sagac()
        .args([
            "simulate",
            "fixtures/simulate/at-most-once-charge-without-key.yaml",
            "--format",
            "json",
        ])
        .assert()
        .code(1);
    sagac()
        .args(["simulate", "fixtures/simulate/does-not-exist.yaml"])
        .assert()
        .code(2);
    sagac()
        .args([
            "simulate",
            "specs/order-orchestration.yaml",
            "--scenario",
            "fail:nothing",
        ])
        .assert()
        .code(2);
    // A spec whose model does not resolve gets check's diagnostics and exit 1.
    sagac()
        .args([
            "simulate",
            "fixtures/rules/R101-undeclared-participant.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("R101"));
}

#[test]
fn scenario_and_fault_filters() {
    let out = sagac()
        .args([
            "simulate",
            "fixtures/rules/T304-in-doubt-pivot-can-exhaust.yaml",
            "--scenario",
            "timeout:charge_payment+exhaust:charge_payment",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["scenarios"].as_array().unwrap().len(), 1);
    let out = sagac()
        .args([
            "simulate",
            "specs/order-orchestration.yaml",
            "--faults",
            "business,timeout",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let names: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "happy",
            "fail:reserve_inventory",
            "fail:charge_payment",
            "timeout:charge_payment",
            "fail:send_confirmation"
        ]
    );
}

/// A simulation estimated to run for tens of seconds or more stops before it starts and
/// says how to narrow it; a single scenario of the same saga still runs.
#[test]
fn unbounded_simulations_are_refused() {
    let mut spec = String::from(
        "version: 1\nsaga: big\ncoordination: orchestration\nparticipants:\n  order: {}\n  svc: {}\n\
         orchestrator: { participant: order, log: big_log }\n\
         trigger: { participant: order, action: CreateOrder, event: order.created, data: [order_id], outbox: { table: order_outbox, relay: cdc } }\nsteps:\n",
    );
    for i in 0..300 {
        spec.push_str(&format!(
            "  - {{ id: step_{i}, participant: svc, action: Do{i}, compensation: Undo{i}, idempotency_key: order_id }}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, spec).unwrap();
    sagac()
        .arg("simulate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--scenario"));
    sagac()
        .arg("simulate")
        .arg(&path)
        .args(["--scenario", "fail:step_10"])
        .assert()
        .code(0);
}

/// Every spec and fixture whose model resolves (errors or not), with its saga.
fn every_resolved_saga() -> Vec<(PathBuf, Saga)> {
    let mut out = Vec::new();
    for dir in [
        "specs",
        "fixtures/simulate",
        "fixtures/diagram",
        "fixtures/rules",
    ] {
        for path in yaml_files(dir) {
            let checked = check::check_loaded(load::read(&path).expect("readable"));
            if let Some(saga) = checked.saga.filter(|_| checked.resolved) {
                out.push((path, saga));
            }
        }
    }
    out
}

/// The runs `scenario::forks` continues from a parent run are exactly the runs made from
/// the start, for every single fault and every compensation failure after it, in every
/// spec and fixture that resolves.
#[test]
fn forked_runs_are_the_runs_made_from_the_start() {
    let mut compared = 0;
    for (path, saga) in every_resolved_saga() {
        let mut candidates = scenario::applicable(&saga, &scenario::FaultKind::ALL);
        candidates.extend(scenario::compensation_faults(&saga));
        let (happy, forks) = scenario::forks(&saga, &[], &candidates);
        let alone = scenario::representative(&saga, &[]);
        assert_eq!(happy.trace, alone.trace, "{}: happy", path.display());
        for (fault, fork) in candidates.iter().zip(forks) {
            let made = scenario::representative(&saga, &[*fault]);
            let name = format!("{}: {}", path.display(), made.name);
            let Some(fork) = fork else {
                assert!(!made.all_fired, "{name}: fires but was not forked");
                assert_eq!(made.trace, happy.trace, "{name}");
                continue;
            };
            // Compensation failures after this fault, forked from its run.
            let (parent, nested) = scenario::forks(&saga, &[*fault], &candidates);
            assert_eq!(parent.trace, made.trace, "{name}: as a parent");
            for (second, nested) in candidates.iter().zip(nested) {
                if second == fault {
                    continue;
                }
                let made2 = scenario::representative(&saga, &[*fault, *second]);
                match nested {
                    Some(n) => {
                        let n = n.into_scenario(&saga, &parent);
                        assert_eq!(n.trace, made2.trace, "{name}+{}", made2.name);
                        assert_eq!(n.outcome, made2.outcome, "{}", made2.name);
                        assert_eq!(n.compensated, made2.compensated, "{}", made2.name);
                        assert_eq!(n.all_fired, made2.all_fired, "{}", made2.name);
                        compared += 1;
                    }
                    None => assert!(
                        !made2.all_fired || made2.trace == made.trace,
                        "{}",
                        made2.name
                    ),
                }
            }
            let fork = fork.into_scenario(&saga, &happy);
            assert_eq!(fork.trace, made.trace, "{name}");
            assert_eq!(fork.outcome, made.outcome, "{name}");
            assert_eq!(fork.compensated, made.compensated, "{name}");
            assert_eq!(fork.compensations_run, made.compensations_run, "{name}");
            assert_eq!(fork.all_fired, made.all_fired, "{name}");
            assert_eq!(fork.states, made.states, "{name}");
            compared += 1;
        }
    }
    assert!(compared > 1000, "compared only {compared} runs");
}

/// `scenario::expectations` (what generated tests assert, made with forked runs) lists the
/// scenarios `enumerate` lists by default, and for each the outcome, compensations and
/// effects applied twice of its representative run made from the start; the invariants
/// its run breaks are among those the full exploration finds.
#[test]
fn expectations_are_the_representative_runs_of_the_default_scenarios() {
    let mut compared = 0;
    let mut broken = 0;
    for (path, saga) in every_resolved_saga() {
        let full = scenario::enumerate(&saga, &Options::default());
        let fast = scenario::expectations(&saga, &scenario::FaultKind::ALL);
        let names = |v: Vec<&str>| v.join(" ");
        assert_eq!(
            names(fast.iter().map(|e| e.name.as_str()).collect()),
            names(full.iter().map(|s| s.name.as_str()).collect()),
            "{}: the scenarios listed",
            path.display()
        );
        for (e, s) in fast.iter().zip(&full) {
            let alone = scenario::Expectation::of(&scenario::representative(&saga, &s.faults));
            let name = format!("{}: {}", path.display(), e.name);
            assert_eq!(e.faults, s.faults, "{name}");
            assert_eq!(e.outcome, alone.outcome, "{name}");
            assert_eq!(e.compensated, alone.compensated, "{name}");
            assert_eq!(e.applied_twice, alone.applied_twice, "{name}");
            for invariant in &e.broken {
                assert!(
                    s.violations.iter().any(|v| v.invariant == *invariant),
                    "{name}: the run breaks {invariant:?}, which the exploration did not find"
                );
            }
            broken += e.broken.len();
            compared += 1;
        }
    }
    assert!(compared > 800, "compared only {compared} scenarios");
    assert!(
        broken > 20,
        "only {broken} broken invariants in representative runs"
    );
}

/// `--scenario` prints the scenario's run as numbered lines, worded as counterexamples
/// are; `--trace` prints every scenario's; JSON has them as a `trace` array.
#[test]
fn one_scenario_prints_its_run() {
    let spec = "fixtures/simulate/termination-silent-failure.yaml";
    let saga = saga(Path::new(spec));
    let faults = scenario::parse_name(&saga, "fail:reserve_inventory").unwrap();
    let run = scenario::run(&saga, &faults);
    let lines: Vec<String> = run
        .trace
        .iter()
        .enumerate()
        .map(|(i, a)| format!("  {}. {}", i + 1, a.describe(&saga)))
        .collect();
    let human = sagac()
        .args(["simulate", spec, "--scenario", "fail:reserve_inventory"])
        .args(["--color", "never"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let human = String::from_utf8(human).unwrap();
    let heading = format!(
        "run of fail:reserve_inventory ({} actions, stuck):\n",
        run.trace.len()
    );
    assert!(
        human.contains(&(heading + &lines.join("\n") + "\n")),
        "{human}"
    );
    // The counterexample is this run: the same words, one level deeper.
    assert!(human.contains(&format!("\n    1. {}\n", run.trace[0].describe(&saga))));

    let json = sagac()
        .args(["simulate", spec, "--scenario", "fail:reserve_inventory"])
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let trace = json["scenarios"][0]["trace"].as_array().unwrap();
    assert_eq!(trace.len(), run.trace.len());
    for (i, (entry, action)) in trace.iter().zip(&run.trace).enumerate() {
        assert_eq!(entry["n"], i + 1);
        let (from, to, text) = (
            entry["from"].as_str().unwrap(),
            entry["to"].as_str().unwrap(),
            entry["text"].as_str().unwrap(),
        );
        let line = if from == to {
            format!("{from}: {text}")
        } else {
            format!("{from} -> {to}: {text}")
        };
        assert_eq!(line, action.describe(&saga));
        assert!(simulate::trace::KINDS.contains(&entry["kind"].as_str().unwrap()));
    }
    assert_eq!(trace[3]["kind"], "run");
    assert_eq!(trace.last().unwrap()["kind"], "end");
    // The counterexample's strings are the same words.
    let counterexample = json["scenarios"][0]["violations"][0]["trace"]
        .as_array()
        .unwrap();
    assert_eq!(counterexample[0], run.trace[0].describe(&saga));
}

/// `--trace` without `--scenario` adds every scenario's run; without either, the report is
/// as it was (no `trace` key, no run lines).
#[test]
fn traces_are_asked_for() {
    let spec = "specs/order-orchestration.yaml";
    let output = |args: &[&str]| {
        let out = sagac()
            .args(["simulate", spec, "--faults", "business"])
            .args(args)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let plain = output(&["--format", "json"]);
    assert!(!plain.contains("\"trace\""), "{plain}");
    let traced: serde_json::Value =
        serde_json::from_str(&output(&["--format", "json", "--trace"])).unwrap();
    for s in traced["scenarios"].as_array().unwrap() {
        assert!(!s["trace"].as_array().unwrap().is_empty(), "{s}");
    }
    let human = output(&["--color", "never"]);
    assert!(!human.contains("run of "), "{human}");
    let human = output(&["--color", "never", "--trace"]);
    assert_eq!(human.matches("\nrun of ").count(), 4, "{human}");
    assert!(human.contains("\nrun of fail:charge_payment (11 actions, compensated):\n"));
    // The summary's last words are the time it took.
    let (timeless, _) = human.rsplit_once(" in ").unwrap();
    insta::assert_snapshot!("simulate_trace_order_orchestration", timeless);
}
