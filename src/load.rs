//! Reading spec files: one file, or every `*.yaml`/`*.yml` below a directory, with the
//! limits that keep sagac safe on untrusted input.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::rules::syntax::{input_limit, not_a_spec};
use crate::source::{SourceFile, Span, display_path};

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

/// What reading a file gave: its text, or a diagnostic saying why it cannot be a spec.
pub enum Loaded {
    Text(SourceFile),
    Unreadable(SourceFile, Box<Diagnostic>),
}

/// Reads at most [`input_limit::MAX_FILE_BYTES`] and checks the bytes are UTF-8 text.
pub fn read(path: &Path) -> Result<Loaded, LoadError> {
    let mut bytes = Vec::new();
    let limit = input_limit::MAX_FILE_BYTES;
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
        let d = Diagnostic::new(
            &input_limit::RULE,
            Span::default(),
            format!("the file is larger than {} MiB, far beyond any saga spec", limit / 1024 / 1024),
        )
        .help("check that this is the spec you meant; split a generated spec this large into several sagas");
        return Ok(Loaded::Unreadable(empty(path), Box::new(d)));
    }
    if bytes.contains(&0) {
        let d = Diagnostic::new(
            &not_a_spec::RULE,
            Span::default(),
            "the file is binary data, not a YAML spec",
        )
        .help("a spec is a UTF-8 text file; check that the right file was given");
        return Ok(Loaded::Unreadable(empty(path), Box::new(d)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Loaded::Text(SourceFile::new(
            path,
            text.strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text),
        ))),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let source = SourceFile::new(path, text);
            let line = source.line_col(valid).line;
            let d = Diagnostic::new(
                &not_a_spec::RULE,
                Span::new(valid, valid),
                format!("the file is not UTF-8 text (an invalid byte on line {line})"),
            )
            .help("save the spec as UTF-8; other encodings (Latin-1, UTF-16) are not read");
            Ok(Loaded::Unreadable(source, Box::new(d)))
        }
    }
}
