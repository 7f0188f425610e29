//! Language version 2, isolation, in the flowchart (contract §9): each resource a cylinder
//! node, a dotted edge from each action to the resource its effects touch, labelled with
//! its verbs. Read by Mermaid's own parser (`../shared/tools/mermaid-check`) and drawn by
//! Mermaid's script in headless Chromium, where the cylinders and the dotted labelled
//! edges are looked for in the SVG. A spec without `resources` draws none of it (its
//! flowchart is snapshotted in `tests/diagram.rs` and digested in `tests/compat_v1.rs`).

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sagac::check::check_source;
use sagac::diagram::flowchart;
use sagac::model::Saga;
use sagac::source::SourceFile;
use support::browser;

#[path = "support/mermaid_check.rs"]
#[allow(dead_code)] // this file reads only whether Mermaid parsed each flowchart
mod support_mermaid;
use support_mermaid::mermaid_check;

const SPECS: [&str; 3] = [
    "specs/place-order.yaml",
    "specs/place-order-choreography.yaml",
    "specs/cancel-order.yaml",
];

fn saga(path: &str) -> Saga {
    let text = std::fs::read_to_string(path).expect("the spec is read");
    let checked = check_source(SourceFile::new(path, text));
    checked.model().expect("the spec resolves").clone()
}

/// The edges the place order saga must draw to its resources: (from, label, resource).
const PLACE_ORDER_EDGES: [(&str, &str, &str); 7] = [
    ("trigger", "create in PENDING", "resource_0"),
    ("undo_trigger", "set to REJECTED", "resource_0"),
    ("step_0", "read", "resource_1"),
    ("step_1", "decrease", "resource_1"),
    ("undo_1", "increase", "resource_1"),
    ("step_2", "decrease", "resource_2"),
    ("step_3", "set to APPROVED", "resource_0"),
];

#[test]
fn each_resource_is_a_cylinder_with_a_dotted_edge_from_each_action_that_touches_it() {
    for spec in SPECS {
        let saga = saga(spec);
        let text = flowchart::render(&saga);
        for (k, r) in saga.resources.declared.iter().enumerate() {
            let node = format!("    resource_{k}[(\"{}<br/>", r.name.value);
            assert!(
                text.contains(&node),
                "{spec}: no cylinder {node:?}:\n{text}"
            );
        }
        // One dotted edge per (action, resource) with effects, none other to a resource.
        let mut pairs: Vec<(String, usize)> = Vec::new();
        for entry in &saga.resources.actions {
            for e in &entry.effects {
                let pair = (format!("{:?}", entry.actor), e.record.resource.index());
                if !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        let edges = text
            .lines()
            .filter(|l| l.contains(" -.->|\"") && l.contains("| resource_"))
            .count();
        assert_eq!(edges, pairs.len(), "{spec}:\n{text}");
    }
    let text = flowchart::render(&saga(SPECS[0]));
    for (from, label, to) in PLACE_ORDER_EDGES {
        let edge = format!("    {from} -.->|\"{label}\"| {to}\n");
        assert!(text.contains(&edge), "no {edge:?} in:\n{text}");
    }
    assert!(text.contains("locks: PENDING, CANCEL_PENDING (on_locked: wait)"));
    assert!(text.ends_with("    class resource_0,resource_1,resource_2 resource\n"));
}

#[test]
fn a_resource_named_by_two_fields_says_which_record_each_edge_touches() {
    let text = std::fs::read_to_string(SPECS[0]).unwrap().replacen(
        "      effects: [{ decrease: \"account[customer_id]\" }] }",
        "      effects: [{ decrease: \"account[customer_id]\" }, { increase: \"account[item]\" }] }",
        1,
    );
    assert_ne!(text, std::fs::read_to_string(SPECS[0]).unwrap());
    let checked = check_source(SourceFile::new("t.yaml", text));
    let saga = checked.model().expect("the spec resolves");
    let drawn = flowchart::render(saga);
    assert!(
        drawn.contains(
            "    step_2 -.->|\"decrease account[customer_id], increase account[item]\"| resource_2\n"
        ),
        "{drawn}"
    );
}

#[test]
fn the_command_draws_the_resources_and_mermaid_reads_the_flowchart() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for spec in SPECS {
        let out = Command::cargo_bin("sagac")
            .unwrap()
            .args(["diagram", spec, "--kind", "flowchart"])
            .assert()
            .success()
            .get_output()
            .clone();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text, flowchart::render(&saga(spec)), "{spec}");
        let file = dir
            .path()
            .join(Path::new(spec).file_stem().unwrap())
            .with_extension("mmd");
        std::fs::write(&file, text).unwrap();
        files.push(file);
    }
    let Some(results) = mermaid_check(&files) else {
        return;
    };
    for (spec, result) in SPECS.iter().zip(&results) {
        assert_eq!(result["ok"], true, "{spec}: {result}");
        assert_eq!(result["type"], "flowchart-v2", "{spec}: {result}");
    }
}

/// The `<g>` of a node whose id ends in `-flowchart-<node>-<n>`, up to its end.
fn node_element<'a>(dom: &'a str, node: &str) -> Option<&'a str> {
    let at = dom.find(&format!("-flowchart-{node}-"))?;
    let start = dom[..at].rfind("<g ")?;
    let end = dom[at..].find("</g>")? + at;
    Some(&dom[start..end])
}

#[test]
fn the_resources_render_in_a_browser_as_cylinders_with_dotted_labelled_edges() {
    let Some(chromium) = browser::chromium() else {
        return browser::skip("no Chromium (install Debian's `chromium`, or set CHROMIUM)");
    };
    let Some(mermaid_js) = browser::mermaid_js() else {
        return browser::skip(
            "Mermaid's script is missing (run ../shared/tools/mermaid-check once)",
        );
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    for spec in &SPECS[..2] {
        let saga = saga(spec);
        let text = flowchart::render(&saga);
        let name = Path::new(spec).file_stem().unwrap().to_string_lossy();
        let page = browser::write_mermaid_page(dir.path(), &name, &[&text], &mermaid_js);
        let shown = browser::open(&chromium, &page, 1400, 1800).expect("Chromium renders the page");
        assert!(
            shown.dom.contains("data-rendered=\"ok\""),
            "{spec}: Mermaid did not draw the flowchart:\n{text}"
        );
        for k in 0..saga.resources.declared.len() {
            let node = node_element(&shown.dom, &format!("resource_{k}"))
                .unwrap_or_else(|| panic!("{spec}: resource_{k} is not drawn"));
            assert!(node.contains("class=\"node default resource\""), "{node}");
            // A cylinder's outline is a path of elliptic arcs (`a`), where a step's
            // rectangle is a `rect` of class `basic label-container`.
            let outline = &node[node.find('>').map_or(0, |e| e + 1)..];
            let outline = &outline[..outline.find("</path>").unwrap_or(0)];
            assert!(
                outline.starts_with("<path d=\"M0,")
                    && outline.contains(" a")
                    && outline.contains("label-container"),
                "{spec}: resource_{k} is not a cylinder: {node}"
            );
        }
        for (from, label, to) in PLACE_ORDER_EDGES {
            let id = format!("data-id=\"L_{from}_{to}_0\"");
            let Some(at) = shown.dom.find(&id) else {
                panic!("{spec}: no edge {from} -> {to}");
            };
            let element = &shown.dom[shown.dom[..at].rfind("<path ").unwrap_or(0)..at];
            assert!(
                element.contains("edge-pattern-dotted"),
                "{spec}: the edge {from} -> {to} is not dotted: {element}"
            );
            assert!(
                shown.dom.contains(&format!("<p>{label}</p>")),
                "{spec}: the label {label:?} is not drawn"
            );
        }
        let png = std::fs::read(&shown.screenshot).expect("the screenshot is read");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
        if let Some(keep) = std::env::var_os("SAGAC_KEEP_SCREENSHOTS") {
            std::fs::create_dir_all(&keep).unwrap();
            std::fs::copy(
                &shown.screenshot,
                Path::new(&keep).join(format!("{name}-flowchart.png")),
            )
            .unwrap();
        }
    }
}
