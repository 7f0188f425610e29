//! `sagac grade`: grading student sagas against a rubric, by what the saga does. A rubric
//! ([`rubric`]) names roles ([`selector`]) and criteria; each criterion runs one check
//! ([`checks`]) over a submission read safely ([`submission`]): the spec through the
//! checker and the simulator, the prose ([`prose`]) and the Mermaid diagrams ([`mermaid`]).
//! The result ([`result`]) is rendered in one of several formats ([`render`]). Criteria are
//! independent: a rule error in one part of a saga does not cost the points of the others,
//! and only a spec that cannot be read at all scores 0 on what needs it.

pub mod assignments;
pub mod batch;
pub mod checks;
pub mod class_report;
pub mod mermaid;
pub mod prose;
pub mod render;
pub mod result;
pub mod rubric;
pub mod selector;
pub mod submission;
pub mod text;
pub mod work;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

pub use result::{CriterionResult, Grade, Status};
pub use rubric::{Rubric, RubricError};
pub use submission::Submission;

use checks::{Context, Verdict};

/// Reads and grades one submission. A panic inside sagac (a bug) becomes a grade of 0 with
/// the reason, so one submission cannot stop a batch or leave Gradescope without a result.
pub fn grade_path(rubric: &Rubric, path: &Path) -> Grade {
    match catch_unwind(AssertUnwindSafe(|| {
        let submission = submission::read(path);
        grade(rubric, &submission)
    })) {
        Ok(grade) => grade,
        Err(panic) => Grade::failed(
            &crate::source::display_path(path),
            rubric,
            &format!(
                "sagac failed while grading this submission ({}); please tell your instructor",
                text::prose(&text::one_line(&panic_message(panic.as_ref())))
            ),
        ),
    }
}

/// The text a panic carried.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Grades a submission already read.
pub fn grade(rubric: &Rubric, submission: &Submission) -> Grade {
    let ctx = Context::new(rubric, submission);
    let criteria: Vec<CriterionResult> = rubric
        .def
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let verdict = c.check.as_ref().map(|check| checks::run(check, i, &ctx));
            criterion(c, verdict)
        })
        .collect();
    let mut notes = submission.notes.clone();
    if let Some(problem) = &submission.spec_problem {
        notes.insert(0, problem.clone());
    }
    Grade {
        submission: submission.name.clone(),
        spec: submission.spec.as_ref().map(|c| c.source.name()),
        spec_path: submission.spec_path.clone(),
        score: criteria.iter().map(|c| c.points).sum(),
        max_score: rubric.max_score(),
        criteria,
        notes,
    }
}

fn criterion(def: &rubric::CriterionDef, verdict: Option<Verdict>) -> CriterionResult {
    let verdict = verdict.unwrap_or_default();
    let (points, status) = if def.manual {
        (0.0, Status::Review)
    } else if verdict.passed() {
        (def.points, Status::Pass)
    } else if def.partial && verdict.parts > 0 {
        // Rounded down to halves, so that partial credit never exceeds its share.
        let share = def.points * verdict.met as f64 / verdict.parts as f64;
        let p = (share * 2.0).floor() / 2.0;
        (
            p,
            if p > 0.0 {
                Status::Partial
            } else {
                Status::Fail
            },
        )
    } else {
        (0.0, Status::Fail)
    };
    let summary = match status {
        Status::Pass => def.feedback.pass.clone(),
        Status::Review => format!("Left to a human grader. {}", def.feedback.fail),
        _ => def.feedback.fail.clone(),
    };
    CriterionResult {
        id: def.id.clone(),
        title: def.title.clone(),
        points,
        max_points: def.points,
        status,
        summary,
        details: verdict.details,
        read: (status != Status::Pass).then(|| def.read.clone()).flatten(),
        line: verdict.line,
    }
}
