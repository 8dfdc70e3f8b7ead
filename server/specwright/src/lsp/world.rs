//! The server's state: workspace folders, the specs found in them, and the
//! documents the editor has open. Handlers read an immutable snapshot of
//! one spec ([`SpecSnapshot`]); notifications mutate the world under a
//! short lock that is never held across an `.await`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use specwright_spec::{Analysis, DocKind, Spec, analyze, discover_specs, spec_document};

/// A spec with its analysis, shared with handlers as a snapshot.
#[derive(Debug, Clone)]
pub struct SpecSnapshot {
    pub spec: Arc<Spec>,
    pub analysis: Arc<Analysis>,
}

impl SpecSnapshot {
    fn new(spec: Spec) -> Self {
        let analysis = analyze(&spec);
        Self { spec: Arc::new(spec), analysis: Arc::new(analysis) }
    }
}

/// A document the editor has open: its text is the truth, not the disk's.
#[derive(Debug, Clone)]
pub struct OpenDocument {
    pub version: i32,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct World {
    pub roots: Vec<PathBuf>,
    /// Spec folder → spec.
    pub specs: BTreeMap<PathBuf, SpecSnapshot>,
    /// Open documents (specs, steering, hook files) by path.
    pub open: HashMap<PathBuf, OpenDocument>,
    /// Workspace folder → its steering (with the user-level documents).
    pub steering: BTreeMap<PathBuf, specwright_steering::Steering>,
    /// Hook files (`<folder>/.kiro/hooks/*.kiro.hook`, `*.json`) by path.
    pub hooks: BTreeMap<PathBuf, specwright_hooks::HookFile>,
    /// `~/.kiro/steering`, when there is a home folder.
    pub user_steering: Option<PathBuf>,
    /// Workspace folder → its code index (built in the background).
    pub indexes: BTreeMap<PathBuf, Arc<specwright_index::Index>>,
    /// Open source files: the version their index entry was parsed from.
    pub indexed_versions: HashMap<PathBuf, i32>,
    /// Source files changed most recently (newest last, at most [`RECENT_FILES`]).
    pub recent: std::collections::VecDeque<PathBuf>,
}

/// How many recently changed files the repository map leans toward.
pub const RECENT_FILES: usize = 10;

impl World {
    /// Notes that a source file changed, for the map's personalisation.
    pub fn touch_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.push_back(path.to_path_buf());
        while self.recent.len() > RECENT_FILES {
            self.recent.pop_front();
        }
    }

    /// The recently changed files under `root`, relative to it.
    pub fn recent_under(&self, root: &Path) -> Vec<String> {
        self.recent
            .iter()
            .filter_map(|p| p.strip_prefix(root).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect()
    }
}

/// Which documents of a spec to (re)publish diagnostics for, and which to clear.
#[derive(Debug, Default)]
pub struct Changed {
    pub specs: Vec<PathBuf>,
    /// Steering documents whose diagnostics changed.
    pub steering: Vec<PathBuf>,
    /// Hook files whose diagnostics changed.
    pub hooks: Vec<PathBuf>,
    /// Documents that disappeared: their diagnostics must be cleared.
    pub removed: Vec<PathBuf>,
}

impl Changed {
    pub fn specs(dirs: impl IntoIterator<Item = PathBuf>) -> Self {
        Self { specs: dirs.into_iter().collect(), ..Self::default() }
    }

    fn merge(&mut self, other: Changed) {
        self.specs.extend(other.specs);
        self.steering.extend(other.steering);
        self.hooks.extend(other.hooks);
        self.removed.extend(other.removed);
    }
}

impl World {
    /// Loads every spec of every workspace folder from disk (open documents win).
    pub fn scan_roots(&mut self) -> Changed {
        let mut changed = Changed::default();
        let dirs: Vec<PathBuf> = self.roots.iter().flat_map(|r| discover_specs(r)).collect();
        for dir in dirs {
            self.reload_spec(&dir);
            changed.specs.push(dir);
        }
        for root in self.roots.clone() {
            changed.merge(self.reload_steering(&root));
            changed.merge(self.reload_hooks(&root));
        }
        changed
    }

    /// Loads a workspace folder's hook files from disk, open documents winning.
    fn reload_hooks(&mut self, root: &Path) -> Changed {
        let dir = hooks_dir(root);
        let before: Vec<PathBuf> = self.hooks.keys().filter(|p| p.parent() == Some(dir.as_path())).cloned().collect();
        self.hooks.retain(|p, _| p.parent() != Some(dir.as_path()));
        for file in specwright_hooks::load(root) {
            self.hooks.insert(file.path.clone(), file);
        }
        for (path, doc) in &self.open {
            if self.hook_root(path).as_deref() == Some(root) {
                self.hooks.insert(path.clone(), specwright_hooks::parse(path, &doc.text));
            }
        }
        let now: Vec<PathBuf> = self.hooks.keys().filter(|p| p.parent() == Some(dir.as_path())).cloned().collect();
        let removed = before.into_iter().filter(|p| !now.contains(p)).collect();
        Changed { hooks: now, removed, ..Changed::default() }
    }

    /// The workspace folder whose `.kiro/hooks/` holds the hook file `path`
    /// (a `*.kiro.hook` or `*.json` directly in it).
    fn hook_root(&self, path: &Path) -> Option<PathBuf> {
        let name = path.file_name()?.to_str()?;
        if !(name.ends_with(".kiro.hook") || name.ends_with(".json")) {
            return None;
        }
        self.roots.iter().find(|r| path.parent() == Some(hooks_dir(r).as_path())).cloned()
    }

    /// Loads a workspace folder's steering from disk, open documents winning.
    fn reload_steering(&mut self, root: &Path) -> Changed {
        let before: Vec<PathBuf> =
            self.steering.get(root).map(|s| s.files.iter().map(|f| f.path.clone()).collect()).unwrap_or_default();
        let mut steering = specwright_steering::Steering::load(root, self.user_steering.as_deref());
        for (path, doc) in &self.open {
            if let Some((rel, source)) = specwright_steering::classify(root, self.user_steering.as_deref(), path) {
                steering.upsert(specwright_steering::parse(path, &rel, &doc.text, root, source));
            }
        }
        let now: Vec<PathBuf> = steering.files.iter().map(|f| f.path.clone()).collect();
        let removed = before.into_iter().filter(|p| !now.contains(p)).collect();
        self.steering.insert(root.to_path_buf(), steering);
        Changed { steering: now, removed, ..Changed::default() }
    }

    /// The steering file at `path`, in whichever workspace folder has it.
    pub fn steering_file(&self, path: &Path) -> Option<&specwright_steering::SteeringFile> {
        self.steering.values().find_map(|s| s.by_path(path))
    }

    /// The workspace folder a steering document belongs to (`AGENTS.md`,
    /// `.kiro/steering/**.md`, or a user-level document: the first folder).
    fn steering_root(&self, path: &Path) -> Option<(PathBuf, String, specwright_steering::Source)> {
        self.roots.iter().find_map(|root| {
            specwright_steering::classify(root, self.user_steering.as_deref(), path)
                .map(|(rel, source)| (root.clone(), rel, source))
        })
    }

    /// A new text for any open document: a spec document (re-parsed and its
    /// spec re-checked), a steering document (re-parsed), or a source file
    /// (kept, for the index to re-read off the request path).
    pub fn set_open_text(&mut self, path: &Path, text: String, version: i32) -> Changed {
        if spec_document(path).is_some() {
            return Changed::specs(self.set_text(path, text, version));
        }
        if self.hook_root(path).is_some() {
            let file = specwright_hooks::parse(path, &text);
            self.open.insert(path.to_path_buf(), OpenDocument { version, text });
            self.hooks.insert(path.to_path_buf(), file);
            return Changed { hooks: vec![path.to_path_buf()], ..Changed::default() };
        }
        let Some((root, rel, source)) = self.steering_root(path) else {
            if specwright_index::Lang::of(path).is_some() && self.root_of(path).is_some() {
                self.open.insert(path.to_path_buf(), OpenDocument { version, text });
            }
            return Changed::default();
        };
        let file = specwright_steering::parse(path, &rel, &text, &root, source);
        self.open.insert(path.to_path_buf(), OpenDocument { version, text });
        self.steering.entry(root).or_default().upsert(file);
        Changed { steering: vec![path.to_path_buf()], ..Changed::default() }
    }

    /// The editor closed a document: the disk's text is the truth again.
    pub fn close_document(&mut self, path: &Path) -> Changed {
        self.indexed_versions.remove(path);
        if spec_document(path).is_some() {
            return Changed::specs(self.close(path));
        }
        self.open.remove(path);
        if let Some(root) = self.hook_root(path) {
            return self.reload_hooks(&root);
        }
        match self.steering_root(path) {
            Some((root, ..)) => self.reload_steering(&root),
            None => Changed::default(),
        }
    }

    pub fn snapshot(&self, dir: &Path) -> Option<SpecSnapshot> {
        self.specs.get(dir).cloned()
    }

    /// The spec a document belongs to, with the document's kind.
    pub fn snapshot_for(&self, path: &Path) -> Option<(SpecSnapshot, DocKind)> {
        let (dir, kind) = spec_document(path)?;
        let snap = self.specs.get(&dir)?.clone();
        // Bugfix specs answer for bugfix.md through the requirements model.
        Some((snap, kind))
    }

    /// The version of an open document.
    pub fn version(&self, path: &Path) -> Option<i32> {
        self.open.get(path).map(|d| d.version)
    }

    /// Reads a spec folder from disk, overlaying open documents.
    fn reload_spec(&mut self, dir: &Path) {
        let mut spec = Spec::load(dir);
        for kind in DocKind::ALL {
            if let Some(open) = self.open.get(&dir.join(kind.file_name())) {
                spec.set_document(kind, Some(open.text.clone()));
            }
        }
        if spec.is_spec() {
            self.specs.insert(dir.to_path_buf(), SpecSnapshot::new(spec));
        } else {
            self.specs.remove(dir);
        }
    }

    /// Applies a new text for a spec document (open, changed), re-parsing
    /// that document only and re-checking its spec. Returns the spec folder.
    pub fn set_text(&mut self, path: &Path, text: String, version: i32) -> Option<PathBuf> {
        let (dir, kind) = spec_document(path)?;
        self.open.insert(path.to_path_buf(), OpenDocument { version, text: text.clone() });
        match self.specs.get_mut(&dir) {
            Some(snap) => {
                let spec = Arc::make_mut(&mut snap.spec);
                spec.set_document(kind, Some(text));
                snap.analysis = Arc::new(analyze(spec));
            }
            None => self.reload_spec(&dir),
        }
        Some(dir)
    }

    /// The editor closed a document: the disk's text is the truth again.
    pub fn close(&mut self, path: &Path) -> Option<PathBuf> {
        self.open.remove(path)?;
        let (dir, _) = spec_document(path)?;
        self.reload_spec(&dir);
        Some(dir)
    }

    /// Files changed on disk (watched files, saves by other programs).
    pub fn files_changed(&mut self, paths: &[PathBuf]) -> Changed {
        let mut changed = Changed::default();
        let mut dirs: Vec<PathBuf> = Vec::new();
        for path in paths {
            if let Some((dir, _)) = spec_document(path) {
                if !path.exists() {
                    changed.removed.push(path.clone());
                }
                dirs.push(dir);
            } else if let Some(dir) = self.spec_dir_of_folder(path) {
                // A spec folder itself was created or deleted.
                if !path.exists() {
                    changed.removed.extend(DocKind::ALL.iter().map(|k| dir.join(k.file_name())));
                }
                dirs.push(dir);
            }
        }
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            self.reload_spec(&dir);
            changed.specs.push(dir);
        }
        let mut roots: Vec<PathBuf> =
            paths.iter().filter_map(|p| self.steering_root(p).map(|(root, ..)| root)).collect();
        roots.sort();
        roots.dedup();
        for root in roots {
            changed.merge(self.reload_steering(&root));
        }
        // A hook file, or the `.kiro/hooks` folder itself, created, changed or deleted.
        let mut roots: Vec<PathBuf> = paths
            .iter()
            .filter_map(|p| self.hook_root(p).or_else(|| self.roots.iter().find(|r| hooks_dir(r) == *p).cloned()))
            .collect();
        roots.sort();
        roots.dedup();
        for root in roots {
            changed.merge(self.reload_hooks(&root));
        }
        changed
    }

    /// `…/.kiro/specs/<name>` itself.
    fn spec_dir_of_folder(&self, path: &Path) -> Option<PathBuf> {
        let specs = path.parent()?;
        let kiro = specs.parent()?;
        (specs.file_name()? == "specs" && kiro.file_name()? == ".kiro").then(|| path.to_path_buf())
    }

    /// Open source files whose index entry is older than the editor's text.
    pub fn stale_sources(&self) -> Vec<(PathBuf, String, i32)> {
        self.open
            .iter()
            .filter(|(p, d)| {
                specwright_index::Lang::of(p).is_some() && self.indexed_versions.get(*p) != Some(&d.version)
            })
            .map(|(p, d)| (p.clone(), d.text.clone(), d.version))
            .collect()
    }

    /// Puts a freshly parsed file into its folder's index. `version` is
    /// `None` for a file read from disk. A parse that finished late is
    /// dropped: an editor's text that is no longer the open document's (a
    /// later version was indexed, or the document was closed meanwhile), or
    /// the disk's text of a document the editor has open.
    pub fn put_indexed(&mut self, path: &Path, file: Option<specwright_index::FileIndex>, version: Option<i32>) {
        let current = self.open.get(path).map(|d| d.version);
        match version {
            Some(v) if current != Some(v) || self.indexed_versions.get(path).is_some_and(|done| *done >= v) => return,
            None if current.is_some() => return,
            _ => {}
        }
        let Some(root) = self.root_of(path).cloned() else { return };
        let Some(index) = self.indexes.get_mut(&root) else { return };
        let rel = path.strip_prefix(&root).unwrap_or(path).to_string_lossy().replace('\\', "/");
        let index = Arc::make_mut(index);
        match file {
            Some(f) => {
                index.files.insert(rel, f);
            }
            None => {
                index.files.remove(&rel);
            }
        }
        match version {
            Some(v) => {
                self.indexed_versions.insert(path.to_path_buf(), v);
            }
            None => {
                self.indexed_versions.remove(path);
            }
        }
    }

    /// The workspace folder that contains `path`.
    pub fn root_of(&self, path: &Path) -> Option<&PathBuf> {
        self.roots.iter().filter(|r| path.starts_with(r)).max_by_key(|r| r.as_os_str().len())
    }
}

fn hooks_dir(root: &Path) -> PathBuf {
    root.join(".kiro").join("hooks")
}

#[cfg(test)]
mod tests {
    use super::*;
    use specwright_index::{FileIndex, Index};

    fn world() -> (World, PathBuf) {
        let root = PathBuf::from("/w");
        let mut world = World { roots: vec![root.clone()], ..World::default() };
        world.indexes.insert(root.clone(), Arc::new(Index { root, ..Index::default() }));
        (world, PathBuf::from("/w/src/app.ts"))
    }

    fn entry(text: &str) -> Option<FileIndex> {
        Some(FileIndex { path: "src/app.ts".into(), imports: vec![text.into()], ..FileIndex::default() })
    }

    fn indexed(world: &World) -> Option<String> {
        world.indexes[Path::new("/w")].files.get("src/app.ts").map(|f| f.imports[0].clone())
    }

    #[test]
    fn late_parses_never_replace_newer_text() {
        let (mut w, path) = world();
        w.set_open_text(&path, "v1".into(), 1);
        w.set_open_text(&path, "v2".into(), 2);
        w.put_indexed(&path, entry("v2"), Some(2));
        w.put_indexed(&path, entry("v1"), Some(1));
        assert_eq!(indexed(&w).as_deref(), Some("v2"), "an older version arriving late");
        w.put_indexed(&path, entry("disk"), None);
        assert_eq!(indexed(&w).as_deref(), Some("v2"), "the disk's text while the editor has it open");

        // Closed: the disk's text is the truth; the editor's, arriving late, is not.
        w.close_document(&path);
        w.put_indexed(&path, entry("disk"), None);
        w.put_indexed(&path, entry("v2"), Some(2));
        assert_eq!(indexed(&w).as_deref(), Some("disk"));
        assert!(w.stale_sources().is_empty());

        // Reopened (versions start again): indexed, and then not stale.
        w.set_open_text(&path, "again".into(), 1);
        assert_eq!(w.stale_sources().len(), 1);
        w.put_indexed(&path, entry("again"), Some(1));
        assert_eq!(indexed(&w).as_deref(), Some("again"));
        assert!(w.stale_sources().is_empty());
    }
}
