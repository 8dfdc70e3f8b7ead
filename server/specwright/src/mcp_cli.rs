//! `specwright mcp`: the workspace's specs, tasks and checks as an MCP
//! server, for Claude Code, VS Code, Cursor, Kiro or any MCP client. Bare
//! `specwright mcp` (or `specwright mcp serve`) serves over stdio; with
//! `--http ADDR`, streamable HTTP at `http://ADDR/mcp` on loopback. Nothing
//! but the protocol goes to stdout; logs go to stderr.
//!
//! `specwright mcp list` is the other direction: the MCP servers the agent
//! uses as tools, as `.kiro/settings/mcp.json` configures them.

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
    /// List the MCP servers of .kiro/settings/mcp.json (and ~/.kiro/settings/mcp.json)
    /// that the agent uses as tools: transport, state and, with --start, tools.
    List(ListArgs),
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
        Some(McpCommand::List(list_args)) => return list(list_args),
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

/// The `check` tool's report: the one `specwright check --format json` prints.
pub fn check_report() -> specwright_mcp::serve::CheckReport {
    Arc::new(|dir: &std::path::Path| crate::check::json_report(dir))
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
    let config = ServeConfig {
        test_timeout: Duration::from_secs(args.test_timeout.max(1)),
        check: Some(check_report()),
        ..ServeConfig::new(args.dir)
    };
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

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    /// The workspace folder (default: the current folder).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Start each enabled server and list its tools (otherwise only the
    /// configuration is read; nothing is started).
    #[arg(long)]
    pub start: bool,
}

/// `specwright mcp list`: each configured server (the workspace's
/// `.kiro/settings/mcp.json` merged over `~/.kiro/settings/mcp.json`), its
/// transport and state, and with `--start` its tools. Exit 1 when a started
/// server failed.
fn list(args: ListArgs) -> ExitCode {
    use specwright_mcp::client::{McpClients, ServerState, transport_label};
    use specwright_mcp::config::{self, Environment, Scope, Severity};
    use std::fmt::Write;

    let root = args.dir.canonicalize().unwrap_or_else(|_| args.dir.clone());
    let loaded = config::load(&root, &Environment::from_process());
    for file in &loaded.files {
        let errors = file.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        if errors > 0 {
            eprintln!("{}: {errors} error(s) leave servers out; `specwright check` shows them", file.path.display());
        }
    }
    if loaded.servers.is_empty() {
        return print(
            "No MCP servers are configured (.kiro/settings/mcp.json in the workspace, ~/.kiro/settings/mcp.json).\n",
            ExitCode::SUCCESS,
        );
    }
    let clients = McpClients::gated(&root, &loaded, folder_trusted(&root));
    let status = if args.start {
        let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(runtime) => runtime,
            Err(e) => {
                eprintln!("error: cannot start the async runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        runtime.block_on(async {
            clients.start_all().await;
            let status = clients.status();
            clients.shutdown().await;
            status
        })
    } else {
        clients.status()
    };
    let mut failed = false;
    let mut out = String::new();
    for (config, status) in loaded.servers.iter().zip(&status) {
        let scope = match config.scope {
            Scope::Workspace => "workspace",
            Scope::User => "user",
        };
        // Without --start, a server that runs is "stopped" here (this
        // process started none).
        let state = match &status.state {
            ServerState::Failed(reason) => {
                failed = true;
                format!("failed: {reason}")
            }
            // `list --start` stops what it started: report what it saw.
            other => other.label().to_string(),
        };
        let _ = writeln!(out, "{} ({scope}) {}", config.name, transport_label(config));
        let _ = writeln!(out, "  state: {state}");
        if args.start && !config.disabled && !matches!(status.state, ServerState::Failed(_)) {
            let tools = if status.tools.is_empty() { "none".to_string() } else { status.tools.join(", ") };
            let _ = writeln!(out, "  tools: {tools}");
        }
    }
    print(&out, if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Writes `text` to stdout; a failed write is a failure.
fn print(text: &str, code: ExitCode) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    code
}

/// Whether the user trusts the workspace folder `root` (`specwright hooks
/// trust`): until then its `.kiro/settings/mcp.json` servers, the
/// repository's commands, never start.
pub(crate) fn folder_trusted(root: &std::path::Path) -> bool {
    specwright_hooks::trust::TrustStore::user_default().is_some_and(|store| store.trusts_folder(root))
}
