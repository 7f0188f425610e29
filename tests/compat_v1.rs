//! Language version 1 stays what it was: every v1 spec in the repository (`specs/`,
//! `fixtures/`, `tests/codegen-specs/`, the assignment's references) gives the same bytes
//! as the record in `tests/compat_v1.sha256` for `check` (human and JSON), `simulate`
//! (JSON, `--max-faults 1`), `diagram` (sequence, state, flowchart) and `codegen` (every
//! file of the crate). The record holds one SHA-256 digest per spec and output, taken
//! from the binary before language version 2: the exit code, standard output and
//! standard error of each command (codegen's output folder written as `$OUT`).
//!
//! On a mismatch the test names every output that changed and the command that shows it;
//! compare it with the same command run by `main`'s binary to see the diff.
//!
//! **Bless mode** (`SAGAC_BLESS_COMPAT=1 cargo test --test compat_v1`) rewrites the record
//! from the current binary. It is only for a deliberate change of v1 output (a new v1
//! fixture, a reworded diagnostic that an issue asks for): say which outputs changed, and
//! why, in the commit that blesses them. A spec whose text says `version: 2` is not v1
//! and is left out. `SAGAC_COMPAT_BIN=<path>` digests another binary's outputs instead of
//! this build's: blessing new v1 specs with `main`'s binary records what v1 was, so the
//! test then holds this branch to it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const RECORD: &str = "tests/compat_v1.sha256";
const BLESS: &str = "SAGAC_BLESS_COMPAT";
const BINARY: &str = "SAGAC_COMPAT_BIN";

/// The outputs recorded per spec: a name, and the arguments after the spec's path
/// (`codegen` also gets `-o <folder>`).
const OUTPUTS: &[(&str, &[&str])] = &[
    ("check.txt", &["check", "--color", "never"]),
    ("check.json", &["check", "--format", "json"]),
    (
        "simulate.json",
        &["simulate", "--format", "json", "--max-faults", "1"],
    ),
    ("diagram-sequence.mmd", &["diagram", "--color", "never"]),
    (
        "diagram-state.mmd",
        &["diagram", "--kind", "state", "--color", "never"],
    ),
    (
        "diagram-flowchart.mmd",
        &["diagram", "--kind", "flowchart", "--color", "never"],
    ),
    ("codegen", &["codegen", "--color", "never"]),
];

#[test]
fn v1_outputs_match_the_record() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let specs = v1_specs(root);
    assert!(specs.len() > 50, "found only {} v1 specs", specs.len());
    let current = digests(root, &specs);
    let record_path = root.join(RECORD);
    if std::env::var_os(BLESS).is_some_and(|v| v == "1") {
        std::fs::write(&record_path, render(&current)).expect("the record is writable");
        return;
    }
    let text = std::fs::read_to_string(&record_path).unwrap_or_default();
    let recorded = parse(&text);
    let mut problems = Vec::new();
    for (key, digest) in &current {
        match recorded.get(key) {
            Some(r) if r == digest => {}
            Some(_) => problems.push(format!(
                "changed: {} of {} (see it with `{}`)",
                key.1,
                key.0,
                command_line(&key.0, &key.1)
            )),
            None => problems.push(format!(
                "not in the record: {} of {} (a new v1 spec: check its output, then bless)",
                key.1, key.0
            )),
        }
    }
    for key in recorded.keys().filter(|k| !current.contains_key(*k)) {
        problems.push(format!(
            "in the record but not produced: {} of {} (a spec removed or made v2?)",
            key.1, key.0
        ));
    }
    assert!(
        problems.is_empty(),
        "v1 output differs from {RECORD} ({} of {}):\n{}\n\nCompare each with the same command run by main's binary. Only for a deliberate change: {BLESS}=1 cargo test --test compat_v1, and say why in the commit.",
        problems.len(),
        current.len(),
        problems.join("\n")
    );
}

/// Every YAML file under the folders that hold specs, sorted, except those written for
/// language version 2, the assignment's rubric and the files `sagac import` reads (Step
/// Functions and Serverless Workflow in YAML): none of those is a spec.
fn v1_specs(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["specs", "fixtures", "tests/codegen-specs"] {
        collect(&root.join(dir), &mut files);
    }
    let mut specs: Vec<String> = files
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "rubric.yaml"))
        .filter(|p| !is_version_2(p))
        .filter(|p| !is_foreign_format(p))
        .filter_map(|p| {
            p.strip_prefix(root)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .collect();
    specs.sort();
    specs
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Whether the file is a workflow in another format, as `sagac import` detects it from
/// its content.
fn is_foreign_format(path: &Path) -> bool {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
    sagac::import::detect(&sagac::source::SourceFile::new(path, text)).is_some()
}

/// Whether the file declares `version: 2` on a line of its own.
fn is_version_2(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    String::from_utf8_lossy(&bytes).lines().any(|l| {
        l.strip_prefix("version:")
            .is_some_and(|v| v.split('#').next().unwrap_or("").trim() == "2")
    })
}

type Key = (String, String);

/// The digest of every output of every spec, one thread per core.
fn digests(root: &Path, specs: &[String]) -> BTreeMap<Key, String> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunks: Vec<&[String]> = specs.chunks(specs.len().div_ceil(threads)).collect();
    let scratch = tempfile::tempdir().expect("a scratch folder");
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .enumerate()
            .map(|(t, chunk)| {
                let scratch = scratch.path().join(t.to_string());
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for (i, spec) in chunk.iter().enumerate() {
                        for &(name, args) in OUTPUTS {
                            let folder = scratch.join(i.to_string());
                            let digest = run(root, spec, args, &folder);
                            out.push(((spec.clone(), name.to_owned()), digest));
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a digest thread"))
            .collect()
    })
}

/// Runs one command on one spec: the digest of its exit code, standard output and standard
/// error, and for codegen of every file written (by relative path).
fn run(root: &Path, spec: &str, args: &[&str], folder: &Path) -> String {
    let binary = std::env::var_os(BINARY)
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_sagac")), PathBuf::from);
    let mut command = Command::new(binary);
    command
        .current_dir(root)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .arg(args[0])
        .arg(spec)
        .args(&args[1..]);
    let codegen = args[0] == "codegen";
    if codegen {
        command.arg("-o").arg(folder);
    }
    let output = command.output().expect("sagac runs");
    let folder_text = folder.to_string_lossy().into_owned();
    let text = |bytes: &[u8]| {
        let s = String::from_utf8_lossy(bytes).into_owned();
        if codegen {
            s.replace(&folder_text, "$OUT")
        } else {
            s
        }
    };
    let mut hasher = Sha256::new();
    hasher.update(format!("rc={:?}\n", output.status.code()));
    hasher.update("--stdout--\n");
    hasher.update(text(&output.stdout));
    hasher.update("--stderr--\n");
    hasher.update(text(&output.stderr));
    if codegen {
        let mut files = Vec::new();
        collect_all(folder, &mut files);
        files.sort();
        for file in files {
            let relative = file.strip_prefix(folder).unwrap_or(&file);
            hasher.update(format!("--file {}--\n", relative.to_string_lossy()));
            hasher.update(std::fs::read(&file).unwrap_or_default());
        }
    }
    hasher.finalize().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn collect_all(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_all(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The command a reader runs to see one output.
fn command_line(spec: &str, name: &str) -> String {
    let args = OUTPUTS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[][..], |(_, a)| *a);
    let mut words = vec!["sagac", args.first().copied().unwrap_or("check"), spec];
    words.extend(args.iter().skip(1));
    if name == "codegen" {
        words.extend(["-o", "<folder>"]);
    }
    words.join(" ")
}

/// One line per output: `<digest>  <spec> <output>`, sorted.
fn render(digests: &BTreeMap<Key, String>) -> String {
    let mut out = String::from(
        "# v1 compatibility record: SHA-256 of each output of each v1 spec (tests/compat_v1.rs).\n\
         # Rewrite only for a deliberate change: SAGAC_BLESS_COMPAT=1 cargo test --test compat_v1\n",
    );
    for ((spec, name), digest) in digests {
        let _ = writeln!(out, "{digest}  {spec} {name}");
    }
    out
}

fn parse(text: &str) -> BTreeMap<Key, String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (digest, rest) = l.split_once("  ")?;
            let (spec, name) = rest.rsplit_once(' ')?;
            Some(((spec.to_owned(), name.to_owned()), digest.to_owned()))
        })
        .collect()
}
