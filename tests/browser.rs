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

/// Whether the SVG draws `text` as a note: Mermaid writes a note's text as a `tspan` of a
/// `text` element of class `noteText`.
fn drawn_as_note(dom: &str, text: &str) -> bool {
    dom.match_indices(&format!(">{text}</tspan></text>"))
        .any(|(at, _)| {
            let element = dom[..at]
                .rfind("<text ")
                .map_or("", |start| &dom[start..at]);
            element.contains("class=\"noteText\"")
        })
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
        let diagram = sagac::diagram::combined(&saga);
        let text = &diagram.text;
        let name = Path::new(spec)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let page = browser::write_mermaid_page(dir.path(), &name, &[text], &mermaid_js);
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
        // Each failure branch after which the diagram goes on ends in a note that says so,
        // and Mermaid draws it as text in the SVG.
        let endings: Vec<&str> = diagram
            .drawn
            .iter()
            .filter(|d| d.text.starts_with("end of this path"))
            .map(|d| d.text.as_str())
            .collect();
        assert!(
            endings.contains(
                &"end of this path: the steps below run only if reserve_inventory succeeds"
            ),
            "{spec}: {endings:?}"
        );
        for ending in endings {
            assert!(
                drawn_as_note(&shown.dom, ending),
                "{spec}: the note {ending:?} is not drawn"
            );
        }
        let png = std::fs::read(&shown.screenshot).expect("the screenshot is read");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{spec}: an empty screenshot"
        );
        keep(&shown.screenshot);
    }
}

/// Language version 2's diagrams as a user sees them: the combined diagram of the Temporal
/// trip and of the choreography with its version 2 faults as branches, and single runs that
/// draw the caller, a cancel and its answer, an escalation, a termination and the deadline.
#[test]
fn the_version_2_diagrams_render_in_a_browser() {
    let Some(chromium) = browser::chromium() else {
        return browser::skip("no Chromium (install Debian's `chromium`, or set CHROMIUM)");
    };
    let Some(mermaid_js) = browser::mermaid_js() else {
        return browser::skip(
            "Mermaid's script is missing (run ../shared/tools/mermaid-check once)",
        );
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let trip = saga("specs/trip-temporal.yaml");
    let credit = saga("specs/order-credit-choreography.yaml");
    let one = |saga: &sagac::model::Saga, name: &str| {
        let faults = sagac::scenario::parse_name(saga, name).expect("a scenario of the spec");
        sagac::diagram::sequence::scenario(saga, &sagac::diagram::one_scenario(saga, &faults))
    };
    // (page, diagram, texts Mermaid must draw; an `else` branch's title in brackets)
    let cases = [
        (
            "trip-temporal-all",
            sagac::diagram::combined(&trip),
            vec![
                "[the caller cancels at reserve_car]",
                "[cars is down]",
                "Booked",
            ],
        ),
        (
            "trip-temporal-cancel",
            one(&trip, "cancel:reserve_car"),
            vec!["cancel", "cancelled", "Cancelled"],
        ),
        (
            "trip-temporal-needs-attention",
            one(&trip, "fail:charge_traveller+compfail:book_hotel"),
            vec!["OpenIncident (left: book_hotel)", "NotBooked"],
        ),
        (
            "trip-temporal-terminated",
            one(&trip, "fail:verify_traveller"),
            vec!["saga terminated (TravellerBlocked)"],
        ),
        (
            "order-credit-choreography-all",
            sagac::diagram::combined(&credit),
            vec!["[reserve_credit fails (CreditLimitExceeded)]", "Approved"],
        ),
    ];
    for (name, diagram, texts) in cases {
        let page = browser::write_mermaid_page(dir.path(), name, &[&diagram.text], &mermaid_js);
        let shown = browser::open(&chromium, &page, 1600, 4000).expect("Chromium renders the page");
        assert!(
            shown.dom.contains("data-rendered=\"ok\""),
            "{name}: Mermaid did not draw the diagram:\n{}",
            diagram.text
        );
        assert!(shown.dom.contains("<svg"), "{name}: no SVG in the page");
        // The caller is a participant box of its own.
        assert!(shown.dom.contains(">Caller<"), "{name}: no caller drawn");
        for text in texts {
            let escaped = browser::html_escape(text);
            assert!(
                shown.dom.contains(&format!(">{escaped}<"))
                    || shown.dom.contains(&format!(">{escaped}</")),
                "{name}: {text:?} is not drawn"
            );
        }
        let png = std::fs::read(&shown.screenshot).expect("the screenshot is read");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{name}: an empty screenshot"
        );
        keep(&shown.screenshot);
    }
}
