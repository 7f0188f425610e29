//! Reading spec files: one file, or every `*.yaml`/`*.yml` below a directory, with the
//! limits that keep sagac safe on untrusted input.

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

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&path, found)?;
            }
        } else if kind.is_file() && is_spec_name(&name) {
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
    let empty = |path: &Path| SourceFile::new(path, String::new());
    if bytes.len() as u64 > limit {
        return Ok(Loaded::Unreadable(empty(path), Unreadable::TooLarge));
    }
    if bytes.contains(&0) {
        return Ok(Loaded::Unreadable(empty(path), Unreadable::Binary));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Loaded::Text(SourceFile::new(
            path,
            text.strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text),
        ))),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..offset]).into_owned();
            let source = SourceFile::new(path, text);
            let line = source.line_col(offset).line;
            Ok(Loaded::Unreadable(
                source,
                Unreadable::NotUtf8 { offset, line },
            ))
        }
    }
}
