//! Grades of a hostile submission in every format: names, file names, folder names and
//! diagram text built to break out of Markdown (backticks, `![x](...)`, `<img>`, `|`, bare
//! URLs), of GitHub workflow commands (`::`, `%`, line breaks), of XML, of a spreadsheet
//! (`=cmd`, a leading tab) and of a terminal (escape sequences). Nothing may escape: no
//! HTML, image or link outside code spans, annotations one line each and escaped, the
//! JUnit well formed, CSV cells neutralised, no control character on a terminal.

use std::fs;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde_json::Value;

use super::check_well_formed;

/// The submission's folder name: a formula, a workflow command, a percent escape, an
/// image, a tag and a line break (a file name holds anything but `/`).
const FOLDER: &str =
    "=cmd|' -C calc'!A0 ::error::x %0A `![f](http:evil.example)` <img src=x>\n- item";

/// Text that must never reach a Markdown reader outside a code span.
const MARKERS: &[&str] = &["evil.example", "<img", "<b>", "![", "](http"];

/// A spec whose names are each hostile: they do not resolve, so they reach the feedback
/// through the checker's messages (the valid criterion, and "fix first" everywhere).
const SPEC: &str = r#"version: 1
saga: place_order
coordination: orchestration
rationale: "I chose orchestration <img src=x onerror=alert(1)> because ![r](http://evil.example/r.png) one place sees the flow."
participants:
  order: {}
  inventory: {}
  payment: {}
orchestrator: { participant: order, log: order_saga_log }
trigger:
  participant: order
  action: CreateOrder
  compensation: CancelOrder
  event: order.created
  outbox: { table: order_outbox, relay: polling }
steps:
  - id: "<img src=x onerror=alert(1)>"
    participant: inventory
    action: "Deduct` ![x](http://evil.example/x.png) `Stock"
    compensation: "| a | b |\n::error::injected %0A"
    failures: ["=cmd|' /C calc'!A0", "\u001b[31mred\u001b[0m"]
  - id: charge_payment
    participant: payment
    action: "Charge`` <b>bold</b> ``Card"
    kind: pivot
"#;

fn hostile_submission(root: &Path) -> String {
    let sub = root.join(FOLDER);
    // A zip of one folder, itself with a hostile name.
    let inner = sub.join("`![z](http:evil.example)` <b>zip<b>");
    fs::create_dir_all(&inner).unwrap();
    fs::write(inner.join("saga.yaml"), SPEC).unwrap();
    fs::write(
        inner.join("answers.md"),
        "# Coordination\n\n```mermaid\n`![m](http://evil.example/m.png)`<img src=x> diagram\n```\n\n```mermaid\nsequenceDiagram\nparticipant A as <img src=x>\nA->>B: ![d](http://evil.example/d.png)\n`x` :: y\n```\n",
    )
    .unwrap();
    fs::write(
        inner.join("<b>x<b>|y ::error::z.mmd"),
        "flowchart ![g](http://evil.example/g.png)\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", sub.join("![l](http:evil.example) <img>")).unwrap();
    FOLDER.to_owned()
}

/// Runs `sagac grade` on the hostile submission in `root`, with extra arguments.
fn grade(root: &Path, args: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("sagac").unwrap();
    cmd.current_dir(root)
        .arg("grade")
        .arg(FOLDER)
        .args(["--assignment", "order-saga"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Markdown that a reader renders with nothing from the submission but text and code.
fn markdown_is_inert(md: &str, what: &str) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM
        | Options::ENABLE_FOOTNOTES;
    let mut cells = 0;
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("{what}: raw HTML {h:?}\n{md}"),
            Event::Start(Tag::Image { dest_url, .. }) => panic!("{what}: image {dest_url}\n{md}"),
            Event::Start(Tag::Link { dest_url, .. }) => panic!("{what}: link {dest_url}\n{md}"),
            Event::InlineMath(m) | Event::DisplayMath(m) => panic!("{what}: math {m:?}\n{md}"),
            Event::Text(t) => {
                for marker in MARKERS {
                    assert!(
                        !t.contains(marker),
                        "{what}: {marker:?} in text {t:?}\n{md}"
                    );
                }
            }
            Event::Start(Tag::TableRow | Tag::TableHead) => cells = 0,
            Event::Start(Tag::TableCell) => {
                cells += 1;
                assert!(
                    cells <= 3,
                    "{what}: a table row with more than 3 cells\n{md}"
                );
            }
            _ => {}
        }
    }
}

/// Every line is a command of ours, one line, its properties escaped, or a line that no
/// runner reads as a command.
fn annotations_are_inert(log: &str) {
    for line in log.lines() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("::") {
            continue;
        }
        let (command, rest) = trimmed[2..]
            .split_once(' ')
            .expect("a command with properties");
        assert!(matches!(command, "error" | "warning" | "notice"), "{line}");
        let (properties, _message) = rest.split_once("::").expect("properties, then the message");
        for property in properties.split(',') {
            let (key, value) = property.split_once('=').expect("key=value");
            assert!(matches!(key, "file" | "line" | "title"), "{line}");
            assert!(!value.contains([':', ',', '\r']), "{line}");
        }
    }
}

fn no_control_characters(text: &str, what: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{what}: a control character in {text:?}"
    );
}

#[test]
fn hostile_names_escape_no_grade_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    hostile_submission(root);

    let md = grade(root, &["--format", "markdown"], &[]);
    assert_eq!(md.status.code(), Some(1));
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("S006"), "{md}");
    markdown_is_inert(&md, "markdown");

    let results = root.join("results.json");
    let out = grade(root, &["--format", "gradescope", "-o", "results.json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&fs::read_to_string(&results).unwrap()).unwrap();
    markdown_is_inert(v["output"].as_str().unwrap(), "gradescope output");
    for t in v["tests"].as_array().unwrap() {
        markdown_is_inert(t["output"].as_str().unwrap(), "gradescope test");
    }

    let summary = root.join("summary.md");
    let out = grade(
        root,
        &["--format", "github"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    let log = String::from_utf8(out.stdout).unwrap();
    annotations_are_inert(&log);
    markdown_is_inert(&fs::read_to_string(&summary).unwrap(), "job summary");

    let out = grade(root, &["--format", "junit"], &[]);
    check_well_formed(&String::from_utf8(out.stdout).unwrap());

    let github_output = root.join("github_output");
    let out = grade(
        root,
        &["--format", "classroom"],
        &[("GITHUB_OUTPUT", &github_output)],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for t in v["tests"].as_array().unwrap() {
        markdown_is_inert(t["message"].as_str().unwrap(), "classroom message");
    }

    let out = grade(root, &["--format", "human", "--summary", "grades.csv"], &[]);
    let human = String::from_utf8(out.stdout).unwrap();
    no_control_characters(&human, "human");
    let csv = fs::read_to_string(root.join("grades.csv")).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.starts_with("\"'=cmd"), "{row}");

    let out = grade(root, &["--format", "json"], &[]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for c in v["criteria"].as_array().unwrap() {
        no_control_characters(c["feedback"].as_str().unwrap(), "json feedback");
    }
}

#[test]
fn a_folder_name_starts_no_command_and_no_formula() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["::error::pwned", "\t=1+1", "@SUM(A1)"];
    for name in names {
        let sub = dir.path().join(name);
        fs::create_dir_all(&sub).unwrap();
        for f in ["saga.yaml", "answers.md"] {
            fs::copy(
                Path::new("fixtures/submissions/no-outbox").join(f),
                sub.join(f),
            )
            .unwrap();
        }
    }
    let out = assert_cmd::Command::cargo_bin("sagac")
        .unwrap()
        .current_dir(dir.path())
        .arg("grade")
        .args(names)
        .args(["--assignment", "order-saga", "--format", "github"])
        .arg("--summary")
        .arg(dir.path().join("grades.csv"))
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log = String::from_utf8(out.stdout).unwrap();
    annotations_are_inert(&log);
    assert!(log.contains("'::error::pwned': 9/10"), "{log}");
    let csv = fs::read_to_string(dir.path().join("grades.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(rows[1].starts_with("'\t=1+1,"), "{csv}");
    assert!(rows[2].starts_with("'@SUM(A1),"), "{csv}");
}
