//! `list_dir {path}`: the entries of a folder, `.gitignore`-aware.

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;

use super::{cap, check_cancel, parse_input, shown};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct ListDir;

/// The most entries listed.
const MAX_ENTRIES: usize = 1000;

#[derive(Deserialize)]
struct Input {
    #[serde(default = "root")]
    path: String,
}

fn root() -> String {
    ".".into()
}

impl Tool for ListDir {
    fn name(&self) -> &'static str {
        "list_dir"
    }

    fn description(&self) -> &'static str {
        "Lists a folder of the workspace (\".\" for the root): its entries sorted by name, folders \
         with a trailing \"/\". Entries the .gitignore files ignore are left out."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": { "type": "string", "description": "The folder, relative to the workspace root (\".\" for the root)." }
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
    let dir = cx.workspace.resolve(&input.path)?;
    let shown = shown(cx, &dir);
    match tokio::fs::metadata(&dir).await {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => return Err(ToolError::Failed(format!("{shown} is a file; use read_file"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ToolError::Failed(format!("{shown} does not exist")));
        }
        Err(e) => return Err(ToolError::Failed(format!("cannot list {shown}: {e}"))),
    }
    check_cancel(cx)?;

    let walk_dir = dir.clone();
    let mut entries = tokio::task::spawn_blocking(move || list(&walk_dir))
        .await
        .map_err(|e| ToolError::Failed(format!("listing {shown} did not finish: {e}")))?;
    entries.sort();

    let total = entries.len();
    let title = if shown == "." { "./".to_string() } else { format!("{shown}/") };
    if total == 0 {
        return Ok(format!("{title} (empty)"));
    }
    let mut out = format!("{title} ({total} entries)\n");
    for entry in entries.iter().take(MAX_ENTRIES) {
        out.push_str(entry);
        out.push('\n');
    }
    if total > MAX_ENTRIES {
        out.push_str(&format!("[{} more entries not shown; list a subfolder or use search]\n", total - MAX_ENTRIES));
    }
    out.pop();
    Ok(cap(out, cx.output_limit, "list a subfolder or use search"))
}

/// The names of `dir`'s entries that no ignore file hides, folders with a
/// trailing `/`; `.git` is never listed.
fn list(dir: &std::path::Path) -> Vec<String> {
    ignore::WalkBuilder::new(dir)
        .max_depth(Some(1))
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.depth() == 1)
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() { format!("{name}/") } else { name }
        })
        .collect()
}
