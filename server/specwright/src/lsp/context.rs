//! Codebase context in the editor: the code index of each workspace folder,
//! built in the background after start-up and kept fresh from edits and
//! watched files off the request path; the repository map request; and
//! workspace symbols from the index.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use specwright_index::map::{Focus, repo_map};
use specwright_index::{FileIndex, Index, Lang};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::server::Server;
use super::{convert, ext};

/// The default budget of a repository map, in tokens: the one budget the
/// map has everywhere (prompts, this request, the CLI).
pub const DEFAULT_MAP_TOKENS: usize = specwright_specgen::context::DEFAULT_MAP_TOKENS;

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// A source file's index entry from its text, or `None` when it has no
/// text or the walk would skip it: unknown language, under a dependency,
/// build output or hidden folder (`node_modules/`, `target/`, `.git/`),
/// generated, minified or too large, or ignored by `.gitignore` and friends.
fn parse_source(root: &Path, path: &Path, text: Option<&str>) -> Option<FileIndex> {
    let rel = rel(root, path);
    if Index::ignores(root, &rel) {
        return None;
    }
    let mut scratch = Index::default();
    scratch.update(&rel, text?);
    scratch.files.remove(&rel)
}

/// Indexes every workspace folder that has no index yet, in the background.
pub(super) fn build_indexes_in_background(world: Arc<std::sync::RwLock<super::world::World>>) {
    tokio::spawn(async move {
        let roots: Vec<PathBuf> = {
            let w = world.read().unwrap_or_else(|e| e.into_inner());
            w.roots.iter().filter(|r| !w.indexes.contains_key(*r)).cloned().collect()
        };
        for root in roots {
            let started = std::time::Instant::now();
            let built = tokio::task::spawn_blocking({
                let root = root.clone();
                move || Index::build(&root)
            })
            .await;
            match built {
                Ok(index) => {
                    tracing::info!(
                        "indexed {} files of {} in {:?}",
                        index.files.len(),
                        root.display(),
                        started.elapsed()
                    );
                    let mut w = world.write().unwrap_or_else(|e| e.into_inner());
                    w.indexes.entry(root).or_insert_with(|| Arc::new(index));
                }
                Err(e) => tracing::error!("indexing {} failed: {e}", root.display()),
            }
        }
    });
}

impl Server {
    /// Re-parses open source files whose index entry is older than the editor's text.
    fn refresh_open_sources(&self) {
        let stale = self.world().stale_sources();
        for (path, text, version) in stale {
            self.put_parsed(&path, &text, Some(version));
        }
    }

    fn put_parsed(&self, path: &Path, text: &str, version: Option<i32>) {
        let Some(root) = self.world().root_of(path).cloned() else { return };
        let file = parse_source(&root, path, Some(text));
        self.world_mut().put_indexed(path, file, version);
    }

    /// Schedules a re-index of one source file, off the request path: from
    /// the editor's text when it is open, else from disk.
    pub(super) fn reindex_later(&self, path: PathBuf) {
        if Lang::of(&path).is_none() {
            return;
        }
        self.world_mut().touch_recent(&path);
        let (open, root) = {
            let world = self.world();
            (world.open.get(&path).map(|d| (d.text.clone(), d.version)), world.root_of(&path).cloned())
        };
        let Some(root) = root else { return };
        let world = Arc::clone(&self.world);
        tokio::spawn(async move {
            // Read and parsed off the world's lock.
            let parsed = tokio::task::spawn_blocking(move || {
                let (text, version) = match open {
                    Some((t, v)) => (Some(t), Some(v)),
                    None => (std::fs::read_to_string(&path).ok(), None),
                };
                let file = parse_source(&root, &path, text.as_deref());
                (path, file, version)
            })
            .await;
            let Ok((path, file, version)) = parsed else { return };
            world.write().unwrap_or_else(|e| e.into_inner()).put_indexed(&path, file, version);
        });
    }

    /// The index of a workspace folder, fresh for every open document
    /// (built now if the background build has not finished).
    pub(super) async fn fresh_index(&self, root: &Path) -> Option<Arc<Index>> {
        if !self.world().indexes.contains_key(root) {
            let built = tokio::task::spawn_blocking({
                let root = root.to_path_buf();
                move || Index::build(&root)
            })
            .await
            .ok()?;
            self.world_mut().indexes.entry(root.to_path_buf()).or_insert_with(|| Arc::new(built));
        }
        self.refresh_open_sources();
        self.world().indexes.get(root).cloned()
    }

    /// `specwright/context/repoMap`.
    pub async fn repo_map(&self, params: ext::RepoMapParams) -> Result<ext::RepoMapResult> {
        let root = {
            let world = self.world();
            let wanted =
                params.root.as_deref().and_then(|r| r.parse::<lsp::Uri>().ok()).and_then(|u| convert::path(&u));
            // Only a workspace folder is mapped: its index is the one kept fresh.
            let wanted = match wanted {
                Some(path) => Some(world.root_of(&path).cloned().ok_or_else(|| {
                    Error::invalid_params(format!("{} is not in a workspace folder", path.display()))
                })?),
                None => None,
            };
            let from_focus = params
                .focus
                .iter()
                .filter_map(|f| f.parse::<lsp::Uri>().ok())
                .filter_map(|u| convert::path(&u))
                .find_map(|p| world.root_of(&p).cloned());
            wanted.or(from_focus).or_else(|| world.roots.first().cloned())
        }
        .ok_or_else(|| Error::invalid_params("no workspace folder to map"))?;
        let index = self.fresh_index(&root).await.ok_or_else(Error::internal_error)?;
        let focus = Focus {
            files: params
                .focus
                .iter()
                .filter_map(|f| f.parse::<lsp::Uri>().ok())
                .filter_map(|u| convert::path(&u))
                .map(|p| rel(&root, &p))
                .collect(),
            symbols: params.symbols,
            recent: self.world().recent_under(&root),
        };
        let budget = params.budget.unwrap_or(DEFAULT_MAP_TOKENS);
        let map = tokio::task::spawn_blocking(move || {
            let map = repo_map(&index, &focus, budget);
            (map, index.files.len())
        })
        .await
        .map_err(|_| Error::internal_error())?;
        let (map, indexed) = map;
        Ok(ext::RepoMapResult { text: map.text, tokens: map.tokens, files: map.files, symbols: map.symbols, indexed })
    }

    /// Workspace symbols from the code indexes.
    pub(super) fn index_symbols(&self, query: &str, limit: usize) -> Vec<lsp::WorkspaceSymbol> {
        let world = self.world();
        let mut out = Vec::new();
        for (root, index) in &world.indexes {
            for (file, def) in index.symbols(query, limit) {
                let Some(uri) = convert::uri(&root.join(&file.path)) else { continue };
                let range = lsp::Range::new(
                    lsp::Position::new(def.line, def.column),
                    lsp::Position::new(def.line, def.end_column),
                );
                out.push(lsp::WorkspaceSymbol {
                    name: def.name.clone(),
                    kind: convert::index_symbol_kind(def.kind),
                    tags: None,
                    container_name: def.container.clone().or_else(|| Some(file.path.clone())),
                    location: lsp::OneOf::Left(lsp::Location::new(uri, range)),
                    data: None,
                });
            }
        }
        out.truncate(limit);
        out
    }
}
