//! `read_spec {spec}`: a spec of `.kiro/specs/` in brief: its requirements
//! and criteria with their ids, its design document, its tasks with their
//! ids, status markers and cited requirement ids.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;
use specwright_spec::{DocKind, Spec, discover_specs};

use super::{cap, check_cancel, parse_input};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct ReadSpec;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    spec: String,
}

/// The most characters of the design document shown.
const DESIGN_CHARS: usize = 8_000;
/// The most characters of a raw document shown when its model is empty.
const RAW_CHARS: usize = 6_000;

impl Tool for ReadSpec {
    fn name(&self) -> &'static str {
        "read_spec"
    }

    fn description(&self) -> &'static str {
        "Reads a spec of .kiro/specs/ in brief: requirements with their ids and acceptance criteria \
         (1.1, 1.2, ...), the design document, and the tasks with their ids, status markers and the \
         requirement ids they cite."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "spec": { "type": "string", "description": "The spec's folder name under .kiro/specs/ (e.g. `auth-api`)." }
            },
            "required": ["spec"],
            "additionalProperties": false
        })
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(run(input, cx))
    }
}

/// Whether `name` is a plain folder name: letters, digits, `-` and `_`.
pub(super) fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// The names of the specs under `root/.kiro/specs/`.
pub(super) fn spec_names(root: &Path) -> Vec<String> {
    discover_specs(root).iter().filter_map(|d| d.file_name()).map(|n| n.to_string_lossy().into_owned()).collect()
}

/// The specs that exist, as a sentence for an error message.
pub(super) fn known_specs(root: &Path) -> String {
    let names = spec_names(root);
    if names.is_empty() {
        "there are no specs under .kiro/specs/".into()
    } else {
        format!("the specs are: {}", names.join(", "))
    }
}

/// Loads the spec at `dir` off the disk, then lays the editor's unsaved
/// texts over it.
pub(super) async fn load_spec(cx: &ToolContext<'_>, dir: PathBuf) -> Result<Spec, ToolError> {
    let mut spec = tokio::task::spawn_blocking(move || Spec::load(&dir))
        .await
        .map_err(|e| ToolError::Failed(format!("loading the spec did not finish: {e}")))?;
    for kind in DocKind::ALL {
        if let Some(text) = cx.host.open_text(&spec.path(kind)) {
            spec.set_document(kind, Some(text));
        }
    }
    Ok(spec)
}

async fn run(input: Value, cx: &ToolContext<'_>) -> Result<String, ToolError> {
    let input: Input = parse_input(input)?;
    let name = input.spec.trim();
    if !is_plain_name(name) {
        return Err(ToolError::InvalidInput(format!(
            "`spec` must be a spec folder name (letters, digits, `-`, `_`), not `{}`",
            input.spec
        )));
    }
    let dir = cx.workspace.resolve(&format!(".kiro/specs/{name}"))?;
    let root = cx.workspace.root().to_path_buf();
    let exists = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || dir.is_dir()).await.unwrap_or(false)
    };
    if !exists {
        let known = tokio::task::spawn_blocking(move || known_specs(&root)).await.unwrap_or_default();
        return Err(ToolError::Failed(format!("there is no spec `{name}`; {known}")));
    }
    check_cancel(cx)?;
    let spec = load_spec(cx, dir).await?;
    if spec.documents().next().is_none() {
        return Err(ToolError::Failed(format!(
            "the spec `{name}` has no requirements.md, bugfix.md, design.md or tasks.md"
        )));
    }
    Ok(cap(render(&spec), cx.output_limit, "read the documents themselves with read_file"))
}

/// The spec as compact text.
fn render(spec: &Spec) -> String {
    let folder = format!(".kiro/specs/{}", spec.name);
    let kind = match spec.kind() {
        specwright_spec::SpecKind::Feature => "feature",
        specwright_spec::SpecKind::Bugfix => "bugfix",
    };
    let mut out = format!("Spec `{}` ({kind}, {folder}/)\n", spec.name);

    let req_file = spec.requirements_kind().file_name();
    match &spec.requirements {
        None => {
            let _ = writeln!(out, "\n## {req_file}: missing");
        }
        Some(parsed) => {
            let _ = writeln!(out, "\n## {req_file}");
            let model = &parsed.model;
            if let Some(title) = &model.title {
                let _ = writeln!(out, "{title}");
            }
            if model.requirements.is_empty() {
                let _ = writeln!(out, "(no numbered requirements found; the text follows)");
                out.push_str(&raw(&parsed.doc.text, RAW_CHARS));
            }
            for req in &model.requirements {
                let title = req.title.as_deref().unwrap_or("(untitled)");
                let _ = writeln!(out, "\nRequirement {}: {title}", req.number);
                if let Some(story) = &req.user_story {
                    let _ = writeln!(out, "User story: {story}");
                }
                for criterion in &req.criteria {
                    let _ = writeln!(out, "  {} {}", criterion.id(), criterion.text);
                }
            }
        }
    }

    match &spec.design {
        None => {
            let _ = writeln!(out, "\n## design.md: missing");
        }
        Some(parsed) => {
            let _ = writeln!(out, "\n## design.md");
            out.push_str(&raw(&parsed.doc.text, DESIGN_CHARS));
        }
    }

    match &spec.tasks {
        None => {
            let _ = writeln!(out, "\n## tasks.md: missing");
        }
        Some(parsed) => {
            let _ = writeln!(out, "\n## tasks.md");
            let model = &parsed.model;
            if model.tasks.is_empty() {
                let _ = writeln!(out, "(no tasks found; the text follows)");
                out.push_str(&raw(&parsed.doc.text, RAW_CHARS));
            }
            for (i, task) in model.tasks.iter().enumerate() {
                let depth = depth(&model.tasks, i);
                let indent = "  ".repeat(depth);
                let optional = if task.optional { "*" } else { "" };
                let id = task.id();
                let _ = write!(out, "{indent}- [{}]{optional} {id} {}", task.status.marker(), task.title);
                let cited: Vec<&str> =
                    model.citations.iter().filter(|c| c.owner == Some(i)).map(|c| c.text.as_str()).collect();
                if !cited.is_empty() {
                    let _ = write!(out, " (Requirements: {})", cited.join(", "));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// How deep task `i` is nested (0 for a top-level task).
fn depth(tasks: &[specwright_spec::tasks::Task], i: usize) -> usize {
    let mut depth = 0;
    let mut current = tasks[i].parent;
    while let Some(parent) = current {
        depth += 1;
        if depth > tasks.len() {
            break;
        }
        current = tasks.get(parent).and_then(|t| t.parent);
    }
    depth
}

/// `text` trimmed, at most `limit` characters, ending in a newline.
fn raw(text: &str, limit: usize) -> String {
    let text = text.trim();
    let mut out = match text.char_indices().nth(limit) {
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head.rfind('\n').map_or(head, |n| &head[..n]);
            format!("{head}\n[cut at {limit} characters; read the whole document with read_file]")
        }
        None => text.to_string(),
    };
    out.push('\n');
    out
}
