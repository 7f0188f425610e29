//! Submissions as students upload them: crowded folders, a zip of one folder, a folder of
//! submission folders, links, pipes and deep trees.

use std::fs;

use super::{copy_sample, rubric, sagac};
use sagac::grade;

#[test]
fn the_spec_and_answers_are_found_first_in_a_crowded_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("crowded");
    copy_sample("correct-orchestration", &sub);
    // 2,000 entries that sort before `saga.yaml`: the entry limit is reached before it.
    for i in 0..2_000 {
        fs::write(sub.join(format!("a{i:04}.txt")), "").unwrap();
    }
    let g = grade::grade_path(&rubric(), &sub);
    assert_eq!(g.score, 10.0, "{:#?}", g);
    assert_eq!(g.spec.as_deref(), Some("saga.yaml"));
    assert!(
        g.notes.iter().any(|n| n.contains("more than 2000 files")),
        "{:?}",
        g.notes
    );
}

#[test]
fn a_zip_of_one_folder_is_read_from_the_folder_that_holds_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("upload");
    copy_sample("correct-orchestration", &sub.join("my-project"));
    let g = grade::grade_path(&rubric(), &sub);
    assert_eq!(g.spec.as_deref(), Some("my-project/saga.yaml"));
    // The diagram lives in `my-project/answers.md`.
    assert_eq!(g.score, 10.0, "{:#?}", g);
    let read = grade::submission::read(&sub);
    assert_eq!(read.answers.unwrap().name, "my-project/answers.md");
}

#[test]
fn a_folder_of_submission_folders_grades_each_one() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().join("submissions");
    copy_sample("correct-orchestration", &parent.join("alice"));
    copy_sample("no-outbox", &parent.join("bob"));
    fs::create_dir_all(parent.join("carol")).unwrap();
    fs::create_dir_all(parent.join(".git")).unwrap();
    let out = sagac()
        .arg("grade")
        .arg(&parent)
        .args(["--assignment", "order-saga", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let graded: Vec<(String, f64)> = v
        .as_array()
        .expect("one grade per submission folder")
        .iter()
        .map(|g| {
            let name = g["submission"].as_str().unwrap();
            (
                name.rsplit('/').next().unwrap().to_owned(),
                g["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        graded,
        [
            ("alice".to_owned(), 10.0),
            ("bob".to_owned(), 9.0),
            ("carol".to_owned(), 0.0)
        ]
    );
    // The formats of one submission grade the folder as given.
    sagac()
        .arg("grade")
        .arg(&parent)
        .args(["--assignment", "order-saga", "--format", "classroom"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(r#""status":"fail""#));
}

#[test]
fn a_submission_with_one_folder_of_yaml_is_not_a_parent() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("student");
    copy_sample("correct-orchestration", &sub.join("src"));
    fs::create_dir_all(sub.join("docs")).unwrap();
    fs::write(sub.join("docs/notes.md"), "notes").unwrap();
    assert_eq!(
        grade::batch::expand(std::slice::from_ref(&sub)),
        std::slice::from_ref(&sub)
    );
    // A folder with a spec at its top is a submission, whatever its folders hold.
    let top = dir.path().join("top");
    copy_sample("correct-orchestration", &top);
    copy_sample("no-outbox", &top.join("v1"));
    copy_sample("no-outbox", &top.join("v2"));
    assert_eq!(
        grade::batch::expand(std::slice::from_ref(&top)),
        std::slice::from_ref(&top)
    );
}

#[test]
fn many_yaml_files_make_a_short_note() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("many");
    fs::create_dir_all(&sub).unwrap();
    for i in 0..200 {
        fs::write(sub.join(format!("spec-{i:03}.yaml")), "version: 1\n").unwrap();
    }
    let g = grade::grade_path(&rubric(), &sub);
    let note = &g.notes[0];
    assert!(note.contains("several YAML files"), "{note}");
    assert!(note.contains("195 more"), "{note}");
    assert!(note.len() < 400, "{note}");
}

#[cfg(unix)]
#[test]
fn links_pipes_and_deep_folders_are_noted() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("odd");
    copy_sample("correct-orchestration", &sub);
    std::os::unix::fs::symlink("/etc", sub.join("etc")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", sub.join("notes.txt")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(sub.join("pipe.mmd"))
        .status()
        .is_ok_and(|s| s.success());
    fs::create_dir_all(sub.join("a/b/c/d/e")).unwrap();
    fs::write(sub.join("a/b/c/d/e/deep.mmd"), "sequenceDiagram\n").unwrap();
    let g = grade::grade_path(&rubric(), &sub);
    assert_eq!(g.score, 10.0, "{:#?}", g);
    let notes = g.notes.join("\n");
    assert!(
        notes.contains("`etc` and `notes.txt` are symbolic links"),
        "{notes}"
    );
    if made {
        assert!(
            notes.contains("`pipe.mmd` is not a regular file (a named pipe"),
            "{notes}"
        );
    }
    assert!(
        notes.contains("`a/b/c/d` is deeper than 3 levels of folders"),
        "{notes}"
    );
}
