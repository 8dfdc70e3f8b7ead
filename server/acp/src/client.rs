//! Any ACP agent as Specwright's task runner (`specwright.tasks.agent`,
//! `specwright task run --agent`): the agent is started in the workspace,
//! given the task's brief, and served its `fs/*` requests and permission
//! questions here, through the task run's host. The runtime's task run
//! does the rest as for Specwright's own agent: every change is
//! checkpointed, and the task is ticked only when Specwright ran the tests
//! itself and they passed. What the agent claims decides nothing.
//!
//! Invariants:
//! - The agent reads and writes only inside the workspace (symbolic links
//!   resolved); files that may hold credentials (or are git-ignored) are
//!   refused, and the secrets in what it reads are redacted, as for a model.
//! - A write that would put a redaction placeholder where the file had none
//!   is refused: the file keeps the user's secret.
//! - Writes go through the host: supervised mode asks the user first, and
//!   the checkpoint records the file before the change.

use std::path::{Path, PathBuf};

use process_wrap::tokio::{CommandWrap, KillOnDrop, ProcessGroup};
use specwright_agent::{AgentEvent, FileChange, StopReason, ToolContext, TurnOutcome};
use specwright_models::BoxFuture;
use specwright_runtime::chat::TurnEvent;
use specwright_runtime::tasks::run::TaskAgent;
use tokio::sync::{mpsc, oneshot};
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

/// How long the agent has to answer `session/cancel` before it is stopped.
const CANCEL_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// An external ACP agent: a command and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalAgent {
    pub program: String,
    pub args: Vec<String>,
}

impl ExternalAgent {
    /// A command line as the setting holds it: words split at whitespace,
    /// `"…"` or `'…'` keeping spaces; `None` when it is empty or a quote is
    /// not closed.
    pub fn parse(command: &str) -> Option<Self> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut in_word = false;
        let mut quote: Option<char> = None;
        for c in command.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '"' | '\'') => {
                    quote = Some(c);
                    in_word = true;
                }
                (None, c) if c.is_whitespace() => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                (None, c) => {
                    word.push(c);
                    in_word = true;
                }
            }
        }
        if quote.is_some() {
            return None;
        }
        if in_word {
            words.push(word);
        }
        let mut words = words.into_iter();
        Some(Self { program: words.next()?, args: words.collect() })
    }

    /// The command line, for messages.
    pub fn label(&self) -> String {
        std::iter::once(self.program.as_str()).chain(self.args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
    }
}

/// What the agent asked of us, in our terms (made by `sdk.rs`).
pub enum Incoming {
    Read {
        path: PathBuf,
        line: Option<u32>,
        limit: Option<u32>,
        reply: oneshot::Sender<Result<String, String>>,
    },
    Write {
        path: PathBuf,
        content: String,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// A permission question: `true` to allow once.
    Permission {
        title: String,
        input: serde_json::Value,
        reply: oneshot::Sender<bool>,
    },
    Update(AgentNote),
}

/// What the agent shows while it works.
pub enum AgentNote {
    Text(String),
    ToolCall { id: String, title: String, input: serde_json::Value },
    ToolDone { id: String, ok: bool, output: String },
}

/// How the agent's prompt turn ended.
pub struct AgentEnd {
    /// `end_turn`, `cancelled`, `max_tokens`, `max_turn_requests`, `refusal`.
    pub stop: String,
    /// What it said, joined.
    pub text: String,
}

impl TaskAgent for ExternalAgent {
    fn implement<'a>(
        &'a self,
        brief: &'a str,
        cx: &'a ToolContext<'a>,
        on_event: &'a mut (dyn FnMut(TurnEvent) + Send),
    ) -> BoxFuture<'a, TurnOutcome> {
        Box::pin(async move {
            let failed = |why: String| TurnOutcome { stop: StopReason::ModelError(why), text: String::new(), steps: 0 };
            let root = cx.workspace.root().to_path_buf();
            let mut command = tokio::process::Command::new(&self.program);
            command
                .args(&self.args)
                .current_dir(&root)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            // Its own process group: a launcher's (npx's) children and the
            // commands the agent starts are stopped with it.
            let mut command = CommandWrap::from(command);
            command.wrap(ProcessGroup::leader()).wrap(KillOnDrop);
            let mut child = match command.spawn() {
                Ok(child) => child,
                Err(e) => return failed(format!("cannot start the task agent `{}`: {e}", self.label())),
            };
            let (Some(stdin), Some(stdout)) = (child.stdin().take(), child.stdout().take()) else {
                return failed("the task agent's stdin or stdout is missing".into());
            };
            if let Some(stderr) = child.stderr().take() {
                let label = self.label();
                tokio::spawn(async move {
                    use tokio::io::AsyncBufReadExt;
                    let mut lines = tokio::io::BufReader::new(stderr).lines();
                    while let Ok(Some(line)) = lines.next_line().await {
                        tracing::info!(agent = %label, "{line}");
                    }
                });
            }
            let (tx, mut rx) = mpsc::unbounded_channel();
            let connection = crate::sdk::run_task_client(
                stdin.compat_write(),
                stdout.compat(),
                tx,
                brief.to_string(),
                root.clone(),
                cx.cancel.clone(),
                Timeouts { start: START_TIMEOUT, cancel_grace: CANCEL_GRACE },
            );
            tokio::pin!(connection);
            // After a cancel the agent has the grace period to answer, then it is stopped.
            let stop_after_cancel = async {
                cx.cancel.cancelled().await;
                tokio::time::sleep(CANCEL_GRACE + std::time::Duration::from_secs(1)).await;
            };
            tokio::pin!(stop_after_cancel);
            let ended = loop {
                tokio::select! {
                    ended = &mut connection => break Some(ended),
                    () = &mut stop_after_cancel => break None,
                    Some(incoming) = rx.recv() => serve(incoming, cx, &self.label(), on_event).await,
                }
            };
            // Stopped before anything it still asks is answered: those are refused.
            let _ = child.start_kill();
            while let Ok(incoming) = rx.try_recv() {
                refuse(incoming);
            }
            match ended {
                // Whatever it answers after a cancel, the run was cancelled.
                _ if cx.cancel.is_cancelled() => {
                    TurnOutcome { stop: StopReason::Cancelled, text: String::new(), steps: 1 }
                }
                Some(Ok(end)) => TurnOutcome {
                    stop: match end.stop.as_str() {
                        "end_turn" => StopReason::EndTurn,
                        "max_turn_requests" | "max_tokens" => StopReason::MaxSteps,
                        other => StopReason::ModelError(format!("the task agent stopped: {other}")),
                    },
                    text: end.text,
                    steps: 1,
                },
                Some(Err(e)) => failed(format!("the task agent `{}` failed: {e}", self.label())),
                None => TurnOutcome { stop: StopReason::Cancelled, text: String::new(), steps: 1 },
            }
        })
    }
}

/// How long the task agent has to start (answer `initialize` and
/// `session/new`): a launcher may download it first.
const START_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The client side's time limits.
pub struct Timeouts {
    /// For `initialize` and `session/new`.
    pub start: std::time::Duration,
    /// For the agent's answer to `session/cancel`.
    pub cancel_grace: std::time::Duration,
}

/// Refuses what the agent asked after the run ended.
fn refuse(incoming: Incoming) {
    match incoming {
        Incoming::Read { reply, .. } => {
            let _ = reply.send(Err("the task run ended".into()));
        }
        Incoming::Write { reply, .. } => {
            let _ = reply.send(Err("the task run ended; nothing was written".into()));
        }
        Incoming::Permission { reply, .. } => {
            let _ = reply.send(false);
        }
        Incoming::Update(_) => {}
    }
}

/// Answers one request of the agent through the task run's host.
async fn serve(incoming: Incoming, cx: &ToolContext<'_>, agent: &str, on_event: &mut (dyn FnMut(TurnEvent) + Send)) {
    if cx.cancel.is_cancelled() && !matches!(incoming, Incoming::Update(_)) {
        return refuse(incoming);
    }
    match incoming {
        Incoming::Read { path, line, limit, reply } => {
            let _ = reply.send(read(cx, &path, line, limit).await);
        }
        Incoming::Write { path, content, reply } => {
            let result = write(cx, &path, content).await;
            let shown = cx.workspace.display(&path);
            on_event(TurnEvent::Agent(AgentEvent::ToolResult {
                id: format!("fs-write-{shown}"),
                name: "fs/write_text_file".into(),
                ok: result.is_ok(),
                output: match &result {
                    Ok(()) => format!("wrote {shown}"),
                    Err(e) => e.clone(),
                },
            }));
            let _ = reply.send(result);
        }
        Incoming::Permission { title, input, reply } => {
            let allowed = cx.host.approve_tool(agent, &title, &input).await;
            let _ = reply.send(allowed);
        }
        Incoming::Update(AgentNote::Text(text)) => on_event(TurnEvent::Agent(AgentEvent::Text(text))),
        Incoming::Update(AgentNote::ToolCall { id, title, input }) => {
            on_event(TurnEvent::Agent(AgentEvent::ToolCall { id, name: title, input }))
        }
        Incoming::Update(AgentNote::ToolDone { id, ok, output }) => {
            on_event(TurnEvent::Agent(AgentEvent::ToolResult { id, name: "tool".into(), ok, output }))
        }
    }
}

/// `path` inside the workspace, and not a file withheld from models.
fn confine(cx: &ToolContext<'_>, path: &Path) -> Result<PathBuf, String> {
    let real = cx
        .workspace
        .resolve(&path.to_string_lossy())
        .map_err(|_| format!("{} is outside the workspace: refused", path.display()))?;
    let rel = cx.workspace.display(&real);
    if let Some(reason) = specwright_secrets::withheld(cx.workspace.root(), &rel) {
        return Err(format!("{rel} is withheld from agents: {reason}"));
    }
    Ok(real)
}

/// Files larger than this are not handed to the agent.
const MAX_READ_BYTES: u64 = 16 * 1024 * 1024;

async fn read(cx: &ToolContext<'_>, path: &Path, line: Option<u32>, limit: Option<u32>) -> Result<String, String> {
    let real = confine(cx, path)?;
    if let Ok(meta) = std::fs::metadata(&real)
        && meta.len() > MAX_READ_BYTES
    {
        return Err(format!("{} is {} bytes, too large to read", path.display(), meta.len()));
    }
    let text = cx.host.current_text(&real).ok_or_else(|| format!("{} does not exist", path.display()))?;
    let (text, _) = specwright_secrets::redact_for_model(&text);
    let skip = line.map_or(0, |l| l.saturating_sub(1) as usize);
    Ok(match (line, limit) {
        (None, None) => text,
        _ => {
            let lines = text.split_inclusive('\n').skip(skip);
            match limit {
                Some(n) => lines.take(n as usize).collect(),
                None => lines.collect(),
            }
        }
    })
}

async fn write(cx: &ToolContext<'_>, path: &Path, content: String) -> Result<(), String> {
    let real = confine(cx, path)?;
    let rel = cx.workspace.display(&real);
    // The task's status is Specwright's to set, after its own test run.
    let name = real.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if rel.starts_with(".kiro/specs/") && matches!(name.as_str(), "tasks.md" | ".tasks-meta.json" | ".config.kiro") {
        return Err(format!("{rel} is Specwright's to change: it ticks the task itself after running the tests"));
    }
    let old = cx.host.current_text(&real);
    let placeholder = "<redacted:";
    let placeholders = |text: &str| text.matches(placeholder).count();
    if placeholders(&content) > old.as_deref().map_or(0, placeholders) {
        return Err(format!(
            "{} was not written: the text holds a redacted secret's placeholder (the agent was shown the file \
             redacted); the file keeps its secret",
            path.display()
        ));
    }
    cx.host.apply_reviewed(FileChange::Write { path: real, old, new: content }).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::ExternalAgent;

    #[test]
    fn command_lines_split_at_spaces_and_keep_quoted_ones() {
        let agent = ExternalAgent::parse("  npx -y '@zed-industries/claude-code-acp' \"a b\" c  ").unwrap();
        assert_eq!(agent.program, "npx");
        assert_eq!(agent.args, ["-y", "@zed-industries/claude-code-acp", "a b", "c"]);
        assert_eq!(ExternalAgent::parse("kiro-cli acp").unwrap().args, ["acp"]);
        assert_eq!(ExternalAgent::parse("a ''").unwrap().args, [""]);
        assert!(ExternalAgent::parse("   ").is_none());
        assert!(ExternalAgent::parse("agent 'open").is_none());
    }
}
