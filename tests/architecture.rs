//! ARCHITECTURE.md says what each part of sagac must not depend on, and the README how
//! large a file or a function may grow. This test reads every file under `src/` and holds
//! the code to both, so the document cannot drift from the code again.
//!
//! Dependencies are read from the text: every `crate::…` path (`$crate::…` in macros,
//! `super::…` resolved, `sagac::…` in the binary's files) and every `use` of them, grouped
//! imports included. Test modules (`#[cfg(test)]`) and comments are left out: a test may
//! build a saga with `check`, and a doc link is not a dependency.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The parts of sagac the table speaks of. A file belongs to the longest that prefixes its
/// module path; `commands` is the binary (`main.rs`, `cli.rs`, `commands/`).
const PARTS: &[&str] = &[
    "atomic_write",
    "check",
    "codegen",
    "commands",
    "diagnostic",
    "diagram",
    "grade",
    "grade::render",
    "import",
    "load",
    "lsp",
    "mermaid",
    "model",
    "report",
    "rules",
    "rules::simulation",
    "scenario",
    "simulate",
    "source",
    "suggest",
    "syntax",
    // An external crate the table speaks of: only the command line and the renderers'
    // output formats know it.
    "clap",
];

/// What a part may depend on: `Only` the parts listed, or anything but the parts listed.
enum Allowed {
    Only(&'static [&'static str]),
    Not(&'static [&'static str]),
}

/// One statement of ARCHITECTURE.md: `said` is its text, which the document must still
/// hold (compared with runs of white space as one space).
struct Statement {
    part: &'static str,
    allowed: Allowed,
    said: &'static str,
}

/// What the parts below the renderers may not know: the command line's library.
const CLAP: &str = "Only the command line and the renderers' output formats know clap: the CLI maps its arguments to the library's types.";

/// The language server is a front end, as the command line is.
const LSP_LEAF: &str =
    "nothing in the library depends on `lsp`: only the binary's `commands/lsp.rs` starts it.";

const STATEMENTS: &[Statement] = &[
    Statement {
        part: "source",
        allowed: Allowed::Only(&[]),
        said: "Both depend on nothing in sagac.",
    },
    Statement {
        part: "suggest",
        allowed: Allowed::Only(&[]),
        said: "Both depend on nothing in sagac.",
    },
    Statement {
        part: "atomic_write",
        allowed: Allowed::Only(&[]),
        said: "`src/atomic_write.rs` is the one way sagac writes a file",
    },
    Statement {
        part: "diagnostic",
        allowed: Allowed::Only(&["source"]),
        said: "**Must not** depend on anything but `source`.",
    },
    Statement {
        part: "load",
        allowed: Allowed::Only(&["source"]),
        said: "**Must not** depend on anything in sagac but `source`: it knows no rule codes.",
    },
    Statement {
        part: "syntax",
        allowed: Allowed::Only(&["source"]),
        said: "**Must not** depend on anything in sagac but `source`: it knows no rule codes and no wording",
    },
    Statement {
        part: "import",
        allowed: Allowed::Only(&["source", "syntax", "model", "suggest"]),
        said: "**Must not** depend on anything in sagac but `source`, `syntax`, `suggest` and the forms of names in `model`: it knows no rule codes and no wording",
    },
    Statement {
        part: "model",
        allowed: Allowed::Not(&[
            "rules",
            "rules::simulation",
            "diagnostic",
            "report",
            "scenario",
            "check",
            "load",
            "grade",
            "simulate",
            "diagram",
            "codegen",
            "grade::render",
        ]),
        said: "**Must not** depend on `rules`, `diagnostic`, `report`, `scenario`, `check`, or any renderer.",
    },
    Statement {
        part: "mermaid",
        allowed: Allowed::Not(&[
            "rules",
            "rules::simulation",
            "diagnostic",
            "report",
            "check",
            "load",
            "syntax",
            "grade",
            "grade::render",
            "simulate",
            "diagram",
            "codegen",
        ]),
        said: "**Must not** depend on `rules`, `diagnostic`, `report`, `check`, `load`, `syntax`, `grade` or any renderer: it knows no rule codes and no wording, and reads the model, never the YAML.",
    },
    Statement {
        part: "scenario",
        allowed: Allowed::Not(&[
            "rules",
            "rules::simulation",
            "check",
            "simulate",
            "diagram",
            "codegen",
            "report",
            "grade",
            "grade::render",
        ]),
        said: "**Must not** depend on `rules`, any renderer, or clap",
    },
    Statement {
        part: "rules",
        allowed: Allowed::Not(&[
            "scenario",
            "report",
            "check",
            "grade",
            "grade::render",
            "simulate",
            "diagram",
            "codegen",
        ]),
        said: "**Must not** depend on `report`, `check`, `grade` or any renderer; only `rules/simulation/` reads `scenario`.",
    },
    Statement {
        part: "rules::simulation",
        allowed: Allowed::Not(&[
            "report",
            "check",
            "grade",
            "grade::render",
            "simulate",
            "diagram",
            "codegen",
        ]),
        said: "**Must not** depend on `report`, `check`, `grade` or any renderer; only `rules/simulation/` reads `scenario`.",
    },
    Statement {
        part: "check",
        allowed: Allowed::Not(&[
            "report",
            "scenario",
            "grade",
            "grade::render",
            "simulate",
            "diagram",
            "codegen",
        ]),
        said: "**Must not** depend on `report`, `scenario`, `grade` or any renderer.",
    },
    Statement {
        part: "report",
        allowed: Allowed::Not(&[
            "scenario",
            "grade",
            "grade::render",
            "simulate",
            "diagram",
            "codegen",
        ]),
        said: "**Must not** depend on `scenario`, `grade` or another renderer.",
    },
    Statement {
        part: "simulate",
        allowed: Allowed::Not(&["codegen", "report", "grade", "grade::render", "check"]),
        said: "the exceptions are `simulate`, whose `--diagram` draws counterexamples with `diagram`, and `grade/render`",
    },
    Statement {
        part: "diagram",
        allowed: Allowed::Not(&[
            "simulate",
            "codegen",
            "report",
            "grade",
            "grade::render",
            "check",
        ]),
        said: "**Renderers do not depend on each other.**",
    },
    Statement {
        part: "codegen",
        allowed: Allowed::Not(&[
            "simulate",
            "diagram",
            "report",
            "grade",
            "grade::render",
            "check",
        ]),
        said: "**Renderers do not depend on each other.**",
    },
    Statement {
        part: "grade",
        allowed: Allowed::Not(&["simulate", "diagram", "codegen"]),
        said: "**Must not** depend on `simulate`, `diagram` or `codegen`",
    },
    Statement {
        part: "grade::render",
        allowed: Allowed::Not(&["simulate", "diagram", "codegen"]),
        said: "`grade/render`, which escapes text with `report`'s GitHub and JUnit functions",
    },
    Statement {
        part: "lsp",
        allowed: Allowed::Not(&[
            "report",
            "grade",
            "grade::render",
            "simulate",
            "codegen",
            "clap",
        ]),
        said: "**Must not** depend on `report`, `grade`, `simulate`, `codegen` or clap;",
    },
    Statement {
        part: "model",
        allowed: Allowed::Not(&["clap"]),
        said: CLAP,
    },
    Statement {
        part: "scenario",
        allowed: Allowed::Not(&["clap"]),
        said: CLAP,
    },
    Statement {
        part: "rules",
        allowed: Allowed::Not(&["clap"]),
        said: CLAP,
    },
    Statement {
        part: "rules::simulation",
        allowed: Allowed::Not(&["clap"]),
        said: CLAP,
    },
    Statement {
        part: "check",
        allowed: Allowed::Not(&["clap"]),
        said: CLAP,
    },
    Statement {
        part: "grade",
        allowed: Allowed::Not(&["clap"]),
        said: CLAP,
    },
    Statement {
        part: "mermaid",
        allowed: Allowed::Not(&["clap"]),
        said: CLAP,
    },
    Statement {
        part: "atomic_write",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "check",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "codegen",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "diagnostic",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "diagram",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "grade",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "grade::render",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "load",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "mermaid",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "model",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "report",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "rules",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "rules::simulation",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "scenario",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "simulate",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "source",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "suggest",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
    Statement {
        part: "syntax",
        allowed: Allowed::Not(&["lsp"]),
        said: LSP_LEAF,
    },
];

/// The most lines a file under `src/` may have.
const MAX_FILE_LINES: usize = 700;
/// The most lines a function may have, from its `fn` line to its closing brace.
const MAX_FN_LINES: usize = 120;

/// Functions that may be longer: generated-code templates, a `quote!` block that reads as
/// the code it generates. `(file, function, why)`.
const LONG_TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "src/codegen/data.rs",
        "tokens",
        "the generated crate's data types, one quote! template",
    ),
    (
        "src/codegen/driver.rs",
        "tokens",
        "the generated driver, one quote! template",
    ),
    (
        "src/codegen/events.rs",
        "tokens",
        "the generated event enum and its tables, one quote! template",
    ),
    (
        "src/codegen/events.rs",
        "outbox_module",
        "the generated outbox module, one quote! template",
    ),
    (
        "src/codegen/machine.rs",
        "tokens",
        "the generated sans-IO orchestrator, one quote! template",
    ),
    (
        "src/codegen/steps.rs",
        "tokens",
        "the generated step table, one quote! template",
    ),
    (
        "src/codegen/scenarios/run.rs",
        "orchestration",
        "the generated test's run of an orchestration, one quote! template",
    ),
    (
        "src/codegen/scenarios/world.rs",
        "tokens",
        "the generated tests' shared world of fakes, one quote! template",
    ),
];

#[test]
fn dependencies_follow_architecture_md() {
    let architecture = squeeze(&read("ARCHITECTURE.md"));
    let mut broken = Vec::new();
    for statement in STATEMENTS {
        if !architecture.contains(&squeeze(statement.said)) {
            broken.push(format!(
                "ARCHITECTURE.md no longer says what the table holds for `{}`: {:?}",
                statement.part, statement.said
            ));
        }
    }
    for file in sources() {
        let from = part_of(&file.module);
        for to in dependencies(&file) {
            let Some(said) = forbidden(&from, &to).filter(|_| to != from) else {
                continue;
            };
            broken.push(format!(
                "{} ({from}) depends on `{to}`; ARCHITECTURE.md: {said}",
                file.path.display()
            ));
        }
    }
    assert!(broken.is_empty(), "\n{}\n", broken.join("\n"));
}

#[test]
fn files_and_functions_stay_small() {
    let mut broken = Vec::new();
    for file in sources() {
        let shown = file.path.display().to_string();
        let lines: Vec<&str> = file.text.lines().collect();
        if lines.len() > MAX_FILE_LINES {
            broken.push(format!(
                "{shown} has {} lines (at most {MAX_FILE_LINES}): split it into files named after what they hold",
                lines.len()
            ));
        }
        for (name, length) in functions(&lines) {
            let template = LONG_TEMPLATES
                .iter()
                .any(|&(f, n, _)| f == shown && n == name);
            if length > MAX_FN_LINES && !template {
                broken.push(format!(
                    "{shown}: fn {name} has {length} lines (at most {MAX_FN_LINES}): split the algorithm into named steps"
                ));
            }
        }
    }
    assert!(broken.is_empty(), "\n{}\n", broken.join("\n"));
}

#[test]
fn the_allow_lists_name_what_exists() {
    let files = sources();
    for &(file, name, _) in LONG_TEMPLATES {
        let source = files
            .iter()
            .find(|f| f.path.display().to_string() == file)
            .unwrap_or_else(|| panic!("LONG_TEMPLATES names {file}, which does not exist"));
        let lines: Vec<&str> = source.text.lines().collect();
        assert!(
            functions(&lines).iter().any(|(n, _)| n == name),
            "LONG_TEMPLATES names {file}: fn {name}, which does not exist"
        );
    }
}

/// Which statement forbids `from` to depend on `to`, if one does.
fn forbidden(from: &str, to: &str) -> Option<&'static str> {
    STATEMENTS
        .iter()
        .filter(|s| s.part == from)
        .find(|s| match s.allowed {
            Allowed::Only(parts) => !parts.contains(&to),
            Allowed::Not(parts) => parts.contains(&to),
        })
        .map(|s| s.said)
}

struct Source {
    /// Relative to the crate root: `src/model/resolve/mod.rs`.
    path: PathBuf,
    /// The module path: `["model", "resolve"]`; the binary's files are under `commands`.
    module: Vec<String>,
    text: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    walk(&root.join("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let text = fs::read_to_string(&path).unwrap_or_default();
            Source {
                module: module_of(&relative),
                path: relative,
                text,
            }
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn read(name: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap_or_default()
}

/// `src/grade/render/json.rs` → `grade::render::json`; a `mod.rs` is its directory; the
/// binary's files (`main.rs`, `cli.rs`, `commands/`) are `commands`.
fn module_of(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = path
        .with_extension("")
        .components()
        .skip(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    match parts.first().map(String::as_str) {
        Some("main" | "cli") => vec!["commands".to_owned()],
        Some("lib") => Vec::new(),
        _ => parts,
    }
}

/// The part a module path belongs to: the longest of [`PARTS`] that prefixes it.
fn part_of(module: &[String]) -> String {
    PARTS
        .iter()
        .filter(|part| {
            let segments: Vec<&str> = part.split("::").collect();
            segments.len() <= module.len() && segments.iter().zip(module).all(|(a, b)| a == b)
        })
        .max_by_key(|part| part.len())
        .map_or_else(|| module.join("::"), |part| (*part).to_owned())
}

/// The parts a file's code refers to (its own included).
fn dependencies(file: &Source) -> BTreeSet<String> {
    let binary = part_of(&file.module) == "commands";
    let code = code_only(&file.text);
    let mut out = BTreeSet::new();
    let roots: &[&str] = if binary {
        &["sagac::", "crate::"]
    } else {
        &["crate::"]
    };
    for root in roots {
        for path in paths_after(&code, root) {
            if *root == "crate::" && binary {
                // The binary's own modules (`crate::cli`) are not the library's.
                continue;
            }
            out.insert(part_of(&path));
        }
    }
    for path in paths_after(&code, "super::") {
        // `super::x` in `model::resolve::saga` is `model::resolve::x`.
        let mut base = file.module.clone();
        base.pop();
        let mut rest = path;
        while rest.first().is_some_and(|s| s == "super") {
            base.pop();
            rest.remove(0);
        }
        base.extend(rest);
        if !binary {
            out.insert(part_of(&base));
        }
    }
    if code.contains("clap::") || code.contains("use clap") {
        out.insert("clap".to_owned());
    }
    out.retain(|p| PARTS.contains(&p.as_str()));
    out
}

/// Every path that follows `root` in the code, as segments; a group (`root{a::b, c}`) gives
/// one path per member.
fn paths_after(code: &str, root: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(root) {
        // `super::super::x` is one path, and `my_crate::` is not `crate::`.
        let inside_another = rest[..at].ends_with("::")
            || rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[at + root.len()..];
        if inside_another {
            continue;
        }
        out.extend(tree(rest));
    }
    out
}

/// The paths of a `use` tree at the start of `text`: `a::b::C`, `a::{b, c::d}`, `{a, b}`.
fn tree(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        return members(group).into_iter().flat_map(tree).collect();
    }
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() || name == "self" {
        return vec![Vec::new()];
    }
    let after = &text[name.len()..];
    match after.strip_prefix("::") {
        Some(deeper) => tree(deeper)
            .into_iter()
            .map(|mut path| {
                path.insert(0, name.clone());
                path
            })
            .collect(),
        None => vec![vec![name]],
    }
}

/// The members of a group whose `{` is already consumed, up to its `}`.
fn members(group: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                out.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.retain(|m| !m.trim().is_empty());
    out
}

/// The text without comments and `#[cfg(test)]` items (rustfmt's layout is assumed: an
/// item's closing brace is alone on a line at the item's indentation).
fn code_only(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]" {
            i = end_of_item(&lines, i + 1) + 1;
            continue;
        }
        if !trimmed.starts_with("//") {
            let code = match line.find(" // ") {
                Some(at) if !line[..at].contains('"') => &line[..at],
                _ => line,
            };
            out.push_str(code);
            out.push('\n');
        }
        i += 1;
    }
    out
}

/// The last line of the item that starts at `start` (after its attributes).
fn end_of_item(lines: &[&str], start: usize) -> usize {
    let mut i = start;
    while i < lines.len() && lines[i].trim_start().starts_with("#[") {
        i += 1;
    }
    let Some(first) = lines.get(i) else {
        return lines.len();
    };
    let indent = first.len() - first.trim_start().len();
    let closing = format!("{}}}", " ".repeat(indent));
    for (j, line) in lines.iter().enumerate().skip(i) {
        let trimmed = line.trim_end();
        if j == i && (trimmed.ends_with(';') || trimmed.ends_with('}')) && !trimmed.ends_with('{') {
            return j;
        }
        if j > i && trimmed == closing {
            return j;
        }
    }
    lines.len()
}

/// Each function with a body: its name and its length in lines, from the `fn` line to its
/// closing brace.
fn functions(lines: &[&str]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let closing = format!("{}}}", " ".repeat(indent));
        // The signature ends at the first line that opens the body or ends a declaration.
        let Some(body) = (i..lines.len()).find(|&j| {
            let t = lines[j].trim_end();
            t.ends_with('{') || t.ends_with(';') || t.ends_with('}')
        }) else {
            continue;
        };
        let opened = lines[body].trim_end();
        if !opened.ends_with('{') {
            continue; // a declaration, or a body on one line
        }
        if let Some(end) = (body + 1..lines.len()).find(|&j| lines[j].trim_end() == closing) {
            out.push((name, end - i + 1));
        }
    }
    out
}

/// The name of the function a line starts to declare, if it does.
fn fn_name(line: &str) -> Option<String> {
    let mut rest = line.trim_start();
    for qualifier in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
        "extern \"C\" ",
    ] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Runs of white space as one space, for comparing wrapped Markdown with one-line text.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
