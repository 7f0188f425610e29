//! Diagram files through `sagac check`: read as diagrams, not specs; errors at the file's
//! own line and column; every output format, with the student's text escaped; what a
//! folder gives; and which spec a diagram is compared with.

use super::*;

#[test]
fn a_mermaid_error_in_answers_md_is_at_the_files_own_line_and_column() {
    let (v, code) = json_of(&["fixtures/mermaid/M901-mermaid-syntax/answers.md"]);
    assert_eq!(code, 1);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "M901");
    // Line 13 of answers.md, where `O->>P ChargeCard` is, not line 4 of the block.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(13), Some(5))
    );
    assert_eq!(d["end_column"], 21);
    assert_eq!(d["help"], "write it as `A->>B: text`");
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
}

#[test]
fn diagram_files_are_read_as_diagrams_not_specs() {
    let dir = tempfile::tempdir().unwrap();
    let text = "sequenceDiagram\n    A->>B: hello\n";
    for name in ["flow.mmd", "flow.mermaid", "answers.md", "notes.markdown"] {
        let body = match name.ends_with(".md") || name.ends_with(".markdown") {
            true => format!("# Notes\n\n```mermaid\n{text}```\n"),
            false => text.to_owned(),
        };
        let path = write(dir.path(), name, &body);
        let out = sagac()
            .args(["check", "--color", "never"])
            .arg(&path)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("no problems found"), "{name}: {out}");
        assert!(!out.contains("top level"), "{name}: {out}");
    }
    // A flowchart is left alone; a kind Mermaid does not know is an error at its word.
    let other = write(dir.path(), "outbox.mmd", "graph LR\n  A --> B\n");
    let typo = write(
        dir.path(),
        "typo.mmd",
        "%% x\nsequencediagram\n  A->>B: x\n",
    );
    let files = check_files(&[&other, &typo]);
    assert_eq!(found(&files, "outbox.mmd"), vec![]);
    assert_eq!(found(&files, "typo.mmd"), vec![("M902".to_owned(), 2, 1)]);
}

/// Text from a student's diagram that would be markup, a workflow command, a terminal
/// escape or the end of a CDATA section in some format.
const HOSTILE: &str = "<img src=x onerror=alert(1)> ]]> 100% ::error::x | `a` \u{1b}[31m & \"q\"";

#[test]
fn every_format_reports_diagram_files_with_their_text_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "fixtures/mermaid/clean-orchestration/saga.yaml",
        dir.path().join("saga.yaml"),
    )
    .unwrap();
    let answers = format!(
        "# Answers\n\n```mermaid\nsequenceDiagram\n    participant O as Orchestrator\n    participant E as {HOSTILE}\n    O->>E: {HOSTILE}\n```\n"
    );
    write(dir.path(), "answers.md", &answers);
    let run = |format: &str, summary: Option<&Path>| {
        let mut cmd = sagac();
        cmd.current_dir(dir.path())
            .args(["check", ".", "--color", "never", "--format", format])
            .env_remove("GITHUB_STEP_SUMMARY");
        if let Some(s) = summary {
            cmd.env("GITHUB_STEP_SUMMARY", s);
        }
        let out = cmd.assert().code(0).get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    };
    for format in ["human", "json", "github", "sarif", "junit"] {
        let out = run(format, None);
        assert!(
            !out.contains('\u{1b}'),
            "{format}: a terminal escape got through"
        );
        assert!(
            out.contains("M910") && out.contains("M912"),
            "{format}: {out}"
        );
        match format {
            "json" | "sarif" => {
                let v: Value = serde_json::from_str(&out).unwrap();
                assert!(v.to_string().contains("<img src=x onerror=alert(1)>"));
            }
            "junit" => {
                assert!(!out.contains("<img"), "{out}");
                assert!(out.contains("&lt;img src=x"), "{out}");
                assert_eq!(out.matches("]]>").count(), out.matches("<![CDATA[").count());
            }
            "github" => {
                for line in out.lines().filter(|l| l.starts_with("::")) {
                    // The message is one line, and a `::` inside it cannot start a command.
                    let data = line.splitn(3, "::").nth(2).unwrap();
                    assert!(!data.contains("\n") && data.contains("100%25"), "{line}");
                }
            }
            _ => assert!(out.contains("answers.md:7:12"), "{out}"),
        }
    }
    let summary = dir.path().join("summary.md");
    run("github", Some(&summary));
    let md = std::fs::read_to_string(&summary).unwrap();
    for row in md.lines().filter(|l| l.contains("M912")) {
        // The student's text stays inside a code span, its `|` escaped.
        assert!(row.contains("`<img src=x onerror=alert(1)>"), "{row}");
        assert!(row.contains("\\|"), "{row}");
        assert_eq!(row.matches('`').count() % 2, 0, "{row}");
    }
}

#[test]
fn a_folder_gives_its_diagrams_and_the_markdown_beside_its_specs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let spec = std::fs::read_to_string("fixtures/mermaid/clean-orchestration/saga.yaml").unwrap();
    write(root, "alice/saga.yaml", &spec);
    write(root, "alice/answers.md", "# A\n");
    write(root, "alice/notes.md", "# Notes\n");
    write(
        root,
        "alice/flow.mmd",
        "sequenceDiagram\n  participant order\n",
    );
    write(root, "bob/answers.md", "# B\n");
    write(root, "docs/guide.md", "# Not beside a spec\n");
    write(root, ".hidden/x.mmd", "sequenceDiagram\n");
    let (v, code) = json_of(&[root.to_str().unwrap()]);
    assert_eq!(code, 0);
    let files: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = f["file"].as_str().unwrap();
            name[name.find("/alice/").or(name.find("/bob/")).unwrap() + 1..].to_owned()
        })
        .collect();
    assert_eq!(
        files,
        vec![
            "alice/answers.md",
            "alice/flow.mmd",
            "alice/notes.md",
            "alice/saga.yaml",
            "bob/answers.md"
        ]
    );
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "README.md", "# nothing\n");
    sagac()
        .arg("check")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("holds no spec or diagram"));
}

#[test]
fn a_diagram_is_compared_with_the_spec_beside_it() {
    let dir = "fixtures/mermaid/M912-unknown-message";
    let answers = Path::new(dir).join("answers.md");
    // Alone, a diagram is only read: no spec, no comparison.
    assert_eq!(codes(&check_files(&[&answers])), Vec::<String>::new());
    // With its spec, in the same run.
    let spec = Path::new(dir).join("saga.yaml");
    let files = check_files(&[&spec, &answers]);
    assert!(codes(&files).contains(&"M912".to_owned()));
    let message = &files[1].diagnostics.last().unwrap().message;
    assert!(
        message.ends_with("of `fixtures/mermaid/M912-unknown-message/saga.yaml`"),
        "{message}"
    );
    // Two folders in one run: each diagram with the spec of its own folder.
    let other = Path::new("fixtures/mermaid/clean-choreography");
    let files = check_files(&[
        &spec,
        &answers,
        &other.join("saga.yaml"),
        &other.join("sequence.mmd"),
    ]);
    assert_eq!(found(&files, "sequence.mmd"), vec![]);
    // Of several specs, `saga.yaml` is the one, else the one the diagram draws best.
    let copy = tempfile::tempdir().unwrap();
    let choreography = std::fs::read_to_string(other.join("saga.yaml")).unwrap();
    write(copy.path(), "saga.yaml", &choreography);
    let orchestration = std::fs::read_to_string(&spec).unwrap();
    write(copy.path(), "b.yaml", &orchestration);
    let drawn = std::fs::read_to_string("fixtures/mermaid/clean-orchestration/answers.md").unwrap();
    let d = write(copy.path(), "answers.md", &drawn);
    let files = check_files(&[
        &copy.path().join("b.yaml"),
        &copy.path().join("saga.yaml"),
        &d,
    ]);
    assert!(
        codes(&files).contains(&"M911".to_owned()),
        "compared with saga.yaml"
    );
    std::fs::rename(copy.path().join("saga.yaml"), copy.path().join("a.yaml")).unwrap();
    let files = check_files(&[&copy.path().join("a.yaml"), &copy.path().join("b.yaml"), &d]);
    assert_eq!(
        codes(&files),
        Vec::<String>::new(),
        "the best match, b.yaml"
    );
}
