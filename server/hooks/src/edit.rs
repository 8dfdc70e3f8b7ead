//! Text edits to hook files that keep everything else byte for byte.

use specwright_spec::{LineIndex, Range};

use crate::json::{self, Kind, Value};

/// The minimal edit that sets `enabled` of the hook at `hook_index_in_file`
/// (0 for a legacy `.kiro.hook`; the index in `hooks` for a v1 file): the
/// value alone is replaced when the key exists, otherwise `"enabled": …` is
/// inserted as the object's first key, indented like the key it precedes.
/// Every other byte, unknown keys included, is kept. `None` when the text is
/// not JSON or has no such hook object.
pub fn set_enabled(text: &str, hook_index_in_file: usize, enabled: bool) -> Option<(Range, String)> {
    let root = json::parse(text).ok()?;
    let hook = hook_object(&root, hook_index_in_file)?;
    let index = LineIndex::new(text);
    let value = if enabled { "true" } else { "false" };
    if let Some(m) = hook.get("enabled") {
        let range = index.range(text, m.value.start, m.value.end);
        return Some((range, value.to_owned()));
    }
    let members = hook.members()?;
    let at = hook.start + 1;
    let Some(first) = members.first() else {
        return Some((index.range(text, at, at), format!("\"enabled\": {value}")));
    };
    // The whitespace between `{` and the first key: newline and indentation.
    let sep = &text[at..first.key_start];
    let sep = if sep.is_empty() { " " } else { sep };
    let pos = first.key_start;
    Some((index.range(text, pos, pos), format!("\"enabled\": {value},{sep}")))
}

fn hook_object(root: &Value, i: usize) -> Option<&Value> {
    root.members()?;
    match root.get("hooks").map(|m| &m.value.kind) {
        Some(Kind::Array(items)) if root.get("when").is_none() => items.get(i).filter(|v| v.members().is_some()),
        _ => (i == 0).then_some(root),
    }
}
