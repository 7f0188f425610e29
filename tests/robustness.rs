//! No input makes sagac panic: arbitrary bytes, and arbitrary mutations of valid specs
//! (and of the version 2 ones, with version 2 keys and values written anywhere).
//! A mutated spec that does not read gets sound syntax errors, however many.
//! On the mutated specs that still resolve, the fast ways to runs (forks, expectations)
//! give the runs made from the start.

use proptest::prelude::*;
use sagac::check::check_source;
use sagac::source::SourceFile;

fn check_bytes(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let checked = check_source(SourceFile::new("fuzz.yaml", text));
    // Every diagnostic's span must lie inside the text, so every renderer can show it.
    for d in &checked.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= checked.source.text.len(),
            "{d:?}"
        );
    }
    let mut out = Vec::new();
    sagac::report::human::render(std::slice::from_ref(&checked), false, &mut out).unwrap();
    sagac::report::json::render(std::slice::from_ref(&checked), &mut out).unwrap();
}

fn shipped_specs() -> Vec<String> {
    let mut specs: Vec<String> = sagac::load::discover(std::path::Path::new("specs"))
        .unwrap()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    specs.sort();
    specs
}

/// One edit of a spec's text: delete, duplicate or move a line, or change a character.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Replace(usize, char),
    Insert(usize, String),
    Truncate(usize),
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    match edit {
        Edit::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
            lines.join("\n")
        }
        Edit::DuplicateLine(i) => {
            if !lines.is_empty() {
                let l = lines[i % n];
                lines.insert(i % n, l);
            }
            lines.join("\n")
        }
        Edit::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
            lines.join("\n")
        }
        Edit::Replace(at, c) => {
            let mut chars: Vec<char> = text.chars().collect();
            if !chars.is_empty() {
                let i = at % chars.len();
                chars[i] = *c;
            }
            chars.into_iter().collect()
        }
        Edit::Insert(at, s) => {
            let chars: Vec<char> = text.chars().collect();
            let i = at % (chars.len() + 1);
            let mut out: String = chars[..i].iter().collect();
            out.push_str(s);
            out.extend(&chars[i..]);
            out
        }
        Edit::Truncate(at) => text.chars().take(at % (text.chars().count() + 1)).collect(),
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        Just(": ".to_owned()),
        Just("\n  - ".to_owned()),
        Just("[".to_owned()),
        Just("{".to_owned()),
        Just("*a".to_owned()),
        Just("&a ".to_owned()),
        Just("kind: pivot\n".to_owned()),
        Just("compensation: X\n".to_owned()),
        Just("\t".to_owned()),
        Just("é".to_owned()),
        "[a-z_.:#\\-\\[\\]{} \n]{0,12}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), any::<char>()).prop_map(|(a, c)| Edit::Replace(a, c)),
        (any::<usize>(), token).prop_map(|(a, s)| Edit::Insert(a, s)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// The shipped specs in language version 2.
fn v2_specs() -> Vec<String> {
    let specs: Vec<String> = shipped_specs()
        .into_iter()
        .filter(|s| s.lines().any(|l| l == "version: 2"))
        .collect();
    assert!(specs.len() >= 2, "the shipped version 2 specs");
    specs
}

/// An edit of a version 2 spec: any edit, or one that writes a version 2 key or value
/// (or the version itself) somewhere.
fn v2_edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        Just("version: 1\n".to_owned()),
        Just("then: terminate".to_owned()),
        Just("runs_for: any_attempt\n".to_owned()),
        Just("runs_for: success".to_owned()),
        Just("on_failure: escalate_and_stop\n".to_owned()),
        Just("absent_effect: fail, ".to_owned()),
        Just("transactional: false\n".to_owned()),
        Just("on_uncaught: no_reply\n".to_owned()),
        Just("{ name: TimedOut, then: retry, keeps: [x] }".to_owned()),
        Just("keeps: [".to_owned()),
        Just("reads_if_present: [failure]\n".to_owned()),
        Just("within: 0s".to_owned()),
        Just("cancellation: { until: ".to_owned()),
        Just("applies: always".to_owned()),
        Just("failure: { Uncaught: ".to_owned()),
        Just("delivery: event".to_owned()),
    ];
    prop_oneof![
        3 => edit(),
        2 => (any::<usize>(), token).prop_map(|(a, s)| Edit::Insert(a, s)),
    ]
}

/// One of the shipped version 2 specs with the edits applied.
fn mutated_v2(which: usize, edits: &[Edit]) -> String {
    let specs = v2_specs();
    let mut text = specs[which % specs.len()].clone();
    for e in edits {
        text = apply(&text, e);
    }
    text
}

/// One of the shipped specs (`which`, modulo their number) with the edits applied.
fn mutated(which: usize, edits: &[Edit]) -> String {
    let specs = shipped_specs();
    let mut text = specs[which % specs.len()].clone();
    for e in edits {
        text = apply(&text, e);
    }
    text
}

/// On a saga that resolves (errors or not): every forked single-fault run is the run made
/// from the start, `expectations` lists the scenarios `enumerate` lists with their
/// representative runs' outcomes and compensations, and the diagrams of every path draw.
fn fast_runs_agree(text: &str) {
    use sagac::scenario::{self, Expectation, FaultKind};
    let checked = check_source(SourceFile::new("mutated.yaml", text.to_owned()));
    let Some(saga) = checked.saga.filter(|_| checked.resolved) else {
        return;
    };
    let candidates = scenario::applicable(&saga, &FaultKind::ALL);
    let (happy, forks) = scenario::forks(&saga, &[], &candidates);
    assert_eq!(happy.trace, scenario::representative(&saga, &[]).trace);
    for (fault, fork) in candidates.iter().zip(forks) {
        let made = scenario::representative(&saga, &[*fault]);
        match fork {
            Some(fork) => {
                let fork = fork.into_scenario(&saga, &happy);
                assert_eq!(fork.trace, made.trace, "{}", made.name);
                assert_eq!(fork.outcome, made.outcome, "{}", made.name);
                assert_eq!(fork.compensated, made.compensated, "{}", made.name);
                assert_eq!(fork.all_fired, made.all_fired, "{}", made.name);
            }
            None => assert!(!made.all_fired, "{}", made.name),
        }
    }
    let full = scenario::enumerate(&saga, &Default::default());
    let fast = scenario::expectations(&saga, &FaultKind::ALL);
    let names = |v: Vec<&str>| v.join(" ");
    assert_eq!(
        names(fast.iter().map(|e| e.name.as_str()).collect()),
        names(full.iter().map(|s| s.name.as_str()).collect())
    );
    for (e, s) in fast.iter().zip(&full) {
        let alone = Expectation::of(&scenario::representative(&saga, &s.faults));
        assert_eq!(
            (e.outcome, &e.compensated, &e.applied_twice),
            (alone.outcome, &alone.compensated, &alone.applied_twice),
            "{}",
            e.name
        );
    }
    let _ = sagac::diagram::combined(&saga);
    let _ = sagac::diagram::state::render(&saga);
}

/// The errors of a text that is not a spec: at least one, at most the reader's limit,
/// sorted, each in bounds, and no place reported twice for the same reason (reading on
/// past a structural error never finds the same one again).
fn parse_errors_are_sound(text: &str) {
    let source = SourceFile::new("mutated.yaml", text.to_owned());
    let Err(errors) = sagac::syntax::parse(&source) else {
        return;
    };
    assert!(!errors.is_empty() && errors.len() <= sagac::syntax::MAX_ERRORS);
    for pair in errors.windows(2) {
        assert!(pair[0].span.start <= pair[1].span.start, "{errors:#?}");
        assert!(
            pair[0].span != pair[1].span || pair[0].kind != pair[1].kind,
            "{errors:#?}"
        );
    }
    for e in &errors {
        assert!(
            e.span.start <= e.span.end && e.span.end <= text.len(),
            "{e:?}"
        );
        if let Some(shape) = &e.expected {
            assert_eq!(shape.example.lines().count(), 2, "{e:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_specs_report_sound_syntax_errors(which in any::<usize>(), edits in proptest::collection::vec(edit(), 1..6)) {
        parse_errors_are_sound(&mutated(which, &edits));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_bytes(&bytes);
    }

    #[test]
    fn mutated_specs_never_panic(which in any::<usize>(), edits in proptest::collection::vec(edit(), 1..6)) {
        check_bytes(mutated(which, &edits).as_bytes());
    }

    #[test]
    fn mutated_v2_specs_never_panic(which in any::<usize>(), edits in proptest::collection::vec(v2_edit(), 1..6)) {
        let text = mutated_v2(which, &edits);
        parse_errors_are_sound(&text);
        check_bytes(text.as_bytes());
    }

    #[test]
    fn mutated_specs_run_the_same_however_made(which in any::<usize>(), edits in proptest::collection::vec(edit(), 1..4)) {
        fast_runs_agree(&mutated(which, &edits));
    }
}

/// An orchestration of `steps` compensatable steps with a saga log: each step admits a
/// business failure, running out of its one attempt, a duplicate command and an
/// orchestrator crash before it, so about four faults per step apply.
fn many_faults(steps: usize) -> String {
    let mut y = String::from(
        "version: 1\nsaga: many_faults\ncoordination: orchestration\nparticipants:\n  order: {}\n  shop: {}\norchestrator: { participant: order, log: saga_log }\ntrigger:\n  participant: order\n  action: CreateOrder\n  event: order.created\n  data: [order_id]\nsteps:\n",
    );
    for i in 0..steps {
        y.push_str(&format!(
            "  - id: step_{i}\n    participant: shop\n    action: Do{i}\n    compensation: Undo{i}\n    reads: [order_id]\n    idempotency_key: order_id\n"
        ));
    }
    y
}

/// The work of combining 60 of about 200 faults does not fit in any integer: the estimate
/// saturates (a debug build used to panic on the overflow) and the command refuses it.
#[test]
fn combining_many_faults_is_refused_without_overflow() {
    use sagac::scenario::{self, FaultKind, Options};
    let text = many_faults(50);
    let checked = check_source(SourceFile::new("many.yaml", text.clone()));
    let saga = checked.saga.expect("the spec resolves");
    assert!(scenario::applicable(&saga, &FaultKind::ALL).len() >= 200);
    let options = Options {
        max_faults: 60,
        ..Options::default()
    };
    assert!(scenario::estimated_work(&saga, &options) > scenario::MAX_WORK);
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("many.yaml");
    std::fs::write(&spec, text).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sagac"))
        .args(["simulate", "--max-faults", "60"])
        .arg(&spec)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--no-limit"), "{stderr}");
}
