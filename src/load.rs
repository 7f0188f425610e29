//! Reading spec files: one file, or every `*.yaml`/`*.yml` below a directory, with the
//! limits that keep sagac safe on untrusted input; and, for `sagac check`, the diagram
//! files beside them (`*.md`, `*.mmd`, `*.mermaid`).

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::source::{SourceFile, display_path};

/// The largest spec sagac reads. A 10,000-step spec is about 3 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A usage or I/O error: exit code 2.
#[derive(Debug)]
pub enum LoadError {
    NotFound(PathBuf),
    NoSpecs(PathBuf),
    /// A directory with neither a spec nor a diagram for `sagac check`.
    NothingToCheck(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotFound(p) => write!(f, "{}: no such file or directory", display_path(p)),
            LoadError::NoSpecs(p) => write!(
                f,
                "{}: the directory holds no spec (no *.yaml or *.yml file below it)",
                display_path(p)
            ),
            LoadError::NothingToCheck(p) => write!(
                f,
                "{}: the directory holds no spec or diagram (no *.yaml, *.yml, *.mmd, *.mermaid or answers.md file below it)",
                display_path(p)
            ),
            LoadError::Io(p, e) => write!(f, "{}: {e}", display_path(p)),
        }
    }
}

impl std::error::Error for LoadError {}

/// The spec files a path names: the file itself, or every `*.yaml`/`*.yml` below a
/// directory in sorted order (hidden directories, `target/`, `node_modules/` and rubric files
/// skipped).
pub fn discover(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if path == Path::new("-") {
        return Ok(vec![path.to_path_buf()]);
    }
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
        _ => LoadError::Io(path.to_path_buf(), e),
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    walk(path, &mut found).map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
    found.sort();
    if found.is_empty() {
        return Err(LoadError::NoSpecs(path.to_path_buf()));
    }
    Ok(found)
}

/// What `sagac check` reads: the file itself, or below a directory every spec (as
/// [`discover`] finds them), every `*.mmd` and `*.mermaid` diagram, every `answers.md`, and
/// every other `*.md` file in a folder that holds a spec (a README beside the specs it
/// draws), in sorted order. Other Markdown (a project's docs) is left alone.
pub fn discover_for_check(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if path == Path::new("-") || !is_dir(path)? {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    walk_with(path, &mut found, &|name| {
        is_spec_name(name)
            || matches!(
                kind_of(Path::new(name)),
                FileKind::Mermaid | FileKind::Markdown
            )
    })
    .map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
    let beside_specs: BTreeSet<&Path> = found
        .iter()
        .filter(|p| is_spec_name(&p.file_name().unwrap_or_default().to_string_lossy()))
        .filter_map(|p| p.parent())
        .collect();
    let wanted = |p: &PathBuf| {
        kind_of(p) != FileKind::Markdown
            || p.file_name().is_some_and(|n| n == "answers.md")
            || p.parent().is_some_and(|d| beside_specs.contains(d))
    };
    let mut kept: Vec<PathBuf> = found.iter().filter(|p| wanted(p)).cloned().collect();
    kept.sort();
    if kept.is_empty() {
        return Err(LoadError::NothingToCheck(path.to_path_buf()));
    }
    Ok(kept)
}

fn is_dir(path: &Path) -> Result<bool, LoadError> {
    fs::metadata(path)
        .map(|m| m.is_dir())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
            _ => LoadError::Io(path.to_path_buf(), e),
        })
}

/// What a file is read as, by its name: `*.md` (and `*.markdown`) is Markdown whose
/// ```` ```mermaid ```` blocks are diagrams, `*.mmd` (and `*.mermaid`) one diagram, anything
/// else (and `-`, standard input) a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Spec,
    Markdown,
    Mermaid,
}

pub fn kind_of(path: &Path) -> FileKind {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        FileKind::Markdown
    } else if lower.ends_with(".mmd") || lower.ends_with(".mermaid") {
        FileKind::Mermaid
    } else {
        FileKind::Spec
    }
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    walk_with(dir, found, &is_spec_name)
}

/// Every regular file below `dir` whose name `wanted` takes (hidden directories, `target/`
/// and `node_modules/` skipped).
fn walk_with(
    dir: &Path,
    found: &mut Vec<PathBuf>,
    wanted: &dyn Fn(&str) -> bool,
) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk_with(&path, found, wanted)?;
            }
        } else if kind.is_file() && wanted(&name) {
            found.push(path);
        }
    }
    Ok(())
}

/// Whether a file found under a directory is taken for a spec: `*.yaml` and `*.yml`, except
/// grading rubrics (`rubric.yaml`), which live beside the specs they grade. A file named on
/// the command line is always read.
fn is_spec_name(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml"))
        && name != "rubric.yaml"
        && name != "rubric.yml"
}

/// What reading a file gave: its text, or why it cannot be a spec (rule S010 or S011, which
/// `rules::syntax` words).
pub enum Loaded {
    Text(SourceFile),
    Unreadable(SourceFile, Unreadable),
}

impl Loaded {
    /// The file, read or not.
    pub fn source(&self) -> &SourceFile {
        match self {
            Loaded::Text(source) | Loaded::Unreadable(source, _) => source,
        }
    }
}

/// Why a file's bytes are not a spec's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// More than [`MAX_FILE_BYTES`].
    TooLarge,
    /// A NUL byte: binary data.
    Binary,
    /// Not UTF-8 from `offset` (a byte offset into the valid text before it, which is kept),
    /// on 1-based `line`.
    NotUtf8 { offset: usize, line: usize },
}

/// Reads at most [`MAX_FILE_BYTES`] and checks the bytes are UTF-8 text.
pub fn read(path: &Path) -> Result<Loaded, LoadError> {
    let mut bytes = Vec::new();
    let limit = MAX_FILE_BYTES;
    let read = if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
    } else {
        let file = fs::File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
            _ => LoadError::Io(path.to_path_buf(), e),
        })?;
        file.take(limit + 1).read_to_end(&mut bytes)
    };
    read.map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
    if bytes.len() as u64 > limit {
        return Ok(Loaded::Unreadable(
            SourceFile::new(path, String::new()),
            Unreadable::TooLarge,
        ));
    }
    // A byte order mark is not part of the text (an editor hides it too).
    if bytes.starts_with("\u{feff}".as_bytes()) {
        bytes.drain(.."\u{feff}".len());
    }
    Ok(from_bytes(path, bytes))
}

/// A text an editor holds (the language server's documents), within the limits a file
/// read from disk is held to: at most [`MAX_FILE_BYTES`], no NUL byte. Nothing is
/// stripped, so every offset is one into the editor's text.
pub fn from_text(path: &Path, text: String) -> Loaded {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Loaded::Unreadable(SourceFile::new(path, String::new()), Unreadable::TooLarge);
    }
    from_bytes(path, text.into_bytes())
}

/// The bytes as a spec's text, or why they cannot be one (the size already checked).
fn from_bytes(path: &Path, bytes: Vec<u8>) -> Loaded {
    if bytes.contains(&0) {
        return Loaded::Unreadable(SourceFile::new(path, String::new()), Unreadable::Binary);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Loaded::Text(SourceFile::new(path, text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..offset]).into_owned();
            let source = SourceFile::new(path, text);
            let line = source.line_col(offset).line;
            Loaded::Unreadable(source, Unreadable::NotUtf8 { offset, line })
        }
    }
}
