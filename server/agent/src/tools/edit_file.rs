//! `edit_file {path, old_str, new_str}`: replaces the one place of a file
//! where `old_str` occurs, through the host, and answers the diff.
//!
//! `old_str` must occur exactly once. When it does not occur at all, the
//! lines are compared again ignoring leading and trailing whitespace (models
//! often get indentation wrong); a single such match is replaced whole.

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;

use super::{cap, check_cancel, current_text, parse_input, shown};
use crate::host::{Applied, FileChange};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct EditFile;

#[derive(Deserialize)]
struct Input {
    path: String,
    old_str: String,
    new_str: String,
}

impl Tool for EditFile {
    fn name(&self) -> &'static str {
        "edit_file"
    }

    fn description(&self) -> &'static str {
        "Replaces old_str with new_str in a text file. old_str must be copied exactly from the file \
         (read it first) and must occur exactly once: include enough surrounding lines to make it \
         unique. Answers the diff of the change."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": { "type": "string", "description": "The file, relative to the workspace root." },
                "old_str": { "type": "string", "description": "The exact text to replace; it must occur exactly once." },
                "new_str": { "type": "string", "description": "The text to put in its place." }
            },
            "required": ["path", "old_str", "new_str"],
            "additionalProperties": false
        })
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(run(input, cx))
    }

    fn edits_files(&self) -> bool {
        true
    }
}

async fn run(input: Value, cx: &ToolContext<'_>) -> Result<String, ToolError> {
    let input: Input = parse_input(input)?;
    if input.old_str.is_empty() {
        return Err(ToolError::InvalidInput("`old_str` must not be empty; use write_file to create a file".into()));
    }
    if input.old_str == input.new_str {
        return Err(ToolError::InvalidInput("`old_str` and `new_str` are the same".into()));
    }
    let path = cx.workspace.resolve(&input.path)?;
    let shown = shown(cx, &path);
    let old = current_text(cx, &path)
        .await?
        .ok_or_else(|| ToolError::Failed(format!("{shown} does not exist; use write_file to create it")))?;

    let (new, note) = match replace(&old, &input.old_str, &input.new_str) {
        Replaced::Exact(new) => (new, ""),
        Replaced::IgnoringWhitespace(new) => (new, " (matched ignoring whitespace)"),
        Replaced::NotFound => {
            return Err(ToolError::Failed(format!(
                "old_str was not found in {shown}; read the file again and copy the text exactly"
            )));
        }
        Replaced::Many(n) => {
            return Err(ToolError::Failed(format!(
                "old_str matches {n} times in {shown}; include more context so it matches once"
            )));
        }
        Replaced::ManyIgnoringWhitespace(n) => {
            return Err(ToolError::Failed(format!(
                "old_str was not found exactly in {shown}, and matches {n} times ignoring whitespace; \
                 read the file again and copy the text exactly, with more context"
            )));
        }
    };
    let diff = unified_diff(&shown, &old, &new);
    check_cancel(cx)?;
    let applied =
        cx.host.apply_reviewed(FileChange::Write { path, old: Some(old), new }).await.map_err(ToolError::Refused)?;
    if let Applied::Partly(rejected) = applied {
        return Ok(cap(
            format!("edited {shown} only in part{note}: {rejected}\nThe proposed change was:\n{diff}"),
            cx.output_limit,
            "read the file to see what was applied",
        ));
    }
    Ok(cap(format!("edited {shown}{note}\n{diff}"), cx.output_limit, "the edit was applied; read the file to see it"))
}

#[derive(Debug, PartialEq, Eq)]
enum Replaced {
    Exact(String),
    IgnoringWhitespace(String),
    NotFound,
    Many(usize),
    ManyIgnoringWhitespace(usize),
}

/// `text` with its single occurrence of `old` replaced by `new`.
fn replace(text: &str, old: &str, new: &str) -> Replaced {
    let starts = occurrences(text, old);
    match starts[..] {
        [start] => Replaced::Exact(format!("{}{new}{}", &text[..start], &text[start + old.len()..])),
        [] => replace_ignoring_whitespace(text, old, new),
        _ => Replaced::Many(starts.len()),
    }
}

/// Where `needle` starts in `haystack`, overlapping occurrences included.
fn occurrences(haystack: &str, needle: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(found) = haystack[from..].find(needle) {
        let start = from + found;
        starts.push(start);
        let step = haystack[start..].chars().next().map_or(1, char::len_utf8);
        from = start + step;
    }
    starts
}

/// Replaces the single run of whole lines of `text` that equals `old` line
/// by line, each line trimmed; `new` is re-indented by the difference
/// between `old`'s indentation and the file's.
fn replace_ignoring_whitespace(text: &str, old: &str, new: &str) -> Replaced {
    let mut wanted: Vec<&str> = old.lines().map(str::trim).collect();
    while wanted.last().is_some_and(|l| l.is_empty()) {
        wanted.pop();
    }
    let leading_blank = wanted.iter().take_while(|l| l.is_empty()).count();
    wanted.drain(..leading_blank);
    if wanted.is_empty() {
        return Replaced::NotFound;
    }

    // Byte spans of the lines, line endings included.
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        spans.push((offset, offset + line.len()));
        offset += line.len();
    }
    let line = |i: usize| text[spans[i].0..spans[i].1].trim();
    let hits: Vec<usize> = (0..spans.len())
        .filter(|&i| i + wanted.len() <= spans.len() && wanted.iter().enumerate().all(|(j, w)| line(i + j) == *w))
        .collect();
    let first = match hits[..] {
        [first] => first,
        [] => return Replaced::NotFound,
        _ => return Replaced::ManyIgnoringWhitespace(hits.len()),
    };
    let last = first + wanted.len() - 1;
    let (start, end) = (spans[first].0, spans[last].1);

    let first_line = &text[spans[first].0..spans[first].1];
    let eol = if first_line.ends_with("\r\n") { "\r\n" } else { "\n" };
    let file_indent = indentation(first_line);
    let old_indent = old.lines().find(|l| !l.trim().is_empty()).map_or("", indentation);
    let mut replacement = new
        .lines()
        .map(|l| match l.strip_prefix(old_indent) {
            _ if l.trim().is_empty() => String::new(),
            Some(rest) => format!("{file_indent}{rest}"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join(eol);
    if !new.is_empty() && text[..end].ends_with('\n') {
        replacement.push_str(eol);
    }
    Replaced::IgnoringWhitespace(format!("{}{replacement}{}", &text[..start], &text[end..]))
}

fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// Lines of context around a change.
const CONTEXT: usize = 3;

/// A unified diff of the one changed region between `old` and `new`.
fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    let (a_changed_end, b_changed_end) = (a.len() - suffix, b.len() - suffix);
    let start = prefix.saturating_sub(CONTEXT);
    let after = suffix.min(CONTEXT);
    let (a_count, b_count) = (a_changed_end + after - start, b_changed_end + after - start);
    let first = |count: usize| if count == 0 { start } else { start + 1 };

    let mut out =
        format!("--- a/{path}\n+++ b/{path}\n@@ -{},{a_count} +{},{b_count} @@\n", first(a_count), first(b_count));
    for line in &a[start..prefix] {
        out.push_str(&format!(" {line}\n"));
    }
    for line in &a[prefix..a_changed_end] {
        out.push_str(&format!("-{line}\n"));
    }
    for line in &b[prefix..b_changed_end] {
        out.push_str(&format!("+{line}\n"));
    }
    for line in &a[a_changed_end..a_changed_end + after] {
        out.push_str(&format!(" {line}\n"));
    }
    if a == b {
        out.push_str("(only the line ending at the end of the file changed)\n");
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_single_match_is_replaced() {
        assert_eq!(replace("a b c", "b", "X"), Replaced::Exact("a X c".into()));
    }

    #[test]
    fn overlapping_matches_count() {
        assert_eq!(replace("aaa", "aa", "b"), Replaced::Many(2));
    }

    #[test]
    fn whitespace_tolerant_match_reindents() {
        let text = "fn main() {\n    let x = 1;\n    let y = 2;\n}\n";
        let got = replace(text, "let x = 1;\nlet y = 2;", "let x = 10;\nlet y = 20;");
        assert_eq!(got, Replaced::IgnoringWhitespace("fn main() {\n    let x = 10;\n    let y = 20;\n}\n".into()));
    }

    #[test]
    fn whitespace_tolerant_match_keeps_crlf() {
        let text = "a\r\n  b\r\nc\r\n";
        assert_eq!(replace(text, "b  ", "B"), Replaced::IgnoringWhitespace("a\r\n  B\r\nc\r\n".into()));
    }

    #[test]
    fn diff_shows_the_changed_region_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        assert_eq!(unified_diff("f", old, new), "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8");
    }

    #[test]
    fn diff_of_an_insertion_and_a_deletion() {
        assert_eq!(unified_diff("f", "a\n", "a\nb\n"), "--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n a\n+b");
        assert_eq!(unified_diff("f", "a\n", ""), "--- a/f\n+++ b/f\n@@ -1,1 +0,0 @@\n-a");
    }
}
