//! `sagac lsp`: serves the Language Server Protocol on standard input and output until the
//! client shuts it down. The server is `sagac::lsp`; this only connects it to stdio.

use super::{Exit, fail};

pub fn run() -> Exit {
    let (connection, transport) = sagac::lsp::transport::stdio();
    let served = sagac::lsp::serve(&connection);
    // The writer ends once every sender is dropped, after the last message is out.
    drop(connection);
    let joined = transport.join();
    let joined = joined.map_err(|e| e.to_string());
    match served.and(joined) {
        Ok(()) => Exit::Clean,
        Err(e) => fail(format!("sagac lsp: {e}")),
    }
}
