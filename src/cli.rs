//! The command line: what each subcommand takes. Parsing only; `commands/` does the work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Print the JSON Schema of the spec language (for yaml-language-server and editors).
    Schema,
    /// Generate a Rust crate for a saga: state machine or handlers, traits, outbox, tests.
    Codegen(CodegenArgs),
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
    pub faults: Vec<FaultKind>,
    /// Run only this scenario (`happy`, `fail:charge_payment`, `timeout:x+dup:y`).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Output format.
    #[arg(long, alias = "output-format", value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
    #[command(flatten)]
    pub color: ColorArgs,
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
    #[command(flatten)]
    pub color: ColorArgs,
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

impl ColorArgs {
    pub fn enabled(&self) -> bool {
        use std::io::IsTerminal;
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`C201`) or name (`missing-compensation`); omit to list every rule.
    pub rule: Option<String>,
}
