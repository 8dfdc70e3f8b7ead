//! The workspace folder the agent works in. Every path a tool receives is
//! resolved against it: `.` and `..` lexically, then symbolic links on disk;
//! anything that ends up outside is refused.

use std::path::{Component, Path, PathBuf};

use crate::tool::ToolError;

#[derive(Debug, Clone)]
pub struct Workspace {
    /// Canonical.
    root: PathBuf,
}

impl Workspace {
    /// The workspace at `root` (which must exist).
    pub fn new(root: &Path) -> std::io::Result<Self> {
        Ok(Self { root: std::fs::canonicalize(root)? })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` (relative to the root, or absolute) as a path inside the
    /// workspace; an error when it, or a link on the way, leaves it.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, ToolError> {
        let joined = self.root.join(path);
        let lexical = normalize(&joined);
        if !lexical.starts_with(&self.root) {
            return Err(ToolError::OutsideWorkspace(path.to_string()));
        }
        let real = resolve_links(&lexical).ok_or_else(|| ToolError::OutsideWorkspace(path.to_string()))?;
        if !real.starts_with(&self.root) {
            return Err(ToolError::OutsideWorkspace(path.to_string()));
        }
        Ok(real)
    }

    /// `path` relative to the root, `/`-separated, for messages to the model.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).to_string_lossy().replace('\\', "/")
    }
}

/// The file system's view of `path`: symbolic links resolved for the part
/// that exists, the rest (a file about to be created) appended; `None` when
/// no part of it exists, or when a part is a link to nothing (writing there
/// would create the link's target, wherever it points).
pub fn resolve_links(path: &Path) -> Option<PathBuf> {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            return Some(rest.iter().rev().fold(canonical, |p: PathBuf, c| p.join(c)));
        }
        if std::fs::symlink_metadata(existing).is_ok() {
            return None;
        }
        rest.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
}

/// `path` with `.` and `..` resolved without touching the file system; a
/// `..` above the root stays at the root.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                }
            }
            other => out.push(other),
        }
    }
    out
}
