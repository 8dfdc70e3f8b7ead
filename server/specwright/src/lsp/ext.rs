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

/// Notification (server → client) `specwright/stream` `{token, uri, document, delta}`:
/// the next piece of a document being generated, so a client can show it live.
pub const STREAM: &str = "specwright/stream";

/// `specwright.spec.create` `{prompt, name?, workflow?, type?, quick?, root?}`: a new spec.
pub const SPEC_CREATE: &str = "specwright.spec.create";
/// `specwright.spec.generateDesign` `{spec}`: design.md from the requirements.
pub const SPEC_GENERATE_DESIGN: &str = "specwright.spec.generateDesign";
/// `specwright.spec.generateTasks` `{spec}`: tasks.md from the spec (merged into an existing one).
pub const SPEC_GENERATE_TASKS: &str = "specwright.spec.generateTasks";
/// `specwright.spec.refine` `{spec, document, instruction}`: a document revised as asked.
pub const SPEC_REFINE: &str = "specwright.spec.refine";

/// `specwright.steering.generate` `{root?}`: `product.md`, `tech.md` and
/// `structure.md` in `.kiro/steering/`, from facts read off the code (and
/// prose from the model when one is configured). Existing files are never
/// overwritten: changes to them are proposed as edits that need confirmation.
pub const STEERING_GENERATE: &str = "specwright.steering.generate";

/// Notification (server → client) `specwright/hookResult` ([`HookResult`]):
/// how one run of an agent hook ended. Also logged with `window/logMessage`;
/// a failure also shows a message.
pub const HOOK_RESULT: &str = "specwright/hookResult";

/// `specwright/hooks` `{root?}` ([`HooksParams`] → [`HooksResult`]): every
/// valid hook of the workspace, for the clients' pickers and tree views.
pub const HOOKS: &str = "specwright/hooks";

/// `specwright.hook.run` `{name, root?, file?}` ([`HookRef`]): runs a hook
/// now, whatever its trigger, and answers its [`HookResult`].
pub const HOOK_RUN: &str = "specwright.hook.run";

/// `specwright.hook.toggle` `{name, root?}` ([`HookRef`]): flips the hook's
/// `enabled` in its file through `workspace/applyEdit` (only that value
/// changes; unknown keys stay); answers [`HookToggleResult`].
pub const HOOK_TOGGLE: &str = "specwright.hook.toggle";

/// `specwright.hooks.trust` `{root?}` ([`HooksTrustParams`]): trusts the
/// hook files of the workspace folder (every folder without `root`) as they
/// are now, recorded in the user's data folder; answers [`HooksTrustResult`].
pub const HOOKS_TRUST: &str = "specwright.hooks.trust";

/// `specwright.test.generateSkeleton` `{uri, symbol?}` ([`TestSkeletonParams`]):
/// creates or extends the neighbouring `*.test.ts` / `*.spec.ts` with one
/// failing case per exported symbol, through `workspace/applyEdit`.
pub const TEST_SKELETON: &str = "specwright.test.generateSkeleton";

/// The generation commands and the custom requests that do the same.
pub const GENERATION: &[(&str, &str)] = &[
    (SPEC_CREATE, "specwright/spec/create"),
    (SPEC_GENERATE_DESIGN, "specwright/spec/generateDesign"),
    (SPEC_GENERATE_TASKS, "specwright/spec/generateTasks"),
    (SPEC_REFINE, "specwright/spec/refine"),
];

/// `specwright/context/repoMap` `{budget?, focus?: [uri]}`: the ranked
/// repository map of the workspace, within a token budget.
pub const REPO_MAP: &str = "specwright/context/repoMap";

/// `specwright/chat/new` `{title?, spec?, autopilot?}` ([`ChatNewParams`] →
/// [`ChatNewResult`]): a new chat session with the agent, persisted in the
/// user's data folder.
pub const CHAT_NEW: &str = "specwright/chat/new";

/// `specwright/chat/send` `{session, text, context?}` ([`ChatSendParams`] →
/// [`ChatSendResult`]): one turn of the agent; answers when the turn ends.
/// The turn streams as `specwright/chat/event` notifications.
pub const CHAT_SEND: &str = "specwright/chat/send";

/// `specwright/chat/cancel` `{session}`: ends the session's running turn.
pub const CHAT_CANCEL: &str = "specwright/chat/cancel";

/// `specwright/chat/list` `{}` → `{sessions}`: the workspace's sessions, newest first.
pub const CHAT_LIST: &str = "specwright/chat/list";

/// `specwright/chat/history` `{session}` → `{session, messages}`.
pub const CHAT_HISTORY: &str = "specwright/chat/history";

/// `specwright.chat.openDocument` `{uri, range?}` ([`ChatOpenDocumentParams`] →
/// [`ChatOpenDocumentResult`]): a new chat session about the file (its selected lines quoted),
/// kept in `.kiro/chat/<session>.md` and shown; saving that document with text under its
/// last `## You` sends the text, and the answer is appended. The code action "Ask Specwright…"
/// runs it, so any LSP editor can chat.
pub const CHAT_OPEN_DOCUMENT: &str = "specwright.chat.openDocument";

/// `specwright.task.start` `{uri, taskId, testCommand?}` ([`TaskStartParams`] → [`TaskReport`]):
/// the agent implements the task (with its sub-tasks, cited criteria and the design); the
/// server runs the tests itself and ticks the task only on evidence.
pub const TASK_START: &str = "specwright.task.start";

/// `specwright.tasks.runAll` `{uri, includeOptional?, testCommand?}` ([`TasksRunAllParams`] →
/// [`TasksRunAllResult`]): every open task in dependency order, stopping at the first whose
/// evidence fails.
pub const TASKS_RUN_ALL: &str = "specwright.tasks.runAll";

/// `specwright.checkpoint.list` `{session?}` → [`CheckpointListResult`]: the agent turns that
/// changed files, newest first.
pub const CHECKPOINT_LIST: &str = "specwright.checkpoint.list";

/// `specwright.checkpoint.restore` `{id}` → [`CheckpointRestoreResult`]: puts the files of one
/// turn back as they were before it, through `workspace/applyEdit`.
pub const CHECKPOINT_RESTORE: &str = "specwright.checkpoint.restore";

/// `specwright/mcp/status` `{start?, resources?}` ([`McpStatusParams`] →
/// [`McpStatusResult`]): the MCP servers of every workspace folder
/// (`.kiro/settings/mcp.json` and the user's), their state and tools; with
/// `start`, each enabled one is started first (never a workspace's own
/// before the folder is trusted); with `resources`, the resources of the
/// running ones are listed.
pub const MCP_STATUS: &str = "specwright/mcp/status";

/// Notification (server → client) `specwright/chat/event` ([`ChatEvent`]).
pub const CHAT_EVENT: &str = "specwright/chat/event";
/// Request (server → client) `specwright/reviewEdits` ([`ReviewEditsParams`] →
/// [`ReviewEditsResult`]): the agent's proposed change of a file, hunk by
/// hunk, for a client that declared `experimental.specwright.reviewEdits`.
pub const REVIEW_EDITS: &str = "specwright/reviewEdits";

/// Every custom request or notification method.
pub const METHODS: &[&str] = &[
    SPECS,
    REPO_MAP,
    STREAM,
    HOOKS,
    HOOK_RESULT,
    "specwright/spec/create",
    "specwright/spec/generateDesign",
    "specwright/spec/generateTasks",
    "specwright/spec/refine",
    CHAT_NEW,
    CHAT_SEND,
    CHAT_CANCEL,
    CHAT_LIST,
    CHAT_HISTORY,
    CHAT_EVENT,
    REVIEW_EDITS,
    MCP_STATUS,
];

/// Every command the server executes.
pub const COMMANDS: &[&str] = &[
    SET_TASK_STATUS,
    SPEC_CREATE,
    SPEC_GENERATE_DESIGN,
    SPEC_GENERATE_TASKS,
    SPEC_REFINE,
    STEERING_GENERATE,
    HOOK_RUN,
    HOOK_TOGGLE,
    HOOKS_TRUST,
    TEST_SKELETON,
    CHAT_OPEN_DOCUMENT,
    TASK_START,
    TASKS_RUN_ALL,
    CHECKPOINT_LIST,
    CHECKPOINT_RESTORE,
];

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

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSpecParams {
    /// The feature (or bug) in the user's words.
    pub prompt: String,
    /// The spec folder's name; derived from the prompt (kebab-case) when absent.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub workflow: Option<specwright_specgen::workflow::Workflow>,
    #[serde(default, rename = "type")]
    pub spec_type: Option<specwright_specgen::workflow::SpecType>,
    /// Write all three documents without stopping.
    #[serde(default)]
    pub quick: bool,
    /// The workspace folder (URI) to create it in; default: the first.
    #[serde(default)]
    pub root: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecRef {
    /// The spec: its folder's URI, the URI of one of its documents, or its name.
    pub spec: String,
    /// Extra guidance for the model.
    #[serde(default)]
    pub prompt: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefineParams {
    pub spec: String,
    /// `requirements`, `bugfix`, `design` or `tasks`.
    pub document: String,
    pub instruction: String,
}

/// What a generation command did.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationResult {
    /// The spec's name.
    pub spec: String,
    /// The spec folder's URI.
    pub uri: String,
    /// The documents written, in order.
    pub documents: Vec<String>,
    /// What still does not hold together (also published as diagnostics).
    pub problems: Vec<String>,
    /// The model that wrote them; absent for templates written without a model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drafted_by: Option<String>,
    /// For an update of tasks.md: task numbers added and tasks dropped.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub added_tasks: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dropped_tasks: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamParams {
    /// The work-done progress token of the generation.
    pub token: String,
    /// The document being written.
    pub uri: String,
    /// Its kind: `requirements`, `bugfix`, `design` or `tasks`.
    pub document: String,
    /// Text to append to what was streamed before.
    pub delta: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoMapParams {
    /// The most tokens the map may take (default 1024).
    #[serde(default)]
    pub budget: Option<usize>,
    /// Files in focus (URIs): the map leans toward them and what they use.
    #[serde(default)]
    pub focus: Vec<String>,
    /// Identifiers in focus (named in a spec or a question).
    #[serde(default)]
    pub symbols: Vec<String>,
    /// The workspace folder (URI); default: the first.
    #[serde(default)]
    pub root: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoMapResult {
    /// The map: files in rank order, each followed by its key signatures.
    pub text: String,
    /// Its size by Specwright's token estimate (calibrated against cl100k).
    pub tokens: usize,
    pub files: usize,
    pub symbols: usize,
    /// Files in the index.
    pub indexed: usize,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SteeringGenerateParams {
    /// The workspace folder (URI); default: the first.
    #[serde(default)]
    pub root: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SteeringGenerateResult {
    /// Documents created (URIs).
    pub created: Vec<String>,
    /// Existing documents for which a change was proposed (URIs).
    pub proposed: Vec<String>,
    /// Existing documents left as they are, because nothing would change (URIs).
    pub unchanged: Vec<String>,
    /// The model that wrote the prose; absent when the documents hold the facts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drafted_by: Option<String>,
}

/// Names a hook for `specwright.hook.run` and `specwright.hook.toggle`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HookRef {
    /// The hook's `name`.
    pub name: String,
    /// The workspace folder (URI) whose `.kiro/hooks/` holds it; needed only
    /// when two folders have a hook of that name.
    #[serde(default)]
    pub root: Option<String>,
    /// For `run`: the file (URI) to run it on, as if that file's event fired it.
    #[serde(default)]
    pub file: Option<String>,
}

/// How one run of a hook ended (`specwright/hookResult`, and the answer of
/// `specwright.hook.run`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookResult {
    pub name: String,
    /// The trigger, as a legacy hook names it: `fileEdited`, `fileCreated`,
    /// `fileDeleted`, `userTriggered`, ...
    pub trigger: String,
    /// The triggering file, relative to its workspace folder.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub file: Option<String>,
    /// `runCommand`, `askAgent`, or `builtin` (a `specwright:` analyzer).
    pub action: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exit_code: Option<i32>,
    /// The command's output, the model's answer or the analyzer's report (at most 64 KiB).
    pub output: String,
    pub timed_out: bool,
    pub cancelled: bool,
    pub duration_ms: u64,
    /// The hook file (URI).
    pub hook_file: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookToggleResult {
    pub applied: bool,
    /// The value `enabled` was set to.
    pub enabled: bool,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HooksTrustParams {
    /// The workspace folder (URI); absent: every folder.
    #[serde(default)]
    pub root: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HooksTrustResult {
    /// The hook files now trusted (URIs).
    pub trusted: Vec<String>,
    /// Where the record is kept.
    pub record: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestSkeletonParams {
    /// The source file (URI): TypeScript or JavaScript.
    pub uri: String,
    /// The exported function or class to cover; absent: every export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestSkeletonResult {
    /// The test file (URI).
    pub uri: String,
    /// The test file was created (rather than extended).
    pub created: bool,
    /// The client applied the edit (false also when every symbol already had a test).
    pub applied: bool,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HooksParams {
    /// Limit the answer to the workspace folder with this URI.
    #[serde(default)]
    pub root: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HooksResult {
    pub hooks: Vec<HookInfo>,
}

/// One valid hook.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookInfo {
    pub name: String,
    /// The hook file (URI).
    pub uri: String,
    /// Where the hook's object starts in its file (0-based line).
    pub line: u32,
    /// The workspace folder (URI).
    pub root: String,
    pub enabled: bool,
    /// The trigger, as a legacy hook names it (`fileEdited`, `userTriggered`, ...).
    pub trigger: String,
    /// `runCommand` or `askAgent`.
    pub action: String,
    /// The command, or the prompt's first line.
    pub detail: String,
    /// The file patterns (globs or one regular expression), for file triggers.
    pub patterns: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatNewParams {
    #[serde(default)]
    pub title: Option<String>,
    /// The spec the conversation is about (its name).
    #[serde(default)]
    pub spec: Option<String>,
    /// Apply edits at once instead of asking before each; absent: the
    /// `specwright.agent.mode` setting.
    #[serde(default)]
    pub autopilot: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatNewResult {
    pub session: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatContext {
    /// `file`, `folder`, `spec`, `steering`, `codebase`, `problems`,
    /// `gitDiff` or `mcp` (a resource of an MCP server: `server` and the
    /// resource's `uri`).
    pub kind: String,
    #[serde(default)]
    pub uri: Option<String>,
    /// The MCP server of an `mcp` item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatOpenDocumentParams {
    /// The file the question is about.
    pub uri: String,
    /// The selection: its lines are quoted in the first question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<tower_lsp_server::ls_types::Range>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatOpenDocumentResult {
    pub session: String,
    /// The chat document.
    pub uri: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSendParams {
    pub session: String,
    pub text: String,
    #[serde(default)]
    pub context: Vec<ChatContext>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSendResult {
    /// The turn's number in the session, from 1.
    pub turn: u32,
    /// `endTurn`, `maxSteps`, `cancelled` or `error`.
    pub stop_reason: String,
    /// The model's last answer.
    pub text: String,
    /// The checkpoint that undoes the turn (`specwright.checkpoint.restore`), when it changed files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSessionRef {
    pub session: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSessionInfo {
    pub session: String,
    pub title: String,
    pub turns: u32,
    pub autopilot: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct McpStatusParams {
    /// Start every enabled server that is not running first.
    #[serde(default)]
    pub start: bool,
    /// List the resources of the running servers.
    #[serde(default)]
    pub resources: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct McpStatusResult {
    pub servers: Vec<McpServerStatus>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct McpServerStatus {
    /// The workspace folder it serves.
    pub folder: String,
    /// Its key in `mcpServers`.
    pub name: String,
    /// `workspace` (`.kiro/settings/mcp.json`) or `user` (`~/.kiro/settings/mcp.json`).
    pub scope: String,
    /// `stdio: <command> <args>` or `http: <url>` (never header values).
    pub transport: String,
    /// `stopped`, `starting`, `running`, `failed`, `disabled` or `not trusted`.
    pub state: String,
    /// Why it failed, or why it does not start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The tools it offers the agent (its own names, `disabledTools` left
    /// out; the agent sees them as `<name>__<tool>`), once it ran.
    pub tools: Vec<String>,
    /// Tools that run without asking (`autoApprove`; `*` for all).
    pub auto_approve: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// Its resources (with `resources`, when it runs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<McpResourceInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct McpResourceInfo {
    pub uri: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatListResult {
    pub sessions: Vec<ChatSessionInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatHistoryResult {
    pub session: String,
    /// The conversation as the model sees it (roles and content parts).
    pub messages: serde_json::Value,
}

/// One event of a running turn.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatEvent {
    pub session: String,
    pub turn: u32,
    /// `text`, `toolCall`, `toolResult`, `edit`, `notice`, `done` or `error`.
    pub kind: String,
    /// `text`: the new piece of the answer; `notice`: what the user should know (the session was
    /// summarised, a hook did not run); `done`: the stop reason; `error`: the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `toolCall`, `toolResult`: the tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `toolCall`: its arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<serde_json::Value>,
    /// `toolResult`: whether it succeeded, and what the model reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// `edit`: the file changed, and how (`write`, `change` or `delete`), once applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskStartParams {
    /// Any document of the spec (its tasks.md, usually) or the spec folder.
    pub uri: String,
    pub task_id: String,
    /// Overrides `specwright.tasks.testCommand` and the project's test command.
    #[serde(default)]
    pub test_command: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TasksRunAllParams {
    pub uri: String,
    /// Also run optional (`- [ ]*`) tasks.
    #[serde(default)]
    pub include_optional: bool,
    #[serde(default)]
    pub test_command: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TasksRunAllResult {
    /// Every task that ran, in order; the last one failed its evidence when `passed` is false.
    pub tasks: Vec<serde_json::Value>,
    pub passed: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckpointListParams {
    #[serde(default)]
    pub session: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointListResult {
    pub checkpoints: Vec<CheckpointInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointInfo {
    pub id: String,
    pub label: String,
    pub session: Option<String>,
    /// Seconds since the epoch.
    pub created: u64,
    /// The files the turn changed, workspace-relative.
    pub files: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckpointRestoreParams {
    pub id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointRestoreResult {
    /// The files put back.
    pub restored: Vec<String>,
}

/// What the agent proposes to change, for review (supervised mode).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewEditsParams {
    /// The chat session the change comes from (a chat turn or a task run), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// One line for the user: `Specwright's agent wants to change src/a.ts`.
    pub title: String,
    pub files: Vec<ReviewFile>,
}

/// One file's proposed change.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewFile {
    pub uri: String,
    /// `create`, `change` or `delete`.
    pub action: String,
    /// The text now (`null` for `create`).
    pub old_text: Option<String>,
    /// The proposed text (`null` for `delete`).
    pub new_text: Option<String>,
    /// The change as unified-diff hunks (3 lines of context), in order; a
    /// `change` is accepted hunk by hunk by their indices.
    pub hunks: Vec<ReviewHunk>,
}

/// One hunk: line numbers are 1-based, as in a unified diff.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewHunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    /// The hunk in unified-diff form: its `@@ … @@` header, then its lines
    /// prefixed with ` `, `-` or `+`.
    pub text: String,
}

/// The user's decisions; a file left out is rejected.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewEditsResult {
    #[serde(default)]
    pub files: Vec<ReviewDecision>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDecision {
    pub uri: String,
    pub accepted: Accepted,
}

/// `true` (the whole file), `false` (none of it) or the indices of the
/// accepted hunks (a `change` only).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Accepted {
    All(bool),
    Hunks(Vec<usize>),
}
