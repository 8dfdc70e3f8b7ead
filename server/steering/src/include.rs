//! `#[[file:relative/path]]` references: finding them in a body and resolving
//! them inside the workspace root, never outside it.

use std::path::{Component, Path, PathBuf};

const OPEN: &str = "#[[file:";
const CLOSE: &str = "]]";

/// A reference found in the text: the trimmed target and its byte span.
pub(crate) struct Found {
    pub target: String,
    pub start: usize,
    pub end: usize,
}

/// Finds the references in `text[from..]`. References inside fenced code
/// blocks and inline code spans are examples of the syntax, not references.
pub(crate) fn scan(text: &str, from: usize) -> Vec<Found> {
    let mut found = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut pos = from;
    while pos < text.len() {
        let next = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..next].trim_end_matches(['\n', '\r']);
        let (ch, len, rest) = fence_marker(line);
        match fence {
            Some((fc, flen)) => {
                if ch == Some(fc) && len >= flen && rest.trim().is_empty() {
                    fence = None;
                }
            }
            None if ch.is_some() => fence = ch.map(|c| (c, len)),
            None => scan_line(line, pos, &mut found),
        }
        pos = next;
    }
    found
}

/// The fence character and length if `line` opens or closes a code fence,
/// and the text after the marker.
fn fence_marker(line: &str) -> (Option<u8>, usize, &str) {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return (None, 0, "");
    }
    let t = &line[indent..];
    for c in [b'`', b'~'] {
        let len = t.bytes().take_while(|&b| b == c).count();
        if len >= 3 {
            return (Some(c), len, &t[len..]);
        }
    }
    (None, 0, "")
}

fn scan_line(line: &str, base: usize, found: &mut Vec<Found>) {
    let spans = code_spans(line);
    let mut at = 0;
    while let Some(i) = line[at..].find(OPEN).map(|i| at + i) {
        at = i + OPEN.len();
        if spans.iter().any(|&(s, e)| s <= i && i < e) {
            continue;
        }
        let Some(close) = line[at..].find(CLOSE).map(|c| at + c) else { break };
        let raw = &line[at..close];
        let lead = raw.len() - raw.trim_start().len();
        let target = raw.trim();
        let start = base + at + lead;
        found.push(Found { target: target.to_string(), start, end: start + target.len() });
        at = close + CLOSE.len();
    }
}

/// Byte ranges of inline code spans in one line (backtick runs closed by a
/// run of the same length).
fn code_spans(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = b[i..].iter().take_while(|&&c| c == b'`').count();
        let mut j = i + n;
        let mut closed = None;
        while j < b.len() {
            if b[j] == b'`' {
                let m = b[j..].iter().take_while(|&&c| c == b'`').count();
                if m == n {
                    closed = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                spans.push((i, end));
                i = end;
            }
            None => i += n,
        }
    }
    spans
}

/// Why a reference was not resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    Empty,
    Absolute,
    Escapes,
    Missing,
    NotAFile,
    SymlinkOutside,
}

/// Resolves `target` against `root`. `root_canonical` is the canonical root
/// (computed once per file by the caller). On success, the canonical path of
/// a regular file inside the root.
pub(crate) fn resolve(root: &Path, root_canonical: Option<&Path>, target: &str) -> Result<PathBuf, Refusal> {
    if target.is_empty() {
        return Err(Refusal::Empty);
    }
    if is_absolute_like(target) {
        return Err(Refusal::Absolute);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in target.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(Refusal::Escapes);
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(Refusal::NotAFile);
    }
    let mut path = root.to_path_buf();
    path.extend(&parts);
    // A component that std would read as a root or prefix (e.g. `C:` on
    // Windows) must not survive the join.
    if !path.starts_with(root) || path.components().skip(root.components().count()).any(|c| !is_normal(c)) {
        return Err(Refusal::Absolute);
    }
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(Refusal::Missing);
    }
    let Ok(canonical) = std::fs::canonicalize(&path) else {
        // A dangling symlink: nothing to read.
        return Err(Refusal::Missing);
    };
    let Some(root_canonical) = root_canonical else { return Err(Refusal::Missing) };
    if !canonical.starts_with(root_canonical) {
        return Err(Refusal::SymlinkOutside);
    }
    if !canonical.is_file() {
        return Err(Refusal::NotAFile);
    }
    Ok(canonical)
}

fn is_normal(c: Component<'_>) -> bool {
    matches!(c, Component::Normal(_))
}

fn is_absolute_like(target: &str) -> bool {
    let b = target.as_bytes();
    target.starts_with(['/', '\\', '~'])
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
        || Path::new(target).is_absolute()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<String> {
        scan(text, 0).into_iter().map(|f| f.target).collect()
    }

    #[test]
    fn skips_code() {
        let text = "see #[[file:a.md]] and `#[[file:b.md]]`\n```\n#[[file:c.md]]\n```\n#[[file: d.md ]] #[[file:e]]";
        assert_eq!(targets(text), ["a.md", "d.md", "e"]);
    }

    #[test]
    fn lexical_refusals() {
        let root = Path::new("/nonexistent-root");
        assert_eq!(resolve(root, None, "../x"), Err(Refusal::Escapes));
        assert_eq!(resolve(root, None, "a/../../x"), Err(Refusal::Escapes));
        assert_eq!(resolve(root, None, "/etc/passwd"), Err(Refusal::Absolute));
        assert_eq!(resolve(root, None, "C:\\x"), Err(Refusal::Absolute));
        assert_eq!(resolve(root, None, "~/x"), Err(Refusal::Absolute));
        assert_eq!(resolve(root, None, ""), Err(Refusal::Empty));
        assert_eq!(resolve(root, None, "a/../b"), Err(Refusal::Missing));
    }
}
