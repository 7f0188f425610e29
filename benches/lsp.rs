//! `sagac lsp`: how long after an edit its diagnostics are published, for the shipped specs
//! and generated 1,000-step ones, measured through the server itself (`sagac::lsp::serve`
//! on an in-memory connection, the messages stdio carries): a `didChange` is sent and the
//! clock stops when the `publishDiagnostics` of that version arrives. The debounce is set
//! to 0 here, so the figure is the work an edit costs; an editor adds the debounce (15 ms
//! by default) on top. Then the resident memory of the process over 10,000 edits of one
//! document, printed at every 1,000th (Linux: `/proc/self/statm`).

mod common;

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lsp_server::{Connection, Message, Notification, Request};
use serde_json::{Value, json};

const URI: &str = "file:///bench/saga.yaml";

struct Server {
    conn: Connection,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl Server {
    fn start(simulate: bool) -> Server {
        let (server, conn) = Connection::memory();
        let thread = std::thread::spawn(move || sagac::lsp::serve(&server));
        let init = Request::new(
            1.into(),
            "initialize".into(),
            json!({ "capabilities": {}, "initializationOptions": { "debounceMs": 0, "simulate": simulate } }),
        );
        conn.sender.send(init.into()).unwrap();
        loop {
            if let Message::Response(_) = conn.receiver.recv().unwrap() {
                break;
            }
        }
        let server = Server {
            conn,
            thread: Some(thread),
        };
        server.notify("initialized", json!({}));
        server
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.into(), params);
        self.conn.sender.send(n.into()).unwrap();
    }

    fn open(&self, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "yaml", "version": 0, "text": text } }),
        );
        self.published(0, false);
    }

    fn change(&self, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// Waits for the diagnostics of `version`: the first published, or, with `simulated`,
    /// those published after the simulation (the second for a spec it applies to).
    fn published(&self, version: i32, simulated: bool) -> usize {
        let mut seen = 0;
        loop {
            let m = self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(30))
                .unwrap();
            if let Message::Notification(n) = m
                && n.method == "textDocument/publishDiagnostics"
                && n.params["version"] == version
            {
                seen += 1;
                if !simulated || seen == 2 {
                    return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                }
            }
        }
    }

    fn stop(mut self) {
        let shutdown = Request::new(2.into(), "shutdown".into(), Value::Null);
        self.conn.sender.send(shutdown.into()).unwrap();
        self.notify("exit", Value::Null);
        let _ = self.thread.take().unwrap().join();
    }
}

/// Two texts an edit alternates between (so no version repeats the one before), with the
/// same diagnostics.
fn variants(text: &str) -> [String; 2] {
    [
        format!("{text}\n# edited\n"),
        format!("{text}\n# edited again\n"),
    ]
}

/// Edit, then wait for that version's diagnostics; the time between the two.
fn edit_to_diagnostics(
    c: &mut Criterion,
    group: &str,
    specs: &[(String, String)],
    simulated: bool,
) {
    let mut group = c.benchmark_group(group);
    group.sample_size(20);
    for (name, text) in specs {
        let server = Server::start(simulated);
        server.open(text);
        if simulated {
            server.published(0, false);
        }
        let texts = variants(text);
        let mut version = 0;
        group.bench_with_input(BenchmarkId::from_parameter(name), &texts, |b, texts| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    version += 1;
                    let start = Instant::now();
                    server.change(version, &texts[version as usize % 2]);
                    server.published(version, simulated);
                    total += start.elapsed();
                }
                total
            })
        });
        server.stop();
    }
    group.finish();
}

fn shipped() -> Vec<(String, String)> {
    sagac::load::discover(std::path::Path::new("specs"))
        .unwrap()
        .into_iter()
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("specs")))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

fn diagnostics_after_an_edit(c: &mut Criterion) {
    edit_to_diagnostics(c, "lsp/edit-to-diagnostics/specs", &shipped(), false);
    edit_to_diagnostics(c, "lsp/edit-to-simulated/specs", &shipped(), true);
    let generated = vec![
        (
            "orchestration 1,000 steps".to_owned(),
            common::orchestration(1_000),
        ),
        (
            "choreography 1,000 steps".to_owned(),
            common::choreography(1_000, 10),
        ),
    ];
    edit_to_diagnostics(c, "lsp/edit-to-diagnostics/generated", &generated, false);
}

/// The process's resident memory, in KiB (Linux).
fn rss_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

/// 10,000 edits of the order saga (each waited for, simulation on), RSS printed every
/// 1,000: it must level off, not grow with the edits.
fn memory_over_edits(_: &mut Criterion) {
    let text = std::fs::read_to_string("specs/order-orchestration.yaml").unwrap();
    let server = Server::start(true);
    server.open(&text);
    let start = rss_kib();
    let mut line = format!("lsp/memory over 10,000 edits (RSS, KiB): start {start:?}");
    for version in 1..=10_000 {
        // A different text each time: a description that grows and shrinks.
        let edited = text.replace(
            "saga: place_order\n",
            &format!(
                "saga: place_order\n# edit {}\n",
                "x".repeat(version as usize % 200)
            ),
        );
        server.change(version, &edited);
        server.published(version, true);
        if version % 1_000 == 0 {
            line.push_str(&format!(", {version}: {}", rss_kib().unwrap_or(0)));
        }
    }
    server.stop();
    println!("{line}");
}

criterion_group!(benches, diagnostics_after_an_edit, memory_over_edits);
criterion_main!(benches);
