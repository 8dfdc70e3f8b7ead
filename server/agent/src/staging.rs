//! One step's file changes, reviewed together.
//!
//! When the model calls several editing tools in one answer, the changes
//! are staged instead of applied one by one: the tools see the staged text
//! (a later edit of the same file builds on an earlier one), and once the
//! run of editing calls ends (before any other tool, and at the end of the
//! step) the host gets the whole change at once ([`Host::apply_all`]), so a
//! user reviews every file and every hunk of the step together. A call
//! whose change was rejected then answers the model with the refusal.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use specwright_models::BoxFuture;

use crate::host::{FileChange, Host};

/// A host that records changes instead of applying them; reads see them.
pub(crate) struct Staging<'a> {
    inner: &'a dyn Host,
    staged: Mutex<Vec<FileChange>>,
}

impl<'a> Staging<'a> {
    pub(crate) fn new(inner: &'a dyn Host) -> Self {
        Self { inner, staged: Mutex::new(Vec::new()) }
    }

    /// The paths staged so far (to learn which a call touched).
    pub(crate) fn staged_count(&self) -> usize {
        self.lock().len()
    }

    pub(crate) fn paths_since(&self, from: usize) -> Vec<PathBuf> {
        self.lock()[from..].iter().map(|c| c.path().to_path_buf()).collect()
    }

    /// Takes the staged changes, one per file (the first change's old text,
    /// the last one's new text), in the order files were first changed.
    pub(crate) fn take(&self) -> Vec<FileChange> {
        merge(std::mem::take(&mut *self.lock()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FileChange>> {
        self.staged.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The staged text of `path`: `Some(None)` when a staged change deletes it.
    fn staged_text(&self, path: &Path) -> Option<Option<String>> {
        self.lock().iter().rev().find(|c| c.path() == path).map(|c| match c {
            FileChange::Write { new, .. } => Some(new.clone()),
            FileChange::Delete { .. } => None,
        })
    }
}

impl Host for Staging<'_> {
    fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>> {
        self.lock().push(change);
        Box::pin(async { Ok(()) })
    }

    fn approve_command(&self, command: &str) -> BoxFuture<'_, bool> {
        self.inner.approve_command(command)
    }

    fn approve_tool<'a>(&'a self, server: &'a str, tool: &'a str, input: &'a serde_json::Value) -> BoxFuture<'a, bool> {
        self.inner.approve_tool(server, tool, input)
    }

    fn open_text(&self, path: &Path) -> Option<String> {
        match self.staged_text(path) {
            Some(text) => text,
            None => self.inner.open_text(path),
        }
    }

    fn run_in_terminal<'a>(
        &'a self,
        command: &'a str,
        timeout: std::time::Duration,
    ) -> BoxFuture<'a, Option<Result<crate::tools::ShellRun, String>>> {
        self.inner.run_in_terminal(command, timeout)
    }

    fn read_open<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            match self.staged_text(path) {
                Some(text) => text,
                None => self.inner.read_open(path).await,
            }
        })
    }

    fn current_text(&self, path: &Path) -> Option<String> {
        match self.staged_text(path) {
            Some(text) => text,
            None => self.inner.current_text(path),
        }
    }
}

/// One change per file: from what the file was before the first change to
/// what the last change leaves (nothing when it was created and deleted).
pub fn merge(changes: Vec<FileChange>) -> Vec<FileChange> {
    let mut order: Vec<PathBuf> = Vec::new();
    let mut spans: Vec<(Option<String>, Option<String>)> = Vec::new();
    for change in changes {
        let (before, after) = match change {
            FileChange::Write { ref old, ref new, .. } => (old.clone(), Some(new.clone())),
            FileChange::Delete { ref old, .. } => (Some(old.clone()), None),
        };
        match order.iter().position(|p| p == change.path()) {
            Some(i) => spans[i].1 = after,
            None => {
                order.push(change.path().to_path_buf());
                spans.push((before, after));
            }
        }
    }
    order
        .into_iter()
        .zip(spans)
        .filter_map(|(path, span)| match span {
            (None, None) => None,
            (old, Some(new)) => Some(FileChange::Write { path, old, new }),
            (Some(old), None) => Some(FileChange::Delete { path, old }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &str, old: Option<&str>, new: &str) -> FileChange {
        FileChange::Write { path: path.into(), old: old.map(str::to_string), new: new.into() }
    }

    #[test]
    fn changes_to_one_file_merge_and_keep_the_first_old_text() {
        let merged = merge(vec![
            write("a", Some("1"), "2"),
            write("b", None, "new"),
            write("a", Some("2"), "3"),
            FileChange::Delete { path: "c".into(), old: "c".into() },
        ]);
        assert_eq!(
            merged,
            vec![
                write("a", Some("1"), "3"),
                write("b", None, "new"),
                FileChange::Delete { path: "c".into(), old: "c".into() }
            ]
        );
    }

    #[test]
    fn created_then_deleted_is_nothing_and_deleted_then_written_is_a_change() {
        let merged = merge(vec![write("a", None, "x"), FileChange::Delete { path: "a".into(), old: "x".into() }]);
        assert_eq!(merged, Vec::new());
        let merged = merge(vec![FileChange::Delete { path: "a".into(), old: "x".into() }, write("a", None, "y")]);
        assert_eq!(merged, vec![write("a", Some("x"), "y")]);
    }
}
