//! The stdio transport: `lsp-server`'s framing (`Content-Length` headers, then a JSON
//! body), with the input bounded as the command line's is. `lsp-server`'s own stdio reader
//! allocates whatever length a header claims before reading it, and stops serving at the
//! first body that is not JSON-RPC; here a header's line is at most 4 KiB, a body at most
//! [`MAX_MESSAGE_BYTES`] (read and dropped past that, in pieces, never held), and a body
//! that does not parse is dropped with a line on standard error. Either way the server
//! goes on with the next message.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message};

use crate::load::MAX_FILE_BYTES;

/// The largest message read: a document at the size limit, every byte escaped in JSON
/// (`\u0001` is six bytes for one), and room for the rest of the message. A larger
/// document is over the limit anyway (S011), so nothing the server can answer is lost.
pub const MAX_MESSAGE_BYTES: u64 = 6 * MAX_FILE_BYTES + (1 << 20);

/// The longest header line read.
const MAX_HEADER_LINE: u64 = 4096;

/// What one read from the input gave.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A body dropped, and why.
    Dropped(String),
    /// The input ended.
    End,
}

/// Reads one message, dropping a body over `limit` bytes or one that is not JSON-RPC. An
/// error is a header that cannot be read: the stream has lost its framing.
pub fn read_message(input: &mut impl BufRead, limit: u64) -> io::Result<Incoming> {
    let mut length: Option<u64> = None;
    let mut line = String::new();
    loop {
        line.clear();
        let read = input.by_ref().take(MAX_HEADER_LINE).read_line(&mut line)?;
        if read == 0 {
            return Ok(Incoming::End);
        }
        let Some(header) = line.strip_suffix("\r\n") else {
            return Err(invalid(format!("malformed header: {:?}", clip(&line))));
        };
        if header.is_empty() {
            break;
        }
        let (name, value) = header
            .split_once(": ")
            .ok_or_else(|| invalid(format!("malformed header: {:?}", clip(header))))?;
        if name.eq_ignore_ascii_case("Content-Length") {
            let n = value
                .trim()
                .parse()
                .map_err(|_| invalid(format!("bad Content-Length: {:?}", clip(value))))?;
            length = Some(n);
        }
    }
    let length = length.ok_or_else(|| invalid("a message without Content-Length".to_owned()))?;
    if length > limit {
        let skipped = io::copy(&mut input.by_ref().take(length), &mut io::sink())?;
        if skipped < length {
            return Ok(Incoming::End);
        }
        return Ok(Incoming::Dropped(format!(
            "a message of {length} bytes, over the {limit} bytes read"
        )));
    }
    let mut body = Vec::new();
    input.by_ref().take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(Incoming::End);
    }
    Ok(match serde_json::from_slice::<Message>(&body) {
        Ok(message) => Incoming::Message(message),
        Err(e) => Incoming::Dropped(format!("a message that is not JSON-RPC: {e}")),
    })
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn clip(text: &str) -> &str {
    let mut end = text.len().min(80);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The threads that read standard input and write standard output.
pub struct Transport {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

/// A connection over standard input and output.
pub fn stdio() -> (Connection, Transport) {
    let (to_writer, from_server) = crossbeam_channel::unbounded::<Message>();
    let (to_server, from_reader) = crossbeam_channel::bounded::<Message>(0);
    let writer = std::thread::Builder::new()
        .name("sagac-lsp-writer".to_owned())
        .spawn(move || write_all(&from_server));
    let reader = std::thread::Builder::new()
        .name("sagac-lsp-reader".to_owned())
        .spawn(move || read_all(&to_server));
    let (Ok(reader), Ok(writer)) = (reader, writer) else {
        panic!("cannot start the threads of the stdio transport");
    };
    let connection = Connection {
        sender: to_writer,
        receiver: from_reader,
    };
    (connection, Transport { reader, writer })
}

fn read_all(to_server: &Sender<Message>) -> io::Result<()> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    loop {
        match read_message(&mut input, MAX_MESSAGE_BYTES)? {
            Incoming::Message(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || exit {
                    return Ok(());
                }
            }
            Incoming::Dropped(why) => eprintln!("sagac lsp: dropped {why}"),
            Incoming::End => return Ok(()),
        }
    }
}

fn write_all(from_server: &Receiver<Message>) -> io::Result<()> {
    let stdout = io::stdout();
    let mut output = stdout.lock();
    for message in from_server {
        message.write(&mut output)?;
        output.flush()?;
    }
    Ok(())
}

impl Transport {
    /// Waits for both threads: the writer ends once every sender of messages is dropped
    /// (after the last message is out), the reader at `exit` or the input's end.
    pub fn join(self) -> io::Result<()> {
        let writer = self.writer.join();
        let reader = self.reader.join();
        for joined in [writer, reader] {
            match joined {
                Ok(result) => result?,
                Err(_) => return Err(io::Error::other("a transport thread panicked")),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bodies_too_large_or_not_json_rpc_are_dropped_and_reading_goes_on() {
        let ok = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let big = format!(
            r#"{{"jsonrpc":"2.0","method":"x","params":"{}"}}"#,
            "a".repeat(500)
        );
        let input = [framed(&big), framed("{nonsense"), framed(ok)].concat();
        let mut input = io::Cursor::new(input.into_bytes());
        let mut next = || read_message(&mut input, 200).unwrap();
        assert!(matches!(next(), Incoming::Dropped(why) if why.contains("over the 200 bytes")));
        assert!(matches!(next(), Incoming::Dropped(why) if why.contains("not JSON-RPC")));
        assert!(
            matches!(next(), Incoming::Message(Message::Notification(n)) if n.method == "initialized")
        );
        assert!(matches!(next(), Incoming::End));
    }

    #[test]
    fn a_claimed_length_is_never_allocated_up_front() {
        // 2^60 bytes claimed, a few sent: the input ends, nothing is held.
        let input = "Content-Length: 1152921504606846976\r\n\r\n{}";
        let mut input = io::Cursor::new(input.as_bytes().to_vec());
        assert!(matches!(
            read_message(&mut input, MAX_MESSAGE_BYTES),
            Ok(Incoming::End)
        ));
        let mut input = io::Cursor::new(format!("X: {}\r\n", "y".repeat(10_000)).into_bytes());
        assert!(read_message(&mut input, MAX_MESSAGE_BYTES).is_err());
        let mut input = io::Cursor::new(b"\r\n{}".to_vec());
        assert!(read_message(&mut input, MAX_MESSAGE_BYTES).is_err());
    }
}
