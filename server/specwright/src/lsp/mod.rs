//! The language server: protocol types, handlers and state. The only module
//! tree that knows LSP; domain crates are called through their plain APIs.

mod analysis;
mod context;
mod convert;
pub mod ext;
mod frames;
mod generation;
mod handlers;
mod hooks;
mod server;
mod steering_gen;
mod world;

use tower_lsp_server::{LspService, Server as Transport};

pub use generation::write_atomically;
pub use server::Server;

/// Builds the service with every custom method registered.
pub fn service() -> (LspService<Server>, tower_lsp_server::ClientSocket) {
    LspService::build(Server::new)
        .custom_method(ext::SPECS, Server::specs)
        .custom_method(ext::REPO_MAP, Server::repo_map)
        .custom_method(ext::HOOKS, Server::hooks)
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
    let (service, socket) = service();
    // Messages go through `frames::forward_valid` so that one undecodable
    // message does not end the session (see `frames`).
    let (to_transport, transport_input) = tokio::io::duplex(1 << 16);
    let transport = Transport::new(transport_input, output, socket).serve(service);
    let forward = frames::forward_valid(input, to_transport);
    tokio::pin!(transport, forward);
    tokio::select! {
        () = &mut transport => {}
        // The input ended: the transport sees the end and finishes its work.
        () = &mut forward => transport.await,
    }
}

/// Serves LSP over stdin and stdout until the client exits.
pub async fn run_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}
