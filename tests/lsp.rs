//! `sagac lsp` at the protocol level: a client drives `sagac::lsp::serve` over an
//! in-memory connection (the same messages stdio carries) through initialize, didOpen,
//! didChange, the requests and shutdown; the last tests start the binary itself on stdio.
//! Every wait is bounded, so a server that stops answering fails the test instead of
//! hanging it.

use std::io::{BufReader, Read};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, ResponseError};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(20);

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next: i32,
    /// Notifications received while waiting for something else, oldest first.
    notes: Vec<Notification>,
}

impl Client {
    fn start(options: Value) -> Client {
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || sagac::lsp::serve(&server));
        let mut client = Client {
            conn,
            server: Some(handle),
            next: 0,
            notes: Vec::new(),
        };
        let init = client.request(
            "initialize",
            json!({ "capabilities": {}, "initializationOptions": options }),
        );
        assert!(init.is_ok(), "{init:?}");
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_owned(), params);
        self.conn.sender.send(n.into()).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        self.next += 1;
        let id = RequestId::from(self.next);
        let r = Request::new(id.clone(), method.to_owned(), params);
        self.conn.sender.send(r.into()).unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Response(r)) if r.id == id => return r.response_result,
                Ok(Message::Notification(n)) => self.notes.push(n),
                Ok(_) => {}
                Err(e) => panic!("no answer to {method}: {e}"),
            }
        }
    }

    /// The result of a request that must succeed.
    fn ask(&mut self, method: &str, params: Value) -> Value {
        self.request(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e:?}"))
    }

    /// The first diagnostics published for `uri` (at `version`) that satisfy `done`.
    fn diagnostics(
        &mut self,
        uri: &str,
        version: i32,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let found = self.notes.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"] == version
                    && done(n.params["diagnostics"].as_array().unwrap())
            });
            if let Some(i) = found {
                let n = self.notes.remove(i);
                return n.params["diagnostics"].as_array().unwrap().clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Notification(n)) => self.notes.push(n),
                Ok(_) => {}
                Err(_) => panic!(
                    "no diagnostics for {uri} v{version} as awaited; got {:#?}",
                    self.notes
                ),
            }
        }
    }

    fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
    }

    fn change(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_ok(), "{r:?}");
        self.notify("exit", Value::Null);
        let server = self.server.take().unwrap();
        let deadline = Instant::now() + WAIT;
        while !server.is_finished() {
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(server.join().unwrap(), Ok(()));
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("fixtures/rules/{name}.yaml")).unwrap()
}

/// `(line, character)` of the `nth` occurrence of `needle`, `shift` bytes into it, with the
/// character counted in UTF-16 units as the protocol requires.
fn at(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let offset = text.match_indices(needle).nth(nth).unwrap().0 + shift;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count();
    let character = text[line_start..offset].encode_utf16().count();
    json!({ "line": line, "character": character })
}

fn position(uri: &str, text: &str, needle: &str, nth: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": at(text, needle, nth, 1) })
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

const URI: &str = "file:///virtual/specs/saga.yaml";

#[test]
fn initialize_announces_what_the_server_answers() {
    let mut client = Client::start(json!({}));
    // Initialize again is refused; the first answer was checked by `start`.
    let (server, conn) = Connection::memory();
    let handle = std::thread::spawn(move || sagac::lsp::serve(&server));
    let r = Request::new(1.into(), "initialize".into(), json!({ "capabilities": {} }));
    conn.sender.send(r.into()).unwrap();
    let Ok(Message::Response(init)) = conn.receiver.recv_timeout(WAIT) else {
        panic!("no answer to initialize");
    };
    let caps = &init.response_result.unwrap()["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"], 1, "full syncs");
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "completionProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[provider].is_null(), "{provider} in {caps}");
    }
    drop(conn);
    assert!(handle.join().is_ok());
    let unknown = client.request("textDocument/formatting", json!({}));
    assert!(unknown.is_err(), "the server never formats");
    client.shutdown();
}

#[test]
fn diagnostics_on_open_then_the_simulation_then_after_an_edit() {
    let mut client = Client::start(json!({}));
    let text = fixture("C201-missing-compensation");
    client.open(URI, &text);
    let first = client.diagnostics(URI, 1, |d| !d.is_empty());
    // The static rules first; the simulation's V701 follows in the background.
    assert_eq!(codes(&first), ["C201"], "{first:#?}");
    let c201 = &first[0];
    assert_eq!(
        c201["range"]["start"],
        at(&text, "    kind: compensatable", 0, 10)
    );
    assert_eq!(c201["severity"], 1);
    assert_eq!(c201["source"], "sagac");
    assert!(
        c201["message"]
            .as_str()
            .unwrap()
            .contains("\nhelp: add `compensation")
    );
    let simulated = client.diagnostics(URI, 1, |d| d.len() == 2);
    assert_eq!(codes(&simulated), ["C201", "V701"]);
    assert_eq!(simulated[1]["severity"], 2);
    // The fix: the diagnostics of the new version have neither.
    let fixed = text.replace(
        "kind: compensatable\n",
        "kind: compensatable\n    compensation: ReleaseInventory\n",
    );
    client.change(URI, 2, &fixed);
    let after = client.diagnostics(URI, 2, |_| true);
    assert!(after.is_empty(), "{after:#?}");
    client.shutdown();
}

#[test]
fn related_information_carries_the_secondary_labels() {
    let mut client = Client::start(json!({ "simulate": false }));
    let text = fixture("D501-read-before-write");
    client.open(URI, &text);
    let found = client.diagnostics(URI, 1, |d| !d.is_empty());
    let d501 = found.iter().find(|d| d["code"] == "D501").unwrap();
    let related = d501["relatedInformation"].as_array().unwrap();
    assert!(related.iter().any(|r| {
        r["message"]
            .as_str()
            .unwrap()
            .contains("written by `charge_payment`, which has not completed by then")
            && r["location"]["uri"] == URI
            && r["location"]["range"]["start"] == at(&text, "payment_id", 2, 0)
    }));
    client.shutdown();
}

#[test]
fn positions_count_utf16_units_after_non_ascii_text() {
    let mut client = Client::start(json!({ "simulate": false }));
    // The step is one flow mapping whose description, before the kind, holds `é` (two
    // bytes, one unit) and `🦀` (four bytes, two units).
    let text = fixture("C201-missing-compensation").replace(
        "  - id: reserve_inventory\n    participant: inventory\n    action: ReserveInventory\n    kind: compensatable\n",
        "  - { description: \"réserve 🦀\", id: reserve_inventory, participant: inventory, action: ReserveInventory, kind: compensatable,\n",
    ).replace("    failures: [OutOfStock]\n    idempotency_key: order_id\n  - id: charge", "      failures: [OutOfStock], idempotency_key: order_id }\n  - id: charge");
    client.open(URI, &text);
    let found = client.diagnostics(URI, 1, |d| !d.is_empty());
    assert_eq!(codes(&found), ["C201"], "{found:#?}");
    let start = at(&text, "kind: compensatable,", 0, 6);
    assert_eq!(found[0]["range"]["start"], start);
    let bytes = text.lines().nth(18).unwrap().find("compensatable").unwrap();
    assert_eq!(start["character"], bytes - 3, "three bytes more than units");
    // A hover there reads the position back in the same units.
    let hover = client.ask(
        "textDocument/hover",
        position(URI, &text, "reserve_inventory,", 0),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("step `reserve_inventory`")
    );
    client.shutdown();
}

#[test]
fn edits_are_debounced_and_the_last_text_wins() {
    let mut client = Client::start(json!({ "debounceMs": 50 }));
    let broken = fixture("C201-missing-compensation");
    let fixed = broken.replace(
        "kind: compensatable\n",
        "kind: compensatable\n    compensation: ReleaseInventory\n",
    );
    client.open(URI, &broken);
    for version in 2..40 {
        let text = if version % 2 == 0 { &fixed } else { &broken };
        client.change(URI, version, text);
    }
    // Version 39 is the broken text: its diagnostics come, simulated, and nothing later
    // replaces them with those of an older version.
    let last = client.diagnostics(URI, 39, |d| d.len() == 2);
    assert_eq!(codes(&last), ["C201", "V701"]);
    let published: Vec<i64> = client
        .notes
        .iter()
        .filter_map(|n| n.params["version"].as_i64())
        .collect();
    assert!(published.len() < 20, "debounced: {published:?}");
    client.shutdown();
}

#[test]
fn hover_says_what_a_name_is_in_the_saga() {
    let mut client = Client::start(json!({ "simulate": false }));
    let text = std::fs::read_to_string("specs/order-orchestration.yaml").unwrap();
    client.open(URI, &text);
    // Over the last word of the needle.
    let mut hover = |needle: &str, nth: usize| {
        let mut at = position(URI, &text, needle, nth);
        let last_word = needle.rfind(' ').map_or(0, |i| i + 1) as u64;
        at["position"]["character"] =
            json!(at["position"]["character"].as_u64().unwrap() + last_word);
        let h = client.ask("textDocument/hover", at);
        h["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let step = hover("reserve_inventory", 0);
    assert!(
        step.contains("**step `reserve_inventory`**: compensatable on `inventory`"),
        "{step}"
    );
    assert!(step.contains("Before the pivot `charge_payment`"), "{step}");
    assert!(step.contains("Compensated by `ReleaseInventory`"), "{step}");
    assert!(step.contains("`fail:charge_payment`"), "{step}");
    let after = hover("send_confirmation", 0);
    assert!(
        after.contains("After the pivot `charge_payment`"),
        "{after}"
    );
    let field = hover("payment_id", 1);
    assert!(
        field.contains("Written by: step `charge_payment`"),
        "{field}"
    );
    assert!(
        field.contains("Read by: step `send_confirmation`"),
        "{field}"
    );
    let event = hover("order.created", 0);
    assert!(event.contains("**event `order.created`**"), "{event}");
    assert!(event.contains("Published by: the trigger"), "{event}");
    let participant = hover("participant: inventory", 0);
    assert!(
        participant.contains("Runs the steps `reserve_inventory`"),
        "{participant}"
    );
    // Over a diagnostic, its rule's documentation.
    let broken = fixture("C201-missing-compensation");
    client.change(URI, 2, &broken);
    let h = client.ask(
        "textDocument/hover",
        position(URI, &broken, "compensatable", 1),
    );
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**C201 missing-compensation**"), "{text}");
    assert!(text.contains("#### Why it matters"), "{text}");
    client.shutdown();
}

#[test]
fn definition_and_references() {
    let mut client = Client::start(json!({ "simulate": false }));
    let text = std::fs::read_to_string("specs/order-choreography.yaml").unwrap();
    client.open(URI, &text);
    // A `consumes:` goes to the `emits:` that publishes the event.
    let consumed = text.match_indices("consumes: ").next().unwrap().0 + "consumes: ".len();
    let event_end = consumed + text[consumed..].find(['\n', ' ', ',', '}']).unwrap();
    let event = &text[consumed..event_end];
    let nth_consumes = text[..consumed].matches(event).count();
    let d = client.ask(
        "textDocument/definition",
        position(URI, &text, event, nth_consumes),
    );
    let target = if d.is_array() { d[0].clone() } else { d };
    assert_eq!(target["uri"], URI);
    let start = &target["range"]["start"];
    let line = text
        .lines()
        .nth(start["line"].as_u64().unwrap() as usize)
        .unwrap();
    assert!(
        line.contains("event:")
            || line.contains("success:")
            || line.contains("failure:")
            || line.contains("emits:"),
        "{event} defined on {line:?}"
    );
    // A participant goes to its declaration; its references are every step it runs.
    let participant = position(URI, &text, "participant: inventory", 0);
    let mut participant = participant;
    participant["position"]["character"] =
        json!(participant["position"]["character"].as_u64().unwrap() + 14);
    let d = client.ask("textDocument/definition", participant.clone());
    let declared = text
        .lines()
        .nth(d["range"]["start"]["line"].as_u64().unwrap() as usize)
        .unwrap();
    assert_eq!(declared.trim(), "inventory:", "{d}");
    participant["context"] = json!({ "includeDeclaration": true });
    let refs = client.ask("textDocument/references", participant);
    let lines: Vec<u64> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert!(lines.contains(&d["range"]["start"]["line"].as_u64().unwrap()));
    assert_eq!(
        lines.len(),
        text.matches("participant: inventory").count() + 1,
        "{refs}"
    );
    client.shutdown();
}

#[test]
fn completion_by_context() {
    let mut client = Client::start(json!({ "simulate": false }));
    let text = std::fs::read_to_string("specs/order-orchestration.yaml").unwrap();
    client.open(URI, &text);
    // Let the first version build its model, which completion reads while typing.
    client.diagnostics(URI, 1, |_| true);
    let complete = |client: &mut Client, version: i32, text: String, cursor: &str| {
        let text_now = text.replacen(cursor, &cursor.replace('|', ""), 1);
        client.change(URI, version, &text_now);
        let at = text.find(cursor).unwrap() + cursor.find('|').unwrap();
        let line = text[..at].matches('\n').count();
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let character = text[line_start..at].encode_utf16().count();
        let r = client.ask(
            "textDocument/completion",
            json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } }),
        );
        let items = if r.is_array() { r } else { r["items"].clone() };
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect::<Vec<String>>()
    };
    let insert = |what: &str| {
        text.replace(
            "    idempotency_key: order_id\n    compensation:\n",
            &format!("    idempotency_key: order_id\n{what}\n    compensation:\n"),
        )
    };
    let keys = complete(&mut client, 2, insert("    comp|"), "comp|");
    assert!(keys.contains(&"compensation".to_owned()), "{keys:?}");
    assert!(keys.contains(&"timeout".to_owned()), "{keys:?}");
    let kinds = complete(&mut client, 3, insert("    kind: |"), "kind: |");
    assert_eq!(kinds, ["compensatable", "pivot", "retriable", "read_only"]);
    let names = complete(
        &mut client,
        4,
        insert("    participant: |"),
        "participant: |",
    );
    for p in ["order", "inventory", "payment", "notification"] {
        assert!(names.contains(&p.to_owned()), "{names:?}");
    }
    let fields = complete(
        &mut client,
        5,
        insert("    reads: [order_id, |"),
        "order_id, |",
    );
    assert!(
        fields.contains(&"payment_id".to_owned()) && fields.contains(&"customer_id".to_owned()),
        "{fields:?}"
    );
    let durations = complete(&mut client, 6, insert("    timeout: |"), "timeout: |");
    assert!(durations.contains(&"30s".to_owned()), "{durations:?}");
    client.shutdown();
}

/// The code actions over a diagnostic's range, applied to the text one by one.
fn fixed_by(
    client: &mut Client,
    text: &str,
    version: i32,
    needle: &str,
    shift: usize,
) -> Vec<(String, String)> {
    client.change(URI, version, text);
    let start = at(text, needle, 0, shift);
    let r = client.ask(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": start, "end": start },
            "context": { "diagnostics": [] },
        }),
    );
    r.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let edits = a["edit"]["changes"][URI].as_array().unwrap();
            (a["title"].as_str().unwrap().to_owned(), apply(text, edits))
        })
        .collect()
}

/// What a client does with a `TextEdit` list (ranges in UTF-16 units).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = p["character"].as_u64().unwrap() as usize;
        let mut at = start;
        for c in text[start..].chars() {
            if units == 0 || c == '\n' {
                break;
            }
            units -= c.len_utf16();
            at += c.len_utf8();
        }
        at
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (s, e, t) in spans {
        out.replace_range(s..e, t);
    }
    out
}

fn codes_of(text: &str) -> Vec<&'static str> {
    let source = sagac::source::SourceFile::new("t.yaml", text.to_owned());
    let checked =
        sagac::check::check_source_with(source, &sagac::check::Options { simulate: false });
    checked.diagnostics.iter().map(|d| d.code()).collect()
}

#[test]
fn code_actions_fix_what_they_say() {
    let mut client = Client::start(json!({ "simulate": false }));
    client.open(URI, "version: 1\n");
    // Where the client asks: the needle's first place, shifted into the diagnostic's span.
    let cases = [
        (
            "S002-unknown-key",
            "  compensaton:",
            2,
            "Replace with `compensation`",
            "S002",
        ),
        (
            "C201-missing-compensation",
            "    kind: compensatable",
            10,
            "Add a compensation to `reserve_inventory`",
            "C201",
        ),
        (
            "W601-dual-write",
            "event: order.created",
            7,
            "Add an outbox to `order`",
            "W601",
        ),
        (
            "C202-compensatable-after-pivot",
            "kind: compensatable",
            6,
            "Mark `reserve_inventory` `kind: retriable`",
            "C202",
        ),
    ];
    for (version, (fixture_name, needle, shift, title, code)) in (2..).zip(cases) {
        let text = fixture(fixture_name);
        assert!(
            codes_of(&text).contains(&code),
            "{fixture_name} reports {code}"
        );
        let actions = fixed_by(&mut client, &text, version, needle, shift);
        let Some((_, fixed)) = actions.iter().find(|(t, _)| t.starts_with(title)) else {
            panic!(
                "{fixture_name}: no `{title}` among {:?}",
                actions.iter().map(|a| &a.0).collect::<Vec<_>>()
            );
        };
        assert!(
            !codes_of(fixed).contains(&code),
            "{fixture_name} fixed:\n{fixed}\n{:?}",
            codes_of(fixed)
        );
    }
    client.shutdown();
}

#[test]
fn document_symbols_and_the_diagram_request() {
    let mut client = Client::start(json!({ "simulate": false }));
    let text = std::fs::read_to_string("specs/order-orchestration.yaml").unwrap();
    client.open(URI, &text);
    let outline = client.ask(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let names: Vec<&str> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["trigger: CreateOrder", "steps", "participants", "events"]
    );
    let steps: Vec<&str> = outline[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["reserve_inventory", "charge_payment", "send_confirmation"]
    );
    assert_eq!(
        outline[1]["children"][0]["children"][0]["name"],
        "compensation: ReleaseInventory"
    );
    let diagram = client.ask("sagac/diagram", json!({ "textDocument": { "uri": URI } }));
    assert_eq!(diagram["kind"], "sequence");
    let expected = sagac::diagram::combined(
        sagac::check::check_source(sagac::source::SourceFile::new("x", text.clone()))
            .model()
            .unwrap(),
    )
    .text;
    assert_eq!(diagram["mermaid"], expected.as_str());
    let flowchart = client.ask(
        "sagac/diagram",
        json!({ "textDocument": { "uri": URI }, "kind": "flowchart" }),
    );
    assert!(
        flowchart["mermaid"]
            .as_str()
            .unwrap()
            .starts_with("flowchart")
    );
    let bad = client.request(
        "sagac/diagram",
        json!({ "textDocument": { "uri": URI }, "kind": "pie" }),
    );
    assert!(bad.unwrap_err().message.contains("not a kind of diagram"));
    client.change(URI, 2, "version: 1\nsaga: [\n");
    let unresolved = client.request("sagac/diagram", json!({ "textDocument": { "uri": URI } }));
    assert!(unresolved.unwrap_err().message.contains("cannot be drawn"));
    client.shutdown();
}

/// A saga with `resources`: the request draws what `sagac diagram` draws
/// (`diagram::instances::overview`), the happy run of the instances then a counterexample
/// per broken invariant, not version 1's one-instance combined diagram.
#[test]
fn the_diagram_request_draws_the_instances_of_a_saga_with_resources() {
    let mut client = Client::start(json!({ "simulate": false }));
    let text =
        std::fs::read_to_string("fixtures/isolation/reaction-overwrites-stock.yaml").unwrap();
    client.open(URI, &text);
    let diagram = client.ask("sagac/diagram", json!({ "textDocument": { "uri": URI } }));
    let checked = sagac::check::check_source(sagac::source::SourceFile::new("x", text.clone()));
    let saga = checked.model().unwrap();
    let expected = sagac::diagram::instances::overview(saga).unwrap();
    let sections = diagram["sections"].as_array().expect("sections");
    let titles: Vec<&str> = sections
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["happy", "happy: no_lost_update"]);
    assert_eq!(sections.len(), expected.len());
    for (got, want) in sections.iter().zip(&expected) {
        assert_eq!(got["title"], want.title.as_str());
        assert_eq!(got["summary"].as_str(), want.summary.as_deref());
        assert_eq!(got["mermaid"], want.diagram.as_str());
    }
    assert_eq!(diagram["mermaid"], expected[0].diagram.as_str());
    assert_eq!(
        diagram["markdown"],
        cli_markdown("fixtures/isolation/reaction-overwrites-stock.yaml").as_str(),
        "`markdown` is what `sagac diagram --markdown` writes"
    );
    assert_ne!(
        diagram["mermaid"],
        sagac::diagram::combined(saga).text.as_str()
    );
    // A saga without resources answers as before, without `sections`.
    client.change(
        URI,
        2,
        &std::fs::read_to_string("specs/order-orchestration.yaml").unwrap(),
    );
    let v1 = client.ask("sagac/diagram", json!({ "textDocument": { "uri": URI } }));
    assert!(v1.get("sections").is_none(), "{v1}");
    assert_eq!(
        v1["markdown"],
        cli_markdown("specs/order-orchestration.yaml").as_str()
    );
    client.shutdown();
}

/// What `sagac diagram --markdown` writes for a spec.
fn cli_markdown(spec: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sagac"))
        .args(["diagram", "--markdown", spec])
        .output()
        .unwrap();
    assert!(out.status.success(), "{spec}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn only_specs_are_checked_and_bad_input_never_stops_the_server() {
    let mut client = Client::start(json!({}));
    let workflow = "file:///virtual/.github/workflows/ci.yaml";
    client.open(workflow, "name: CI\non: push\njobs: {}\n");
    let bomb = "saga: x\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    let huge = format!("saga: x\n# {}\n", "x".repeat(17 << 20));
    let texts = [
        "saga: \u{0}\u{1}binary".to_owned(),
        bomb.to_owned(),
        huge,
        "saga: x\nsteps:\n  - id: [\n".to_owned(),
        "saga: x\nsteps:\n  - { id: a, participant: b, kind: pi".to_owned(),
        "saga: é\n🦀: [".to_owned(),
    ];
    for (i, text) in texts.iter().enumerate() {
        let uri = format!("file:///virtual/bad{i}.yaml");
        client.open(&uri, text);
        let found = client.diagnostics(&uri, 1, |_| true);
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
        ] {
            for (line, character) in [(0, 0), (1, 5), (99, 99)] {
                let r = client.request(
                    method,
                    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
                );
                assert!(r.is_ok(), "{method} on bad{i}: {r:?}");
            }
        }
        client.ask(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
        if i == 2 {
            assert_eq!(codes(&found), ["S011"], "the CLI's size limit");
        }
    }
    // Nothing was published for the workflow, which is not a spec.
    assert!(!client.notes.iter().any(|n| {
        n.params["uri"] == workflow
            && n.params["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
    }));
    // Requests about a document that is not open, or with params of the wrong shape.
    let r = client.request("textDocument/hover", json!({ "textDocument": { "uri": "file:///nope.yaml" }, "position": { "line": 0, "character": 0 } }));
    assert_eq!(r.unwrap(), Value::Null);
    let r = client.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(
        r.unwrap_err().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    client.shutdown();
}

/// The binary on stdio: initialize, a document, shutdown and exit, exit code 0.
#[test]
fn the_binary_serves_on_stdio() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sagac"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        while let Ok(Some(m)) = Message::read(&mut reader) {
            if sender.send(m).is_err() {
                break;
            }
        }
    });
    let send = |stdin: &mut std::process::ChildStdin, m: Message| m.write(stdin).unwrap();
    // A body that is not JSON-RPC is dropped (a line on standard error), and serving goes on.
    use std::io::Write as _;
    stdin
        .write_all(b"Content-Length: 9\r\n\r\n{nonsense")
        .unwrap();
    send(
        &mut stdin,
        Request::new(1.into(), "initialize".into(), json!({ "capabilities": {} })).into(),
    );
    let text = fixture("C201-missing-compensation");
    send(
        &mut stdin,
        Notification::new("initialized".into(), json!({})).into(),
    );
    send(&mut stdin, Notification::new("textDocument/didOpen".into(), json!({ "textDocument": { "uri": URI, "languageId": "yaml", "version": 1, "text": text } })).into());
    let deadline = Instant::now() + WAIT;
    let mut seen_c201 = false;
    while !seen_c201 {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left).expect("diagnostics over stdio") {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                seen_c201 = n.params["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d["code"] == "C201");
            }
            _ => {}
        }
    }
    send(
        &mut stdin,
        Request::new(2.into(), "shutdown".into(), Value::Null).into(),
    );
    send(
        &mut stdin,
        Notification::new("exit".into(), Value::Null).into(),
    );
    drop(stdin);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("sagac lsp did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{status}: {err}");
    assert!(
        err.contains("sagac lsp: dropped a message that is not JSON-RPC"),
        "{err}"
    );
}

/// A file of diagrams is checked against the open spec of its folder, and again when the
/// spec changes.
#[test]
fn diagrams_beside_a_spec_are_checked_against_it() {
    let mut client = Client::start(json!({ "simulate": false }));
    let folder = "fixtures/mermaid/M910-unknown-participant";
    let spec = std::fs::read_to_string(format!("{folder}/saga.yaml")).unwrap();
    let answers = std::fs::read_to_string(format!("{folder}/answers.md")).unwrap();
    let spec_uri = "file:///virtual/m910/saga.yaml";
    let answers_uri = "file:///virtual/m910/answers.md";
    // Without a spec beside it, nothing names the shipping service as unknown.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": answers_uri, "languageId": "markdown", "version": 1, "text": answers } }),
    );
    let alone = client.diagnostics(answers_uri, 1, |_| true);
    assert!(!codes(&alone).contains(&"M910"), "{alone:#?}");
    // The spec opened: the diagrams are checked again, against it.
    client.open(spec_uri, &spec);
    let against = client.diagnostics(answers_uri, 1, |d| !d.is_empty());
    assert!(codes(&against).contains(&"M910"), "{against:#?}");
    let m910 = against.iter().find(|d| d["code"] == "M910").unwrap();
    assert_eq!(
        m910["range"]["start"]["line"],
        at(&answers, "Shipping", 0, 0)["line"]
    );
    client.shutdown();
}
