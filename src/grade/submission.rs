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

use super::text::{code, prose};

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
#[derive(Debug)]
struct Found {
    /// Relative to the submission root, with forward slashes.
    rel: String,
    path: PathBuf,
    depth: usize,
    len: u64,
}

impl Found {
    /// The file's own name, without its folder.
    fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

/// Names looked for first at the top of a submission (and beside a spec found below it),
/// whatever else the folder holds: the entry limit applies to the rest.
const WANTED: [&str; 3] = ["saga.yaml", "saga.yml", "answers.md"];

/// At most this many names are listed in one note about skipped entries.
const NAMES_LISTED: usize = 5;

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
            sub.spec_problem = Some(format!(
                "the submission cannot be read: {}",
                prose(&e.to_string())
            ));
            return sub;
        }
    };
    if meta.is_file() {
        sub.spec = read_spec(path, meta.len(), &mut sub.spec_problem, &mut sub.notes);
        sub.spec_path = sub.spec.as_ref().map(|_| from_here(path));
        return sub;
    }
    if !meta.is_dir() {
        sub.spec_problem = Some("the submission is neither a file nor a folder".to_owned());
        return sub;
    }
    let mut walk = Walk::default();
    walk.wanted(path, "");
    walk.walk(path, "", 0);
    let chosen = choose_spec(&mut sub, &walk.sorted_yaml());
    // The submission's root is the folder that holds the spec: a zip of one folder
    // (`my-project/saga.yaml`, `my-project/answers.md`) is read as if it were that folder.
    let root = chosen.as_deref().and_then(parent_rel).unwrap_or("");
    if !root.is_empty() {
        walk.wanted(&path.join(root), root);
    }
    walk.found.sort_by(|a, b| a.rel.cmp(&b.rel));
    walk.found.dedup_by(|a, b| a.rel == b.rel);
    let answers = walk
        .found
        .iter()
        .find(|f| in_folder(&f.rel, root) && f.name().eq_ignore_ascii_case("answers.md"))
        .or_else(|| {
            walk.found
                .iter()
                .find(|f| f.depth == 0 && f.rel.eq_ignore_ascii_case("answers.md"))
        });
    if let Some(f) = answers {
        sub.answers = read_text(f, &mut sub.notes);
    }
    for f in walk
        .found
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
    sub.notes.extend(walk.notes());
    sub
}

fn ends_with_any(name: &str, suffixes: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    suffixes.iter().any(|s| lower.ends_with(s))
}

/// The folder part of a relative path (`my-project` for `my-project/saga.yaml`).
fn parent_rel(rel: &str) -> Option<&str> {
    rel.rsplit_once('/').map(|(dir, _)| dir)
}

/// Whether `rel` is directly inside the folder `dir` (`""`: the top).
fn in_folder(rel: &str, dir: &str) -> bool {
    parent_rel(rel).unwrap_or("") == dir
}

fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// What walking a submission found, and what it skipped (each a note in the feedback).
#[derive(Default)]
struct Walk {
    found: Vec<Found>,
    entries: usize,
    too_many: bool,
    unreadable: Vec<String>,
    links: Vec<String>,
    special: Vec<String>,
    deep: Vec<String>,
}

impl Walk {
    /// Looks for the [`WANTED`] names in `dir` directly, without listing it.
    fn wanted(&mut self, dir: &Path, rel: &str) {
        let depth = if rel.is_empty() {
            0
        } else {
            rel.split('/').count()
        };
        for name in WANTED {
            let path = dir.join(name);
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            let child_rel = join_rel(rel, name);
            self.entry(child_rel, path, &meta, depth);
        }
    }

    /// Collects regular files, never following a link, skipping hidden folders (`.git`,
    /// `.github`: a Classroom repository holds workflow YAML that is not the spec).
    fn walk(&mut self, dir: &Path, rel: &str, depth: usize) {
        let Ok(read) = fs::read_dir(dir) else {
            self.unreadable.push(or_root(rel).to_owned());
            return;
        };
        let mut children: Vec<(String, PathBuf)> = Vec::new();
        for entry in read.flatten() {
            self.entries += 1;
            if self.entries > MAX_ENTRIES {
                self.too_many = true;
                return;
            }
            children.push((
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            ));
        }
        children.sort();
        for (name, path) in children {
            let child_rel = join_rel(rel, &name);
            // `symlink_metadata` describes the entry itself: a link is never followed.
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if name.starts_with('.') || name == "node_modules" || name == "target" {
                    continue;
                }
                if depth + 1 > MAX_DEPTH {
                    self.deep.push(child_rel);
                    continue;
                }
                self.walk(&path, &child_rel, depth + 1);
                if self.too_many {
                    return;
                }
            } else {
                self.entry(child_rel, path, &meta, depth);
            }
        }
    }

    /// A file or link (or pipe, socket, device) at `rel`.
    fn entry(&mut self, rel: String, path: PathBuf, meta: &fs::Metadata, depth: usize) {
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if name.starts_with('.') || self.found.iter().any(|f| f.rel == rel) {
            return;
        }
        let kind = meta.file_type();
        if kind.is_symlink() {
            if !self.links.contains(&rel) {
                self.links.push(rel);
            }
        } else if !kind.is_file() {
            if !self.special.contains(&rel) {
                self.special.push(rel);
            }
        } else if is_relevant(name) {
            self.found.push(Found {
                rel,
                path,
                depth,
                len: meta.len(),
            });
        }
    }

    /// The YAML files found, in path order: the spec's candidates.
    fn sorted_yaml(&self) -> Vec<&Found> {
        let mut yaml: Vec<&Found> = self
            .found
            .iter()
            .filter(|f| ends_with_any(&f.rel, &[".yaml", ".yml"]))
            .collect();
        yaml.sort_by(|a, b| a.rel.cmp(&b.rel));
        yaml
    }

    /// One note per kind of entry skipped.
    fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .unreadable
            .iter()
            .map(|rel| format!("the folder {} cannot be read", code(rel)))
            .collect();
        if !self.links.is_empty() {
            notes.push(format!(
                "{} {}: links are not followed, only regular files inside the submission are read",
                names(&self.links),
                if self.links.len() == 1 {
                    "is a symbolic link"
                } else {
                    "are symbolic links"
                }
            ));
        }
        if !self.special.is_empty() {
            notes.push(format!(
                "{} {} not a regular file (a named pipe, a socket or a device): not read",
                names(&self.special),
                if self.special.len() == 1 { "is" } else { "are" }
            ));
        }
        if !self.deep.is_empty() {
            notes.push(format!(
                "{} {} deeper than {MAX_DEPTH} levels of folders: not searched",
                names(&self.deep),
                if self.deep.len() == 1 { "is" } else { "are" }
            ));
        }
        if self.too_many {
            notes.push(format!(
                "the submission has more than {MAX_ENTRIES} files and folders: the rest were not looked at"
            ));
        }
        notes
    }
}

/// The first few names, quoted, then how many more: a note stays short whatever the
/// submission holds.
fn quoted(rels: &[String]) -> Vec<String> {
    let mut quoted: Vec<String> = rels.iter().take(NAMES_LISTED).map(|r| code(r)).collect();
    if rels.len() > NAMES_LISTED {
        quoted.push(format!("{} more", rels.len() - NAMES_LISTED));
    }
    quoted
}

/// `` `a`, `b` and 3 more ``.
fn names(rels: &[String]) -> String {
    super::text::list(&quoted(rels))
}

fn or_root(rel: &str) -> &str {
    if rel.is_empty() { "." } else { rel }
}

fn is_relevant(name: &str) -> bool {
    !name.starts_with('.') && ends_with_any(name, &[".yaml", ".yml", ".md", ".mmd", ".mermaid"])
}

/// `saga.yaml` (or `saga.yml`) at the top; else the one YAML file at the top; else, with
/// no YAML at the top, the one YAML file below it. Returns the chosen file's relative path.
fn choose_spec(sub: &mut Submission, yaml: &[&Found]) -> Option<String> {
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
            let rels: Vec<String> = if many.is_empty() {
                yaml.iter().map(|f| f.rel.clone()).collect()
            } else {
                many.iter().map(|f| f.rel.clone()).collect()
            };
            sub.spec_problem = Some(format!(
                "the submission holds several YAML files ({}) and none is named `saga.yaml`: name your spec `saga.yaml` so the grader knows which one to read",
                quoted(&rels).join(", ")
            ));
            None
        }
    };
    let f = chosen?;
    let mut problem = None;
    sub.spec = read_spec(&f.path, f.len, &mut problem, &mut sub.notes).map(|mut c| {
        c.source.path = PathBuf::from(&f.rel);
        c
    });
    sub.spec_problem = problem;
    sub.spec_path = sub.spec.as_ref().map(|_| from_here(&f.path));
    Some(f.rel.clone())
}

/// A path as CI tools want it: forward slashes, no leading `./`.
fn from_here(path: &Path) -> String {
    let shown = display_path(path);
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

/// Checks a spec file after its size was checked (a too-large spec is a problem, not an
/// error), with the simulation rules only as far as the grader's budget goes.
fn read_spec(
    path: &Path,
    len: u64,
    problem: &mut Option<String>,
    notes: &mut Vec<String>,
) -> Option<Checked> {
    if len > MAX_SPEC_BYTES {
        *problem = Some(format!(
            "the spec is larger than {} KiB, far beyond any saga: it was not read",
            MAX_SPEC_BYTES / 1024
        ));
        return None;
    }
    match load::read(path) {
        Ok(loaded @ (Loaded::Text(_) | Loaded::Unreadable(..))) => {
            let mut checked = check::check_loaded_with(loaded, &check::Options { simulate: false });
            notes.extend(super::work::simulate_rules(&mut checked));
            Some(checked)
        }
        Err(e) => {
            *problem = Some(format!(
                "the spec cannot be read: {}",
                prose(&e.to_string())
            ));
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
        notes.push(format!(
            "{} cannot be read: {}",
            code(&f.rel),
            prose(&e.to_string())
        ));
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
