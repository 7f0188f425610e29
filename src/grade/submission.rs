//! Reading a student's submission without trusting it: only regular files inside the
//! submission folder (symbolic links are never followed, so nothing outside can be read),
//! bounded in size, count and depth. Nothing in a submission is ever executed. A submission
//! that breaks a limit is still graded: what could not be read is a note in its feedback.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::check::{self, Checked};
use crate::load::{self, Loaded};
use crate::source::display_path;

use super::text::code;

/// A spec larger than this is not a student's saga (the checker's own limit is 16 MiB).
pub const MAX_SPEC_BYTES: u64 = 1024 * 1024;
/// `answers.md` and each diagram file.
pub const MAX_TEXT_BYTES: u64 = 256 * 1024;
/// Directory entries looked at in the whole submission.
pub const MAX_ENTRIES: usize = 2_000;
/// How deep below the submission folder files are looked for.
pub const MAX_DEPTH: usize = 3;
/// Diagram files read.
pub const MAX_DIAGRAM_FILES: usize = 10;

/// What grading reads of a submission.
#[derive(Debug)]
pub struct Submission {
    /// The path as given (`submissions/alice/`), with forward slashes.
    pub name: String,
    /// The spec, checked; `None` when the submission has no spec that could be chosen.
    pub spec: Option<Checked>,
    /// The spec's path as seen from where sagac runs (`alice/saga.yaml`).
    pub spec_path: Option<String>,
    /// Why there is no spec (no YAML file, several, too large, a link).
    pub spec_problem: Option<String>,
    /// `answers.md`, when present and readable.
    pub answers: Option<TextFile>,
    /// `*.mmd` / `*.mermaid` files, in path order.
    pub diagrams: Vec<TextFile>,
    /// What was skipped and why, for the feedback.
    pub notes: Vec<String>,
}

/// A text file of the submission, its name relative to the submission folder.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub name: String,
    pub text: String,
}

/// A file found while walking the submission.
struct Found {
    /// Relative to the submission root, with forward slashes.
    rel: String,
    path: PathBuf,
    depth: usize,
    len: u64,
}

/// Reads a submission: a folder, or a single spec file.
pub fn read(path: &Path) -> Submission {
    let name = display_path(path);
    let mut sub = Submission {
        name,
        spec: None,
        spec_path: None,
        spec_problem: None,
        answers: None,
        diagrams: Vec::new(),
        notes: Vec::new(),
    };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            sub.spec_problem = Some(format!("the submission cannot be read: {e}"));
            return sub;
        }
    };
    if meta.is_file() {
        sub.spec = read_spec(path, meta.len(), &mut sub.spec_problem);
        sub.spec_path = sub.spec.as_ref().map(|_| from_here(path));
        return sub;
    }
    if !meta.is_dir() {
        sub.spec_problem = Some("the submission is neither a file nor a folder".to_owned());
        return sub;
    }
    let mut found = Vec::new();
    let mut entries = 0;
    walk(path, "", 0, &mut found, &mut entries, &mut sub.notes);
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    choose_spec(&mut sub, &found);
    if let Some(f) = found
        .iter()
        .find(|f| f.depth == 0 && f.rel.eq_ignore_ascii_case("answers.md"))
    {
        sub.answers = read_text(f, &mut sub.notes);
    }
    for f in found
        .iter()
        .filter(|f| ends_with_any(&f.rel, &[".mmd", ".mermaid"]))
    {
        if sub.diagrams.len() == MAX_DIAGRAM_FILES {
            sub.notes.push(format!(
                "only the first {MAX_DIAGRAM_FILES} diagram files were read"
            ));
            break;
        }
        if let Some(t) = read_text(f, &mut sub.notes) {
            sub.diagrams.push(t);
        }
    }
    sub
}

fn ends_with_any(name: &str, suffixes: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    suffixes.iter().any(|s| lower.ends_with(s))
}

/// Collects regular files, never following a link, skipping hidden folders (`.git`,
/// `.github`: a Classroom repository holds workflow YAML that is not the spec).
fn walk(
    dir: &Path,
    rel: &str,
    depth: usize,
    found: &mut Vec<Found>,
    entries: &mut usize,
    notes: &mut Vec<String>,
) {
    let Ok(read) = fs::read_dir(dir) else {
        notes.push(format!("the folder {} cannot be read", code(or_root(rel))));
        return;
    };
    let mut children: Vec<(String, PathBuf)> = Vec::new();
    for entry in read.flatten() {
        *entries += 1;
        if *entries > MAX_ENTRIES {
            notes.push(format!(
                "the submission has more than {MAX_ENTRIES} files and folders: the rest were not looked at"
            ));
            return;
        }
        children.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.path(),
        ));
    }
    children.sort();
    for (name, path) in children {
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        // `symlink_metadata` describes the entry itself: a link is never followed.
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            if is_relevant(&name) {
                notes.push(format!(
                    "{} is a symbolic link: links are not followed, only regular files inside the submission are read",
                    code(&child_rel)
                ));
            }
        } else if kind.is_dir() {
            if name.starts_with('.') || name == "node_modules" || name == "target" {
                continue;
            }
            if depth + 1 > MAX_DEPTH {
                continue;
            }
            walk(&path, &child_rel, depth + 1, found, entries, notes);
            if *entries > MAX_ENTRIES {
                return;
            }
        } else if kind.is_file() && is_relevant(&name) {
            found.push(Found {
                rel: child_rel,
                path,
                depth,
                len: meta.len(),
            });
        }
    }
}

fn or_root(rel: &str) -> &str {
    if rel.is_empty() { "." } else { rel }
}

fn is_relevant(name: &str) -> bool {
    !name.starts_with('.') && ends_with_any(name, &[".yaml", ".yml", ".md", ".mmd", ".mermaid"])
}

/// `saga.yaml` (or `saga.yml`) at the top; else the one YAML file at the top; else, with
/// no YAML at the top, the one YAML file below it.
fn choose_spec(sub: &mut Submission, found: &[Found]) {
    let yaml: Vec<&Found> = found
        .iter()
        .filter(|f| ends_with_any(&f.rel, &[".yaml", ".yml"]))
        .collect();
    let named = yaml.iter().find(|f| {
        f.depth == 0
            && (f.rel.eq_ignore_ascii_case("saga.yaml") || f.rel.eq_ignore_ascii_case("saga.yml"))
    });
    let top: Vec<&&Found> = yaml.iter().filter(|f| f.depth == 0).collect();
    let chosen = match (named, top.as_slice()) {
        (Some(f), _) => Some(*f),
        (None, [one]) => Some(**one),
        (None, []) if yaml.len() == 1 => Some(yaml[0]),
        (None, []) if yaml.is_empty() => {
            sub.spec_problem = Some(
                "the submission holds no spec: add your saga as `saga.yaml` at the top of the submission"
                    .to_owned(),
            );
            None
        }
        (None, many) => {
            let list: Vec<String> = if many.is_empty() {
                yaml.iter().map(|f| code(&f.rel)).collect()
            } else {
                many.iter().map(|f| code(&f.rel)).collect()
            };
            sub.spec_problem = Some(format!(
                "the submission holds several YAML files ({}) and none is named `saga.yaml`: name your spec `saga.yaml` so the grader knows which one to read",
                list.join(", ")
            ));
            None
        }
    };
    if let Some(f) = chosen {
        let mut problem = None;
        sub.spec = read_spec(&f.path, f.len, &mut problem).map(|mut c| {
            c.source.path = PathBuf::from(&f.rel);
            c
        });
        sub.spec_problem = problem;
        sub.spec_path = sub.spec.as_ref().map(|_| from_here(&f.path));
    }
}

/// A path as CI tools want it: forward slashes, no leading `./`.
fn from_here(path: &Path) -> String {
    let shown = display_path(path);
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

/// Checks a spec file after its size was checked (a too-large spec is a problem, not an error).
fn read_spec(path: &Path, len: u64, problem: &mut Option<String>) -> Option<Checked> {
    if len > MAX_SPEC_BYTES {
        *problem = Some(format!(
            "the spec is larger than {} KiB, far beyond any saga: it was not read",
            MAX_SPEC_BYTES / 1024
        ));
        return None;
    }
    match load::read(path) {
        Ok(loaded @ (Loaded::Text(_) | Loaded::Unreadable(..))) => {
            Some(check::check_loaded(loaded))
        }
        Err(e) => {
            *problem = Some(format!("the spec cannot be read: {e}"));
            None
        }
    }
}

/// Reads a small text file; binary, non-UTF-8 or oversized files become notes.
fn read_text(f: &Found, notes: &mut Vec<String>) -> Option<TextFile> {
    if f.len > MAX_TEXT_BYTES {
        notes.push(format!(
            "{} is larger than {} KiB: it was not read",
            code(&f.rel),
            MAX_TEXT_BYTES / 1024
        ));
        return None;
    }
    let mut bytes = Vec::new();
    let read = fs::File::open(&f.path)
        .and_then(|file| file.take(MAX_TEXT_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        notes.push(format!("{} cannot be read: {e}", code(&f.rel)));
        return None;
    }
    if bytes.len() as u64 > MAX_TEXT_BYTES || bytes.contains(&0) {
        notes.push(format!(
            "{} is not a text file: it was not read",
            code(&f.rel)
        ));
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(TextFile {
            name: f.rel.clone(),
            text: text
                .strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text),
        }),
        Err(_) => {
            notes.push(format!(
                "{} is not UTF-8 text: it was not read (save it as UTF-8)",
                code(&f.rel)
            ));
            None
        }
    }
}
