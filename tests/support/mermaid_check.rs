//! Mermaid's own parser (`../shared/tools/mermaid-check --json`), run by the tests that
//! check a diagram as Mermaid reads it: `tests/diagram.rs`, `tests/mermaid_check.rs` and
//! `tests/isolation_diagram.rs` include it by `#[path]`. It skips loudly where node is
//! missing, and fails instead with `SAGAC_REQUIRE_TOOLS=1`.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;

pub const MERMAID_CHECK: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/tools/mermaid-check");

/// Says why Mermaid's parser cannot run here: a loud skip, or a failure when CI requires
/// the tools (`SAGAC_REQUIRE_TOOLS=1`).
fn skip(why: &str) -> Option<Vec<Value>> {
    if std::env::var("SAGAC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("SAGAC_REQUIRE_TOOLS=1 but {why}");
    }
    eprintln!("SKIPPED: Mermaid's parser was not run: {why}");
    None
}

fn runs(program: &str) -> bool {
    Process::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `mermaid-check --json` over many files in one call (node starts slowly): one JSON
/// object per file, in order. `None` when the tool cannot run (see [`skip`]).
pub fn mermaid_check(files: &[PathBuf]) -> Option<Vec<Value>> {
    if !Path::new(MERMAID_CHECK).exists() {
        return skip(&format!("{MERMAID_CHECK} is missing"));
    }
    if !runs("node") || !runs("npm") {
        return skip("node or npm is not on PATH");
    }
    let out = Process::new(MERMAID_CHECK)
        .arg("--json")
        .args(files)
        .output()
        .expect("mermaid-check runs");
    let results: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(
        results.len(),
        files.len(),
        "mermaid-check answered for {} of {} files; stderr:\n{}",
        results.len(),
        files.len(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(results)
}

/// A sequence diagram as Mermaid reads it: participants (id, label) and messages
/// (kind, from, to, text).
pub type ReadBack = (Vec<(String, String)>, Vec<[String; 4]>);

/// What Mermaid read back (one `--json` result), in the renderer's terms.
pub fn read_back(result: &Value) -> ReadBack {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let participants = result["participants"]
        .as_array()
        .map(|a| a.iter().map(|p| (s(&p["id"]), s(&p["label"]))).collect())
        .unwrap_or_default();
    let messages = result["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| [s(&m["kind"]), s(&m["from"]), s(&m["to"]), s(&m["text"])])
                .collect()
        })
        .unwrap_or_default();
    (participants, messages)
}

/// What sagac's renderer meant to draw, to compare with [`read_back`].
#[allow(dead_code)] // tests/mermaid_check.rs compares with its own reader instead
pub fn meant(d: &sagac::diagram::Diagram) -> ReadBack {
    (
        d.participants
            .iter()
            .map(|p| (p.id.clone(), p.label.clone()))
            .collect(),
        d.drawn
            .iter()
            .map(|m| {
                [
                    m.kind.as_str().to_owned(),
                    m.from.clone(),
                    m.to.clone(),
                    m.text.clone(),
                ]
            })
            .collect(),
    )
}
