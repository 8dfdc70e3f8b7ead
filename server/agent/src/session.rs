//! Chat sessions: a conversation's messages, kept on disk in the user's
//! data folder (never in the workspace), one JSON file per session under a
//! folder per workspace, written atomically after every turn so that a
//! restart loses nothing.
//!
//! Beside each session, `<id>.transcript.jsonl` keeps every real message
//! the conversation ever held, one JSON line each, appended before a
//! compaction ([`crate::compact`]) replaces old messages by a summary, so
//! that nothing said is lost to it. [`Session::transcribed`] says how far
//! the transcript has caught up with [`Session::messages`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specwright_models::Message;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub title: String,
    /// The spec the session is about, if any.
    #[serde(default)]
    pub spec: Option<String>,
    /// Autopilot applies edits at once; otherwise each is proposed first.
    #[serde(default)]
    pub autopilot: bool,
    /// Turns completed.
    #[serde(default)]
    pub turns: u32,
    #[serde(default)]
    pub messages: Vec<Message>,
    /// How many of `messages`, from the start, are accounted for in the
    /// transcript: each is either in it or the summary pair a compaction
    /// put first (never a real message, so never transcribed). The
    /// messages after them are appended by the next [`transcribe`].
    #[serde(default)]
    pub transcribed: usize,
    /// Times the conversation was compacted.
    #[serde(default)]
    pub compactions: u32,
}

/// The sessions of one workspace.
#[derive(Debug, Clone)]
pub struct SessionStore {
    dir: PathBuf,
}

impl SessionStore {
    /// The sessions of the workspace `root`, under `data_dir/chat/`.
    pub fn new(data_dir: &Path, root: &Path) -> Self {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        Self { dir: data_dir.join("chat").join(folder_key(&root)) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new session's id: unique within the store.
    pub fn new_id(&self) -> String {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let mut id = format!("s{nanos:x}");
        while self.path(&id).exists() {
            id.push('0');
        }
        id
    }

    pub fn save(&self, session: &Session) -> std::io::Result<()> {
        let text = serde_json::to_string(session).map_err(std::io::Error::other)?;
        crate::host::write_atomically(&self.path(&session.id), &text).map_err(std::io::Error::other)
    }

    /// The session `id`; `None` when there is none (or it cannot be read).
    pub fn load(&self, id: &str) -> Option<Session> {
        if !valid_id(id) {
            return None;
        }
        serde_json::from_slice(&std::fs::read(self.path(id)).ok()?).ok()
    }

    /// Every readable session, newest first.
    pub fn list(&self) -> Vec<Session> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut sessions: Vec<(std::time::SystemTime, Session)> = entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| {
                let modified = e.metadata().and_then(|m| m.modified()).ok()?;
                let session = serde_json::from_slice(&std::fs::read(e.path()).ok()?).ok()?;
                Some((modified, session))
            })
            .collect();
        sessions.sort_by_key(|s| std::cmp::Reverse(s.0));
        sessions.into_iter().map(|(_, s)| s).collect()
    }

    /// Appends `messages` to the transcript of session `id`, one JSON line
    /// each, and flushes them to disk. A line left unfinished by an
    /// earlier crash is closed first, so that it spoils only itself.
    pub fn append_transcript(&self, id: &str, messages: &[Message]) -> std::io::Result<()> {
        use std::io::{Read, Seek, SeekFrom, Write};
        if !valid_id(id) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("'{id}' is not a session id")));
        }
        if messages.is_empty() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let mut file =
            std::fs::OpenOptions::new().read(true).append(true).create(true).open(self.transcript_path(id))?;
        let mut text = String::new();
        if file.metadata()?.len() > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::End(-1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                text.push('\n');
            }
        }
        for message in messages {
            text.push_str(&serde_json::to_string(message).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        // In one piece: a failure part-way leaves one unfinished line, which the next append closes.
        file.write_all(text.as_bytes())?;
        file.sync_data()
    }

    /// Every message of session `id`'s transcript, oldest first; lines that
    /// cannot be read are skipped. Empty when there is no transcript.
    pub fn transcript(&self, id: &str) -> Vec<Message> {
        if !valid_id(id) {
            return Vec::new();
        }
        let Ok(text) = std::fs::read_to_string(self.transcript_path(id)) else { return Vec::new() };
        text.lines().filter_map(|line| serde_json::from_str(line).ok()).collect()
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn transcript_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.transcript.jsonl"))
    }
}

/// Appends the messages of `session` not yet in its transcript, and
/// counts them in [`Session::transcribed`]; run it after every turn, then
/// save the session. If `messages` was shortened below the count, the
/// count follows it and nothing is appended. Nothing is counted when the
/// write fails.
pub fn transcribe(store: &SessionStore, session: &mut Session) -> std::io::Result<()> {
    let from = session.transcribed.min(session.messages.len());
    store.append_transcript(&session.id, &session.messages[from..])?;
    session.transcribed = session.messages.len();
    Ok(())
}

/// Ids are made by [`SessionStore::new_id`] (and the checkpoint store's
/// `begin`); anything else could name a path outside the store.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A folder name for a workspace: its last component and a hash of the path.
/// What the user's data folder keys a workspace's sessions and checkpoints by.
pub fn folder_key(root: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().chars().filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect())
        .unwrap_or_default();
    format!("{name}-{:016x}", hasher.finish())
}
