//! `write_file {path, content}`: creates a file or replaces its whole text,
//! through the host.

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;

use super::{check_cancel, current_text, parse_input, shown};
use crate::host::{Applied, FileChange};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct WriteFile;

#[derive(Deserialize)]
struct Input {
    path: String,
    content: String,
}

impl Tool for WriteFile {
    fn name(&self) -> &'static str {
        "write_file"
    }

    fn description(&self) -> &'static str {
        "Creates a text file, or replaces the whole text of one (folders are created as needed). \
         To change part of a file, use edit_file."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": { "type": "string", "description": "The file, relative to the workspace root." },
                "content": { "type": "string", "description": "The file's whole new text." }
            },
            "required": ["path", "content"],
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
    let path = cx.workspace.resolve(&input.path)?;
    let shown = shown(cx, &path);
    let old = current_text(cx, &path).await?;
    if old.as_deref() == Some(input.content.as_str()) {
        return Ok(format!("{shown} already has this text; nothing changed"));
    }
    let verb = if old.is_some() { "overwrote" } else { "created" };
    let lines = input.content.lines().count();
    check_cancel(cx)?;
    let applied = cx
        .host
        .apply_reviewed(FileChange::Write { path, old, new: input.content })
        .await
        .map_err(ToolError::Refused)?;
    match applied {
        Applied::All => Ok(format!("{verb} {shown} ({lines} lines)")),
        Applied::Partly(rejected) => Ok(format!("{verb} {shown} only in part: {rejected}; read the file to see it")),
    }
}
