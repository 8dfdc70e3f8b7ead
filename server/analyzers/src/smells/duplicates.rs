//! Duplicated blocks, from the text alone: the same run of normalized lines
//! (trimmed, inner whitespace collapsed, blank and bracket-only lines
//! skipped) appearing twice in one file.
//!
//! Every distinct line gets a number; each window of `min` consecutive
//! numbers is looked up among the earlier windows, and a match is extended
//! as far as both copies agree. A copy is reported once, at its first line,
//! pointing at the first occurrence; the copies never overlap.

use std::borrow::Cow;
use std::collections::HashMap;

use specwright_spec::text::utf16_len;
use specwright_spec::{Position, Range};

use crate::smells::{Smell, codes};

/// Reports kept per file: a file of one line pasted a thousand times says
/// all it has to say in the first few.
pub(crate) const MAX_REPORTS: usize = 100;

/// One significant line: its number, and where its trimmed text is.
struct Line {
    id: u32,
    line: u32,
    /// UTF-16 columns of the trimmed text's start and end.
    start: u32,
    end: u32,
}

pub(crate) fn find(text: &str, min: u32, out: &mut Vec<Smell>) {
    let Ok(min) = usize::try_from(min) else {
        return;
    };
    if min == 0 {
        return;
    }
    let lines = significant_lines(text);
    if lines.len() < min.saturating_mul(2) {
        return;
    }
    let ids: Vec<u32> = lines.iter().map(|l| l.id).collect();
    let mut first: HashMap<&[u32], usize> = HashMap::with_capacity(ids.len());
    let mut reports = 0;
    let mut i = 0;
    while let Some(window) = ids.get(i..i + min) {
        match first.get(window) {
            Some(&j) if j + min <= i => {
                let mut len = min;
                while j + len < i && ids.get(j + len).is_some_and(|a| ids.get(i + len) == Some(a)) {
                    len += 1;
                }
                out.push(report(&lines, j, i, len, min));
                reports += 1;
                if reports >= MAX_REPORTS {
                    return;
                }
                for t in i..i + len {
                    if let Some(w) = ids.get(t..t + min) {
                        first.entry(w).or_insert(t);
                    }
                }
                i += len;
            }
            Some(_) => i += 1,
            None => {
                first.insert(window, i);
                i += 1;
            }
        }
    }
}

fn report(lines: &[Line], first: usize, copy: usize, len: usize, min: usize) -> Smell {
    let line_range = |k: usize| {
        lines
            .get(k)
            .map_or_else(Range::default, |l| Range::new(Position::new(l.line, l.start), Position::new(l.line, l.end)))
    };
    let original = line_range(first);
    let original_end = line_range(first + len - 1);
    let value = u32::try_from(len).unwrap_or(u32::MAX);
    Smell {
        code: codes::DUPLICATED_BLOCK,
        range: line_range(copy),
        message: format!(
            "These {value} lines repeat lines {}\u{2013}{}",
            original.start.line.saturating_add(1),
            original_end.end.line.saturating_add(1)
        ),
        value,
        threshold: u32::try_from(min).unwrap_or(u32::MAX),
        related: vec![Range::new(original.start, original_end.end)],
    }
}

fn significant_lines(text: &str) -> Vec<Line> {
    let mut numbers: HashMap<Cow<'_, str>, u32> = HashMap::new();
    let mut out = Vec::new();
    for (row, raw) in text.split('\n').enumerate() {
        let trimmed = raw.trim();
        if trimmed.chars().all(|c| matches!(c, '{' | '}' | '(' | ')' | '[' | ']' | ';' | ',')) {
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let start = raw.get(..lead).map_or(0, utf16_len);
        let end = start + utf16_len(trimmed);
        let key = normalize(trimmed);
        let next = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
        let id = *numbers.entry(key).or_insert(next);
        out.push(Line {
            id,
            line: u32::try_from(row).unwrap_or(u32::MAX),
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        });
    }
    out
}

/// Inner runs of whitespace become one space.
fn normalize(line: &str) -> Cow<'_, str> {
    let mut prev_space = false;
    let needs_work = line.chars().any(|c| {
        let bad = c.is_whitespace() && (prev_space || c != ' ');
        prev_space = c.is_whitespace();
        bad
    });
    if !needs_work {
        return Cow::Borrowed(line);
    }
    Cow::Owned(line.split_whitespace().collect::<Vec<_>>().join(" "))
}
