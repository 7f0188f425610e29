//! `sagac grade … --report`: the class report over the sample submissions, renamed copies
//! of the correct ones (the same saga up to renaming), a genuinely different saga and a
//! hostile submission, written as HTML and Markdown by the real binary, then opened in
//! headless Chromium (see `support/browser.rs`) and read back from the DOM it built.
//! `SAGAC_KEEP_SCREENSHOTS=<dir>` keeps the screenshot to look at.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use regex::Regex;
use serde_json::Value;
use support::browser;

/// A submission folder's name that is HTML and Markdown markup, with a `|` that would end a
/// Markdown table's cell.
const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)> | ![x](x.png)";

/// Every element the page is made of.
const PAGE_ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "footer",
    "section",
    "h1",
    "h2",
    "h3",
    "p",
    "span",
    "small",
    "code",
    "br",
    "dl",
    "dt",
    "dd",
    "div",
    "figure",
    "figcaption",
    "svg",
    "g",
    "rect",
    "line",
    "text",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "li",
    "details",
    "summary",
];

/// The correct orchestration's names, and what a student who copied it renamed them to.
const ORCHESTRATION_NAMES: &[(&str, &str)] = &[
    ("place_order", "checkout_flow"),
    ("order_saga_log", "checkout_log"),
    ("order_outbox", "shop_outbox"),
    ("order.created", "checkout.began"),
    ("order_id", "oid"),
    ("customer_id", "cid"),
    ("items", "lines"),
    ("amount", "total"),
    ("CreateOrder", "PlaceOrder"),
    ("CancelOrder", "VoidOrder"),
    ("reserve_inventory", "hold_stock"),
    ("ReserveInventory", "HoldStock"),
    ("ReleaseInventory", "UnholdStock"),
    ("OutOfStock", "NoStock"),
    ("charge_payment", "take_money"),
    ("ChargeCard", "TakeMoney"),
    ("CardDeclined", "Refused"),
    ("send_confirmation", "mail_customer"),
    ("SendConfirmationEmail", "MailCustomer"),
    ("order", "shop"),
    ("inventory", "warehouse"),
    ("payment", "billing"),
    ("notification", "mailer"),
];

/// The same for the correct choreography: events and outboxes too.
const CHOREOGRAPHY_NAMES: &[(&str, &str)] = &[
    ("place_order", "buy"),
    ("order_outbox", "shop_box"),
    ("inventory_outbox", "stock_box"),
    ("payment_outbox", "pay_box"),
    ("debezium", "kafka_connect"),
    ("order.created", "shop.opened"),
    ("inventory.failed", "stock.refused"),
    ("payment.failed", "pay.refused"),
    ("stock.reserved", "stock.taken"),
    ("payment.completed", "pay.done"),
    ("email.sent", "mail.gone"),
    ("order_id", "id"),
    ("customer_id", "who"),
    ("items", "what"),
    ("amount", "sum"),
    ("CreateOrder", "Open"),
    ("RejectOrder", "Close"),
    ("reserve_stock", "take"),
    ("ReserveStock", "Take"),
    ("ReleaseStock", "PutBack"),
    ("charge_card", "pay_up"),
    ("ChargeCard", "PayUp"),
    ("email_customer", "mail_out"),
    ("SendEmail", "MailOut"),
    ("order", "shop"),
    ("inventory", "stock"),
    ("payment", "pay"),
    ("notification", "mail"),
];

/// `text` with every name replaced as a whole word, in the order given; each must occur.
fn rename(text: &str, names: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in names {
        let word = Regex::new(&format!(r"\b{}\b", regex::escape(from))).unwrap();
        assert!(word.is_match(&text), "{from} is not in the spec");
        text = word.replace_all(&text, *to).into_owned();
    }
    // Other comments and another rationale: neither is part of the saga.
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    format!("# My own work.\n{body}")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The class in `dir/subs/`: every sample submission, the renamed copies, a different saga
/// and the hostile one. Returns the submission paths relative to `dir`, sorted.
fn class(dir: &Path) -> Vec<String> {
    let subs = dir.join("subs");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/submissions");
    for entry in fs::read_dir(&samples).unwrap() {
        let entry = entry.unwrap();
        copy_dir(&entry.path(), &subs.join(entry.file_name()));
    }
    let write = |name: &str, yaml: String| {
        fs::create_dir_all(subs.join(name)).unwrap();
        fs::write(subs.join(name).join("saga.yaml"), yaml).unwrap();
    };
    let orchestration =
        fs::read_to_string(samples.join("correct-orchestration/saga.yaml")).unwrap();
    let choreography = fs::read_to_string(samples.join("correct-choreography/saga.yaml")).unwrap();
    write(
        "renamed-orchestration",
        rename(&orchestration, ORCHESTRATION_NAMES),
    );
    write(
        "renamed-choreography",
        rename(&choreography, CHOREOGRAPHY_NAMES),
    );
    let trip = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/trip.yaml");
    write("trip-booking", fs::read_to_string(trip).unwrap());
    let hostile = orchestration
        .replace("ReserveInventory", "\"<script>alert(1)</script>\"")
        .replace(
            "ChargeCard",
            "\"Deduct` ![x](http://evil.example/x.png) `Stock\"",
        );
    write(HOSTILE_NAME, hostile);
    let mut names: Vec<String> = fs::read_dir(&subs)
        .unwrap()
        .map(|e| format!("subs/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    names.sort();
    names
}

/// Grades the class in `dir` with a report at `report`; the grades as JSON.
fn grade(dir: &Path, submissions: &[String], report: &str) -> Value {
    let out = Command::cargo_bin("sagac")
        .unwrap()
        .current_dir(dir)
        .args(["grade", "--assignment", "order-saga", "--format", "json"])
        .args(["--report", report])
        .args(submissions)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the grades as JSON")
}

/// The number of submissions per whole point, from the JSON grades.
fn histogram(grades: &Value) -> BTreeMap<u64, usize> {
    let mut bins: BTreeMap<u64, usize> = (0..=10).map(|s| (s, 0)).collect();
    for g in grades.as_array().unwrap() {
        *bins
            .get_mut(&(g["score"].as_f64().unwrap() as u64))
            .unwrap() += 1;
    }
    bins
}

/// Each criterion's `[pass, partial, fail, review]`, from the JSON grades.
fn rates(grades: &Value) -> BTreeMap<String, [usize; 4]> {
    let mut rates = BTreeMap::new();
    for g in grades.as_array().unwrap() {
        for c in g["criteria"].as_array().unwrap() {
            let counts: &mut [usize; 4] = rates
                .entry(c["id"].as_str().unwrap().to_owned())
                .or_default();
            let i = ["pass", "partial", "fail", "review"]
                .iter()
                .position(|s| c["status"] == *s)
                .unwrap();
            counts[i] += 1;
        }
    }
    rates
}

/// The part of a page between `<section id="{id}">` and its end.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..].find("</section>").unwrap();
    &page[start..start + end]
}

#[test]
fn the_class_report_shows_the_class_and_escapes_what_students_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let submissions = class(dir.path());
    let grades = grade(dir.path(), &submissions, "out/report.html");
    let page = fs::read_to_string(dir.path().join("out/report.html")).unwrap();

    // Deterministic: the same class in another order gives the same bytes.
    let mut reversed = submissions.clone();
    reversed.reverse();
    grade(dir.path(), &reversed, "out/again.html");
    assert!(page == fs::read_to_string(dir.path().join("out/again.html")).unwrap());

    // Self-contained and inert: only the elements sagac writes (no script, image, link or
    // frame, whatever a student wrote), no event handler, nothing fetched from CSS.
    let element = Regex::new(r"<([a-zA-Z][a-zA-Z0-9]*)").unwrap();
    let used: std::collections::BTreeSet<&str> = element
        .captures_iter(&page)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    let unexpected: Vec<&&str> = used.iter().filter(|e| !PAGE_ELEMENTS.contains(e)).collect();
    assert!(
        unexpected.is_empty(),
        "elements sagac does not write: {unexpected:?}"
    );
    assert!(!Regex::new(r"<[^>]*\son[a-z]+=").unwrap().is_match(&page));
    assert!(!page.contains("url(") && !page.contains("@import"));

    let Some(chromium) = browser::chromium() else {
        return browser::skip("no Chromium (install Debian's `chromium`, or set CHROMIUM)");
    };
    let shown = browser::open(&chromium, &dir.path().join("out/report.html"), 1200, 3400)
        .expect("Chromium renders the page");
    let dom = shown.dom;
    keep(&shown.screenshot);

    // Nothing a student wrote became markup: the text is there, escaped.
    assert!(!dom.contains("<img"), "an <img> in the DOM");
    assert!(!dom.contains("<script"), "a <script> in the DOM");
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt; | ![x](x.png)"));

    // The histogram: one bar per score, as many as the grades say.
    let bar =
        Regex::new(r#"<g class="bin(?: full)?" data-score="(\d+)" data-count="(\d+)">"#).unwrap();
    let drawn: BTreeMap<u64, usize> = bar
        .captures_iter(&dom)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect();
    assert_eq!(drawn, histogram(&grades));

    // Each criterion's rates.
    let row = Regex::new(
        r#"<tr class="criterion" data-criterion="(\w+)" data-pass="(\d+)" data-partial="(\d+)" data-fail="(\d+)" data-review="(\d+)">"#,
    )
    .unwrap();
    let shown_rates: BTreeMap<String, [usize; 4]> = row
        .captures_iter(&dom)
        .map(|c| {
            let n = |i: usize| c[i].parse::<usize>().unwrap();
            (c[1].to_owned(), [n(2), n(3), n(4), n(5)])
        })
        .collect();
    assert_eq!(shown_rates, rates(&grades));
    assert_eq!(shown_rates.len(), 7);

    // The diagnostics: counts and an example each, the first submission by name (the
    // hostile one sorts first). New sample submissions may add to the counts.
    let diagnostics = section(&dom, "diagnostics");
    let tally = |code: &str| -> (usize, &str) {
        let row = diagnostics
            .split(&format!(
                r#"<tr class="tally" data-code="{code}" data-submissions=""#
            ))
            .nth(1)
            .unwrap_or_else(|| panic!("no row for {code}"));
        let row = row.split("</tr>").next().unwrap();
        (row[..row.find('"').unwrap()].parse().unwrap(), row)
    };
    assert!(tally("S001").0 >= 1, "broken-yaml");
    assert!(tally("C201").1.contains("subs/no-compensation") || tally("C201").0 > 1);
    let (count, row) = tally("S006");
    assert!(count >= 1);
    assert!(row.contains(
        "subs/&lt;img src=x onerror=alert(1)&gt; | ![x](x.png)</span><br><span class=\"message\"><code>&lt;script&gt;alert(1)&lt;/script&gt;</code> is not a valid action"
    ), "{row}");
    let invariants = section(&dom, "invariants");
    assert!(invariants.contains(r#"data-code="V704""#), "{invariants}");

    // The renamed copies are in a group with their originals; the other saga is not.
    let similar = section(&dom, "similar");
    assert!(similar.contains("never evidence of copying"));
    let groups: Vec<&str> = similar
        .split(r#"<tr class="group""#)
        .skip(1)
        .map(|g| g.split("</tr>").next().unwrap())
        .collect();
    for (original, copy) in [
        ("correct-orchestration", "renamed-orchestration"),
        ("correct-choreography", "renamed-choreography"),
    ] {
        assert!(
            groups
                .iter()
                .any(|g| g.contains(original) && g.contains(copy) && g.contains("100%")),
            "{original} and {copy} are not in one group: {groups:#?}"
        );
    }
    assert!(!groups.iter().any(|g| g.contains("trip-booking")));
    assert!(!section(&dom, "similar").contains("trip-booking"));
}

#[test]
fn the_markdown_report_quotes_what_students_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let submissions = class(dir.path());
    grade(dir.path(), &submissions, "report.md");
    let text = fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(text.contains("## Similar submissions"));
    assert!(text.contains("| `subs/correct-orchestration`, "), "{text}");

    // Rendered as GitHub renders it: no image, no raw HTML, and every table row has as
    // many cells as its header.
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    let mut cells = Vec::new();
    let mut header_cells = 0;
    let mut rendered = String::new();
    let events: Vec<Event> = Parser::new_ext(&text, options).collect();
    for e in &events {
        match e {
            Event::Start(Tag::Image { .. }) => panic!("an image from a submission"),
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML: {h}"),
            Event::End(TagEnd::TableHead) => {
                header_cells = cells.len();
                cells.clear();
            }
            Event::Start(Tag::TableCell) => cells.push(()),
            Event::End(TagEnd::TableRow) => {
                assert_eq!(
                    cells.len(),
                    header_cells,
                    "a row with another number of cells"
                );
                cells.clear();
            }
            _ => {}
        }
    }
    html::push_html(&mut rendered, events.into_iter());
    assert!(!rendered.contains("<img") && !rendered.contains("<script"));
    assert!(
        rendered
            .contains("<code>`&lt;script&gt;alert(1)&lt;/script&gt;` is not a valid action</code>")
    );
    assert!(
        rendered.contains("<code>subs/&lt;img src=x onerror=alert(1)&gt; | ![x](x.png)</code>")
    );
}

/// Copies a screenshot where `SAGAC_KEEP_SCREENSHOTS` says, to look at by hand.
fn keep(screenshot: &Path) {
    if let Some(dir) = std::env::var_os("SAGAC_KEEP_SCREENSHOTS") {
        let dir = PathBuf::from(dir);
        fs::create_dir_all(&dir).unwrap();
        fs::copy(screenshot, dir.join("class-report.png")).unwrap();
    }
}

#[test]
fn a_report_is_html_or_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("sagac")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "grade",
            "--assignment",
            "order-saga",
            "--report",
            "report.pdf",
        ])
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/submissions/correct-orchestration"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HTML (a name ending in .html) or Markdown (.md)"),
        "{stderr}"
    );
    assert!(!dir.path().join("report.pdf").exists());
}
