//! `sagac lsp`: serves the Language Server Protocol on standard input and output until the
//! client shuts it down. The server is `sagac::lsp`; this only connects it to stdio.

use lsp_server::Connection;

use super::{Exit, fail};

pub fn run() -> Exit {
    let (connection, io) = Connection::stdio();
    let served = sagac::lsp::serve(&connection);
    // The writer thread ends once every sender is dropped, after the last message is out.
    drop(connection);
    let joined = io.join();
    match (served, joined) {
        (Ok(()), Ok(())) => Exit::Clean,
        (Err(e), _) => fail(format!("sagac lsp: {e}")),
        (_, Err(e)) => fail(format!("sagac lsp: {e}")),
    }
}
