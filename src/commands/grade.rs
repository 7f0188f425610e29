use std::fs::{self, OpenOptions};
use std::io::{IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use sagac::grade::render::{self, Format, classroom, gradescope};
use sagac::grade::{Grade, Rubric, assignments, batch, class_report, rubric};
use sagac::source::display_path;

use super::{Exit, fail, write_product};
use crate::cli::GradeArgs;

/// Why grading stopped before any grade (exit 2). The detail is for the instructor's log;
/// a student reading a Gradescope or Classroom result sees only [`Stop::for_students`].
enum Stop {
    /// The rubric could not be read or is invalid.
    Rubric(String),
    /// The command line does not describe a gradable run (wrong paths, wrong count).
    Usage(String),
    /// A report or summary could not be written.
    Output(String),
    /// sagac itself failed.
    Panic(String),
}

impl Stop {
    /// The whole story, for standard error.
    fn detail(&self) -> &str {
        match self {
            Stop::Rubric(s) | Stop::Usage(s) | Stop::Output(s) | Stop::Panic(s) => s,
        }
    }

    /// What a student is told: which kind of problem, never a path or line of the
    /// instructor's set-up.
    fn for_students(&self) -> &'static str {
        match self {
            Stop::Rubric(_) => "the assignment's rubric has an error",
            Stop::Usage(_) => "the autograder is not set up for this submission",
            Stop::Output(_) => "the autograder could not write its results",
            Stop::Panic(_) => "sagac failed unexpectedly",
        }
    }
}

pub fn run(args: &GradeArgs) -> Exit {
    if args.rubric_schema {
        println!("{}", rubric::json_schema());
        return Exit::Clean;
    }
    // Whatever goes wrong, a Gradescope or Classroom run still gets its file.
    let result = catch_unwind(AssertUnwindSafe(|| grade(args)));
    let stop = match result {
        Ok(Ok(exit)) => return exit,
        Ok(Err(stop)) => stop,
        Err(panic) => Stop::Panic(format!(
            "sagac failed: {}",
            sagac::grade::panic_message(panic.as_ref())
        )),
    };
    let reason = stop.for_students();
    match args.format {
        Format::Gradescope => {
            let mut text = Vec::new();
            let _ = gradescope::failure(reason, &mut text);
            if let Err(e) = write_output(args.output.as_deref(), &text) {
                eprintln!("error: writing the Gradescope results: {e}");
            }
        }
        Format::Classroom => {
            // Out of the rubric's points when it can be read, so Classroom records the 0.
            let max_score = catch_unwind(AssertUnwindSafe(|| load_rubric(args)))
                .ok()
                .and_then(Result::ok)
                .map_or(0.0, |r| r.max_score());
            let json = classroom::error_json(reason, max_score);
            let written = write_output(args.output.as_deref(), format!("{json}\n").as_bytes())
                .and_then(|()| github_output(&json));
            // The result carries the 0 and the reason to the grading reporter; a failed step
            // would instead fail the student's workflow with no points shown.
            if written.is_ok() {
                eprintln!("error: {}", stop.detail());
                return Exit::Clean;
            }
        }
        _ => {}
    }
    fail(stop.detail())
}

fn load_rubric(args: &GradeArgs) -> Result<Rubric, Stop> {
    if let Some(path) = &args.rubric {
        let text = fs::read_to_string(path)
            .map_err(|e| Stop::Rubric(format!("{}: {e}", display_path(path))))?;
        return rubric::parse(&display_path(path), &text).map_err(|e| Stop::Rubric(e.to_string()));
    }
    let id = args.assignment.as_deref().unwrap_or_default();
    let assignment =
        assignments::find(id).ok_or_else(|| Stop::Usage(super::assignments::unknown(id)))?;
    assignment.load().map_err(|e| Stop::Rubric(e.to_string()))
}

fn grade(args: &GradeArgs) -> Result<Exit, Stop> {
    let rubric = load_rubric(args)?;
    if args.format.single() && args.submissions.len() != 1 {
        return Err(Stop::Usage(format!(
            "--format {} grades one submission at a time ({} given)",
            format_name(args.format),
            args.submissions.len()
        )));
    }
    if let Some(missing) = args.submissions.iter().find(|p| !p.exists()) {
        return Err(Stop::Usage(format!(
            "{}: no such file or directory",
            display_path(missing)
        )));
    }
    // A folder of submission folders is graded folder by folder, except by the formats of
    // one submission (Gradescope and Classroom give sagac one student's files).
    let submissions = if args.format.single() {
        args.submissions.clone()
    } else {
        batch::expand(&args.submissions)
    };
    let started = Instant::now();
    let grades = grade_with_progress(&rubric, &submissions, args.jobs);

    let mut report = Vec::new();
    let step_summary = std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|p| !p.is_empty() && args.format == Format::Github)
        .map(PathBuf::from);
    render::render(
        args.format,
        &rubric,
        &grades,
        args.output.is_none() && args.color.enabled(),
        step_summary.as_deref(),
        started.elapsed(),
        &mut report,
    )
    .map_err(|e| Stop::Output(format!("writing the report: {e}")))?;
    write_output(args.output.as_deref(), &report).map_err(Stop::Output)?;
    if args.format == Format::Classroom {
        github_output(&classroom::json(&grades)).map_err(Stop::Output)?;
    }
    if let Some(path) = &args.summary {
        let mut csv = Vec::new();
        render::csv::render(&rubric, &grades, &mut csv)
            .map_err(|e| Stop::Output(format!("writing the summary: {e}")))?;
        write_file(path, &csv).map_err(Stop::Output)?;
    }
    if let Some(file) = &args.report {
        write_class_report(file, &rubric, &submissions, &grades, args.jobs)?;
    }
    let full = grades.iter().all(Grade::full_marks);
    Ok(if full || args.exit_zero || args.format.score_in_file() {
        Exit::Clean
    } else {
        Exit::Findings
    })
}

/// `--report`: the class report over the grades, with what it needs of each submission
/// beyond its grade (rule codes, the saga's shape) read again in parallel.
fn write_class_report(
    file: &class_report::ReportFile,
    rubric: &Rubric,
    paths: &[PathBuf],
    grades: &[Grade],
    jobs: usize,
) -> Result<(), Stop> {
    let facts = class_report::gather(paths, jobs);
    let page = class_report::ClassReport::new(rubric, grades, &facts).render(file.kind);
    write_file(&file.path, page.as_bytes()).map_err(Stop::Output)
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Gradescope => "gradescope",
        Format::Classroom => "classroom",
        _ => "this format",
    }
}

/// Grades in parallel; a progress bar on standard error when it is a terminal.
fn grade_with_progress(rubric: &Rubric, paths: &[PathBuf], jobs: usize) -> Vec<Grade> {
    let bar = if paths.len() > 1 && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(paths.len() as u64);
        if let Ok(style) =
            ProgressStyle::with_template("grading {bar:40} {pos}/{len} submissions ({eta} left)")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let grades = batch::grade_all(rubric, paths, jobs, &|| bar.inc(1));
    bar.finish_and_clear();
    grades
}

/// Writes the report to standard output, or atomically to a file (its directory created
/// if missing).
fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    match path {
        Some(path) => write_file(path, bytes),
        None => write_product(None, bytes).map_err(|e| format!("writing the report: {e}")),
    }
}

/// Writes a file atomically, creating its directory first.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let create_dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => fs::create_dir_all(dir),
        _ => Ok(()),
    };
    create_dir
        .and_then(|()| write_product(Some(path), bytes))
        .map_err(|e| format!("{}: {e}", display_path(path)))
}

/// Appends `result=<base64>` to `$GITHUB_OUTPUT`, where the Classroom grading reporter
/// reads it (as `steps.<id>.outputs.result`).
fn github_output(json: &str) -> Result<(), String> {
    let Some(path) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let line = format!("result={}\n", classroom::base64(json.as_bytes()));
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .map_err(|e| format!("{}: {e}", display_path(Path::new(&path))))
}
