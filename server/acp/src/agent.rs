//! Specwright's agent as an ACP agent, in our own types: sessions (new,
//! loaded and listed from the persisted chat sessions), prompt turns run by
//! the shared runtime (`specwright_runtime::chat`), cancellation, the
//! supervised/autopilot mode, slash commands, and the plan of the spec in
//! focus mapped from its `tasks.md`. Everything the client must do (show
//! an update, answer a permission question, write a file into its buffers)
//! goes through [`Peer`]; `sdk.rs` implements it over the protocol.
//!
//! Invariants:
//! - A session's folder is the absolute, existing `cwd` the client named;
//!   the agent's tools stay inside it (the agent crate's confinement).
//! - In supervised mode every edit and every command off the allow-list is
//!   asked through [`Peer::permission`]; no answer (or a cancelled one) is
//!   a refusal. "Always" answers hold for the session only.
//! - Text from files or from the model never grants a permission: only the
//!   client's answers and the user's settings do.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use specwright_agent::host::apply_on_disk;
use specwright_agent::session::{Session, SessionStore};
use specwright_agent::tools::ShellRun;
use specwright_agent::{AgentEvent, FileChange, Host, StopReason, Tool, ToolContext, ToolSource, Workspace};
use specwright_mcp::client::McpClients;
use specwright_mcp::config::{AutoApprove, McpConfig, McpServerConfig, Scope, Transport};
use specwright_models::{BoxFuture, CancellationToken, Model, Role};
use specwright_runtime::chat::{self as runtime_chat, AgentSettings, ChatTurn, TurnEvent};
use specwright_runtime::tasks::checkpoint::CheckpointStore;
use specwright_runtime::tasks::disk::DiskTasks;
use specwright_runtime::tasks::order;
use specwright_runtime::tasks::run::{TaskReport, TaskRun, run_task};
use specwright_spec::{DocKind, Spec, TaskStatus};
use specwright_specgen::workflow::{self, SpecTexts, SpecType, Workflow};
use specwright_specgen::{DocTarget, Update as GenUpdate};

/// What the agent is started with.
#[derive(Clone)]
pub struct AgentConfig {
    /// The model turns run with; `None` answers each prompt with how to
    /// configure one (slash commands still work).
    pub model: Option<Arc<dyn Model>>,
    /// How the model is shown (`anthropic: claude-…`).
    pub model_label: String,
    /// Where chat sessions are kept (`None`: sessions live as long as the
    /// process).
    pub data_dir: Option<PathBuf>,
    pub settings: AgentSettings,
    /// Whether the user trusts a folder (its test commands may then run
    /// without asking, as in the editor).
    pub trusted: Arc<dyn Fn(&Path) -> bool + Send + Sync>,
    /// The text `/check` shows for a folder (the protocol crate's report).
    pub check: Option<CheckText>,
    /// The tools beside the agent's own for a folder, given whether it is
    /// trusted: its MCP servers (`.kiro/settings/mcp.json`; a workspace's own
    /// start only in a trusted folder). Made once per session and trust.
    pub tools: Option<ToolsFor>,
}

/// The text of `specwright check` for a folder.
pub type CheckText = Arc<dyn Fn(&Path) -> String + Send + Sync>;

/// A folder's extra tools, made for a trust.
type MadeTools = Option<(bool, Option<Arc<dyn ToolSource>>)>;

/// Makes a folder's extra tools: `(root, trusted)`.
pub type ToolsFor = Arc<dyn Fn(&Path, bool) -> Option<Arc<dyn ToolSource>> + Send + Sync>;

/// What the client said it can do in `initialize`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientCaps {
    pub read_text_file: bool,
    pub write_text_file: bool,
    pub terminal: bool,
}

/// What a tool call does, for the client's icons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    Read,
    Edit,
    Delete,
    Search,
    Execute,
    Fetch,
    Other,
}

/// A file change, as the client shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub path: PathBuf,
    pub old: Option<String>,
    pub new: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStatus {
    Pending,
    InProgress,
    Completed,
}

/// One task of the spec in focus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub content: String,
    pub status: PlanStatus,
    /// An optional task (`- [ ]*`): low priority.
    pub optional: bool,
    pub subtask: bool,
}

/// A slash command the client may offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: &'static str,
    pub description: &'static str,
    /// What to type after it, when it takes input.
    pub hint: Option<&'static str>,
}

/// Something the client shows while a session runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// A piece of the agent's answer.
    AgentText(String),
    /// A piece of the user's message (when a session is loaded).
    UserText(String),
    ToolCall {
        id: String,
        title: String,
        kind: ToolKind,
        input: Value,
        locations: Vec<PathBuf>,
    },
    /// A file change the tool call made (or proposes, before permission).
    ToolDiff {
        id: String,
        diff: Diff,
    },
    ToolDone {
        id: String,
        ok: bool,
        output: String,
    },
    Plan(Vec<PlanItem>),
    Commands(Vec<Command>),
}

/// The user's answer to a permission question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    AllowOnce,
    AllowAlways,
    RejectOnce,
    RejectAlways,
    /// The turn was cancelled (or the client could not ask).
    Cancelled,
}

impl Permission {
    fn allows(self) -> bool {
        matches!(self, Permission::AllowOnce | Permission::AllowAlways)
    }
}

/// A permission question about one tool call.
#[derive(Debug, Clone, PartialEq)]
pub struct PermissionAsk {
    pub tool_call_id: String,
    pub title: String,
    pub kind: ToolKind,
}

/// Why a prompt turn ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    EndTurn,
    Cancelled,
    /// The step limit (`specwright.agent.maxSteps`).
    MaxTurnRequests,
}

/// The client, as the agent needs it.
pub trait Peer: Send + Sync {
    fn update(&self, update: Update);
    fn permission(&self, ask: PermissionAsk) -> BoxFuture<'_, Permission>;
    /// Writes `text` to `path` through the client (its buffer, when open).
    fn write_text_file<'a>(&'a self, path: &'a Path, text: &'a str) -> BoxFuture<'a, Result<(), String>>;
    /// The text of `path` as the client has it (its buffer, unsaved changes included).
    fn read_text_file<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, Result<String, String>>;
    /// Runs `command` (`sh -c`) in the client's terminal in `cwd`, shown on
    /// tool call `tool_call_id`, stopped after `timeout`.
    fn run_terminal<'a>(&'a self, run: TerminalRun<'a>) -> BoxFuture<'a, Result<ShellRun, String>>;
}

/// A command for the client's terminal.
pub struct TerminalRun<'a> {
    pub tool_call_id: String,
    pub command: &'a str,
    pub cwd: &'a Path,
    pub timeout: Duration,
    /// The most bytes of output kept.
    pub output_limit: usize,
    /// The turn's cancellation: the command is killed.
    pub cancel: CancellationToken,
}

/// An MCP server the client hands a session (`mcpServers` of `session/new`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientServer {
    Stdio { name: String, command: String, args: Vec<String>, env: Vec<(String, String)> },
    Http { name: String, url: String, headers: Vec<(String, String)> },
}

/// The client's MCP servers as the MCP client runs them: the user's own
/// (the editor passed them), so they need no folder trust; every tool asks.
fn client_mcp(root: &Path, servers: &[ClientServer]) -> Option<McpClients> {
    if servers.is_empty() {
        return None;
    }
    let servers = servers
        .iter()
        .map(|s| {
            let (name, transport) = match s {
                ClientServer::Stdio { name, command, args, env } => (
                    name.clone(),
                    Transport::Stdio {
                        command: command.clone(),
                        args: args.clone(),
                        env: env.iter().cloned().collect(),
                    },
                ),
                ClientServer::Http { name, url, headers } => (
                    name.clone(),
                    Transport::Http { url: url.clone(), headers: headers.iter().cloned().collect(), oauth: None },
                ),
            };
            McpServerConfig {
                name,
                transport,
                disabled: false,
                auto_approve: AutoApprove::default(),
                disabled_tools: Vec::new(),
                timeout: None,
                scope: Scope::User,
                unset_variables: Vec::new(),
            }
        })
        .collect();
    Some(McpClients::gated(root, &McpConfig { servers, files: Vec::new() }, true))
}

/// Several tool sources as one; a name offered twice is the first one's.
struct Combined<'a>(Vec<&'a dyn ToolSource>);

impl ToolSource for Combined<'_> {
    fn tools(&self) -> BoxFuture<'_, Vec<Box<dyn Tool>>> {
        Box::pin(async move {
            let mut seen = HashSet::new();
            let mut out = Vec::new();
            for source in &self.0 {
                for tool in source.tools().await {
                    if seen.insert(tool.name()) {
                        out.push(tool);
                    }
                }
            }
            out
        })
    }
}

/// A session as `session/new` and `session/load` describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    pub id: String,
    pub autopilot: bool,
    pub model_label: String,
    /// The spec in focus, whose tasks are the plan.
    pub spec: Option<String>,
}

/// A session as `session/list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub id: String,
    pub cwd: PathBuf,
    pub title: String,
}

/// The slash commands, in the order clients show them.
pub const COMMANDS: &[Command] = &[
    Command { name: "check", description: "Check the specs, steering, hooks and MCP configuration", hint: None },
    Command {
        name: "spec",
        description: "List the specs; /spec <name> puts one in focus (its tasks become the plan); /spec new <name> \
                      <what it is> writes its requirements; /spec design and /spec tasks write the next document of \
                      the spec in focus",
        hint: Some("<name> | new <name> <what it is> | design | tasks"),
    },
    Command { name: "plan", description: "Show the plan of the spec in focus again", hint: None },
    Command {
        name: "task",
        description: "Implement a task of the spec in focus, ticked only when its tests pass: /task start <id>, or \
                      /task runall for every open task in order",
        hint: Some("start <id> | runall"),
    },
];

struct Slot {
    root: PathBuf,
    store: SessionStore,
    session: tokio::sync::Mutex<Session>,
    /// The running turn's token (made by [`SpecAgent::begin`]).
    cancel: Mutex<CancellationToken>,
    /// A turn runs: another prompt is refused until it ends.
    busy: AtomicBool,
    autopilot: AtomicBool,
    /// Edits allowed for the rest of the session ("Always allow").
    always_edit: AtomicBool,
    /// Commands (and MCP tools) allowed for the rest of the session.
    always_run: Mutex<HashSet<String>>,
    spec: Mutex<Option<String>>,
    /// The session's extra tools, with the trust they were made for.
    tools: Mutex<MadeTools>,
    /// The MCP servers the client handed the session.
    client_tools: Option<McpClients>,
}

/// The ACP agent's sessions over any number of folders.
pub struct SpecAgent {
    config: AgentConfig,
    caps: Mutex<ClientCaps>,
    sessions: Mutex<HashMap<String, Arc<Slot>>>,
    /// Where sessions live when there is no data folder.
    scratch: PathBuf,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SpecAgent {
    pub fn new(config: AgentConfig) -> Self {
        let scratch = std::env::temp_dir().join(format!("specwright-acp-{}", std::process::id()));
        Self { config, caps: Mutex::default(), sessions: Mutex::default(), scratch }
    }

    pub fn set_client_caps(&self, caps: ClientCaps) {
        *lock(&self.caps) = caps;
    }

    pub fn model_label(&self) -> &str {
        &self.config.model_label
    }

    pub fn has_model(&self) -> bool {
        self.config.model.is_some()
    }

    fn store(&self, root: &Path) -> SessionStore {
        SessionStore::new(self.config.data_dir.as_deref().unwrap_or(&self.scratch), root)
    }

    fn slot(&self, id: &str) -> Result<Arc<Slot>, String> {
        lock(&self.sessions).get(id).cloned().ok_or_else(|| format!("there is no session `{id}`"))
    }

    /// A new session in folder `cwd`, with the client's MCP servers.
    pub fn new_session(&self, cwd: &Path, servers: &[ClientServer]) -> Result<SessionView, String> {
        let root = folder(cwd)?;
        let store = self.store(&root);
        let spec = only_spec(&root);
        let session = runtime_chat::new_session(&store, None, spec.clone(), self.config.settings.autopilot);
        Ok(self.insert(root, store, session, servers))
    }

    /// The persisted session `id` of folder `cwd`; its conversation is
    /// replayed through `peer` (the user's and the agent's text) before
    /// this returns.
    pub fn load_session(
        &self,
        id: &str,
        cwd: &Path,
        servers: &[ClientServer],
        peer: &dyn Peer,
    ) -> Result<SessionView, String> {
        let root = folder(cwd)?;
        let store = self.store(&root);
        let session = store.load(id).ok_or_else(|| format!("there is no session `{id}` for {}", root.display()))?;
        let live = self.slot(id).ok().filter(|s| s.root == root);
        for message in &session.messages {
            let text: String = message
                .content
                .iter()
                .filter_map(|c| match c {
                    specwright_models::Content::Text { text } => Some(text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n");
            if text.trim().is_empty() {
                continue;
            }
            peer.update(match message.role {
                Role::User => Update::UserText(text),
                _ => Update::AgentText(text),
            });
        }
        // Loaded again while this process has it: the same session, not a second copy.
        if let Some(slot) = live {
            return Ok(self.view_of(id, &slot));
        }
        Ok(self.insert(root, store, session, servers))
    }

    /// Session `id` as the client is told of it, from its live state.
    pub fn view(&self, id: &str) -> Option<SessionView> {
        self.slot(id).ok().map(|slot| self.view_of(id, &slot))
    }

    fn view_of(&self, id: &str, slot: &Slot) -> SessionView {
        SessionView {
            id: id.to_string(),
            autopilot: slot.autopilot.load(Ordering::SeqCst),
            model_label: self.config.model_label.clone(),
            spec: lock(&slot.spec).clone(),
        }
    }

    fn insert(&self, root: PathBuf, store: SessionStore, session: Session, servers: &[ClientServer]) -> SessionView {
        let id = session.id.clone();
        let client_tools = client_mcp(&root, servers);
        let slot = Slot {
            client_tools,
            root,
            store,
            autopilot: AtomicBool::new(session.autopilot),
            spec: Mutex::new(session.spec.clone()),
            session: tokio::sync::Mutex::new(session),
            cancel: Mutex::new(CancellationToken::new()),
            busy: AtomicBool::new(false),
            always_edit: AtomicBool::new(false),
            always_run: Mutex::default(),
            tools: Mutex::default(),
        };
        let view = self.view_of(&id, &slot);
        lock(&self.sessions).insert(id, Arc::new(slot));
        view
    }

    /// The persisted sessions of folder `cwd` (or of every folder a session
    /// of this process is in), newest first.
    pub fn list_sessions(&self, cwd: Option<&Path>) -> Vec<SessionSummary> {
        let roots: Vec<PathBuf> = match cwd {
            Some(cwd) => folder(cwd).into_iter().collect(),
            None => {
                let mut roots: Vec<PathBuf> = lock(&self.sessions).values().map(|s| s.root.clone()).collect();
                roots.sort();
                roots.dedup();
                roots
            }
        };
        roots
            .into_iter()
            .flat_map(|root| {
                self.store(&root).list().into_iter().map(move |s| SessionSummary {
                    id: s.id,
                    cwd: root.clone(),
                    title: s.title,
                })
            })
            .collect()
    }

    /// Supervised (`false`) or autopilot (`true`), from the next edit on.
    pub fn set_autopilot(&self, id: &str, autopilot: bool) -> Result<(), String> {
        let slot = self.slot(id)?;
        slot.autopilot.store(autopilot, Ordering::SeqCst);
        Ok(())
    }

    /// Starts a turn of session `id`, at once when the prompt arrives (so a
    /// `session/cancel` right behind it finds the turn's token); refused
    /// while another turn of the session runs. [`SpecAgent::end`] ends it.
    pub fn begin(&self, id: &str) -> Result<(), String> {
        let slot = self.slot(id)?;
        if slot.busy.swap(true, Ordering::SeqCst) {
            return Err(format!("a turn of session `{id}` is still running: cancel it or wait for its answer"));
        }
        *lock(&slot.cancel) = CancellationToken::new();
        Ok(())
    }

    /// The turn [`SpecAgent::begin`] started is over.
    pub fn end(&self, id: &str) {
        if let Ok(slot) = self.slot(id) {
            slot.busy.store(false, Ordering::SeqCst);
        }
    }

    /// Ends the session's running turn (answered `cancelled`).
    pub fn cancel(&self, id: &str) {
        if let Ok(slot) = self.slot(id) {
            lock(&slot.cancel).cancel();
        }
    }

    /// The plan of the session's spec in focus (`None`: no spec, or no tasks).
    pub fn plan(&self, id: &str) -> Option<Vec<PlanItem>> {
        let slot = self.slot(id).ok()?;
        let spec = lock(&slot.spec).clone()?;
        plan_of(&slot.root, &spec)
    }

    /// The extra tools of the session's folder as trusted now.
    fn tools(&self, slot: &Slot, trusted: bool) -> Option<Arc<dyn ToolSource>> {
        let make = self.config.tools.as_ref()?;
        let mut cached = lock(&slot.tools);
        match &*cached {
            Some((was_trusted, tools)) if *was_trusted == trusted => tools.clone(),
            _ => {
                let tools = make(&slot.root, trusted);
                *cached = Some((trusted, tools.clone()));
                tools
            }
        }
    }

    /// One prompt turn, begun with [`SpecAgent::begin`]: a slash command,
    /// or a turn of the agent.
    pub async fn prompt(&self, id: &str, text: &str, peer: &dyn Peer) -> Result<Stop, String> {
        let slot = self.slot(id)?;
        if let Some(command) = text.trim_start().strip_prefix('/') {
            return self.slash(&slot, command.trim(), peer).await;
        }
        if let Some(spec) = mentioned_spec(&slot.root, text)
            && lock(&slot.spec).as_deref() != Some(spec.as_str())
        {
            *lock(&slot.spec) = Some(spec.clone());
            if let Some(plan) = plan_of(&slot.root, &spec) {
                peer.update(Update::Plan(plan));
            }
        }
        let Some(model) = self.config.model.clone() else {
            return Err("no model is configured: start `specwright acp` with SPECWRIGHT_PROVIDER (anthropic or \
                        openai) and its API key variable set (ANTHROPIC_API_KEY or OPENAI_API_KEY), or \
                        SPECWRIGHT_PROVIDER=demo to try it"
                .into());
        };
        let cancel = lock(&slot.cancel).clone();
        let mut session = slot.session.lock().await;
        let workspace = Workspace::new(&slot.root).map_err(|e| format!("{}: {e}", slot.root.display()))?;
        let caps = *lock(&self.caps);
        let host = AcpHost { peer, slot: &slot, caps, current: Mutex::default() };
        let cx = ToolContext { workspace: &workspace, host: &host, cancel: &cancel, output_limit: 20_000 };
        let trusted = (self.config.trusted)(&slot.root);
        let allowed = self.config.settings.allowed_commands_in(&slot.root, trusted);
        let folder_tools = self.tools(&slot, trusted);
        let tools = combined(folder_tools.as_deref(), slot.client_tools.as_ref());
        let turn = ChatTurn {
            model: model.as_ref(),
            cx: &cx,
            store: &slot.store,
            settings: &self.config.settings,
            allowed_commands: &allowed,
            focus: &[],
            hooks: None,
            extra_tools: tools.as_ref().map(|t| t as &dyn ToolSource),
        };
        let mut on_event = |event: TurnEvent| forward(event, peer, &host, &slot.root);
        let outcome = runtime_chat::send(&turn, &mut session, text, &mut on_event).await;
        drop(session);
        let spec = lock(&slot.spec).clone();
        if let Some(plan) = spec.and_then(|s| plan_of(&slot.root, &s)) {
            peer.update(Update::Plan(plan));
        }
        match outcome.stop {
            StopReason::EndTurn => Ok(Stop::EndTurn),
            StopReason::Cancelled => Ok(Stop::Cancelled),
            StopReason::MaxSteps => Ok(Stop::MaxTurnRequests),
            // A model call cut short by the cancel is the cancel.
            StopReason::ModelError(_) if cancel.is_cancelled() => Ok(Stop::Cancelled),
            StopReason::ModelError(e) => Err(format!("the model failed: {e}")),
        }
    }

    async fn slash(&self, slot: &Slot, command: &str, peer: &dyn Peer) -> Result<Stop, String> {
        let (name, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
        let rest = rest.trim();
        match name {
            "task" => return self.tasks(slot, rest, peer).await,
            "check" => match &self.config.check {
                Some(check) => peer.update(Update::AgentText(check(&slot.root))),
                None => peer.update(Update::AgentText("`/check` is not available here.".into())),
            },
            "spec" if rest.is_empty() => {
                let names = spec_names(&slot.root);
                let focus = lock(&slot.spec).clone();
                let text = if names.is_empty() {
                    "This folder has no specs (`.kiro/specs/<name>/`).".to_string()
                } else {
                    let lines: Vec<String> = names
                        .iter()
                        .map(|n| {
                            if focus.as_deref() == Some(n) { format!("- **{n}** (in focus)") } else { format!("- {n}") }
                        })
                        .collect();
                    format!("Specs:\n{}\n\n`/spec <name>` puts one in focus.", lines.join("\n"))
                };
                peer.update(Update::AgentText(text));
            }
            "spec" if rest.starts_with("new ") || rest == "new" => {
                return self.spec_new(slot, rest["new".len()..].trim(), peer).await;
            }
            "spec" if rest == "design" || rest == "tasks" => {
                let target = if rest == "design" { DocTarget::Design } else { DocTarget::Tasks };
                return self.spec_step(slot, target, peer).await;
            }
            "spec" => {
                if spec_names(&slot.root).iter().any(|n| n == rest) {
                    *lock(&slot.spec) = Some(rest.to_string());
                    peer.update(Update::AgentText(format!("The spec `{rest}` is in focus.")));
                    if let Some(plan) = plan_of(&slot.root, rest) {
                        peer.update(Update::Plan(plan));
                    }
                } else {
                    let names = spec_names(&slot.root).join(", ");
                    peer.update(Update::AgentText(format!("There is no spec `{rest}`; the specs are: {names}.")));
                }
            }
            "plan" => {
                let spec = lock(&slot.spec).clone();
                match spec.and_then(|s| plan_of(&slot.root, &s)) {
                    Some(plan) => peer.update(Update::Plan(plan)),
                    None => peer.update(Update::AgentText(
                        "No spec with tasks is in focus: `/spec <name>` puts one in focus.".into(),
                    )),
                }
            }
            other => {
                let known: Vec<String> = COMMANDS.iter().map(|c| format!("/{}", c.name)).collect();
                peer.update(Update::AgentText(format!(
                    "`/{other}` is not a command; the commands are {}.",
                    known.join(", ")
                )));
            }
        }
        Ok(Stop::EndTurn)
    }

    /// `/spec new <name> <what it is>`: the new spec's first document
    /// (requirements) and `.config.kiro`, written through the host (asked
    /// in supervised mode); the spec is then in focus.
    async fn spec_new(&self, slot: &Slot, args: &str, peer: &dyn Peer) -> Result<Stop, String> {
        let (name, prompt) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let (name, prompt) = (name.trim(), prompt.trim());
        let specs = slot.root.join(".kiro").join("specs");
        if name.is_empty() || prompt.is_empty() {
            peer.update(Update::AgentText("`/spec new <name> <what the feature is>`".into()));
            return Ok(Stop::EndTurn);
        }
        if !specwright_specgen::naming::is_valid_name(name) {
            peer.update(Update::AgentText(format!("`{name}` is not a valid spec name (letters, digits, - and _).")));
            return Ok(Stop::EndTurn);
        }
        if specs.join(name).exists() {
            peer.update(Update::AgentText(format!("A spec named `{name}` exists already.")));
            return Ok(Stop::EndTurn);
        }
        let dir = specs.join(name);
        let target = workflow::first_target(Workflow::RequirementsFirst, SpecType::Feature);
        let Some(text) = self.generate(slot, &dir, SpecTexts::default(), prompt, target, peer).await? else {
            return Ok(Stop::Cancelled);
        };
        let host = AcpHost { peer, slot, caps: *lock(&self.caps), current: Mutex::default() };
        let config = workflow::new_config(Workflow::RequirementsFirst, SpecType::Feature);
        host.apply(FileChange::Write { path: dir.join(DocKind::Config.file_name()), old: None, new: config }).await?;
        host.apply(FileChange::Write { path: dir.join(target.file_name()), old: None, new: text }).await?;
        *lock(&slot.spec) = Some(name.to_string());
        peer.update(Update::AgentText(format!(
            "\n\nWrote `.kiro/specs/{name}/{}`; `{name}` is in focus. Next: `/spec design`.",
            target.file_name()
        )));
        Ok(Stop::EndTurn)
    }

    /// `/spec design` and `/spec tasks` for the spec in focus: the document
    /// written (tasks merged into an existing plan), through the host.
    async fn spec_step(&self, slot: &Slot, target: DocTarget, peer: &dyn Peer) -> Result<Stop, String> {
        let Some(name) = lock(&slot.spec).clone() else {
            peer.update(Update::AgentText("No spec is in focus: `/spec <name>` puts one in focus.".into()));
            return Ok(Stop::EndTurn);
        };
        let dir = slot.root.join(".kiro").join("specs").join(&name);
        let texts = SpecTexts::read(&dir);
        if texts.requirements.is_none() && texts.bugfix.is_none() {
            peer.update(Update::AgentText(format!("The spec `{name}` has no requirements.md to start from.")));
            return Ok(Stop::EndTurn);
        }
        let Some(generated) = self.generate(slot, &dir, texts.clone(), "", target, peer).await? else {
            return Ok(Stop::Cancelled);
        };
        let path = dir.join(target.file_name());
        let old = std::fs::read_to_string(&path).ok();
        let text = if target == DocTarget::Tasks {
            workflow::tasks_to_write(texts.tasks.as_deref(), &generated, &texts).0
        } else {
            generated
        };
        let host = AcpHost { peer, slot, caps: *lock(&self.caps), current: Mutex::default() };
        host.apply(FileChange::Write { path, old, new: text }).await?;
        peer.update(Update::AgentText(format!("\n\nWrote `.kiro/specs/{name}/{}`.", target.file_name())));
        if let Some(plan) = plan_of(&slot.root, &name) {
            peer.update(Update::Plan(plan));
        }
        Ok(Stop::EndTurn)
    }

    /// One document from the model, streamed to the client as it arrives;
    /// `None` when the turn was cancelled.
    async fn generate(
        &self,
        slot: &Slot,
        dir: &Path,
        texts: SpecTexts,
        prompt: &str,
        target: DocTarget,
        peer: &dyn Peer,
    ) -> Result<Option<String>, String> {
        let Some(model) = self.config.model.clone() else {
            return Err("no model is configured: start `specwright acp` with SPECWRIGHT_PROVIDER and its API key \
                        variable set"
                .into());
        };
        let cancel = lock(&slot.cancel).clone();
        let root = slot.root.clone();
        let index = tokio::task::spawn_blocking(move || specwright_index::Index::build(&root))
            .await
            .map_err(|e| format!("the code index was not built: {e}"))?;
        let map_tokens = specwright_specgen::context::DEFAULT_MAP_TOKENS;
        let inputs = workflow::inputs_with(&slot.root, dir, texts, prompt, None, Some(&index), map_tokens);
        let mut shown = 0usize;
        let mut on_update = |update: GenUpdate| {
            if let GenUpdate::Preview(text) = update
                && text.len() > shown
                && text.is_char_boundary(shown)
            {
                peer.update(Update::AgentText(text[shown..].to_string()));
                shown = text.len();
            }
        };
        let result = specwright_specgen::generate(Some(model.as_ref()), target, &inputs, &cancel, &mut on_update).await;
        if cancel.is_cancelled() {
            return Ok(None);
        }
        let generated = result.map_err(|e| format!("{}: {e}", target.file_name()))?;
        Ok(Some(generated.text))
    }

    /// `/task start <id>` and `/task runall`: the runtime's task runs (the
    /// agent implements the task; the tests are run by Specwright and the
    /// task ticked only on that evidence), in the spec in focus.
    async fn tasks(&self, slot: &Slot, args: &str, peer: &dyn Peer) -> Result<Stop, String> {
        let say = |text: String| {
            peer.update(Update::AgentText(text));
            Ok(Stop::EndTurn)
        };
        let (sub, id) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let Some(spec_name) = lock(&slot.spec).clone() else {
            return say("No spec is in focus: `/spec <name>` puts one in focus.".into());
        };
        let dir = slot.root.join(".kiro").join("specs").join(&spec_name);
        let spec = Spec::load(&dir);
        let waves: Vec<Vec<String>> = match (sub, id.trim()) {
            ("start", "") => return say("Which task? `/task start <id>`, e.g. `/task start 2.1`.".into()),
            ("start", id) => {
                if spec.tasks.as_ref().and_then(|t| t.model.find(id)).is_none() {
                    return say(format!("The spec `{spec_name}` has no task `{id}`."));
                }
                vec![vec![id.to_string()]]
            }
            ("runall", _) => order::open_waves(&spec, false),
            _ => return say("`/task start <id>` or `/task runall`.".into()),
        };
        if waves.is_empty() {
            return say(format!("Every required task of `{spec_name}` is done."));
        }
        let Some(model) = self.config.model.clone() else {
            return Err("no model is configured: start `specwright acp` with SPECWRIGHT_PROVIDER and its API key \
                        variable set"
                .into());
        };
        // A task is proven by running the project's tests: the folder's commands.
        if !(self.config.trusted)(&slot.root) {
            return say(format!(
                "A task run runs this folder's test command, so the folder must be trusted first: run \
                 `specwright hooks trust {}` (or trust it from Specwright in your editor), then try again.",
                slot.root.display()
            ));
        }
        let cancel = lock(&slot.cancel).clone();
        let workspace = Workspace::new(&slot.root).map_err(|e| format!("{}: {e}", slot.root.display()))?;
        let caps = *lock(&self.caps);
        let host = AcpHost { peer, slot, caps, current: Mutex::default() };
        let data = self.config.data_dir.clone().unwrap_or_else(|| self.scratch.clone());
        let checkpoints = CheckpointStore::new(&data, &slot.root);
        let settings = &self.config.settings;
        let allowed = settings.allowed_commands_in(&slot.root, true);
        let folder_tools = self.tools(slot, true);
        let tools = combined(folder_tools.as_deref(), slot.client_tools.as_ref());
        let run = TaskRun {
            model: Some(model.as_ref()),
            implementer: None,
            workspace: &workspace,
            host: &host,
            editor: &DiskTasks,
            cancel: &cancel,
            settings,
            allowed_commands: &allowed,
            test_command: settings.test_command.clone(),
            test_timeout: Duration::from_secs(settings.test_timeout_s.max(1)),
            sessions: &slot.store,
            checkpoints: &checkpoints,
            hooks: None,
            extra_tools: tools.as_ref().map(|t| t as &dyn ToolSource),
        };
        let mut stop = Stop::EndTurn;
        'waves: for wave in waves {
            for id in wave {
                let spec = Spec::load(&dir);
                let session = runtime_chat::new_session(
                    &slot.store,
                    Some(format!("Task {id}")),
                    Some(spec_name.clone()),
                    slot.autopilot.load(Ordering::SeqCst),
                );
                peer.update(Update::AgentText(format!("Task {id}: started.\n\n")));
                let mut on_event = |event: TurnEvent| forward(event, peer, &host, &slot.root);
                let report = run_task(&run, &spec, &id, session, &mut on_event).await?;
                peer.update(Update::AgentText(format!("\n\n{}\n", report_text(&report))));
                if let Some(plan) = plan_of(&slot.root, &spec_name) {
                    peer.update(Update::Plan(plan));
                }
                if cancel.is_cancelled() {
                    stop = Stop::Cancelled;
                    break 'waves;
                }
                if !report.passed() {
                    break 'waves;
                }
            }
        }
        Ok(stop)
    }
}

/// A turn's event as the client shows it.
fn forward(event: TurnEvent, peer: &dyn Peer, host: &AcpHost<'_>, root: &Path) {
    match event {
        TurnEvent::Agent(AgentEvent::Text(text)) => peer.update(Update::AgentText(text)),
        TurnEvent::Agent(AgentEvent::ToolCall { id, name, input }) => {
            *lock(&host.current) = Some(id.clone());
            let locations = input_path(&input).map(|p| root.join(p)).into_iter().collect();
            peer.update(Update::ToolCall {
                title: tool_title(&name, &input),
                kind: tool_kind(&name),
                id,
                input,
                locations,
            });
        }
        TurnEvent::Agent(AgentEvent::ToolResult { id, ok, output, .. }) => {
            peer.update(Update::ToolDone { id, ok, output });
        }
        TurnEvent::Edit { .. } => {}
        TurnEvent::Notice(text) => peer.update(Update::AgentText(format!("\n\n_{text}_\n\n"))),
    }
}

/// A task run's report for the user: the outcome, each check of the
/// evidence gate, the end of the test output when it failed, the undo.
fn report_text(report: &TaskReport) -> String {
    let mut text = format!("**{}**", report.summary());
    for check in &report.checks {
        text.push_str(&format!("\n- {} {}: {}", if check.ok { "✓" } else { "✗" }, check.name, check.detail));
    }
    if !report.passed() && !report.output_tail.trim().is_empty() {
        text.push_str(&format!("\n\nTest output (end):\n````\n{}\n````", report.output_tail.trim_end()));
    }
    if let Some(checkpoint) = &report.checkpoint {
        text.push_str(&format!("\n\nUndo: checkpoint `{checkpoint}`."));
    }
    text
}

/// The folder's tools and the client's, as one source (`None`: neither).
fn combined<'a>(folder: Option<&'a dyn ToolSource>, client: Option<&'a McpClients>) -> Option<Combined<'a>> {
    let sources: Vec<&dyn ToolSource> = folder.into_iter().chain(client.map(|c| c as &dyn ToolSource)).collect();
    (!sources.is_empty()).then_some(Combined(sources))
}

/// `cwd` as a session's folder: absolute, and an existing folder.
fn folder(cwd: &Path) -> Result<PathBuf, String> {
    if !cwd.is_absolute() {
        return Err(format!("`cwd` must be an absolute path, not {}", cwd.display()));
    }
    let root = std::fs::canonicalize(cwd).map_err(|e| format!("{} is not a folder: {e}", cwd.display()))?;
    if !root.is_dir() {
        return Err(format!("{} is not a folder", cwd.display()));
    }
    Ok(root)
}

fn spec_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = specwright_spec::discover_specs(root)
        .into_iter()
        .filter(|d| d.parent() == Some(root.join(".kiro").join("specs").as_path()))
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// The folder's only spec, when it has exactly one.
fn only_spec(root: &Path) -> Option<String> {
    let names = spec_names(root);
    (names.len() == 1).then(|| names[0].clone())
}

/// A spec the text names by its folder (`.kiro/specs/<name>/`), when it exists.
fn mentioned_spec(root: &Path, text: &str) -> Option<String> {
    let names = spec_names(root);
    text.match_indices(".kiro/specs/").find_map(|(at, marker)| {
        let rest = &text[at + marker.len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect();
        names.iter().find(|n| **n == name).cloned()
    })
}

/// The tasks of spec `name` as a plan; `None` without tasks.
pub fn plan_of(root: &Path, name: &str) -> Option<Vec<PlanItem>> {
    let spec = Spec::load(&root.join(".kiro").join("specs").join(name));
    let tasks = spec.tasks.as_ref()?;
    let items: Vec<PlanItem> = tasks
        .model
        .tasks
        .iter()
        .map(|t| PlanItem {
            content: match &t.number {
                Some(n) if n.contains('.') => format!("{n} {}", t.title),
                Some(n) => format!("{n}. {}", t.title),
                None => t.title.clone(),
            },
            status: match t.status {
                TaskStatus::Done => PlanStatus::Completed,
                TaskStatus::InProgress => PlanStatus::InProgress,
                _ => PlanStatus::Pending,
            },
            optional: t.optional,
            subtask: t.is_subtask(),
        })
        .collect();
    (!items.is_empty()).then_some(items)
}

fn tool_kind(name: &str) -> ToolKind {
    match name {
        "read_file" | "list_dir" | "read_spec" | "get_diagnostics" => ToolKind::Read,
        "write_file" | "edit_file" => ToolKind::Edit,
        "delete_file" => ToolKind::Delete,
        "search" | "repo_map" => ToolKind::Search,
        "run_command" => ToolKind::Execute,
        n if n.contains("__") => ToolKind::Fetch,
        _ => ToolKind::Other,
    }
}

fn input_path(input: &Value) -> Option<&str> {
    input.get("path").and_then(Value::as_str)
}

/// One line for a tool call: `read_file src/a.ts`, `run_command npm test`.
fn tool_title(name: &str, input: &Value) -> String {
    let detail = input_path(input).or_else(|| input.get("command").and_then(Value::as_str)).unwrap_or_default();
    let detail: String = detail.chars().take(120).collect();
    if detail.is_empty() { name.to_string() } else { format!("{name} {detail}") }
}

/// The agent's host in an ACP session: edits asked through the client in
/// supervised mode, written through the client when it can write files.
struct AcpHost<'a> {
    peer: &'a dyn Peer,
    slot: &'a Slot,
    caps: ClientCaps,
    /// The tool call being run (the edits and questions belong to it).
    current: Mutex<Option<String>>,
}

impl AcpHost<'_> {
    fn current(&self) -> String {
        lock(&self.current).clone().unwrap_or_else(|| "specwright".into())
    }
}

impl Host for AcpHost<'_> {
    fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            let id = self.current();
            let path = change.path().to_path_buf();
            let shown = path.strip_prefix(&self.slot.root).unwrap_or(&path).display().to_string();
            let diff = match &change {
                FileChange::Write { old, new, .. } => Diff { path: path.clone(), old: old.clone(), new: new.clone() },
                FileChange::Delete { old, .. } => {
                    Diff { path: path.clone(), old: Some(old.clone()), new: String::new() }
                }
            };
            self.peer.update(Update::ToolDiff { id: id.clone(), diff });
            let ask = !self.slot.autopilot.load(Ordering::SeqCst) && !self.slot.always_edit.load(Ordering::SeqCst);
            if ask {
                let (title, kind) = match &change {
                    FileChange::Write { old: None, .. } => (format!("Create {shown}"), ToolKind::Edit),
                    FileChange::Write { .. } => (format!("Change {shown}"), ToolKind::Edit),
                    FileChange::Delete { .. } => (format!("Delete {shown}"), ToolKind::Delete),
                };
                let answer = self.peer.permission(PermissionAsk { tool_call_id: id, title, kind }).await;
                if answer == Permission::AllowAlways {
                    self.slot.always_edit.store(true, Ordering::SeqCst);
                }
                if !answer.allows() {
                    return Err(format!("the user rejected the change to {shown}; it was not made"));
                }
            }
            match change {
                FileChange::Write { path, new, .. } if self.caps.write_text_file => {
                    self.peer.write_text_file(&path, &new).await
                }
                other => tokio::task::spawn_blocking(move || apply_on_disk(&other))
                    .await
                    .map_err(|e| format!("the write did not finish: {e}"))?,
            }
        })
    }

    /// In the client's terminal when it has one (`terminal: true`).
    fn run_in_terminal<'a>(
        &'a self,
        command: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, Option<Result<ShellRun, String>>> {
        Box::pin(async move {
            if !self.caps.terminal {
                return None;
            }
            let run = TerminalRun {
                tool_call_id: self.current(),
                command,
                cwd: &self.slot.root,
                timeout,
                output_limit: 200_000,
                cancel: lock(&self.slot.cancel).clone(),
            };
            Some(self.peer.run_terminal(run).await)
        })
    }

    /// Through the client when it reads files (so its unsaved buffers are
    /// what the agent sees); `None` (the disk) otherwise or when it fails.
    fn read_open<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            if !self.caps.read_text_file {
                return None;
            }
            self.peer.read_text_file(path).await.ok()
        })
    }

    fn approve_command(&self, command: &str) -> BoxFuture<'_, bool> {
        let title = format!("Run `{command}`");
        Box::pin(self.ask_to_run(command.to_string(), title, ToolKind::Execute))
    }

    fn approve_tool<'a>(&'a self, server: &'a str, tool: &'a str, _input: &'a Value) -> BoxFuture<'a, bool> {
        let title = format!("Use `{tool}` of the MCP server `{server}`");
        Box::pin(self.ask_to_run(format!("mcp:{server}/{tool}"), title, ToolKind::Fetch))
    }
}

impl AcpHost<'_> {
    /// Asks whether `key` (a command, an MCP tool) may run, unless the user
    /// allowed it always in this session; "Always allow" is remembered.
    async fn ask_to_run(&self, key: String, title: String, kind: ToolKind) -> bool {
        if lock(&self.slot.always_run).contains(&key) {
            return true;
        }
        let answer = self.peer.permission(PermissionAsk { tool_call_id: self.current(), title, kind }).await;
        if answer == Permission::AllowAlways {
            lock(&self.slot.always_run).insert(key);
        }
        answer.allows()
    }
}
