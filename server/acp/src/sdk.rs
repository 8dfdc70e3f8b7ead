//! The Agent Client Protocol over stdio with the `agent-client-protocol`
//! crate (pinned; the only module that names it, `scripts/check-layers`
//! enforces it): requests become calls of [`SpecAgent`], our [`Update`]s
//! become `session/update` notifications, and [`Peer`] questions become
//! `session/request_permission` and `fs/write_text_file` requests.
//!
//! The client side ([`run_task_client`]) drives an external ACP agent for a
//! task run: its `fs/*` requests and permission questions are handed to
//! `client.rs` through a channel and answered there.
//!
//! The crate runs handlers inside its dispatch loop: a prompt turn (which
//! waits on the client's answers) runs as a connection task, so the loop
//! keeps reading `session/cancel` and the answers meanwhile. A failed turn
//! is an error reply, never an error of the connection.

use std::path::Path;
use std::sync::Arc;

use agent_client_protocol::schema::ProtocolVersion;
use agent_client_protocol::v1::schema::{
    AgentCapabilities, AuthMethod, AuthMethodAgent, AuthenticateRequest, AuthenticateResponse, AvailableCommand,
    AvailableCommandInput, AvailableCommandsUpdate, CancelNotification, ContentBlock, ContentChunk, Diff,
    EmbeddedResourceResource, Implementation, InitializeRequest, InitializeResponse, ListSessionsRequest,
    ListSessionsResponse, LoadSessionRequest, LoadSessionResponse, NewSessionRequest, NewSessionResponse,
    PermissionOption, PermissionOptionKind, Plan, PlanEntry, PlanEntryPriority, PlanEntryStatus, PromptCapabilities,
    PromptRequest, PromptResponse, RequestPermissionOutcome, RequestPermissionRequest, SessionCapabilities,
    SessionConfigOption, SessionConfigOptionCategory, SessionConfigSelectOption, SessionId, SessionInfo,
    SessionListCapabilities, SessionMode, SessionModeState, SessionNotification, SessionUpdate,
    SetSessionConfigOptionRequest, SetSessionConfigOptionResponse, SetSessionModeRequest, SetSessionModeResponse,
    StopReason, ToolCall, ToolCallContent, ToolCallLocation, ToolCallStatus, ToolCallUpdate, ToolCallUpdateFields,
    UnstructuredCommandInput, WriteTextFileRequest,
};
use agent_client_protocol::v1::{ConnectionTo, Responder};
use agent_client_protocol::{Agent, Client, Error, Stdio};
use specwright_models::BoxFuture;

use specwright_agent::tools::{ShellEnding, ShellRun};

use crate::agent::{
    COMMANDS, ClientCaps, ClientServer, Permission, PermissionAsk, PlanStatus, SessionView, SpecAgent, Stop,
    TerminalRun, ToolKind, Update,
};
use crate::client::{AgentEnd, AgentNote, Incoming};

/// The mode ids (and values of the `mode` config option).
const SUPERVISED: &str = "supervised";
const AUTOPILOT: &str = "autopilot";

/// Serves `agent` on stdin/stdout until the client closes stdin.
pub async fn serve_stdio(agent: Arc<SpecAgent>) -> Result<(), String> {
    let a = agent;
    Agent
        .v1()
        .name("specwright")
        .on_receive_request(
            {
                let a = a.clone();
                async move |req: InitializeRequest, responder: Responder<InitializeResponse>, _cx: ConnectionTo<Client>| {
                    let caps = &req.client_capabilities;
                    a.set_client_caps(ClientCaps {
                        read_text_file: caps.fs.read_text_file,
                        write_text_file: caps.fs.write_text_file,
                        terminal: caps.terminal,
                    });
                    responder.respond(initialize_response())
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let a = a.clone();
                async move |_req: AuthenticateRequest, responder: Responder<AuthenticateResponse>, _cx: ConnectionTo<Client>| {
                    if a.has_model() {
                        responder.respond(AuthenticateResponse::new())
                    } else {
                        responder.respond_with_error(Error::auth_required().data(serde_json::json!(
                            "set SPECWRIGHT_PROVIDER and its API key variable in the environment Specwright is started in"
                        )))
                    }
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let a = a.clone();
                async move |req: NewSessionRequest, responder: Responder<NewSessionResponse>, cx: ConnectionTo<Client>| {
                    match a.new_session(&req.cwd, &client_servers(&req.mcp_servers)) {
                        Ok(view) => {
                            let response = NewSessionResponse::new(view.id.clone())
                                .modes(modes(&view))
                                .config_options(config_options(&view));
                            responder.respond(response)?;
                            announce(&a, &cx, &view);
                            Ok(())
                        }
                        Err(e) => responder.respond_with_error(invalid(e)),
                    }
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let a = a.clone();
                async move |req: LoadSessionRequest, responder: Responder<LoadSessionResponse>, cx: ConnectionTo<Client>| {
                    let peer = SdkPeer { cx: cx.clone(), session: req.session_id.clone() };
                    match a.load_session(&req.session_id.0, &req.cwd, &client_servers(&req.mcp_servers), &peer) {
                        Ok(view) => {
                            let response =
                                LoadSessionResponse::new().modes(modes(&view)).config_options(config_options(&view));
                            responder.respond(response)?;
                            announce(&a, &cx, &view);
                            Ok(())
                        }
                        Err(e) => responder.respond_with_error(invalid(e)),
                    }
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let a = a.clone();
                async move |req: ListSessionsRequest, responder: Responder<ListSessionsResponse>, _cx: ConnectionTo<Client>| {
                    let sessions = a
                        .list_sessions(req.cwd.as_deref())
                        .into_iter()
                        .map(|s| SessionInfo::new(s.id, s.cwd).title(s.title))
                        .collect();
                    responder.respond(ListSessionsResponse::new(sessions))
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let a = a.clone();
                async move |req: SetSessionModeRequest, responder: Responder<SetSessionModeResponse>, _cx: ConnectionTo<Client>| {
                    match set_mode(&a, &req.session_id, &req.mode_id.0) {
                        Ok(()) => responder.respond(SetSessionModeResponse::new()),
                        Err(e) => responder.respond_with_error(e),
                    }
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let a = a.clone();
                async move |req: SetSessionConfigOptionRequest,
                            responder: Responder<SetSessionConfigOptionResponse>,
                            _cx: ConnectionTo<Client>| {
                    let value = req.value.as_value_id().map(|v| v.0.to_string()).unwrap_or_default();
                    let outcome = match &*req.config_id.0 {
                        "mode" => set_mode(&a, &req.session_id, &value),
                        "model" if value == a.model_label() => Ok(()),
                        "model" => Err(invalid("the model is chosen where Specwright starts (SPECWRIGHT_MODEL)")),
                        other => Err(invalid(format!("no option `{other}`"))),
                    };
                    match outcome {
                        Ok(()) => {
                            let options = a.view(&req.session_id.0).map(|v| config_options(&v)).unwrap_or_default();
                            responder.respond(SetSessionConfigOptionResponse::new(options))
                        }
                        Err(e) => responder.respond_with_error(e),
                    }
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let a = a.clone();
                async move |req: PromptRequest, responder: Responder<PromptResponse>, cx: ConnectionTo<Client>| {
                    // Begun here, so that a session/cancel right behind the prompt finds the turn.
                    if let Err(e) = a.begin(&req.session_id.0) {
                        return responder.respond_with_error(invalid(e));
                    }
                    let a = a.clone();
                    let task_cx = cx.clone();
                    // Out of the dispatch loop: the turn waits on the client's answers.
                    cx.spawn(async move {
                        let peer = SdkPeer { cx: task_cx, session: req.session_id.clone() };
                        let text = prompt_text(&req.prompt);
                        let outcome = a.prompt(&req.session_id.0, &text, &peer).await;
                        a.end(&req.session_id.0);
                        match outcome {
                            Ok(stop) => responder.respond(PromptResponse::new(stop_reason(stop))),
                            Err(e) => responder.respond_with_error(Error::internal_error().data(serde_json::json!(e))),
                        }
                    })
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_notification(
            {
                let a = a.clone();
                async move |n: CancelNotification, _cx: ConnectionTo<Client>| {
                    a.cancel(&n.session_id.0);
                    Ok(())
                }
            },
            agent_client_protocol::on_receive_notification!(),
        )
        .connect_to(Stdio::new())
        .await
        .map_err(|e| format!("the ACP connection failed: {e}"))
}

/// The MCP servers a client hands a session, in our terms (SSE is not
/// offered in the capabilities, so none comes).
fn client_servers(servers: &[agent_client_protocol::v1::schema::McpServer]) -> Vec<ClientServer> {
    use agent_client_protocol::v1::schema::McpServer;
    servers
        .iter()
        .filter_map(|server| match server {
            McpServer::Stdio(s) => Some(ClientServer::Stdio {
                name: s.name.clone(),
                command: s.command.to_string_lossy().into_owned(),
                args: s.args.clone(),
                env: s.env.iter().map(|v| (v.name.clone(), v.value.clone())).collect(),
            }),
            McpServer::Http(h) => Some(ClientServer::Http {
                name: h.name.clone(),
                url: h.url.clone(),
                headers: h.headers.iter().map(|v| (v.name.clone(), v.value.clone())).collect(),
            }),
            _ => None,
        })
        .collect()
}

/// The client's request cannot be served: `invalid_params` with the reason.
fn invalid(reason: impl Into<String>) -> Error {
    Error::invalid_params().data(serde_json::json!(reason.into()))
}

fn initialize_response() -> InitializeResponse {
    InitializeResponse::new(ProtocolVersion::V1)
        .agent_capabilities(
            AgentCapabilities::new()
                .load_session(true)
                .mcp_capabilities(agent_client_protocol::v1::schema::McpCapabilities::new().http(true))
                .prompt_capabilities(PromptCapabilities::new().embedded_context(true))
                .session_capabilities(SessionCapabilities::new().list(SessionListCapabilities::new())),
        )
        .auth_methods(vec![AuthMethod::Agent(AuthMethodAgent::new("environment", "API key in the environment").description(
            "Specwright reads its model from the environment it is started in: SPECWRIGHT_PROVIDER (anthropic, openai or \
             demo), SPECWRIGHT_MODEL, SPECWRIGHT_BASE_URL, and the key in ANTHROPIC_API_KEY or OPENAI_API_KEY. Keys \
             are never read from files.",
        ))])
        .agent_info(Implementation::new("specwright", env!("CARGO_PKG_VERSION")).title("Specwright"))
}

fn set_mode(a: &SpecAgent, session: &SessionId, mode: &str) -> Result<(), Error> {
    let autopilot = match mode {
        SUPERVISED => false,
        AUTOPILOT => true,
        other => {
            return Err(invalid(format!("the modes are `{SUPERVISED}` and `{AUTOPILOT}`, not `{other}`")));
        }
    };
    a.set_autopilot(&session.0, autopilot).map_err(invalid)
}

fn modes(view: &SessionView) -> SessionModeState {
    SessionModeState::new(
        if view.autopilot { AUTOPILOT } else { SUPERVISED },
        vec![
            SessionMode::new(SUPERVISED, "Supervised").description("Every edit and command is asked first"),
            SessionMode::new(AUTOPILOT, "Autopilot").description("Edits are applied without asking"),
        ],
    )
}

fn config_options(view: &SessionView) -> Vec<SessionConfigOption> {
    vec![
        SessionConfigOption::select(
            "mode",
            "Mode",
            if view.autopilot { AUTOPILOT } else { SUPERVISED },
            vec![
                SessionConfigSelectOption::new(SUPERVISED, "Supervised"),
                SessionConfigSelectOption::new(AUTOPILOT, "Autopilot"),
            ],
        )
        .category(SessionConfigOptionCategory::Mode),
        SessionConfigOption::select(
            "model",
            "Model",
            view.model_label.clone(),
            vec![SessionConfigSelectOption::new(view.model_label.clone(), view.model_label.clone())],
        )
        .category(SessionConfigOptionCategory::Model),
    ]
}

/// After `session/new` or `session/load`: the slash commands, and the plan
/// of the spec in focus.
fn announce(a: &SpecAgent, cx: &ConnectionTo<Client>, view: &SessionView) {
    let peer = SdkPeer { cx: cx.clone(), session: SessionId::new(view.id.clone()) };
    use crate::agent::Peer as _;
    peer.update(Update::Commands(COMMANDS.to_vec()));
    if let Some(plan) = a.plan(&view.id) {
        peer.update(Update::Plan(plan));
    }
}

/// The prompt's content blocks as one message: text as it is, a linked
/// resource as `@uri`, an embedded text resource fenced under its URI.
fn prompt_text(blocks: &[ContentBlock]) -> String {
    let mut parts = Vec::new();
    for block in blocks {
        match block {
            ContentBlock::Text(t) => parts.push(t.text.clone()),
            ContentBlock::ResourceLink(link) => parts.push(format!("@{}", link.uri)),
            ContentBlock::Resource(r) => match &r.resource {
                EmbeddedResourceResource::TextResourceContents(c) => {
                    parts.push(format!("Attached `{}`:\n````\n{}\n````", c.uri, c.text))
                }
                _ => parts.push("[a binary resource, not read]".into()),
            },
            _ => parts.push("[content Specwright does not read]".into()),
        }
    }
    parts.join("\n\n")
}

fn stop_reason(stop: Stop) -> StopReason {
    match stop {
        Stop::EndTurn => StopReason::EndTurn,
        Stop::Cancelled => StopReason::Cancelled,
        Stop::MaxTurnRequests => StopReason::MaxTurnRequests,
    }
}

fn kind(kind: ToolKind) -> agent_client_protocol::v1::schema::ToolKind {
    use agent_client_protocol::v1::schema::ToolKind as K;
    match kind {
        ToolKind::Read => K::Read,
        ToolKind::Edit => K::Edit,
        ToolKind::Delete => K::Delete,
        ToolKind::Search => K::Search,
        ToolKind::Execute => K::Execute,
        ToolKind::Fetch => K::Fetch,
        ToolKind::Other => K::Other,
    }
}

/// The most characters of a tool's output shown in the client.
const OUTPUT_CHARS: usize = 4_000;

fn update(update: Update) -> SessionUpdate {
    match update {
        Update::AgentText(text) => SessionUpdate::AgentMessageChunk(ContentChunk::new(text.into())),
        Update::UserText(text) => SessionUpdate::UserMessageChunk(ContentChunk::new(text.into())),
        Update::ToolCall { id, title, kind: k, input, locations } => SessionUpdate::ToolCall(
            ToolCall::new(id, title)
                .kind(kind(k))
                .status(ToolCallStatus::InProgress)
                .raw_input(input)
                .locations(locations.into_iter().map(ToolCallLocation::new).collect()),
        ),
        Update::ToolDiff { id, diff } => {
            let content = Diff::new(diff.path.clone(), diff.new).old_text(diff.old);
            SessionUpdate::ToolCallUpdate(ToolCallUpdate::new(
                id,
                ToolCallUpdateFields::new()
                    .content(vec![ToolCallContent::from(content)])
                    .locations(vec![ToolCallLocation::new(diff.path)]),
            ))
        }
        Update::ToolDone { id, ok, output } => {
            let shown: String = output.chars().take(OUTPUT_CHARS).collect();
            let mut fields =
                ToolCallUpdateFields::new().status(if ok { ToolCallStatus::Completed } else { ToolCallStatus::Failed });
            if !shown.trim().is_empty() {
                fields = fields.raw_output(serde_json::json!(shown));
            }
            SessionUpdate::ToolCallUpdate(ToolCallUpdate::new(id, fields))
        }
        Update::Plan(items) => SessionUpdate::Plan(Plan::new(
            items
                .into_iter()
                .map(|item| {
                    let priority = if item.optional {
                        PlanEntryPriority::Low
                    } else if item.subtask {
                        PlanEntryPriority::Medium
                    } else {
                        PlanEntryPriority::High
                    };
                    let status = match item.status {
                        PlanStatus::Pending => PlanEntryStatus::Pending,
                        PlanStatus::InProgress => PlanEntryStatus::InProgress,
                        PlanStatus::Completed => PlanEntryStatus::Completed,
                    };
                    PlanEntry::new(item.content, priority, status)
                })
                .collect(),
        )),
        Update::Commands(commands) => SessionUpdate::AvailableCommandsUpdate(AvailableCommandsUpdate::new(
            commands
                .into_iter()
                .map(|c| {
                    let command = AvailableCommand::new(c.name, c.description);
                    match c.hint {
                        Some(hint) => {
                            command.input(AvailableCommandInput::Unstructured(UnstructuredCommandInput::new(hint)))
                        }
                        None => command,
                    }
                })
                .collect(),
        )),
    }
}

/// The client of one session.
struct SdkPeer {
    cx: ConnectionTo<Client>,
    session: SessionId,
}

impl crate::agent::Peer for SdkPeer {
    fn update(&self, u: Update) {
        if let Err(e) = self.cx.send_notification(SessionNotification::new(self.session.clone(), update(u))) {
            tracing::warn!("a session/update was not sent: {e}");
        }
    }

    fn permission(&self, ask: PermissionAsk) -> BoxFuture<'_, Permission> {
        Box::pin(async move {
            let options = vec![
                PermissionOption::new("allow-once", "Allow", PermissionOptionKind::AllowOnce),
                PermissionOption::new("allow-always", "Always allow", PermissionOptionKind::AllowAlways),
                PermissionOption::new("reject-once", "Reject", PermissionOptionKind::RejectOnce),
                PermissionOption::new("reject-always", "Always reject", PermissionOptionKind::RejectAlways),
            ];
            let tool_call = ToolCallUpdate::new(
                ask.tool_call_id,
                ToolCallUpdateFields::new().title(ask.title).kind(kind(ask.kind)),
            );
            let request = RequestPermissionRequest::new(self.session.clone(), tool_call, options);
            match self.cx.send_request(request).block_task().await {
                Ok(answer) => match &answer.outcome {
                    RequestPermissionOutcome::Selected(selected) => match &*selected.option_id.0 {
                        "allow-once" => Permission::AllowOnce,
                        "allow-always" => Permission::AllowAlways,
                        "reject-always" => Permission::RejectAlways,
                        _ => Permission::RejectOnce,
                    },
                    _ => Permission::Cancelled,
                },
                Err(e) => {
                    tracing::warn!("session/request_permission failed: {e}");
                    Permission::Cancelled
                }
            }
        })
    }

    fn read_text_file<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            let request =
                agent_client_protocol::v1::schema::ReadTextFileRequest::new(self.session.clone(), path.to_path_buf());
            self.cx
                .send_request(request)
                .block_task()
                .await
                .map(|answer| answer.content)
                .map_err(|e| format!("the editor did not read {}: {e}", path.display()))
        })
    }

    fn run_terminal<'a>(&'a self, run: TerminalRun<'a>) -> BoxFuture<'a, Result<ShellRun, String>> {
        use agent_client_protocol::v1::schema::{
            CreateTerminalRequest, KillTerminalRequest, ReleaseTerminalRequest, Terminal, TerminalOutputRequest,
            WaitForTerminalExitRequest,
        };
        Box::pin(async move {
            let failed = |e: Error| format!("the editor's terminal failed: {e}");
            let create = CreateTerminalRequest::new(self.session.clone(), "sh")
                .args(vec!["-c".to_string(), run.command.to_string()])
                .cwd(run.cwd.to_path_buf())
                .output_byte_limit(run.output_limit as u64);
            let terminal = self.cx.send_request(create).block_task().await.map_err(failed)?.terminal_id;
            // The client shows the terminal on the tool call, live.
            let shown = ToolCallUpdate::new(
                run.tool_call_id,
                ToolCallUpdateFields::new().content(vec![ToolCallContent::Terminal(Terminal::new(terminal.clone()))]),
            );
            let _ = self.cx.send_notification(SessionNotification::new(
                self.session.clone(),
                SessionUpdate::ToolCallUpdate(shown),
            ));
            let result = async {
                let wait =
                    self.cx.send_request(WaitForTerminalExitRequest::new(self.session.clone(), terminal.clone()));
                let stopped = tokio::select! {
                    exited = tokio::time::timeout(run.timeout, wait.block_task()) => match exited {
                        Ok(answer) => {
                            answer.map_err(failed)?;
                            None
                        }
                        Err(_) => Some(ShellEnding::TimedOut),
                    },
                    () = run.cancel.cancelled() => Some(ShellEnding::Cancelled),
                };
                if stopped.is_some() {
                    let kill = KillTerminalRequest::new(self.session.clone(), terminal.clone());
                    let _ = self.cx.send_request(kill).block_task().await;
                }
                let output = TerminalOutputRequest::new(self.session.clone(), terminal.clone());
                let output = self.cx.send_request(output).block_task().await.map_err(failed)?;
                let ending = stopped.unwrap_or_else(|| match output.exit_status.as_ref() {
                    Some(status) => match (status.exit_code, &status.signal) {
                        (Some(code), _) => {
                            ShellEnding::Exited { code: i32::try_from(code).ok(), status: format!("exit code {code}") }
                        }
                        (None, Some(signal)) => {
                            ShellEnding::Exited { code: None, status: format!("killed by signal {signal}") }
                        }
                        (None, None) => ShellEnding::Exited { code: None, status: "ended".into() },
                    },
                    None => ShellEnding::Exited { code: None, status: "ended".into() },
                });
                Ok(ShellRun { ending, output: output.output })
            }
            .await;
            // Released whatever happened.
            let release = ReleaseTerminalRequest::new(self.session.clone(), terminal);
            let _ = self.cx.send_request(release).block_task().await;
            result
        })
    }

    fn write_text_file<'a>(&'a self, path: &'a Path, text: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let request = WriteTextFileRequest::new(self.session.clone(), path.to_path_buf(), text.to_string());
            self.cx
                .send_request(request)
                .block_task()
                .await
                .map(|_| ())
                .map_err(|e| format!("the editor did not write {}: {e}", path.display()))
        })
    }
}

/// Answers a request of the external agent once `client.rs` has: `ok`
/// makes the response, an error is the agent's `invalid_params` with the reason.
async fn answer_with<T, R: agent_client_protocol::JsonRpcResponse>(
    responder: Responder<R>,
    answer: tokio::sync::oneshot::Receiver<Result<T, String>>,
    ok: impl FnOnce(T) -> R,
) -> Result<(), Error> {
    match answer.await {
        Ok(Ok(value)) => responder.respond(ok(value)),
        Ok(Err(e)) => responder.respond_with_error(invalid(e)),
        Err(_) => responder.respond_with_internal_error("the task run ended"),
    }
}

/// The client side: drives the external agent on `outgoing`/`incoming`
/// (its stdin and stdout) through one session and one prompt, `brief`, in
/// folder `root`; its requests and updates go to `tx` (answered by
/// `client.rs`, through the task run's host). On `cancel`, `session/cancel`
/// is sent and the agent has `grace` to answer.
pub async fn run_task_client(
    outgoing: tokio_util::compat::Compat<tokio::process::ChildStdin>,
    incoming: tokio_util::compat::Compat<tokio::process::ChildStdout>,
    tx: tokio::sync::mpsc::UnboundedSender<Incoming>,
    brief: String,
    root: std::path::PathBuf,
    cancel: specwright_models::CancellationToken,
    timeouts: crate::client::Timeouts,
) -> Result<AgentEnd, String> {
    use agent_client_protocol::v1::schema::{
        ClientCapabilities, FileSystemCapabilities, ReadTextFileRequest, ReadTextFileResponse,
        RequestPermissionResponse, SelectedPermissionOutcome, WriteTextFileResponse,
    };
    let text = Arc::new(std::sync::Mutex::new(String::new()));
    let transport = agent_client_protocol::ByteStreams::new(outgoing, incoming);
    Client
        .v1()
        .name("specwright")
        .on_receive_notification(
            {
                let (tx, text) = (tx.clone(), text.clone());
                async move |n: SessionNotification, _cx: ConnectionTo<Agent>| {
                    let note = match n.update {
                        SessionUpdate::AgentMessageChunk(chunk) => match chunk.content {
                            ContentBlock::Text(t) => {
                                text.lock().unwrap_or_else(|e| e.into_inner()).push_str(&t.text);
                                Some(AgentNote::Text(t.text))
                            }
                            _ => None,
                        },
                        SessionUpdate::ToolCall(call) => Some(AgentNote::ToolCall {
                            id: call.tool_call_id.0.to_string(),
                            title: call.title,
                            input: call.raw_input.unwrap_or(serde_json::Value::Null),
                        }),
                        SessionUpdate::ToolCallUpdate(update) => match update.fields.status {
                            Some(ToolCallStatus::Completed | ToolCallStatus::Failed) => Some(AgentNote::ToolDone {
                                id: update.tool_call_id.0.to_string(),
                                ok: update.fields.status == Some(ToolCallStatus::Completed),
                                output: match update.fields.raw_output {
                                    Some(serde_json::Value::String(s)) => s,
                                    Some(other) => other.to_string(),
                                    None => String::new(),
                                },
                            }),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(note) = note {
                        let _ = tx.send(Incoming::Update(note));
                    }
                    Ok(())
                }
            },
            agent_client_protocol::on_receive_notification!(),
        )
        .on_receive_request(
            {
                let tx = tx.clone();
                async move |req: ReadTextFileRequest,
                            responder: Responder<ReadTextFileResponse>,
                            cx: ConnectionTo<Agent>| {
                    let (reply, answer) = tokio::sync::oneshot::channel();
                    let _ = tx.send(Incoming::Read { path: req.path, line: req.line, limit: req.limit, reply });
                    cx.spawn(answer_with(responder, answer, ReadTextFileResponse::new))
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let tx = tx.clone();
                async move |req: WriteTextFileRequest,
                            responder: Responder<WriteTextFileResponse>,
                            cx: ConnectionTo<Agent>| {
                    let (reply, answer) = tokio::sync::oneshot::channel();
                    let _ = tx.send(Incoming::Write { path: req.path, content: req.content, reply });
                    cx.spawn(answer_with(responder, answer, |()| WriteTextFileResponse::new()))
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .on_receive_request(
            {
                let tx = tx.clone();
                async move |req: RequestPermissionRequest,
                            responder: Responder<RequestPermissionResponse>,
                            cx: ConnectionTo<Agent>| {
                    let title =
                        req.tool_call.fields.title.clone().unwrap_or_else(|| req.tool_call.tool_call_id.0.to_string());
                    let input = req.tool_call.fields.raw_input.clone().unwrap_or(serde_json::Value::Null);
                    let (reply, answer) = tokio::sync::oneshot::channel();
                    let _ = tx.send(Incoming::Permission { title, input, reply });
                    cx.spawn(async move {
                        let allowed = answer.await.unwrap_or(false);
                        // A one-time answer never becomes a standing one.
                        let kinds: &[PermissionOptionKind] = if allowed {
                            &[PermissionOptionKind::AllowOnce]
                        } else {
                            &[PermissionOptionKind::RejectOnce, PermissionOptionKind::RejectAlways]
                        };
                        let chosen = kinds
                            .iter()
                            .find_map(|k| req.options.iter().find(|o| o.kind == *k))
                            .map(|o| o.option_id.clone());
                        responder.respond(RequestPermissionResponse::new(match chosen {
                            Some(id) => RequestPermissionOutcome::Selected(SelectedPermissionOutcome::new(id)),
                            None => RequestPermissionOutcome::Cancelled,
                        }))
                    })
                }
            },
            agent_client_protocol::on_receive_request!(),
        )
        .connect_with(transport, async move |cx: ConnectionTo<Agent>| {
            let late = |what: &str| {
                Error::internal_error().data(serde_json::json!(format!(
                    "the agent did not answer {what} within {} s",
                    timeouts.start.as_secs()
                )))
            };
            let initialize = cx.send_request(
                InitializeRequest::new(ProtocolVersion::V1)
                    .client_capabilities(
                        ClientCapabilities::new()
                            .fs(FileSystemCapabilities::new().read_text_file(true).write_text_file(true))
                            .terminal(false),
                    )
                    .client_info(Implementation::new("specwright", env!("CARGO_PKG_VERSION"))),
            );
            tokio::time::timeout(timeouts.start, initialize.block_task()).await.map_err(|_| late("initialize"))??;
            let new_session = cx.send_request(NewSessionRequest::new(root)).block_task();
            let session =
                tokio::time::timeout(timeouts.start, new_session).await.map_err(|_| late("session/new"))??;
            let id = session.session_id;
            let prompt = cx.send_request(PromptRequest::new(id.clone(), vec![brief.into()])).block_task();
            tokio::pin!(prompt);
            let answer = tokio::select! {
                answer = &mut prompt => Some(answer?),
                () = cancel.cancelled() => {
                    cx.send_notification(CancelNotification::new(id.clone()))?;
                    match tokio::time::timeout(timeouts.cancel_grace, &mut prompt).await {
                        Ok(answer) => Some(answer?),
                        Err(_) => None,
                    }
                }
            };
            let stop = match answer.map(|a| a.stop_reason) {
                Some(StopReason::EndTurn) => "end_turn",
                Some(StopReason::MaxTokens) => "max_tokens",
                Some(StopReason::MaxTurnRequests) => "max_turn_requests",
                Some(StopReason::Refusal) => "refusal",
                Some(StopReason::Cancelled) | None => "cancelled",
                Some(_) => "other",
            };
            let text = text.lock().unwrap_or_else(|e| e.into_inner()).clone();
            Ok(AgentEnd { stop: stop.to_string(), text })
        })
        .await
        .map_err(|e| e.to_string())
}
