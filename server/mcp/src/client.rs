//! The MCP servers of one workspace, as tools for the agent.
//!
//! [`McpClients`] manages the servers of an [`McpConfig`]:
//! - a server starts lazily, the first time its tools are needed;
//! - a server whose connection closed (it exited or crashed) is restarted
//!   on its next use, after a backoff, at most [`MAX_RESTARTS`] times;
//!   after that (or when it cannot start that often) it stays failed;
//! - every request runs under the server's `timeout` (else
//!   [`DEFAULT_TIMEOUT`]); a call that times out is cancelled on the server;
//! - [`McpClients::shutdown`] stops them all; dropping the last clone does
//!   too (the children's stdin is closed, then they are terminated).
//!
//! [`McpClients::agent_tools`] offers each enabled tool as
//! `<server>__<tool>` (see [`tool_name`]); a tool the server's
//! `autoApprove` does not name asks the user through
//! [`specwright_agent::Host::approve_tool`] and is refused without an answer. Results reach
//! the model as ordinary tool results, so they are capped and redacted like
//! every other tool output.
//!
//! Nothing here names rmcp: [`crate::sdk::client`] does the protocol.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use specwright_agent::{Tool, ToolContext, ToolError};
use specwright_models::BoxFuture;

use crate::config::{McpConfig, McpServerConfig, Transport};
use crate::sdk::client::Connection;

/// The limit of one request when the server's configuration sets none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a server may take to start and answer the handshake.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How many times a server is (re)started after its first start failed or
/// its connection closed, before it is left failed.
pub const MAX_RESTARTS: u32 = 3;
/// The most characters of a tool name the model providers accept.
pub const MAX_TOOL_NAME: usize = 64;

/// A tool as a server lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteTool {
    pub name: String,
    pub description: String,
    /// The JSON Schema of its input.
    pub input_schema: Value,
}

/// A resource as a server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteResource {
    pub uri: String,
    pub name: String,
    pub description: Option<String>,
    pub mime_type: Option<String>,
}

/// One piece of a tool's result or of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    Image {
        mime_type: String,
        base64_len: usize,
    },
    Audio {
        mime_type: String,
        base64_len: usize,
    },
    /// An embedded resource: its text, or only its size for a blob.
    Resource {
        uri: String,
        mime_type: Option<String>,
        text: Option<String>,
        base64_len: usize,
    },
    ResourceLink {
        uri: String,
        name: String,
    },
    /// A kind of content this version does not know.
    Other,
}

/// What a tool call returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    /// The tool reported a failure (`isError`); the content says why.
    pub is_error: bool,
    pub content: Vec<Content>,
    pub structured: Option<Value>,
}

impl ToolOutput {
    /// The result as text for the model: text content as is, other content
    /// summarised in one line each; the structured content when there is
    /// nothing else.
    pub fn text(&self) -> String {
        let parts: Vec<String> = self.content.iter().map(content_text).collect();
        let text = parts.join("\n");
        if text.trim().is_empty()
            && let Some(structured) = &self.structured
        {
            return structured.to_string();
        }
        text
    }
}

/// `content` as text for the model.
pub fn content_text(content: &Content) -> String {
    match content {
        Content::Text(text) => text.clone(),
        Content::Image { mime_type, base64_len } => {
            format!("[image {mime_type}, about {} bytes, not shown]", base64_len / 4 * 3)
        }
        Content::Audio { mime_type, base64_len } => {
            format!("[audio {mime_type}, about {} bytes, not shown]", base64_len / 4 * 3)
        }
        Content::Resource { uri, text: Some(text), .. } => format!("[resource {uri}]\n{text}"),
        Content::Resource { uri, mime_type, text: None, base64_len } => format!(
            "[resource {uri} ({}), about {} bytes of binary data, not shown]",
            mime_type.as_deref().unwrap_or("binary"),
            base64_len / 4 * 3
        ),
        Content::ResourceLink { uri, name } => format!("[resource link {name}: {uri}]"),
        Content::Other => "[content of a kind Specwright does not show]".into(),
    }
}

/// Why a request to a server failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum McpError {
    /// No server of that name is configured.
    Unknown(String),
    /// The server is `disabled` in the configuration.
    Disabled(String),
    /// The server comes from the workspace's `mcp.json` (a repository's
    /// command) and the folder is not trusted.
    NotTrusted(String),
    /// It could not be started (or not connected to).
    Start(String),
    /// It is left failed: it crashed or failed to start too often.
    Failed(String),
    /// The request took longer than the limit; it was cancelled.
    Timeout(Duration),
    /// The connection closed: the server exited or crashed.
    Closed,
    /// The server answered with a JSON-RPC error.
    Protocol { code: i32, message: String },
}

impl fmt::Display for McpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            McpError::Unknown(name) => write!(f, "no MCP server named `{name}` is configured"),
            McpError::Disabled(name) => write!(f, "the MCP server `{name}` is disabled in mcp.json"),
            McpError::NotTrusted(name) => write!(
                f,
                "the MCP server `{name}` comes from this workspace's .kiro/settings/mcp.json, and the folder is not \
                 trusted: its servers start once you trust it (`specwright hooks trust`, or Trust in the editor)"
            ),
            McpError::Start(m) | McpError::Failed(m) => f.write_str(m),
            McpError::Timeout(d) => write!(
                f,
                "the MCP server did not answer within {} s, so the request was cancelled (raise `timeout`, in \
                 milliseconds, in mcp.json)",
                d.as_secs_f32()
            ),
            McpError::Closed => f.write_str("the MCP server closed the connection (it exited or crashed)"),
            McpError::Protocol { code, message } => write!(f, "the MCP server answered error {code}: {message}"),
        }
    }
}

impl std::error::Error for McpError {}

/// Where a server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerState {
    /// Not started yet (or stopped).
    Stopped,
    Starting,
    Running,
    /// Not running; the reason (it may be restarted on next use, as the
    /// reason says).
    Failed(String),
    /// `disabled: true` in the configuration.
    Disabled,
    /// A workspace server of a folder that is not trusted: never started.
    NotTrusted,
}

impl ServerState {
    /// `stopped`, `starting`, `running`, `failed` or `disabled`.
    pub fn label(&self) -> &'static str {
        match self {
            ServerState::Stopped => "stopped",
            ServerState::Starting => "starting",
            ServerState::Running => "running",
            ServerState::Failed(_) => "failed",
            ServerState::Disabled => "disabled",
            ServerState::NotTrusted => "not trusted",
        }
    }
}

/// One server's state, for `specwright mcp list` and the status request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerStatus {
    pub name: String,
    pub state: ServerState,
    /// The tools it offers the agent (its own names; `disabledTools` left
    /// out); empty until it ran.
    pub tools: Vec<String>,
    /// The process id of a running stdio server.
    pub pid: Option<u32>,
}

/// One line describing how a server is reached: `stdio: node server.js`
/// or `http: https://example.com/mcp` (header values never shown).
pub fn transport_label(config: &McpServerConfig) -> String {
    match &config.transport {
        Transport::Stdio { command, args, .. } => {
            let mut line = format!("stdio: {command}");
            for arg in args {
                line.push(' ');
                line.push_str(arg);
            }
            line
        }
        Transport::Http { url, .. } => format!("http: {url}"),
    }
}

/// The configured servers of one workspace. Cheap to clone (shared).
#[derive(Clone)]
pub struct McpClients {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    servers: Vec<Server>,
    /// The backoff before the first restart; doubled for each next one.
    backoff: Duration,
}

struct Server {
    config: McpServerConfig,
    /// A workspace server while the folder is not trusted: never started.
    not_trusted: bool,
    /// Held while the server starts, so that it starts once.
    start: tokio::sync::Mutex<()>,
    slot: Mutex<Slot>,
}

struct Slot {
    state: ServerState,
    connection: Option<Arc<Connection>>,
    tools: Vec<RemoteTool>,
    /// Starts after the first (restarts and failed starts).
    restarts: u32,
    started_once: bool,
}

impl Server {
    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn timeout(&self) -> Duration {
        self.config.timeout.unwrap_or(DEFAULT_TIMEOUT)
    }
}

impl McpClients {
    /// The servers of `config`, none started; children run in `root`.
    /// Every server may start: the caller has checked that the folder is
    /// trusted (see [`McpClients::gated`]).
    pub fn new(root: &Path, config: &McpConfig) -> Self {
        Self::gated(root, config, true)
    }

    /// The servers of `config`, none started. The workspace's servers are
    /// the repository's commands: unless `workspace_trusted`, they never
    /// start (the user's own `~/.kiro/settings/mcp.json` servers do).
    pub fn gated(root: &Path, config: &McpConfig, workspace_trusted: bool) -> Self {
        let servers = config
            .servers
            .iter()
            .map(|c| {
                let not_trusted = !workspace_trusted && c.scope == crate::config::Scope::Workspace;
                (c, not_trusted)
            })
            .map(|(c, not_trusted)| Server {
                config: c.clone(),
                not_trusted,
                start: tokio::sync::Mutex::new(()),
                slot: Mutex::new(Slot {
                    state: match (c.disabled, not_trusted) {
                        (true, _) => ServerState::Disabled,
                        (false, true) => ServerState::NotTrusted,
                        (false, false) => ServerState::Stopped,
                    },
                    connection: None,
                    tools: Vec::new(),
                    restarts: 0,
                    started_once: false,
                }),
            })
            .collect();
        McpClients { inner: Arc::new(Inner { root: root.to_path_buf(), servers, backoff: Duration::from_millis(250) }) }
    }

    /// The servers of the workspace's and the user's `mcp.json`, or `None`
    /// when neither configures one (nothing changes then).
    pub fn load(root: &Path, env: &crate::config::Environment, workspace_trusted: bool) -> Option<Self> {
        let config = crate::config::load(root, env);
        (!config.servers.is_empty()).then(|| Self::gated(root, &config, workspace_trusted))
    }

    /// The backoff before the first restart (doubled for each next one).
    pub fn with_backoff(self, backoff: Duration) -> Self {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.backoff = backoff;
                McpClients { inner: Arc::new(inner) }
            }
            Err(inner) => McpClients { inner },
        }
    }

    /// The configured servers, in configuration order.
    pub fn configs(&self) -> impl Iterator<Item = &McpServerConfig> {
        self.inner.servers.iter().map(|s| &s.config)
    }

    fn server(&self, name: &str) -> Result<&Server, McpError> {
        self.inner.servers.iter().find(|s| s.config.name == name).ok_or_else(|| McpError::Unknown(name.into()))
    }

    /// Every server's state and tools.
    pub fn status(&self) -> Vec<ServerStatus> {
        self.inner
            .servers
            .iter()
            .map(|s| {
                let slot = s.slot();
                let mut state = slot.state.clone();
                let closed = slot.connection.as_ref().is_some_and(|c| c.is_closed());
                if state == ServerState::Running && closed {
                    state = ServerState::Failed(exited_reason(slot.restarts));
                }
                ServerStatus {
                    name: s.config.name.clone(),
                    state,
                    tools: slot
                        .tools
                        .iter()
                        .filter(|t| s.config.tool_enabled(&t.name))
                        .map(|t| t.name.clone())
                        .collect(),
                    pid: if closed { None } else { slot.connection.as_ref().and_then(|c| c.pid()) },
                }
            })
            .collect()
    }

    /// Starts every enabled server that is not running (at once); the
    /// errors of those that could not start, by server.
    pub async fn start_all(&self) -> Vec<(String, McpError)> {
        let mut set = tokio::task::JoinSet::new();
        for (i, server) in self.inner.servers.iter().enumerate() {
            if server.config.disabled {
                continue;
            }
            let this = self.clone();
            set.spawn(async move { (i, this.connection_at(i).await.err()) });
        }
        let mut errors = Vec::new();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, Some(e))) = joined {
                errors.push((self.inner.servers[i].config.name.clone(), e));
            }
        }
        errors
    }

    /// The tools server `name` offers the agent (`disabledTools` left
    /// out), starting it when needed.
    pub async fn tools(&self, name: &str) -> Result<Vec<RemoteTool>, McpError> {
        let server = self.server(name)?;
        let connection = self.connection(name).await?;
        self.refresh_tools(server, &connection).await;
        let slot = server.slot();
        Ok(slot.tools.iter().filter(|t| server.config.tool_enabled(&t.name)).cloned().collect())
    }

    /// Calls `tool` of server `name` with `arguments` under the server's
    /// timeout. A tool the configuration disables is refused.
    pub async fn call_tool(&self, name: &str, tool: &str, arguments: Value) -> Result<ToolOutput, McpError> {
        let server = self.server(name)?;
        if !server.config.tool_enabled(tool) {
            return Err(McpError::Failed(format!("the tool `{tool}` of `{name}` is in its disabledTools")));
        }
        let connection = self.connection(name).await?;
        let result = connection.call_tool(tool, arguments, server.timeout()).await;
        self.note_closed(server, &connection, &result);
        result
    }

    /// The resources server `name` lists, starting it when needed.
    pub async fn list_resources(&self, name: &str) -> Result<Vec<RemoteResource>, McpError> {
        let server = self.server(name)?;
        let connection = self.connection(name).await?;
        let result = connection.list_resources(server.timeout()).await;
        self.note_closed(server, &connection, &result);
        result
    }

    /// Resource `uri` of server `name`.
    pub async fn read_resource(&self, name: &str, uri: &str) -> Result<Vec<Content>, McpError> {
        let server = self.server(name)?;
        let connection = self.connection(name).await?;
        let result = connection.read_resource(uri, server.timeout()).await;
        self.note_closed(server, &connection, &result);
        result
    }

    /// The process id of server `name`, when it runs as a child.
    pub fn pid(&self, name: &str) -> Option<u32> {
        let server = self.server(name).ok()?;
        let slot = server.slot();
        slot.connection.as_ref().filter(|c| !c.is_closed()).and_then(|c| c.pid())
    }

    /// Stops every server (they start again on next use).
    pub async fn shutdown(&self) {
        for server in &self.inner.servers {
            let _guard = server.start.lock().await;
            let connection = {
                let mut slot = server.slot();
                if !server.config.disabled {
                    slot.state = ServerState::Stopped;
                }
                // A deliberate stop: the next use starts it afresh.
                slot.started_once = false;
                slot.connection.take()
            };
            if let Some(connection) = connection {
                match Arc::try_unwrap(connection) {
                    Ok(connection) => connection.shutdown().await,
                    // A call still holds it: it is stopped when that ends.
                    Err(shared) => drop(shared),
                }
            }
        }
    }

    /// Lists the tools of `server` again when it said they changed
    /// (`notifications/tools/list_changed`); on failure the old list stays.
    async fn refresh_tools(&self, server: &Server, connection: &Arc<Connection>) {
        if !connection.take_tools_changed() {
            return;
        }
        match connection.list_tools(server.timeout()).await {
            Ok(tools) => {
                tracing::info!(server = %server.config.name, "the MCP server's tools changed: {} now", tools.len());
                server.slot().tools = tools;
            }
            Err(e) => tracing::warn!(server = %server.config.name, "listing the changed tools failed: {e}"),
        }
    }

    fn note_closed<T>(&self, server: &Server, connection: &Arc<Connection>, result: &Result<T, McpError>) {
        if matches!(result, Err(McpError::Closed)) || connection.is_closed() {
            let mut slot = server.slot();
            if slot.connection.as_ref().is_some_and(|c| Arc::ptr_eq(c, connection)) {
                slot.state = ServerState::Failed(exited_reason(slot.restarts));
            }
        }
    }

    async fn connection(&self, name: &str) -> Result<Arc<Connection>, McpError> {
        let i = self.inner.servers.iter().position(|s| s.config.name == name).ok_or(McpError::Unknown(name.into()))?;
        self.connection_at(i).await
    }

    /// The live connection of server `i`: started (or restarted, after the
    /// backoff) when needed.
    async fn connection_at(&self, i: usize) -> Result<Arc<Connection>, McpError> {
        let server = &self.inner.servers[i];
        let name = &server.config.name;
        if server.config.disabled {
            return Err(McpError::Disabled(name.clone()));
        }
        if server.not_trusted {
            return Err(McpError::NotTrusted(name.clone()));
        }
        let _guard = server.start.lock().await;
        let restart = {
            let mut slot = server.slot();
            if let Some(connection) = &slot.connection
                && !connection.is_closed()
            {
                return Ok(connection.clone());
            }
            slot.connection = None;
            let restarting = slot.started_once;
            if restarting {
                if slot.restarts >= MAX_RESTARTS {
                    let reason = format!(
                        "the MCP server `{name}` stopped or failed to start {} times; it is not restarted again",
                        slot.restarts + 1
                    );
                    slot.state = ServerState::Failed(reason.clone());
                    return Err(McpError::Failed(reason));
                }
                slot.restarts += 1;
            }
            slot.started_once = true;
            slot.state = ServerState::Starting;
            restarting.then_some(slot.restarts)
        };
        if let Some(restart) = restart {
            let backoff = self.inner.backoff * 2u32.saturating_pow(restart - 1);
            tracing::info!(server = %name, "restarting the MCP server in {backoff:?} (restart {restart} of {MAX_RESTARTS})");
            tokio::time::sleep(backoff).await;
        }
        let started = async {
            let connection =
                crate::sdk::client::connect(name, &server.config.transport, &self.inner.root, START_TIMEOUT).await?;
            let tools = connection.list_tools(server.timeout()).await?;
            Ok::<_, McpError>((connection, tools))
        }
        .await;
        let mut slot = server.slot();
        match started {
            Ok((connection, tools)) => {
                let connection = Arc::new(connection);
                slot.connection = Some(connection.clone());
                slot.tools = tools;
                slot.state = ServerState::Running;
                Ok(connection)
            }
            Err(e) => {
                let reason = format!("the MCP server `{name}` could not start: {e}");
                tracing::warn!("{reason}");
                slot.state = ServerState::Failed(reason.clone());
                Err(McpError::Start(reason))
            }
        }
    }

    /// Every enabled tool of every enabled server, as tools for the agent
    /// (servers started as needed; one that cannot start is left out and
    /// its reason logged). Names are `<server>__<tool>`, made unique.
    pub async fn agent_tools(&self) -> Vec<Box<dyn Tool>> {
        for (name, e) in self.start_all().await {
            tracing::warn!(server = %name, "MCP server left out of the agent's tools: {e}");
        }
        let mut taken: HashSet<String> = specwright_agent::tools::all(&[]).iter().map(|t| t.name().into()).collect();
        let mut out: Vec<Box<dyn Tool>> = Vec::new();
        for server in &self.inner.servers {
            if server.config.disabled || server.not_trusted {
                continue;
            }
            let connection = {
                let slot = server.slot();
                if slot.state != ServerState::Running {
                    continue;
                }
                slot.connection.clone()
            };
            if let Some(connection) = &connection {
                self.refresh_tools(server, connection).await;
            }
            let tools: Vec<RemoteTool> = {
                let slot = server.slot();
                slot.tools.iter().filter(|t| server.config.tool_enabled(&t.name)).cloned().collect()
            };
            for tool in tools {
                let name = unique_name(&tool_name(&server.config.name, &tool.name), &taken);
                taken.insert(name.clone());
                let description = if tool.description.trim().is_empty() {
                    format!("The tool `{}` of the MCP server `{}`.", tool.name, server.config.name)
                } else {
                    format!("{} (MCP server `{}`)", tool.description.trim(), server.config.name)
                };
                out.push(Box::new(McpTool {
                    clients: self.clone(),
                    server: server.config.name.clone(),
                    tool: tool.name.clone(),
                    name: intern(name),
                    description: intern(description),
                    input_schema: schema_of(tool.input_schema),
                    auto_approve: server.config.auto_approve.allows(&tool.name),
                }));
            }
        }
        out
    }
}

fn exited_reason(restarts: u32) -> String {
    if restarts >= MAX_RESTARTS {
        "the server exited; it was restarted too often and is not restarted again".into()
    } else {
        "the server exited; it is restarted on next use".into()
    }
}

/// `<server>__<tool>` in the tool-name alphabet of the model providers
/// (`[a-zA-Z0-9_-]`, at most [`MAX_TOOL_NAME`] characters): other
/// characters become `_`, and a long name is cut.
pub fn tool_name(server: &str, tool: &str) -> String {
    let raw = format!("{server}__{tool}");
    let clean: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    clean.chars().take(MAX_TOOL_NAME).collect()
}

/// `name`, or `name` with a `_2`, `_3`… suffix (cut to fit) when taken.
fn unique_name(name: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(name) {
        return name.to_owned();
    }
    (2..)
        .map(|n| {
            let suffix = format!("_{n}");
            let head: String = name.chars().take(MAX_TOOL_NAME - suffix.len()).collect();
            format!("{head}{suffix}")
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_default()
}

/// A JSON Schema the providers accept for a tool input: an object schema.
fn schema_of(schema: Value) -> Value {
    match schema {
        Value::Object(map) if map.get("type").and_then(Value::as_str) == Some("object") => Value::Object(map),
        Value::Object(mut map) if !map.contains_key("type") => {
            map.insert("type".into(), "object".into());
            Value::Object(map)
        }
        _ => serde_json::json!({"type": "object"}),
    }
}

/// `s` as a `&'static str` ([`Tool::name`] and [`Tool::description`] are
/// static): each distinct text is leaked once, so a workspace's tools cost
/// their names once however many turns list them.
fn intern(s: String) -> &'static str {
    static SEEN: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let seen = seen.get_or_insert_with(HashSet::new);
    if let Some(existing) = seen.get(s.as_str()) {
        return existing;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// One MCP tool as an agent tool.
struct McpTool {
    clients: McpClients,
    server: String,
    tool: String,
    name: &'static str,
    description: &'static str,
    input_schema: Value,
    auto_approve: bool,
}

impl Tool for McpTool {
    fn name(&self) -> &'static str {
        self.name
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn input_schema(&self) -> Value {
        self.input_schema.clone()
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(async move {
            if cx.cancel.is_cancelled() {
                return Err(ToolError::Cancelled);
            }
            if !self.auto_approve && !cx.host.approve_tool(&self.server, &self.tool, &input).await {
                return Err(ToolError::Refused(format!(
                    "the user did not approve the tool `{}` of the MCP server `{}` (tools not in the server's \
                     autoApprove ask first)",
                    self.tool, self.server
                )));
            }
            if cx.cancel.is_cancelled() {
                return Err(ToolError::Cancelled);
            }
            let call = self.clients.call_tool(&self.server, &self.tool, input);
            let output = tokio::select! {
                output = call => output,
                () = cx.cancel.cancelled() => return Err(ToolError::Cancelled),
            };
            match output {
                Ok(output) if output.is_error => Err(ToolError::Failed(format!(
                    "the tool `{}` of the MCP server `{}` failed: {}",
                    self.tool,
                    self.server,
                    output.text()
                ))),
                Ok(output) => Ok(output.text()),
                Err(e) => Err(ToolError::Failed(format!("`{}` of the MCP server `{}`: {e}", self.tool, self.server))),
            }
        })
    }
}

impl specwright_agent::tool::ToolSource for McpClients {
    fn tools(&self) -> BoxFuture<'_, Vec<Box<dyn Tool>>> {
        Box::pin(self.agent_tools())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_fit_the_providers_alphabet_and_length() {
        assert_eq!(tool_name("filesystem", "read_text_file"), "filesystem__read_text_file");
        assert_eq!(tool_name("my server", "get.thing/v2"), "my_server__get_thing_v2");
        assert_eq!(tool_name("é", "x"), "___x");
        let long = tool_name(&"s".repeat(40), &"t".repeat(40));
        assert_eq!(long.len(), MAX_TOOL_NAME);
        let taken: HashSet<String> = [long.clone()].into_iter().collect();
        let other = unique_name(&long, &taken);
        assert_eq!(other.len(), MAX_TOOL_NAME);
        assert!(other.ends_with("_2"));
    }

    #[test]
    fn results_are_text_with_other_content_summarised() {
        let output = ToolOutput {
            is_error: false,
            content: vec![
                Content::Text("hello".into()),
                Content::Image { mime_type: "image/png".into(), base64_len: 400 },
                Content::Resource {
                    uri: "demo://a".into(),
                    mime_type: Some("text/plain".into()),
                    text: Some("body".into()),
                    base64_len: 0,
                },
            ],
            structured: None,
        };
        assert_eq!(output.text(), "hello\n[image image/png, about 300 bytes, not shown]\n[resource demo://a]\nbody");
        let structured = ToolOutput { is_error: false, content: vec![], structured: Some(serde_json::json!({"a": 1})) };
        assert_eq!(structured.text(), "{\"a\":1}");
    }

    #[test]
    fn schemas_are_objects() {
        assert_eq!(schema_of(serde_json::json!(true)), serde_json::json!({"type": "object"}));
        assert_eq!(
            schema_of(serde_json::json!({"properties": {}})),
            serde_json::json!({"type": "object", "properties": {}})
        );
    }

    #[test]
    fn interned_names_are_shared() {
        let a = intern("x__y".to_string());
        let b = intern("x__y".to_string());
        assert!(std::ptr::eq(a, b));
    }
}
