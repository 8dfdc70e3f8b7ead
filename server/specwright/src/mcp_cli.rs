//! `specwright mcp`: the workspace's specs, tasks and checks as an MCP
//! server, for Claude Code, VS Code, Cursor, Kiro or any MCP client. Bare
//! `specwright mcp` (or `specwright mcp serve`) serves over stdio; with
//! `--http ADDR`, streamable HTTP at `http://ADDR/mcp` on loopback. Nothing
//! but the protocol goes to stdout; logs go to stderr.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use specwright_mcp::serve::{ServeConfig, SpecServer};

/// `specwright mcp [serve] [--dir DIR] [--http ADDR]`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct McpArgs {
    #[command(subcommand)]
    pub command: Option<McpCommand>,
    /// Serving options when no subcommand is given (`specwright mcp` serves).
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
pub enum McpCommand {
    /// Serve the workspace's specs over MCP (what bare `specwright mcp` does).
    Serve(ServeArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// The workspace folder (default: the current folder).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio; loopback
    /// addresses only (127.0.0.1:PORT, [::1]:PORT; port 0 picks one).
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Seconds a test run (`set_task_status … done`) may take.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub test_timeout: u64,
}

pub fn run(args: McpArgs) -> ExitCode {
    let serve = match args.command {
        Some(McpCommand::Serve(serve)) => serve,
        None => args.serve,
    };
    match serve_mcp(serve) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve_mcp(args: ServeArgs) -> Result<(), String> {
    if let Some(addr) = args.http
        && !addr.ip().is_loopback()
    {
        return Err(format!(
            "--http {addr}: only loopback addresses (127.0.0.1, ::1) are served; the MCP server must not be \
             reachable from other machines"
        ));
    }
    let config =
        ServeConfig { test_timeout: Duration::from_secs(args.test_timeout.max(1)), ..ServeConfig::new(args.dir) };
    let server = Arc::new(SpecServer::new(config)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let result = runtime.block_on(async move {
        match args.http {
            None => specwright_mcp::sdk::server::serve_stdio(server).await,
            Some(addr) => {
                specwright_mcp::sdk::server::serve_http(server, addr, |bound| {
                    // On stderr: stdout stays free of anything but the protocol.
                    eprintln!("specwright mcp: listening on http://{bound}/mcp");
                })
                .await
            }
        }
    });
    // A read of stdin may still be pending in the runtime; do not wait on it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}
