//! The front end's side of the agent: how file changes are applied (through
//! the editor's `workspace/applyEdit`, or atomically on disk), whether the
//! user approves them, and what the editor shows of a file.

use std::path::{Path, PathBuf};

use specwright_models::BoxFuture;

/// One change to one file, with the text it replaces (so that the host can
/// show a diff and refuse a change to a file that moved on meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// Create (`old` is `None`) or replace the whole text.
    Write {
        path: PathBuf,
        old: Option<String>,
        new: String,
    },
    Delete {
        path: PathBuf,
        old: String,
    },
}

impl FileChange {
    pub fn path(&self) -> &Path {
        match self {
            FileChange::Write { path, .. } | FileChange::Delete { path, .. } => path,
        }
    }
}

/// What became of a change the user reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// As proposed.
    All,
    /// Only part of it: the user accepted some of its hunks. The text says
    /// which were rejected, for the model.
    Partly(String),
}

/// The front end.
pub trait Host: Send + Sync {
    /// Applies `change` (asking the user first in supervised mode): `Err`
    /// with the reason when it was refused or failed; nothing changed then.
    fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>>;

    /// [`Host::apply`], for a host whose user may accept only some hunks of
    /// a change: says whether all of it was applied. The agent's tools call
    /// this one.
    fn apply_reviewed(&self, change: FileChange) -> BoxFuture<'_, Result<Applied, String>> {
        Box::pin(async move { self.apply(change).await.map(|()| Applied::All) })
    }

    /// Applies a step's changes (one per file) together, so that a host can
    /// have the user review them at once: one outcome per change, in order.
    /// By default, one by one.
    fn apply_all(&self, changes: Vec<FileChange>) -> BoxFuture<'_, Vec<Result<Applied, String>>> {
        Box::pin(async move {
            let mut outcomes = Vec::with_capacity(changes.len());
            for change in changes {
                outcomes.push(self.apply_reviewed(change).await);
            }
            outcomes
        })
    }

    /// Whether `command`, which the allow-list does not cover, may run. No
    /// answer is no.
    fn approve_command(&self, command: &str) -> BoxFuture<'_, bool>;

    /// Whether `tool` of the MCP server `server`, which the server's
    /// `autoApprove` does not name, may run with `input`. No answer is no;
    /// a host that cannot ask refuses (the default).
    fn approve_tool<'a>(&'a self, server: &'a str, tool: &'a str, input: &'a serde_json::Value) -> BoxFuture<'a, bool> {
        let _ = (server, tool, input);
        Box::pin(async { false })
    }

    /// The text of `path` as the editor shows it (unsaved changes
    /// included), or `None` to read the disk.
    fn open_text(&self, path: &Path) -> Option<String> {
        let _ = path;
        None
    }

    /// Runs an approved `command` in the front end's terminal (an ACP
    /// client's `terminal/*`, so the user sees it run), in the workspace
    /// folder, stopped after `timeout`: `None` when the front end has no
    /// terminal (the agent then runs it itself).
    fn run_in_terminal<'a>(
        &'a self,
        command: &'a str,
        timeout: std::time::Duration,
    ) -> BoxFuture<'a, Option<Result<crate::tools::ShellRun, String>>> {
        let _ = (command, timeout);
        Box::pin(async { None })
    }

    /// [`Host::open_text`] for a front end that must ask for it (an ACP
    /// client's `fs/read_text_file`): the agent's tools read through this.
    fn read_open<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move { self.open_text(path) })
    }

    /// The text of `path` now: the editor's (unsaved changes included),
    /// else the disk's; `None` when there is neither.
    fn current_text(&self, path: &Path) -> Option<String> {
        self.open_text(path).or_else(|| std::fs::read_to_string(path).ok())
    }
}

/// A host without an editor: changes are written atomically (a temporary
/// file beside the target, then a rename), only when `autopilot` is on or
/// `approve` says yes; commands off the allow-list are refused.
pub struct DiskHost {
    pub autopilot: bool,
}

impl Host for DiskHost {
    fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            if !self.autopilot {
                return Err(format!(
                    "{} was not changed: edits need approval (run with --autopilot)",
                    change.path().display()
                ));
            }
            tokio::task::spawn_blocking(move || apply_on_disk(&change))
                .await
                .map_err(|e| format!("the write did not finish: {e}"))?
        })
    }

    fn approve_command(&self, _command: &str) -> BoxFuture<'_, bool> {
        Box::pin(async { false })
    }
}

/// Writes or deletes `change` on disk: atomically, and only if the file
/// still holds the text the change replaces.
pub fn apply_on_disk(change: &FileChange) -> Result<(), String> {
    let path = change.path();
    let current = std::fs::read_to_string(path).ok();
    let expected = match change {
        FileChange::Write { old, .. } => old.clone(),
        FileChange::Delete { old, .. } => Some(old.clone()),
    };
    if current != expected {
        return Err(format!("{} changed since it was read; read it again", path.display()));
    }
    match change {
        FileChange::Write { new, .. } => write_atomically(path, new),
        FileChange::Delete { .. } => {
            std::fs::remove_file(path).map_err(|e| format!("cannot delete {}: {e}", path.display()))
        }
    }
}

/// Writes `text` to `path` through a unique temporary file beside it and a
/// rename, creating the folder first: a reader sees the old text or the new,
/// never a part.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().ok_or_else(|| format!("{} has no folder", path.display()))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Unique per write: two writes of one file at once must not share it.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.specwright-{}-{n}.tmp", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}
