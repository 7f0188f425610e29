//! Every rule fixture in `fixtures/rules/` (and, for the diagram rules, each folder of
//! `fixtures/mermaid/`) raises its own code, with a snapshot of the report a student sees;
//! every shipped spec in `specs/` checks clean.

use std::path::{Path, PathBuf};

use sagac::check::{self, Checked};
use sagac::{load, report};

fn check_file(path: &Path) -> Checked {
    check::check_loaded(load::read(path).expect("fixture is readable"))
}

/// The rules alone: a rule's fixture shows that rule, not the simulator's view of the same
/// weakness (the V7xx fixtures and the shipped specs are checked with the simulation).
fn check_rules(path: &Path) -> Checked {
    let options = check::Options { simulate: false };
    check::check_loaded_with(load::read(path).expect("fixture is readable"), &options)
}

fn human(checked: Checked) -> String {
    let mut out = Vec::new();
    report::human::render(std::slice::from_ref(&checked), false, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files = load::discover(Path::new(dir)).expect("directory has specs");
    files.sort();
    files
}

#[test]
fn every_rule_fixture_raises_its_code() {
    let mut missing = Vec::new();
    for path in yaml_files("fixtures/rules") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let checked = if stem.starts_with('V') {
            check_file(&path)
        } else {
            check_rules(&path)
        };
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code()).collect();
        if let Some(code) = stem.split('-').next().filter(|c| c.len() == 4) {
            if !codes.contains(&code) {
                missing.push(format!("{stem}: expected {code}, got {codes:?}"));
            }
        } else {
            assert!(codes.is_empty(), "{stem} should check clean, got {codes:?}");
        }
        insta::assert_snapshot!(format!("rule_{stem}"), human(checked));
    }
    assert!(
        missing.is_empty(),
        "fixtures without their diagnostic:\n{}",
        missing.join("\n")
    );
}

/// The folders of `fixtures/mermaid/`: each holds diagrams (`answers.md`, `*.mmd`) and, for
/// the rules that compare a diagram with a spec, the `saga.yaml` it is compared with.
fn diagram_fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures/mermaid")
        .expect("fixtures/mermaid exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Checks every file of a folder, as `sagac check FOLDER` names them, in one run.
fn check_folder(dir: &Path) -> Vec<Checked> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let loaded = files
        .iter()
        .map(|p| load::read(p).expect("fixture is readable"))
        .collect();
    check::check_all(loaded, &check::Options::default())
}

#[test]
fn every_diagram_fixture_raises_its_code() {
    let mut missing = Vec::new();
    for dir in diagram_fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let checked = check_folder(&dir);
        let codes: Vec<&str> = checked
            .iter()
            .flat_map(|c| &c.diagnostics)
            .map(|d| d.code())
            .collect();
        match name.split('-').next().filter(|c| c.len() == 4) {
            Some(code) if !codes.contains(&code) => {
                missing.push(format!("{name}: expected {code}, got {codes:?}"));
            }
            Some(_) => {}
            None => assert!(codes.is_empty(), "{name} should check clean, got {codes:?}"),
        }
        let mut out = Vec::new();
        report::human::render(&checked, false, &mut out).unwrap();
        insta::assert_snapshot!(format!("rule_{name}"), String::from_utf8(out).unwrap());
    }
    assert!(
        missing.is_empty(),
        "fixtures without their diagnostic:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_rule_has_a_fixture() {
    let stems: Vec<String> = yaml_files("fixtures/rules")
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .chain(
            diagram_fixtures()
                .iter()
                .map(|d| d.file_name().unwrap().to_string_lossy().into_owned()),
        )
        // R106 compares two specs (`simulate --with`): `fixtures/with/<CODE>-*/` holds
        // them, run by tests/isolation_failures.rs.
        .chain(
            std::fs::read_dir("fixtures/with")
                .expect("fixtures/with exists")
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned()),
        )
        .collect();
    // V703: the simulated (and generated) orchestrator always compensates in reverse order,
    // so no spec can break `reverse_order`; see `sagac explain V703`.
    for rule in sagac::rules::all().into_iter().filter(|r| r.code != "V703") {
        assert!(
            stems.iter().any(|s| s.starts_with(rule.code)),
            "no fixture for {} in fixtures/rules/",
            rule.code
        );
    }
}

#[test]
fn shipped_specs_check_clean() {
    for path in yaml_files("specs") {
        let checked = check_file(&path);
        let found: Vec<String> = checked
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code(), d.message))
            .collect();
        assert!(
            found.is_empty(),
            "{} is not clean: {found:#?}",
            path.display()
        );
        assert!(checked.resolved);
    }
}
