//! rmcp's client over one configured server: a child process speaking MCP
//! on stdio (its own process group; its stderr forwarded line by line to
//! our log, never to our stdout) or streamable HTTP (url and headers).
//! Everything it returns is our own type ([`crate::client`]); every request
//! runs under a timeout.
//!
//! A [`Connection`] notices when its transport closes (the server exited
//! or crashed): [`Connection::is_closed`]. Dropping it cancels the
//! service, which closes the child's stdin, then terminates and kills it.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};
use process_wrap::tokio::{CommandWrap, ProcessGroup};
use rmcp::{
    ClientHandler, RoleClient, ServiceError, ServiceExt,
    model::{
        CallToolRequest, CallToolRequestParams, ClientCapabilities, ClientConfig, ClientRequest, ContentBlock,
        Implementation, JsonObject, ReadResourceRequestParams, ResourceContents, ServerResult,
    },
    service::{
        MaybeSendFuture, NotificationContext, Peer, PeerRequestOptions, QuitReason, RunningServiceCancellationToken,
    },
    transport::{
        StreamableHttpClientTransport, TokioChildProcess, streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::client::{Content, McpError, RemoteResource, RemoteTool, ToolOutput};
use crate::config::Transport;

/// The log target of a server's stderr lines.
pub const STDERR_TARGET: &str = "specwright_mcp::server_stderr";

/// A live connection to one server.
pub struct Connection {
    name: String,
    peer: Peer<RoleClient>,
    stop: Option<RunningServiceCancellationToken>,
    closed: Arc<AtomicBool>,
    /// Set by the server's `notifications/tools/list_changed`.
    tools_changed: Arc<AtomicBool>,
    exited: Option<tokio::task::JoinHandle<()>>,
    pid: Option<u32>,
}

/// What the client does with the server's notifications: it notes that the
/// tools changed (they are listed again before the agent next sees them).
struct Handler {
    tools_changed: Arc<AtomicBool>,
}

impl ClientHandler for Handler {
    fn on_tool_list_changed(
        &self,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + MaybeSendFuture + '_ {
        self.tools_changed.store(true, Ordering::SeqCst);
        std::future::ready(())
    }

    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(ClientCapabilities::default(), Implementation::new("specwright", env!("CARGO_PKG_VERSION")))
    }
}

fn handler() -> Handler {
    Handler { tools_changed: Arc::new(AtomicBool::new(false)) }
}

/// Connects to server `name` over `transport` (a child is started in `cwd`)
/// and performs the MCP handshake, all within `timeout`.
pub async fn connect(name: &str, transport: &Transport, cwd: &Path, timeout: Duration) -> Result<Connection, McpError> {
    let work = async {
        match transport {
            Transport::Stdio { command, args, env } => connect_stdio(name, command, args, env, cwd).await,
            Transport::Http { url, headers, .. } => connect_http(url, headers).await,
        }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(McpError::Start(format!("the server did not start within {} s", timeout.as_secs_f32()))),
    }
}

async fn connect_stdio(
    name: &str,
    command: &str,
    args: &[String],
    env: &std::collections::BTreeMap<String, String>,
    cwd: &Path,
) -> Result<Connection, McpError> {
    let mut cmd = tokio::process::Command::new(command);
    // Our model keys are ours: a server gets one only when its `env` names it.
    for key in specwright_models::config::Provider::KEY_VARIABLES {
        cmd.env_remove(key);
    }
    cmd.args(args).envs(env.iter()).current_dir(cwd);
    // Its own process group, so that shutdown reaches a launcher's (npx's) children.
    let mut cmd = CommandWrap::from(cmd);
    cmd.wrap(ProcessGroup::leader());
    let (transport, stderr) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| McpError::Start(format!("cannot run `{command}`: {e}")))?;
    let pid = transport.id();
    tracing::info!(server = name, ?pid, "started MCP server `{command}`");
    if let Some(stderr) = stderr {
        let name = name.to_owned();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::info!(target: STDERR_TARGET, server = %name, "{line}");
            }
        });
    }
    let handler = handler();
    let tools_changed = handler.tools_changed.clone();
    let running = handler
        .serve(transport)
        .await
        .map_err(|e| McpError::Start(format!("the MCP handshake with `{command}` failed: {e}")))?;
    Ok(Connection::watch(name, running, pid, tools_changed))
}

async fn connect_http(url: &str, headers: &std::collections::BTreeMap<String, String>) -> Result<Connection, McpError> {
    let mut map = HashMap::new();
    for (key, value) in headers {
        let key = HeaderName::from_bytes(key.as_bytes())
            .map_err(|e| McpError::Start(format!("header `{key}` is not a valid header name: {e}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|e| McpError::Start(format!("the value of header `{key}` is not valid: {e}")))?;
        map.insert(key, value);
    }
    let config = StreamableHttpClientTransportConfig::with_uri(url.to_owned()).custom_headers(map);
    let transport = StreamableHttpClientTransport::from_config(config);
    let handler = handler();
    let tools_changed = handler.tools_changed.clone();
    let running = handler
        .serve(transport)
        .await
        .map_err(|e| McpError::Start(format!("the MCP handshake with {url} failed: {e}")))?;
    Ok(Connection::watch(url, running, None, tools_changed))
}

fn service_error(e: ServiceError, timeout: Duration) -> McpError {
    match e {
        ServiceError::Timeout { .. } => McpError::Timeout(timeout),
        ServiceError::TransportClosed | ServiceError::TransportSend(_) => McpError::Closed,
        ServiceError::McpError(data) => McpError::Protocol { code: data.code.0, message: data.message.into_owned() },
        ServiceError::Cancelled { reason } => McpError::Failed(format!("cancelled: {}", reason.unwrap_or_default())),
        other => McpError::Failed(other.to_string()),
    }
}

impl Connection {
    fn watch(
        name: &str,
        running: rmcp::service::RunningService<RoleClient, Handler>,
        pid: Option<u32>,
        tools_changed: Arc<AtomicBool>,
    ) -> Self {
        let peer = running.peer().clone();
        let stop = running.cancellation_token();
        let closed = Arc::new(AtomicBool::new(false));
        let flag = closed.clone();
        let label = name.to_owned();
        let exited = tokio::spawn(async move {
            let reason = running.waiting().await.unwrap_or_else(QuitReason::JoinError);
            flag.store(true, Ordering::SeqCst);
            match reason {
                QuitReason::Cancelled => tracing::info!(server = %label, "MCP server stopped"),
                other => tracing::warn!(server = %label, "MCP server connection ended: {other:?}"),
            }
        });
        Connection { name: name.to_owned(), peer, stop: Some(stop), closed, tools_changed, exited: Some(exited), pid }
    }

    /// Whether the server said its tools changed since the last call (the
    /// flag is cleared).
    pub fn take_tools_changed(&self) -> bool {
        self.tools_changed.swap(false, Ordering::SeqCst)
    }

    /// The child's process id (stdio servers).
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Whether the server's transport closed (it exited, crashed or hung up).
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst) || self.peer.is_transport_closed()
    }

    /// Every tool of the server (all pages).
    pub async fn list_tools(&self, timeout: Duration) -> Result<Vec<RemoteTool>, McpError> {
        let tools = tokio::time::timeout(timeout, self.peer.list_all_tools())
            .await
            .map_err(|_| McpError::Timeout(timeout))?
            .map_err(|e| service_error(e, timeout))?;
        Ok(tools
            .into_iter()
            .map(|t| RemoteTool {
                name: t.name.into_owned(),
                description: t.description.map(|d| d.into_owned()).unwrap_or_default(),
                input_schema: Value::Object((*t.input_schema).clone()),
            })
            .collect())
    }

    /// `tools/call` under `timeout`; on timeout the request is cancelled
    /// (`notifications/cancelled`) and [`McpError::Timeout`] returned.
    pub async fn call_tool(&self, tool: &str, arguments: Value, timeout: Duration) -> Result<ToolOutput, McpError> {
        let args: JsonObject = match arguments {
            Value::Object(map) => map,
            Value::Null => JsonObject::new(),
            other => return Err(McpError::Failed(format!("the arguments must be a JSON object, not {other}"))),
        };
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(
            CallToolRequestParams::new(tool.to_owned()).with_arguments(args),
        ));
        let handle = self
            .peer
            .send_request_with_option(request, PeerRequestOptions::with_timeout(timeout))
            .await
            .map_err(|e| service_error(e, timeout))?;
        // The handle's own timeout fires first; this one guards a hung transport.
        let response = tokio::time::timeout(timeout + Duration::from_secs(1), handle.await_response())
            .await
            .map_err(|_| McpError::Timeout(timeout))?
            .map_err(|e| service_error(e, timeout))?;
        let ServerResult::CallToolResult(result) = response else {
            return Err(McpError::Failed("the server answered tools/call with something else".into()));
        };
        Ok(ToolOutput {
            is_error: result.is_error.unwrap_or(false),
            content: result.content.into_iter().map(content).collect(),
            structured: result.structured_content,
        })
    }

    /// Every resource of the server (all pages); empty when it has none.
    pub async fn list_resources(&self, timeout: Duration) -> Result<Vec<RemoteResource>, McpError> {
        if self.peer.peer_info().is_some_and(|i| i.capabilities.resources.is_none()) {
            return Ok(Vec::new());
        }
        let resources = tokio::time::timeout(timeout, self.peer.list_all_resources())
            .await
            .map_err(|_| McpError::Timeout(timeout))?
            .map_err(|e| service_error(e, timeout))?;
        Ok(resources
            .into_iter()
            .map(|r| RemoteResource {
                uri: r.uri.clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                mime_type: r.mime_type.clone(),
            })
            .collect())
    }

    /// The contents of resource `uri`.
    pub async fn read_resource(&self, uri: &str, timeout: Duration) -> Result<Vec<Content>, McpError> {
        let read =
            tokio::time::timeout(timeout, self.peer.read_resource(ReadResourceRequestParams::new(uri.to_owned())))
                .await
                .map_err(|_| McpError::Timeout(timeout))?
                .map_err(|e| service_error(e, timeout))?;
        Ok(read.contents.into_iter().map(resource_contents).collect())
    }

    /// Stops the server: closes its stdin, waits, terminates, kills (rmcp
    /// gives each step 3 s); returns when the connection ended.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.cancel();
        }
        if let Some(exited) = self.exited.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), exited).await;
        }
        tracing::debug!(server = %self.name, "MCP connection shut down");
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.cancel();
        }
    }
}

fn content(block: ContentBlock) -> Content {
    match block {
        ContentBlock::Text(t) => Content::Text(t.text),
        ContentBlock::Image(i) => Content::Image { mime_type: i.mime_type, base64_len: i.data.len() },
        ContentBlock::Audio(a) => Content::Audio { mime_type: a.mime_type, base64_len: a.data.len() },
        ContentBlock::Resource(r) => resource_contents(r.resource),
        ContentBlock::ResourceLink(r) => Content::ResourceLink { uri: r.uri.clone(), name: r.name.clone() },
        _ => Content::Other,
    }
}

fn resource_contents(contents: ResourceContents) -> Content {
    match contents {
        ResourceContents::TextResourceContents { uri, mime_type, text, .. } => {
            Content::Resource { uri, mime_type, text: Some(text), base64_len: 0 }
        }
        ResourceContents::BlobResourceContents { uri, mime_type, blob, .. } => {
            Content::Resource { uri, mime_type, text: None, base64_len: blob.len() }
        }
        _ => Content::Other,
    }
}
