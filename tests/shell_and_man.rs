//! `sagac completions` and `sagac man` as a shell and `man` use them: the bash script is
//! sourced in a real bash and asked to complete, and every page is rendered by `man -l`
//! with groff's warnings on. Without bash or man a test skips loudly, and fails when
//! `SAGAC_REQUIRE_TOOLS=1` (`.ci/run` installs man-db and groff).

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

fn sagac() -> Command {
    Command::cargo_bin("sagac").unwrap()
}

/// Says why a tool cannot run here: a loud skip, or a failure when CI requires the tools.
fn skip(why: &str) {
    if std::env::var("SAGAC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("SAGAC_REQUIRE_TOOLS=1 but {why}");
    }
    eprintln!("SKIPPED: {why}");
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// What bash's completion offers for the words typed so far (the last one is being typed),
/// with the script `sagac completions bash` printed sourced in a fresh bash.
fn bash_completes(script: &Path, words: &[&str]) -> Vec<String> {
    // The function the script registers for `sagac` (`complete -F _sagac sagac`), called as
    // bash calls it: the command, the word being completed, the word before it.
    let program = r#"
        source "$1"; shift
        spec=$(complete -p sagac) || exit 3
        fn=${spec##*-F }; fn=${fn%% *}
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "$fn" sagac "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", program, "bash"])
        .arg(script)
        .args(words)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_bash_completion_offers_the_commands_and_their_flags() {
    if which("bash").is_none() {
        return skip("bash is not on PATH");
    }
    let out = sagac().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("sagac.bash");
    std::fs::write(&script, &out.stdout).unwrap();

    assert_eq!(bash_completes(&script, &["sagac", "ch"]), ["check"]);
    let commands = bash_completes(&script, &["sagac", ""]);
    for command in ["check", "simulate", "completions", "man"] {
        assert!(
            commands.iter().any(|c| c == command),
            "{command} not in {commands:?}"
        );
    }
    assert_eq!(
        bash_completes(&script, &["sagac", "check", "--fo"]),
        ["--format"]
    );
    let formats = bash_completes(&script, &["sagac", "check", "--format", ""]);
    assert!(formats.iter().any(|f| f == "sarif"), "{formats:?}");
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = sagac().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("check"), "{shell}: {script}");
    }
    let out = sagac().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_writes_one_page_per_command_that_man_renders_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man/man1");
    let out = sagac().arg("man").arg(&pages).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for page in [
        "sagac.1",
        "sagac-check.1",
        "sagac-completions.1",
        "sagac-man.1",
    ] {
        assert!(names.iter().any(|n| n == page), "{page} not in {names:?}");
    }
    assert!(!names.iter().any(|n| n == "sagac-help.1"), "{names:?}");

    // Same sagac, same bytes.
    let again = dir.path().join("again");
    assert!(sagac().arg("man").arg(&again).status().unwrap().success());
    for name in &names {
        assert_eq!(
            std::fs::read(pages.join(name)).unwrap(),
            std::fs::read(again.join(name)).unwrap(),
            "{name}"
        );
    }

    if which("man").is_none() || which("groff").is_none() {
        return skip("man or groff is not on PATH: the pages were not rendered");
    }
    for name in &names {
        let out = Command::new("man")
            .args(["--warnings", "-l"])
            .arg(pages.join(name))
            .env("MANWIDTH", "80")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .unwrap();
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {warnings}");
        assert!(warnings.trim().is_empty(), "{name}: {warnings}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("NAME"), "{name}: {text}");
        if name == "sagac-check.1" {
            assert!(text.contains("--no-simulate"), "{text}");
        }
    }
}

#[test]
fn man_into_a_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let out = sagac().arg("man").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("file"));
}
