//! A real browser for the tests that look at what a user sees: a page (a rendered Mermaid
//! diagram, a class report) is opened in headless Chromium, which runs its scripts, then
//! gives back the DOM it built and a screenshot. Chromium comes from `CHROMIUM` or the
//! `PATH` (`.ci/run` installs Debian's `chromium`); Mermaid's script from the copy that
//! `../shared/tools/mermaid-check` installs. Without them a test skips loudly, and fails
//! when `SAGAC_REQUIRE_TOOLS=1`. Every run is bounded in time and uses a fresh profile.

#![allow(dead_code)] // each test file uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one Chromium run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(90);

const MERMAID_CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/tools/mermaid-check");

/// Says why the browser cannot run here: a loud skip, or a failure when CI requires the
/// tools (`SAGAC_REQUIRE_TOOLS=1`).
pub fn skip(why: &str) {
    if std::env::var("SAGAC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("SAGAC_REQUIRE_TOOLS=1 but {why}");
    }
    eprintln!("SKIPPED: the browser test was not run: {why}");
}

/// The Chromium binary, if there is one.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| which(name))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Mermaid's browser script (`mermaid.min.js`), installed by `mermaid-check` on its first
/// run (which this makes, if needed).
pub fn mermaid_js() -> Option<PathBuf> {
    let home = std::env::var_os("SAGAC_MERMAID_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
            Some(cache.join("sagac-mermaid"))
        })?;
    let script = home.join("node_modules/mermaid/dist/mermaid.min.js");
    if !script.is_file() && Path::new(MERMAID_CHECK).exists() {
        // Its first run installs the pinned packages; the answer itself does not matter.
        let _ = Command::new(MERMAID_CHECK)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    script.is_file().then_some(script)
}

/// What the browser made of a page.
pub struct Page {
    /// The DOM after the page's scripts ran (`--dump-dom`).
    pub dom: String,
    /// A PNG of the page as drawn.
    pub screenshot: PathBuf,
}

/// Opens `page` (an HTML file) in headless Chromium: the DOM once its scripts have run,
/// and a screenshot `width` pixels wide and `height` high, written beside the page.
pub fn open(chromium: &Path, page: &Path, width: u32, height: u32) -> Result<Page, String> {
    let dir = page.parent().ok_or("the page has no folder")?;
    let url = format!("file://{}", page.display());
    let dom = run(chromium, dir, &["--dump-dom", &url])?;
    let screenshot = page.with_extension("png");
    run(
        chromium,
        dir,
        &[
            &format!("--screenshot={}", screenshot.display()),
            &format!("--window-size={width},{height}"),
            "--hide-scrollbars",
            &url,
        ],
    )?;
    if !screenshot.is_file() {
        return Err(format!(
            "Chromium wrote no screenshot at {}",
            screenshot.display()
        ));
    }
    Ok(Page { dom, screenshot })
}

/// One headless run with a fresh profile, killed after [`TIMEOUT`]; its standard output.
fn run(chromium: &Path, dir: &Path, args: &[&str]) -> Result<String, String> {
    let profile = tempfile::tempdir_in(dir).map_err(|e| e.to_string())?;
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            // Scripts run in virtual time, so the page's work is done before the dump.
            "--virtual-time-budget=20000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{} does not start: {e}", chromium.display()))?;
    // Both pipes are drained while Chromium runs: a DOM larger than the pipe's buffer
    // (64 KiB, a large diagram's SVG) would otherwise block it until it is killed.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("Chromium took more than {TIMEOUT:?}: killed"));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    if !status.success() {
        let stderr = stderr.join().unwrap_or_default();
        return Err(format!(
            "Chromium failed ({status}): {}",
            String::from_utf8_lossy(&stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

/// Reads a child's pipe to its end on a thread of its own.
fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// A page that draws each Mermaid text with Mermaid's own script (copied beside it, so the
/// page needs no network), then marks `<body data-rendered="…">` with `ok` or the error.
pub fn write_mermaid_page(dir: &Path, name: &str, diagrams: &[&str], mermaid_js: &Path) -> PathBuf {
    std::fs::copy(mermaid_js, dir.join("mermaid.min.js")).expect("mermaid.min.js is copied");
    let blocks: String = diagrams
        .iter()
        .map(|d| format!("<pre class=\"mermaid\">{}</pre>\n", html_escape(d)))
        .collect();
    let page = format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>{name}</title></head>
<body>
{blocks}<script src="mermaid.min.js"></script>
<script>
  mermaid.initialize({{ startOnLoad: false, securityLevel: "strict" }});
  mermaid.run().then(
    () => {{ document.body.dataset.rendered = "ok"; }},
    (e) => {{ document.body.dataset.rendered = "error: " + e; }});
</script>
</body></html>
"#
    );
    let path = dir.join(format!("{name}.html"));
    std::fs::write(&path, page).expect("the page is written");
    path
}

/// Text as HTML element content.
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
