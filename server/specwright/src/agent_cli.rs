//! `specwright ask "…"`: one agent turn in the terminal. The answer streams
//! to stdout; each tool call and its outcome go to stderr. Edits are written
//! atomically, and only with `--autopilot` (there is no editor to review
//! them); commands run only when `--allow` covers them.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use specwright_agent::{AgentEvent, DiskHost, Limits, StopReason, ToolContext, Workspace, run_turn};
use specwright_models::Message;

use crate::spec_cli::ModelFlags;

#[derive(Args, Debug)]
pub struct AskArgs {
    /// What to ask or ask for.
    pub prompt: String,
    /// Apply the agent's edits without asking (a terminal has no review).
    #[arg(long)]
    pub autopilot: bool,
    /// A command prefix the agent may run (repeatable), as
    /// `specwright.agent.allowedCommands` in the editor: `--allow "cargo test"`.
    #[arg(long = "allow", value_name = "PREFIX")]
    pub allowed: Vec<String>,
    /// The spec the question is about (its folder name): its requirements,
    /// design and tasks go into the agent's prompt.
    #[arg(long, value_name = "NAME")]
    pub spec: Option<String>,
    /// The most model calls in the turn.
    #[arg(long, default_value_t = Limits::default().max_steps)]
    pub max_steps: usize,
}

pub fn run(args: AskArgs, flags: ModelFlags) -> ExitCode {
    let model = match crate::spec_cli::model(&flags) {
        Ok(Some(model)) => model,
        Ok(None) => {
            eprintln!(
                "error: no model is configured: set SPECWRIGHT_PROVIDER (and its API key variable) or pass --provider"
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let workspace = match Workspace::new(&flags.dir) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {} is not a folder: {e}", flags.dir.display());
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let (cancel, _ctrl_c) = crate::spec_cli::cancel_on_ctrl_c();
        let host = DiskHost { autopilot: args.autopilot };
        let cx = ToolContext { workspace: &workspace, host: &host, cancel: &cancel, output_limit: 20_000 };
        let tools = specwright_agent::tools::all(&args.allowed);
        let limits = Limits { max_steps: args.max_steps, ..Limits::default() };
        let mut history = vec![Message::user(args.prompt.clone())];
        let mut stdout = std::io::stdout();
        let mut on_event = |event: AgentEvent| match event {
            AgentEvent::Text(text) => {
                let _ = stdout.write_all(text.as_bytes());
                let _ = stdout.flush();
            }
            AgentEvent::ToolCall { name, input, .. } => eprintln!("▸ {name} {input}"),
            AgentEvent::ToolResult { name, ok, output, .. } => {
                let first = output.lines().next().unwrap_or("");
                eprintln!("  {} {name}: {first}", if ok { "✓" } else { "✗" });
            }
        };
        let system = specwright_agent::prompt::system_prompt(&cx, args.spec.as_deref(), &[]).await;
        let outcome = run_turn(model.as_ref(), Some(system), &mut history, &tools, &cx, &limits, &mut on_event).await;
        let _ = std::io::stdout().write_all(b"\n");
        match outcome.stop {
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
    })
}
