//! `repo_map {focus?}`: the ranked repository map of the workspace: its
//! source files and their key signatures, ranked by the reference graph and
//! leaning toward the files in focus.

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_index::Index;
use specwright_index::map::{Focus, repo_map};
use specwright_models::BoxFuture;

use super::{cap, check_cancel, parse_input};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct RepoMap;

/// The map's token budget: the default of `specwright context map`
/// (`specwright_specgen::context::DEFAULT_MAP_TOKENS`), repeated here so
/// that the agent does not depend on the spec generator.
const BUDGET: usize = 1536;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default)]
    focus: Option<Vec<String>>,
}

impl Tool for RepoMap {
    fn name(&self) -> &'static str {
        "repo_map"
    }

    fn description(&self) -> &'static str {
        "Shows a map of the workspace's source code: the most important files and their key \
         signatures, ranked by how the code references itself. Pass the files you work on as \
         focus to lean the map toward them and what they use."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "focus": {
                    "type": "array",
                    "items": { "type": "string" },
                    "description": "Files in focus, relative to the workspace root."
                }
            },
            "additionalProperties": false
        })
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(run(input, cx))
    }
}

async fn run(input: Value, cx: &ToolContext<'_>) -> Result<String, ToolError> {
    let input: Input = parse_input(input)?;
    let mut files = Vec::new();
    for path in input.focus.unwrap_or_default() {
        let resolved = cx.workspace.resolve(&path)?;
        let rel = cx.workspace.display(&resolved);
        if !rel.is_empty() && !files.contains(&rel) {
            files.push(rel);
        }
    }
    check_cancel(cx)?;
    let root = cx.workspace.root().to_path_buf();
    let focus = Focus { files, ..Focus::default() };
    let (indexed, map) = tokio::task::spawn_blocking(move || {
        let index = Index::build(&root);
        let map = repo_map(&index, &focus, BUDGET);
        (index.files.len(), map)
    })
    .await
    .map_err(|e| ToolError::Failed(format!("building the repository map did not finish: {e}")))?;
    check_cancel(cx)?;
    if indexed == 0 || map.text.trim().is_empty() {
        return Ok("No source files to map (TypeScript, JavaScript, Rust, Python or Go).".into());
    }
    Ok(cap(map.text, cx.output_limit, "pass focus files to see the part of the map you need"))
}
