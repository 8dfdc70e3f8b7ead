//! `specwright`: the language server (`specwright lsp`) and the command-line
//! tool (`specwright check`). Nothing but the protocol or the command's
//! report is written to stdout; logs go to stderr through `tracing`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use specwright::check::{self, Format};
use specwright::lsp;

#[derive(Parser)]
#[command(
    name = "specwright",
    version,
    about = "Spec-driven development for every editor: a language server for Kiro specs"
)]
struct Cli {
    /// Run the language server over stdio (what `specwright lsp` does).
    #[arg(long, global = true)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server over stdio.
    Lsp,
    /// Ask the agent: one turn with tools confined to the workspace
    /// (edits only with --autopilot, commands only with --allow).
    Ask {
        #[command(flatten)]
        args: specwright::agent_cli::AskArgs,
        #[command(flatten)]
        flags: specwright::spec_cli::ModelFlags,
    },
    /// Chat with the agent in the terminal: one line per message, the
    /// conversation kept as a session (--session ID resumes it).
    Chat {
        #[command(flatten)]
        args: specwright::agent_cli::ChatArgs,
        #[command(flatten)]
        flags: specwright::spec_cli::ModelFlags,
    },
    /// Spec tasks: `task run SPEC TASK_ID` and `task run-all SPEC` (the
    /// agent implements them, ticked only on evidence); `task set SPEC
    /// TASK_ID STATUS` (the checkbox alone).
    Task {
        #[command(subcommand)]
        command: specwright::task_cli::TaskCommand,
    },
    /// Agent hooks: `hooks list` shows them, `hooks run NAME` runs one now,
    /// `hooks trust` / `hooks untrust` record whether a workspace's hooks may run.
    Hooks {
        #[command(subcommand)]
        command: specwright::hooks_cli::HooksCommand,
    },
    /// Built-in analyzers: `scan secrets`.
    Scan {
        #[command(subcommand)]
        command: specwright::scan_cli::ScanCommand,
    },
    /// Codebase context: `context map` prints the ranked repository map.
    Context {
        #[command(subcommand)]
        command: specwright::context_cli::ContextCommand,
    },
    /// The spec workflow: new, design, tasks, list.
    Spec {
        #[command(subcommand)]
        command: specwright::spec_cli::SpecCommand,
        #[command(flatten)]
        flags: specwright::spec_cli::ModelFlags,
    },
    /// Steering documents: init writes product.md, tech.md and structure.md
    /// (never overwriting existing ones).
    Steering {
        #[command(subcommand)]
        command: specwright::steering_cli::SteeringCommand,
        #[command(flatten)]
        flags: specwright::spec_cli::ModelFlags,
    },
    /// Check every spec, steering document and hook file under DIR/.kiro/
    /// (and AGENTS.md) and print diagnostics. Exits 1 when there is an
    /// error-level diagnostic, 0 otherwise.
    Check {
        /// Workspace folders to check (default: the current folder). A folder
        /// without `.kiro/` is searched for nested ones.
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Try spec generation with no API key: the built-in demo model writes a
    /// canned to-do list spec (requirements, design, tasks), streamed, then
    /// checks it.
    Demo {
        #[command(flatten)]
        args: specwright::demo_cli::DemoArgs,
    },
    /// The workspace's specs, tasks and checks for any MCP client (Claude
    /// Code, VS Code, Cursor, Kiro): `mcp` or `mcp serve` serves over stdio,
    /// `--http ADDR` streamable HTTP on loopback; `mcp list` shows the MCP
    /// servers the agent uses as tools (mcp.json), their state and tools.
    Mcp(specwright::mcp_cli::McpArgs),
    /// Specwright's agent for Agent Client Protocol clients (Zed, JetBrains,
    /// codecompanion.nvim, avante.nvim) over stdio: sessions, permissions,
    /// the spec's tasks as the plan, slash commands.
    Acp {
        #[command(flatten)]
        args: specwright::acp_cli::AcpArgs,
        #[command(flatten)]
        flags: specwright::spec_cli::ModelFlags,
    },
    /// Print a generated schema (`schema settings > schemas/settings.schema.json`).
    #[command(hide = true)]
    Schema {
        #[command(subcommand)]
        which: SchemaKind,
    },
}

#[derive(Subcommand)]
enum SchemaKind {
    /// The editor settings, as `contributes.configuration` takes them.
    Settings,
}

fn init_logging() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("SPECWRIGHT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // rmcp logs whole MCP messages (tool arguments and results) at debug:
    // never, whatever SPECWRIGHT_LOG asks.
    if let Ok(quiet) = "rmcp=warn".parse() {
        filter = filter.add_directive(quiet);
    }
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        Some(Command::Check { dirs, format }) => check::run(&dirs, format),
        Some(Command::Lsp) => run_server(),
        Some(Command::Ask { args, flags }) => specwright::agent_cli::ask(args, flags),
        Some(Command::Chat { args, flags }) => specwright::agent_cli::chat(args, flags),
        Some(Command::Spec { command, flags }) => specwright::spec_cli::run(command, flags),
        Some(Command::Steering { command, flags }) => specwright::steering_cli::run(command, flags),
        Some(Command::Context { command }) => specwright::context_cli::run(command),
        Some(Command::Scan { command }) => specwright::scan_cli::run(command),
        Some(Command::Hooks { command }) => specwright::hooks_cli::run(command),
        Some(Command::Task { command }) => specwright::task_cli::run(command),
        Some(Command::Demo { args }) => specwright::demo_cli::run(args),
        Some(Command::Mcp(args)) => specwright::mcp_cli::run(args),
        Some(Command::Acp { args, flags }) => specwright::acp_cli::run(args, flags),
        Some(Command::Schema { which: SchemaKind::Settings }) => specwright::settings::print_schema(),
        None if cli.stdio => run_server(),
        None => {
            use clap::CommandFactory;
            eprint!("{}", Cli::command().render_help());
            ExitCode::from(2)
        }
    }
}

fn run_server() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(lsp::run_stdio());
    // A read of stdin may still be pending in the runtime; do not wait on it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    ExitCode::SUCCESS
}
