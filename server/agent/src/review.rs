//! A proposed change as hunks a user can accept one by one: the unified
//! diff of a file's old and new text (3 lines of context), and the text
//! that results from accepting some of its hunks.
//!
//! Lines keep their endings (`\n`, `\r\n`, none at the end), so accepting
//! every hunk gives back the new text byte for byte, and accepting none the
//! old one.

use similar::{DiffOp, TextDiff};

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;

/// One hunk of a unified diff. Line numbers are 1-based (0 for an empty
/// side, as in `@@ -0,0 +1,2 @@`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: usize,
    pub old_lines: usize,
    pub new_start: usize,
    pub new_lines: usize,
    /// The `@@ … @@` header, then each line prefixed with ` `, `-` or `+`
    /// (a line without an ending is followed by `\ No newline at end of file`).
    pub text: String,
}

/// The hunks that turn `old` into `new`, in order.
pub fn hunks(old: &str, new: &str) -> Vec<Hunk> {
    let diff = TextDiff::from_lines(old, new);
    let old_lines = diff.old_slices();
    let new_lines = diff.new_slices();
    diff.grouped_ops(CONTEXT)
        .iter()
        .filter(|group| !group.is_empty())
        .map(|group| {
            let (first, last) = (&group[0], &group[group.len() - 1]);
            let old_range = first.old_range().start..last.old_range().end;
            let new_range = first.new_range().start..last.new_range().end;
            let start = |range: &std::ops::Range<usize>| if range.is_empty() { range.start } else { range.start + 1 };
            let mut text = format!(
                "@@ -{},{} +{},{} @@\n",
                start(&old_range),
                old_range.len(),
                start(&new_range),
                new_range.len()
            );
            for op in group {
                let mut push = |sign: char, line: &str| {
                    text.push(sign);
                    text.push_str(line);
                    if !line.ends_with('\n') {
                        text.push_str("\n\\ No newline at end of file\n");
                    }
                };
                match *op {
                    DiffOp::Equal { old_index, len, .. } => {
                        old_lines[old_index..old_index + len].iter().for_each(|l| push(' ', l));
                    }
                    DiffOp::Delete { old_index, old_len, .. } => {
                        old_lines[old_index..old_index + old_len].iter().for_each(|l| push('-', l));
                    }
                    DiffOp::Insert { new_index, new_len, .. } => {
                        new_lines[new_index..new_index + new_len].iter().for_each(|l| push('+', l));
                    }
                    DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                        old_lines[old_index..old_index + old_len].iter().for_each(|l| push('-', l));
                        new_lines[new_index..new_index + new_len].iter().for_each(|l| push('+', l));
                    }
                }
            }
            Hunk {
                old_start: start(&old_range),
                old_lines: old_range.len(),
                new_start: start(&new_range),
                new_lines: new_range.len(),
                text,
            }
        })
        .collect()
}

/// `old` with the hunks whose indices (in [`hunks`]'s order) are in
/// `accepted` applied; indices out of range are ignored.
pub fn apply_hunks(old: &str, new: &str, accepted: &[usize]) -> String {
    let diff = TextDiff::from_lines(old, new);
    let old_lines = diff.old_slices();
    let new_lines = diff.new_slices();
    // Each change belongs to exactly one hunk; a hunk's context is equal on both sides.
    let accepted_starts: Vec<usize> = diff
        .grouped_ops(CONTEXT)
        .iter()
        .enumerate()
        .filter(|(i, _)| accepted.contains(i))
        .flat_map(|(_, group)| {
            group
                .iter()
                .filter(|op| !matches!(op, DiffOp::Equal { .. }))
                .map(|op| op.old_range().start)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut out = String::with_capacity(old.len().max(new.len()));
    for op in diff.ops() {
        let take_new = !matches!(op, DiffOp::Equal { .. }) && accepted_starts.contains(&op.old_range().start);
        if take_new {
            new_lines[op.new_range()].iter().for_each(|l| out.push_str(l));
        } else {
            old_lines[op.old_range()].iter().for_each(|l| out.push_str(l));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
    const NEW: &str = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nL\nl2\nm\n";

    #[test]
    fn far_apart_changes_are_separate_hunks() {
        let h = hunks(OLD, NEW);
        assert_eq!(h.len(), 2, "{h:#?}");
        assert_eq!((h[0].old_start, h[0].old_lines, h[0].new_start, h[0].new_lines), (1, 5, 1, 5));
        assert_eq!(h[0].text, "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n");
        assert!(h[1].text.starts_with("@@ -9,5 +9,6 @@\n i\n j\n k\n-l\n+L\n+l2\n m\n"), "{}", h[1].text);
    }

    #[test]
    fn accepting_all_none_or_some() {
        assert_eq!(apply_hunks(OLD, NEW, &[0, 1]), NEW);
        assert_eq!(apply_hunks(OLD, NEW, &[]), OLD);
        assert_eq!(apply_hunks(OLD, NEW, &[0]), OLD.replace("b\n", "B\n"));
        assert_eq!(apply_hunks(OLD, NEW, &[1]), OLD.replace("l\n", "L\nl2\n"));
        assert_eq!(apply_hunks(OLD, NEW, &[7]), OLD, "unknown indices are ignored");
    }

    #[test]
    fn line_endings_and_a_missing_last_newline_are_kept() {
        let old = "x\r\ny\r\nz";
        let new = "x\r\nY\r\nz\r\nw";
        assert_eq!(apply_hunks(old, new, &[0]), new);
        let h = hunks(old, new);
        assert_eq!(h.len(), 1);
        assert!(
            h[0].text.contains("-z\n\\ No newline at end of file\n+Y\r\n+z\r\n+w\n\\ No newline"),
            "{:?}",
            h[0].text
        );
    }

    #[test]
    fn new_and_emptied_files() {
        let h = hunks("", "one\ntwo\n");
        assert_eq!((h[0].old_start, h[0].old_lines, h[0].new_start, h[0].new_lines), (0, 0, 1, 2));
        assert_eq!(hunks("same\n", "same\n"), Vec::new());
        assert_eq!(apply_hunks("gone\n", "", &[0]), "");
    }

    #[test]
    fn any_subset_of_hunks_is_a_mix_of_old_and_new() {
        // Ten separate changes: every subset applies exactly its hunks.
        let old: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let new: String =
            (0..100).map(|i| if i % 10 == 5 { format!("changed {i}\n") } else { format!("line {i}\n") }).collect();
        assert_eq!(hunks(&old, &new).len(), 10);
        for mask in [0b0000000001u32, 0b1010101010, 0b1111111111, 0b0110000001] {
            let accepted: Vec<usize> = (0..10).filter(|i| mask & (1 << i) != 0).collect();
            let result = apply_hunks(&old, &new, &accepted);
            for i in 0..10 {
                let line = 10 * i + 5;
                let expected =
                    if accepted.contains(&i) { format!("changed {line}\n") } else { format!("line {line}\n") };
                assert!(result.contains(&expected), "{mask:b}: {expected}");
            }
            assert_eq!(result.lines().count(), 100);
        }
    }
}
