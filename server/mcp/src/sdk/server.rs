//! rmcp's `ServerHandler` over [`SpecServer`]: each method converts the
//! SDK's request to our types, delegates, and converts back. Transports:
//! stdio ([`serve_stdio`]) and streamable HTTP on loopback ([`serve_http`]).
//!
//! Each tool call runs in its own task, so a panic in a tool becomes an
//! internal error for that request and the server keeps serving. The
//! client's `notifications/cancelled` fires the call's cancellation token
//! (a running test command is killed).

use std::net::SocketAddr;
use std::sync::Arc;

use rmcp::{
    ErrorData, RoleServer, ServerHandler, ServiceExt,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
        GetPromptResponse, GetPromptResult, Implementation, JsonObject, ListPromptsResult, ListResourcesResult,
        ListToolsResult, PaginatedRequestParams, Prompt, PromptArgument, PromptMessage, ReadResourceRequestParams,
        ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, Role, ServerCapabilities, ServerConfig,
        Tool, ToolAnnotations,
    },
    service::RequestContext,
};
use serde_json::Value;

use crate::serve::{CallError, SpecServer, ToolInfo};

/// The SDK's handler: a shared [`SpecServer`].
#[derive(Clone)]
struct Handler(Arc<SpecServer>);

fn tool(info: ToolInfo) -> Tool {
    let schema: JsonObject = match info.input_schema {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    Tool::new(info.name, info.description, Arc::new(schema)).with_title(info.title).with_annotations(
        ToolAnnotations::with_title(info.title).read_only(info.read_only).destructive(false).open_world(false),
    )
}

fn error(e: CallError) -> ErrorData {
    match e {
        CallError::NotFound(m) | CallError::InvalidParams(m) => ErrorData::invalid_params(m, None),
        CallError::Internal(m) => ErrorData::internal_error(m, None),
    }
}

impl ServerHandler for Handler {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().enable_prompts().build())
            .with_server_info(Implementation::new("specwright", env!("CARGO_PKG_VERSION")))
            .with_instructions(self.0.instructions())
    }

    async fn list_tools(
        &self,
        _req: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.0.tools().into_iter().map(tool).collect()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.0.tools().into_iter().find(|t| t.name == name).map(tool)
    }

    async fn call_tool(
        &self,
        req: CallToolRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let server = Arc::clone(&self.0);
        let name = req.name.to_string();
        let args = req.arguments.map_or(Value::Null, Value::Object);
        let cancel = cx.ct.clone();
        let output = tokio::spawn(async move { server.call(&name, args, cancel).await })
            .await
            .map_err(|e| ErrorData::internal_error(format!("the tool failed: {e}"), None))?
            .map_err(error)?;
        let content = vec![ContentBlock::text(output.text)];
        let mut result =
            if output.is_error { CallToolResult::error(content) } else { CallToolResult::success(content) };
        result.structured_content = output.structured;
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _req: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let server = Arc::clone(&self.0);
        let resources = tokio::task::spawn_blocking(move || server.resources())
            .await
            .map_err(|e| ErrorData::internal_error(format!("listing the specs failed: {e}"), None))?;
        Ok(ListResourcesResult::with_all_items(
            resources
                .into_iter()
                .map(|r| Resource::new(r.uri, r.name).with_description(r.description).with_mime_type(r.mime_type))
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        req: ReadResourceRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let server = Arc::clone(&self.0);
        let uri = req.uri.clone();
        let read = tokio::task::spawn_blocking(move || server.read(&uri))
            .await
            .map_err(|e| ErrorData::internal_error(format!("reading the resource failed: {e}"), None))?;
        match read {
            Ok(doc) => Ok(ReadResourceResult::new(vec![
                ResourceContents::text(doc.text, doc.uri).with_mime_type(doc.mime_type),
            ])
            .into()),
            Err(CallError::NotFound(m)) => Err(ErrorData::resource_not_found(m, None)),
            Err(e) => Err(error(e)),
        }
    }

    async fn list_prompts(
        &self,
        _req: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let prompts = self
            .0
            .prompts()
            .into_iter()
            .map(|p| {
                let arguments = p
                    .arguments
                    .iter()
                    .map(|(name, description, required)| {
                        PromptArgument::new(*name).with_description(*description).with_required(*required)
                    })
                    .collect();
                Prompt::new(p.name, Some(p.description), Some(arguments))
            })
            .collect();
        Ok(ListPromptsResult::with_all_items(prompts))
    }

    async fn get_prompt(
        &self,
        req: GetPromptRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let server = Arc::clone(&self.0);
        let args = req.arguments.clone().unwrap_or_default();
        let name = req.name.clone();
        let prompt = tokio::task::spawn_blocking(move || server.prompt(&name, &args))
            .await
            .map_err(|e| ErrorData::internal_error(format!("the prompt failed: {e}"), None))?
            .map_err(error)?;
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, prompt.text)])
            .with_description(prompt.description)
            .into())
    }
}

/// Serves `server` over stdin/stdout until the client closes stdin.
pub async fn serve_stdio(server: Arc<SpecServer>) -> Result<(), String> {
    let service =
        Handler(server).serve(rmcp::transport::stdio()).await.map_err(|e| format!("the MCP session failed: {e}"))?;
    let reason = service.waiting().await.map_err(|e| format!("the MCP session failed: {e}"))?;
    tracing::info!(?reason, "MCP stdio session ended");
    Ok(())
}

/// Serves `server` as streamable HTTP at `http://ADDR/mcp` until Ctrl-C.
/// Only loopback addresses are accepted: the server reads and changes the
/// workspace and runs its tests, so it must not be reachable from another
/// machine. `on_listening` gets the bound address (port 0 picks one).
pub async fn serve_http(
    server: Arc<SpecServer>,
    addr: SocketAddr,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    use http_body_util::{BodyExt, Full};
    use hyper_util::rt::TokioIo;
    use rmcp::transport::{
        StreamableHttpServerConfig, StreamableHttpService, streamable_http_server::session::local::LocalSessionManager,
    };

    if !addr.ip().is_loopback() {
        return Err(format!(
            "--http {addr}: only loopback addresses (127.0.0.1, ::1) are served; the MCP server must not be \
             reachable from other machines"
        ));
    }
    let ct = tokio_util::sync::CancellationToken::new();
    let handler = Handler(server);
    let mcp = StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(LocalSessionManager::default()),
        // Allowed Host headers default to localhost, 127.0.0.1 and ::1 (a
        // guard against DNS rebinding).
        StreamableHttpServerConfig::default().with_cancellation_token(ct.child_token()),
    );
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    on_listening(listener.local_addr().map_err(|e| format!("cannot listen on {addr}: {e}"))?);
    loop {
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    continue;
                }
            },
            _ = tokio::signal::ctrl_c() => break,
        };
        let mcp = mcp.clone();
        let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
            let mcp = mcp.clone();
            async move {
                if req.uri().path() != "/mcp" {
                    let body = Full::new(hyper::body::Bytes::from_static(b"not found: the MCP endpoint is /mcp\n"))
                        .map_err(|never| match never {})
                        .boxed();
                    let mut resp = hyper::Response::new(body);
                    *resp.status_mut() = hyper::StatusCode::NOT_FOUND;
                    return Ok::<_, std::convert::Infallible>(resp);
                }
                Ok(mcp.handle(req).await)
            }
        });
        tokio::spawn(async move {
            if let Err(e) = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await
            {
                tracing::debug!("http connection: {e}");
            }
        });
    }
    ct.cancel();
    Ok(())
}
