#![allow(dead_code)]

use std::path::Path;

use specwright_hooks::{Hook, HookFile, parse};
use specwright_spec::{LineIndex, Range};

/// The source text a range covers.
pub fn slice(text: &str, range: Range) -> &str {
    let index = LineIndex::new(text);
    &text[index.offset(text, range.start)..index.offset(text, range.end)]
}

/// Every diagnostic as `(code, covered text)`.
pub fn diags(path: &str, text: &str) -> Vec<(&'static str, String)> {
    let file = parse(Path::new(path), text);
    file.diagnostics.iter().map(|d| (d.code, slice(text, d.range).to_owned())).collect()
}

/// Parses and asserts there are no diagnostics at all.
pub fn clean(path: &str, text: &str) -> HookFile {
    let file = parse(Path::new(path), text);
    assert!(file.diagnostics.is_empty(), "unexpected diagnostics: {:#?}", file.diagnostics);
    file
}

pub fn one(path: &str, text: &str) -> Hook {
    let mut file = clean(path, text);
    assert_eq!(file.hooks.len(), 1);
    file.hooks.remove(0)
}
