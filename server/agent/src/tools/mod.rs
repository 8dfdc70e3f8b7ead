//! The agent's tools, one file each. Names and JSON arguments are public
//! interface (tests, MCP and ACP rely on them).
//!
//! Every tool resolves its paths through [`crate::Workspace::resolve`]
//! before touching anything, shows paths relative to the workspace, changes
//! files only through [`crate::Host::apply`], and checks the cancellation
//! token before a side effect.

mod delete_file;
mod edit_file;
mod get_diagnostics;
mod list_dir;
mod read_file;
mod read_spec;
mod repo_map;
mod run_command;
mod search;
mod write_file;

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use delete_file::DeleteFile;
pub use edit_file::EditFile;
pub use get_diagnostics::GetDiagnostics;
pub use list_dir::ListDir;
pub use read_file::ReadFile;
pub use read_spec::ReadSpec;
pub use repo_map::RepoMap;
pub use run_command::{RunCommand, ShellEnding, ShellRun, shell};
pub use search::Search;
pub use write_file::WriteFile;

use crate::tool::{Tool, ToolContext, ToolError};

/// Every tool the agent offers the model. `allowed_commands` are the
/// command prefixes `run_command` may run without asking
/// (`specwright.agent.allowedCommands`).
pub fn all(allowed_commands: &[String]) -> Vec<Box<dyn Tool>> {
    vec![
        Box::new(ReadFile),
        Box::new(ListDir),
        Box::new(Search),
        Box::new(WriteFile),
        Box::new(EditFile),
        Box::new(DeleteFile),
        Box::new(RunCommand { allowed: allowed_commands.to_vec() }),
        Box::new(ReadSpec),
        Box::new(RepoMap),
        Box::new(GetDiagnostics),
    ]
}

/// Files larger than this are not read whole.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The input of a tool call, parsed as its input type.
fn parse_input<T: DeserializeOwned>(input: Value) -> Result<T, ToolError> {
    serde_json::from_value(input).map_err(|e| ToolError::InvalidInput(e.to_string()))
}

fn check_cancel(cx: &ToolContext<'_>) -> Result<(), ToolError> {
    if cx.cancel.is_cancelled() { Err(ToolError::Cancelled) } else { Ok(()) }
}

/// `path` as the model sees it: relative to the workspace, `.` for the root.
fn shown(cx: &ToolContext<'_>, path: &Path) -> String {
    let shown = cx.workspace.display(path);
    if shown.is_empty() { ".".into() } else { shown }
}

/// The text of `path`: the editor's buffer when the host has one, else the
/// disk; `None` when the file does not exist. A folder, a binary file or a
/// file that is not UTF-8 is an error.
async fn current_text(cx: &ToolContext<'_>, path: &Path) -> Result<Option<String>, ToolError> {
    if let Some(text) = cx.host.read_open(path).await {
        return Ok(Some(text));
    }
    let shown = shown(cx, path);
    let metadata = match tokio::fs::metadata(path).await {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ToolError::Failed(format!("cannot read {shown}: {e}"))),
    };
    if metadata.is_dir() {
        return Err(ToolError::Failed(format!("{shown} is a folder, not a file")));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ToolError::Failed(format!("{shown} is {} bytes, too large to read", metadata.len())));
    }
    let bytes = tokio::fs::read(path).await.map_err(|e| ToolError::Failed(format!("cannot read {shown}: {e}")))?;
    text_of(bytes)
        .map(Some)
        .ok_or_else(|| ToolError::Failed(format!("{shown} is not a text file (binary or not UTF-8)")))
}

/// `bytes` as text, or `None` when they look binary (a NUL byte) or are not UTF-8.
fn text_of(bytes: Vec<u8>) -> Option<String> {
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// `text` cut to at most `limit` characters (at a character boundary, and
/// back to the last full line when there is one), with a note saying so and
/// what to do instead (`hint`).
fn cap(text: String, limit: usize, hint: &str) -> String {
    let Some((cut, _)) = text.char_indices().nth(limit) else {
        return text;
    };
    let head = &text[..cut];
    let head = match head.rfind('\n') {
        Some(newline) if newline > 0 => &head[..newline],
        _ => head,
    };
    format!("{head}\n[output cut at {limit} characters; {hint}]")
}

/// The first `n` characters of `line`, with `…` when it was longer.
fn truncate_chars(line: &str, n: usize) -> String {
    match line.char_indices().nth(n) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_short_text_and_cuts_long_text_at_a_line() {
        assert_eq!(cap("abc".into(), 3, "hint"), "abc");
        assert_eq!(cap("ab\ncdef".into(), 5, "hint"), "ab\n[output cut at 5 characters; hint]");
        assert_eq!(cap("ééééé".into(), 2, "hint"), "éé\n[output cut at 2 characters; hint]");
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate_chars("ééé", 2), "éé…");
        assert_eq!(truncate_chars("ab", 2), "ab");
    }

    #[test]
    fn binary_and_non_utf8_are_not_text() {
        assert_eq!(text_of(b"a\0b".to_vec()), None);
        assert_eq!(text_of(vec![0xff, 0xfe]), None);
        assert_eq!(text_of(b"ok".to_vec()).as_deref(), Some("ok"));
    }
}
