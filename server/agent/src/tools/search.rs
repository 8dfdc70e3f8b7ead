//! `search {pattern, path?, glob?}`: the lines of the workspace's text files
//! that a regular expression matches, `.gitignore`-aware.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use regex::Regex;
use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::{BoxFuture, CancellationToken};

use super::{cap, check_cancel, parse_input, shown, text_of, truncate_chars};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct Search;

/// The search stops after this many matching lines.
const MAX_MATCHES: usize = 200;
/// Larger files are skipped.
const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Longer matching lines are shortened.
const MAX_LINE_CHARS: usize = 200;

#[derive(Deserialize)]
struct Input {
    pattern: String,
    path: Option<String>,
    glob: Option<String>,
}

impl Tool for Search {
    fn name(&self) -> &'static str {
        "search"
    }

    fn description(&self) -> &'static str {
        "Searches the workspace's text files for a regular expression (Rust regex syntax), line by \
         line; files the .gitignore files ignore are skipped. Answers `path:line: text` lines. \
         Narrow it with path (a folder or file) and glob (e.g. \"**/*.ts\")."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "pattern": { "type": "string", "description": "A regular expression, matched against each line." },
                "path": { "type": "string", "description": "The folder or file to search, relative to the workspace root (default: the whole workspace)." },
                "glob": { "type": "string", "description": "Only files whose path relative to the workspace root matches this glob, e.g. \"src/**/*.rs\" or \"*.md\"." }
            },
            "required": ["pattern"],
            "additionalProperties": false
        })
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(run(input, cx))
    }
}

struct Query {
    regex: Regex,
    glob: Option<GlobMatcher>,
    root: PathBuf,
    start: PathBuf,
    cancel: CancellationToken,
}

async fn run(input: Value, cx: &ToolContext<'_>) -> Result<String, ToolError> {
    let input: Input = parse_input(input)?;
    let regex = Regex::new(&input.pattern)
        .map_err(|e| ToolError::InvalidInput(format!("`pattern` is not a valid regular expression: {e}")))?;
    let glob = match &input.glob {
        Some(glob) => Some(
            Glob::new(glob)
                .map_err(|e| ToolError::InvalidInput(format!("`glob` is not a valid glob: {e}")))?
                .compile_matcher(),
        ),
        None => None,
    };
    let start = cx.workspace.resolve(input.path.as_deref().unwrap_or("."))?;
    if !start.exists() {
        return Err(ToolError::Failed(format!("{} does not exist", shown(cx, &start))));
    }
    check_cancel(cx)?;

    let query = Query { regex, glob, root: cx.workspace.root().to_path_buf(), start, cancel: cx.cancel.clone() };
    let found = tokio::task::spawn_blocking(move || search(&query))
        .await
        .map_err(|e| ToolError::Failed(format!("the search did not finish: {e}")))?;
    check_cancel(cx)?;

    if found.lines.is_empty() {
        return Ok(format!("no matches for `{}`", input.pattern));
    }
    let mut out = found.lines.join("\n");
    if found.stopped {
        out.push_str(&format!("\n[stopped after {MAX_MATCHES} matches; narrow the pattern, path or glob]"));
    } else {
        out.push_str(&format!("\n[{} matches in {} files]", found.lines.len(), found.files));
    }
    Ok(cap(out, cx.output_limit, "narrow the pattern, path or glob"))
}

struct Found {
    lines: Vec<String>,
    files: usize,
    stopped: bool,
}

fn search(query: &Query) -> Found {
    let mut found = Found { lines: Vec::new(), files: 0, stopped: false };
    let walk = ignore::WalkBuilder::new(&query.start)
        .hidden(false)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walk.filter_map(Result::ok) {
        if query.cancel.is_cancelled() {
            break;
        }
        // Links are not followed: their targets may leave the workspace.
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let rel = relative(&query.root, path);
        if let Some(glob) = &query.glob
            && !glob.is_match(&rel)
            && !path.strip_prefix(&query.start).is_ok_and(|p| glob.is_match(p))
        {
            continue;
        }
        if entry.metadata().map_or(true, |m| m.len() > MAX_FILE_BYTES) {
            continue;
        }
        let Some(text) = std::fs::read(path).ok().and_then(text_of) else {
            continue;
        };
        let before = found.lines.len();
        for (index, line) in text.lines().enumerate() {
            if !query.regex.is_match(line) {
                continue;
            }
            if found.lines.len() == MAX_MATCHES {
                found.stopped = true;
                break;
            }
            found.lines.push(format!("{rel}:{}: {}", index + 1, truncate_chars(line.trim(), MAX_LINE_CHARS)));
        }
        if found.lines.len() > before {
            found.files += 1;
        }
        if found.stopped {
            break;
        }
    }
    found
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}
