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

use specwright_agent::{AgentEvent, FileChange, StopReason, ToolContext, TurnOutcome};
use specwright_models::BoxFuture;
use specwright_runtime::chat::TurnEvent;
use specwright_runtime::tasks::run::TaskAgent;
use tokio::sync::{mpsc, oneshot};
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

/// How long the agent has to answer `session/cancel` before it is killed.
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
            let mut child = match tokio::process::Command::new(&self.program)
                .args(&self.args)
                .current_dir(&root)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()
            {
                Ok(child) => child,
                Err(e) => return failed(format!("cannot start the task agent `{}`: {e}", self.label())),
            };
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                return failed("the task agent's stdin or stdout is missing".into());
            };
            if let Some(stderr) = child.stderr.take() {
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
                CANCEL_GRACE,
            );
            tokio::pin!(connection);
            let ended = loop {
                tokio::select! {
                    ended = &mut connection => break ended,
                    Some(incoming) = rx.recv() => serve(incoming, cx, &self.label(), on_event).await,
                }
            };
            // What it sent last, answered (refused) rather than left hanging.
            while let Ok(incoming) = rx.try_recv() {
                serve(incoming, cx, &self.label(), on_event).await;
            }
            let _ = child.start_kill();
            match ended {
                Ok(end) => TurnOutcome {
                    stop: match end.stop.as_str() {
                        "end_turn" => StopReason::EndTurn,
                        "cancelled" => StopReason::Cancelled,
                        "max_turn_requests" | "max_tokens" => StopReason::MaxSteps,
                        other => StopReason::ModelError(format!("the task agent stopped: {other}")),
                    },
                    text: end.text,
                    steps: 1,
                },
                Err(_) if cx.cancel.is_cancelled() => {
                    TurnOutcome { stop: StopReason::Cancelled, text: String::new(), steps: 1 }
                }
                Err(e) => failed(format!("the task agent `{}` failed: {e}", self.label())),
            }
        })
    }
}

/// Answers one request of the agent through the task run's host.
async fn serve(incoming: Incoming, cx: &ToolContext<'_>, agent: &str, on_event: &mut (dyn FnMut(TurnEvent) + Send)) {
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

async fn read(cx: &ToolContext<'_>, path: &Path, line: Option<u32>, limit: Option<u32>) -> Result<String, String> {
    let real = confine(cx, path)?;
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
    let old = cx.host.current_text(&real);
    let placeholder = "<redacted:";
    if content.contains(placeholder) && !old.as_deref().is_some_and(|o| o.contains(placeholder)) {
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
