//! The protocol surface Specwright adds to LSP, declared once. Every custom
//! request, notification and command lives here; `schemas/protocol.json`
//! documents them and a test keeps the two in sync. Custom methods use the
//! `specwright/` prefix, never `textDocument/`.

use serde::{Deserialize, Serialize};

/// `specwright/specs`: every spec of the workspace with its documents,
/// figures and progress, for the clients' tree views.
pub const SPECS: &str = "specwright/specs";

/// `workspace/executeCommand` `specwright.task.setStatus` `{uri, taskId, status}`:
/// changes one task's marker through `workspace/applyEdit`.
pub const SET_TASK_STATUS: &str = "specwright.task.setStatus";

/// Every custom request or notification method.
pub const METHODS: &[&str] = &[SPECS];

/// Every command the server executes.
pub const COMMANDS: &[&str] = &[SET_TASK_STATUS];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpecsParams {
    /// Limit the answer to the workspace folder with this URI.
    #[serde(default)]
    pub root: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecsResult {
    pub specs: Vec<SpecInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecInfo {
    pub name: String,
    /// The spec folder.
    pub uri: String,
    /// The workspace folder it belongs to, when it belongs to one.
    pub root: Option<String>,
    pub kind: specwright_spec::SpecKind,
    pub documents: SpecDocuments,
    /// `requirements`, `criteria`, `tasks`, `subtasks`, `done`, `optional`,
    /// `references`, `dangling`, `uncovered`: the figures of `specwright check`.
    #[serde(flatten)]
    pub summary: specwright_spec::Summary,
    /// Tasks and sub-tasks, done or not.
    pub total: usize,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecDocuments {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bugfix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetTaskStatusParams {
    pub uri: String,
    pub task_id: String,
    /// `not-started`, `in-progress`, `queued` or `done` (also `notStarted`, `todo`, ...).
    pub status: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetTaskStatusResult {
    pub applied: bool,
}
