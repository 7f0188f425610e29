//! `sagac lsp` driven by a real editor's client: headless Neovim (Debian's package,
//! installed by `.ci/run`) opens a spec with a missing compensation, starts the server
//! with its built-in LSP client, and a Lua script writes back what the editor got: the
//! diagnostic from `vim.diagnostic.get()`, a hover, and where go-to-definition moved the
//! cursor. Bounded in time; the editor stops the server when it quits, and the test checks
//! that the server process is gone. Without `nvim` the test skips loudly, and fails when
//! `SAGAC_REQUIRE_TOOLS=1`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs in Neovim 0.7 (Debian 12) and later: `vim.lsp.start_client` and
/// `buf_attach_client` exist in every version since 0.5.
const SCRIPT: &str = r#"
local out_path = os.getenv("SAGAC_NVIM_OUT")
local results = { diagnostics = {} }
local function finish(err)
  results.error = err
  local f = io.open(out_path, "w")
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd("qall!")
end
local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("SAGAC_SPEC")))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = "sagac",
    cmd = { os.getenv("SAGAC_BIN"), "lsp" },
    root_dir = vim.fn.getcwd(),
  })
  assert(id, "the client did not start")
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  results.pid = client.rpc.pid
  local got = vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == "sagac" then return true end
    end
    return false
  end, 50)
  assert(got, "no diagnostics from sagac")
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(results.diagnostics, { code = code, lnum = d.lnum, col = d.col, message = d.message })
  end
  -- A hover over the step's id (line 19 of the spec: `  - id: reserve_inventory`).
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 18, character = 12 },
  }
  local answers = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)
  for _, a in pairs(answers or {}) do
    if a.result and a.result.contents then results.hover = a.result.contents.value end
  end
  -- Go to definition from `participant: inventory` (line 20): the cursor moves to the
  -- participant's declaration.
  vim.api.nvim_win_set_cursor(0, { 20, 18 })
  vim.lsp.buf.definition()
  vim.wait(10000, function() return vim.api.nvim_win_get_cursor(0)[1] ~= 20 end, 50)
  results.definition = vim.api.nvim_win_get_cursor(0)
  results.definition_line = vim.api.nvim_get_current_line()
  vim.lsp.stop_client(id)
  results.stopped = vim.wait(10000, function() return client.is_stopped() end, 50)
end)
finish(ok and vim.NIL or tostring(err))
"#;

fn skip(why: &str) {
    if std::env::var("SAGAC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("SAGAC_REQUIRE_TOOLS=1 but {why}");
    }
    eprintln!("SKIPPED: the Neovim test was not run: {why}");
}

fn nvim() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NVIM_BIN") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("nvim"))
        .find(|p| p.is_file())
}

fn alive(pid: u64) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| !stat.contains(") Z "))
}

#[test]
fn neovim_shows_the_diagnostic_a_hover_and_goes_to_the_definition() {
    let Some(nvim) = nvim() else {
        skip("`nvim` is not on PATH (apt-get install neovim)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("saga.yaml");
    std::fs::copy("fixtures/rules/C201-missing-compensation.yaml", &spec).unwrap();
    let script = dir.path().join("drive.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.path().join("out.json");
    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(dir.path())
        .env("SAGAC_NVIM_OUT", &out)
        .env("SAGAC_SPEC", &spec)
        .env("SAGAC_BIN", env!("CARGO_BIN_EXE_sagac"))
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let written = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("nvim ({status}) wrote no results: {e}"));
    let results: Value = serde_json::from_str(&written).unwrap();
    assert!(results["error"].is_null(), "{results:#}");
    // The diagnostic: C201 on line 22 (0-based 21), at `compensatable`.
    let diagnostics = results["diagnostics"].as_array().unwrap();
    let c201 = diagnostics
        .iter()
        .find(|d| d["code"] == "C201")
        .unwrap_or_else(|| panic!("no C201 in {results:#}"));
    assert_eq!(c201["lnum"], 21, "{c201}");
    assert_eq!(c201["col"], 10, "{c201}");
    let hover = results["hover"].as_str().unwrap_or_default();
    assert!(
        hover.contains("**step `reserve_inventory`**: compensatable on `inventory`"),
        "{results:#}"
    );
    // Go to definition moved the cursor to `inventory: {}` under `participants` (line 7).
    assert_eq!(results["definition"][0], 7, "{results:#}");
    assert_eq!(results["definition_line"], "  inventory: {}");
    assert_eq!(results["stopped"], true, "{results:#}");
    // The editor stopped the server: its process is gone.
    let pid = results["pid"].as_u64().expect("the server's pid");
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "sagac lsp ({pid}) still runs after nvim quit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
