//! The server's state: workspace folders, the specs found in them, and the
//! documents the editor has open. Handlers read an immutable snapshot of
//! one spec ([`SpecSnapshot`]); notifications mutate the world under a
//! short lock that is never held across an `.await`.
//!
//! Nothing reads the disk under the lock: a reload is planned under a read
//! lock ([`ReadPlan`], no file touched), read without it
//! ([`ReadPlan::read`]: scans, parses, checks), and swapped in under a short
//! write lock ([`World::apply`]), open documents winning.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use specwright_mcp::config::{Environment, McpFile, Scope};
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
    /// MCP configurations (`<folder>/.kiro/settings/mcp.json`) by path.
    pub mcp: BTreeMap<PathBuf, McpFile>,
    /// `~/.kiro/steering`, when there is a home folder.
    pub user_steering: Option<PathBuf>,
    /// Workspace folder → its code index (built in the background).
    pub indexes: BTreeMap<PathBuf, Arc<specwright_index::Index>>,
    /// Open source files: the version their index entry was parsed from.
    pub indexed_versions: HashMap<PathBuf, i32>,
    /// Source files changed most recently (newest last, at most [`RECENT_FILES`]).
    pub recent: std::collections::VecDeque<PathBuf>,
    /// Counts the reloads from disk applied, so that a scan that read
    /// without the lock can tell whether a newer read was applied meanwhile.
    pub disk_epoch: u64,
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
    /// MCP configurations whose diagnostics changed.
    pub mcp: Vec<PathBuf>,
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
        self.mcp.extend(other.mcp);
        self.removed.extend(other.removed);
    }
}

/// What a reload needs from disk, decided under the world's lock (cheap: no
/// file is touched) and read without it ([`ReadPlan::read`]), so that disk
/// scans never hold the lock. [`World::apply`] then swaps the result in
/// under a short write lock.
#[derive(Debug, Default, Clone)]
pub struct ReadPlan {
    /// Workspace folders to discover spec folders in (and load them).
    discover: Vec<PathBuf>,
    /// Spec folders to load.
    specs: Vec<PathBuf>,
    /// Workspace folders whose steering to load.
    steering: Vec<PathBuf>,
    /// Workspace folders whose hook files to load.
    hooks: Vec<PathBuf>,
    /// Workspace folders whose MCP configuration to read.
    mcp: Vec<PathBuf>,
    /// Spec documents reported as removed if they no longer exist.
    gone_documents: Vec<PathBuf>,
    /// Spec folders whose documents are reported as removed if the folder no longer exists.
    gone_folders: Vec<PathBuf>,
    user_steering: Option<PathBuf>,
}

/// A spec folder as read from disk, checked when no document of it was open.
#[derive(Debug)]
struct LoadedSpec {
    dir: PathBuf,
    spec: Spec,
    analysis: Analysis,
}

/// What [`ReadPlan::read`] found on disk, for [`World::apply`].
#[derive(Debug, Default)]
pub struct DiskState {
    /// Workspace folders scanned: what was found in them is dropped if the
    /// folder was removed before the result is applied.
    scanned: Vec<PathBuf>,
    specs: Vec<LoadedSpec>,
    steering: Vec<(PathBuf, specwright_steering::Steering)>,
    hooks: Vec<(PathBuf, Vec<specwright_hooks::HookFile>)>,
    /// Workspace folder → its MCP configuration (`None`: no file).
    mcp: Vec<(PathBuf, Option<McpFile>)>,
    removed: Vec<PathBuf>,
}

impl ReadPlan {
    pub fn is_empty(&self) -> bool {
        self.discover.is_empty()
            && self.specs.is_empty()
            && self.steering.is_empty()
            && self.hooks.is_empty()
            && self.mcp.is_empty()
            && self.gone_documents.is_empty()
            && self.gone_folders.is_empty()
    }

    /// Reads and parses what the plan names. The slow part of every reload:
    /// call it without holding the world's lock.
    pub fn read(self) -> DiskState {
        let mut dirs = self.specs;
        dirs.extend(self.discover.iter().flat_map(|r| discover_specs(r)));
        let mut seen = std::collections::HashSet::new();
        dirs.retain(|d| seen.insert(d.clone()));
        let specs = dirs
            .into_iter()
            .map(|dir| {
                let spec = Spec::load(&dir);
                let analysis = analyze(&spec);
                LoadedSpec { dir, spec, analysis }
            })
            .collect();
        let steering = self
            .steering
            .into_iter()
            .map(|root| {
                let steering = specwright_steering::Steering::load(&root, self.user_steering.as_deref());
                (root, steering)
            })
            .collect();
        let hooks = self.hooks.into_iter().map(|root| (root.clone(), specwright_hooks::load(&root))).collect();
        let env = mcp_environment();
        let mcp = self
            .mcp
            .into_iter()
            .map(|root| {
                let file = specwright_mcp::config::load_file(&mcp_file(&root), Scope::Workspace, &env);
                (root, file)
            })
            .collect();
        let mut removed: Vec<PathBuf> = self.gone_documents.into_iter().filter(|p| !p.exists()).collect();
        for dir in self.gone_folders.into_iter().filter(|d| !d.exists()) {
            removed.extend(DocKind::ALL.iter().map(|k| dir.join(k.file_name())));
        }
        DiskState { scanned: self.discover, specs, steering, hooks, mcp, removed }
    }
}

/// Reloads what changed on disk at `paths` without holding the world's
/// lock while reading: decides under a read lock, reads unlocked, applies
/// under a short write lock. The one way files changed on disk reach the
/// world.
pub fn reload_paths(world: &RwLock<World>, paths: &[PathBuf]) -> Changed {
    let plan = world.read().unwrap_or_else(|e| e.into_inner()).plan_files_changed(paths);
    if plan.is_empty() {
        return Changed::default();
    }
    let disk = plan.read();
    world.write().unwrap_or_else(|e| e.into_inner()).apply(disk)
}

/// Scans every workspace folder (specs, steering, hooks) on a blocking
/// thread, without the world's lock, and applies the result in one short
/// write. A reload from disk applied meanwhile (a watched file, a closed
/// document) makes it read again, so that an older read never replaces a
/// newer one.
pub async fn rescan(world: &Arc<RwLock<World>>) -> Changed {
    let mut attempt = 0;
    loop {
        let (plan, epoch) = {
            let w = world.read().unwrap_or_else(|e| e.into_inner());
            (w.plan_scan(), w.disk_epoch)
        };
        let Ok(disk) = tokio::task::spawn_blocking(move || plan.read()).await else {
            return Changed::default();
        };
        let mut w = world.write().unwrap_or_else(|e| e.into_inner());
        attempt += 1;
        if w.disk_epoch == epoch || attempt >= 3 {
            return w.apply(disk);
        }
    }
}

impl World {
    /// What a scan of every workspace folder reads.
    pub fn plan_scan(&self) -> ReadPlan {
        ReadPlan {
            discover: self.roots.clone(),
            steering: self.roots.clone(),
            hooks: self.roots.clone(),
            mcp: self.roots.clone(),
            user_steering: self.user_steering.clone(),
            ..ReadPlan::default()
        }
    }

    /// What files changed on disk (watched files, saves by other programs)
    /// make the world read again.
    pub fn plan_files_changed(&self, paths: &[PathBuf]) -> ReadPlan {
        let mut plan = ReadPlan { user_steering: self.user_steering.clone(), ..ReadPlan::default() };
        for path in paths {
            if let Some((dir, _)) = spec_document(path) {
                plan.gone_documents.push(path.clone());
                plan.specs.push(dir);
            } else if let Some(dir) = self.spec_dir_of_folder(path) {
                // A spec folder itself was created or deleted.
                plan.gone_folders.push(dir.clone());
                plan.specs.push(dir);
            }
        }
        plan.specs.sort();
        plan.specs.dedup();
        plan.steering = paths.iter().filter_map(|p| self.steering_root(p).map(|(root, ..)| root)).collect();
        plan.steering.sort();
        plan.steering.dedup();
        // A hook file, or the `.kiro/hooks` folder itself, created, changed or deleted.
        plan.hooks = paths
            .iter()
            .filter_map(|p| self.hook_root(p).or_else(|| self.roots.iter().find(|r| hooks_dir(r) == *p).cloned()))
            .collect();
        plan.hooks.sort();
        plan.hooks.dedup();
        // The MCP configuration, or its `.kiro/settings` folder, created, changed or deleted.
        plan.mcp = paths
            .iter()
            .filter_map(|p| self.mcp_root(p).or_else(|| self.roots.iter().find(|r| mcp_dir(r) == *p).cloned()))
            .collect();
        plan.mcp.sort();
        plan.mcp.dedup();
        plan
    }

    /// What closing `path` makes the world read again: the disk's text is
    /// the truth again (for a spec, a hook file or a steering document).
    pub fn plan_close(&self, path: &Path) -> ReadPlan {
        let mut plan = ReadPlan { user_steering: self.user_steering.clone(), ..ReadPlan::default() };
        if !self.open.contains_key(path) {
            return plan;
        }
        if let Some((dir, _)) = spec_document(path) {
            plan.specs.push(dir);
        } else if let Some(root) = self.hook_root(path) {
            plan.hooks.push(root);
        } else if let Some(root) = self.mcp_root(path) {
            plan.mcp.push(root);
        } else if let Some((root, ..)) = self.steering_root(path) {
            plan.steering.push(root);
        }
        plan
    }

    /// The spec folder to read from disk before a new text of `path` is
    /// applied: `path` is a spec document whose spec is not loaded yet.
    pub fn spec_to_read(&self, path: &Path) -> Option<PathBuf> {
        let (dir, _) = spec_document(path)?;
        (!self.specs.contains_key(&dir)).then_some(dir)
    }

    /// Swaps in what [`ReadPlan::read`] found, open documents winning; what
    /// belongs to a workspace folder removed meanwhile is dropped.
    pub fn apply(&mut self, disk: DiskState) -> Changed {
        self.disk_epoch += 1;
        let gone_root =
            |world: &World, path: &Path| disk.scanned.iter().any(|r| path.starts_with(r) && !world.roots.contains(r));
        let mut changed = Changed { removed: disk.removed.clone(), ..Changed::default() };
        for loaded in disk.specs {
            if gone_root(self, &loaded.dir) {
                continue;
            }
            changed.specs.push(loaded.dir.clone());
            self.put_spec(loaded);
        }
        for (root, steering) in disk.steering {
            if self.roots.contains(&root) {
                changed.merge(self.put_steering(&root, steering));
            }
        }
        for (root, files) in disk.hooks {
            if self.roots.contains(&root) {
                changed.merge(self.put_hooks(&root, files));
            }
        }
        for (root, file) in disk.mcp {
            if self.roots.contains(&root) {
                changed.merge(self.put_mcp(&root, file));
            }
        }
        changed
    }

    /// A workspace folder's MCP configuration as read from disk (`None`: no
    /// file), the open document winning.
    fn put_mcp(&mut self, root: &Path, file: Option<McpFile>) -> Changed {
        let path = mcp_file(root);
        let file = match self.open.get(&path) {
            Some(doc) => Some(parse_mcp(&path, &doc.text, Scope::Workspace)),
            None => file,
        };
        match file {
            Some(file) => {
                self.mcp.insert(path.clone(), file);
                Changed { mcp: vec![path], ..Changed::default() }
            }
            None => {
                let removed = self.mcp.remove(&path).map(|_| path).into_iter().collect();
                Changed { removed, ..Changed::default() }
            }
        }
    }

    /// The workspace folder whose MCP configuration `path` is.
    fn mcp_root(&self, path: &Path) -> Option<PathBuf> {
        self.roots.iter().find(|r| mcp_file(r) == path).cloned()
    }

    /// Whether `path` is an MCP configuration: a workspace folder's, or the
    /// user's `~/.kiro/settings/mcp.json` (checked while open).
    fn mcp_scope(&self, path: &Path) -> Option<Scope> {
        if self.mcp_root(path).is_some() {
            return Some(Scope::Workspace);
        }
        // Asked on every edit of every open document: the environment is
        // read only for a file that could be the user's mcp.json.
        if path.file_name().is_none_or(|n| n != "mcp.json") {
            return None;
        }
        let home = mcp_environment().home()?;
        (specwright_mcp::config::user_file(&home) == path).then_some(Scope::User)
    }

    /// A workspace folder's hook files as read from disk, open documents winning.
    fn put_hooks(&mut self, root: &Path, files: Vec<specwright_hooks::HookFile>) -> Changed {
        let dir = hooks_dir(root);
        let before: Vec<PathBuf> = self.hooks.keys().filter(|p| p.parent() == Some(dir.as_path())).cloned().collect();
        self.hooks.retain(|p, _| p.parent() != Some(dir.as_path()));
        for file in files {
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

    /// A workspace folder's steering as read from disk, open documents winning.
    fn put_steering(&mut self, root: &Path, mut steering: specwright_steering::Steering) -> Changed {
        let before: Vec<PathBuf> =
            self.steering.get(root).map(|s| s.files.iter().map(|f| f.path.clone()).collect()).unwrap_or_default();
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

    /// [`World::set_open_text_read`], reading a spec not loaded yet under
    /// the caller's lock (tests only).
    #[cfg(test)]
    pub fn set_open_text(&mut self, path: &Path, text: String, version: i32) -> Changed {
        let read = self.spec_to_read(path).map(|dir| Spec::load(&dir));
        self.set_open_text_read(path, text, version, read)
    }

    /// A new text for any open document: a spec document (re-parsed and its
    /// spec re-checked), a steering document (re-parsed), or any other file
    /// of a workspace folder (kept: the index re-reads source files off the
    /// request path; the agent reads the editor's text). `read` is the
    /// spec folder of [`World::spec_to_read`], read from disk without the lock.
    pub fn set_open_text_read(&mut self, path: &Path, text: String, version: i32, read: Option<Spec>) -> Changed {
        if spec_document(path).is_some() {
            return Changed::specs(self.set_text_read(path, text, version, read));
        }
        if self.hook_root(path).is_some() {
            let file = specwright_hooks::parse(path, &text);
            self.open.insert(path.to_path_buf(), OpenDocument { version, text });
            self.hooks.insert(path.to_path_buf(), file);
            return Changed { hooks: vec![path.to_path_buf()], ..Changed::default() };
        }
        if let Some(scope) = self.mcp_scope(path) {
            let file = parse_mcp(path, &text, scope);
            self.open.insert(path.to_path_buf(), OpenDocument { version, text });
            self.mcp.insert(path.to_path_buf(), file);
            return Changed { mcp: vec![path.to_path_buf()], ..Changed::default() };
        }
        let Some((root, rel, source)) = self.steering_root(path) else {
            // Any other document of a folder: the agent's tools and the
            // chat document read the editor's text, unsaved changes included.
            if self.root_of(path).is_some() {
                self.open.insert(path.to_path_buf(), OpenDocument { version, text });
            }
            return Changed::default();
        };
        let file = specwright_steering::parse(path, &rel, &text, &root, source);
        self.open.insert(path.to_path_buf(), OpenDocument { version, text });
        self.steering.entry(root).or_default().upsert(file);
        Changed { steering: vec![path.to_path_buf()], ..Changed::default() }
    }

    /// [`World::close_document_read`], reading under the caller's lock (tests only).
    #[cfg(test)]
    pub fn close_document(&mut self, path: &Path) -> Changed {
        let disk = self.plan_close(path).read();
        self.close_document_read(path, disk)
    }

    /// The editor closed a document: the disk's text is the truth again.
    /// `disk` is [`World::plan_close`], read without the lock.
    pub fn close_document_read(&mut self, path: &Path, disk: DiskState) -> Changed {
        self.indexed_versions.remove(path);
        if self.open.remove(path).is_none() {
            return Changed::default();
        }
        let mut changed = self.apply(disk);
        // The user's own mcp.json is checked while it is open in the editor.
        if self.mcp_scope(path) == Some(Scope::User) && self.mcp.remove(path).is_some() {
            changed.removed.push(path.to_path_buf());
        }
        changed
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

    /// A spec folder as read from disk, overlaying open documents (then
    /// re-checked; the check made while reading is kept when none is open).
    fn put_spec(&mut self, loaded: LoadedSpec) {
        let LoadedSpec { dir, mut spec, analysis } = loaded;
        let mut overlaid = false;
        for kind in DocKind::ALL {
            if let Some(open) = self.open.get(&dir.join(kind.file_name())) {
                spec.set_document(kind, Some(open.text.clone()));
                overlaid = true;
            }
        }
        if spec.is_spec() {
            let snapshot = if overlaid {
                SpecSnapshot::new(spec)
            } else {
                SpecSnapshot { spec: Arc::new(spec), analysis: Arc::new(analysis) }
            };
            self.specs.insert(dir, snapshot);
        } else {
            self.specs.remove(&dir);
        }
    }

    /// Applies a new text for a spec document (open, changed), re-parsing
    /// that document only and re-checking its spec; a spec not loaded yet
    /// comes from `read` (its folder read from disk beforehand). Returns the
    /// spec folder.
    fn set_text_read(&mut self, path: &Path, text: String, version: i32, read: Option<Spec>) -> Option<PathBuf> {
        let (dir, kind) = spec_document(path)?;
        self.open.insert(path.to_path_buf(), OpenDocument { version, text: text.clone() });
        match self.specs.get_mut(&dir) {
            Some(snap) => {
                let spec = Arc::make_mut(&mut snap.spec);
                spec.set_document(kind, Some(text));
                snap.analysis = Arc::new(analyze(spec));
            }
            None => {
                self.disk_epoch += 1;
                let spec = read.unwrap_or_else(|| Spec::load(&dir));
                let analysis = Analysis::default();
                self.put_spec(LoadedSpec { dir: dir.clone(), spec, analysis });
            }
        }
        Some(dir)
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

fn mcp_dir(root: &Path) -> PathBuf {
    root.join(".kiro").join("settings")
}

fn mcp_file(root: &Path) -> PathBuf {
    specwright_mcp::config::workspace_file(root)
}

/// What `${VAR}`s and commands of an MCP configuration are checked
/// against: the server's own environment, which the servers it would start
/// inherit.
fn mcp_environment() -> Environment {
    Environment::from_process()
}

fn parse_mcp(path: &Path, text: &str, scope: Scope) -> McpFile {
    specwright_mcp::config::parse(path, text, scope, &mcp_environment())
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

    /// A folder with a demo spec, removed on drop.
    struct Folder(PathBuf);

    impl Folder {
        fn new(label: &str) -> Self {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let root = std::env::temp_dir().join(format!("specwright-world-{label}-{}-{nanos}", std::process::id()));
            let dir = root.join(".kiro/specs/demo");
            std::fs::create_dir_all(&dir).expect("create the spec folder");
            std::fs::write(dir.join("requirements.md"), "# Requirements Document\n\n## Requirements\n").expect("write");
            Self(root)
        }

        fn spec(&self) -> PathBuf {
            self.0.join(".kiro/specs/demo")
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn requirements(w: &World, dir: &Path) -> Option<String> {
        Some(w.specs.get(dir)?.spec.document(DocKind::Requirements)?.text.clone())
    }

    #[test]
    fn reads_applied_later_keep_open_documents_and_forget_removed_folders() {
        let folder = Folder::new("late");
        let (root, dir) = (folder.0.clone(), folder.spec());
        let mut w = World { roots: vec![root.clone()], ..World::default() };

        // Read without the lock; meanwhile the editor opens the document.
        let disk = w.plan_scan().read();
        let path = dir.join("requirements.md");
        w.set_open_text(&path, "# Requirements Document\n\nThe editor's text\n".into(), 1);
        let changed = w.apply(disk);
        assert_eq!(changed.specs, std::slice::from_ref(&dir));
        assert!(requirements(&w, &dir).is_some_and(|t| t.contains("The editor's text")), "the editor's text wins");

        // Closed: the disk's text again.
        let disk = w.plan_close(&path).read();
        w.close_document_read(&path, disk);
        assert!(requirements(&w, &dir).is_some_and(|t| !t.contains("The editor's text")));

        // A scan of a folder removed before it is applied leaves nothing behind.
        w.specs.clear();
        w.steering.clear();
        let disk = w.plan_scan().read();
        w.roots.clear();
        let changed = w.apply(disk);
        assert!(changed.specs.is_empty() && w.specs.is_empty() && w.steering.is_empty(), "{changed:?}");
    }

    #[test]
    fn every_reload_from_disk_moves_the_epoch() {
        let folder = Folder::new("epoch");
        let mut w = World { roots: vec![folder.0.clone()], ..World::default() };
        let before = w.disk_epoch;
        let plan = w.plan_files_changed(&[folder.spec().join("requirements.md")]);
        assert!(!plan.is_empty());
        w.apply(plan.read());
        assert!(w.disk_epoch > before, "a rescan that read before this must read again");
        let plan = w.plan_files_changed(&[folder.0.join("README.md")]);
        assert!(plan.is_empty(), "nothing to read for a file the world does not keep");
    }
}
