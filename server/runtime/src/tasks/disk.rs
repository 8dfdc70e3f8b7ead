//! The tasks of a spec without an editor: markers and `.tasks-meta.json`
//! written atomically on disk, checkpoints restored on disk, the spec
//! diagnostics read from disk. For `specwright task run` and the ACP agent.

use std::path::{Path, PathBuf};

use specwright_agent::FileChange;
use specwright_models::BoxFuture;
use specwright_spec::{DocKind, Spec, TaskStatus};

use super::run::TaskEditor;
use super::status;

/// A [`TaskEditor`] over the disk.
pub struct DiskTasks;

/// Writes `new` to `path` atomically, only if it still holds `old`.
pub fn write_file(path: &Path, old: Option<String>, new: String) -> Result<(), String> {
    specwright_agent::host::apply_on_disk(&FileChange::Write { path: path.to_path_buf(), old, new })
}

impl TaskEditor for DiskTasks {
    fn set_status<'a>(
        &'a self,
        spec: &'a Path,
        task_id: &'a str,
        status: TaskStatus,
    ) -> BoxFuture<'a, Result<(), String>> {
        let (spec, task_id) = (spec.to_path_buf(), task_id.to_string());
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let loaded = Spec::load(&spec);
                let tasks_path = loaded.path(DocKind::Tasks);
                let old = std::fs::read_to_string(&tasks_path).ok();
                let new =
                    status::with_status(&loaded, &task_id, status).ok_or_else(|| format!("no task '{task_id}'"))?;
                write_file(&tasks_path, old, new)?;
                let meta = spec.join(".tasks-meta.json");
                let old = std::fs::read_to_string(&meta).ok();
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
                write_file(&meta, old.clone(), status::with_meta(old.as_deref(), &task_id, status, now))
            })
            .await
            .map_err(|e| format!("the write did not finish: {e}"))?
        })
    }

    fn restore<'a>(&'a self, changes: Vec<FileChange>) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tokio::task::spawn_blocking(move || changes.iter().try_for_each(specwright_agent::host::apply_on_disk))
                .await
                .map_err(|e| format!("the restore did not finish: {e}"))?
        })
    }

    fn write_config<'a>(
        &'a self,
        spec: &'a Path,
        old: Option<String>,
        text: String,
    ) -> BoxFuture<'a, Result<(), String>> {
        let path = spec.join(".config.kiro");
        Box::pin(async move {
            tokio::task::spawn_blocking(move || write_file(&path, old, text))
                .await
                .map_err(|e| format!("the write did not finish: {e}"))?
        })
    }

    fn errors_in<'a>(&'a self, files: &'a [PathBuf]) -> BoxFuture<'a, Vec<String>> {
        let files = files.to_vec();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut errors = Vec::new();
                for file in &files {
                    let Some((dir, kind)) = specwright_spec::spec_document(file) else { continue };
                    let spec = Spec::load(&dir);
                    let analysis = specwright_spec::analyze(&spec);
                    for d in analysis
                        .diagnostics
                        .iter()
                        .filter(|d| d.doc == kind && d.severity == specwright_spec::Severity::Error)
                    {
                        errors.push(format!("{}:{}: {}", file.display(), d.range.start.line + 1, d.message));
                    }
                }
                errors
            })
            .await
            .unwrap_or_default()
        })
    }
}
