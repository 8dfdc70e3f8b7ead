//! Running one spec task: the agent implements it with the task, its
//! sub-tasks, the criteria it cites and the design in view; then the server
//! itself decides whether the task is done. The model's word counts for
//! nothing: the task becomes `[x]` only when, after the agent's turn,
//!
//! 1. the test command, run by the server after the last edit, exits 0 and
//!    its output shows at least one test ran and none failed
//!    ([`super::evidence`]);
//! 2. no test that existed before the run was removed, skipped or emptied
//!    of assertions ([`super::weakening`], against the checkpoint's
//!    pre-state of every file the run touched);
//! 3. the files the run touched have no error diagnostics the front end
//!    knows of.
//!
//! Every file the run touches is checkpointed first ([`super::checkpoint`]);
//! a cancelled run is rolled back. Test runs are serialised per workspace
//! folder, so parallel runs never fight over the build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Serialize;
use specwright_agent::session::{Session, SessionStore};
use specwright_agent::{FileChange, Host, StopReason, ToolContext, ToolSource, TurnOutcome, Workspace};
use specwright_hooks::{Event, EventKind, matches};
use specwright_models::{BoxFuture, CancellationToken, Model};
use specwright_spec::{CitationTarget, DocKind, Spec, TaskStatus};

use super::checkpoint::{CheckpointStore, CheckpointingHost};
use super::evidence::{self, TestReport, Verdict};
use super::weakening;
use crate::chat::{self, AgentSettings, ChatHooks, ChatTurn, TurnEvent};

/// What only the front end can do for a task run.
pub trait TaskEditor: Send + Sync {
    /// Sets task `task_id`'s marker in the spec's `tasks.md` (through the
    /// editor, or atomically on disk) and records the state in
    /// `.tasks-meta.json`.
    fn set_status<'a>(
        &'a self,
        spec: &'a Path,
        task_id: &'a str,
        status: TaskStatus,
    ) -> BoxFuture<'a, Result<(), String>>;

    /// Puts files back as a checkpoint recorded them, without asking (the
    /// user cancelled the run or asked for the restore).
    fn restore<'a>(&'a self, changes: Vec<FileChange>) -> BoxFuture<'a, Result<(), String>>;

    /// The error diagnostics the front end knows of in `files`, one line
    /// each (`path:line: message`).
    fn errors_in<'a>(&'a self, files: &'a [PathBuf]) -> BoxFuture<'a, Vec<String>>;

    /// Writes the spec's `.config.kiro` as `text` (it was `old`), for the
    /// drift record of a ticked task ([`super::drift`]).
    fn write_config<'a>(
        &'a self,
        spec: &'a Path,
        old: Option<String>,
        text: String,
    ) -> BoxFuture<'a, Result<(), String>>;
}

/// One task run's inputs.
pub struct TaskRun<'a> {
    /// The model Specwright's own agent runs with (`None`: only an
    /// [`implementer`](TaskRun::implementer) can run tasks).
    pub model: Option<&'a dyn Model>,
    /// Another agent that implements the task instead of Specwright's own
    /// (an external ACP agent: `specwright.tasks.agent`). Its edits go
    /// through the same checkpointing host, and the evidence gate is the same.
    pub implementer: Option<&'a dyn TaskAgent>,
    pub workspace: &'a Workspace,
    /// Where the agent's edits go (supervised or not).
    pub host: &'a dyn Host,
    pub editor: &'a dyn TaskEditor,
    pub cancel: &'a CancellationToken,
    pub settings: &'a AgentSettings,
    /// Command prefixes `run_command` runs without asking.
    pub allowed_commands: &'a [String],
    /// `--test-command` or `specwright.tasks.testCommand`; else the task's
    /// `Test:` line, else the project's manifests.
    pub test_command: Option<String>,
    /// How long the test command may run.
    pub test_timeout: Duration,
    pub sessions: &'a SessionStore,
    pub checkpoints: &'a CheckpointStore,
    pub hooks: Option<ChatHooks<'a>>,
    /// Tools beside the agent's own (the workspace's MCP servers).
    pub extra_tools: Option<&'a dyn ToolSource>,
}

/// An agent other than Specwright's own that implements a task.
pub trait TaskAgent: Send + Sync {
    /// Implements the task `brief` describes in `cx`'s workspace, changing
    /// files only through `cx.host` (which records them for the checkpoint
    /// and asks the user as the mode says), streaming what it does to
    /// `on_event`. What it claims is not evidence: the tests decide.
    fn implement<'a>(
        &'a self,
        brief: &'a str,
        cx: &'a ToolContext<'a>,
        on_event: &'a mut (dyn FnMut(TurnEvent) + Send),
    ) -> BoxFuture<'a, TurnOutcome>;
}

/// What a run reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TaskReport {
    pub id: String,
    pub title: String,
    /// `done`, `evidence-failed`, `cancelled` or `failed` (the agent did
    /// not finish: the model failed or the step limit was reached).
    pub status: &'static str,
    pub tests: Option<Tests>,
    /// The files the run changed, workspace-relative.
    pub files: Vec<String>,
    pub checks: Vec<Check>,
    #[serde(rename = "testCommand")]
    pub test_command: Option<String>,
    /// The last lines of the test command's output.
    #[serde(rename = "outputTail")]
    pub output_tail: String,
    /// The checkpoint that undoes the run.
    pub checkpoint: Option<String>,
    /// The chat session that holds the run's conversation.
    pub session: Option<String>,
    /// The agent's last answer (for people; it decides nothing).
    pub answer: String,
}

impl TaskReport {
    pub fn passed(&self) -> bool {
        self.status == "done"
    }

    /// One paragraph for people: what happened and, when the task was not
    /// ticked, which check failed and why.
    pub fn summary(&self) -> String {
        let mut text = match self.status {
            "done" => format!("Task {} is done: its tests pass.", self.id),
            "cancelled" => format!("Task {} was cancelled; its files were put back.", self.id),
            "failed" => format!("Task {} did not finish: {}", self.id, self.answer),
            _ => format!("Task {} stays in progress: the evidence does not hold.", self.id),
        };
        for check in self.checks.iter().filter(|c| !c.ok) {
            text.push_str(&format!("\n- {}: {}", check.name, check.detail));
        }
        text
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tests {
    pub ran: u32,
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
}

/// One check of the evidence gate.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    /// `tests`, `tests kept` or `diagnostics`.
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// How much of the test output the report keeps.
const TAIL_LINES: usize = 40;

/// Runs task `task_id` of `spec` (its folder as the front end sees it).
/// `Err` when the task cannot be started (no such task, no test command);
/// otherwise the report, whatever the agent did.
/// The agent's conversation is kept in `session` (new, made by the caller
/// so that it can name the session in its events).
pub async fn run_task(
    run: &TaskRun<'_>,
    spec: &Spec,
    task_id: &str,
    mut session: Session,
    on_event: &mut (dyn FnMut(TurnEvent) + Send),
) -> Result<TaskReport, String> {
    let tasks = spec.tasks.as_ref().ok_or_else(|| format!("spec '{}' has no tasks.md", spec.name))?;
    let index = tasks.model.find(task_id).ok_or_else(|| format!("no task '{task_id}' in spec '{}'", spec.name))?;
    let task = &tasks.model.tasks[index];
    let root = run.workspace.root().to_path_buf();
    let test_command = run
        .test_command
        .clone()
        .or_else(|| test_line(spec, index))
        .or_else(|| crate::project::test_command(&root))
        .ok_or_else(|| {
            "there is no test command: pass --test-command, set specwright.tasks.testCommand, or add a `Test:` line \
             to the task"
                .to_string()
        })?;
    let mut report = TaskReport {
        id: task.id(),
        title: task.title.clone(),
        status: "evidence-failed",
        tests: None,
        files: Vec::new(),
        checks: Vec::new(),
        test_command: Some(test_command.clone()),
        output_tail: String::new(),
        checkpoint: None,
        session: None,
        answer: String::new(),
    };
    set_status(run, &spec.dir, task_id, TaskStatus::InProgress).await?;
    fire(run, EventKind::PreTaskExecution).await;

    // The agent's turn, every change checkpointed first.
    report.session = Some(session.id.clone());
    let checkpoint = run.checkpoints.begin(&format!("task {} {}", report.id, report.title), Some(&session.id));
    report.checkpoint = Some(checkpoint.id.clone());
    let recording = CheckpointingHost::new(run.host, run.checkpoints, checkpoint, &root);
    let cx = ToolContext { workspace: run.workspace, host: &recording, cancel: run.cancel, output_limit: 20_000 };
    let allowed: Vec<String> = run.allowed_commands.iter().cloned().chain([test_command.clone()]).collect();
    let focus = named_files(spec, &root);
    // An external agent also edits with its own tools, past the host: its
    // test files are kept aside to compare after the run.
    let tests_before = match run.implementer {
        Some(_) => {
            let root = root.clone();
            tokio::task::spawn_blocking(move || test_files(&root)).await.unwrap_or_default()
        }
        None => Vec::new(),
    };
    let outcome = match (run.implementer, run.model) {
        (Some(agent), _) => {
            let brief = external_brief(spec, index, &test_command, &root, &focus);
            agent.implement(&brief, &cx, on_event).await
        }
        (None, Some(model)) => {
            let brief = brief(spec, index, &test_command);
            let turn = ChatTurn {
                model,
                cx: &cx,
                store: run.sessions,
                settings: run.settings,
                allowed_commands: &allowed,
                focus: &focus,
                hooks: None,
                extra_tools: run.extra_tools,
            };
            chat::send(&turn, &mut session, &brief, on_event).await
        }
        (None, None) => TurnOutcome {
            stop: StopReason::ModelError("no model is configured and no task agent is set".into()),
            text: String::new(),
            steps: 0,
        },
    };
    report.answer = outcome.text.clone();
    let mut checkpoint = recording.into_checkpoint();
    let host = run.host;
    checkpoint.finish(|rel| host.current_text(&root.join(rel)));
    if let Err(e) = run.checkpoints.save(&checkpoint) {
        tracing::warn!("the checkpoint {} was not saved: {e}", checkpoint.id);
    }
    report.files = checkpoint.files.iter().map(|f| f.path.clone()).collect();

    match &outcome.stop {
        StopReason::Cancelled => {
            report.status = "cancelled";
            let changes = checkpoint
                .restore_changes(host, &root)
                .map_err(|conflicts| conflicts.iter().map(|c| c.reason.clone()).collect::<Vec<_>>().join("; "))?;
            if !changes.is_empty() {
                run.editor.restore(changes).await?;
            }
            set_status(run, &spec.dir, task_id, task.status).await.ok();
            return Ok(report);
        }
        StopReason::ModelError(e) => {
            report.status = "failed";
            report.answer = format!("the model failed: {e}");
            fire(run, EventKind::PostTaskExecution).await;
            return Ok(report);
        }
        StopReason::MaxSteps => {
            report.status = "failed";
            report.answer = outcome.text.clone();
            fire(run, EventKind::PostTaskExecution).await;
            return Ok(report);
        }
        StopReason::EndTurn => {}
    }

    // The evidence, decided here. The tests run on the files on disk: an
    // editor that holds the agent's edits unsaved would have them test
    // something else.
    let unsaved: Vec<String> = checkpoint
        .files
        .iter()
        .filter(|f| {
            let path = root.join(&f.path);
            host.open_text(&path).is_some_and(|open| std::fs::read_to_string(&path).ok().as_deref() != Some(&open))
        })
        .map(|f| f.path.clone())
        .collect();
    let tests = run_tests(&root, &test_command, run.test_timeout, run.cancel).await;
    report.output_tail = evidence::tail(&tests.output, TAIL_LINES);
    let read = tests.report;
    report.tests =
        read.counts.as_ref().map(|c| Tests { ran: c.ran, passed: c.passed, failed: c.failed, skipped: c.skipped });
    report.checks.push(tests_check(&read, &test_command));
    report.checks.push(Check {
        name: "saved",
        ok: unsaved.is_empty(),
        detail: if unsaved.is_empty() {
            "the tests ran on the files as the editor shows them".into()
        } else {
            format!(
                "{} not saved: the editor shows other text than the tests ran on; save and start the task again",
                unsaved.join(", ")
            )
        },
    });

    let mut weakened = Vec::new();
    for file in &checkpoint.files {
        let Some(before) = &file.before else { continue };
        if !weakening::is_test_file(&file.path, Some(before)) {
            continue;
        }
        let after = host.current_text(&root.join(&file.path));
        weakened.extend(weakening::compare(&file.path, before, after.as_deref()));
    }
    for (rel, before) in &tests_before {
        if checkpoint.files.iter().any(|f| &f.path == rel) {
            continue;
        }
        let after = host.current_text(&root.join(rel));
        weakened.extend(weakening::compare(rel, before, after.as_deref()));
    }
    report.checks.push(Check {
        name: "tests kept",
        ok: weakened.is_empty(),
        detail: if weakened.is_empty() {
            "no test that existed before the run was removed, skipped or weakened".into()
        } else {
            weakened
                .iter()
                .map(|w| match &w.test {
                    Some(test) => format!("{}: test '{test}' {}", w.file, w.what),
                    None => format!("{}: {}", w.file, w.what),
                })
                .collect::<Vec<_>>()
                .join("; ")
        },
    });

    let touched: Vec<PathBuf> = checkpoint.files.iter().map(|f| root.join(&f.path)).collect();
    let errors = run.editor.errors_in(&touched).await;
    report.checks.push(Check {
        name: "diagnostics",
        ok: errors.is_empty(),
        detail: if errors.is_empty() { "no errors in the files the run touched".into() } else { errors.join("; ") },
    });

    if report.checks.iter().all(|c| c.ok) {
        set_status(run, &spec.dir, task_id, TaskStatus::Done).await?;
        report.status = "done";
        record_done(run, spec, task_id, &checkpoint, &root).await;
    } else {
        // Whatever an agent wrote into tasks.md, the task is not done.
        set_status(run, &spec.dir, task_id, TaskStatus::InProgress).await.ok();
    }
    fire(run, EventKind::PostTaskExecution).await;
    Ok(report)
}

/// Records in `.config.kiro` the commit and the files the ticked task was
/// done against, for drift hints; a failure only logs (the task is done).
async fn record_done(
    run: &TaskRun<'_>,
    spec: &Spec,
    task_id: &str,
    checkpoint: &super::checkpoint::Checkpoint,
    root: &Path,
) {
    let commit = head_commit(root).await;
    // One writer of the spec's files at a time (tasks of one wave run together).
    let lock = lock_for(&SPEC_LOCKS, &spec.dir);
    let _writing = lock.lock().await;
    let files: Vec<(String, String)> = checkpoint
        .files
        .iter()
        .filter_map(|f| {
            let text = run.host.current_text(&root.join(&f.path))?;
            Some((f.path.clone(), specwright_hooks::trust::file_hash(&text)))
        })
        .collect();
    let path = spec.dir.join(".config.kiro");
    let old = run.host.current_text(&path);
    let Some(text) = super::drift::with_done_record(old.as_deref(), task_id, commit.as_deref(), &files) else {
        tracing::info!("{} is not a JSON object: no drift record for task {task_id}", path.display());
        return;
    };
    if let Err(e) = run.editor.write_config(&spec.dir, old, text).await {
        tracing::warn!("the drift record of task {task_id} was not written: {e}");
    }
}

/// The commit `HEAD` names in `root`'s repository, if it is one.
async fn head_commit(root: &Path) -> Option<String> {
    let out = tokio::process::Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .await
        .ok()?;
    let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !sha.is_empty()).then_some(sha)
}

/// The `tests` check of a test run.
pub fn tests_check(read: &TestReport, command: &str) -> Check {
    let counts = read
        .counts
        .as_ref()
        .map(|c| format!(" ({} ran, {} passed, {} failed, {} skipped)", c.ran, c.passed, c.failed, c.skipped))
        .unwrap_or_default();
    let note = read.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default();
    match &read.verdict {
        Verdict::Passed => Check { name: "tests", ok: true, detail: format!("`{command}` passed{counts}{note}") },
        Verdict::Failed(why) => Check { name: "tests", ok: false, detail: format!("`{command}`: {why}{counts}{note}") },
        Verdict::Unreadable => {
            let ok = read.exit_code == Some(0);
            let code = read.exit_code.map_or_else(|| "no exit code".to_string(), |c| format!("exit code {c}"));
            Check {
                name: "tests",
                ok,
                detail: format!("`{command}`: its output could not be read, so the exit code decided ({code}){note}"),
            }
        }
    }
}

/// A test run's output and what it says.
pub struct TestRun {
    pub output: String,
    pub report: TestReport,
}

/// Runs the test command in `root`, one run per workspace folder at a time.
pub async fn run_tests(root: &Path, command: &str, timeout: Duration, cancel: &CancellationToken) -> TestRun {
    let lock = lock_for(&TEST_LOCKS, root);
    let _serialised = lock.lock().await;
    let run = specwright_agent::tools::shell(root, command, timeout, cancel, 200_000).await;
    use specwright_agent::tools::ShellEnding;
    let (code, extra) = match &run.ending {
        ShellEnding::Exited { code, .. } => (*code, None),
        ShellEnding::TimedOut => (None, Some(format!("`{command}` timed out after {} s", timeout.as_secs()))),
        ShellEnding::Cancelled => (None, Some("the test run was cancelled".to_string())),
        ShellEnding::Failed(e) => (None, Some(format!("`{command}` could not run: {e}"))),
    };
    let mut report = evidence::read_output(&run.output, code);
    if let Some(extra) = extra {
        report.verdict = Verdict::Failed(extra);
    }
    TestRun { output: run.output, report }
}

type Locks = OnceLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>>;

/// Test runs, one at a time per workspace folder.
static TEST_LOCKS: Locks = OnceLock::new();
/// Writes of a spec's files (`tasks.md`, `.tasks-meta.json`,
/// `.config.kiro`), one at a time per spec: each is a read-modify-write.
static SPEC_LOCKS: Locks = OnceLock::new();

/// The lock of `key` in `locks`.
fn lock_for(locks: &Locks, key: &Path) -> Arc<tokio::sync::Mutex<()>> {
    let locks = locks.get_or_init(Mutex::default);
    let mut locks = locks.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(locks.entry(key.to_path_buf()).or_default())
}

/// Sets a task's state through the front end, one writer per spec.
async fn set_status(run: &TaskRun<'_>, spec: &Path, task_id: &str, status: TaskStatus) -> Result<(), String> {
    let lock = lock_for(&SPEC_LOCKS, spec);
    let _writing = lock.lock().await;
    run.editor.set_status(spec, task_id, status).await
}

/// Runs the hooks of `kind` (pre/post task execution); their outcomes go to
/// the engine's channel.
async fn fire(run: &TaskRun<'_>, kind: EventKind) {
    let Some(hooks) = &run.hooks else { return };
    let event = Event::new(kind);
    for hook in hooks.hooks.iter().filter(|h| matches(h, &event)) {
        let ran = hooks.engine.run_for_event(hook.clone(), &hooks.hooks, hooks.root.clone(), kind, None).await;
        if let Err(refusal) = ran {
            tracing::info!("{}", refusal.message(&hook.name));
        }
    }
}

/// The task's `Test:` line (in its details, a sub-task's, or its parent's).
pub fn test_line(spec: &Spec, index: usize) -> Option<String> {
    let tasks = &spec.tasks.as_ref()?.model;
    let task = &tasks.tasks[index];
    let family = std::iter::once(index).chain(tasks.children(index)).chain(task.parent);
    for i in family {
        for line in &tasks.tasks[i].details {
            let line = line.trim().trim_start_matches(['-', '*']).trim().trim_matches('_').trim_matches('*');
            if let Some(command) = line.strip_prefix("Test:").or_else(|| line.strip_prefix("Tests:")) {
                let command = command.trim().trim_matches('`').trim();
                if !command.is_empty() {
                    return Some(command.to_string());
                }
            }
        }
    }
    None
}

/// What the agent is asked: the task and its sub-tasks, the criteria they
/// cite (full text, with ids), how the tests run, and the rules of the
/// evidence gate. The spec itself (requirements, design, tasks) is in the
/// system prompt.
pub fn brief(spec: &Spec, index: usize, test_command: &str) -> String {
    let Some(mut text) = task_text(spec, index) else { return String::new() };
    text.push_str(&format!(
        "\nWrite or extend tests that prove the criteria, implement the task, and run the tests with run_command \
         `{test_command}` until they pass. Do not delete, skip or weaken existing tests. Do not edit tasks.md: \
         Specwright ticks the task itself after running the tests."
    ));
    text
}

/// The task `index` of `spec`: its title and details, its sub-tasks, and
/// the acceptance criteria they cite; `None` without tasks.
fn task_text(spec: &Spec, index: usize) -> Option<String> {
    let tasks = spec.tasks.as_ref()?;
    let model = &tasks.model;
    let task = &model.tasks[index];
    let mut text = format!("Implement task {} of the spec `{}`: {}\n", task.id(), spec.name, task.title);
    for line in &task.details {
        text.push_str(&format!("{line}\n"));
    }
    let children: Vec<usize> = model.children(index).collect();
    if !children.is_empty() {
        text.push_str("\nIts sub-tasks, all part of this run:\n");
        for i in &children {
            let sub = &model.tasks[*i];
            text.push_str(&format!("- {} {}\n", sub.id(), sub.title));
            for line in &sub.details {
                text.push_str(&format!("  {line}\n"));
            }
        }
    }
    let criteria = cited_criteria(spec, std::iter::once(index).chain(children).collect());
    if !criteria.is_empty() {
        text.push_str("\nThe acceptance criteria it must satisfy:\n");
        for (id, criterion) in criteria {
            text.push_str(&format!("- {id}: {criterion}\n"));
        }
    }
    Some(text)
}

/// The most test files kept aside for an external agent's run.
const MAX_TEST_FILES: usize = 2_000;
/// Test files larger than this are not kept aside.
const MAX_TEST_FILE_BYTES: u64 = 1024 * 1024;

/// The workspace's test files and their text (relative, `/`-separated),
/// skipping hidden folders, dependencies and build output.
fn test_files(root: &Path) -> Vec<(String, String)> {
    const SKIPPED: &[&str] = &["node_modules", "target", "dist", "build", "vendor", "__pycache__"];
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIPPED.contains(&name.as_str()) {
                    stack.push(entry.path());
                }
                continue;
            }
            if !kind.is_file() || entry.metadata().map_or(true, |m| m.len() > MAX_TEST_FILE_BYTES) {
                continue;
            }
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            // Rust tests are told by their text; the others by their name.
            if !weakening::is_test_file(&rel, None) && !rel.ends_with(".rs") {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path)
                && weakening::is_test_file(&rel, Some(&text))
            {
                out.push((rel, text));
                if out.len() >= MAX_TEST_FILES {
                    return out;
                }
            }
        }
    }
    out
}

/// The most characters of the design an external agent's brief carries.
const BRIEF_DESIGN_CHARS: usize = 30_000;

/// The brief for an external agent, which has neither Specwright's system
/// prompt nor its tools: the task, its sub-tasks and criteria, the design,
/// and the steering that applies to the files the spec names, redacted.
pub fn external_brief(spec: &Spec, index: usize, test_command: &str, root: &Path, focus: &[String]) -> String {
    let task_part = task_text(spec, index).unwrap_or_default();
    let mut text = format!(
        "{task_part}\nWrite or extend tests that prove the criteria, implement the task, and run `{test_command}` \
         until the tests pass. Do not delete, skip or weaken existing tests. Do not edit tasks.md: Specwright runs \
         the tests itself and ticks the task only if they pass.\n"
    );
    if let Some(design) = spec.document(DocKind::Design) {
        let design: String = design.text.chars().take(BRIEF_DESIGN_CHARS).collect();
        text.push_str(&format!("\n## The design (.kiro/specs/{}/design.md)\n\n{design}\n", spec.name));
    }
    let user_dir = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".kiro").join("steering"));
    let mut steering = specwright_steering::Steering::load(root, user_dir.as_deref());
    specwright_agent::context::withhold_includes(root, &mut steering);
    for applied in steering.applicable(focus, &[]) {
        text.push_str(&format!("\n## Steering: {}\n\n{}\n", applied.name, applied.text));
    }
    specwright_secrets::redact_for_model(&text).0
}

/// The criteria the tasks `indices` cite, with their ids, in citation order.
fn cited_criteria(spec: &Spec, indices: Vec<usize>) -> Vec<(String, String)> {
    let (Some(tasks), Some(requirements)) = (spec.tasks.as_ref(), spec.requirements.as_ref()) else {
        return Vec::new();
    };
    let criteria: Vec<&specwright_spec::requirements::Criterion> =
        requirements.model.requirements.iter().flat_map(|r| &r.criteria).collect();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |c: &specwright_spec::requirements::Criterion| {
        let id = format!("{}.{}", c.requirement, c.number);
        if !out.iter().any(|(seen, _)| *seen == id) {
            out.push((id, c.text.clone()));
        }
    };
    for citation in tasks.model.citations.iter().filter(|c| c.owner.is_some_and(|o| indices.contains(&o))) {
        match &citation.target {
            CitationTarget::Id(id) => {
                for c in criteria
                    .iter()
                    .filter(|c| c.requirement == id.requirement && id.criterion.is_none_or(|n| n == c.number))
                {
                    push(c);
                }
            }
            CitationTarget::Range(from, to) => {
                let key = |r: u32, n: u32| (r, n);
                let low = key(from.requirement, from.criterion.unwrap_or(0));
                let high = key(to.requirement, to.criterion.unwrap_or(u32::MAX));
                for c in criteria.iter().filter(|c| (low..=high).contains(&key(c.requirement, c.number))) {
                    push(c);
                }
            }
            CitationTarget::FreeText => {}
        }
    }
    out
}

/// The workspace files the design and the tasks name (`src/auth/login.ts`),
/// for the repository map to focus on.
fn named_files(spec: &Spec, root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for kind in [DocKind::Design, DocKind::Tasks] {
        let Some(doc) = spec.document(kind) else { continue };
        for word in doc.text.split(|c: char| c.is_whitespace() || "`'\"()[]<>,;:".contains(c)) {
            let word = word.trim_matches(['.', '*']);
            if word.contains('/') && word.contains('.') && !word.contains("://") && found.len() < 40 {
                let rel = word.trim_start_matches("./");
                if !found.iter().any(|f| f == rel) && root.join(rel).is_file() {
                    found.push(rel.to_string());
                }
            }
        }
    }
    found
}
