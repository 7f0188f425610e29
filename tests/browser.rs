//! What a user sees in a browser: sagac's diagrams drawn by Mermaid's own script in
//! headless Chromium (see `support/browser.rs`). Screenshots are written beside the pages
//! in a temporary folder; `SAGAC_KEEP_SCREENSHOTS=<dir>` copies them there to look at.

mod support;

use std::path::Path;

use support::browser;

fn saga(path: &str) -> sagac::model::Saga {
    let loaded = sagac::load::read(Path::new(path)).expect("the spec is read");
    let checked = sagac::check::check_loaded(loaded);
    checked.model().cloned().expect("the spec resolves")
}

/// Copies a screenshot where `SAGAC_KEEP_SCREENSHOTS` says, to look at by hand.
pub fn keep(screenshot: &Path) {
    if let Some(dir) = std::env::var_os("SAGAC_KEEP_SCREENSHOTS") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).expect("the folder for screenshots");
        let name = screenshot.file_name().expect("a file name");
        std::fs::copy(screenshot, dir.join(name)).expect("the screenshot is kept");
    }
}

#[test]
fn the_default_diagrams_of_the_shipped_specs_render_in_a_browser() {
    let Some(chromium) = browser::chromium() else {
        return browser::skip("no Chromium (install Debian's `chromium`, or set CHROMIUM)");
    };
    let Some(mermaid_js) = browser::mermaid_js() else {
        return browser::skip(
            "Mermaid's script is missing (run ../shared/tools/mermaid-check once)",
        );
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    for spec in [
        "specs/order-orchestration.yaml",
        "specs/order-choreography.yaml",
    ] {
        let saga = saga(spec);
        let text = sagac::diagram::combined(&saga).text;
        let name = Path::new(spec)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let page = browser::write_mermaid_page(dir.path(), &name, &[&text], &mermaid_js);
        let shown = browser::open(&chromium, &page, 1400, 2600).expect("Chromium renders the page");
        assert!(
            shown.dom.contains("data-rendered=\"ok\""),
            "{spec}: Mermaid did not draw the diagram: {}",
            shown
                .dom
                .lines()
                .find(|l| l.contains("data-rendered"))
                .unwrap_or("no mark")
        );
        assert!(shown.dom.contains("<svg"), "{spec}: no SVG in the page");
        let png = std::fs::read(&shown.screenshot).expect("the screenshot is read");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{spec}: an empty screenshot"
        );
        keep(&shown.screenshot);
    }
}
