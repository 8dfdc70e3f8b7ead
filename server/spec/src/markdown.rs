//! A line scanner for the Markdown that specs are written in. It is not a
//! CommonMark parser: specs are line-oriented, so the scanner yields lines
//! with their byte offsets, tells headings apart, and knows which lines sit
//! inside fenced code blocks (so an example in a fence is never read as a
//! requirement or a task). A whole document wrapped in one fence, as some
//! generators emit it, is read as if unwrapped.

/// One line of a document, without its line terminator.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// 0-based line number.
    pub number: u32,
    /// Byte offset of the line's first byte in the document.
    pub start: usize,
    pub text: &'a str,
    pub kind: LineKind<'a>,
}

impl Line<'_> {
    /// Byte offset in the document of byte `i` of this line.
    pub fn at(&self, i: usize) -> usize {
        self.start + i
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind<'a> {
    /// Ordinary text (or a blank line).
    Text,
    /// An ATX heading: its level and its text (trimmed, closing `#`s removed),
    /// with the byte offset of the text within the line.
    Heading { level: u8, title: &'a str, title_start: usize },
    /// A line that opens a fenced block, with the info string (`mermaid`, `json`).
    FenceOpen { info: &'a str },
    /// A line inside a fenced block.
    Fenced,
    /// A line that closes a fenced block.
    FenceClose,
}

/// Splits `text` into classified lines.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let raw: Vec<(usize, &str)> = split_lines(text).collect();
    let wrapper = document_wrapper(&raw);
    let mut out = Vec::with_capacity(raw.len());
    let mut fence: Option<(u8, usize)> = None; // (fence char, run length)
    for (number, &(start, line)) in raw.iter().enumerate() {
        let number = crate::text::to_u32(number);
        let is_wrapper = wrapper.is_some_and(|(a, b)| number as usize == a || number as usize == b);
        let kind = if is_wrapper {
            LineKind::Text
        } else if let Some((ch, len)) = fence {
            if is_fence_close(line, ch, len) {
                fence = None;
                LineKind::FenceClose
            } else {
                LineKind::Fenced
            }
        } else if let Some((ch, len, info)) = fence_open(line) {
            fence = Some((ch, len));
            LineKind::FenceOpen { info }
        } else if let Some((level, title, title_start)) = heading(line) {
            LineKind::Heading { level, title, title_start }
        } else {
            LineKind::Text
        };
        // The wrapper's fences read as blank lines, so that the closing one
        // does not continue the last criterion or detail.
        let text = if is_wrapper { "" } else { line };
        out.push(Line { number, start, text, kind });
    }
    out
}

/// Lines with their start offsets; `\r\n` and `\n` both end a line.
fn split_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let rest = &text[start..];
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], start + i + 1),
            None => {
                done = true;
                (rest, text.len())
            }
        };
        let line_start = start;
        start = next;
        Some((line_start, line.strip_suffix('\r').unwrap_or(line)))
    })
}

/// When the first and last non-blank lines are a bare fence (```` ``` ````,
/// ```` ```markdown ````, ```` ```md ````) the document is a wrapped one:
/// returns the two line numbers to treat as plain text.
fn document_wrapper(lines: &[(usize, &str)]) -> Option<(usize, usize)> {
    let first = lines.iter().position(|(_, l)| !l.trim().is_empty())?;
    let last = lines.iter().rposition(|(_, l)| !l.trim().is_empty())?;
    if first >= last {
        return None;
    }
    let (ch, len, info) = fence_open(lines[first].1)?;
    let info_ok = matches!(info.to_ascii_lowercase().as_str(), "" | "markdown" | "md");
    (info_ok && is_fence_close(lines[last].1, ch, len)).then_some((first, last))
}

fn fence_open(line: &str) -> Option<(u8, usize, &str)> {
    // Fences indented under list items still count, so any indentation is accepted.
    let trimmed = line.trim_start();
    let ch = *trimmed.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&b| b == ch).count();
    if len < 3 {
        return None;
    }
    let info = trimmed[len..].trim();
    if ch == b'`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

fn is_fence_close(line: &str, ch: u8, len: usize) -> bool {
    let trimmed = line.trim();
    let run = trimmed.bytes().take_while(|&b| b == ch).count();
    run >= len && run == trimmed.len()
}

/// `## Title ##` → (2, "Title", offset of "Title").
fn heading(line: &str) -> Option<(u8, &str, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let after = &rest[level..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let lead = after.len() - after.trim_start().len();
    let mut title = after.trim();
    // Closing sequence: "## Title ##".
    let without_hashes = title.trim_end_matches('#');
    if without_hashes.len() != title.len() && (without_hashes.is_empty() || without_hashes.ends_with([' ', '\t'])) {
        title = without_hashes.trim_end();
    }
    Some((level as u8, title, indent + level + lead))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<LineKind<'_>> {
        lines(text).into_iter().map(|l| l.kind).collect()
    }

    #[test]
    fn headings_and_fences() {
        let k = kinds("# Title\n```mermaid\n# not a heading\n```\n#nope\n### Three ###\n");
        assert_eq!(k[0], LineKind::Heading { level: 1, title: "Title", title_start: 2 });
        assert_eq!(k[1], LineKind::FenceOpen { info: "mermaid" });
        assert_eq!(k[2], LineKind::Fenced);
        assert_eq!(k[3], LineKind::FenceClose);
        assert_eq!(k[4], LineKind::Text);
        assert_eq!(k[5], LineKind::Heading { level: 3, title: "Three", title_start: 4 });
    }

    #[test]
    fn wrapped_document_is_unwrapped() {
        let k = kinds("```markdown\n# Requirements\n```\n");
        assert_eq!(k[0], LineKind::Text);
        assert!(matches!(k[1], LineKind::Heading { level: 1, .. }));
        assert_eq!(k[2], LineKind::Text);
    }

    #[test]
    fn crlf_lines_and_offsets() {
        let l = lines("a\r\nbc\r\n");
        assert_eq!(l[1].text, "bc");
        assert_eq!(l[1].start, 3);
        assert_eq!(l.len(), 3);
    }

    #[test]
    fn unclosed_fence_runs_to_end() {
        let k = kinds("```\n# x\n");
        assert_eq!(k[1], LineKind::Fenced);
    }
}
