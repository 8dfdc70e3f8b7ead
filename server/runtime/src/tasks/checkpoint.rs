//! Checkpoints: every agent turn (a chat turn or a task run) can be undone.
//!
//! Before the turn changes a file for the first time, the file's text as the
//! agent read it is recorded in a [`Checkpoint`], which is saved at once in
//! the user's data folder (never in the workspace), under
//! `data_dir/checkpoints/<folder key>/`:
//!
//! - `<id>.json`: the manifest (id, label, session, time, files), with each
//!   before-text inline unless it is over [`BLOB_THRESHOLD`] bytes;
//! - `<id>/<sha256 hex>.txt`: a before-text too large for the manifest,
//!   named by its hash and checked against it when read.
//!
//! When the turn ends, [`Checkpoint::finish`] records a hash of what it
//! left in each file. [`Checkpoint::restore_plan`] gives the exact bytes
//! back, all or nothing: it refuses when any file is no longer what the
//! turn left (the user changed it since), or when the turn never finished.
//!
//! [`CheckpointingHost`] wraps the front end's [`Host`] so that no change
//! reaches a file before its pre-state is recorded and saved.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use specwright_agent::{Applied, FileChange, Host};
use specwright_hooks::trust::file_hash;
use specwright_models::BoxFuture;

/// Before-texts longer than this many bytes (64 KiB) are kept in a blob
/// file beside the manifest instead of inline.
pub const BLOB_THRESHOLD: usize = 64 * 1024;

/// The checkpoints of one workspace, under `data_dir/checkpoints/<folder key>/`.
#[derive(Debug, Clone)]
pub struct CheckpointStore {
    dir: PathBuf,
}

/// The state of one turn's files: what they held before the turn, and a
/// hash of what the turn left in them.
///
/// Serialised with every before-text in full; the store's manifest keeps
/// the same field names, with large before-texts moved to blobs (see
/// [`CheckpointStore::save`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Unique within the store; ASCII letters and digits only.
    pub id: String,
    /// What the turn was, for people (a prompt's start, a task's name).
    pub label: String,
    /// The chat session the turn belongs to, if any.
    #[serde(default)]
    pub session: Option<String>,
    /// When the checkpoint was begun, in seconds since the Unix epoch.
    pub created: u64,
    /// Each file the turn changed, in the order first changed.
    pub files: Vec<FileState>,
}

/// One file of a [`Checkpoint`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileState {
    /// Relative to the workspace root, `/`-separated.
    pub path: String,
    /// The whole text before the turn; `None`: the file did not exist (a
    /// restore deletes it).
    #[serde(default)]
    pub before: Option<String>,
    /// [`file_hash`] of the text when the turn ended; `None`: the turn
    /// deleted the file, or has not finished yet (see `finished`).
    #[serde(default)]
    pub after_hash: Option<String>,
    /// Whether `after_hash` was recorded by [`Checkpoint::finish`].
    pub finished: bool,
}

/// One step of a restore: give `path` (workspace-relative, `/`-separated)
/// the text `text`, or delete it when `text` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restore {
    pub path: String,
    pub text: Option<String>,
}

/// Why `path` (workspace-relative) cannot be restored; `reason` is a whole
/// sentence naming the file, fit to show the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub path: String,
    pub reason: String,
}

impl CheckpointStore {
    /// The checkpoints of the workspace `root` (canonicalised when it
    /// exists, as [`specwright_agent::session::SessionStore`] does), under
    /// `data_dir/checkpoints/`.
    pub fn new(data_dir: &Path, root: &Path) -> Self {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        Self { dir: data_dir.join("checkpoints").join(specwright_agent::session::folder_key(&root)) }
    }

    /// The folder holding this workspace's manifests and blobs.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new checkpoint, not saved yet, with no files and an id unique
    /// within the store (`c` and the time in hexadecimal nanoseconds, so
    /// later ids sort after earlier ones).
    pub fn begin(&self, label: &str, session: Option<&str>) -> Checkpoint {
        Checkpoint {
            id: self.new_id(),
            label: label.to_string(),
            session: session.map(str::to_string),
            created: unix_seconds(),
            files: Vec::new(),
        }
    }

    /// Writes `checkpoint`: first each before-text over [`BLOB_THRESHOLD`]
    /// as `<id>/<sha256 hex>.txt` (unless already there), then the
    /// manifest `<id>.json`; each atomically (a temporary file, then a
    /// rename), so that a reader sees the old manifest or the new one, and
    /// every blob the manifest names. Call it again whenever a file is
    /// recorded. An error when the id is not alphanumeric or a write fails.
    pub fn save(&self, checkpoint: &Checkpoint) -> std::io::Result<()> {
        if !specwright_agent::session::valid_id(&checkpoint.id) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("'{}' is not a checkpoint id", checkpoint.id),
            ));
        }
        let mut files = Vec::with_capacity(checkpoint.files.len());
        for file in &checkpoint.files {
            let (before, before_blob) = match &file.before {
                Some(text) if text.len() > BLOB_THRESHOLD => {
                    let hex = hash_hex(text);
                    let blob = self.blob_path(&checkpoint.id, &hex);
                    if !blob.is_file() {
                        write_atomically(&blob, text)?;
                    }
                    (None, Some(hex))
                }
                before => (before.clone(), None),
            };
            files.push(StoredFile {
                path: file.path.clone(),
                before,
                before_blob,
                after_hash: file.after_hash.clone(),
                finished: file.finished,
            });
        }
        let manifest = Manifest {
            id: checkpoint.id.clone(),
            label: checkpoint.label.clone(),
            session: checkpoint.session.clone(),
            created: checkpoint.created,
            files,
        };
        let text = serde_json::to_string(&manifest).map_err(std::io::Error::other)?;
        write_atomically(&self.manifest_path(&checkpoint.id), &text)
    }

    /// The checkpoint `id`, its large before-texts read back from their
    /// blobs; `None` when `id` is not alphanumeric, or the manifest or a
    /// blob is missing, unreadable or corrupt.
    pub fn load(&self, id: &str) -> Option<Checkpoint> {
        if !specwright_agent::session::valid_id(id) {
            return None;
        }
        let manifest: Manifest = serde_json::from_slice(&std::fs::read(self.manifest_path(id)).ok()?).ok()?;
        if manifest.id != id {
            return None;
        }
        let mut files = Vec::with_capacity(manifest.files.len());
        for file in manifest.files {
            let before = match file.before_blob {
                Some(hex) => Some(self.read_blob(id, &hex)?),
                None => file.before,
            };
            files.push(FileState { path: file.path, before, after_hash: file.after_hash, finished: file.finished });
        }
        Some(Checkpoint {
            id: manifest.id,
            label: manifest.label,
            session: manifest.session,
            created: manifest.created,
            files,
        })
    }

    /// Every readable checkpoint with at least one file, of `session` only
    /// when given; newest first (by `created`, then by id).
    pub fn list(&self, session: Option<&str>) -> Vec<Checkpoint> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut checkpoints: Vec<Checkpoint> = entries
            .flatten()
            .filter_map(|e| {
                let path = e.path();
                if path.extension().is_none_or(|x| x != "json") {
                    return None;
                }
                self.load(path.file_stem()?.to_str()?)
            })
            .filter(|c| !c.files.is_empty())
            .filter(|c| session.is_none_or(|s| c.session.as_deref() == Some(s)))
            .collect();
        checkpoints.sort_by(|a, b| (b.created, b.id.len(), &b.id).cmp(&(a.created, a.id.len(), &a.id)));
        checkpoints
    }

    fn new_id(&self) -> String {
        // Strictly increasing within the process, even when the clock is coarse.
        static LAST: AtomicU64 = AtomicU64::new(0);
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let now = u64::try_from(now).unwrap_or(u64::MAX);
        let mut last = LAST.load(Ordering::Relaxed);
        let nanos = loop {
            let next = now.max(last.saturating_add(1));
            match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => break next,
                Err(actual) => last = actual,
            }
        };
        let mut id = format!("c{nanos:016x}");
        while self.manifest_path(&id).exists() || self.dir.join(&id).exists() {
            id.push('0');
        }
        id
    }

    /// The blob `hex` of checkpoint `id`, only if its text has that hash.
    fn read_blob(&self, id: &str, hex: &str) -> Option<String> {
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let text = std::fs::read_to_string(self.blob_path(id, hex)).ok()?;
        (hash_hex(&text) == hex).then_some(text)
    }

    fn manifest_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn blob_path(&self, id: &str, hex: &str) -> PathBuf {
        self.dir.join(id).join(format!("{hex}.txt"))
    }
}

impl Checkpoint {
    /// Records `before` as the text of `rel` (workspace-relative,
    /// `/`-separated; `None`: it did not exist) before the turn, unless
    /// `rel` is already recorded: only the first pre-state counts. `true`
    /// when recorded (the checkpoint then needs saving).
    pub fn record_before(&mut self, rel: &str, before: Option<&str>) -> bool {
        if self.files.iter().any(|f| f.path == rel) {
            return false;
        }
        self.files.push(FileState {
            path: rel.to_string(),
            before: before.map(str::to_string),
            after_hash: None,
            finished: false,
        });
        true
    }

    /// Ends the turn: records, for every file, the hash of its current
    /// text, `current(rel)` (the editor's text or the disk's, as the caller
    /// decides; `None`: it does not exist), and marks it finished.
    pub fn finish(&mut self, current: impl Fn(&str) -> Option<String>) {
        for file in &mut self.files {
            file.after_hash = current(&file.path).as_deref().map(file_hash);
            file.finished = true;
        }
    }

    /// [`Checkpoint::restore_plan`] against what `host` shows of the files
    /// of `root` (the editor's text, else the disk's), as the changes that
    /// put them back, each with the text it replaces.
    ///
    /// All or nothing, as the plan is.
    pub fn restore_changes(&self, host: &dyn Host, root: &Path) -> Result<Vec<FileChange>, Vec<Conflict>> {
        let current = |rel: &str| host.current_text(&root.join(rel));
        let plan = self.restore_plan(current)?;
        Ok(plan
            .into_iter()
            .map(|restore| {
                let path = root.join(&restore.path);
                let old = current(&restore.path);
                match restore.text {
                    Some(new) => FileChange::Write { path, old, new },
                    None => FileChange::Delete { path, old: old.unwrap_or_default() },
                }
            })
            .collect())
    }

    /// What to write or delete to put every file back as it was before the
    /// turn, given each file's current text `current(rel)` (`None`: it does
    /// not exist). Files already as they were are left out.
    ///
    /// All or nothing: `Err` with every conflict when any file is not what
    /// the turn left (changed, deleted, or back after the turn deleted it),
    /// or when the turn never finished.
    pub fn restore_plan(&self, current: impl Fn(&str) -> Option<String>) -> Result<Vec<Restore>, Vec<Conflict>> {
        let mut plan = Vec::new();
        let mut conflicts = Vec::new();
        for file in &self.files {
            let path = &file.path;
            let conflict = |reason: String| Conflict { path: path.clone(), reason };
            if !file.finished {
                conflicts.push(conflict(format!(
                    "{path} cannot be restored: the agent's turn did not finish, so what it left is unknown"
                )));
                continue;
            }
            let now = current(path);
            match (&file.after_hash, &now) {
                (Some(hash), Some(text)) if file_hash(text) != *hash => conflicts
                    .push(conflict(format!("{path} changed since the agent's turn (it is not what the turn left)"))),
                (Some(_), None) => conflicts.push(conflict(format!("{path} was deleted since the agent's turn"))),
                (None, Some(_)) => {
                    conflicts.push(conflict(format!("{path} exists again since the agent's turn deleted it")))
                }
                _ if now == file.before => {}
                _ => plan.push(Restore { path: path.clone(), text: file.before.clone() }),
            }
        }
        if conflicts.is_empty() { Ok(plan) } else { Err(conflicts) }
    }
}

/// A [`Host`] that records each file's pre-state in a checkpoint, and
/// saves it, before the first change to the file reaches `inner`.
pub struct CheckpointingHost<'a> {
    inner: &'a dyn Host,
    checkpoint: Mutex<Checkpoint>,
    store: &'a CheckpointStore,
    /// Canonical when it exists.
    root: PathBuf,
    /// As given, for paths not canonicalised.
    given_root: PathBuf,
}

impl<'a> CheckpointingHost<'a> {
    /// Wraps `inner`, recording into `checkpoint` (usually fresh from
    /// [`CheckpointStore::begin`]) and saving it to `store`; paths are
    /// recorded relative to the workspace `root`.
    pub fn new(inner: &'a dyn Host, store: &'a CheckpointStore, checkpoint: Checkpoint, root: &Path) -> Self {
        Self {
            inner,
            checkpoint: Mutex::new(checkpoint),
            store,
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            given_root: root.to_path_buf(),
        }
    }

    /// The checkpoint as recorded so far (not finished: the caller calls
    /// [`Checkpoint::finish`] and [`CheckpointStore::save`]).
    pub fn into_checkpoint(self) -> Checkpoint {
        self.checkpoint.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the checkpoint as recorded so far.
    pub fn checkpoint(&self) -> Checkpoint {
        self.checkpoint.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// `path` relative to the root, `/`-separated; `None` when it is
    /// outside the root or is the root itself.
    fn relative(&self, path: &Path) -> Option<String> {
        let rel = if path.is_relative() {
            path
        } else {
            path.strip_prefix(&self.root).or_else(|_| path.strip_prefix(&self.given_root)).ok()?
        };
        let mut parts = Vec::new();
        for component in rel.components() {
            match component {
                Component::Normal(part) => parts.push(part.to_str()?.to_string()),
                Component::CurDir => {}
                _ => return None,
            }
        }
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// Records the pre-state of `change`'s file if it is new to the
    /// checkpoint, and saves the checkpoint; an error, and nothing kept,
    /// when that is not possible.
    fn record(&self, change: &FileChange) -> Result<(), String> {
        let path = change.path();
        let rel = self.relative(path).ok_or_else(|| {
            format!("{} was not changed: it is outside the workspace, so it cannot be checkpointed", path.display())
        })?;
        let before = match change {
            FileChange::Write { old, .. } => old.as_deref(),
            FileChange::Delete { old, .. } => Some(old.as_str()),
        };
        let mut checkpoint = self.checkpoint.lock().unwrap_or_else(|e| e.into_inner());
        if !checkpoint.record_before(&rel, before) {
            return Ok(());
        }
        if let Err(e) = self.store.save(&checkpoint) {
            checkpoint.files.retain(|f| f.path != rel);
            return Err(format!(
                "{rel} was not changed: its checkpoint could not be saved in {}: {e}",
                self.store.dir().display()
            ));
        }
        Ok(())
    }
}

impl Host for CheckpointingHost<'_> {
    /// Records and saves the file's pre-state (the text the agent read:
    /// `old`) before the first change to it, then lets `inner` apply the
    /// change; refuses the change when the checkpoint cannot be saved.
    fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.record(&change)?;
            self.inner.apply(change).await
        })
    }

    fn apply_reviewed(&self, change: FileChange) -> BoxFuture<'_, Result<Applied, String>> {
        Box::pin(async move {
            self.record(&change)?;
            self.inner.apply_reviewed(change).await
        })
    }

    fn apply_all(&self, changes: Vec<FileChange>) -> BoxFuture<'_, Vec<Result<Applied, String>>> {
        Box::pin(async move {
            // Files whose pre-state could not be saved are refused; the rest
            // go to the inner host together.
            let recorded: Vec<Result<(), String>> = changes.iter().map(|c| self.record(c)).collect();
            let (ok, _): (Vec<_>, Vec<_>) = changes.into_iter().zip(&recorded).partition(|(_, r)| r.is_ok());
            let mut applied = self.inner.apply_all(ok.into_iter().map(|(c, _)| c).collect()).await.into_iter();
            recorded
                .into_iter()
                .map(|r| match r {
                    Ok(()) => applied.next().unwrap_or_else(|| Err("the change was not applied".into())),
                    Err(e) => Err(e),
                })
                .collect()
        })
    }

    fn approve_command(&self, command: &str) -> BoxFuture<'_, bool> {
        self.inner.approve_command(command)
    }

    fn approve_tool<'a>(&'a self, server: &'a str, tool: &'a str, input: &'a serde_json::Value) -> BoxFuture<'a, bool> {
        self.inner.approve_tool(server, tool, input)
    }

    fn open_text(&self, path: &Path) -> Option<String> {
        self.inner.open_text(path)
    }

    fn read_open<'b>(&'b self, path: &'b Path) -> BoxFuture<'b, Option<String>> {
        self.inner.read_open(path)
    }

    fn run_in_terminal<'b>(
        &'b self,
        command: &'b str,
        timeout: std::time::Duration,
    ) -> BoxFuture<'b, Option<Result<specwright_agent::tools::ShellRun, String>>> {
        self.inner.run_in_terminal(command, timeout)
    }
}

/// A checkpoint as its manifest `<id>.json` holds it.
#[derive(Serialize, Deserialize)]
struct Manifest {
    id: String,
    label: String,
    #[serde(default)]
    session: Option<String>,
    created: u64,
    files: Vec<StoredFile>,
}

/// A [`FileState`] in a manifest: its before-text inline in `before`, or,
/// when over [`BLOB_THRESHOLD`], in the blob named by `before_blob` (the
/// text's SHA-256 in hexadecimal; `before` is then null).
#[derive(Serialize, Deserialize)]
struct StoredFile {
    path: String,
    #[serde(default)]
    before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before_blob: Option<String>,
    #[serde(default)]
    after_hash: Option<String>,
    finished: bool,
}

/// The SHA-256 of `text` in lowercase hexadecimal (a blob's name).
fn hash_hex(text: &str) -> String {
    let hash = file_hash(text);
    hash.strip_prefix("sha256:").map(str::to_string).unwrap_or(hash)
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Writes `text` to `path` atomically (the agent crate's one way to).
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    specwright_agent::host::write_atomically(path, text).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// A fresh, empty folder under the system's temporary folder.
    fn temp(label: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("specwright-checkpoint-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn texts(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    fn reader(files: &HashMap<String, String>) -> impl Fn(&str) -> Option<String> + '_ {
        |p| files.get(p).cloned()
    }

    /// Applies `plan` to `files` as a front end would.
    fn apply(files: &mut HashMap<String, String>, plan: Vec<Restore>) {
        for step in plan {
            match step.text {
                Some(text) => files.insert(step.path, text),
                None => files.remove(&step.path),
            };
        }
    }

    /// A turn over a small workspace: edits a CRLF, non-ASCII file, creates
    /// one, deletes one, and writes one back to what it was.
    fn turn(store: &CheckpointStore) -> (HashMap<String, String>, HashMap<String, String>, Checkpoint) {
        let before = texts(&[
            ("src/a.ts", "const a = \"é—ü\";\r\nexport {a};\r\n"),
            ("src/gone.ts", "gone\n"),
            ("same.txt", "same\n"),
        ]);
        let mut checkpoint = store.begin("edit things", Some("s1"));
        let mut files = before.clone();
        for path in ["src/a.ts", "src/new.ts", "src/gone.ts", "same.txt"] {
            assert!(checkpoint.record_before(path, files.get(path).map(String::as_str)));
        }
        assert!(!checkpoint.record_before("src/a.ts", Some("later text")), "only the first pre-state counts");
        files.insert("src/a.ts".into(), "const a = \"x\";\n".into());
        files.insert("src/new.ts".into(), "new\n".into());
        files.remove("src/gone.ts");
        checkpoint.finish(reader(&files));
        (before, files, checkpoint)
    }

    #[test]
    fn checkpoint_restore_plan_gives_the_exact_bytes_back() {
        let data = temp("plan");
        let store = CheckpointStore::new(&data, &data.join("ws"));
        let (before, mut files, checkpoint) = turn(&store);
        assert_eq!(checkpoint.files[1].before, None);
        assert_eq!(checkpoint.files[2].after_hash, None, "the turn deleted it");
        assert!(checkpoint.files.iter().all(|f| f.finished));

        let plan = checkpoint.restore_plan(reader(&files)).unwrap();
        let mut paths: Vec<_> = plan.iter().map(|r| (r.path.as_str(), r.text.is_some())).collect();
        paths.sort();
        assert_eq!(paths, [("src/a.ts", true), ("src/gone.ts", true), ("src/new.ts", false)], "same.txt is skipped");
        apply(&mut files, plan);
        assert_eq!(files, before);
        assert_eq!(files["src/a.ts"].as_bytes(), "const a = \"é—ü\";\r\nexport {a};\r\n".as_bytes());
        let _ = std::fs::remove_dir_all(&data);
    }

    #[test]
    fn checkpoint_restore_refuses_when_the_user_changed_a_file_since() {
        let data = temp("conflict");
        let store = CheckpointStore::new(&data, &data.join("ws"));
        let (_, mut files, checkpoint) = turn(&store);
        files.insert("src/a.ts".into(), "const a = \"user\";\n".into());
        files.insert("src/gone.ts".into(), "back\n".into());
        files.remove("src/new.ts");
        let conflicts = checkpoint.restore_plan(reader(&files)).unwrap_err();
        let paths: Vec<_> = conflicts.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["src/a.ts", "src/new.ts", "src/gone.ts"], "every conflict, not just the first");
        assert_eq!(conflicts[0].reason, "src/a.ts changed since the agent's turn (it is not what the turn left)");
        assert!(conflicts[1].reason.contains("src/new.ts") && conflicts[1].reason.contains("deleted"));
        assert!(conflicts[2].reason.contains("src/gone.ts") && conflicts[2].reason.contains("exists again"));
        let _ = std::fs::remove_dir_all(&data);
    }

    #[test]
    fn checkpoint_restore_refuses_an_unfinished_turn() {
        let data = temp("unfinished");
        let store = CheckpointStore::new(&data, &data.join("ws"));
        let mut checkpoint = store.begin("turn", None);
        checkpoint.record_before("a.txt", Some("old"));
        let files = texts(&[("a.txt", "new")]);
        let conflicts = checkpoint.restore_plan(reader(&files)).unwrap_err();
        assert_eq!(conflicts.len(), 1);
        assert!(conflicts[0].reason.contains("a.txt") && conflicts[0].reason.contains("did not finish"));

        // A file first changed after `finish` leaves the checkpoint unfinished too.
        checkpoint.finish(reader(&files));
        assert!(checkpoint.restore_plan(reader(&files)).is_ok());
        checkpoint.record_before("b.txt", None);
        assert_eq!(checkpoint.restore_plan(reader(&files)).unwrap_err()[0].path, "b.txt");
        let _ = std::fs::remove_dir_all(&data);
    }

    #[test]
    fn checkpoint_save_load_list_round_trip() {
        let data = temp("store");
        let root = data.join("ws");
        std::fs::create_dir_all(&root).unwrap();
        let store = CheckpointStore::new(&data, &root);
        assert!(store.dir().starts_with(data.join("checkpoints")));
        assert!(!store.dir().starts_with(&root), "nothing inside the workspace");

        let (_, _, first) = turn(&store);
        store.save(&first).unwrap();
        store.save(&first).unwrap(); // repeatedly, as files are recorded
        let mut second = store.begin("other session", Some("s2"));
        second.record_before("x.txt", None);
        store.save(&second).unwrap();
        let third = store.begin("no files yet", Some("s1"));
        store.save(&third).unwrap();
        assert!(first.id != second.id && second.id != third.id);

        assert_eq!(store.load(&first.id).as_ref(), Some(&first));
        let json = serde_json::to_string(&first).unwrap();
        assert_eq!(serde_json::from_str::<Checkpoint>(&json).unwrap(), first, "serde in full, for front ends");
        assert_eq!(store.load(&third.id).as_ref(), Some(&third));
        assert_eq!(store.list(None), [second.clone(), first.clone()], "newest first, only with files");
        assert_eq!(store.list(Some("s1")), std::slice::from_ref(&first));
        assert_eq!(store.list(Some("s3")), []);

        // The same workspace by another spelling of its path is the same store.
        let again = CheckpointStore::new(&data, &root.join("."));
        assert_eq!(again.dir(), store.dir());
        assert_eq!(again.load(&second.id), Some(second));

        for bad in ["", "../x", "a/b", "a.b", "é"] {
            assert_eq!(store.load(bad), None, "{bad:?}");
        }
        let mut evil = first.clone();
        evil.id = "../evil".into();
        assert!(store.save(&evil).is_err());
        let _ = std::fs::remove_dir_all(&data);
    }

    #[test]
    fn checkpoint_large_before_text_round_trips_through_a_blob() {
        let data = temp("blob");
        let store = CheckpointStore::new(&data, &data.join("ws"));
        let large: String = "ligne é\r\n".repeat(BLOB_THRESHOLD / 8);
        assert!(large.len() > BLOB_THRESHOLD);
        let small = "x".repeat(BLOB_THRESHOLD);
        let mut checkpoint = store.begin("big", None);
        checkpoint.record_before("big.txt", Some(&large));
        checkpoint.record_before("small.txt", Some(&small));
        checkpoint.finish(|_| Some(String::new()));
        store.save(&checkpoint).unwrap();

        let manifest = std::fs::read_to_string(store.dir().join(format!("{}.json", checkpoint.id))).unwrap();
        assert!(manifest.len() < large.len(), "the large text is not inline");
        assert!(manifest.contains(&small), "a text of exactly 64 KiB stays inline");
        let blobs: Vec<_> = std::fs::read_dir(store.dir().join(&checkpoint.id)).unwrap().flatten().collect();
        assert_eq!(blobs.len(), 1);
        assert_eq!(blobs[0].file_name().to_string_lossy(), format!("{}.txt", hash_hex(&large)));

        let loaded = store.load(&checkpoint.id).unwrap();
        assert_eq!(loaded, checkpoint);
        assert_eq!(loaded.files[0].before.as_deref(), Some(large.as_str()));

        // A damaged blob makes the checkpoint unreadable rather than wrong.
        std::fs::write(blobs[0].path(), "tampered").unwrap();
        assert_eq!(store.load(&checkpoint.id), None);
        let _ = std::fs::remove_dir_all(&data);
    }

    #[test]
    fn checkpoint_corrupt_manifests_are_skipped() {
        let data = temp("corrupt");
        let store = CheckpointStore::new(&data, &data.join("ws"));
        let mut good = store.begin("good", None);
        good.record_before("a.txt", Some("a"));
        store.save(&good).unwrap();
        std::fs::write(store.dir().join("cbad.json"), "{not json").unwrap();
        std::fs::write(store.dir().join("cwrong.json"), r#"{"id":"cwrong","label":1}"#).unwrap();
        std::fs::write(
            store.dir().join("cother.json"),
            std::fs::read(store.dir().join(format!("{}.json", good.id))).unwrap(),
        )
        .unwrap();
        std::fs::write(store.dir().join("bad name.json"), "{}").unwrap();
        assert_eq!(store.load("cbad"), None);
        assert_eq!(store.load("cwrong"), None);
        assert_eq!(store.load("cother"), None, "a manifest under another id's name");
        assert_eq!(store.list(None), [good]);
        let _ = std::fs::remove_dir_all(&data);
    }

    /// Records every change it applies, with the checkpoint as saved at that moment.
    struct Recording<'a> {
        store: &'a CheckpointStore,
        id: String,
        applied: Mutex<Vec<(FileChange, Option<Checkpoint>)>>,
    }

    impl Host for Recording<'_> {
        fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>> {
            let saved = self.store.load(&self.id);
            self.applied.lock().unwrap().push((change, saved));
            Box::pin(async { Ok(()) })
        }

        fn approve_command(&self, command: &str) -> BoxFuture<'_, bool> {
            let yes = command == "yes";
            Box::pin(async move { yes })
        }

        fn open_text(&self, path: &Path) -> Option<String> {
            Some(format!("open {}", path.display()))
        }
    }

    #[tokio::test]
    async fn checkpoint_host_records_and_saves_before_delegating() {
        let data = temp("host");
        let root = data.join("ws");
        std::fs::create_dir_all(&root).unwrap();
        let canonical = std::fs::canonicalize(&root).unwrap();
        let store = CheckpointStore::new(&data, &root);
        let checkpoint = store.begin("turn", Some("s1"));
        let inner = Recording { store: &store, id: checkpoint.id.clone(), applied: Mutex::new(Vec::new()) };
        let host = CheckpointingHost::new(&inner, &store, checkpoint, &root);

        let a = canonical.join("src").join("a.ts");
        host.apply(FileChange::Write { path: a.clone(), old: Some("one\r\n".into()), new: "two".into() })
            .await
            .unwrap();
        host.apply(FileChange::Write { path: a.clone(), old: Some("two".into()), new: "three".into() }).await.unwrap();
        host.apply(FileChange::Write { path: root.join("new.ts"), old: None, new: "n".into() }).await.unwrap();
        host.apply(FileChange::Delete { path: canonical.join("old.ts"), old: "o".into() }).await.unwrap();
        let outside = data.join("elsewhere.txt");
        let refused = host.apply(FileChange::Write { path: outside, old: None, new: "x".into() }).await.unwrap_err();
        assert!(refused.contains("outside the workspace"), "{refused}");

        let applied = inner.applied.lock().unwrap().clone();
        assert_eq!(applied.len(), 4, "the change outside the workspace never reached the host");
        let saved_first = applied[0].1.as_ref().expect("saved before the first change was applied");
        assert_eq!(saved_first.files.len(), 1);
        assert_eq!(saved_first.files[0].path, "src/a.ts");
        assert_eq!(saved_first.files[0].before.as_deref(), Some("one\r\n"));
        assert_eq!(applied[3].1.as_ref().unwrap().files.len(), 3, "saved before the delete was applied");

        assert!(host.approve_command("yes").await);
        assert!(!host.approve_command("no").await);
        assert_eq!(host.open_text(Path::new("p")).as_deref(), Some("open p"));

        let recorded = host.checkpoint();
        let states: Vec<_> = recorded.files.iter().map(|f| (f.path.as_str(), f.before.as_deref())).collect();
        assert_eq!(states, [("src/a.ts", Some("one\r\n")), ("new.ts", None), ("old.ts", Some("o"))]);
        assert_eq!(host.into_checkpoint(), recorded);
        let _ = std::fs::remove_dir_all(&data);
    }

    #[tokio::test]
    async fn checkpoint_host_refuses_a_change_it_cannot_record() {
        let data = temp("unwritable");
        let root = data.join("ws");
        std::fs::create_dir_all(&root).unwrap();
        let file_as_data_dir = data.join("data-is-a-file");
        std::fs::write(&file_as_data_dir, "not a folder").unwrap();
        let store = CheckpointStore::new(&file_as_data_dir, &root);
        let checkpoint = store.begin("turn", None);
        let inner = Recording { store: &store, id: checkpoint.id.clone(), applied: Mutex::new(Vec::new()) };
        let host = CheckpointingHost::new(&inner, &store, checkpoint, &root);

        let change = FileChange::Write { path: root.join("a.txt"), old: Some("a".into()), new: "b".into() };
        let error = host.apply(change).await.unwrap_err();
        assert!(error.contains("a.txt was not changed") && error.contains("checkpoint could not be saved"), "{error}");
        assert!(inner.applied.lock().unwrap().is_empty(), "never an unrecorded edit");
        assert!(host.checkpoint().files.is_empty(), "nothing kept of the refused change");
        let _ = std::fs::remove_dir_all(&data);
    }
}
