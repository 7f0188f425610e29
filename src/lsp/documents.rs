//! The documents the editor has open: their text as the editor holds it, and what sagac
//! makes of each. A YAML document is a saga spec when it says so (a top-level `saga:` key,
//! a `# sagac` comment, or a yaml-language-server schema comment naming sagac's schema);
//! any other YAML (a CI workflow, a rubric) is left alone. Markdown and Mermaid files are
//! read where `sagac check` reads them: every `*.mmd`/`*.mermaid`, and `answers.md` or a
//! Markdown file beside a spec.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::Uri;

use crate::load::{FileKind, kind_of};

/// What sagac makes of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A saga spec: checked, and every request answered.
    Spec,
    /// Mermaid diagrams (`*.mmd`, or the ```` ```mermaid ```` blocks of Markdown),
    /// checked against the spec beside them.
    Diagrams,
    /// Something else: no diagnostics, no answers.
    Other,
}

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Uri,
    /// The editor's version of the text; every change raises it.
    pub version: i32,
    pub text: Arc<String>,
    /// The file it is, for the names in messages and the specs beside it.
    pub path: PathBuf,
    pub kind: Kind,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: String) -> Document {
        let path = path_of(&uri);
        let kind = classify(&path, &text);
        Document {
            uri,
            version,
            text: Arc::new(text),
            path,
            kind,
        }
    }

    /// The document with a new text (the whole of it: the server asks for full syncs).
    pub fn changed(&self, version: i32, text: String) -> Document {
        let kind = classify(&self.path, &text);
        Document {
            uri: self.uri.clone(),
            version,
            text: Arc::new(text),
            path: self.path.clone(),
            kind,
        }
    }

    /// The folder the document is in.
    pub fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

/// What a document at `path` with this text is.
pub fn classify(path: &Path, text: &str) -> Kind {
    match kind_of(path) {
        FileKind::Mermaid => Kind::Diagrams,
        FileKind::Markdown if is_answers(path) || beside_a_spec(path) => Kind::Diagrams,
        FileKind::Markdown => Kind::Other,
        FileKind::Spec if says_it_is_a_spec(text) => Kind::Spec,
        FileKind::Spec => Kind::Other,
    }
}

/// Whether a YAML text declares itself a saga spec. Only the first lines are read for the
/// comments; the `saga:` key may be anywhere at the top level.
pub fn says_it_is_a_spec(text: &str) -> bool {
    let marked = text.lines().take(20).any(|line| {
        let comment = line.trim_start().strip_prefix('#').map(str::trim);
        comment.is_some_and(|c| {
            c == "sagac"
                || c.starts_with("sagac ")
                || (c.starts_with("yaml-language-server:") && c.contains("sagac"))
        })
    });
    marked
        || text
            .lines()
            .any(|l| l.starts_with("saga:") || l.starts_with("\"saga\":"))
}

fn is_answers(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "answers.md")
}

/// Whether the folder holds a `*.yaml` or `*.yml` file (the specs `sagac check` would
/// read beside a Markdown file).
fn beside_a_spec(path: &Path) -> bool {
    let Some(folder) = path.parent() else {
        return false;
    };
    std::fs::read_dir(folder).is_ok_and(|entries| {
        entries.flatten().take(10_000).any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".yaml") || name.ends_with(".yml")
        })
    })
}

/// The file a URI names: a `file:` URI's path, percent-decoded; any other URI (an unsaved
/// buffer) as written, so that its name still says what it is.
pub fn path_of(uri: &Uri) -> PathBuf {
    let text = uri.as_str();
    let Some(rest) = text.strip_prefix("file://") else {
        return PathBuf::from(text);
    };
    // `file:///path` or `file://localhost/path`; Windows' `file:///C:/path` is `C:/path`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let decoded = percent_decode(rest);
    let windows_drive = decoded.len() > 2
        && decoded.as_bytes()[0] == b'/'
        && decoded.as_bytes()[2] == b':'
        && decoded.as_bytes()[1].is_ascii_alphabetic();
    if windows_drive {
        PathBuf::from(&decoded[1..])
    } else {
        PathBuf::from(decoded)
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_spec_says_so() {
        assert!(says_it_is_a_spec("version: 1\nsaga: order\n"));
        assert!(says_it_is_a_spec("# sagac\nsteps: []\n"));
        assert!(says_it_is_a_spec(
            "# yaml-language-server: $schema=./sagac.schema.json\n"
        ));
        assert!(!says_it_is_a_spec("name: CI\non: push\n"));
        assert!(!says_it_is_a_spec("steps:\n  saga: nested\n"));
    }

    #[test]
    fn file_uris_are_paths() {
        let uri = Uri::from_str("file:///tmp/my%20specs/saga.yaml").unwrap();
        assert_eq!(path_of(&uri), PathBuf::from("/tmp/my specs/saga.yaml"));
        let uri = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(path_of(&uri), PathBuf::from("untitled:Untitled-1"));
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
