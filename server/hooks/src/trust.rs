//! Which hook files the user trusts to run. A cloned repository's hooks
//! run commands and send files to a model, so nothing but the built-in
//! analyzers runs until the user has said yes.
//!
//! The record lives outside every repository, in the user's data folder
//! ([`TrustStore::user_default`]), so no file inside a workspace can grant
//! itself trust. It is keyed by the workspace folder and, per hook file, by
//! the SHA-256 of the file's text: a hook file that changes needs trust
//! again. A workspace can also be marked "never", which silences the
//! question until the user trusts it explicitly.
//!
//! The file is JSON, written atomically (a temporary file, then a rename);
//! an unreadable or malformed record trusts nothing.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The variable that moves the data folder (tests, portable installs).
pub const DATA_DIR_VAR: &str = "SPECWRIGHT_DATA_DIR";

/// The record's file name inside the data folder.
pub const FILE_NAME: &str = "trust.json";

/// The SHA-256 of a hook file's text, as the record keeps it.
pub fn file_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Specwright's data folder: `$SPECWRIGHT_DATA_DIR`, else the platform's
/// (`$XDG_DATA_HOME/specwright` or `~/.local/share/specwright` on Linux and
/// other Unixes, `~/Library/Application Support/specwright` on macOS,
/// `%APPDATA%\specwright` on Windows). `None` when none can be found.
pub fn data_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var(DATA_DIR_VAR) {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("APPDATA").map(|d| d.join("specwright"));
    }
    if cfg!(target_os = "macos") {
        return var("HOME").map(|h| h.join("Library").join("Application Support").join("specwright"));
    }
    if let Some(xdg) = var("XDG_DATA_HOME").filter(|d| d.is_absolute()) {
        return Some(xdg.join("specwright"));
    }
    var("HOME").map(|h| h.join(".local").join("share").join("specwright"))
}

/// What the record says of one hook file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The user trusted this file with exactly this text.
    Trusted,
    /// Never asked, or the file changed since it was trusted.
    Untrusted,
    /// The user chose "never for this workspace".
    Never,
}

/// The trust record of one workspace folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceTrust {
    /// "Never for this workspace": hooks do not run and nobody is asked.
    #[serde(default)]
    pub never: bool,
    /// The user trusted the folder as a whole (`specwright hooks trust`),
    /// hook files or not.
    #[serde(default)]
    pub folder: bool,
    /// Trusted hook files (relative to the folder) and the hash of the text
    /// that was trusted.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    version: u32,
    #[serde(default)]
    workspaces: BTreeMap<String, WorkspaceTrust>,
}

/// The trust record: one JSON file.
#[derive(Debug, Clone)]
pub struct TrustStore {
    file: PathBuf,
}

impl TrustStore {
    /// The record in `dir` (`dir/trust.json`).
    pub fn in_dir(dir: &Path) -> Self {
        Self { file: dir.join(FILE_NAME) }
    }

    /// The record in the user's data folder ([`data_dir`]).
    pub fn user_default() -> Option<Self> {
        data_dir().map(|d| Self::in_dir(&d))
    }

    /// The record's file.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// Whether the hook file `hook_file` of the folder `root`, whose text
    /// hashes to `hash`, may run.
    pub fn status(&self, root: &Path, hook_file: &Path, hash: &str) -> Trust {
        let Some(workspace) = self.workspace(root) else { return Trust::Untrusted };
        if workspace.never {
            return Trust::Never;
        }
        match workspace.files.get(&file_key(root, hook_file)) {
            Some(trusted) if trusted == hash => Trust::Trusted,
            _ => Trust::Untrusted,
        }
    }

    /// Whether the user trusts the folder `root` itself (`specwright hooks
    /// trust`, or a hook file of it trusted), so that its project's own
    /// commands, such as its test command, may run without asking.
    pub fn trusts_folder(&self, root: &Path) -> bool {
        self.workspace(root).is_some_and(|w| !w.never && (w.folder || !w.files.is_empty()))
    }

    /// The record of the folder `root`, if there is one.
    pub fn workspace(&self, root: &Path) -> Option<WorkspaceTrust> {
        self.read().workspaces.remove(&root_key(root))
    }

    /// Trusts these hook files (path and hash of the text the user saw) of
    /// the folder `root`, and lifts a "never".
    pub fn trust(&self, root: &Path, files: &[(&Path, &str)]) -> io::Result<()> {
        self.update(|record| {
            let workspace = record.workspaces.entry(root_key(root)).or_default();
            workspace.never = false;
            for (file, hash) in files {
                workspace.files.insert(file_key(root, file), (*hash).to_string());
            }
        })
    }

    /// Trusts the folder `root` as a whole (its project's own commands, such
    /// as its test command) and these hook files, and lifts a "never".
    pub fn trust_folder(&self, root: &Path, files: &[(&Path, &str)]) -> io::Result<()> {
        self.trust(root, files)?;
        self.update(|record| record.workspaces.entry(root_key(root)).or_default().folder = true)
    }

    /// "Never for this workspace": forgets trusted files and stops asking.
    pub fn never(&self, root: &Path) -> io::Result<()> {
        self.update(|record| {
            record.workspaces.insert(root_key(root), WorkspaceTrust { never: true, ..WorkspaceTrust::default() });
        })
    }

    /// Forgets everything about `root`; whether there was anything.
    pub fn untrust(&self, root: &Path) -> io::Result<bool> {
        let mut removed = false;
        self.update(|record| removed = record.workspaces.remove(&root_key(root)).is_some())?;
        Ok(removed)
    }

    fn read(&self) -> Record {
        std::fs::read(&self.file).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    fn update(&self, change: impl FnOnce(&mut Record)) -> io::Result<()> {
        let mut record = self.read();
        record.version = 1;
        change(&mut record);
        let text = serde_json::to_string_pretty(&record).map_err(io::Error::other)? + "\n";
        write_atomically(&self.file, &text)
    }
}

/// The record's key for a workspace folder: its canonical path.
fn root_key(root: &Path) -> String {
    std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()).to_string_lossy().into_owned()
}

/// The record's key for a hook file: `/`-separated, relative to the folder.
fn file_key(root: &Path, file: &Path) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    // A deleted file still has its folder.
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| match (file.parent(), file.file_name()) {
        (Some(dir), Some(name)) => canonical(dir).join(name),
        _ => file.to_path_buf(),
    });
    let root = canonical(root);
    let rel = file.strip_prefix(&root).unwrap_or(&file);
    rel.to_string_lossy().replace('\\', "/")
}

/// A temporary file beside `path`, then a rename: readers see the old
/// record or the new one, never half of one.
fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
