//! `read_file {path, start_line?, end_line?}`: a file's text with line
//! numbers, as the editor shows it (unsaved changes included).

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;

use super::{cap, current_text, parse_input, shown};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct ReadFile;

#[derive(Deserialize)]
struct Input {
    path: String,
    start_line: Option<u64>,
    end_line: Option<u64>,
}

impl Tool for ReadFile {
    fn name(&self) -> &'static str {
        "read_file"
    }

    fn description(&self) -> &'static str {
        "Reads a text file of the workspace, with line numbers. Read a part of a long file with \
         start_line and end_line (1-based, inclusive)."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": { "type": "string", "description": "The file, relative to the workspace root." },
                "start_line": { "type": "integer", "minimum": 1, "description": "The first line to read (1-based)." },
                "end_line": { "type": "integer", "minimum": 1, "description": "The last line to read (inclusive)." }
            },
            "required": ["path"],
            "additionalProperties": false
        })
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(run(input, cx))
    }
}

async fn run(input: Value, cx: &ToolContext<'_>) -> Result<String, ToolError> {
    let input: Input = parse_input(input)?;
    let path = cx.workspace.resolve(&input.path)?;
    let shown = shown(cx, &path);
    let text = current_text(cx, &path).await?.ok_or_else(|| ToolError::Failed(format!("{shown} does not exist")))?;

    let lines: Vec<&str> = text.lines().collect();
    let total = lines.len();
    if total == 0 {
        return Ok(format!("{shown} (empty)"));
    }
    let start = input.start_line.unwrap_or(1);
    let end = input.end_line.unwrap_or(total as u64).min(total as u64);
    if start == 0 {
        return Err(ToolError::InvalidInput("`start_line` counts from 1".into()));
    }
    if start > total as u64 {
        return Err(ToolError::Failed(format!("{shown} has {total} lines; start_line {start} is past the end")));
    }
    if end < start {
        return Err(ToolError::InvalidInput(format!("`end_line` ({end}) is before `start_line` ({start})")));
    }
    // Both are at most `total` now.
    let (start, end) = (start as usize, end as usize);

    let mut out = format!("{shown} (lines {start}-{end} of {total})\n");
    for (number, line) in (start..=end).zip(&lines[start - 1..end]) {
        out.push_str(&format!("{number:>5}\t{line}\n"));
    }
    out.pop();
    Ok(cap(out, cx.output_limit, "read a smaller range with start_line/end_line"))
}
