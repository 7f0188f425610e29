//! The command line: what each subcommand takes. Parsing only; `commands/` does the work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use sagac::diagram::Kind as DiagramKind;
use sagac::grade::render::Format as GradeFormat;
use sagac::report::Format;
use sagac::scenario::FaultKind;
use sagac::simulate::Format as SimulateFormat;

#[derive(Debug, Parser)]
#[command(
    name = "sagac",
    version,
    about = "Saga specification compiler: check, simulate, diagram and grade sagas written in YAML"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check specs: structure, compensations, events, data flow, reliability.
    Check(CheckArgs),
    /// Explain a rule: what it checks, why it matters, a bad and a good example.
    Explain(ExplainArgs),
    /// Simulate a saga under injected faults and check its invariants on every run.
    Simulate(SimulateArgs),
    /// Draw Mermaid diagrams of a saga: the sequence of its runs, a flowchart, a state machine.
    Diagram(DiagramArgs),
    /// Generate a Rust crate for a saga: state machine or handlers, traits, outbox, tests.
    Codegen(CodegenArgs),
    /// Translate a Step Functions, BPMN 2.0 or Serverless Workflow file into a spec.
    Import(ImportArgs),
    /// Print the JSON Schema of the spec language (for yaml-language-server and editors).
    Schema,
    /// Grade student submissions against a rubric, by what their saga does.
    Grade(GradeArgs),
    /// List the built-in assignments, or print one's rubric.
    Assignments(AssignmentsArgs),
    /// Serve the Language Server Protocol over standard input and output (for editors).
    Lsp,
    /// Print the shell completion script for a shell.
    Completions(CompletionsArgs),
    /// Write the manual pages, one per subcommand, into a directory.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory the pages are written into (created if missing): `sagac.1`, and
    /// `sagac-<command>.1` for each subcommand.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    /// Submissions, one per student: a folder (with `saga.yaml`, `answers.md`, `*.mmd`) or a
    /// single spec file.
    #[arg(required_unless_present = "rubric_schema")]
    pub submissions: Vec<PathBuf>,
    /// A built-in assignment (`sagac assignments` lists them).
    #[arg(long, conflicts_with = "rubric", required_unless_present_any = ["rubric", "rubric_schema"])]
    pub assignment: Option<String>,
    /// A rubric of your own (YAML; see docs/grading.md).
    #[arg(long)]
    pub rubric: Option<PathBuf>,
    /// Output format.
    #[arg(long, alias = "output-format", value_enum, default_value_t = GradeFormat::Human)]
    pub format: GradeFormat,
    /// Write the report to this file (replaced atomically) instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Also write a CSV summary: one row per submission, one column per criterion.
    #[arg(long, value_name = "CSV")]
    pub summary: Option<PathBuf>,
    /// Also write a class report for the instructor: the score distribution, each
    /// criterion's rates, the most frequent diagnostics and similar submissions; HTML
    /// (`report.html`) or Markdown (`report.md`), from the name's extension.
    #[arg(long, value_name = "FILE.html|FILE.md")]
    pub report: Option<sagac::grade::class_report::ReportFile>,
    /// Submissions graded at once (default: one per core).
    #[arg(short = 'j', long, default_value_t = 0, hide_default_value = true)]
    pub jobs: usize,
    /// Exit 0 even below full marks (the default with gradescope and classroom, whose file
    /// carries the score).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the JSON Schema of the rubric format and exit.
    #[arg(long)]
    pub rubric_schema: bool,
    #[command(flatten)]
    pub color: ColorArgs,
}

#[derive(Debug, Args)]
pub struct AssignmentsArgs {
    /// Print this assignment's rubric (YAML), to adapt into a rubric of your own.
    pub assignment: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Spec files, or directories searched for *.yaml and *.yml; `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, alias = "output-format", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Skip the simulation of single faults (the V7xx rules).
    #[arg(long)]
    pub no_simulate: bool,
    /// BPMN: the process to check (its `id` or `name`) when a file holds several.
    #[arg(long)]
    pub process: Option<String>,
    #[command(flatten)]
    pub color: ColorArgs,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The spec file (`-` reads standard input).
    pub spec: PathBuf,
    /// How many faults to combine in one scenario (compensation failures not counted).
    #[arg(long, default_value_t = 1)]
    pub max_faults: usize,
    /// Which kinds of fault to inject (comma-separated); all of them by default.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub faults: Vec<FaultKindArg>,
    /// Run only this scenario (`happy`, `fail:charge_payment`, `timeout:x+dup:y`).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Output format.
    #[arg(long, alias = "output-format", value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
    /// Draw each violation's counterexample as a Mermaid sequence diagram (a ```mermaid
    /// fence in the human report, a `diagram` field in JSON).
    #[arg(long)]
    pub diagram: bool,
    /// Print each scenario's run as a numbered trace (a `trace` array in JSON); the default
    /// when `--scenario` names one.
    #[arg(long)]
    pub trace: bool,
    /// Run even when the exploration is estimated to take tens of seconds or more.
    #[arg(long)]
    pub no_limit: bool,
    /// Language version 2, isolation: add one instance of another saga with resources
    /// (FTGO's cancel against the order saga), labelled `b`.
    #[arg(long = "with", value_name = "SPEC")]
    pub with: Option<PathBuf>,
    /// Language version 2, isolation: run this many instances of the saga (1 to 4) instead
    /// of its `isolation.instances`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=4))]
    pub instances: Option<u8>,
    /// Language version 2, isolation: the fields whose value every instance shares,
    /// instead of `isolation.shared` (with `--with`, instead of every record reference).
    #[arg(long, value_name = "FIELDS", value_delimiter = ',', num_args = 0..)]
    pub shared: Option<Vec<String>>,
    /// Exit 1 when some run ends this way (`needs-attention`: a compensation gave up and
    /// the escalation was told, language version 2).
    #[arg(long, value_enum)]
    pub deny: Option<SimulateDeny>,
    /// BPMN: the process to simulate (its `id` or `name`) when a file holds several.
    #[arg(long)]
    pub process: Option<String>,
    #[command(flatten)]
    pub color: ColorArgs,
}

/// The names `--faults` takes, one per kind of `scenario::FaultKind`: the library's type
/// does not know the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FaultKindArg {
    /// `fail:<step>`: a business failure (a transient one for a retriable step).
    Business,
    /// `exhaust:<step>`: every attempt fails transiently.
    Exhaust,
    /// `timeout:<step>`: no answer in time; the effect may or may not be applied.
    Timeout,
    /// `compfail:<step|trigger>`: a compensation gives up (never counted in --max-faults).
    Compfail,
    /// `crash:<participant>@<event>`: a service crashes between its write and its publish.
    Crash,
    /// `crash:orchestrator@<step>`: the orchestrator crashes before sending a step's command.
    #[value(name = "orchestrator-crash", alias = "orchestrator_crash")]
    OrchestratorCrash,
    /// `dup:<step>` / `dup:<event>`: a command or event is delivered twice.
    Duplicate,
    /// `uncaught:<step>`: an error the spec does not declare (language version 2).
    Uncaught,
    /// `outage:<participant>`: a participant answers no forward command (version 2).
    Outage,
    /// `deadline:<step>`: the deadline passes while the step is current (version 2).
    Deadline,
    /// `cancel:<step>`: the caller cancels as the step's command is sent (version 2).
    Cancel,
    /// `comptimeout:<step|trigger>`: a compensation's attempt times out (version 2; never
    /// counted in --max-faults).
    Comptimeout,
    /// Every kind, version 2's included (also for a version 1 spec).
    All,
}

impl FaultKindArg {
    /// The kinds the name stands for: one, or every kind for `all`.
    pub fn kinds(self) -> Vec<FaultKind> {
        match self {
            FaultKindArg::All => FaultKind::EVERY.to_vec(),
            kind => vec![kind.into()],
        }
    }
}

/// What `simulate --deny` makes an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateDeny {
    /// A run that ends `needs_attention`.
    NeedsAttention,
}

impl From<FaultKindArg> for FaultKind {
    fn from(kind: FaultKindArg) -> FaultKind {
        match kind {
            FaultKindArg::Business => FaultKind::Business,
            FaultKindArg::Exhaust => FaultKind::Exhaust,
            FaultKindArg::Timeout => FaultKind::Timeout,
            FaultKindArg::Compfail => FaultKind::Compfail,
            FaultKindArg::Crash => FaultKind::Crash,
            FaultKindArg::OrchestratorCrash => FaultKind::OrchestratorCrash,
            FaultKindArg::Duplicate => FaultKind::Duplicate,
            FaultKindArg::Uncaught => FaultKind::Uncaught,
            FaultKindArg::Outage => FaultKind::Outage,
            FaultKindArg::Deadline => FaultKind::Deadline,
            FaultKindArg::Cancel => FaultKind::Cancel,
            FaultKindArg::Comptimeout => FaultKind::CompTimeout,
            // `kinds` expands `all`; alone it stands for the first kind.
            FaultKindArg::All => FaultKind::Business,
        }
    }
}

#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// The spec file (`-` reads standard input).
    pub spec: PathBuf,
    /// What to draw.
    #[arg(long, value_enum, default_value_t = DiagramKind::Sequence)]
    pub kind: DiagramKind,
    /// Sequence diagrams only: `all` (the happy path with an alt/else at every step that
    /// can fail; the default), `every` (one diagram per scenario), or one scenario by name
    /// (`happy`, `fail:charge_payment`, `timeout:x+exhaust:x`). For a spec with
    /// `resources`, a scenario of its instances (`happy`, `a/fail:charge_credit`).
    #[arg(long)]
    pub path: Option<String>,
    /// With `--kind state`: draw this resource's record states (language version 2,
    /// isolation) instead of the orchestrator's state machine.
    #[arg(long, value_name = "NAME")]
    pub resource: Option<String>,
    /// Write Markdown: a heading and a ```mermaid fence per diagram.
    #[arg(long)]
    pub markdown: bool,
    /// Write to this file (atomically: a temporary file renamed into place) instead of
    /// standard output.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// When to color the diagnostics of a spec that cannot be drawn (on standard error).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Args)]
pub struct CodegenArgs {
    /// The spec file (`-` reads standard input).
    pub spec: PathBuf,
    /// The crate's directory (created if missing); nothing is written outside it.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Also overwrite the files that are yours once written: src/participants.rs,
    /// src/lib.rs, Cargo.toml and .gitignore.
    #[arg(long)]
    pub force: bool,
    /// What the saga runs on: `std` (a dependency-free crate with a blocking driver) or
    /// `restate` (a Restate workflow, tested on a real restate-server).
    #[arg(long, value_enum, default_value_t = Runtime::Std)]
    pub runtime: Runtime,
    #[command(flatten)]
    pub color: ColorArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A Step Functions state machine (JSON or YAML), a BPMN 2.0 file or a Serverless
    /// Workflow (JSON or YAML); the format is told from the content. `-` reads standard input.
    pub file: PathBuf,
    /// Write the spec to this file (replaced atomically; nothing is written on an error)
    /// instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// BPMN: the process to import (its `id` or `name`) when the file holds several.
    #[arg(long)]
    pub process: Option<String>,
    #[command(flatten)]
    pub color: ColorArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Runtime {
    Std,
    Restate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Debug, Args)]
pub struct ColorArgs {
    /// When to color the human report (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to color what goes to `stream`: `auto` colors a terminal unless NO_COLOR is
    /// set.
    pub fn enabled_for(self, stream: &impl std::io::IsTerminal) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stream.is_terminal()
            }
        }
    }
}

impl ColorArgs {
    /// Whether to color the report on standard output.
    pub fn enabled(&self) -> bool {
        self.color.enabled_for(&std::io::stdout())
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`C201`) or name (`missing-compensation`); omit to list every rule.
    pub rule: Option<String>,
}
