//! `delete_file {path}`: deletes one file (never a folder), through the host.

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;

use super::{check_cancel, current_text, parse_input, shown};
use crate::host::FileChange;
use crate::tool::{Tool, ToolContext, ToolError};

pub struct DeleteFile;

#[derive(Deserialize)]
struct Input {
    path: String,
}

impl Tool for DeleteFile {
    fn name(&self) -> &'static str {
        "delete_file"
    }

    fn description(&self) -> &'static str {
        "Deletes a text file of the workspace. Folders are not deleted."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": { "type": "string", "description": "The file, relative to the workspace root." }
            },
            "required": ["path"],
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
    if path.is_dir() {
        return Err(ToolError::Failed(format!("{shown} is a folder; delete_file deletes files only")));
    }
    let old = current_text(cx, &path).await?.ok_or_else(|| ToolError::Failed(format!("{shown} does not exist")))?;
    check_cancel(cx)?;
    cx.host.apply_reviewed(FileChange::Delete { path, old }).await.map_err(ToolError::Refused)?;
    Ok(format!("deleted {shown}"))
}
