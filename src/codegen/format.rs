//! Tokens to source text: `syn` parses what `quote` built (so a generator bug is an error,
//! never a file that does not compile for syntax) and `prettyplease` lays it out.

use proc_macro2::TokenStream;

/// A generated file that did not parse: a bug in sagac, reported instead of written.
#[derive(Debug)]
pub struct Error {
    pub file: &'static str,
    pub message: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error: the generated {} is not valid Rust ({}); please report it",
            self.file, self.message
        )
    }
}

impl std::error::Error for Error {}

/// Parses and pretty-prints a whole file, with `header` (comment lines) on top.
pub fn rust_file(name: &'static str, tokens: TokenStream, header: &str) -> Result<String, Error> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| Error {
        file: name,
        message: e.to_string(),
    })?;
    Ok(format!("{header}{}", spaced(&prettyplease::unparse(&file))))
}

/// Lines that begin an item (or its doc comment or attributes).
const ITEM_STARTS: &[&str] = &[
    "///", "#[", "pub ", "pub(", "fn ", "impl", "struct ", "enum ", "const ", "static ", "trait ",
    "mod ", "type ", "use ", "unsafe ", "extern ",
];

/// prettyplease puts no blank line between items; this adds one between top-level items
/// and between the items of an impl, a trait or a module (indentation 0 and 4), after the
/// inner doc comment, and after a group of `use` lines. Only whitespace between lines
/// changes: the generated code has no multi-line string literal that it could alter.
fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(p) = previous
            && needs_blank(p, line)
        {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn needs_blank(previous: &str, line: &str) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let d = indent(line);
    if !(d == 0 || d == 4) || indent(previous) != d {
        return false;
    }
    let (p, l) = (previous.trim_start(), line.trim_start());
    if !ITEM_STARTS.iter().any(|s| l.starts_with(s)) {
        return false;
    }
    if p.starts_with("//!") || p.starts_with("#![") {
        return !(l.starts_with("//!") || l.starts_with("#!["));
    }
    if p.starts_with("use ") && l.starts_with("use ") {
        return false;
    }
    p.ends_with('}') || p.ends_with(';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_that_do_not_parse_are_an_error_naming_the_file() {
        let error = rust_file("src/x.rs", quote::quote!(struct;), "").unwrap_err();
        assert_eq!(error.file, "src/x.rs");
        let text = rust_file(
            "src/x.rs",
            quote::quote!(
                struct A;
            ),
            "// Header.\n",
        )
        .unwrap();
        assert_eq!(text, "// Header.\nstruct A;\n");
    }

    #[test]
    fn blank_lines_between_items_only() {
        let text = "//! About.\nuse a::b;\nuse c::d;\nstruct A;\nimpl A {\n    fn f() {\n        let x = 1;\n        let y = 2;\n    }\n    /// Doc.\n    fn g() {}\n}\nenum E {\n    A,\n    /// B.\n    B,\n}\n";
        assert_eq!(
            spaced(text),
            "//! About.\n\nuse a::b;\nuse c::d;\n\nstruct A;\n\nimpl A {\n    fn f() {\n        let x = 1;\n        let y = 2;\n    }\n\n    /// Doc.\n    fn g() {}\n}\n\nenum E {\n    A,\n    /// B.\n    B,\n}\n"
        );
    }
}
