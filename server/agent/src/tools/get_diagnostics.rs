//! `get_diagnostics {path?}`: what the deterministic checks find in the
//! specs (dangling citations, uncovered criteria, criteria not in EARS form,
//! ...) and in the steering documents, as `path:line:col: severity code
//! message` lines. Code diagnostics (compilers, linters) are the editor's.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;
use specwright_spec::{analyze, discover_specs};
use specwright_steering::Steering;

use super::read_spec::load_spec;
use super::{cap, check_cancel, parse_input};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct GetDiagnostics;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default)]
    path: Option<String>,
}

/// The most diagnostics listed.
const MAX_DIAGNOSTICS: usize = 200;

const CODE_NOTE: &str = "Only spec and steering checks are listed here; diagnostics of source code \
                         (compilers, linters) come from the editor.";

impl Tool for GetDiagnostics {
    fn name(&self) -> &'static str {
        "get_diagnostics"
    }

    fn description(&self) -> &'static str {
        "Lists the problems the spec checks find (dangling requirement citations, uncovered \
         criteria, criteria not in EARS form, duplicate ids, missing documents, ...) and the \
         steering checks find, as `path:line:col: severity code message`. With a path inside a \
         spec folder, only that spec is checked."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": {
                    "type": "string",
                    "description": "A file or folder, relative to the workspace root: a spec's folder or document limits the check to that spec."
                }
            },
            "additionalProperties": false
        })
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(run(input, cx))
    }
}

/// Which files are checked.
enum Scope {
    /// Every spec and every steering document.
    All,
    /// The spec in this folder.
    Spec(PathBuf),
    /// The steering document with this workspace-relative path.
    Steering(String),
    /// Every spec (the path is a source file or some other file).
    Specs,
}

async fn run(input: Value, cx: &ToolContext<'_>) -> Result<String, ToolError> {
    let input: Input = parse_input(input)?;
    let root = cx.workspace.root().to_path_buf();
    let scope = match input.path.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => Scope::All,
        Some(path) => {
            let resolved = cx.workspace.resolve(path)?;
            let rel = cx.workspace.display(&resolved);
            let mut parts = rel.split('/');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(".kiro"), Some("specs"), Some(name)) if !name.is_empty() => {
                    Scope::Spec(root.join(".kiro").join("specs").join(name))
                }
                (Some(".kiro"), Some("steering"), _) => Scope::Steering(rel),
                _ if rel == "AGENTS.md" || rel.ends_with("/AGENTS.md") => Scope::Steering(rel),
                _ => Scope::Specs,
            }
        }
    };
    check_cancel(cx)?;

    let spec_dirs: Vec<PathBuf> = match &scope {
        Scope::All | Scope::Specs => {
            let root = root.clone();
            tokio::task::spawn_blocking(move || discover_specs(&root)).await.unwrap_or_default()
        }
        Scope::Spec(dir) => {
            let dir = dir.clone();
            if !tokio::task::spawn_blocking({
                let dir = dir.clone();
                move || dir.is_dir()
            })
            .await
            .unwrap_or(false)
            {
                let shown = cx.workspace.display(&dir);
                return Err(ToolError::Failed(format!("{shown} is not a spec folder")));
            }
            vec![dir]
        }
        Scope::Steering(_) => Vec::new(),
    };

    let mut lines = Vec::new();
    for dir in &spec_dirs {
        check_cancel(cx)?;
        let spec = load_spec(cx, dir.clone()).await?;
        let analysis = analyze(&spec);
        let folder = cx.workspace.display(dir);
        for d in &analysis.diagnostics {
            lines.push(format!(
                "{folder}/{}:{}:{}: {} {} {}",
                d.doc.file_name(),
                d.range.start.line + 1,
                d.range.start.character + 1,
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            ));
        }
    }

    let steering_files = match &scope {
        Scope::All | Scope::Steering(_) => {
            let root = root.clone();
            tokio::task::spawn_blocking(move || Steering::load(&root, None).files).await.unwrap_or_default()
        }
        Scope::Spec(_) | Scope::Specs => Vec::new(),
    };
    let mut steering_checked = 0;
    for file in &steering_files {
        if let Scope::Steering(rel) = &scope
            && file.rel != *rel
            && !file.rel.starts_with(&format!("{rel}/"))
        {
            continue;
        }
        steering_checked += 1;
        for d in &file.diagnostics {
            lines.push(format!(
                "{}:{}:{}: {} {} {}",
                file.rel,
                d.range.start.line + 1,
                d.range.start.character + 1,
                d.severity.as_str(),
                d.code,
                d.message
            ));
        }
    }

    let specs = match spec_dirs.len() {
        1 => "1 spec".to_string(),
        n => format!("{n} specs"),
    };
    let checked = match &scope {
        Scope::All => format!("{specs} and {steering_checked} steering document(s)"),
        Scope::Steering(_) => format!("{steering_checked} steering document(s)"),
        Scope::Spec(_) | Scope::Specs => specs,
    };
    let total = lines.len();
    let mut out = if total == 0 {
        format!("No problems found in {checked}.\n")
    } else {
        format!("{total} problem(s) in {checked}:\n")
    };
    for line in lines.iter().take(MAX_DIAGNOSTICS) {
        out.push_str(line);
        out.push('\n');
    }
    if total > MAX_DIAGNOSTICS {
        out.push_str(&format!("[{} more not shown; pass a spec folder as path]\n", total - MAX_DIAGNOSTICS));
    }
    out.push_str(CODE_NOTE);
    Ok(cap(out, cx.output_limit, "pass a spec folder as path to see fewer"))
}
