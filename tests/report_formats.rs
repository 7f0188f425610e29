//! The CI formats (`--format github|sarif|junit`): snapshots of each on a few rule fixtures,
//! a clean spec and a made-up file whose names and messages hold every character that needs
//! escaping; the SARIF read back and its structure checked; the JUnit checked well formed.
//! `grades.rs` does the same for the grade formats, on a hostile submission.

use std::path::Path;

use sagac::check::{self, Checked};
use sagac::diagnostic::Rule;
use sagac::diagnostic::{self, Diagnostic, Severity};
use sagac::load;
use sagac::report::{github, junit, sarif};
use sagac::source::{SourceFile, Span};
use serde_json::Value;

#[path = "report_formats/grades.rs"]
mod grades;

const FIXTURES: &[&str] = &[
    "fixtures/rules/R101-undeclared-participant.yaml",
    "fixtures/rules/R102-duplicate-step-id.yaml",
    "fixtures/rules/S002-unknown-key.yaml",
    "fixtures/rules/S010-not-a-spec.yaml",
    "fixtures/rules/clean-minimal.yaml",
];

/// A warning and an error made up for these tests, so the snapshots hold a warning and do
/// not change when a real rule's documentation does.
static ODD_WARNING: Rule = Rule {
    code: "Z901",
    name: "odd-warning",
    severity: Severity::Warning,
    summary: "A warning made up by the report tests",
    doc: " ## What it checks\n A made-up warning.\n\n ## Why it matters\n Tests.\n",
};

static ODD_ERROR: Rule = Rule {
    code: "Z902",
    name: "odd-error",
    severity: Severity::Error,
    summary: "An error made up by the report tests",
    doc: " ## What it checks\n A made-up error.\n\n ## Why it matters\n Tests.\n",
};

const ODD_TEXT: &str = "version: 1\n\
saga: \"100%: a,b <&> 'q'\"\n\
steps:\n  \
- id: é🎉x\n    \
note: |\n      \
line one\n      \
line two\n";

fn check_file(path: &str) -> Checked {
    check::check_loaded(load::read(Path::new(path)).expect("fixture is readable"))
}

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle is in the text");
    Span::new(start, start + needle.len())
}

/// A file whose path, messages and help need escaping in every format: `%`, `:`, `,`, a
/// newline, `<`, `&`, quotes, a control character; a span over two lines; and a character
/// outside the Basic Multilingual Plane before a span's end.
fn odd_file() -> Checked {
    let source = SourceFile::new("specs/odd name, v1: 50%.yaml", ODD_TEXT.to_owned());
    let mut diagnostics = vec![
        Diagnostic::new(
            &ODD_WARNING,
            span_of(ODD_TEXT, "\"100%: a,b <&> 'q'\""),
            "saga name `100%: a,b <&> 'q'` holds \"odd\"\ncharacters\u{1b}",
        )
        .help("rename it: a, b & c < d"),
        Diagnostic::new(
            &ODD_ERROR,
            span_of(ODD_TEXT, "line one\n      line two"),
            "a note over two lines",
        ),
        Diagnostic::new(&ODD_ERROR, span_of(ODD_TEXT, "é🎉x"), "step id `é🎉x`")
            .related(span_of(ODD_TEXT, "saga"), "the saga"),
    ];
    diagnostic::sort(&mut diagnostics);
    Checked {
        source,
        diagnostics,
        saga: None,
        resolved: false,
    }
}

fn all_files() -> Vec<Checked> {
    let mut files: Vec<Checked> = FIXTURES.iter().map(|p| check_file(p)).collect();
    files.push(odd_file());
    files
}

fn render(f: fn(&[Checked], &mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&all_files(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn github_with_summary(files: &[Checked], summary: &Path) -> String {
    let mut out = Vec::new();
    github::render_with_summary(files, &mut out, Some(summary)).unwrap();
    String::from_utf8(out).unwrap()
}

fn sarif_text() -> String {
    render(sarif::render).replace(
        &format!("\"semanticVersion\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"semanticVersion\": \"[version]\"",
    )
}

// GitHub ------------------------------------------------------------------------------------

#[test]
fn github_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let out = github_with_summary(&all_files(), &summary);
    insta::assert_snapshot!("github", out);
    insta::assert_snapshot!(
        "github_step_summary",
        std::fs::read_to_string(&summary).unwrap()
    );
}

#[test]
fn github_escapes_properties_and_messages() {
    let odd = odd_file();
    let lines: Vec<String> = odd
        .diagnostics
        .iter()
        .map(|d| github::annotation(d, &odd.source))
        .collect();
    let warning = lines
        .iter()
        .find(|l| l.starts_with("::warning "))
        .expect("the warning is annotated as one");
    assert!(
        warning.starts_with(
            "::warning file=specs/odd name%2C v1%3A 50%25.yaml,line=2,endLine=2,col=7,endColumn=26,\
             title=Z901 odd-warning::"
        ),
        "{warning}"
    );
    // The message keeps `:` and `,` but escapes `%` and the newline; the help follows an
    // escaped newline.
    assert!(
        warning.ends_with(
            "::saga name `100%25: a,b <&> 'q'` holds \"odd\"%0Acharacters\u{FFFD}%0Ahelp: rename it: a, b & c < d"
        ),
        "{warning}"
    );
    for line in &lines {
        assert!(!line.contains('\n') && !line.contains('\r'), "{line}");
    }
    // A span over two lines has no columns.
    let multi = lines
        .iter()
        .find(|l| l.contains("a note over two lines"))
        .unwrap();
    assert!(multi.contains("line=6,endLine=7,title="), "{multi}");
    assert!(!multi.contains("col="), "{multi}");
    // Columns count characters: `é🎉x` is 3 characters from column 9.
    let step = lines.iter().find(|l| l.contains("step id")).unwrap();
    assert!(step.contains(",col=9,endColumn=12,"), "{step}");
    assert!(
        step.contains("%0Anote: line 2, column 1: the saga"),
        "{step}"
    );
}

#[test]
fn github_says_when_annotations_are_hidden() {
    let source = SourceFile::new("many.yaml", "x\n".repeat(12));
    let diagnostics = (0..12)
        .map(|i| Diagnostic::new(&ODD_ERROR, Span::new(2 * i, 2 * i + 1), "bad"))
        .collect();
    let files = [Checked {
        source,
        diagnostics,
        saga: None,
        resolved: false,
    }];
    let mut out = Vec::new();
    github::render_with_summary(&files, &mut out, None).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out.matches("::error ").count(),
        12,
        "every error is emitted"
    );
    let last = out.lines().last().unwrap();
    assert_eq!(
        last,
        "many.yaml: 12 errors, 0 warnings (GitHub shows only the first 10 errors of a step as \
         annotations; this log lists them all)"
    );
    // Ten is not more than ten.
    let ten = github::summary_line(&[Checked {
        diagnostics: files[0].diagnostics[..10].to_vec(),
        source: files[0].source.clone(),
        saga: None,
        resolved: false,
    }]);
    assert_eq!(ten, "many.yaml: 10 errors, 0 warnings");
}

#[test]
fn github_step_summary_appends_and_stays_within_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step output").unwrap();
    github_with_summary(&all_files(), &summary);
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step output\n### sagac check\n"),
        "{written}"
    );

    // A summary file already near 1 MiB: the table is cut at a row, with a note.
    let nearly_full = github::STEP_SUMMARY_LIMIT as usize - 800;
    std::fs::write(&summary, "x".repeat(nearly_full)).unwrap();
    github_with_summary(&all_files(), &summary);
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.len() as u64 <= github::STEP_SUMMARY_LIMIT);
    let added = &written[nearly_full..];
    assert!(
        added.contains("| File | Line | Code | Message |"),
        "{added}"
    );
    assert!(added.contains("more not listed"), "{added}");
    assert!(added.ends_with(".\n"), "{added}");

    // No room at all: nothing is appended.
    std::fs::write(&summary, "x".repeat(github::STEP_SUMMARY_LIMIT as usize)).unwrap();
    github_with_summary(&all_files(), &summary);
    assert_eq!(
        std::fs::metadata(&summary).unwrap().len(),
        github::STEP_SUMMARY_LIMIT
    );
}

#[test]
fn github_step_summary_of_a_clean_run() {
    let files = [check_file("fixtures/rules/clean-minimal.yaml")];
    assert_eq!(
        github::step_summary(&files, 1 << 20),
        "### sagac check\n\nNo problems found in 1 file.\n"
    );
}

// SARIF -------------------------------------------------------------------------------------

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", sarif_text());
}

#[test]
fn sarif_structure() {
    let log: Value = serde_json::from_str(&render(sarif::render)).unwrap();
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "sagac");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules are listed once each, in code order");
    for rule in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !rule[key]["text"].as_str().unwrap().is_empty(),
                "{key} of {}",
                rule["id"]
            );
        }
        assert!(!rule["name"].as_str().unwrap().is_empty());
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(level == "error" || level == "warning");
    }
    let documented = sagac::rules::find("R101").unwrap().documentation();
    let r101 = rules.iter().find(|r| r["id"] == "R101").unwrap();
    assert_eq!(r101["help"]["text"], documented.as_str());

    let results = run["results"].as_array().unwrap();
    let diagnostics: usize = all_files().iter().map(|f| f.diagnostics.len()).sum();
    assert_eq!(results.len(), diagnostics);
    let mut used = std::collections::BTreeSet::new();
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        used.insert(id);
        let level = result["level"].as_str().unwrap();
        assert_eq!(level, rules[index]["defaultConfiguration"]["level"]);
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with("./") && !uri.contains('\\') && !uri.contains(' '));
        let region = &physical["region"];
        let n = |k: &str| region[k].as_u64().unwrap();
        assert!(n("startLine") >= 1 && n("startColumn") >= 1, "{region}");
        assert!(
            (n("endLine"), n("endColumn")) >= (n("startLine"), n("startColumn")),
            "{region}"
        );
    }
    assert_eq!(
        used.into_iter().collect::<Vec<_>>(),
        ids,
        "every rule is used"
    );

    // The message carries the help; the positions are the JSON report's.
    let r101 = results.iter().find(|r| r["ruleId"] == "R101").unwrap();
    assert_eq!(
        r101["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": { "uri": "fixtures/rules/R101-undeclared-participant.yaml" },
            "region": { "startLine": 34, "startColumn": 18, "endLine": 34, "endColumn": 30 }
        })
    );
    assert!(
        r101["message"]["text"]
            .as_str()
            .unwrap()
            .contains("\nhelp: declare `notification:`")
    );
    let odd = results
        .iter()
        .find(|r| r["ruleId"] == "Z901")
        .expect("the made-up warning");
    assert_eq!(odd["level"], "warning");
    assert_eq!(
        odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "specs/odd%20name%2C%20v1%3A%2050%25.yaml"
    );
}

// JUnit -------------------------------------------------------------------------------------

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", render(junit::render));
}

#[test]
fn junit_is_well_formed_and_counts_add_up() {
    let xml = render(junit::render);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    check_well_formed(&xml);

    let cases = xml.matches("<testcase ").count();
    let failures = xml.matches("<failure ").count();
    let skipped = xml.matches("<skipped ").count();
    let files = all_files();
    let errors: usize = files.iter().map(|f| f.counts().errors).sum();
    let warnings: usize = files.iter().map(|f| f.counts().warnings).sum();
    let passing = files.iter().filter(|f| f.counts().errors == 0).count();
    assert_eq!((failures, skipped), (errors, warnings));
    assert_eq!(cases, errors + warnings + passing);
    assert!(xml.contains(&format!(
        "<testsuites name=\"sagac\" tests=\"{cases}\" failures=\"{failures}\" errors=\"0\" \
         skipped=\"{skipped}\" time=\"0\">"
    )));
    assert_eq!(xml.matches("<testsuite ").count(), files.len());
    assert!(xml.contains(
        "<testcase classname=\"fixtures/rules/clean-minimal.yaml\" name=\"sagac check\" \
         file=\"fixtures/rules/clean-minimal.yaml\" time=\"0\"/>"
    ));
}

#[test]
fn junit_escapes_markup_quotes_and_control_characters() {
    let mut out = Vec::new();
    junit::render(&[odd_file()], &mut out).unwrap();
    let xml = String::from_utf8(out).unwrap();
    check_well_formed(&xml);
    assert!(
        xml.contains(
            "<skipped message=\"saga name `100%: a,b &lt;&amp;&gt; &apos;q&apos;` holds \
             &quot;odd&quot;&#10;characters\u{FFFD}\">"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("help: rename it: a, b &amp; c &lt; d</skipped>"),
        "{xml}"
    );
    assert!(!xml.contains('\u{1b}'));
    assert!(xml.contains("<testsuite name=\"specs/odd name, v1: 50%.yaml\""));
}

/// A small XML 1.0 check, enough for what the JUnit writer emits: tags nest and close,
/// attribute values are quoted, every `&` starts a known reference, no `<` or `>` appears
/// raw in text or values, and no character XML forbids appears.
fn check_well_formed(xml: &str) {
    for c in xml.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}'),
            "forbidden character {c:?}"
        );
    }
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = body;
    let mut roots = 0;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            check_text(rest);
            break;
        };
        check_text(&rest[..open]);
        let close = rest[open..].find('>').expect("tag is closed") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "closing tag matches");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(
            name.chars().all(|c| c.is_ascii_alphabetic()),
            "tag {name:?}"
        );
        if stack.is_empty() {
            roots += 1;
        }
        while !attrs.is_empty() {
            let (key, after) = attrs.split_once("=\"").expect("attribute with a value");
            assert!(key.chars().all(|c| c.is_ascii_alphabetic()), "key {key:?}");
            let end = after.find('"').expect("value is closed");
            check_text(&after[..end]);
            attrs = after[end + 1..].trim_start();
        }
        if !self_closing {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
}

fn check_text(text: &str) {
    assert!(!text.contains('<') && !text.contains('>'), "{text:?}");
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        rest = &rest[at..];
        let end = rest.find(';').expect("reference ends with ;");
        let reference = &rest[1..end];
        assert!(
            matches!(reference, "amp" | "lt" | "gt" | "quot" | "apos")
                || reference
                    .strip_prefix('#')
                    .is_some_and(|n| n.parse::<u32>().is_ok()),
            "unknown reference &{reference};"
        );
        rest = &rest[end + 1..];
    }
}

// The binary --------------------------------------------------------------------------------

#[test]
fn binary_writes_annotations_and_the_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let output = assert_cmd::Command::cargo_bin("sagac")
        .unwrap()
        .args(["check", FIXTURES[0], FIXTURES[4], "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with(
        "::error file=fixtures/rules/R101-undeclared-participant.yaml,line=34,endLine=34,\
         col=18,endColumn=30,title=R101 undeclared-participant::"
    ));
    assert!(
        stdout.ends_with("2 files: 1 error, 0 warnings\n"),
        "{stdout}"
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.contains(
        "| `fixtures/rules/R101-undeclared-participant.yaml` | 34 | R101 undeclared-participant | \
         participant `notification` is not declared |"
    ));
}

#[test]
fn binary_writes_sarif_and_junit() {
    for (format, starts) in [("sarif", "{"), ("junit", "<?xml")] {
        let output = assert_cmd::Command::cargo_bin("sagac")
            .unwrap()
            .args(["check", FIXTURES[4], "--format", format])
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.starts_with(starts), "{format}: {stdout}");
    }
}
