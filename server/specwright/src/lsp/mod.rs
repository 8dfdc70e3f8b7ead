//! The language server: protocol types, handlers and state. The only module
//! tree that knows LSP; domain crates are called through their plain APIs.

mod convert;
pub mod ext;
mod handlers;
mod server;
mod world;

use tower_lsp_server::{LspService, Server as Transport};

pub use server::Server;

/// Builds the service with every custom method registered.
pub fn service() -> (LspService<Server>, tower_lsp_server::ClientSocket) {
    LspService::build(Server::new).custom_method(ext::SPECS, Server::specs).finish()
}

/// Serves LSP on any pair of streams (stdio in production, in-memory pipes in tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service();
    Transport::new(input, output, socket).serve(service).await;
}

/// Serves LSP over stdin and stdout until the client exits.
pub async fn run_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}
