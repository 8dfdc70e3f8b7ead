//! The MCP servers in the editor: `specwright/mcp/status` (each workspace
//! folder's servers, their state, tools and resources) and the `mcp` chat
//! context items (a server's resource read and attached to a message).
//! The servers themselves live in `specwright_mcp::client`, shared with
//! chat turns and task runs through [`super::chat::Chats::mcp`].

use specwright_agent::context::ContextItem;
use specwright_mcp::client::{McpClients, ServerState, content_text, transport_label};
use specwright_mcp::config::Scope;
use tower_lsp_server::jsonrpc::{Error, Result};

use super::server::Server;
use super::{convert, ext};

impl Server {
    pub async fn mcp_status(&self, params: serde_json::Value) -> Result<ext::McpStatusResult> {
        let params: ext::McpStatusParams =
            serde_json::from_value(params).map_err(|e| Error::invalid_params(e.to_string()))?;
        let roots = self.world().roots.clone();
        let mut servers = Vec::new();
        for root in roots {
            let trusted = folder_trusted(&self.hook_engine, &root);
            let Some(clients) = self.chats.mcp(&root, trusted) else { continue };
            if params.start {
                for (name, e) in clients.start_all().await {
                    tracing::info!(server = %name, "MCP server not started: {e}");
                }
            }
            let folder = convert::uri(&root).map(|u| u.as_str().to_string()).unwrap_or_default();
            for status in clients.status() {
                let Some(config) = clients.configs().find(|c| c.name == status.name).cloned() else { continue };
                let resources = if params.resources && status.state == ServerState::Running {
                    resources(&clients, &status.name).await
                } else {
                    Vec::new()
                };
                let reason = match &status.state {
                    ServerState::Failed(reason) => Some(reason.clone()),
                    ServerState::NotTrusted => Some(
                        "a server of the workspace's .kiro/settings/mcp.json runs only once you trust the folder \
                         (VS Code: Specwright: Trust This Workspace's Hooks; Neovim: :Specwright hooks trust; a \
                         terminal: specwright hooks trust)"
                            .into(),
                    ),
                    _ => None,
                };
                servers.push(ext::McpServerStatus {
                    folder: folder.clone(),
                    name: status.name,
                    scope: match config.scope {
                        Scope::Workspace => "workspace",
                        Scope::User => "user",
                    }
                    .into(),
                    transport: transport_label(&config),
                    state: status.state.label().into(),
                    reason,
                    tools: status.tools,
                    auto_approve: config.auto_approve.names(),
                    pid: status.pid,
                    resources,
                });
            }
        }
        Ok(ext::McpStatusResult { servers })
    }
}

/// Whether the user trusts folder `root` (its hooks, commands and MCP servers).
pub(super) fn folder_trusted(engine: &specwright_runtime::hooks::Engine, root: &std::path::Path) -> bool {
    engine.gate().store().is_some_and(|s| s.trusts_folder(root))
}

async fn resources(clients: &McpClients, server: &str) -> Vec<ext::McpResourceInfo> {
    match clients.list_resources(server).await {
        Ok(list) => list
            .into_iter()
            .map(|r| ext::McpResourceInfo {
                uri: r.uri,
                name: r.name,
                description: r.description,
                mime_type: r.mime_type,
            })
            .collect(),
        Err(e) => {
            tracing::info!(server, "listing the MCP server's resources failed: {e}");
            Vec::new()
        }
    }
}

/// The resource `uri` of MCP server `server`, read for a chat message: its
/// text under a title, or a note saying why it is not attached. What is
/// read goes to the model redacted, like every other input.
pub(super) async fn resource_item(clients: Option<&McpClients>, server: &str, uri: &str) -> ContextItem {
    let title = format!("MCP resource `{uri}` of the server `{server}`");
    let Some(clients) = clients else {
        return ContextItem::note(format!("{title} was not attached: no MCP server is configured"));
    };
    match clients.read_resource(server, uri).await {
        Ok(contents) => {
            let body = contents.iter().map(content_text).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n\n");
            if body.trim().is_empty() {
                ContextItem::note(format!("{title} is empty"))
            } else {
                ContextItem::Text { title: format!("Attached {title}"), body }
            }
        }
        Err(e) => ContextItem::note(format!("{title} was not attached: {e}")),
    }
}
