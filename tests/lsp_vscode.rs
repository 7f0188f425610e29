//! The VS Code extension in `editors/vscode/` builds with npm (`npm ci`, then `npm run
//! build`: TypeScript checks it against the VS Code API and `vscode-languageclient`), and
//! the JSON-RPC library that client is built on (`vscode-jsonrpc`, installed with it) talks
//! to `sagac lsp`: initialize, a spec opened, the `sagac/diagram` request the extension's
//! command sends, shutdown and exit; the document the command opens (`diagramDocument.ts`,
//! run under Node) is what `sagac diagram --markdown` writes, every counterexample of a saga
//! with `resources` included. VS Code itself is not started. Needs node and npm (and
//! the npm registry, as `.ci/run`'s other npm installs do); skips loudly without them, and
//! fails instead when `SAGAC_REQUIRE_TOOLS=1`. Every step is bounded in time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn skip(why: &str) {
    if std::env::var("SAGAC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("SAGAC_REQUIRE_TOOLS=1 but {why}");
    }
    eprintln!("SKIPPED: the VS Code extension test was not run: {why}");
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Runs a command in `dir` within `limit`; its output when it succeeds.
fn run(command: &mut Command, limit: Duration) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + limit;
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{command:?} took more than {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "{command:?}: {}\n{text}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn copy_sources(from: &Path, to: &Path) {
    for name in [
        "package.json",
        "package-lock.json",
        "tsconfig.json",
        "src/extension.ts",
        "src/diagramDocument.ts",
    ] {
        let target = to.join(name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(name), target).unwrap();
    }
}

/// Drives `sagac lsp` with vscode-jsonrpc; prints the diagram's first line and writes the
/// document the extension's command opens to `document`.
const CLIENT: &str = r#"
const { spawn } = require("child_process");
const rpc = require("vscode-jsonrpc/node");
const fs = require("fs");
const { diagramDocument } = require("./out/diagramDocument.js");
const [sagac, spec, document] = process.argv.slice(2);
const server = spawn(sagac, ["lsp"], { stdio: ["pipe", "pipe", "inherit"] });
const connection = rpc.createMessageConnection(
  new rpc.StreamMessageReader(server.stdout),
  new rpc.StreamMessageWriter(server.stdin),
);
connection.listen();
(async () => {
  const init = await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  if (init.capabilities.positionEncoding !== "utf-16") throw new Error("no utf-16");
  await connection.sendNotification("initialized", {});
  const uri = "file://" + spec;
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "yaml", version: 1, text: fs.readFileSync(spec, "utf8") },
  });
  const diagram = await connection.sendRequest("sagac/diagram", { textDocument: { uri }, kind: "sequence" });
  console.log(diagram.kind + " " + diagram.mermaid.split("\n")[0]);
  fs.writeFileSync(document, diagramDocument(diagram));
  server.on("exit", (code) => { console.log("exit " + code); process.exit(0); });
  await connection.sendRequest("shutdown");
  await connection.sendNotification("exit");
})().catch((e) => { console.error(e); server.kill(); process.exit(1); });
"#;

#[test]
fn the_vscode_extension_builds_and_its_rpc_library_gets_a_diagram() {
    let (Some(node), Some(npm)) = (which("node"), which("npm")) else {
        skip("node or npm is not on PATH");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_sources(Path::new("editors/vscode"), dir.path());
    let install = run(
        Command::new(&npm)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir.path()),
        Duration::from_secs(300),
    );
    if let Err(e) = install {
        skip(&format!("npm ci failed (no registry?): {e}"));
        return;
    }
    run(
        Command::new(&npm)
            .args(["run", "build"])
            .current_dir(dir.path()),
        Duration::from_secs(120),
    )
    .unwrap();
    assert!(dir.path().join("out/extension.js").is_file());
    let script = dir.path().join("client.js");
    std::fs::write(&script, CLIENT).unwrap();
    for spec in [
        "specs/order-orchestration.yaml",
        // Resources: the happy run of two instances, then a counterexample per invariant.
        "tests/codegen-specs/v2-isolation-lost-update-orchestration.yaml",
    ] {
        let document = dir.path().join("document.md");
        let out = run(
            Command::new(&node)
                .arg(&script)
                .arg(env!("CARGO_BIN_EXE_sagac"))
                .arg(std::fs::canonicalize(spec).unwrap())
                .arg(&document)
                .current_dir(dir.path()),
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(out, "sequence sequenceDiagram\nexit 0\n", "{spec}");
        let cli = run(
            Command::new(env!("CARGO_BIN_EXE_sagac")).args(["diagram", "--markdown", spec]),
            Duration::from_secs(60),
        )
        .unwrap();
        let opened = std::fs::read_to_string(&document).unwrap();
        assert_eq!(
            opened, cli,
            "{spec}: the extension opens what `sagac diagram --markdown` writes"
        );
    }
    let opened = std::fs::read_to_string(dir.path().join("document.md")).unwrap();
    assert!(
        opened.matches("```mermaid").count() > 1,
        "the counterexamples are opened too:\n{opened}"
    );
}
