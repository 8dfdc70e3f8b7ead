//! Codebase context in the editor: the code index of each workspace folder,
//! built in the background after start-up and kept fresh from edits and
//! watched files off the request path; the repository map request; and
//! workspace symbols from the index.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use specwright_index::cache::IndexCache;
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

/// A workspace folder's index, through its cache in `cache_dir` when there
/// is one: the files unchanged since the last build (by this server or the
/// CLI) are not parsed again, and the cache is written back.
fn build_index(root: &Path, cache_dir: Option<&Path>) -> Index {
    let Some(dir) = cache_dir else { return Index::build(root) };
    let cache = IndexCache::in_dir(dir, root);
    let (index, report) = Index::build_cached(root, &cache);
    tracing::info!(
        "index of {}: {} files parsed, {} from the cache ({}), {} dropped",
        root.display(),
        report.parsed,
        report.reused,
        cache.file().display(),
        report.dropped
    );
    if let Some(why) = &report.ignored {
        tracing::info!("index cache {} ignored: {why}", cache.file().display());
    }
    if let Some(e) = &report.write_error {
        tracing::warn!("index cache {} not written: {e}", cache.file().display());
    }
    index
}

/// Indexes every workspace folder that has no index yet, in the background,
/// through the index cache in `cache_dir` (`None`: parsing every file).
pub(super) fn build_indexes_in_background(
    world: Arc<std::sync::RwLock<super::world::World>>,
    cache_dir: Option<PathBuf>,
) {
    tokio::spawn(async move {
        let roots: Vec<PathBuf> = {
            let w = world.read().unwrap_or_else(|e| e.into_inner());
            w.roots.iter().filter(|r| !w.indexes.contains_key(*r)).cloned().collect()
        };
        for root in roots {
            let started = std::time::Instant::now();
            let built = tokio::task::spawn_blocking({
                let (root, cache_dir) = (root.clone(), cache_dir.clone());
                move || build_index(&root, cache_dir.as_deref())
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
    /// Re-parses, on a blocking thread, the open source files whose index
    /// entry is older than the editor's text.
    async fn refresh_open_sources(&self) {
        let stale: Vec<(PathBuf, PathBuf, String, i32)> = {
            let world = self.world();
            world
                .stale_sources()
                .into_iter()
                .filter_map(|(path, text, version)| Some((world.root_of(&path)?.clone(), path, text, version)))
                .collect()
        };
        if stale.is_empty() {
            return;
        }
        let parsed = tokio::task::spawn_blocking(move || {
            stale
                .into_iter()
                .map(|(root, path, text, version)| {
                    let file = parse_source(&root, &path, Some(&text));
                    (path, file, version)
                })
                .collect::<Vec<_>>()
        })
        .await;
        let Ok(parsed) = parsed else { return };
        let mut world = self.world_mut();
        for (path, file, version) in parsed {
            world.put_indexed(&path, file, Some(version));
        }
    }

    /// Schedules a re-index of one source file off the request path,
    /// `delay` from now (a later call for the same file supersedes it): from
    /// the editor's text when it is open, else from disk. At most
    /// `parse_slots` files are parsed at once.
    pub(super) fn reindex_later(&self, path: PathBuf, delay: Duration) {
        if Lang::of(&path).is_none() {
            return;
        }
        let root = {
            let mut world = self.world_mut();
            world.touch_recent(&path);
            world.root_of(&path).cloned()
        };
        let Some(root) = root else { return };
        let generation = self.background.reindex.bump(&path);
        let (world, background) = (Arc::clone(&self.world), Arc::clone(&self.background));
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if !background.reindex.is(&path, generation) {
                return;
            }
            let Ok(_slot) = background.parse_slots.acquire().await else { return };
            if !background.reindex.is(&path, generation) {
                return;
            }
            let open =
                world.read().unwrap_or_else(|e| e.into_inner()).open.get(&path).map(|d| (d.text.clone(), d.version));
            // Read and parsed off the world's lock.
            let parsed = tokio::task::spawn_blocking({
                let path = path.clone();
                move || {
                    let (text, version) = match open {
                        Some((t, v)) => (Some(t), Some(v)),
                        None => (std::fs::read_to_string(&path).ok(), None),
                    };
                    (parse_source(&root, &path, text.as_deref()), version)
                }
            })
            .await;
            background.reindex.finish(&path, generation);
            let Ok((file, version)) = parsed else { return };
            world.write().unwrap_or_else(|e| e.into_inner()).put_indexed(&path, file, version);
        });
    }

    /// The index of a workspace folder, fresh for every open document
    /// (built now if the background build has not finished).
    pub(super) async fn fresh_index(&self, root: &Path) -> Option<Arc<Index>> {
        if !self.world().indexes.contains_key(root) {
            let built = tokio::task::spawn_blocking({
                let (root, cache_dir) = (root.to_path_buf(), self.index_cache.clone());
                move || build_index(&root, cache_dir.as_deref())
            })
            .await
            .ok()?;
            self.world_mut().indexes.entry(root.to_path_buf()).or_insert_with(|| Arc::new(built));
        }
        self.refresh_open_sources().await;
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
