//! Task execution in the editor: `specwright.task.start` (the "▶ Start
//! task" code lens), `specwright.tasks.runAll` ("▶ Run all tasks"), and the
//! checkpoints that undo an agent's turn (`specwright.checkpoint.list`,
//! `specwright.checkpoint.restore`). The run itself is
//! [`specwright_runtime::tasks::run`]'s; this file supplies its
//! [`TaskEditor`]: markers, `.tasks-meta.json` and restores through
//! `workspace/applyEdit`, errors from the diagnostics the server knows.

use std::path::{Path, PathBuf};
use std::time::Duration;

use specwright_agent::session::SessionStore;
use specwright_agent::{FileChange, ToolSource, Workspace};
use specwright_models::{BoxFuture, CancellationToken};
use specwright_runtime::chat::{ChatHooks, TurnEvent};
use specwright_runtime::tasks::checkpoint::CheckpointStore;
use specwright_runtime::tasks::run::{TaskEditor, TaskReport, TaskRun, run_task};
use specwright_runtime::tasks::{order, status};
use specwright_spec::{DocKind, Spec, TaskStatus};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::chat::{ChatEnv, failed};
use super::server::Server;
use super::{convert, ext};

impl Server {
    /// `specwright.task.start {uri, taskId, testCommand?}`.
    pub(super) async fn execute_task_start(&self, args: Vec<serde_json::Value>) -> Result<Option<serde_json::Value>> {
        let params: ext::TaskStartParams = super::server::one_argument(args, "{uri, taskId, testCommand?}")?;
        let (root, dir) = self.task_spec(&params.uri)?;
        self.ensure_folder_trusted(&root).await?;
        let (token, cancel) = self.task_job();
        let env = self.chat_env();
        let progress =
            self.begin_progress(&token, format!("Specwright: task {}", params.task_id), "starting".into()).await;
        let task_id = params.task_id.clone();
        let test_command = params.test_command.clone();
        // The run goes on in its own task: a dropped request (`$/cancelRequest`)
        // cancels it, and the cancelled run still puts its files back.
        let guard = cancel.clone().drop_guard();
        let handle = tokio::spawn({
            let cancel = cancel.clone();
            async move { run_one(&env, &root, &dir, &task_id, test_command, &cancel).await }
        });
        let result = handle.await.map_err(|e| failed(format!("the task run failed: {e}")));
        drop(guard.disarm());
        self.end_task_job(&token);
        let report = result??;
        if let Some(p) = progress {
            p.finish_with_message(report.summary().lines().next().unwrap_or("").to_string()).await;
        }
        self.show_report(&report).await;
        Ok(serde_json::to_value(&report).ok())
    }

    /// `specwright.tasks.runAll {uri, includeOptional?, testCommand?}`.
    pub(super) async fn execute_tasks_run_all(
        &self,
        args: Vec<serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let params: ext::TasksRunAllParams = super::server::one_argument(args, "{uri, includeOptional?}")?;
        let (root, dir) = self.task_spec(&params.uri)?;
        self.ensure_folder_trusted(&root).await?;
        let (token, cancel) = self.task_job();
        let env = self.chat_env();
        let progress = self.begin_progress(&token, "Specwright: run all tasks".into(), "starting".into()).await;
        let guard = cancel.clone().drop_guard();
        let handle = tokio::spawn({
            let cancel = cancel.clone();
            let (include_optional, test_command) = (params.include_optional, params.test_command.clone());
            async move {
                let spec = spec_now(&env, &dir);
                let concurrency = env.settings().task_concurrency.max(1);
                let mut reports = Vec::new();
                'waves: for wave in order::open_waves(&spec, include_optional) {
                    for chunk in wave.chunks(concurrency) {
                        if cancel.is_cancelled() {
                            break 'waves;
                        }
                        let runs = chunk.iter().map(|id| run_one(&env, &root, &dir, id, test_command.clone(), &cancel));
                        let mut failed = false;
                        for report in futures_util::future::join_all(runs).await {
                            let report = report?;
                            failed |= !report.passed();
                            reports.push(report);
                        }
                        if failed {
                            break 'waves;
                        }
                    }
                }
                Ok::<_, Error>(reports)
            }
        });
        let result = handle.await.map_err(|e| failed(format!("the task runs failed: {e}")));
        drop(guard.disarm());
        self.end_task_job(&token);
        let reports = result??;
        let passed = reports.iter().all(TaskReport::passed);
        if let Some(p) = progress {
            let done = reports.iter().filter(|r| r.passed()).count();
            p.finish_with_message(format!("{done} of {} task runs passed", reports.len())).await;
        }
        if let Some(last) = reports.last().filter(|r| !r.passed()) {
            self.show_report(last).await;
        }
        let tasks = reports.iter().filter_map(|r| serde_json::to_value(r).ok()).collect();
        Ok(serde_json::to_value(ext::TasksRunAllResult { tasks, passed }).ok())
    }

    /// `specwright.checkpoint.list {session?}`.
    pub(super) async fn execute_checkpoint_list(
        &self,
        args: Vec<serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let params: ext::CheckpointListParams =
            if args.is_empty() { Default::default() } else { super::server::one_argument(args, "{session?}")? };
        let store = self.checkpoint_store()?;
        let checkpoints = store
            .list(params.session.as_deref())
            .into_iter()
            .map(|c| ext::CheckpointInfo {
                files: c.files.iter().map(|f| f.path.clone()).collect(),
                id: c.id,
                label: c.label,
                session: c.session,
                created: c.created,
            })
            .collect();
        Ok(serde_json::to_value(ext::CheckpointListResult { checkpoints }).ok())
    }

    /// `specwright.checkpoint.restore {id}`: all or nothing; a file the user
    /// changed since the turn refuses the whole restore, named.
    pub(super) async fn execute_checkpoint_restore(
        &self,
        args: Vec<serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let params: ext::CheckpointRestoreParams = super::server::one_argument(args, "{id}")?;
        let store = self.checkpoint_store()?;
        let checkpoint =
            store.load(&params.id).ok_or_else(|| Error::invalid_params(format!("no checkpoint '{}'", params.id)))?;
        let root = self.world().roots.first().cloned().ok_or_else(|| Error::invalid_params("no workspace folder"))?;
        let env = self.chat_env();
        let changes = checkpoint.restore_changes(&env.host(true), &root).map_err(|conflicts| {
            let reasons: Vec<String> = conflicts.iter().map(|c| c.reason.clone()).collect();
            failed(format!("nothing was restored: {}", reasons.join("; ")))
        })?;
        let restored: Vec<String> = changes
            .iter()
            .map(|c| c.path().strip_prefix(&root).unwrap_or(c.path()).to_string_lossy().replace('\\', "/"))
            .collect();
        EditorTasks { env }.restore(changes).await.map_err(failed)?;
        Ok(serde_json::to_value(ext::CheckpointRestoreResult { restored }).ok())
    }

    fn checkpoint_store(&self) -> Result<CheckpointStore> {
        let root = self.world().roots.first().cloned().ok_or_else(|| Error::invalid_params("no workspace folder"))?;
        let data = self.chats.data_dir.clone().ok_or_else(|| failed("there is no data folder for checkpoints"))?;
        Ok(CheckpointStore::new(&data, &root))
    }

    /// The workspace folder and spec folder `uri` names (the spec folder, or
    /// any of its documents).
    fn task_spec(&self, uri: &str) -> Result<(PathBuf, PathBuf)> {
        let path = uri
            .parse::<lsp::Uri>()
            .ok()
            .and_then(|u| convert::path(&u))
            .ok_or_else(|| Error::invalid_params(format!("not a file URI: {uri}")))?;
        let (root, path) = super::paths::confine(&self.world().roots, &path).map_err(Error::invalid_params)?;
        let dir = match specwright_spec::spec_document(&path) {
            Some((dir, _)) => dir,
            None => path,
        };
        if !self.world().specs.contains_key(&dir) {
            return Err(Error::invalid_params(format!("{} is not a spec", dir.display())));
        }
        Ok((root, dir))
    }

    /// A task run runs the project's tests: the folder must be trusted (its
    /// code runs), asked once with `window/showMessageRequest`.
    async fn ensure_folder_trusted(&self, root: &Path) -> Result<()> {
        let gate = self.hook_engine.gate();
        let Some(store) = gate.store() else { return Ok(()) };
        if store.trusts_folder(root) {
            return Ok(());
        }
        let can_ask = self.flags.read().is_ok_and(|f| f.message_requests);
        let message = format!(
            "Specwright: running a task runs this project's tests ({}), which runs its code. Trust {}?",
            specwright_runtime::project::test_command(root).unwrap_or_else(|| "its test command".into()),
            root.display()
        );
        let trusted = can_ask
            && matches!(
                super::server::ask_user(&self.client, lsp::MessageType::WARNING, message, &["Trust and run", "Cancel"]).await,
                Ok(Some(title)) if title == "Trust and run"
            );
        if !trusted {
            return Err(failed(format!(
                "the task did not run: {} is not trusted (answer \"Trust and run\", or run `specwright hooks trust {}`)",
                root.display(),
                root.display()
            )));
        }
        store.trust_folder(root, &[]).map_err(|e| failed(format!("cannot record the trust: {e}")))
    }

    fn task_job(&self) -> (String, CancellationToken) {
        let job = self.next_job.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = format!("specwright-task-{job}");
        let cancel = CancellationToken::new();
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(token.clone(), cancel.clone());
        }
        (token, cancel)
    }

    fn end_task_job(&self, token: &str) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.remove(token);
        }
    }

    async fn show_report(&self, report: &TaskReport) {
        let kind = if report.passed() { lsp::MessageType::INFO } else { lsp::MessageType::WARNING };
        let mut message = report.summary();
        if !report.passed() && !report.output_tail.is_empty() {
            let tail: Vec<&str> = report.output_tail.lines().rev().take(5).collect();
            message.push_str(&format!("\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n")));
        }
        self.client.show_message(kind, format!("Specwright: {message}")).await;
    }
}

/// The spec as the editor shows it now.
fn spec_now(env: &ChatEnv, dir: &Path) -> Spec {
    let world = env.world.read().unwrap_or_else(|e| e.into_inner());
    world.snapshot(dir).map_or_else(|| Spec::load(dir), |s| (*s.spec).clone())
}

/// One task run with the editor's host, settings and hooks.
async fn run_one(
    env: &ChatEnv,
    root: &Path,
    dir: &Path,
    task_id: &str,
    test_command: Option<String>,
    cancel: &CancellationToken,
) -> Result<TaskReport> {
    let settings = env.settings();
    // `specwright.tasks.agent`: an external ACP agent brings its own model.
    let agent = match settings.task_agent.as_deref() {
        Some(command) => Some(specwright_acp::client::ExternalAgent::parse(command).ok_or_else(|| {
            failed(format!("specwright.tasks.agent {command:?} is not a command line (check its quotes)"))
        })?),
        None => None,
    };
    let model = if agent.is_some() { env.model().ok() } else { Some(env.model()?) };
    let workspace = Workspace::new(root).map_err(|e| failed(format!("the workspace folder: {e}")))?;
    let data = env.chats.data_dir.clone().ok_or_else(|| failed("there is no data folder for sessions"))?;
    let sessions = SessionStore::new(&data, root);
    let checkpoints = CheckpointStore::new(&data, root);
    let host = env.host(settings.autopilot);
    let editor = EditorTasks { env: env.clone() };
    let hooks = env.world.read().unwrap_or_else(|e| e.into_inner()).hooks_of(root);
    let allowed = settings.allowed_commands_in(root, true);
    let spec = spec_now(env, dir);
    // A task run's folder is trusted (asked before the run).
    let mcp = env.chats.mcp(root, true);
    let run = TaskRun {
        model: model.as_deref(),
        implementer: agent.as_ref().map(|a| a as &dyn specwright_runtime::tasks::run::TaskAgent),
        workspace: &workspace,
        host: &host,
        editor: &editor,
        cancel,
        settings: &settings,
        allowed_commands: &allowed,
        test_command: test_command.or_else(|| settings.test_command.clone()),
        test_timeout: Duration::from_secs(settings.test_timeout_s),
        sessions: &sessions,
        checkpoints: &checkpoints,
        hooks: Some(ChatHooks { engine: &env.engine, hooks, root: root.to_path_buf() }),
        extra_tools: mcp.as_ref().map(|m| m as &dyn ToolSource),
    };
    let (tx, forward) = env.chat_events();
    let session = specwright_runtime::chat::new_session(
        &sessions,
        Some(format!("Task {task_id}")),
        Some(spec.name.clone()),
        settings.autopilot,
    );
    let session_id = session.id.clone();
    let mut on_event = |event: TurnEvent| {
        let _ = tx.send(super::chat::chat_event(&session_id, 1, root, event));
    };
    let report = run_task(&run, &spec, task_id, session, &mut on_event).await.map_err(Error::invalid_params);
    drop(tx);
    let _ = forward.await;
    report
}

/// The editor's side of a task run.
struct EditorTasks {
    env: ChatEnv,
}

impl EditorTasks {
    /// Applies `edit`; false when the editor refused it.
    async fn apply(&self, edit: lsp::WorkspaceEdit) -> bool {
        matches!(self.env.client.apply_edit(edit).await, Ok(r) if r.applied)
    }

    /// Writes `new` over `path` (whose text is `old`, none when it does not
    /// exist): through the editor, else atomically on disk.
    async fn write(&self, path: &Path, old: Option<String>, new: String) -> std::result::Result<(), String> {
        let change = FileChange::Write { path: path.to_path_buf(), old, new };
        if let Some(edit) = super::chat::workspace_edit(&change, self.env.flags())
            && self.apply(edit).await
        {
            return Ok(());
        }
        tokio::task::spawn_blocking(move || specwright_agent::host::apply_on_disk(&change))
            .await
            .map_err(|e| format!("the write did not finish: {e}"))?
    }
}

impl TaskEditor for EditorTasks {
    fn set_status<'a>(
        &'a self,
        spec: &'a Path,
        task_id: &'a str,
        status: TaskStatus,
    ) -> BoxFuture<'a, std::result::Result<(), String>> {
        Box::pin(async move {
            let now = spec_now(&self.env, spec);
            let tasks_path = now.path(DocKind::Tasks);
            let old = self.env.current_text(&tasks_path);
            let new = status::with_status(&now, task_id, status).ok_or_else(|| format!("no task '{task_id}'"))?;
            if old.as_deref() != Some(new.as_str()) {
                self.write(&tasks_path, old, new).await?;
            }
            let meta_path = spec.join(".tasks-meta.json");
            let old = self.env.current_text(&meta_path);
            let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let new = status::with_meta(old.as_deref(), task_id, status, seconds);
            self.write(&meta_path, old, new).await
        })
    }

    fn restore<'a>(&'a self, changes: Vec<FileChange>) -> BoxFuture<'a, std::result::Result<(), String>> {
        Box::pin(async move {
            for change in changes {
                if let Some(edit) = super::chat::workspace_edit(&change, self.env.flags())
                    && self.apply(edit).await
                {
                    continue;
                }
                tokio::task::spawn_blocking(move || specwright_agent::host::apply_on_disk(&change))
                    .await
                    .map_err(|e| format!("the restore did not finish: {e}"))??;
            }
            Ok(())
        })
    }

    fn write_config<'a>(
        &'a self,
        spec: &'a Path,
        old: Option<String>,
        text: String,
    ) -> BoxFuture<'a, std::result::Result<(), String>> {
        Box::pin(async move { self.write(&spec.join(".config.kiro"), old, text).await })
    }

    fn errors_in<'a>(&'a self, files: &'a [PathBuf]) -> BoxFuture<'a, Vec<String>> {
        Box::pin(async move {
            let world = self.env.world.read().unwrap_or_else(|e| e.into_inner());
            let mut errors = Vec::new();
            for file in files {
                if let Some((snap, kind)) = world.snapshot_for(file) {
                    for d in snap
                        .analysis
                        .diagnostics
                        .iter()
                        .filter(|d| d.doc == kind && d.severity == specwright_spec::Severity::Error)
                    {
                        errors.push(format!("{}:{}: {}", file.display(), d.range.start.line + 1, d.message));
                    }
                }
            }
            errors
        })
    }
}
