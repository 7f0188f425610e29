//! `sagac man <dir>`: one manual page per command (`sagac.1`, `sagac-check.1`, ...), made by
//! clap_mangen from the clap definitions. Each page is written atomically; the pages carry
//! no date, so the same sagac writes the same bytes.

use std::path::Path;

use clap::CommandFactory;

use super::{Exit, fail};
use crate::cli::{Cli, ManArgs};

pub fn run(args: &ManArgs) -> Exit {
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        return fail(format!("{}: {e}", args.dir.display()));
    }
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut written = Vec::new();
    if let Err(e) = write_pages(&command, &args.dir, &mut written) {
        return fail(e);
    }
    for page in written {
        println!("{page}");
    }
    Exit::Clean
}

/// Writes the page of `command` and of each of its visible subcommands, depth first, and
/// records the path of each page written.
fn write_pages(
    command: &clap::Command,
    dir: &Path,
    written: &mut Vec<String>,
) -> Result<(), String> {
    let man = clap_mangen::Man::new(command.clone());
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render(&mut page)
        .map_err(|e| format!("rendering {}: {e}", path.display()))?;
    sagac::atomic_write::write(&path, &page).map_err(|e| format!("{}: {e}", path.display()))?;
    written.push(sagac::source::display_path(&path));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}
