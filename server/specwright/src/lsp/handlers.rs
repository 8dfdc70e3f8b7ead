//! Request handlers. Each takes a snapshot of the spec a document belongs
//! to and the request's parameters, and computes the answer without
//! touching the world or awaiting anything.

use std::path::Path;

use specwright_spec::query::{self, Target};
use specwright_spec::{DocKind, ReqId, Spec, TaskStatus};
use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::ext;
use super::world::SpecSnapshot;

fn location(spec: &Spec, loc: query::Location) -> Option<lsp::Location> {
    Some(lsp::Location::new(convert::uri(&spec.path(loc.doc))?, convert::range(loc.range)))
}

pub fn hover(snap: &SpecSnapshot, doc: DocKind, pos: lsp::Position) -> Option<lsp::Hover> {
    let spec = &snap.spec;
    let target = query::target_at(spec, doc, convert::from_position(pos))?;
    let (ids, range) = match target {
        Target::Citation { doc, index } => {
            let c = query::citation(spec, doc, index)?;
            let ids = query::ids_of(spec, target);
            if ids.is_empty() {
                let value = match c.target {
                    specwright_spec::CitationTarget::FreeText => {
                        format!("`{}` is free text, not a requirement id", c.text)
                    }
                    _ => format!("`{}` does not exist in {}", c.text, spec.requirements_kind().file_name()),
                };
                return Some(markdown_hover(value, Some(c.range)));
            }
            (ids, Some(c.range))
        }
        Target::Criterion(_) | Target::Requirement(_) => (query::ids_of(spec, target), None),
        Target::Task(_) => return None,
    };
    const MAX: usize = 6;
    let mut parts: Vec<String> =
        ids.iter().take(MAX).filter_map(|&id| query::hover(spec, &snap.analysis, id)).collect();
    if ids.len() > MAX {
        parts.push(format!("… and {} more", ids.len() - MAX));
    }
    (!parts.is_empty()).then(|| markdown_hover(parts.join("\n---\n\n"), range))
}

fn markdown_hover(value: String, range: Option<specwright_spec::Range>) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }),
        range: range.map(convert::range),
    }
}

pub fn definition(snap: &SpecSnapshot, doc: DocKind, pos: lsp::Position) -> Option<lsp::GotoDefinitionResponse> {
    let spec = &snap.spec;
    let target = query::target_at(spec, doc, convert::from_position(pos))?;
    if !matches!(target, Target::Citation { .. }) {
        return None;
    }
    let locations: Vec<lsp::Location> = query::ids_of(spec, target)
        .into_iter()
        .filter_map(|id| query::definition(spec, id))
        .filter_map(|loc| location(spec, loc))
        .collect();
    match locations.len() {
        0 => None,
        1 => locations.into_iter().next().map(lsp::GotoDefinitionResponse::Scalar),
        _ => Some(lsp::GotoDefinitionResponse::Array(locations)),
    }
}

pub fn references(
    snap: &SpecSnapshot,
    doc: DocKind,
    pos: lsp::Position,
    include_declaration: bool,
) -> Vec<lsp::Location> {
    let spec = &snap.spec;
    let Some(target) = query::target_at(spec, doc, convert::from_position(pos)) else { return Vec::new() };
    let ids: Vec<ReqId> = query::ids_of(spec, target);
    let mut out: Vec<lsp::Location> = Vec::new();
    for id in ids {
        if include_declaration {
            out.extend(query::definition(spec, id).and_then(|l| location(spec, l)));
        }
        out.extend(query::references(spec, id).into_iter().filter_map(|l| location(spec, l)));
    }
    out.dedup_by(|a, b| a.uri == b.uri && a.range == b.range);
    out
}

pub fn completion(snap: &SpecSnapshot, doc: DocKind, pos: lsp::Position) -> Option<lsp::CompletionResponse> {
    let spec = &snap.spec;
    let text = &spec.document(doc)?.text;
    let line = text.lines().nth(pos.line as usize)?;
    if !matches!(doc, DocKind::Tasks | DocKind::Design) || !query::in_citation_list(line, pos.character) {
        return None;
    }
    let items = query::completion_ids(spec)
        .into_iter()
        .enumerate()
        .map(|(i, (id, text))| lsp::CompletionItem {
            label: id.to_string(),
            kind: Some(if id.criterion.is_some() {
                lsp::CompletionItemKind::FIELD
            } else {
                lsp::CompletionItemKind::INTERFACE
            }),
            detail: Some(text),
            sort_text: Some(format!("{i:06}")),
            ..lsp::CompletionItem::default()
        })
        .collect();
    Some(lsp::CompletionResponse::Array(items))
}

pub fn document_symbols(snap: &SpecSnapshot, doc: DocKind) -> lsp::DocumentSymbolResponse {
    lsp::DocumentSymbolResponse::Nested(query::outline(&snap.spec, doc).iter().map(convert::document_symbol).collect())
}

pub fn workspace_symbols<'a>(
    snaps: impl Iterator<Item = &'a SpecSnapshot>,
    query_text: &str,
) -> Vec<lsp::WorkspaceSymbol> {
    let needle = query_text.to_lowercase();
    let mut out = Vec::new();
    for snap in snaps {
        for (name, kind, loc) in query::symbols(&snap.spec) {
            if !needle.is_empty() && !fuzzy_match(&name.to_lowercase(), &needle) {
                continue;
            }
            let Some(loc) = location(&snap.spec, loc) else { continue };
            out.push(lsp::WorkspaceSymbol {
                name,
                kind: convert::symbol_kind(kind),
                tags: None,
                container_name: Some(snap.spec.name.clone()),
                location: lsp::OneOf::Left(loc),
                data: None,
            });
            if out.len() >= 1000 {
                return out;
            }
        }
    }
    out
}

/// Every character of `needle` appears in `haystack`, in order.
fn fuzzy_match(haystack: &str, needle: &str) -> bool {
    let mut chars = haystack.chars();
    needle.chars().filter(|c| !c.is_whitespace()).all(|n| chars.any(|h| h == n))
}

pub fn code_lenses(snap: &SpecSnapshot, doc: DocKind, uri: &lsp::Uri) -> Vec<lsp::CodeLens> {
    let spec = &snap.spec;
    let mut out = Vec::new();
    match doc {
        DocKind::Requirements | DocKind::Bugfix => {
            let Some(reqs) = &spec.requirements else { return out };
            for req in &reqs.model.requirements {
                let relevant: Vec<_> = req.criteria.iter().filter(|c| c.role.is_requirement()).collect();
                if relevant.is_empty() {
                    continue;
                }
                let tasks = snap.analysis.tasks_covering_requirement(spec, req.number);
                let uncovered = relevant.iter().filter(|c| !snap.analysis.coverage.contains_key(&c.id())).count();
                let title = match (tasks.len(), uncovered) {
                    (0, _) => "not covered by any task".to_string(),
                    (n, 0) => format!("covered by {n} task{}", plural(n)),
                    (n, u) => format!(
                        "covered by {n} task{} · {u} criterion{} uncovered",
                        plural(n),
                        if u == 1 { "" } else { "s" }
                    ),
                };
                out.push(lens(req.heading_range, title, None));
            }
        }
        DocKind::Tasks => {
            let Some(tasks) = &spec.tasks else { return out };
            let open = tasks.model.tasks.iter().filter(|t| t.status != TaskStatus::Done).count();
            if open > 0 {
                // At the top: every open task, in dependency order.
                let run_all = lsp::Command {
                    title: "▶ Run all tasks".into(),
                    command: ext::TASKS_RUN_ALL.into(),
                    arguments: Some(vec![serde_json::json!({"uri": uri.as_str()})]),
                };
                out.push(lsp::CodeLens { range: lsp::Range::default(), command: Some(run_all), data: None });
            }
            for task in &tasks.model.tasks {
                if task.status != TaskStatus::Done {
                    // The agent implements it; the evidence gate ticks it.
                    let start = lsp::Command {
                        title: "▶ Start task".into(),
                        command: ext::TASK_START.into(),
                        arguments: Some(vec![serde_json::json!({"uri": uri.as_str(), "taskId": task.id()})]),
                    };
                    out.push(lens(task.line_range, start.title.clone(), Some(start)));
                }
                let next = match task.status {
                    TaskStatus::NotStarted | TaskStatus::Queued => TaskStatus::InProgress,
                    TaskStatus::InProgress => TaskStatus::Done,
                    TaskStatus::Done => TaskStatus::NotStarted,
                };
                let action = match next {
                    TaskStatus::InProgress => "mark in progress",
                    TaskStatus::Done => "mark done",
                    _ => "reopen",
                };
                let title = format!("{} · {action}", status_title(task.status));
                out.push(lens(task.line_range, title, Some(set_status_command(uri, &task.id(), next, action))));
            }
        }
        _ => {}
    }
    // The next step of the workflow, at the top of the document.
    out.extend(next_steps(snap, doc).into_iter().map(|command| lsp::CodeLens {
        range: lsp::Range::default(),
        command: Some(command),
        data: None,
    }));
    out
}

/// What to do next from this document: design from requirements, tasks
/// from the spec, or an update of existing tasks.
pub fn next_steps(snap: &SpecSnapshot, doc: DocKind) -> Vec<lsp::Command> {
    let spec = &snap.spec;
    let Some(spec_uri) = convert::uri(&spec.dir).map(|u| u.as_str().to_string()) else { return Vec::new() };
    let has_requirements = spec.requirements.is_some();
    let has_tasks = spec.tasks.as_ref().is_some_and(|t| !t.model.tasks.is_empty());
    let command = |title: &str, command: &str| lsp::Command {
        title: title.to_string(),
        command: command.to_string(),
        arguments: Some(vec![serde_json::json!({ "spec": spec_uri })]),
    };
    let tasks_step = if has_tasks {
        command("Update tasks from requirements", ext::SPEC_GENERATE_TASKS)
    } else {
        command("Generate tasks from spec", ext::SPEC_GENERATE_TASKS)
    };
    match doc {
        DocKind::Requirements | DocKind::Bugfix if has_requirements => {
            let mut steps = vec![command("Generate design from requirements", ext::SPEC_GENERATE_DESIGN)];
            if has_tasks {
                steps.push(tasks_step);
            }
            steps
        }
        DocKind::Design | DocKind::Tasks if has_requirements || spec.design.is_some() => vec![tasks_step],
        _ => Vec::new(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn status_title(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::NotStarted => "☐ not started",
        TaskStatus::InProgress => "◐ in progress",
        TaskStatus::Queued => "◌ queued",
        TaskStatus::Done => "☑ done",
    }
}

fn lens(range: specwright_spec::Range, title: String, command: Option<lsp::Command>) -> lsp::CodeLens {
    let command = command.unwrap_or(lsp::Command { title: title.clone(), command: String::new(), arguments: None });
    lsp::CodeLens { range: convert::range(range), command: Some(lsp::Command { title, ..command }), data: None }
}

fn set_status_command(uri: &lsp::Uri, task_id: &str, status: TaskStatus, title: &str) -> lsp::Command {
    let args = ext::SetTaskStatusParams {
        uri: uri.as_str().to_string(),
        task_id: task_id.to_string(),
        status: serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
    };
    lsp::Command {
        title: title.to_string(),
        command: ext::SET_TASK_STATUS.to_string(),
        arguments: Some(vec![serde_json::to_value(args).unwrap_or_default()]),
    }
}

/// The code action kinds of the agent's task runs.
pub const START_TASK_KIND: &str = "source.specwright.startTask";
pub const RUN_ALL_KIND: &str = "source.specwright.runAllTasks";

/// The code actions of a spec document: the workflow's next step, steering
/// generation when `root` (the workspace folder) has no steering yet, and
/// task status changes on a task line.
pub fn code_actions(
    snap: &SpecSnapshot,
    doc: DocKind,
    uri: &lsp::Uri,
    range: lsp::Range,
    root: Option<&Path>,
) -> Vec<lsp::CodeActionOrCommand> {
    // The next step of the workflow, from anywhere in the document.
    let mut out: Vec<lsp::CodeActionOrCommand> = next_steps(snap, doc)
        .into_iter()
        .map(|command| {
            lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: command.title.clone(),
                command: Some(command),
                ..lsp::CodeAction::default()
            })
        })
        .collect();
    out.extend(steering_code_actions(root));
    if doc != DocKind::Tasks {
        return out;
    }
    let Some(tasks) = &snap.spec.tasks else { return out };
    let action = |title: String, kind: &'static str, command: &str, argument: serde_json::Value| {
        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: title.clone(),
            kind: Some(lsp::CodeActionKind::new(kind)),
            command: Some(lsp::Command { title, command: command.into(), arguments: Some(vec![argument]) }),
            ..lsp::CodeAction::default()
        })
    };
    // The agent's task runs, as actions too: editors without code lenses (Helix) have these.
    let task = tasks.model.task_at_line(range.start.line).map(|i| &tasks.model.tasks[i]);
    if let Some(task) = task.filter(|t| t.status != TaskStatus::Done) {
        let title = format!("Start task {} with the agent", task.id());
        out.push(action(
            title,
            START_TASK_KIND,
            ext::TASK_START,
            serde_json::json!({"uri": uri.as_str(), "taskId": task.id()}),
        ));
    }
    if tasks.model.tasks.iter().any(|t| t.status != TaskStatus::Done) {
        out.push(action(
            "Run all open tasks".into(),
            RUN_ALL_KIND,
            ext::TASKS_RUN_ALL,
            serde_json::json!({"uri": uri.as_str()}),
        ));
    }
    let Some(task) = task else { return out };
    for status in [TaskStatus::NotStarted, TaskStatus::InProgress, TaskStatus::Done] {
        if status == task.status {
            continue;
        }
        let title = format!("Mark task {} {}", task.id(), status.label());
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: title.clone(),
            kind: Some(lsp::CodeActionKind::new("refactor.rewrite.taskStatus")),
            command: Some(set_status_command(uri, &task.id(), status, &title)),
            ..lsp::CodeAction::default()
        }));
    }
    out
}

/// Whether the workspace folder `root` has no steering of its own yet: its
/// `.kiro/steering/` is missing or holds no `.md` file (checked on disk, a
/// few folders deep).
pub fn steering_missing(root: &Path) -> bool {
    fn has_md(dir: &Path, depth: usize) -> bool {
        let Ok(entries) = std::fs::read_dir(dir) else { return false };
        entries.filter_map(Result::ok).any(|e| {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => depth < 4 && has_md(&path, depth + 1),
                Ok(_) => path.extension().is_some_and(|x| x == "md") && path.is_file(),
                Err(_) => false,
            }
        })
    }
    !has_md(&root.join(".kiro").join("steering"), 0)
}

/// "Generate steering documents" for the workspace folder `root`, when it
/// has no steering yet (for spec documents, steering documents and
/// `AGENTS.md`).
pub fn steering_code_actions(root: Option<&Path>) -> Vec<lsp::CodeActionOrCommand> {
    let Some(root) = root.filter(|r| steering_missing(r)) else { return Vec::new() };
    let Some(root_uri) = convert::uri(root) else { return Vec::new() };
    let title = "Generate steering documents".to_string();
    vec![lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: title.clone(),
        command: Some(lsp::Command {
            title,
            command: ext::STEERING_GENERATE.into(),
            arguments: Some(vec![serde_json::json!({ "root": root_uri.as_str() })]),
        }),
        ..lsp::CodeAction::default()
    })]
}

/// The edit `specwright.task.setStatus` applies: the marker only.
pub fn status_edit(spec: &Spec, task_id: &str, status: &str) -> Result<lsp::TextEdit, String> {
    let status = TaskStatus::parse(status)
        .ok_or_else(|| format!("unknown status '{status}': use not-started, in-progress, queued or done"))?;
    let (range, text) = query::status_edit(spec, task_id, status)
        .ok_or_else(|| format!("no task '{task_id}' in tasks.md of spec '{}'", spec.name))?;
    Ok(lsp::TextEdit { range: convert::range(range), new_text: text })
}

pub fn spec_info(snap: &SpecSnapshot, root: Option<&std::path::Path>) -> Option<ext::SpecInfo> {
    let spec = &snap.spec;
    let s = &snap.analysis.summary;
    let doc_uri = |kind: DocKind| {
        spec.document(kind).and_then(|_| convert::uri(&spec.path(kind))).map(|u| u.as_str().to_string())
    };
    let count = |sev: specwright_spec::Severity| snap.analysis.diagnostics.iter().filter(|d| d.severity == sev).count();
    Some(ext::SpecInfo {
        name: spec.name.clone(),
        uri: convert::uri(&spec.dir)?.as_str().to_string(),
        root: root.and_then(convert::uri).map(|u| u.as_str().to_string()),
        kind: spec.kind(),
        documents: ext::SpecDocuments {
            requirements: doc_uri(DocKind::Requirements),
            bugfix: doc_uri(DocKind::Bugfix),
            design: doc_uri(DocKind::Design),
            tasks: doc_uri(DocKind::Tasks),
            config: doc_uri(DocKind::Config),
        },
        summary: s.clone(),
        total: s.tasks + s.subtasks,
        errors: count(specwright_spec::Severity::Error),
        warnings: count(specwright_spec::Severity::Warning),
    })
}
