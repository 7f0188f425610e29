//! `sagac diagram`: every diagram of every spec in `specs/` and `fixtures/` parses with
//! Mermaid's own parser (`../shared/tools/mermaid-check`), and Mermaid reads back exactly
//! the participants and message texts the renderer meant to draw; the course's order saga
//! has the flows of the course's own diagrams; snapshots pin the text; output is
//! deterministic; `-o` never leaves half a diagram.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use predicates::prelude::*;
use sagac::check;
use sagac::diagram::{self, Diagram, flowchart, markdown, sequence, state};
use sagac::load;
use sagac::model::{Coordination, Saga};
use sagac::simulate;
use serde_json::Value;

const MERMAID_CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/tools/mermaid-check");

fn saga(path: &Path) -> Option<Saga> {
    let checked = check::check_loaded(load::read(path).expect("readable"));
    checked.saga.filter(|_| checked.resolved)
}

fn spec(path: &str) -> Saga {
    saga(Path::new(path)).unwrap_or_else(|| panic!("{path} does not resolve"))
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files = load::discover(Path::new(dir)).expect("directory has specs");
    files.sort();
    files
}

/// Says why Mermaid's parser cannot run here: a loud skip, or a failure when CI requires
/// the tools (`SAGAC_REQUIRE_TOOLS=1`).
fn skip(why: &str) -> Option<Vec<Value>> {
    if std::env::var("SAGAC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("SAGAC_REQUIRE_TOOLS=1 but {why}");
    }
    eprintln!("SKIPPED: Mermaid's parser was not run: {why}");
    None
}

fn runs(program: &str) -> bool {
    Process::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `mermaid-check --json` over many files in one call (node starts slowly): one JSON
/// object per file, in order. `None` when the tool cannot run (see [`skip`]).
fn mermaid_check(files: &[PathBuf]) -> Option<Vec<Value>> {
    if !Path::new(MERMAID_CHECK).exists() {
        return skip(&format!("{MERMAID_CHECK} is missing"));
    }
    if !runs("node") || !runs("npm") {
        return skip("node or npm is not on PATH");
    }
    let out = Process::new(MERMAID_CHECK)
        .arg("--json")
        .args(files)
        .output()
        .expect("mermaid-check runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let results: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(
        results.len(),
        files.len(),
        "mermaid-check answered for {} of {} files; stderr:\n{}",
        results.len(),
        files.len(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(results)
}

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

/// What Mermaid read back, in the renderer's terms, for comparison.
fn read_back(result: &Value) -> (Vec<(String, String)>, Vec<[String; 4]>) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let participants = result["participants"]
        .as_array()
        .map(|a| a.iter().map(|p| (s(&p["id"]), s(&p["label"]))).collect())
        .unwrap_or_default();
    let messages = result["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| [s(&m["kind"]), s(&m["from"]), s(&m["to"]), s(&m["text"])])
                .collect()
        })
        .unwrap_or_default();
    (participants, messages)
}

fn meant(d: &Diagram) -> (Vec<(String, String)>, Vec<[String; 4]>) {
    (
        d.participants
            .iter()
            .map(|p| (p.id.clone(), p.label.clone()))
            .collect(),
        d.drawn
            .iter()
            .map(|m| {
                [
                    m.kind.as_str().to_owned(),
                    m.from.clone(),
                    m.to.clone(),
                    m.text.clone(),
                ]
            })
            .collect(),
    )
}

/// The ```` ```mermaid ```` fences of a Markdown document.
fn fences(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line) {
            (None, "```mermaid") => current = Some(String::new()),
            (Some(_), "```") => out.extend(current.take()),
            (Some(text), l) => {
                text.push_str(l);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "unclosed fence");
    out
}

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = sagac().args(args).assert().success().get_output().clone();
    String::from_utf8(out.stdout).unwrap()
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

/// The body of a sequence diagram as a tree: messages (`from->>to: text`), notes, and
/// blocks (`alt`, `par`) with their branches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Msg(String),
    Note(String),
    Block(String, Vec<(String, Vec<Item>)>),
}

/// An open block: its keyword and the branches so far, each with its label.
type Open = (String, Vec<(String, Vec<Item>)>);

fn tree(text: &str) -> Vec<Item> {
    let mut stack: Vec<Open> = Vec::new();
    let mut top: Vec<Item> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line == "sequenceDiagram" || line.starts_with("participant ") {
            continue;
        }
        let target = |stack: &mut Vec<Open>, top: &mut Vec<Item>, item| match stack.last_mut() {
            Some((_, branches)) => branches.last_mut().unwrap().1.push(item),
            None => top.push(item),
        };
        if let Some((kw, label)) = line
            .split_once(' ')
            .filter(|(k, _)| ["alt", "par", "opt", "loop"].contains(k))
        {
            stack.push((kw.to_owned(), vec![(label.to_owned(), Vec::new())]));
        } else if let Some((_, label)) = line
            .split_once(' ')
            .filter(|(k, _)| ["else", "and"].contains(k))
        {
            stack
                .last_mut()
                .unwrap()
                .1
                .push((label.to_owned(), Vec::new()));
        } else if line == "end" {
            let (kw, branches) = stack.pop().unwrap();
            target(&mut stack, &mut top, Item::Block(kw, branches));
        } else if let Some(note) = line.strip_prefix("Note over ") {
            target(&mut stack, &mut top, Item::Note(note.to_owned()));
        } else {
            target(&mut stack, &mut top, Item::Msg(line.to_owned()));
        }
    }
    assert!(stack.is_empty(), "unclosed block");
    top
}

fn messages(items: &[Item]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Msg(m) => Some(m.as_str()),
            _ => None,
        })
        .collect()
}

fn alt<'a>(items: &'a [Item], label: &str) -> &'a [(String, Vec<Item>)] {
    items
        .iter()
        .find_map(|i| match i {
            Item::Block(kw, branches) if kw == "alt" && branches[0].0 == label => {
                Some(branches.as_slice())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no `alt {label}` in {items:#?}"))
}

/// The course's orchestration diagram: reserve inventory, reserved OK, charge payment; alt
/// payment succeeds: send confirmation, sent OK, saga complete; else payment failed:
/// release inventory (compensate), released OK, saga failed. The spec adds what the
/// course's drawing leaves out: the trigger (and its compensation, `RejectOrder`), and the
/// failure of the reservation itself.
#[test]
fn course_orchestration_has_the_course_flows() {
    let d = diagram::combined(&spec("specs/order-orchestration.yaml"));
    let items = tree(&d.text);
    assert_eq!(
        messages(&items),
        [
            "order->>order: CreateOrder (trigger)",
            "order->>orchestrator: order.created",
            "orchestrator->>inventory: ReserveInventory",
        ]
    );
    let reserve = alt(&items, "reserve_inventory succeeds");
    assert_eq!(
        messages(&reserve[0].1),
        [
            "inventory-->>orchestrator: ReserveInventory OK",
            "orchestrator->>payment: ChargeCard",
        ]
    );
    assert_eq!(reserve[1].0, "reserve_inventory fails (OutOfStock)");
    assert_eq!(
        messages(&reserve[1].1),
        [
            "inventory-->>orchestrator: ReserveInventory failed: OutOfStock",
            "orchestrator->>order: RejectOrder (compensate)",
            "order-->>orchestrator: RejectOrder OK",
            "orchestrator->>orchestrator: saga failed (compensated)",
        ]
    );
    let charge = alt(&items, "charge_payment succeeds");
    assert_eq!(charge.len(), 2);
    assert_eq!(
        messages(&charge[0].1),
        [
            "payment-->>orchestrator: ChargeCard OK",
            "orchestrator->>notification: SendConfirmationEmail",
            "notification-->>orchestrator: SendConfirmationEmail OK",
            "orchestrator->>orchestrator: saga complete",
        ]
    );
    assert_eq!(charge[1].0, "charge_payment fails (CardDeclined)");
    assert_eq!(
        messages(&charge[1].1),
        [
            "payment-->>orchestrator: ChargeCard failed: CardDeclined",
            "orchestrator->>inventory: ReleaseInventory (compensate)",
            "inventory-->>orchestrator: ReleaseInventory OK",
            "orchestrator->>order: RejectOrder (compensate)",
            "order-->>orchestrator: RejectOrder OK",
            "orchestrator->>orchestrator: saga failed (compensated)",
        ]
    );
    // The pivot and the retriable step are marked.
    assert!(
        d.text
            .contains("Note over payment: pivot (point of no return)")
    );
    assert!(
        d.text
            .contains("Note over notification: retriable: unlimited attempts")
    );
}

/// The course's choreography diagram: order.created, reserve stock, inventory.reserved,
/// charge card; alt payment succeeds: payment.completed, send confirmation; else
/// payment.failed: inventory releases the stock and the order is marked failed (the spec's
/// trigger compensation, `RejectOrder`).
#[test]
fn course_choreography_has_the_course_flows() {
    let d = diagram::combined(&spec("specs/order-choreography.yaml"));
    let items = tree(&d.text);
    assert_eq!(
        messages(&items),
        [
            "order->>order: CreateOrder (trigger)",
            "order->>inventory: order.created",
        ]
    );
    let reserve = alt(&items, "reserve_inventory succeeds");
    assert_eq!(
        messages(&reserve[0].1),
        [
            "inventory->>inventory: ReserveInventory",
            "inventory->>payment: inventory.reserved",
        ]
    );
    let charge = alt(&items, "charge_payment succeeds");
    assert_eq!(charge.len(), 2);
    assert_eq!(
        messages(&charge[0].1),
        [
            "payment->>payment: ChargeCard",
            "payment->>notification: payment.completed",
            "notification->>notification: SendConfirmationEmail",
            "notification->>notification: publishes confirmation.sent (terminal event)",
            "payment->>order: payment.completed",
            "order->>order: ApproveOrder (reaction)",
        ]
    );
    assert_eq!(
        charge[0].1.last(),
        Some(&Item::Note("order,notification: saga complete".to_owned()))
    );
    assert_eq!(
        messages(&charge[1].1),
        [
            "payment->>payment: ChargeCard fails: CardDeclined",
            "payment->>order: payment.failed",
            "order->>order: RejectOrder (compensate)",
            "payment->>inventory: payment.failed",
            "inventory->>inventory: ReleaseInventory (compensate)",
            "inventory->>inventory: publishes inventory.released (terminal event)",
        ]
    );
    assert_eq!(
        charge[1].1.last(),
        Some(&Item::Note(
            "order,notification: saga failed (compensated)".to_owned()
        ))
    );
}

/// Each failure branch of the combined diagram is its scenario's run, action for action:
/// the combined diagram draws exactly the `fail:` runs `simulate` checks.
#[test]
fn failure_branches_are_the_scenarios_runs() {
    for path in yaml_files("specs") {
        let saga = spec(path.to_str().unwrap());
        let combined = diagram::combined(&saga);
        for step in saga.step_ids() {
            let Some(fault) = sagac::scenario::Fault::failing_for_good(&saga, step) else {
                continue;
            };
            let alone = sequence::scenario(&saga, &diagram::one_scenario(&saga, &[fault]));
            // The failure run's messages (notes aside) appear in order in the combined
            // diagram.
            let mut rest = combined.drawn.iter();
            for m in alone
                .drawn
                .iter()
                .filter(|m| m.kind == diagram::DrawnKind::Message)
            {
                assert!(
                    rest.any(|c| c == m),
                    "{}: {:?} of {} is missing from the combined diagram",
                    path.display(),
                    m,
                    saga.step(step).id.value
                );
            }
        }
    }
}

/// Past Mermaid's default size a failure branch draws what it adds and refers to an
/// earlier branch for the rest, from a message of it that the note names. Following those
/// references gives back every failure run in full, message for message and note for note.
#[test]
fn shared_tails_expand_to_the_full_runs() {
    let mut references = 0;
    let mut files = yaml_files("specs");
    files.extend(yaml_files("fixtures/diagram"));
    // Runs long enough that the tails are chosen while the diagram in full is tried (past
    // FULL_LIMIT / 16 actions in the failure runs).
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.yaml");
    std::fs::write(&long, compensatable_orchestration(120)).unwrap();
    let (_, branches) = diagram::failure_branches(&spec(long.to_str().unwrap()));
    let actions: usize = branches.iter().map(|b| b.rest().len()).sum();
    assert!(actions > diagram::FULL_LIMIT / 4, "{actions} actions");
    files.push(long);
    for path in files {
        let saga = spec(path.to_str().unwrap());
        let shared = diagram::combined(&saga);
        let full = diagram::combined_in_full(&saga);
        if full.text.len() <= diagram::FULL_LIMIT {
            assert_eq!(
                shared,
                full,
                "{}: small diagrams are drawn in full",
                path.display()
            );
            continue;
        }
        assert!(
            shared.text.len() < full.text.len() / 2,
            "{}",
            path.display()
        );
        let (shared, full) = (tree(&shared.text), tree(&full.text));
        assert_eq!(shared.len(), full.len(), "{}", path.display());
        // Each failure branch as drawn in full, by its label.
        let mut expanded: Vec<(String, Vec<Item>)> = Vec::new();
        for (s, f) in shared.iter().zip(&full) {
            let (Item::Block(kw, sb), Item::Block(_, fb)) = (s, f) else {
                assert_eq!(s, f, "{}", path.display());
                continue;
            };
            assert_eq!(sb[0], fb[0], "{} {kw}: the happy branch", path.display());
            for ((label, items), (full_label, full_items)) in sb[1..].iter().zip(&fb[1..]) {
                assert_eq!(label, full_label);
                let mut items = items.clone();
                if let Some(Item::Note(note)) = items.last()
                    && let Some(rest) = note.split_once(": then the same as in \"").map(|x| x.1)
                {
                    let (earlier, rest) = rest.split_once("\" above, from \"").unwrap();
                    let from = rest.strip_suffix("\" on").unwrap();
                    let (_, drawn) =
                        expanded
                            .iter()
                            .find(|(l, _)| l == earlier)
                            .unwrap_or_else(|| {
                                panic!("{}: no branch {earlier:?} above", path.display())
                            });
                    // The message the note names appears once in that branch.
                    let named: Vec<usize> = drawn
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| matches!(i, Item::Msg(m) if m.split_once(": ").map(|x| x.1) == Some(from)))
                        .map(|(k, _)| k)
                        .collect();
                    assert_eq!(
                        named.len(),
                        1,
                        "{}: {from:?} in {earlier:?}",
                        path.display()
                    );
                    let tail = drawn[named[0]..].to_vec();
                    items.pop();
                    items.extend(tail);
                    references += 1;
                }
                assert_eq!(&items, full_items, "{}: else {label}", path.display());
                expanded.push((label.clone(), items));
            }
        }
    }
    assert!(
        references > 30,
        "only {references} shared tails were followed"
    );
}

#[test]
fn parallel_groups_send_their_commands_in_par() {
    let d = diagram::combined(&spec("specs/trip.yaml"));
    let items = tree(&d.text);
    let par = items
        .iter()
        .find_map(|i| match i {
            Item::Block(kw, b) if kw == "par" => Some(b),
            _ => None,
        })
        .expect("a par block");
    let labels: Vec<&str> = par.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["book_flight", "book_hotel", "book_car"]);
    assert_eq!(messages(&par[1].1), ["orchestrator->>hotels: BookHotel"]);
}

#[test]
fn snapshots() {
    for path in yaml_files("specs") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let saga = spec(path.to_str().unwrap());
        insta::assert_snapshot!(format!("{stem}-sequence"), diagram::combined(&saga).text);
        insta::assert_snapshot!(format!("{stem}-flowchart"), flowchart::render(&saga));
        if saga.coordination == Coordination::Orchestration {
            insta::assert_snapshot!(
                format!("{stem}-state"),
                state::render(&saga).expect("an orchestration has a state machine")
            );
        }
    }
    for path in yaml_files("fixtures/diagram") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let saga = spec(path.to_str().unwrap());
        insta::assert_snapshot!(format!("{stem}-sequence"), diagram::combined(&saga).text);
    }
    for spec in [
        "specs/order-orchestration.yaml",
        "specs/order-choreography.yaml",
    ] {
        let stem = Path::new(spec)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(
            format!("{stem}-every-markdown"),
            stdout_of(&["diagram", spec, "--path", "every", "--markdown"])
        );
    }
}

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

/// An orchestration of `n` compensatable steps on one service.
fn compensatable_orchestration(n: usize) -> String {
    let mut spec = String::from(
        "version: 1\nsaga: big\ncoordination: orchestration\nparticipants:\n  order: {}\n  svc: {}\n\
         orchestrator: { participant: order, log: big_log }\n\
         trigger: { participant: order, action: CreateOrder, event: order.created, outbox: { table: order_outbox, relay: cdc } }\nsteps:\n",
    );
    for i in 0..n {
        spec.push_str(&format!(
            "  - {{ id: step_{i}, participant: svc, action: Do{i}, compensation: Undo{i} }}\n"
        ));
    }
    spec
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
