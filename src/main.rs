use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let code = match cli.command {
        cli::Command::Check(args) => commands::check::run(&args),
        cli::Command::Explain(args) => commands::explain::run(&args),
        cli::Command::Simulate(args) => commands::simulate::run(&args),
        cli::Command::Diagram(args) => commands::diagram::run(&args),
        cli::Command::Schema => commands::schema::run(),
        cli::Command::Grade(args) => commands::grade::run(&args),
        cli::Command::Assignments(args) => commands::assignments::run(&args),
        cli::Command::Codegen(args) => commands::codegen::run(&args),
        cli::Command::Import(args) => commands::import::run(&args),
        cli::Command::Lsp => commands::lsp::run(),
        cli::Command::Completions(args) => commands::completions::run(&args),
        cli::Command::Man(args) => commands::man::run(&args),
    };
    ExitCode::from(code as u8)
}
