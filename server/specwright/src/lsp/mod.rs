//! The language server: protocol types, handlers and state. The only module
//! tree that knows LSP; domain crates are called through their plain APIs.

mod analysis;
mod chat;
mod chat_document;
mod context;
mod convert;
pub mod ext;
mod frames;
mod generation;
mod handlers;
mod hooks;
mod mcp;
mod paths;
mod server;
mod shielded;
mod steering_gen;
mod tasks;
mod world;

use tower_lsp_server::{LspService, Server as Transport};

pub use generation::write_atomically;
pub use server::Server;

/// What a server is started with, beyond the protocol.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Where the hook trust record lives; `None` for the user's data folder
    /// (`specwright_hooks::trust::data_dir`). Never a workspace setting: no
    /// file inside a repository may decide what the user trusts.
    pub data_dir: Option<std::path::PathBuf>,
    /// Where the code index cache lives; `None` for the user's cache folder
    /// (`specwright_index::cache::cache_dir`).
    pub cache_dir: Option<std::path::PathBuf>,
}

/// Builds the service with every custom method registered.
pub fn service() -> (LspService<Server>, tower_lsp_server::ClientSocket) {
    service_with(ServerOptions::default())
}

/// [`service`] with options.
pub fn service_with(options: ServerOptions) -> (LspService<Server>, tower_lsp_server::ClientSocket) {
    let builder = LspService::build(move |client| Server::new(client, &options));
    // A request whose handler panics on purpose, to test the shield.
    #[cfg(test)]
    let builder = builder
        .custom_method("specwright/test/panic", Server::panic_on_purpose)
        .custom_method("specwright/test/panicNotification", Server::panic_on_purpose_in_notification);
    builder
        .custom_method(ext::SPECS, Server::specs)
        .custom_method(ext::REPO_MAP, Server::repo_map)
        .custom_method(ext::HOOKS, Server::hooks)
        .custom_method(ext::CHAT_NEW, Server::chat_new)
        .custom_method(ext::CHAT_SEND, Server::chat_send)
        .custom_method(ext::CHAT_CANCEL, Server::chat_cancel)
        .custom_method(ext::CHAT_LIST, Server::chat_list)
        .custom_method(ext::CHAT_HISTORY, Server::chat_history)
        .custom_method(ext::MCP_STATUS, Server::mcp_status)
        .custom_method(ext::GENERATION[0].1, Server::spec_create)
        .custom_method(ext::GENERATION[1].1, Server::spec_generate_design)
        .custom_method(ext::GENERATION[2].1, Server::spec_generate_tasks)
        .custom_method(ext::GENERATION[3].1, Server::spec_refine)
        .custom_method("window/workDoneProgress/cancel", Server::progress_cancel)
        .finish()
}

/// Serves LSP on any pair of streams (stdio in production, in-memory pipes in tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    serve_with(input, output, ServerOptions::default()).await;
}

/// [`serve`] with options.
pub async fn serve_with<I, O>(input: I, output: O, options: ServerOptions)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service_with(options);
    // A panic in any handler becomes an error reply, not the end of the process.
    let service = shielded::Shielded(service);
    // The transport runs behind `frames::guard`, so that an undecodable
    // message is dropped (and answered when it has an id) instead of ending
    // the session (see `frames`).
    frames::guard(input, output, |from_client, to_client| {
        Transport::new(from_client, to_client, socket).serve(service)
    })
    .await;
}

/// Serves LSP over stdin and stdout until the client exits.
pub async fn run_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}
