//! Language version 2, isolation: the built-in failures an owner answers as the records
//! stand (`Locked`, `Changed`, `WrongState`), handled as a step's `failures` say
//! (`then: retry`, `terminate`, or compensate by default), and a compensation's own version
//! check (`if_unchanged`): the owner undoes nothing, and the compensation gives up.

use std::collections::BTreeSet;

use sagac::check::check_source;
use sagac::model::Saga;
use sagac::scenario::FaultKind;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::source::SourceFile;

const PLACE_ORDER: &str = include_str!("../specs/place-order.yaml");
const CANCEL_ORDER: &str = include_str!("../specs/cancel-order.yaml");
const COMMUTATIVE: &str = "commutative: true,\n           pessimistic_view: decrease }";
const NOT_COMMUTATIVE: &str = "commutative: false,\n           pessimistic_view: decrease }";
const CHECK_READS: &str = "reads: [item, quantity], failures: [OutOfStock], timeout: 2s,";
const CHECK_WRITES_VERSION: &str =
    "reads: [item, quantity], writes: [stock_version], failures: [OutOfStock], timeout: 2s,";
const RESERVE_FAILURES: &str = "    failures: [OutOfStock]\n    timeout: 5s";
const RELEASE: &str =
    "    compensation: ReleaseInventory     # default effect: increase stock[item]";

fn replaced(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in pairs {
        assert_eq!(text.matches(from).count(), 1, "{from:?} once");
        text = text.replacen(from, to, 1);
    }
    text
}

fn saga(text: &str) -> Saga {
    let checked = check_source(SourceFile::new("t.yaml", text.to_owned()));
    checked.model().expect("the spec resolves").clone()
}

fn all(saga: &Saga) -> Vec<IsolationScenario> {
    isolation::enumerate(
        &Instances::of(saga),
        FaultKind::defaults(saga),
        1,
        Search::Reduced,
    )
    .expect("simulated, not refused")
}

fn broken(scenarios: &[IsolationScenario], name: &str) -> BTreeSet<&'static str> {
    scenarios
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("scenario {name}"))
        .violations
        .iter()
        .map(|v| v.invariant.as_str())
        .collect()
}

fn described(saga: &Saga, s: &IsolationScenario, invariant: &str) -> Vec<String> {
    let v = s
        .violations
        .iter()
        .find(|v| v.invariant.as_str() == invariant)
        .unwrap_or_else(|| panic!("{invariant} in {}", s.name));
    v.trace
        .iter()
        .map(|(i, a)| format!("[{}] {}", char::from(b'a' + i), a.describe(saga)))
        .collect()
}

/// The order saga reserving by a version-checked `write` (the level `CheckStock` read,
/// with its version), and `reserve_inventory`'s failures as given.
fn reserving_by_checked_write(failures: &str) -> String {
    replaced(
        PLACE_ORDER,
        &[
            (COMMUTATIVE, NOT_COMMUTATIVE),
            (
                "      - decrease: stock[item]\n",
                "      - write: stock[item]\n        if_unchanged: stock_version\n",
            ),
            (CHECK_READS, CHECK_WRITES_VERSION),
            (RESERVE_FAILURES, failures),
        ],
    )
}

#[test]
fn changed_handled_by_terminate_ends_the_saga_where_it_stands() {
    let text = reserving_by_checked_write(
        "    failures: [OutOfStock, { name: Changed, then: terminate }]\n    timeout: 5s",
    );
    let saga = saga(&text);
    let scenarios = all(&saga);
    // Terminated without compensating, the instance leaves its order PENDING, a lock.
    assert_eq!(
        broken(&scenarios, "happy"),
        BTreeSet::from(["locks_released"])
    );
    let happy = scenarios.iter().find(|s| s.name == "happy").unwrap();
    let lines = described(&saga, happy, "locks_released");
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("reserve_inventory failed: Changed")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("terminates after Changed")),
        "{lines:#?}"
    );
}

#[test]
fn changed_handled_by_retry_runs_again_on_the_new_version() {
    let text = reserving_by_checked_write(
        "    failures: [OutOfStock, { name: Changed, then: retry, retry: { max_attempts: 3, initial: 100ms } }]\n    timeout: 5s",
    );
    let scenarios = all(&saga(&text));
    assert!(broken(&scenarios, "happy").is_empty());
    // By default (compensate) the happy run is clean as well: the refused reservation
    // applied nothing, so its undo is a no-op.
    let default = all(&saga(&reserving_by_checked_write(RESERVE_FAILURES)));
    assert!(broken(&default, "happy").is_empty());
    // The retry makes runs the default does not (the command sent again).
    let states = |v: &[IsolationScenario]| v.iter().find(|s| s.name == "happy").unwrap().states;
    assert!(states(&scenarios) > states(&default));
}

#[test]
fn a_compensation_that_finds_the_record_changed_gives_up_instead_of_overwriting() {
    let restore = |extra: &str| {
        replaced(
            PLACE_ORDER,
            &[
                (COMMUTATIVE, NOT_COMMUTATIVE),
                (CHECK_READS, CHECK_WRITES_VERSION),
                (
                    RELEASE,
                    &format!(
                        "    compensation:\n      action: ReleaseInventory\n      effects: [{{ write: \"stock[item]\"{extra} }}]"
                    ),
                ),
            ],
        )
    };
    let unchecked = all(&saga(&restore("")));
    assert_eq!(
        broken(&unchecked, "a/fail:charge_credit"),
        BTreeSet::from(["no_lost_update"])
    );
    let saga = saga(&restore(", if_unchanged: stock_version"));
    let checked = all(&saga);
    // No lost update any more: the owner answers Changed and the compensation gives up,
    // which leaves the saga stuck with its reservation (part 1's atomicity).
    assert_eq!(
        broken(&checked, "a/fail:charge_credit"),
        BTreeSet::from(["atomicity"])
    );
    let s = checked
        .iter()
        .find(|s| s.name == "a/fail:charge_credit")
        .unwrap();
    let lines = described(&saga, s, "atomicity");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("compensation of reserve_inventory failed: Changed")),
        "{lines:#?}"
    );
}

#[test]
fn wrong_state_handled_by_terminate_ends_the_cancel() {
    let handled = replaced(
        CANCEL_ORDER,
        &[(
            "    kind: compensatable\n    timeout: 5s\n    idempotency_key: order_id\n",
            "    kind: compensatable\n    timeout: 5s\n    idempotency_key: order_id\n    failures: [{ name: WrongState, then: terminate }]\n",
        )],
    );
    let outcome = |cancel: &str| {
        let (a, b) = (saga(PLACE_ORDER), saga(cancel));
        let instances = Instances::with(&a, &b);
        let faults = isolation::parse_name(&instances, "a/fail:check_stock").unwrap();
        let s = isolation::run(&instances, &faults, Search::Reduced).unwrap();
        s.outcomes[1].as_str()
    };
    // The cancel of a rejected order: compensates by default, ends at once when told to.
    assert_eq!(outcome(CANCEL_ORDER), "compensated");
    assert_eq!(outcome(&handled), "terminated");
}

#[test]
fn the_isolation_failures_are_listed_in_the_long_form_only() {
    let short = reserving_by_checked_write("    failures: [OutOfStock, Changed]\n    timeout: 5s");
    let checked = check_source(SourceFile::new("t.yaml", short));
    let s007: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "S007")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(s007.len(), 1, "{:#?}", checked.diagnostics);
    assert!(s007[0].contains("`Changed`"), "{}", s007[0]);
}

fn sagac(args: &[&str]) -> (Option<i32>, String, String) {
    let out = assert_cmd::Command::cargo_bin("sagac")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn instances_and_shared_fields_are_chosen_on_the_command_line() {
    let spec = "specs/place-order.yaml";
    let (code, out, err) = sagac(&["simulate", spec, "--instances", "3"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("3 instances interleaved"), "{out}");
    assert!(out.contains("b: completed, c: completed"), "{out}");
    let (code, out, _) = sagac(&["simulate", spec, "--instances", "1"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("1 instances interleaved") || out.contains("1 instance"),
        "{out}"
    );
    // Nothing shared: the instances never meet, so fewer states than sharing stock.
    let states = |out: &str| -> usize {
        let line = out.lines().last().unwrap();
        line.split(" scenarios, ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (_, shared, _) = sagac(&["simulate", spec]);
    let (code, disjoint, err) = sagac(&["simulate", spec, "--shared", ""]);
    assert_eq!(code, Some(0), "{err}");
    assert!(states(&disjoint) < states(&shared), "{disjoint}\n{shared}");
    // Sharing only the order is what `--with` does by default: both sagas meet on it.
    let (code, out, _) = sagac(&[
        "simulate",
        spec,
        "--with",
        "specs/cancel-order.yaml",
        "--shared",
        "item,customer_id",
    ]);
    assert_eq!(
        code,
        Some(0),
        "the cancel never meets the order it cancels: {out}"
    );
    // Usage errors: exit 2, nothing on standard output, the reason on standard error.
    for (args, says) in [
        (
            &["simulate", spec, "--instances", "5"][..],
            "5 is not in 1..=4",
        ),
        (
            &["simulate", spec, "--instances", "0"][..],
            "0 is not in 1..=4",
        ),
        (
            &[
                "simulate",
                spec,
                "--instances",
                "2",
                "--with",
                "specs/cancel-order.yaml",
            ][..],
            "--instances and --with cannot be combined",
        ),
        (
            &["simulate", spec, "--shared", "nope"][..],
            "no record reference of place_order uses the field `nope`",
        ),
        (
            &["simulate", "specs/trip.yaml", "--instances", "2"][..],
            "declares no `resources`",
        ),
        (
            &["simulate", "specs/trip.yaml", "--shared", "item"][..],
            "declares no `resources`",
        ),
    ] {
        let (code, out, err) = sagac(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// `fixtures/with/<CODE>-*/`: `simulate saga.yaml --with with.yaml` reports the rule at the
/// second spec's line, then a usage error (exit 2), with a snapshot of what a student sees.
#[test]
fn every_with_fixture_raises_its_code() {
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir("fixtures/with")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let code = name.split('-').next().unwrap();
        let (status, out, err) = sagac(&[
            "simulate",
            dir.join("saga.yaml").to_str().unwrap(),
            "--with",
            dir.join("with.yaml").to_str().unwrap(),
            "--color",
            "never",
        ]);
        assert_eq!(status, Some(2), "{name}: {err}");
        assert!(out.is_empty(), "{name}");
        assert!(err.contains(&format!("{code}(")), "{name}: {err}");
        insta::assert_snapshot!(format!("with_{name}"), err);
    }
}
