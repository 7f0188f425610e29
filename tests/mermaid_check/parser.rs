//! sagac's reader of students' diagrams against Mermaid's own parser
//! (`../shared/tools/mermaid-check --json`), on every diagram of the fixtures and
//! submissions, the assignment's guide and the docs, and on forms students write by hand:
//! what sagac reads, Mermaid reads too, with the same participants and messages; what
//! sagac rejects, Mermaid rejects.

use super::*;
use sagac::mermaid::{self, Diagram, Item, ParseErrorKind};

use super::support_mermaid::{mermaid_check, read_back as mermaid_read_back};

/// Forms students write by hand, each read alike by both parsers.
const BY_HAND: &[&str] = &[
    "sequenceDiagram\n  ALT ok\n    A->>B: y\n  Else no\n    A->>B: z\n  END\n  NOTE over A: n\n",
    "---\ntitle: Order\n---\n%%{init: {\"theme\": \"dark\"}}%%\nsequenceDiagram\n  autonumber\n  title: The order saga\n  actor C as Customer\n  C->>+O: place#59; pay\n  O-->>-C: ok #35;1\n  A-xB: e; A--xB: f\n  A-)B: g\n  A--)B: h\n  A<<->>B: both\n  A<<-->>B: both dotted\n",
    "sequenceDiagram\n  box Aqua Services\n    participant I as Inventory Service\n    participant P as Payment Service\n  end\n  rect rgb(200, 220, 255)\n    I->>P: inventory.reserved\n  end\n  critical charge\n    P->>P: ChargeCard\n  option declined\n    P->>I: payment.failed\n  end\n  break when out of stock\n    I->>I: OutOfStock\n  end\n",
    "sequenceDiagram\n  participant O as Orchestrator\n  create participant N as Notification\n  O->>N: SendEmail\n  destroy N\n  N-->>O: sent\n  activate O\n  Note left of O: left\n  Note right of O: right\n  Note over O,N: both\n  deactivate O\n  par inventory\n    O->>I: Reserve\n  and payment\n    O->>P: Charge\n  end\n  loop every minute\n    O->>O: poll the outbox\n  end\n  opt a coupon\n    O->>P: apply it\n  end\n",
    "sequenceDiagram\n  accTitle: An order\n  accDescr {\n    a description\n    on two lines\n  }\n  participant A@{ \"type\": \"database\" }\n  A->>B: x\n",
    "sequenceDiagram\n  A->>B hello\n",
    "sequenceDiagram\n  A->>B: x\n  else y\n",
    "sequenceDiagram\n  opt x\n    A->>B: y\n  else z\n  end\n",
    "sequenceDiagram\n  alt x\n    A->>B: y\n",
    "sequenceDiagram\n  A->>B: x\n  end\n",
    "sequenceDiagram A->>B: x\n",
    "sequenceDiagram participant A as x participant B\n",
    "SequenceDiagram\n  A->>B: x\n",
    "%% nothing but a comment\n",
];

/// Every diagram to compare: its name and its text.
fn diagrams() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["fixtures/mermaid", "fixtures/submissions", "docs"] {
        collect(Path::new(dir), &mut files);
    }
    files.push(PathBuf::from("specs/assignments/order-saga/README.md"));
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // the binary fixture of M904
        };
        let markdown = path.extension().is_some_and(|e| e == "md");
        for read in mermaid::read_file(&text, markdown) {
            let body = text[read.content.start..read.content.end].to_owned();
            out.push((format!("{}:{}", path.display(), read.content.start), body));
        }
    }
    out.extend(
        BY_HAND
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("by hand #{i}"), (*t).to_owned())),
    );
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "md" || e == "mmd" || e == "mermaid")
        {
            out.push(path);
        }
    }
}

/// What sagac read, as Mermaid reports it: participants `(id, label)`, and messages and
/// notes `[kind, from, to, text]` in the order written.
fn read_back(d: &Diagram) -> (Vec<(String, String)>, Vec<[String; 4]>) {
    fn go(items: &[Item], out: &mut Vec<[String; 4]>) {
        for item in items {
            match item {
                Item::Message(m) => out.push([
                    "message".into(),
                    m.from.clone(),
                    m.to.clone(),
                    m.text.clone(),
                ]),
                Item::Note(n) => out.push([
                    "note".into(),
                    n.over[0].clone(),
                    n.over.last().unwrap().clone(),
                    n.text.clone(),
                ]),
                Item::Block(b) => b.branches.iter().for_each(|br| go(&br.items, out)),
            }
        }
    }
    let mut messages = Vec::new();
    go(&d.items, &mut messages);
    let participants = d
        .participants
        .iter()
        .map(|p| (p.id.clone(), p.label.clone()))
        .collect();
    (participants, messages)
}

#[test]
fn the_reader_agrees_with_mermaids_own_parser() {
    let cases = diagrams();
    assert!(cases.len() > 40, "only {} diagrams", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, text))| write(dir.path(), &format!("{i:04}.mmd"), text))
        .collect();
    let Some(results) = mermaid_check(&paths) else {
        return;
    };
    let mut wrong = Vec::new();
    let (mut read, mut rejected) = (0, 0);
    for ((name, text), result) in cases.iter().zip(&results) {
        let mermaid_ok = result["ok"] == Value::Bool(true);
        match mermaid::parse(text) {
            Ok(d) => {
                read += 1;
                if !mermaid_ok || result["type"] != "sequence" {
                    wrong.push(format!("{name}: sagac reads it, Mermaid: {result}\n{text}"));
                } else if read_back(&d) != mermaid_read_back(result) {
                    wrong.push(format!(
                        "{name}: sagac read {:?}\nMermaid read {:?}",
                        read_back(&d),
                        mermaid_read_back(result)
                    ));
                }
            }
            Err(e) => {
                if matches!(&e.kind, ParseErrorKind::NotSequence { word } if mermaid::is_diagram_type(word))
                {
                    continue;
                }
                rejected += 1;
                if mermaid_ok {
                    wrong.push(format!(
                        "{name}: sagac rejects it ({e:?}), Mermaid reads it\n{text}"
                    ));
                }
            }
        }
    }
    assert!(
        read > 30 && rejected >= 8,
        "{read} read, {rejected} rejected"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
