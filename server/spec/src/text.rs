//! Source positions. Every element of the spec model carries a [`Range`] in
//! the coordinates the Language Server Protocol uses: 0-based lines and
//! UTF-16 code-unit columns. [`LineIndex`] converts byte offsets to them.

use serde::Serialize;

/// A 0-based line and a 0-based UTF-16 column, as in LSP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Self { line, character }
    }
}

/// A half-open range `[start, end)` of [`Position`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

impl Range {
    pub const fn new(start: Position, end: Position) -> Self {
        Self { start, end }
    }

    /// The empty range at the start of `line`.
    pub const fn line_start(line: u32) -> Self {
        Self::new(Position::new(line, 0), Position::new(line, 0))
    }

    /// Whether `pos` lies inside the range; the end is included so that a
    /// cursor just after a word still counts as on it.
    pub fn contains(&self, pos: Position) -> bool {
        self.start <= pos && pos <= self.end
    }
}

/// Maps byte offsets of one text to [`Position`]s and back.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of the first byte of every line.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { line_starts }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset at which `line` starts (the text length past the end).
    pub fn line_start(&self, line: usize, text: &str) -> usize {
        self.line_starts.get(line).copied().unwrap_or(text.len())
    }

    /// The position of byte `offset` of `text`. Offsets inside a character
    /// or past the end are clamped.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let character = utf16_len(&text[start..end]);
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of bytes `start..end` of `text`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// The byte offset of `pos` in `text`, clamped to the line's end and to
    /// the text's end. The inverse of [`LineIndex::position`].
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return text.len();
        };
        let end = self.line_starts.get(line + 1).map_or(text.len(), |&e| e);
        let mut units = 0u32;
        for (i, ch) in text[start..end].char_indices() {
            if units >= pos.character || ch == '\n' {
                return start + i;
            }
            units += ch.len_utf16() as u32;
        }
        end
    }
}

/// Length of `s` in UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\n𝄞x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position::new(0, 0));
        assert_eq!(idx.position(text, 3), Position::new(1, 0));
        // 𝄞 is 4 bytes and 2 UTF-16 units.
        assert_eq!(idx.position(text, 7), Position::new(1, 2));
        assert_eq!(idx.offset(text, Position::new(1, 2)), 7);
        assert_eq!(idx.position(text, text.len()), Position::new(2, 0));
    }

    #[test]
    fn offsets_clamp_to_line_end() {
        let text = "abc\ndef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.offset(text, Position::new(0, 99)), 3);
        assert_eq!(idx.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(idx.offset(text, Position::new(1, 99)), text.len());
    }
}
