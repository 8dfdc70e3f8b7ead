//! The Agent Client Protocol over stdio with the `agent-client-protocol`
//! crate (pinned; the only module that names it, `scripts/check-layers`
//! enforces it): requests become calls of [`SpecAgent`], our [`Update`]s
//! become `session/update` notifications, and [`Peer`] questions become
//! `session/request_permission` and `fs/write_text_file` requests.
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

use crate::agent::{
    COMMANDS, ClientCaps, Permission, PermissionAsk, PlanStatus, SessionView, SpecAgent, Stop, ToolKind, Update,
};

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
                    match a.new_session(&req.cwd) {
                        Ok(view) => {
                            let response = NewSessionResponse::new(view.id.clone())
                                .modes(modes(&view))
                                .config_options(config_options(&view));
                            responder.respond(response)?;
                            announce(&a, &cx, &view);
                            Ok(())
                        }
                        Err(e) => responder.respond_with_error(Error::invalid_params().data(serde_json::json!(e))),
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
                    match a.load_session(&req.session_id.0, &req.cwd, &peer) {
                        Ok(view) => {
                            let response =
                                LoadSessionResponse::new().modes(modes(&view)).config_options(config_options(&view));
                            responder.respond(response)?;
                            announce(&a, &cx, &view);
                            Ok(())
                        }
                        Err(e) => responder.respond_with_error(Error::invalid_params().data(serde_json::json!(e))),
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
                        "model" => Err(Error::invalid_params()
                            .data(serde_json::json!("the model is chosen where Specwright starts (SPECWRIGHT_MODEL)"))),
                        other => Err(Error::invalid_params().data(serde_json::json!(format!("no option `{other}`")))),
                    };
                    match outcome {
                        Ok(()) => {
                            let view = SessionView {
                                id: req.session_id.0.to_string(),
                                autopilot: value == AUTOPILOT,
                                model_label: a.model_label().to_string(),
                                spec: None,
                            };
                            responder.respond(SetSessionConfigOptionResponse::new(config_options(&view)))
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
                    let a = a.clone();
                    let task_cx = cx.clone();
                    // Out of the dispatch loop: the turn waits on the client's answers.
                    cx.spawn(async move {
                        let peer = SdkPeer { cx: task_cx, session: req.session_id.clone() };
                        let text = prompt_text(&req.prompt);
                        match a.prompt(&req.session_id.0, &text, &peer).await {
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

fn initialize_response() -> InitializeResponse {
    InitializeResponse::new(ProtocolVersion::V1)
        .agent_capabilities(
            AgentCapabilities::new()
                .load_session(true)
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
            return Err(Error::invalid_params()
                .data(serde_json::json!(format!("the modes are `{SUPERVISED}` and `{AUTOPILOT}`, not `{other}`"))));
        }
    };
    a.set_autopilot(&session.0, autopilot).map_err(|e| Error::invalid_params().data(serde_json::json!(e)))
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
