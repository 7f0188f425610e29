//! Puts the generated files under the output directory, and nowhere else: every path is
//! relative with plain components, every parent directory is checked (after symlinks) to
//! lie inside the output directory, and each file is written atomically
//! ([`crate::atomic_write`]), so a reader never sees half a file.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{File, Policy};

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written (created or replaced).
    Wrote,
    /// A file of the user's that exists, left alone (no `--force`).
    Kept,
    /// Its contents were already what would be written.
    Unchanged,
}

/// Writes `files` under `dir` (created if missing). A user's file that exists is kept
/// unless `force`. Checks every target before writing any.
pub fn write(dir: &Path, files: &[File], force: bool) -> io::Result<Vec<(PathBuf, Written)>> {
    fs::create_dir_all(dir)?;
    let root = dir.canonicalize()?;
    let mut plan = Vec::with_capacity(files.len());
    for file in files {
        let relative = Path::new(file.path);
        if relative.as_os_str().is_empty()
            || !relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(refuse(format!(
                "`{}` is not a path inside the output directory",
                file.path
            )));
        }
        let target = root.join(relative);
        let exists = match fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refuse(format!(
                    "{} is a symbolic link; sagac does not write through links",
                    target.display()
                )));
            }
            Ok(meta) if meta.is_dir() => {
                return Err(refuse(format!("{} is a directory", target.display())));
            }
            Ok(_) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        // The deepest directory on the way that exists must already be inside the root
        // (a symbolic link there could lead out).
        let mut existing = target.parent().unwrap_or(&root);
        while fs::symlink_metadata(existing).is_err() {
            existing = existing.parent().unwrap_or(&root);
        }
        if !existing.canonicalize()?.starts_with(&root) {
            return Err(refuse(format!(
                "{} leads outside the output directory {}",
                existing.display(),
                root.display()
            )));
        }
        plan.push((file, target, exists));
    }
    let mut out = Vec::with_capacity(files.len());
    for (file, target, exists) in plan {
        let shown = dir.join(file.path);
        if exists && file.policy == Policy::User && !force {
            out.push((shown, Written::Kept));
            continue;
        }
        if exists && fs::read(&target).is_ok_and(|old| old == file.contents.as_bytes()) {
            out.push((shown, Written::Unchanged));
            continue;
        }
        let parent = target.parent().unwrap_or(&root);
        fs::create_dir_all(parent)?;
        if !parent.canonicalize()?.starts_with(&root) {
            return Err(refuse(format!(
                "{} leads outside the output directory {}",
                parent.display(),
                root.display()
            )));
        }
        crate::atomic_write::write(&target, file.contents.as_bytes())?;
        out.push((shown, Written::Wrote));
    }
    Ok(out)
}

fn refuse(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &'static str, policy: Policy) -> File {
        File {
            path,
            contents: format!("{path}\n"),
            policy,
        }
    }

    #[test]
    fn writes_keeps_and_forces() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            file("src/generated.rs", Policy::Generated),
            file("src/participants.rs", Policy::User),
        ];
        let first = write(dir.path(), &files, false).unwrap();
        assert!(first.iter().all(|(_, w)| *w == Written::Wrote));
        fs::write(dir.path().join("src/participants.rs"), "mine").unwrap();
        fs::write(dir.path().join("src/generated.rs"), "edited").unwrap();
        let second = write(dir.path(), &files, false).unwrap();
        assert_eq!(second[0].1, Written::Wrote);
        assert_eq!(second[1].1, Written::Kept);
        assert_eq!(
            fs::read_to_string(dir.path().join("src/participants.rs")).unwrap(),
            "mine"
        );
        let third = write(dir.path(), &files, true).unwrap();
        assert_eq!(third[0].1, Written::Unchanged);
        assert_eq!(third[1].1, Written::Wrote);
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("src"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn refuses_paths_outside() {
        let dir = tempfile::tempdir().unwrap();
        for path in ["../escape.rs", "/etc/x", ""] {
            let err = write(dir.path(), &[file(path, Policy::Generated)], false).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_to_follow_a_link_out() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("src")).unwrap();
        let err = write(
            dir.path(),
            &[file("src/generated.rs", Policy::Generated)],
            false,
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(fs::read_dir(outside.path()).unwrap().next().is_none());
    }
}
