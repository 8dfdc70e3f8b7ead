//! The agent in a terminal. `specwright ask "…"`: one turn, the answer
//! streams to stdout. `specwright chat`: a conversation on stdin/stdout, one
//! turn per line, kept as a session (resumable with `--session`). In both,
//! each tool call and its outcome go to stderr; edits are written atomically
//! and only with `--autopilot` (there is no editor to review them); commands
//! run only when `--allow` covers them (nobody can be asked).

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use specwright_agent::session::SessionStore;
use specwright_agent::{AgentEvent, DiskHost, Limits, StopReason, ToolContext, ToolSource, TurnOutcome, Workspace};
use specwright_mcp::client::McpClients;
use specwright_models::{CancellationToken, Model};
use specwright_runtime::chat::{self as runtime_chat, AgentSettings, ChatTurn, TurnEvent};

use crate::spec_cli::ModelFlags;

/// What `ask` and `chat` share.
#[derive(Args, Debug)]
pub struct AgentFlags {
    /// Apply the agent's edits without asking (a terminal has no review).
    #[arg(long)]
    pub autopilot: bool,
    /// A command prefix the agent may run (repeatable), as
    /// `specwright.agent.allowedCommands` in the editor: `--allow "cargo test"`.
    #[arg(long = "allow", value_name = "PREFIX")]
    pub allowed: Vec<String>,
    /// The spec the conversation is about (its folder name): its
    /// requirements, design and tasks go into the agent's prompt.
    #[arg(long, value_name = "NAME")]
    pub spec: Option<String>,
    /// The most model calls in one turn.
    #[arg(long, default_value_t = Limits::default().max_steps)]
    pub max_steps: usize,
}

#[derive(Args, Debug)]
pub struct AskArgs {
    /// What to ask or ask for.
    pub prompt: String,
    #[command(flatten)]
    pub agent: AgentFlags,
}

#[derive(Args, Debug)]
pub struct ChatArgs {
    /// Continue this session (its id, as `chat` prints it at the start).
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    #[command(flatten)]
    pub agent: AgentFlags,
}

pub fn ask(args: AskArgs, flags: ModelFlags) -> ExitCode {
    let Some(setup) = Setup::new(&flags, &args.agent) else { return ExitCode::from(2) };
    setup.runtime.block_on(async {
        let (cancel, _ctrl_c) = crate::spec_cli::cancel_on_ctrl_c();
        // One turn, remembered nowhere.
        let scratch = std::env::temp_dir().join(format!("specwright-ask-{}", std::process::id()));
        let store = SessionStore::new(&scratch, setup.workspace.root());
        let mut session = runtime_chat::new_session(&store, None, args.agent.spec.clone(), args.agent.autopilot);
        let outcome = setup.turn(&store, &mut session, &args.prompt, &cancel).await;
        let _ = std::fs::remove_dir_all(&scratch);
        exit_code(&outcome)
    })
}

pub fn chat(args: ChatArgs, flags: ModelFlags) -> ExitCode {
    let Some(setup) = Setup::new(&flags, &args.agent) else { return ExitCode::from(2) };
    let Some(data) = specwright_hooks::trust::data_dir() else {
        eprintln!("error: no data folder to keep the session in (set HOME, XDG_DATA_HOME or SPECWRIGHT_DATA_DIR)");
        return ExitCode::from(2);
    };
    let store = SessionStore::new(&data, setup.workspace.root());
    let mut session = match &args.session {
        Some(id) => match store.load(id) {
            Some(session) => session,
            None => {
                eprintln!("error: there is no session '{id}' for {}", setup.workspace.root().display());
                return ExitCode::from(2);
            }
        },
        None => runtime_chat::new_session(&store, None, args.agent.spec.clone(), args.agent.autopilot),
    };
    eprintln!(
        "session {} — one line per message (end a line with \\ to continue it), Ctrl-C stops a turn, Ctrl-D ends",
        session.id
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut failed = false;
    loop {
        eprint!("> ");
        let mut message = String::new();
        loop {
            match lines.next() {
                Some(Ok(line)) => match line.strip_suffix('\\') {
                    Some(part) => {
                        message.push_str(part);
                        message.push('\n');
                    }
                    None => {
                        message.push_str(&line);
                        break;
                    }
                },
                Some(Err(e)) => {
                    eprintln!("error: cannot read stdin: {e}");
                    return ExitCode::from(2);
                }
                None if message.is_empty() => {
                    eprintln!();
                    return if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS };
                }
                None => break,
            }
        }
        if message.trim().is_empty() {
            continue;
        }
        let outcome = setup.runtime.block_on(async {
            let (cancel, ctrl_c) = crate::spec_cli::cancel_on_ctrl_c();
            let outcome = setup.turn(&store, &mut session, &message, &cancel).await;
            ctrl_c.abort();
            outcome
        });
        match &outcome.stop {
            StopReason::EndTurn => {}
            StopReason::Cancelled => eprintln!("(turn cancelled)"),
            StopReason::MaxSteps => {
                failed = true;
                eprintln!("error: {}", outcome.text);
            }
            StopReason::ModelError(e) => {
                failed = true;
                eprintln!("error: the model failed: {e}");
            }
        }
    }
}

/// The model, the workspace and the settings of a terminal conversation.
struct Setup {
    model: Arc<dyn Model>,
    workspace: Workspace,
    host: DiskHost,
    settings: AgentSettings,
    runtime: tokio::runtime::Runtime,
    /// The workspace's MCP servers (`.kiro/settings/mcp.json`), started
    /// when the first turn needs tools; `None` without a configuration.
    mcp: Option<McpClients>,
}

impl Drop for Setup {
    fn drop(&mut self) {
        if let Some(mcp) = self.mcp.take() {
            self.runtime.block_on(mcp.shutdown());
        }
    }
}

impl Setup {
    /// Prints why and returns `None` when something is missing.
    fn new(flags: &ModelFlags, agent: &AgentFlags) -> Option<Self> {
        let model = match crate::spec_cli::model(flags) {
            Ok(Some(model)) => Arc::from(model),
            Ok(None) => {
                eprintln!(
                    "error: no model is configured: set SPECWRIGHT_PROVIDER (and its API key variable) or pass --provider"
                );
                return None;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return None;
            }
        };
        let workspace = match Workspace::new(&flags.dir) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: {} is not a folder: {e}", flags.dir.display());
                return None;
            }
        };
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("error: cannot start the async runtime: {e}");
                return None;
            }
        };
        let settings = AgentSettings {
            autopilot: agent.autopilot,
            allowed_commands: agent.allowed.clone(),
            max_steps: agent.max_steps,
            ..AgentSettings::default()
        };
        let trusted = crate::mcp_cli::folder_trusted(workspace.root());
        let mcp = McpClients::load(workspace.root(), &specwright_mcp::config::Environment::from_process(), trusted);
        Some(Self { model, workspace, host: DiskHost { autopilot: agent.autopilot }, settings, runtime, mcp })
    }

    /// One turn: the answer to stdout as it streams, tools on stderr.
    async fn turn(
        &self,
        store: &SessionStore,
        session: &mut specwright_agent::session::Session,
        text: &str,
        cancel: &CancellationToken,
    ) -> TurnOutcome {
        let cx = ToolContext { workspace: &self.workspace, host: &self.host, cancel, output_limit: 20_000 };
        let turn = ChatTurn {
            model: self.model.as_ref(),
            cx: &cx,
            store,
            settings: &self.settings,
            allowed_commands: &self.settings.allowed_commands,
            focus: &[],
            hooks: None,
            extra_tools: self.mcp.as_ref().map(|m| m as &dyn ToolSource),
        };
        let mut stdout = std::io::stdout();
        let mut on_event = |event: TurnEvent| match event {
            TurnEvent::Agent(AgentEvent::Text(text)) => {
                let _ = stdout.write_all(text.as_bytes());
                let _ = stdout.flush();
            }
            TurnEvent::Agent(AgentEvent::ToolCall { name, input, .. }) => eprintln!("▸ {name} {input}"),
            TurnEvent::Agent(AgentEvent::ToolResult { name, ok, output, .. }) => {
                let first = output.lines().next().unwrap_or("");
                eprintln!("  {} {name}: {first}", if ok { "✓" } else { "✗" });
            }
            TurnEvent::Edit { path, action } => eprintln!("  {action}: {path}"),
            TurnEvent::Notice(text) => eprintln!("note: {text}"),
        };
        let outcome = runtime_chat::send(&turn, session, text, &mut on_event).await;
        let _ = std::io::stdout().write_all(b"\n");
        let _ = std::io::stdout().flush();
        outcome
    }
}

fn exit_code(outcome: &TurnOutcome) -> ExitCode {
    match &outcome.stop {
        StopReason::EndTurn => ExitCode::SUCCESS,
        StopReason::MaxSteps => {
            eprintln!("error: {}", outcome.text);
            ExitCode::FAILURE
        }
        StopReason::Cancelled => {
            eprintln!("cancelled");
            ExitCode::from(130)
        }
        StopReason::ModelError(e) => {
            eprintln!("error: the model failed: {e}");
            ExitCode::FAILURE
        }
    }
}
