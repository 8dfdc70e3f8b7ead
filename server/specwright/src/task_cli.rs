//! `specwright task run SPEC TASK_ID` and `specwright task run-all SPEC`:
//! the agent implements tasks and the evidence gate ticks them, without an
//! editor (scripts, CI). Edits are written atomically and checkpointed;
//! without `--autopilot` each edit is asked on the terminal (and refused
//! without one). Exit 0 only when every task run passed its evidence gate.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use specwright_agent::session::SessionStore;
use specwright_agent::{AgentEvent, FileChange, Host, ToolSource, Workspace};
use specwright_mcp::client::McpClients;
use specwright_models::{BoxFuture, Model};
use specwright_runtime::chat::{AgentSettings, TurnEvent, new_session};
use specwright_runtime::tasks::checkpoint::CheckpointStore;
use specwright_runtime::tasks::disk::write_file;
use specwright_runtime::tasks::run::{TaskReport, TaskRun, run_task};
use specwright_runtime::tasks::{order, status};
use specwright_spec::{DocKind, Spec, TaskStatus};

use crate::spec_cli::ModelFlags;

#[derive(Subcommand, Debug)]
pub enum TaskCommand {
    /// Implement one task with the agent; tick it only when its tests pass.
    Run {
        /// The spec's folder name (under .kiro/specs/).
        spec: String,
        /// The task's number (`2.1`).
        task: String,
        #[command(flatten)]
        options: TaskOptions,
        #[command(flatten)]
        model: ModelFlags,
    },
    /// Implement every open task in dependency order, stopping at the first
    /// whose evidence fails.
    RunAll {
        spec: String,
        /// Also run optional (`- [ ]*`) tasks.
        #[arg(long)]
        include_optional: bool,
        #[command(flatten)]
        options: TaskOptions,
        #[command(flatten)]
        model: ModelFlags,
    },
    /// Set a task's checkbox in tasks.md (only the marker, as the editor's
    /// status lens does; no test is run): done, in-progress, not-started, queued.
    Set {
        spec: String,
        /// The task's number (`2.1`).
        task: String,
        #[arg(value_parser = ["done", "in-progress", "not-started", "queued"])]
        status: String,
        /// The workspace folder (default: the current folder).
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
}

/// The statuses `task set` accepts, as the markers they write.
const STATUS_NAMES: [(&str, TaskStatus); 4] = [
    ("done", TaskStatus::Done),
    ("in-progress", TaskStatus::InProgress),
    ("not-started", TaskStatus::NotStarted),
    ("queued", TaskStatus::Queued),
];

#[derive(Args, Debug)]
pub struct TaskOptions {
    /// The command whose passing tests tick the task (default: the task's
    /// `Test:` line, else the project's: cargo test, npm test, go test ./...,
    /// python3 -m pytest).
    #[arg(long, value_name = "CMD")]
    pub test_command: Option<String>,
    /// Apply the agent's edits without asking.
    #[arg(long)]
    pub autopilot: bool,
    /// A command prefix the agent may run without asking (repeatable).
    #[arg(long = "allow", value_name = "PREFIX")]
    pub allowed: Vec<String>,
    /// The most model calls in one task run.
    #[arg(long, default_value_t = specwright_agent::Limits::default().max_steps)]
    pub max_steps: usize,
    /// Seconds the test run may take.
    #[arg(long, default_value_t = 600)]
    pub test_timeout: u64,
    /// How many tasks of one dependency wave run at the same time
    /// (`run-all`; their test runs stay one at a time).
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
    #[arg(long, value_parser = ["text", "json"], default_value = "text")]
    pub format: String,
    /// An external ACP agent implements the task instead of Specwright's own
    /// (its command line, e.g. `--agent "npx -y @zed-industries/claude-code-acp"`);
    /// its file access is served inside the workspace, and the task is still
    /// ticked only when Specwright runs the tests and they pass.
    #[arg(long, value_name = "COMMAND")]
    pub agent: Option<String>,
}

pub fn run(command: TaskCommand) -> ExitCode {
    let (spec, tasks, options, flags, include_optional) = match command {
        TaskCommand::Set { spec, task, status, dir } => {
            return match set_status(&dir, &spec, &task, &status) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        TaskCommand::Run { spec, task, options, model } => (spec, Some(task), options, model, false),
        TaskCommand::RunAll { spec, include_optional, options, model } => {
            (spec, None, options, model, include_optional)
        }
    };
    let one = tasks.is_some();
    match run_tasks(&spec, tasks, &options, &flags, include_optional) {
        Ok(reports) => {
            let passed = !reports.is_empty() && reports.iter().all(TaskReport::passed);
            print_reports(&reports, &options.format, one);
            if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_tasks(
    spec_name: &str,
    task: Option<String>,
    options: &TaskOptions,
    flags: &ModelFlags,
    include_optional: bool,
) -> Result<Vec<TaskReport>, String> {
    let agent = match options.agent.as_deref() {
        Some(command) => Some(
            specwright_acp::client::ExternalAgent::parse(command)
                .ok_or_else(|| format!("--agent {command:?} is not a command line"))?,
        ),
        None => None,
    };
    let model: Option<Arc<dyn Model>> = match crate::spec_cli::model(flags) {
        Ok(Some(model)) => Some(Arc::from(model)),
        // An external agent brings its own model.
        Ok(None) if agent.is_some() => None,
        Ok(None) => {
            return Err(
                "no model is configured: set SPECWRIGHT_PROVIDER (and its API key variable) or pass --provider".into(),
            );
        }
        Err(e) => return Err(e.to_string()),
    };
    let workspace = Workspace::new(&flags.dir).map_err(|e| format!("{} is not a folder: {e}", flags.dir.display()))?;
    let root = workspace.root().to_path_buf();
    let dir = root.join(".kiro").join("specs").join(spec_name);
    if !specwright_specgen::naming::is_valid_name(spec_name) || !dir.is_dir() {
        return Err(format!("there is no spec '{spec_name}' in {}", root.join(".kiro/specs").display()));
    }
    let data = specwright_hooks::trust::data_dir()
        .ok_or("no data folder for sessions and checkpoints (set HOME, XDG_DATA_HOME or SPECWRIGHT_DATA_DIR)")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let settings = AgentSettings {
        autopilot: options.autopilot,
        allowed_commands: options.allowed.clone(),
        max_steps: options.max_steps,
        ..AgentSettings::default()
    };
    let waves = match task {
        Some(id) => vec![vec![id]],
        None => order::open_waves(&Spec::load(&dir), include_optional),
    };
    let sessions = SessionStore::new(&data, &root);
    let checkpoints = CheckpointStore::new(&data, &root);
    let host = TerminalHost { autopilot: options.autopilot };
    let editor = specwright_runtime::tasks::disk::DiskTasks;
    let verbose = options.format == "text";
    let concurrency = options.concurrency.clamp(1, 16);
    // The workspace's MCP servers, started when the first task needs tools.
    let trusted = crate::mcp_cli::folder_trusted(&root);
    let mcp = McpClients::load(&root, &specwright_mcp::config::Environment::from_process(), trusted);
    runtime.block_on(async {
        let (cancel, _ctrl_c) = crate::spec_cli::cancel_on_ctrl_c();
        let run = TaskRun {
            model: model.as_deref(),
            implementer: agent.as_ref().map(|a| a as &dyn specwright_runtime::tasks::run::TaskAgent),
            workspace: &workspace,
            host: &host,
            editor: &editor,
            cancel: &cancel,
            settings: &settings,
            allowed_commands: &settings.allowed_commands,
            test_command: options.test_command.clone(),
            test_timeout: Duration::from_secs(options.test_timeout.max(1)),
            sessions: &sessions,
            checkpoints: &checkpoints,
            hooks: None,
            extra_tools: mcp.as_ref().map(|m| m as &dyn ToolSource),
        };
        let one = |id: String| {
            let run = &run;
            let dir = &dir;
            async move {
                let spec = Spec::load(dir);
                let session = new_session(
                    run.sessions,
                    Some(format!("Task {id}")),
                    Some(spec.name.clone()),
                    run.settings.autopilot,
                );
                if verbose {
                    eprintln!("▶ task {id}");
                }
                let mut on_event = |event: TurnEvent| {
                    if !verbose {
                        return;
                    }
                    match event {
                        TurnEvent::Agent(AgentEvent::ToolCall { name, input, .. }) => {
                            eprintln!("  {id} ▸ {name} {input}")
                        }
                        TurnEvent::Agent(AgentEvent::ToolResult { name, ok, output, .. }) => {
                            let first = output.lines().next().unwrap_or("");
                            eprintln!("  {id}   {} {name}: {first}", if ok { "✓" } else { "✗" });
                        }
                        TurnEvent::Notice(text) => eprintln!("  {id} note: {text}"),
                        _ => {}
                    }
                };
                run_task(run, &spec, &id, session, &mut on_event).await
            }
        };
        let mut reports = Vec::new();
        'waves: for wave in waves {
            // Tasks of one wave may run together; their test runs stay one at a time.
            for chunk in wave.chunks(concurrency) {
                let mut failed = false;
                for report in futures_util::future::join_all(chunk.iter().cloned().map(&one)).await {
                    let report = report?;
                    failed |= !report.passed();
                    reports.push(report);
                }
                if failed || cancel.is_cancelled() {
                    break 'waves;
                }
            }
        }
        if let Some(mcp) = &mcp {
            mcp.shutdown().await;
        }
        Ok(reports)
    })
}

/// `task set`: rewrites one marker of tasks.md, atomically.
fn set_status(root: &Path, spec_name: &str, task_id: &str, status: &str) -> Result<(), String> {
    let dir = root.join(".kiro").join("specs").join(spec_name);
    if !specwright_specgen::naming::is_valid_name(spec_name) || !dir.is_dir() {
        return Err(format!("there is no spec '{spec_name}' in {}", root.join(".kiro/specs").display()));
    }
    let status = STATUS_NAMES
        .iter()
        .find(|(name, _)| *name == status)
        .map(|(_, s)| *s)
        .ok_or_else(|| format!("unknown status '{status}': use done, in-progress, not-started or queued"))?;
    let spec = Spec::load(&dir);
    let Some(tasks) = spec.tasks.as_ref() else {
        return Err(format!("spec '{spec_name}' has no tasks.md"));
    };
    let Some(index) = tasks.model.find(task_id) else {
        let ids: Vec<&str> = tasks.model.tasks.iter().filter_map(|t| t.number.as_deref()).collect();
        return Err(format!("spec '{spec_name}' has no task '{task_id}' (its tasks: {})", ids.join(", ")));
    };
    let before = tasks.model.tasks[index].status;
    let path = spec.path(DocKind::Tasks);
    let old = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let new = status::with_status(&spec, task_id, status).ok_or_else(|| format!("no task '{task_id}'"))?;
    if new != old {
        write_file(&path, Some(old), new)?;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "task {task_id}: [{}] → [{}] in {}", before.marker(), status.marker(), path.display());
    Ok(())
}

/// The reports on stdout: one task's report (`task run`), or
/// `{tasks, passed}` (`task run-all`).
fn print_reports(reports: &[TaskReport], format: &str, one: bool) {
    let text = if format == "json" {
        let value = if one && reports.len() == 1 {
            serde_json::to_value(&reports[0]).unwrap_or_default()
        } else {
            let passed = !reports.is_empty() && reports.iter().all(TaskReport::passed);
            serde_json::json!({"tasks": reports, "passed": passed})
        };
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    } else {
        let mut text = String::new();
        for report in reports {
            text.push_str(&report.summary());
            text.push('\n');
            for check in &report.checks {
                text.push_str(&format!("  {} {}: {}\n", if check.ok { "✓" } else { "✗" }, check.name, check.detail));
            }
            if !report.passed() && !report.output_tail.is_empty() {
                text.push_str("  test output (end):\n");
                for line in report.output_tail.lines() {
                    text.push_str(&format!("    {line}\n"));
                }
            }
            if let Some(checkpoint) = &report.checkpoint {
                text.push_str(&format!("  undo: checkpoint {checkpoint}\n"));
            }
        }
        text
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// The agent's host in a terminal: edits written atomically, asked first
/// unless on autopilot; without a terminal to ask, refused.
struct TerminalHost {
    autopilot: bool,
}

impl TerminalHost {
    async fn ask(question: String) -> bool {
        if !std::io::stdin().is_terminal() {
            return false;
        }
        tokio::task::spawn_blocking(move || {
            eprint!("{question} [y/N] ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).is_ok() && matches!(line.trim(), "y" | "Y" | "yes")
        })
        .await
        .unwrap_or(false)
    }
}

impl Host for TerminalHost {
    fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            if !self.autopilot {
                let what = match &change {
                    FileChange::Write { old: None, path, .. } => format!("Create {}?", path.display()),
                    FileChange::Write { path, .. } => format!("Change {}?", path.display()),
                    FileChange::Delete { path, .. } => format!("Delete {}?", path.display()),
                };
                if !Self::ask(what).await {
                    return Err(format!(
                        "{} was not changed: the edit was not approved (run with --autopilot to apply edits without asking)",
                        change.path().display()
                    ));
                }
            }
            tokio::task::spawn_blocking(move || specwright_agent::host::apply_on_disk(&change))
                .await
                .map_err(|e| format!("the write did not finish: {e}"))?
        })
    }

    fn approve_command(&self, command: &str) -> BoxFuture<'_, bool> {
        let question = format!("Run `{command}`?");
        Box::pin(Self::ask(question))
    }

    fn approve_tool<'a>(&'a self, server: &'a str, tool: &'a str, input: &'a serde_json::Value) -> BoxFuture<'a, bool> {
        let question = format!("Call the tool `{tool}` of the MCP server `{server}` with {input}?");
        Box::pin(Self::ask(question))
    }
}
