//! Chat sessions: a conversation's messages, kept on disk in the user's
//! data folder (never in the workspace), one JSON file per session under a
//! folder per workspace, written atomically after every turn so that a
//! restart loses nothing.

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
        if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
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

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }
}

/// A folder name for a workspace: its last component and a hash of the path.
fn folder_key(root: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().chars().filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect())
        .unwrap_or_default();
    format!("{name}-{:016x}", hasher.finish())
}
