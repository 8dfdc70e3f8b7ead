//! What a hook does when it fires: run a shell command, ask the model, or
//! run a built-in analyzer (`specwright:secrets`). One function,
//! [`run_action`], used by the language server's engine and by
//! `specwright hooks run` alike.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use specwright_agent::{AgentEvent, Host, Limits, StopReason, ToolContext, Workspace, run_turn};
use specwright_hooks::{Action, EventKind, Hook};
use specwright_models::{CancellationToken, ChatRequest, Message, Model};
use tokio::io::AsyncReadExt;

/// The most output kept from a command (the rest is counted, not kept).
pub const OUTPUT_LIMIT: usize = 64 * 1024;

/// The most of the triggering file sent to the model with an `askAgent` prompt.
const FILE_LIMIT: usize = 64 * 1024;

/// How long a command's output may keep flowing after the command exited
/// (a background child holding the pipe), before its group is killed.
const DRAIN_AFTER_EXIT: Duration = Duration::from_millis(500);

/// Where `askAgent` hooks find the model: the current one, resolved when the
/// hook runs, so that a settings change applies to the next run.
pub type ModelSource = Arc<dyn Fn() -> Result<Option<Arc<dyn Model>>, String> + Send + Sync>;

/// How one run of a hook ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub name: String,
    /// The trigger, as a legacy `.kiro.hook` names it (`fileEdited`,
    /// `fileCreated`, `fileDeleted`, `userTriggered`, ...).
    pub trigger: &'static str,
    /// The triggering file, relative to the workspace folder.
    pub file: Option<String>,
    /// `runCommand`, `askAgent`, or `builtin` for a `specwright:` command.
    pub action: &'static str,
    pub ok: bool,
    pub exit_code: Option<i32>,
    /// The command's output (stdout and stderr, interleaved as read), the
    /// model's answer, or the analyzer's report; at most [`OUTPUT_LIMIT`] bytes.
    pub output: String,
    pub timed_out: bool,
    pub cancelled: bool,
    pub duration: Duration,
    /// The file that declares the hook.
    pub hook_file: std::path::PathBuf,
}

/// Where and why a hook runs.
#[derive(Clone)]
pub struct RunContext<'a> {
    /// The workspace folder: commands run there.
    pub root: &'a Path,
    pub trigger: EventKind,
    /// The triggering file, relative to `root`.
    pub file: Option<&'a str>,
    /// The user's prompt, for `promptSubmit` hooks (a command reads it from
    /// `USER_PROMPT`).
    pub prompt: Option<&'a str>,
    /// What an `askAgent` hook works with: the agent's tools through this
    /// front end's host. Without it the model only answers in text.
    pub agent: Option<&'a AgentHands>,
}

impl<'a> RunContext<'a> {
    /// A run for `trigger` on `file`, without a prompt or agent tools.
    pub fn new(root: &'a Path, trigger: EventKind, file: Option<&'a str>) -> Self {
        Self { root, trigger, file, prompt: None, agent: None }
    }
}

/// The agent's hands for `askAgent` hooks: how the front end applies edits
/// and approves commands, and the agent settings that bound a run.
#[derive(Clone)]
pub struct AgentHands {
    pub host: Arc<dyn Host>,
    /// Command prefixes `run_command` may run without asking.
    pub allowed_commands: Vec<String>,
    pub max_steps: usize,
}

/// Where the engine finds the agent's hands for a workspace folder, when
/// the hook runs (so that settings changes apply to the next run).
pub type AgentSource = Arc<dyn Fn(&Path) -> Option<AgentHands> + Send + Sync>;

/// Runs `hook`'s action to completion, its timeout, or `cancel`.
pub async fn run_action(
    hook: &Hook,
    ctx: &RunContext<'_>,
    models: &ModelSource,
    cancel: &CancellationToken,
) -> Outcome {
    let started = Instant::now();
    let mut outcome = Outcome {
        name: hook.name.clone(),
        trigger: ctx.trigger.legacy_name(),
        file: ctx.file.map(str::to_owned),
        action: hook.action.legacy_name(),
        ok: false,
        exit_code: None,
        output: String::new(),
        timed_out: false,
        cancelled: false,
        duration: Duration::ZERO,
        hook_file: hook.source.path.clone(),
    };
    match &hook.action {
        Action::RunCommand { command, timeout_secs } => {
            if let Some(builtin) = command.trim().strip_prefix(BUILTIN_PREFIX) {
                outcome.action = "builtin";
                // A scan reads files (the whole folder without a file): on a
                // blocking thread, off the async runtime. Cancelling stops
                // waiting for it.
                let (name, root, file) =
                    (builtin.trim().to_owned(), ctx.root.to_path_buf(), ctx.file.map(str::to_owned));
                let trigger = ctx.trigger;
                let run = tokio::task::spawn_blocking(move || {
                    let ctx = RunContext::new(&root, trigger, file.as_deref());
                    run_builtin(&name, &ctx)
                });
                tokio::select! {
                    done = run => match done {
                        Ok((ok, output)) => {
                            outcome.ok = ok;
                            outcome.output = output;
                        }
                        Err(e) => outcome.output = format!("the analyzer failed: {e}"),
                    },
                    () = cancel.cancelled() => {
                        outcome.cancelled = true;
                        outcome.output = "cancelled".into();
                    }
                }
            } else {
                let timeout = Duration::from_secs((*timeout_secs).max(1));
                run_command(command, hook, ctx, timeout, cancel, &mut outcome).await;
            }
        }
        Action::AskAgent { prompt } => match ask_agent(prompt, ctx, models, cancel).await {
            Ok(answer) => {
                outcome.ok = true;
                outcome.output = answer;
            }
            Err(AskError::Cancelled) => {
                outcome.cancelled = true;
                outcome.output = "cancelled".into();
            }
            Err(AskError::Failed(message)) => outcome.output = message,
        },
    }
    // The one place every output passes before it reaches the editor
    // (`window/logMessage`, `specwright/hookResult`, the answer document),
    // the log file or the CLI: no allowlist applies here.
    let (output, redacted) = specwright_secrets::redact_for_model(&outcome.output);
    if redacted > 0 {
        outcome.output = output;
    }
    outcome.duration = started.elapsed();
    outcome
}

/// A `runCommand` whose command starts with this runs a built-in analyzer.
pub const BUILTIN_PREFIX: &str = "specwright:";

/// The built-in analyzers a hook can name (`"command": "specwright:secrets"`).
pub const BUILTINS: &[&str] = &["secrets", "smells"];

/// Runs a built-in analyzer on the triggering file (or, without one, on every
/// file of the workspace folder): `(ok, report)`; ok when nothing was found.
fn run_builtin(name: &str, ctx: &RunContext<'_>) -> (bool, String) {
    match name {
        "secrets" => {
            let target = match ctx.file {
                Some(file) => ctx.root.join(file),
                None => ctx.root.to_path_buf(),
            };
            let findings = specwright_secrets::tree::scan_path(&target, &specwright_secrets::Config::default());
            let mut report = String::new();
            for f in &findings {
                let path = match ctx.file {
                    Some(file) => file.to_owned(),
                    None => f.path.clone(),
                };
                report.push_str(&format!(
                    "{path}:{}:{}: possible secret [{}] {}\n",
                    f.line, f.column, f.rule, f.redacted
                ));
            }
            if findings.is_empty() {
                report.push_str("no secrets found\n");
            }
            (findings.is_empty(), report)
        }
        "smells" => {
            let Some(file) = ctx.file else {
                return (false, "specwright:smells needs a file: fire it from a file event or pass one".into());
            };
            let path = ctx.root.join(file);
            let Some(lang) = specwright_index::Lang::of(&path) else {
                return (true, format!("{file}: not a language the smell analyzer reads\n"));
            };
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) => return (false, format!("cannot read {file}: {e}")),
            };
            let thresholds = specwright_analyzers::smells::Thresholds::default();
            let smells = specwright_analyzers::smells::analyze(lang, &text, &thresholds);
            let mut report: String = smells
                .iter()
                .map(|s| {
                    format!(
                        "{file}:{}:{}: {} {}\n",
                        s.range.start.line + 1,
                        s.range.start.character + 1,
                        s.code,
                        s.message
                    )
                })
                .collect();
            if smells.is_empty() {
                report.push_str("no code smells found\n");
            }
            (smells.is_empty(), report)
        }
        other => (false, format!("unknown built-in analyzer 'specwright:{other}' (known: {})", BUILTINS.join(", "))),
    }
}

async fn run_command(
    command: &str,
    hook: &Hook,
    ctx: &RunContext<'_>,
    timeout: Duration,
    cancel: &CancellationToken,
    outcome: &mut Outcome,
) {
    let mut cmd = shell(command);
    cmd.current_dir(ctx.root)
        .env("SPECWRIGHT_HOOK_NAME", &hook.name)
        .env("SPECWRIGHT_HOOK_TRIGGER", ctx.trigger.legacy_name())
        .env("SPECWRIGHT_HOOK_FILE", ctx.file.unwrap_or(""))
        .env("USER_PROMPT", ctx.prompt.unwrap_or(""))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            outcome.output = format!("could not start the command: {e}");
            return;
        }
    };
    let pid = child.id();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(tokio::spawn(pump(out, tx.clone())));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(tokio::spawn(pump(err, tx.clone())));
    }
    drop(tx);
    let mut output = Capture::default();
    let status = {
        let wait = child.wait();
        tokio::pin!(wait);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                status = &mut wait => break status.ok(),
                Some(chunk) = rx.recv() => output.push(&chunk),
                () = &mut deadline => {
                    outcome.timed_out = true;
                    break None;
                }
                () = cancel.cancelled() => {
                    outcome.cancelled = true;
                    break None;
                }
            }
        }
    };
    if status.is_none() {
        kill_group(pid, &mut child).await;
    }
    // Whatever is still in the pipes; a background child that keeps them
    // open is killed with its group after a short grace.
    let drained = tokio::time::timeout(DRAIN_AFTER_EXIT, async {
        while let Some(chunk) = rx.recv().await {
            output.push(&chunk);
        }
    })
    .await;
    if drained.is_err() {
        kill_group(pid, &mut child).await;
        while let Ok(chunk) = rx.try_recv() {
            output.push(&chunk);
        }
    }
    for reader in readers {
        reader.abort();
    }
    let mut text = output.finish();
    if outcome.timed_out {
        text.push_str(&format!("\n[specwright] the command timed out after {} s and was killed\n", timeout.as_secs()));
    } else if outcome.cancelled {
        text.push_str("\n[specwright] the command was cancelled\n");
    }
    outcome.output = text;
    outcome.exit_code = status.and_then(|s| s.code());
    outcome.ok = status.is_some_and(|s| s.success());
}

#[cfg(unix)]
fn shell(command: &str) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c").arg(command);
    cmd
}

#[cfg(not(unix))]
fn shell(command: &str) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("cmd");
    cmd.arg("/C").arg(command);
    cmd
}

/// Kills the command and everything it started (its process group).
async fn kill_group(pid: Option<u32>, child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = pid {
        // `kill` of the negated id signals the whole group; the command runs
        // in a group of its own (`process_group(0)`).
        let _ = tokio::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await;
    }
    #[cfg(not(unix))]
    let _ = pid;
    let _ = child.start_kill();
    let _ = child.wait().await;
}

async fn pump(mut from: impl tokio::io::AsyncRead + Unpin, to: tokio::sync::mpsc::UnboundedSender<Vec<u8>>) {
    let mut buf = vec![0u8; 8192];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        }
    }
}

/// Output kept up to [`OUTPUT_LIMIT`] bytes, the rest counted.
#[derive(Default)]
struct Capture {
    bytes: Vec<u8>,
    dropped: usize,
}

impl Capture {
    fn push(&mut self, chunk: &[u8]) {
        let room = OUTPUT_LIMIT.saturating_sub(self.bytes.len());
        let take = room.min(chunk.len());
        self.bytes.extend_from_slice(&chunk[..take]);
        self.dropped += chunk.len() - take;
    }

    fn finish(self) -> String {
        let mut text = String::from_utf8_lossy(&self.bytes).into_owned();
        if self.dropped > 0 {
            text.push_str(&format!("\n[specwright] {} more bytes of output not kept\n", self.dropped));
        }
        text
    }
}

enum AskError {
    Cancelled,
    Failed(String),
}

/// The system prompt of an `askAgent` hook without agent tools.
const AGENT_SYSTEM: &str = "You are Specwright's hook agent. A workspace event triggered an agent hook; follow the \
hook's instructions about the file it names and answer in Markdown. You cannot edit files or run tools in this mode: \
describe the changes you recommend.";

/// What the agent's system prompt adds for a hook run with tools.
const AGENT_HOOK_NOTE: &str = "A workspace event triggered an agent hook: follow the hook's instructions (in the \
user's message) with the tools, then answer briefly with what you did.";

async fn ask_agent(
    prompt: &str,
    ctx: &RunContext<'_>,
    models: &ModelSource,
    cancel: &CancellationToken,
) -> Result<String, AskError> {
    let model = match models() {
        Ok(Some(model)) => model,
        Ok(None) => {
            return Err(AskError::Failed(
                "no model is configured: set specwright.model.provider (or SPECWRIGHT_PROVIDER) to run askAgent hooks"
                    .into(),
            ));
        }
        Err(e) => return Err(AskError::Failed(format!("the model is not usable: {e}"))),
    };
    if let Some(hands) = ctx.agent {
        return agent_with_tools(model.as_ref(), prompt, ctx, hands, cancel).await;
    }
    let request = ChatRequest {
        system: Some(AGENT_SYSTEM.into()),
        messages: vec![Message::user(agent_message(prompt, ctx))],
        ..ChatRequest::default()
    };
    let mut ignore = |_| {};
    match model.chat(&request, cancel, &mut ignore).await {
        Ok(response) => Ok(response.text),
        Err(specwright_models::ModelError::Cancelled) => Err(AskError::Cancelled),
        Err(e) => Err(AskError::Failed(format!("the model failed: {e}"))),
    }
}

/// An agent turn with the tools, confined to the workspace folder and
/// applying edits through the front end's host (supervised or not, as the
/// user set it). The output is the answer, then one line per tool call.
async fn agent_with_tools(
    model: &dyn Model,
    prompt: &str,
    ctx: &RunContext<'_>,
    hands: &AgentHands,
    cancel: &CancellationToken,
) -> Result<String, AskError> {
    let workspace = Workspace::new(ctx.root)
        .map_err(|e| AskError::Failed(format!("the workspace folder {}: {e}", ctx.root.display())))?;
    let cx = ToolContext { workspace: &workspace, host: hands.host.as_ref(), cancel, output_limit: 20_000 };
    let tools = specwright_agent::tools::all(&hands.allowed_commands);
    let limits = Limits { max_steps: hands.max_steps, ..Limits::default() };
    let focus: Vec<String> = ctx.file.map(str::to_owned).into_iter().collect();
    let system = specwright_agent::prompt::system_prompt(&cx, None, &focus).await;
    let system = format!("{system}\n\n{AGENT_HOOK_NOTE}");
    let mut history = vec![Message::user(agent_message(prompt, ctx))];
    let mut calls = Vec::new();
    let mut on_event = |event: AgentEvent| {
        if let AgentEvent::ToolResult { name, ok, output, .. } = event {
            let first = output.lines().next().unwrap_or("").chars().take(160).collect::<String>();
            calls.push(format!("{} {name}: {first}", if ok { "✓" } else { "✗" }));
        }
    };
    let outcome = run_turn(model, Some(system), &mut history, &tools, &cx, &limits, &mut on_event).await;
    let mut output = outcome.text;
    if !calls.is_empty() {
        output.push_str("\n\nTools:\n");
        output.push_str(&calls.join("\n"));
    }
    match outcome.stop {
        StopReason::EndTurn => Ok(output),
        StopReason::Cancelled => Err(AskError::Cancelled),
        StopReason::MaxSteps => Err(AskError::Failed(format!("{output}\n\nStopped: the step limit was reached."))),
        StopReason::ModelError(e) => Err(AskError::Failed(format!("the model failed: {e}"))),
    }
}

/// The hook's prompt, then the triggering file (read from disk, bounded),
/// unless the file may hold credentials or is gitignored
/// ([`specwright_secrets::withheld`]): then the prompt says why it is not
/// there, whatever event triggered the hook. Secrets in what is sent are
/// redacted by the model layer, allowlist or not.
fn agent_message(prompt: &str, ctx: &RunContext<'_>) -> String {
    let mut message = format!("Hook instructions:\n{prompt}\n");
    match ctx.file {
        Some(file) => {
            message.push_str(&format!("\nEvent: {} on `{file}`.\n", ctx.trigger.legacy_name()));
            if let Some(reason) = specwright_secrets::withheld(ctx.root, file) {
                message.push_str(&format!("\nThe file `{file}` was not included: {reason}.\n"));
            } else if let Ok(bytes) = std::fs::read(ctx.root.join(file)) {
                let text = String::from_utf8_lossy(&bytes[..bytes.len().min(FILE_LIMIT)]);
                let fence = if text.contains("```") { "````" } else { "```" };
                message.push_str(&format!("\nThe file `{file}`:\n{fence}\n{text}\n{fence}\n"));
                if bytes.len() > FILE_LIMIT {
                    message.push_str(&format!("(cut at {FILE_LIMIT} of {} bytes)\n", bytes.len()));
                }
            }
        }
        None => message.push_str(&format!("\nEvent: {} (no file).\n", ctx.trigger.legacy_name())),
    }
    message
}
