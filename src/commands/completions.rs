//! `sagac completions <shell>`: the shell's completion script, generated from the same clap
//! definitions that parse the command line, so it cannot offer a flag that does not exist.

use clap::CommandFactory;

use super::{Exit, fail, write_product};
use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> Exit {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "sagac", &mut script);
    match write_product(None, &script) {
        Ok(()) => Exit::Clean,
        Err(e) => fail(format!("writing the completion script: {e}")),
    }
}
