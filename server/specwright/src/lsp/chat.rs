//! Agentic chat over LSP: `specwright/chat/*`. The agent (the
//! `specwright-agent` crate) runs the turn; this file supplies its [`Host`]:
//! edits go to the editor through `workspace/applyEdit` (asked first with
//! `window/showMessageRequest` unless the session is on autopilot), commands
//! off the allow-list are asked the same way, and the editor's unsaved text
//! is what the tools read. Sessions are kept in the user's data folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use specwright_agent::context::{ContextItem, Problem};
use specwright_agent::review;
use specwright_agent::session::SessionStore;
use specwright_agent::{AgentEvent, Applied, FileChange, Host, ToolContext, ToolSource, Workspace};
use specwright_mcp::client::McpClients;
use specwright_models::{BoxFuture, CancellationToken};
use specwright_runtime::chat::{self as runtime_chat, AgentSettings, ChatHooks, ChatTurn, TurnEvent};
use specwright_runtime::hooks::{AgentHands, AgentSource};
use specwright_runtime::tasks::checkpoint::{CheckpointStore, CheckpointingHost};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::server::{ClientFlags, Server};
use super::world::World;
use super::{convert, ext};

/// The running turns, by session, for `chat/cancel`; where sessions live;
/// the `specwright.agent.*` settings.
#[derive(Default)]
pub(super) struct Chats {
    pub(super) data_dir: Option<PathBuf>,
    running: Mutex<HashMap<String, CancellationToken>>,
    pub(super) settings: Arc<RwLock<AgentSettings>>,
    /// Each workspace folder's MCP servers with the configuration they were
    /// made from (made again when the configuration changes).
    mcp: Mutex<HashMap<PathBuf, FolderMcp>>,
}

impl Chats {
    pub(super) fn new(data_dir: Option<PathBuf>) -> Self {
        Self { data_dir, ..Self::default() }
    }

    /// Takes `specwright.agent.*` from initialization options or a
    /// configuration change; absent or malformed values keep their defaults.
    pub(super) fn configure(&self, value: Option<&serde_json::Value>) {
        if let Some(settings) = value.and_then(AgentSettings::from_json) {
            *self.settings.write().unwrap_or_else(|e| e.into_inner()) = settings;
        }
    }

    pub(super) fn settings(&self) -> AgentSettings {
        self.settings.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The MCP servers of the folder `root` (`None` when its mcp.json files
    /// configure none). The workspace's servers are the repository's
    /// commands: they start only once the folder is `trusted`. The files are
    /// read again on each call; when they (or the trust) changed, the old
    /// servers are dropped (and so stopped).
    pub(super) fn mcp(&self, root: &Path, trusted: bool) -> Option<McpClients> {
        let config = specwright_mcp::config::load(root, &specwright_mcp::config::Environment::from_process());
        let mut all = self.mcp.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(FolderMcp { config: seen, trusted: was_trusted, clients }) = all.get(root)
            && *seen == config
            && *was_trusted == trusted
        {
            return clients.clone();
        }
        let clients = (!config.servers.is_empty()).then(|| McpClients::gated(root, &config, trusted));
        all.insert(root.to_path_buf(), FolderMcp { config, trusted, clients: clients.clone() });
        clients
    }
}

/// A folder's MCP servers, with the configuration and trust they were made for.
struct FolderMcp {
    config: specwright_mcp::config::McpConfig,
    trusted: bool,
    clients: Option<McpClients>,
}

/// The most characters of attached context in one message.
const CONTEXT_CHARS: usize = 60_000;

pub(super) fn failed(message: impl Into<String>) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}

impl Server {
    /// The session store of the first workspace folder.
    fn chat_store(&self) -> Result<(PathBuf, SessionStore)> {
        let root = self
            .world()
            .roots
            .first()
            .cloned()
            .ok_or_else(|| Error::invalid_params("open a workspace folder first"))?;
        let data = self
            .chats
            .data_dir
            .clone()
            .ok_or_else(|| failed("there is no data folder to keep chat sessions in (set SPECWRIGHT_DATA_DIR)"))?;
        let store = SessionStore::new(&data, &root);
        Ok((root, store))
    }

    pub async fn chat_new(&self, params: ext::ChatNewParams) -> Result<ext::ChatNewResult> {
        let (_, store) = self.chat_store()?;
        let autopilot = params.autopilot.unwrap_or_else(|| self.chats.settings().autopilot);
        let session = runtime_chat::new_session(&store, params.title, params.spec, autopilot);
        store.save(&session).map_err(|e| failed(format!("cannot save the session: {e}")))?;
        Ok(ext::ChatNewResult { session: session.id })
    }

    pub async fn chat_list(&self, _: serde_json::Value) -> Result<ext::ChatListResult> {
        let (_, store) = self.chat_store()?;
        let sessions = store
            .list()
            .into_iter()
            .map(|s| ext::ChatSessionInfo { session: s.id, title: s.title, turns: s.turns, autopilot: s.autopilot })
            .collect();
        Ok(ext::ChatListResult { sessions })
    }

    pub async fn chat_history(&self, params: ext::ChatSessionRef) -> Result<ext::ChatHistoryResult> {
        let (_, store) = self.chat_store()?;
        let session = store
            .load(&params.session)
            .ok_or_else(|| Error::invalid_params(format!("no session '{}'", params.session)))?;
        let messages = serde_json::to_value(&session.messages).unwrap_or_default();
        Ok(ext::ChatHistoryResult { session: session.id, messages })
    }

    pub async fn chat_cancel(&self, params: ext::ChatSessionRef) -> Result<()> {
        if let Some(token) = self.chats.running.lock().unwrap_or_else(|e| e.into_inner()).get(&params.session) {
            token.cancel();
        }
        Ok(())
    }

    pub async fn chat_send(&self, params: ext::ChatSendParams) -> Result<ext::ChatSendResult> {
        let (root, store) = self.chat_store()?;
        let session = store
            .load(&params.session)
            .ok_or_else(|| Error::invalid_params(format!("no session '{}'", params.session)))?;
        let done = self.chat_env().turn(&root, &store, session, &params.text, &params.context).await?;
        Ok(ext::ChatSendResult {
            turn: done.turn,
            stop_reason: done.outcome.stop.as_str().into(),
            text: done.outcome.text,
            checkpoint: done.checkpoint,
        })
    }

    /// What a chat turn needs of the server, owned, so that a turn can run
    /// in a task of its own (the chat document's).
    pub(super) fn chat_env(&self) -> ChatEnv {
        ChatEnv {
            client: self.client.clone(),
            flags: Arc::clone(&self.flags),
            world: Arc::clone(&self.world),
            model: Arc::clone(&self.model),
            engine: self.hook_engine.clone(),
            chats: Arc::clone(&self.chats),
        }
    }
}

/// The server's parts a chat turn uses.
#[derive(Clone)]
pub(super) struct ChatEnv {
    pub(super) client: Client,
    flags: Arc<RwLock<ClientFlags>>,
    pub(super) world: Arc<RwLock<World>>,
    model: Arc<RwLock<super::generation::ModelState>>,
    pub(super) engine: specwright_runtime::hooks::Engine,
    pub(super) chats: Arc<Chats>,
}

/// How a turn ended, with a line per tool call (for the chat document).
pub(super) struct TurnDone {
    pub(super) turn: u32,
    pub(super) outcome: specwright_agent::TurnOutcome,
    pub(super) tool_lines: Vec<String>,
    /// The checkpoint that undoes the turn, when it changed files.
    pub(super) checkpoint: Option<String>,
}

impl ChatEnv {
    pub(super) fn flags(&self) -> ClientFlags {
        self.flags.read().map(|f| *f).unwrap_or_default()
    }

    /// The configured model, or why there is none.
    pub(super) fn model(&self) -> Result<Arc<dyn specwright_models::Model>> {
        let state = self.model.read().map_err(|_| failed("model state unavailable"))?;
        match (&state.error, &state.model) {
            (Some(e), _) => Err(failed(format!("the model is not usable: {e}"))),
            (None, None) => Err(failed(
                "no model is configured: set specwright.model.provider (or SPECWRIGHT_PROVIDER) to run the agent",
            )),
            (None, Some(model)) => Ok(Arc::clone(model)),
        }
    }

    /// The agent's host in this editor.
    pub(super) fn host(&self, autopilot: bool) -> EditorHost {
        EditorHost {
            client: self.client.clone(),
            flags: self.flags(),
            world: Arc::clone(&self.world),
            autopilot,
            session: None,
        }
    }

    /// The text of `path` now, as the agent reads it: the editor's, else
    /// the disk's.
    pub(super) fn current_text(&self, path: &Path) -> Option<String> {
        self.host(false).current_text(path)
    }

    /// A sender of `specwright/chat/event`s: they go out in order through
    /// one forwarding task, which ends (await it) once the sender is dropped.
    pub(super) fn chat_events(
        &self,
    ) -> (tokio::sync::mpsc::UnboundedSender<ext::ChatEvent>, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ext::ChatEvent>();
        let client = self.client.clone();
        let forward = tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                client.send_notification::<ChatEventNotification>(event).await;
            }
        });
        (tx, forward)
    }

    /// The chat settings now.
    pub(super) fn settings(&self) -> AgentSettings {
        self.chats.settings()
    }

    /// Runs one turn of `session` in the folder `root`: its events stream as
    /// `specwright/chat/event`, and the session is saved when it ends. One
    /// turn per session at a time.
    pub(super) async fn turn(
        &self,
        root: &Path,
        store: &SessionStore,
        mut session: specwright_agent::session::Session,
        text: &str,
        context: &[ext::ChatContext],
    ) -> Result<TurnDone> {
        let model = self.model()?;
        let workspace = Workspace::new(root).map_err(|e| failed(format!("the workspace folder: {e}")))?;
        let cancel = CancellationToken::new();
        {
            let mut running = self.chats.running.lock().unwrap_or_else(|e| e.into_inner());
            if running.contains_key(&session.id) {
                return Err(failed("a turn of this session is running; cancel it or wait"));
            }
            running.insert(session.id.clone(), cancel.clone());
        }
        // Whatever happens below, the session is not left marked running.
        struct Running<'a>(&'a Chats, String);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.1);
            }
        }
        let _running = Running(&self.chats, session.id.clone());
        let turn = session.turns + 1;

        let (tx, forward) = self.chat_events();
        let host = EditorHost { session: Some(session.id.clone()), ..self.host(session.autopilot) };
        // Every file the turn changes is recorded first, so the turn can be undone.
        let data = self.chats.data_dir.clone().ok_or_else(|| failed("there is no data folder for checkpoints"))?;
        let checkpoints = CheckpointStore::new(&data, root);
        let label = format!("chat: {}", text.lines().next().unwrap_or("").chars().take(80).collect::<String>());
        let checkpoint = checkpoints.begin(&label, Some(&session.id));
        let recording = CheckpointingHost::new(&host, &checkpoints, checkpoint, root);
        let cx = ToolContext { workspace: &workspace, host: &recording, cancel: &cancel, output_limit: 20_000 };
        let settings = self.chats.settings();
        let trusted = super::mcp::folder_trusted(&self.engine, root);
        let mcp = self.chats.mcp(root, trusted);
        let (pending, hooks) = {
            let world = self.world.read().unwrap_or_else(|e| e.into_inner());
            (context_items(context, &world, root), world.hooks_of(root))
        };
        let mut items = Vec::with_capacity(pending.len());
        for item in pending {
            items.push(match item {
                PendingItem::Ready(item) => item,
                PendingItem::McpResource { server, uri } => {
                    super::mcp::resource_item(mcp.as_ref(), &server, &uri).await
                }
            });
        }
        let text = specwright_agent::context::attach(text, &items, &cx, CONTEXT_CHARS).await;
        let allowed = settings.allowed_commands_in(root, trusted);
        let focus: Vec<String> = context
            .iter()
            .filter_map(|c| c.uri.as_deref()?.parse::<lsp::Uri>().ok())
            .filter_map(|u| convert::path(&u))
            .filter_map(|p| workspace.resolve(&p.to_string_lossy()).ok())
            .map(|p| workspace.display(&p))
            .collect();
        let chat_turn = ChatTurn {
            model: model.as_ref(),
            cx: &cx,
            store,
            settings: &settings,
            allowed_commands: &allowed,
            focus: &focus,
            hooks: Some(ChatHooks { engine: &self.engine, hooks, root: root.to_path_buf() }),
            extra_tools: mcp.as_ref().map(|m| m as &dyn ToolSource),
        };
        let id = session.id.clone();
        let mut tool_lines = Vec::new();
        let mut on_event = |event: TurnEvent| {
            if let TurnEvent::Agent(AgentEvent::ToolResult { name, ok, output, .. }) = &event {
                let first: String = output.lines().next().unwrap_or("").chars().take(160).collect();
                tool_lines.push(format!("{} {name}: {first}", if *ok { "✓" } else { "✗" }));
            }
            let _ = tx.send(chat_event(&id, turn, root, event));
        };
        let outcome = runtime_chat::send(&chat_turn, &mut session, &text, &mut on_event).await;
        let mut checkpoint = recording.into_checkpoint();
        let checkpoint = (!checkpoint.files.is_empty()).then(|| {
            checkpoint.finish(|rel| host.current_text(&root.join(rel)));
            if let Err(e) = checkpoints.save(&checkpoint) {
                tracing::warn!("the checkpoint {} was not saved: {e}", checkpoint.id);
            }
            checkpoint.id
        });
        let base = ext::ChatEvent { session: id.clone(), turn, ..Default::default() };
        let last = match &outcome.stop {
            specwright_agent::StopReason::ModelError(e) => {
                ext::ChatEvent { kind: "error".into(), text: Some(e.clone()), ..base }
            }
            stop => ext::ChatEvent { kind: "done".into(), text: Some(stop.as_str().into()), ..base },
        };
        let _ = tx.send(last);
        drop(tx);
        let _ = forward.await;
        Ok(TurnDone { turn, outcome, tool_lines, checkpoint })
    }
}

/// The agent's hands for `askAgent` hooks in this editor: the chat's host
/// (edits through `workspace/applyEdit`, asked first unless the agent mode
/// is autopilot) and the agent settings as they are when the hook runs.
pub(super) fn hook_agents(
    client: &Client,
    flags: &Arc<RwLock<ClientFlags>>,
    world: &Arc<RwLock<World>>,
    chats: &Chats,
) -> AgentSource {
    let (client, flags, world, settings) =
        (client.clone(), Arc::clone(flags), Arc::clone(world), Arc::clone(&chats.settings));
    Arc::new(move |root: &Path| {
        let settings = settings.read().unwrap_or_else(|e| e.into_inner()).clone();
        let flags = flags.read().map(|f| *f).unwrap_or_default();
        let host = EditorHost {
            client: client.clone(),
            flags,
            world: Arc::clone(&world),
            autopilot: settings.autopilot,
            session: None,
        };
        Some(AgentHands {
            host: Arc::new(host),
            // The hook passed the trust gate: its folder is trusted.
            allowed_commands: settings.allowed_commands_in(root, true),
            max_steps: settings.max_steps,
        })
    })
}

enum ChatEventNotification {}

impl lsp::notification::Notification for ChatEventNotification {
    type Params = ext::ChatEvent;
    const METHOD: &'static str = ext::CHAT_EVENT;
}

pub(super) fn chat_event(session: &str, turn: u32, root: &Path, event: TurnEvent) -> ext::ChatEvent {
    let base = ext::ChatEvent { session: session.to_string(), turn, ..Default::default() };
    match event {
        TurnEvent::Agent(AgentEvent::Text(text)) => ext::ChatEvent { kind: "text".into(), text: Some(text), ..base },
        TurnEvent::Agent(AgentEvent::ToolCall { name, input, .. }) => {
            ext::ChatEvent { kind: "toolCall".into(), name: Some(name), input: Some(input), ..base }
        }
        TurnEvent::Agent(AgentEvent::ToolResult { name, ok, output, .. }) => {
            ext::ChatEvent { kind: "toolResult".into(), name: Some(name), ok: Some(ok), output: Some(output), ..base }
        }
        TurnEvent::Edit { path, action } => {
            let uri = convert::uri(&root.join(&path)).map(|u| u.as_str().to_string());
            ext::ChatEvent { kind: "edit".into(), action: Some(action.into()), uri, ..base }
        }
        TurnEvent::Notice(text) => ext::ChatEvent { kind: "notice".into(), text: Some(text), ..base },
    }
}

/// A context item as the client sent it, read where it lives: most by the
/// agent's context module, an MCP resource from its server first.
enum PendingItem {
    Ready(ContextItem),
    McpResource { server: String, uri: String },
}

/// The context items the client attached, as the agent's context module
/// reads them: paths from their URIs, a spec by its folder's name, the
/// problems the server knows in this folder, an MCP server's resource by
/// the server's name and the resource's URI. Items it cannot read are
/// named, so the model can look them up.
fn context_items(context: &[ext::ChatContext], world: &World, root: &Path) -> Vec<PendingItem> {
    let path_of = |item: &ext::ChatContext| {
        item.uri.as_deref().and_then(|u| u.parse::<lsp::Uri>().ok()).and_then(|u| convert::path(&u))
    };
    let mut items = Vec::new();
    for item in context {
        if item.kind == "mcp" {
            items.push(match (&item.server, &item.uri) {
                (Some(server), Some(uri)) => PendingItem::McpResource { server: server.clone(), uri: uri.clone() },
                _ => PendingItem::Ready(ContextItem::note(
                    "An MCP resource was not attached: it needs both `server` and `uri`",
                )),
            });
            continue;
        }
        let path = path_of(item);
        let parsed = match (item.kind.as_str(), path) {
            ("file", Some(path)) => Some(ContextItem::File(path)),
            ("folder", Some(path)) => Some(ContextItem::Folder(path)),
            ("folder", None) => Some(ContextItem::Folder(root.to_path_buf())),
            ("spec", Some(path)) => spec_name(&path).map(ContextItem::Spec),
            ("steering", path) => Some(ContextItem::Steering(path)),
            ("codebase", _) => Some(ContextItem::Codebase),
            ("problems", _) => Some(ContextItem::Problems(problems(world, root))),
            ("gitDiff", _) => Some(ContextItem::GitDiff),
            _ => None,
        };
        match parsed {
            Some(parsed) => items.push(PendingItem::Ready(parsed)),
            None => tracing::info!("chat context item {:?} ({:?}) was not understood", item.kind, item.uri),
        }
    }
    items
}

/// The name of the spec whose folder (or document) `path` is.
fn spec_name(path: &Path) -> Option<String> {
    let dir = if path.extension().is_some_and(|e| e == "md") { path.parent()? } else { path };
    let parent = dir.parent()?;
    (parent.file_name()? == "specs").then(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))?
}

/// The spec and steering diagnostics of the folder `root`.
fn problems(world: &World, root: &Path) -> Vec<Problem> {
    let rel = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let mut out = Vec::new();
    for (dir, snap) in world.specs.iter().filter(|(dir, _)| dir.starts_with(root)) {
        for d in &snap.analysis.diagnostics {
            out.push(Problem {
                path: rel(&dir.join(d.doc.file_name())),
                line: d.range.start.line + 1,
                severity: format!("{:?}", d.severity).to_lowercase(),
                message: d.message.clone(),
                source: Some(format!("specwright {}", d.code.as_str())),
            });
        }
    }
    if let Some(steering) = world.steering.get(root) {
        for file in &steering.files {
            for d in &file.diagnostics {
                out.push(Problem {
                    path: rel(&file.path),
                    line: d.range.start.line + 1,
                    severity: format!("{:?}", d.severity).to_lowercase(),
                    message: d.message.clone(),
                    source: Some("specwright steering".into()),
                });
            }
        }
    }
    out
}

/// The agent's host inside an editor.
pub(super) struct EditorHost {
    client: Client,
    flags: ClientFlags,
    world: Arc<RwLock<World>>,
    autopilot: bool,
    /// The chat session whose turn makes the changes, for the client's review.
    session: Option<String>,
}

impl EditorHost {
    async fn ask(&self, message: String, yes: &str, no: &str) -> bool {
        if !self.flags.message_requests {
            return false;
        }
        matches!(
            super::server::ask_user(&self.client, lsp::MessageType::INFO, message, &[yes, no]).await,
            Ok(Some(title)) if title == yes
        )
    }

    fn display(&self, path: &Path) -> String {
        let world = self.world.read().unwrap_or_else(|e| e.into_inner());
        world.root_of(path).and_then(|r| path.strip_prefix(r).ok()).unwrap_or(path).to_string_lossy().into_owned()
    }
}

impl EditorHost {
    /// Asks the user about a step's changes (supervised mode): through the
    /// client's own review (`specwright/reviewEdits`, every file and hunk in
    /// one request) when it has one, else Apply / Reject for each. Returns,
    /// per change in order, what to apply (only the accepted hunks) or why
    /// nothing is.
    async fn review_all(&self, changes: Vec<FileChange>) -> Vec<std::result::Result<(FileChange, Applied), String>> {
        if !self.flags.review_edits {
            let mut out = Vec::with_capacity(changes.len());
            for change in changes {
                let rel = self.display(change.path());
                if !self.flags.message_requests {
                    out.push(Err(format!(
                        "{rel} was not changed: this editor cannot ask for approval (it does not support \
                         window/showMessageRequest); set specwright.agent.mode to autopilot to let the agent edit"
                    )));
                    continue;
                }
                let title = format!("Specwright's agent wants to {}.", what_it_does(&change, &rel));
                out.push(if self.ask(title, "Apply", "Reject").await {
                    Ok((change, Applied::All))
                } else {
                    Err(format!("the user did not apply the change to {rel}"))
                });
            }
            return out;
        }
        let proposals: Vec<Proposal> = changes.into_iter().map(|c| Proposal::of(c, |p| self.display(p))).collect();
        let title = match proposals.as_slice() {
            [one] => format!("Specwright's agent wants to {}.", what_it_does(&one.change, &one.rel)),
            many => format!("Specwright's agent wants to change {} files.", many.len()),
        };
        let params = ext::ReviewEditsParams {
            session: self.session.clone(),
            title,
            files: proposals.iter().filter_map(Proposal::file).collect(),
        };
        let answer = match self.client.send_request::<ReviewEdits>(params).await {
            Ok(answer) => answer.unwrap_or_default(),
            Err(e) => {
                tracing::warn!("specwright/reviewEdits failed: {e}");
                ext::ReviewEditsResult::default()
            }
        };
        proposals
            .into_iter()
            .map(|p| {
                let accepted = p
                    .uri
                    .as_ref()
                    .and_then(|uri| answer.files.iter().find(|f| f.uri == uri.as_str()).map(|f| f.accepted.clone()));
                p.decide(accepted)
            })
            .collect()
    }

    /// Applies `change` through the editor, else (a client that cannot
    /// create or delete files) atomically on disk.
    async fn write(&self, change: FileChange) -> std::result::Result<(), String> {
        let rel = self.display(change.path());
        let Some(edit) = workspace_edit(&change, self.flags) else {
            return tokio::task::spawn_blocking(move || specwright_agent::host::apply_on_disk(&change))
                .await
                .map_err(|e| format!("the write did not finish: {e}"))?;
        };
        match self.client.apply_edit(edit).await {
            Ok(response) if response.applied => Ok(()),
            Ok(response) => {
                Err(response.failure_reason.unwrap_or_else(|| format!("the editor refused the change to {rel}")))
            }
            Err(e) => Err(format!("the editor could not apply the change to {rel}: {e}")),
        }
    }
}

/// `specwright/reviewEdits`.
enum ReviewEdits {}

impl lsp::request::Request for ReviewEdits {
    type Params = ext::ReviewEditsParams;
    type Result = Option<ext::ReviewEditsResult>;
    const METHOD: &'static str = ext::REVIEW_EDITS;
}

/// `create src/a.ts`, `change src/a.ts`, `delete src/a.ts`.
fn what_it_does(change: &FileChange, rel: &str) -> String {
    match change {
        FileChange::Write { old: None, .. } => format!("create {rel}"),
        FileChange::Write { .. } => format!("change {rel}"),
        FileChange::Delete { .. } => format!("delete {rel}"),
    }
}

/// One file's change as the client reviews it.
struct Proposal {
    change: FileChange,
    rel: String,
    uri: Option<lsp::Uri>,
    hunks: Vec<review::Hunk>,
}

impl Proposal {
    fn of(change: FileChange, display: impl Fn(&Path) -> String) -> Self {
        let (old, new) = match &change {
            FileChange::Write { old, new, .. } => (old.as_deref().unwrap_or(""), new.as_str()),
            FileChange::Delete { old, .. } => (old.as_str(), ""),
        };
        let hunks = review::hunks(old, new);
        Self { rel: display(change.path()), uri: convert::uri(change.path()), hunks, change }
    }

    fn file(&self) -> Option<ext::ReviewFile> {
        let (action, old_text, new_text) = match &self.change {
            FileChange::Write { old: None, new, .. } => ("create", None, Some(new.clone())),
            FileChange::Write { old: Some(old), new, .. } => ("change", Some(old.clone()), Some(new.clone())),
            FileChange::Delete { old, .. } => ("delete", Some(old.clone()), None),
        };
        let hunks = self
            .hunks
            .iter()
            .map(|h| ext::ReviewHunk {
                old_start: h.old_start as u32,
                old_lines: h.old_lines as u32,
                new_start: h.new_start as u32,
                new_lines: h.new_lines as u32,
                text: h.text.clone(),
            })
            .collect();
        Some(ext::ReviewFile {
            uri: self.uri.as_ref()?.as_str().to_string(),
            action: action.into(),
            old_text,
            new_text,
            hunks,
        })
    }

    /// The change to apply given the user's answer for this file (none: rejected).
    fn decide(self, accepted: Option<ext::Accepted>) -> std::result::Result<(FileChange, Applied), String> {
        let rel = self.rel;
        let list = match accepted {
            Some(ext::Accepted::All(true)) => return Ok((self.change, Applied::All)),
            None | Some(ext::Accepted::All(false)) => {
                return Err(format!("the user rejected the change to {rel}"));
            }
            Some(ext::Accepted::Hunks(list)) => list,
        };
        let mut kept: Vec<usize> = list.into_iter().filter(|i| *i < self.hunks.len()).collect();
        kept.sort_unstable();
        kept.dedup();
        match self.change {
            _ if kept.is_empty() => Err(format!("the user rejected the change to {rel}")),
            change if kept.len() == self.hunks.len() => Ok((change, Applied::All)),
            FileChange::Write { path, old: Some(old), new } => {
                let rejected: Vec<&str> = (0..self.hunks.len())
                    .filter(|i| !kept.contains(i))
                    .map(|i| self.hunks[i].text.lines().next().unwrap_or(""))
                    .collect();
                let note = format!(
                    "the user accepted {} of the {} hunks of {rel} and rejected {}",
                    kept.len(),
                    self.hunks.len(),
                    rejected.join(", ")
                );
                let text = review::apply_hunks(&old, &new, &kept);
                Ok((FileChange::Write { path, old: Some(old), new: text }, Applied::Partly(note)))
            }
            // A creation or deletion is all or nothing: some hunks accepted is all of it.
            change => Ok((change, Applied::All)),
        }
    }
}

impl Host for EditorHost {
    fn apply(&self, change: FileChange) -> BoxFuture<'_, std::result::Result<(), String>> {
        Box::pin(async move { self.apply_reviewed(change).await.map(|_| ()) })
    }

    fn apply_reviewed(&self, change: FileChange) -> BoxFuture<'_, std::result::Result<Applied, String>> {
        Box::pin(
            async move { self.apply_all(vec![change]).await.pop().unwrap_or_else(|| Err("nothing to apply".into())) },
        )
    }

    fn apply_all(&self, changes: Vec<FileChange>) -> BoxFuture<'_, Vec<std::result::Result<Applied, String>>> {
        Box::pin(async move {
            let decided = if self.autopilot {
                changes.into_iter().map(|c| Ok((c, Applied::All))).collect()
            } else {
                self.review_all(changes).await
            };
            let mut outcomes = Vec::with_capacity(decided.len());
            for decision in decided {
                outcomes.push(match decision {
                    Ok((change, applied)) => self.write(change).await.map(|()| applied),
                    Err(reason) => Err(reason),
                });
            }
            outcomes
        })
    }

    fn approve_command(&self, command: &str) -> BoxFuture<'_, bool> {
        let message =
            format!("Specwright's agent wants to run `{command}`, which is not in specwright.agent.allowedCommands.");
        Box::pin(async move { self.ask(message, "Run", "Refuse").await })
    }

    fn approve_tool<'a>(&'a self, server: &'a str, tool: &'a str, input: &'a serde_json::Value) -> BoxFuture<'a, bool> {
        let mut arguments = input.to_string();
        if arguments.chars().count() > 300 {
            arguments = format!("{}…", arguments.chars().take(300).collect::<String>());
        }
        let message = format!(
            "Specwright's agent wants to call the tool `{tool}` of the MCP server `{server}` with {arguments}; it is not in \
             the server's autoApprove (.kiro/settings/mcp.json)."
        );
        Box::pin(async move { self.ask(message, "Allow", "Refuse").await })
    }

    fn open_text(&self, path: &Path) -> Option<String> {
        self.world.read().unwrap_or_else(|e| e.into_inner()).open.get(path).map(|d| d.text.clone())
    }
}

/// The workspace edit of `change`: the whole text replaced (an existing
/// file), the file created with its text (when the client can create
/// files), or the file deleted (when it can delete files); `None`
/// otherwise.
pub(super) fn workspace_edit(change: &FileChange, flags: ClientFlags) -> Option<lsp::WorkspaceEdit> {
    let uri = convert::uri(change.path())?;
    let operations = |ops: Vec<lsp::DocumentChangeOperation>| lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Operations(ops)),
        ..Default::default()
    };
    match change {
        FileChange::Write { old: Some(old), new, .. } => {
            let edit =
                lsp::TextEdit { range: lsp::Range::new(lsp::Position::new(0, 0), end_of(old)), new_text: new.clone() };
            Some(lsp::WorkspaceEdit { changes: Some([(uri, vec![edit])].into_iter().collect()), ..Default::default() })
        }
        FileChange::Write { old: None, new, .. } if flags.create_files => {
            let create = lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                uri: uri.clone(),
                options: Some(lsp::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(false) }),
                annotation_id: None,
            }));
            let text = lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                    range: lsp::Range::new(lsp::Position::new(0, 0), lsp::Position::new(0, 0)),
                    new_text: new.clone(),
                })],
            });
            Some(operations(vec![create, text]))
        }
        FileChange::Delete { .. } if flags.delete_files => {
            let delete = lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Delete(lsp::DeleteFile {
                uri,
                options: Some(lsp::DeleteFileOptions { recursive: Some(false), ignore_if_not_exists: Some(false) }),
                annotation_id: None,
            }));
            Some(operations(vec![delete]))
        }
        FileChange::Write { .. } | FileChange::Delete { .. } => None,
    }
}

/// The position after the last character of `text` (UTF-16 columns).
pub(super) fn end_of(text: &str) -> lsp::Position {
    let line = text.matches('\n').count();
    let last = text.rsplit('\n').next().unwrap_or("");
    lsp::Position::new(line as u32, last.encode_utf16().count() as u32)
}
