//! `run_command {command, timeout_s?}`: runs a shell command in the
//! workspace root and answers its exit code and output.
//!
//! A command runs without asking only when it matches the allow-list
//! (`specwright.agent.allowedCommands`) and chains nothing: a command with a
//! shell operator (`;`, `&`, `|`, `` ` ``, `$(`, `>`, `<`, a newline) never
//! matches, so `npm test; rm -rf /` cannot ride on an allowed `npm test`.
//! Anything else is run only when the host approves it. The command runs in
//! its own process group, which is killed on timeout, on cancellation, and
//! when the command ends (so nothing it started in the background lingers).

use std::collections::VecDeque;
use std::io::Read;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use specwright_models::BoxFuture;

use super::{check_cancel, parse_input};
use crate::tool::{Tool, ToolContext, ToolError};

pub struct RunCommand {
    /// Command prefixes that run without asking.
    pub allowed: Vec<String>,
}

const DEFAULT_TIMEOUT_S: u64 = 120;
const MAX_TIMEOUT_S: u64 = 3600;
/// How much of the output's start and of its end is kept while it runs.
const KEEP_BYTES: usize = 256 * 1024;

#[derive(Deserialize)]
struct Input {
    command: String,
    timeout_s: Option<u64>,
}

impl RunCommand {
    /// Whether `command` runs without asking: trimmed, it equals an allowed
    /// prefix or starts with one followed by a space, and it contains no
    /// shell operator that could chain another command.
    pub fn allows(&self, command: &str) -> bool {
        let command = command.trim();
        if chains_commands(command) {
            return false;
        }
        self.allowed
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .any(|prefix| command == prefix || command.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(' ')))
    }
}

/// Whether `command` holds a shell operator that could run something more.
fn chains_commands(command: &str) -> bool {
    command.contains([';', '&', '|', '`', '>', '<', '\n', '\r']) || command.contains("$(")
}

impl Tool for RunCommand {
    fn name(&self) -> &'static str {
        "run_command"
    }

    fn description(&self) -> &'static str {
        "Runs a shell command (sh -c) in the workspace root, without input, and answers its exit \
         code and output (stdout and stderr together). Commands off the user's allow-list need the \
         user's approval. Stopped after timeout_s seconds (default 120)."
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "command": { "type": "string", "description": "The command line, e.g. \"cargo test -p foo\"." },
                "timeout_s": { "type": "integer", "minimum": 1, "maximum": MAX_TIMEOUT_S, "description": "Seconds before the command is stopped (default 120)." }
            },
            "required": ["command"],
            "additionalProperties": false
        })
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(self.run_command(input, cx))
    }
}

impl RunCommand {
    async fn run_command(&self, input: Value, cx: &ToolContext<'_>) -> Result<String, ToolError> {
        let input: Input = parse_input(input)?;
        let command = input.command.trim();
        if command.is_empty() {
            return Err(ToolError::InvalidInput("`command` is empty".into()));
        }
        let timeout_s = input.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S);
        if !(1..=MAX_TIMEOUT_S).contains(&timeout_s) {
            return Err(ToolError::InvalidInput(format!("`timeout_s` must be between 1 and {MAX_TIMEOUT_S}")));
        }
        if !self.allows(command) && !cx.host.approve_command(command).await {
            return Err(ToolError::Refused(format!(
                "`{command}` is not in specwright.agent.allowedCommands and was not approved"
            )));
        }
        check_cancel(cx)?;
        // In the front end's terminal when it has one (an ACP client's).
        if let Some(run) = cx.host.run_in_terminal(command, Duration::from_secs(timeout_s)).await {
            let run =
                run.map_err(|e| ToolError::Failed(format!("cannot run `{command}` in the editor's terminal: {e}")))?;
            return ending(command, timeout_s, run);
        }
        run_shell(command, timeout_s, cx).await
    }
}

enum Ending {
    Exited(std::io::Result<std::process::ExitStatus>),
    TimedOut,
    Cancelled,
}

async fn run_shell(command: &str, timeout_s: u64, cx: &ToolContext<'_>) -> Result<String, ToolError> {
    let run = shell(cx.workspace.root(), command, Duration::from_secs(timeout_s), cx.cancel, cx.output_limit).await;
    ending(command, timeout_s, run)
}

/// The tool's answer for a command's run.
fn ending(command: &str, timeout_s: u64, run: ShellRun) -> Result<String, ToolError> {
    match run.ending {
        ShellEnding::Exited { status, .. } => Ok(format!("{status}\n{}", run.output)),
        ShellEnding::Failed(e) => Err(ToolError::Failed(format!("cannot run `{command}`: {e}"))),
        ShellEnding::TimedOut => {
            Err(ToolError::Failed(format!("`{command}` timed out after {timeout_s} s and was stopped\n{}", run.output)))
        }
        ShellEnding::Cancelled => Err(ToolError::Cancelled),
    }
}

/// How a shell command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellEnding {
    /// It exited: its code (none when a signal ended it) and a description
    /// (`exit code 0`, `killed by signal 9`).
    Exited {
        code: Option<i32>,
        status: String,
    },
    TimedOut,
    Cancelled,
    /// It could not be started.
    Failed(String),
}

/// A shell command's ending and its output (stdout and stderr in order,
/// the start and the end kept when it is long).
#[derive(Debug, Clone)]
pub struct ShellRun {
    pub ending: ShellEnding,
    pub output: String,
}

/// Runs `command` with `sh -c` in `root`, without input, in its own process
/// group (killed on timeout, on cancellation and when the command ends);
/// the output is cut to `output_limit` characters. What `run_command` and
/// the task runner's test command both use.
pub async fn shell(
    root: &std::path::Path,
    command: &str,
    timeout: Duration,
    cancel: &specwright_models::CancellationToken,
    output_limit: usize,
) -> ShellRun {
    let failed = |e: std::io::Error| ShellRun { ending: ShellEnding::Failed(e.to_string()), output: String::new() };
    // One pipe for stdout and stderr, so that their lines stay in order.
    let (mut reader, writer) = match std::io::pipe() {
        Ok(pipe) => pipe,
        Err(e) => return failed(e),
    };
    let writer_copy = match writer.try_clone() {
        Ok(w) => w,
        Err(e) => return failed(e),
    };
    let mut shell = tokio::process::Command::new("sh");
    shell
        .arg("-c")
        .arg(command)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(writer_copy)
        .stderr(writer)
        .env("PAGER", "cat")
        .env("GIT_PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .kill_on_drop(true);
    #[cfg(unix)]
    shell.process_group(0);
    let spawned = shell.spawn();
    // The command holds our copies of the pipe's writing end: drop them, so
    // that reading ends when the command's processes have all gone.
    drop(shell);
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => return failed(e),
    };
    let group = ProcessGroup(child.id());

    let output = Arc::new(Mutex::new(Output::default()));
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let sink = Arc::clone(&output);
    // A thread, not `spawn_blocking`: a background process that escaped the
    // group may hold the pipe open, and must not hold up the runtime.
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n @ 1..) = reader.read(&mut chunk) {
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(&chunk[..n]);
        }
        let _ = done_tx.send(());
    });

    let ending = tokio::select! {
        status = child.wait() => Ending::Exited(status),
        () = tokio::time::sleep(timeout) => Ending::TimedOut,
        () = cancel.cancelled() => Ending::Cancelled,
    };
    drop(group);
    if !matches!(ending, Ending::Exited(_)) {
        let _ = child.start_kill();
        let _ = child.wait().await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), done_rx).await;
    let output = output.lock().unwrap_or_else(|e| e.into_inner()).render(output_limit);
    let ending = match ending {
        Ending::Exited(Ok(status)) => ShellEnding::Exited { code: status.code(), status: describe(status) },
        Ending::Exited(Err(e)) => ShellEnding::Failed(e.to_string()),
        Ending::TimedOut => ShellEnding::TimedOut,
        Ending::Cancelled => ShellEnding::Cancelled,
    };
    ShellRun { ending, output }
}

fn describe(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    "exit code unknown".into()
}

/// The process group a command runs in (led by the shell); killed when
/// dropped.
struct ProcessGroup(Option<u32>);

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(id) = self.0 {
            // The shell's own `kill`: no unsafe code, no `kill` binary needed.
            let _ = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("kill -KILL -- -{id} 2>/dev/null"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// A command's output as it arrives: its start and its end, with a count of
/// what was dropped between them.
#[derive(Default)]
struct Output {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    dropped: usize,
}

impl Output {
    fn push(&mut self, mut bytes: &[u8]) {
        let room = KEEP_BYTES - self.head.len();
        let into_head = room.min(bytes.len());
        self.head.extend_from_slice(&bytes[..into_head]);
        bytes = &bytes[into_head..];
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(KEEP_BYTES);
        self.tail.drain(..excess);
        self.dropped += excess;
    }

    /// The output as text of at most about `limit` characters: its start and
    /// its end when it is longer.
    fn render(&self, limit: usize) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.dropped > 0 {
            text.push_str(&format!("\n[… {} bytes of output left out …]\n", self.dropped));
        }
        let (front, back) = self.tail.as_slices();
        text.push_str(&String::from_utf8_lossy(&[front, back].concat()));
        if text.is_empty() {
            return "(no output)".into();
        }
        let count = text.chars().count();
        if count <= limit {
            return text;
        }
        let half = limit / 2;
        let head: String = text.chars().take(half).collect();
        let tail: String = text.chars().skip(count - half).collect();
        format!("{head}\n[output cut: {} of {count} characters left out from the middle]\n{tail}", count - 2 * half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(allowed: &[&str]) -> RunCommand {
        RunCommand { allowed: allowed.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn prefixes_match_whole_words() {
        let t = tool(&["npm test", "echo"]);
        assert!(t.allows("npm test"));
        assert!(t.allows("  npm test -- --watch=false "));
        assert!(t.allows("echo hi"));
        assert!(!t.allows("npm testify"));
        assert!(!t.allows("npm"));
        assert!(!t.allows("echoes"));
    }

    #[test]
    fn shell_operators_are_never_allowed_by_prefix() {
        let t = tool(&["npm test", "echo"]);
        for command in [
            "npm test; rm -rf /",
            "npm test;rm -rf /",
            "npm test && rm -rf /",
            "npm test || rm -rf /",
            "npm test | sh",
            "npm test & rm -rf /",
            "echo `rm -rf /`",
            "echo $(rm -rf /)",
            "echo x > .bashrc",
            "echo < /etc/passwd",
            "echo ok\nrm -rf /",
        ] {
            assert!(!t.allows(command), "{command:?} should need approval");
        }
    }

    #[test]
    fn long_output_keeps_start_and_end() {
        let mut output = Output::default();
        output.push(&vec![b'a'; KEEP_BYTES]);
        output.push(&vec![b'b'; KEEP_BYTES + 10]);
        assert_eq!(output.dropped, 10);
        let text = output.render(100);
        assert!(text.starts_with(&"a".repeat(50)), "{text}");
        assert!(text.ends_with(&"b".repeat(50)), "{text}");
        assert!(text.contains("left out from the middle"), "{text}");
    }
}
