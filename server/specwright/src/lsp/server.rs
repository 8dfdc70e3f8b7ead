//! The `LanguageServer` implementation: each method converts its
//! parameters, takes a snapshot or applies a change to the [`World`], and
//! calls a handler. State changes happen before the first `.await` of a
//! notification; the world's lock is never held across one.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use specwright_spec::DocKind;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};

use super::world::{Changed, SpecSnapshot, World};
use super::{convert, ext, handlers};

/// What the client can do, flattened once at `initialize`.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct ClientFlags {
    pub(super) dynamic_watchers: bool,
    /// File watchers may use `RelativePattern`s (a base folder and a glob).
    pub(super) relative_watch_patterns: bool,
    pub(super) versioned_edits: bool,
    /// `window/workDoneProgress/create` is supported.
    pub(super) work_done_progress: bool,
    /// `window/showDocument` is supported.
    pub(super) show_document: bool,
    /// Workspace edits may create files.
    pub(super) create_files: bool,
    /// Workspace edits may delete files.
    pub(super) delete_files: bool,
    /// Workspace edits may carry change annotations (in `documentChanges`),
    /// so an edit can ask the user to confirm it.
    pub(super) change_annotations: bool,
    /// `window/showMessageRequest` is supported (declared as
    /// `window.showMessage`), so the server can ask a question.
    pub(super) message_requests: bool,
    /// The client reviews the agent's edits itself, hunk by hunk
    /// (`experimental.specwright.reviewEdits`: `specwright/reviewEdits`).
    pub(super) review_edits: bool,
}

pub struct Server {
    pub(super) client: Client,
    pub(super) world: Arc<RwLock<World>>,
    /// Shared with the hook engine's trust question, which needs to know
    /// whether the client can be asked.
    pub(super) flags: Arc<RwLock<ClientFlags>>,
    /// Documents that currently have diagnostics published, to clear them
    /// when the document disappears.
    published: Mutex<HashSet<PathBuf>>,
    /// The model settings and the model they resolve to (shared with the
    /// hook engine, which reads it when an `askAgent` hook runs).
    pub(super) model: Arc<RwLock<super::generation::ModelState>>,
    /// Runs agent hooks on file events and by hand.
    pub(super) hook_engine: specwright_runtime::hooks::Engine,
    /// The engine's outcomes until `initialized` starts forwarding them.
    hook_outcomes: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<specwright_runtime::hooks::Outcome>>>,
    pub(super) hook_settings: RwLock<super::hooks::HookSettings>,
    /// The built-in analyzers' settings (secrets, smells).
    pub(super) analyzers: RwLock<super::analysis::AnalyzerSettings>,
    /// Analyses and re-indexing scheduled off the request path (debounced
    /// per document), and each open document's last parse.
    pub(super) background: Arc<super::analysis::Background>,
    /// Running generations by progress token, for Cancel buttons.
    pub(super) jobs: Mutex<std::collections::HashMap<String, specwright_models::CancellationToken>>,
    pub(super) next_job: std::sync::atomic::AtomicU64,
    /// `specwright.context.repoMapTokens`: the repository map's budget in prompts.
    pub(super) map_tokens: std::sync::atomic::AtomicUsize,
    /// The file watchers registered for the hooks' patterns, to re-register
    /// only when they change.
    pub(super) hook_watchers: tokio::sync::Mutex<Option<Vec<lsp::FileSystemWatcher>>>,
    /// Chat sessions: where they are kept, and the running turns.
    pub(super) chats: Arc<super::chat::Chats>,
    /// The cache folder the code indexes are kept in between runs (`None`: no cache).
    pub(super) index_cache: Option<PathBuf>,
}

/// Runs `f`, turning a panic into a JSON-RPC internal error so that one bad
/// request never takes the server down.
/// (`async` handlers are shielded as a whole by `shielded::Shielded`.)
fn shield<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = super::shielded::panic_message(panic.as_ref());
        tracing::error!("{what} panicked: {message}");
        let mut e = Error::internal_error();
        e.message = format!("{what} failed: {message}").into();
        e
    })
}

impl Server {
    pub fn new(client: Client, options: &super::ServerOptions) -> Self {
        let model = Arc::<RwLock<super::generation::ModelState>>::default();
        let flags = Arc::<RwLock<ClientFlags>>::default();
        let (hook_engine, outcomes) =
            super::hooks::new_engine(Arc::clone(&model), client.clone(), Arc::clone(&flags), options);
        let world = Arc::<RwLock<World>>::default();
        let chats =
            Arc::new(super::chat::Chats::new(options.data_dir.clone().or_else(specwright_hooks::trust::data_dir)));
        hook_engine.set_agents(super::chat::hook_agents(&client, &flags, &world, &chats));
        Self {
            client,
            world,
            flags,
            published: Mutex::default(),
            model,
            hook_engine,
            hook_outcomes: Mutex::new(Some(outcomes)),
            hook_settings: RwLock::default(),
            analyzers: RwLock::default(),
            background: Arc::default(),
            jobs: Mutex::default(),
            next_job: std::sync::atomic::AtomicU64::new(1),
            map_tokens: std::sync::atomic::AtomicUsize::new(specwright_specgen::context::DEFAULT_MAP_TOKENS),
            hook_watchers: tokio::sync::Mutex::default(),
            chats,
            index_cache: options.cache_dir.clone().or_else(specwright_index::cache::cache_dir),
        }
    }

    pub(super) fn world(&self) -> std::sync::RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn world_mut(&self) -> std::sync::RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(|e| e.into_inner())
    }

    fn snapshot(&self, uri: &lsp::Uri) -> Option<(SpecSnapshot, DocKind)> {
        let path = convert::path(uri)?;
        self.world().snapshot_for(&path)
    }

    /// Publishes the diagnostics of every document of the changed specs and
    /// clears those of removed documents.
    pub(super) async fn publish(&self, changed: Changed) {
        if !changed.hooks.is_empty() {
            self.sync_hook_watchers().await;
        }
        let mut batches: Vec<(PathBuf, Vec<lsp::Diagnostic>, Option<i32>)> = Vec::new();
        {
            let world = self.world();
            let mut published = self.published.lock().unwrap_or_else(|e| e.into_inner());
            for dir in &changed.specs {
                let snap = world.snapshot(dir);
                for kind in DocKind::ALL {
                    let path = dir.join(kind.file_name());
                    let present = snap.as_ref().is_some_and(|s| s.spec.document(kind).is_some());
                    if present {
                        let diags = snap
                            .as_ref()
                            .map(|s| {
                                s.analysis
                                    .diagnostics
                                    .iter()
                                    .filter(|d| d.doc == kind)
                                    .map(convert::diagnostic)
                                    .collect()
                            })
                            .unwrap_or_default();
                        batches.push((path.clone(), diags, world.version(&path)));
                        published.insert(path);
                    } else if published.remove(&path) {
                        batches.push((path, Vec::new(), None));
                    }
                }
            }
            for path in changed.steering {
                let diags = world
                    .steering_file(&path)
                    .map(|f| f.diagnostics.iter().map(convert::steering_diagnostic).collect())
                    .unwrap_or_default();
                batches.push((path.clone(), diags, world.version(&path)));
                published.insert(path);
            }
            for path in changed.hooks {
                let diags = world
                    .hooks
                    .get(&path)
                    .map(|f| f.diagnostics.iter().map(convert::hook_diagnostic).collect())
                    .unwrap_or_default();
                batches.push((path.clone(), diags, world.version(&path)));
                published.insert(path);
            }
            for path in changed.mcp {
                let diags = world
                    .mcp
                    .get(&path)
                    .map(|f| f.diagnostics.iter().map(convert::mcp_diagnostic).collect())
                    .unwrap_or_default();
                batches.push((path.clone(), diags, world.version(&path)));
                published.insert(path);
            }
            for path in changed.removed {
                if published.remove(&path) {
                    batches.push((path, Vec::new(), None));
                }
            }
        }
        for (path, diags, version) in batches {
            if let Some(uri) = convert::uri(&path) {
                self.client.publish_diagnostics(uri, diags, version).await;
            }
        }
    }

    async fn register_watchers(&self) {
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String("**/.kiro/**".into()), kind: None },
                lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String("**/AGENTS.md".into()), kind: None },
                lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,rs,py,pyi,go}".into()),
                    kind: None,
                },
                // Any file created or deleted may fire a hook.
                lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/*".into()),
                    kind: Some(lsp::WatchKind::Create | lsp::WatchKind::Delete),
                },
            ],
        };
        let registration = lsp::Registration {
            id: "specwright-watch-kiro".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("could not register file watchers: {e}");
        }
    }

    /// `specwright/specs`.
    pub async fn specs(&self, params: ext::SpecsParams) -> Result<ext::SpecsResult> {
        let root_filter =
            params.root.as_deref().and_then(|r| r.parse::<lsp::Uri>().ok()).and_then(|u| convert::path(&u));
        let world = self.world();
        shield("specwright/specs", || {
            let specs = world
                .specs
                .iter()
                .filter(|(dir, _)| root_filter.as_ref().is_none_or(|r| dir.starts_with(r)))
                .filter_map(|(dir, snap)| handlers::spec_info(snap, world.root_of(dir).map(PathBuf::as_path)))
                .collect();
            ext::SpecsResult { specs }
        })
    }

    /// `specwright/test/panic` (test builds only): panics inside an `async`
    /// handler, to prove the shield holds.
    #[cfg(test)]
    pub async fn panic_on_purpose(&self, _: serde_json::Value) -> Result<()> {
        tokio::task::yield_now().await;
        panic!("a panic on purpose")
    }

    /// `specwright/test/panicNotification` (test builds only): the same in
    /// a notification, which has no reply to carry the error.
    #[cfg(test)]
    pub async fn panic_on_purpose_in_notification(&self, _: serde_json::Value) {
        tokio::task::yield_now().await;
        panic!("a panic on purpose in a notification")
    }

    async fn set_task_status(&self, args: Vec<serde_json::Value>) -> Result<Option<serde_json::Value>> {
        let params: ext::SetTaskStatusParams = one_argument(args, "{uri, taskId, status}")?;
        let uri: lsp::Uri =
            params.uri.parse().map_err(|_| Error::invalid_params(format!("not a URI: {}", params.uri)))?;
        let path = convert::path(&uri).ok_or_else(|| Error::invalid_params("the URI is not a file"))?;
        // Any document of the spec names it; the edit always goes to its tasks.md.
        let (edit, tasks_path, version) = {
            let world = self.world();
            let (snap, _) = world
                .snapshot_for(&path)
                .ok_or_else(|| Error::invalid_params(format!("{} is not part of a spec", params.uri)))?;
            let edit =
                handlers::status_edit(&snap.spec, &params.task_id, &params.status).map_err(Error::invalid_params)?;
            let tasks_path = snap.spec.path(DocKind::Tasks);
            let version = world.version(&tasks_path);
            (edit, tasks_path, version)
        };
        let tasks_uri = convert::uri(&tasks_path).unwrap_or(uri);
        let response = self.client.apply_edit(self.text_edit(tasks_uri, version, edit)).await?;
        if !response.applied {
            let reason = response.failure_reason.unwrap_or_else(|| "the editor refused the edit".into());
            self.client.show_message(lsp::MessageType::WARNING, format!("Task status not changed: {reason}")).await;
        }
        Ok(serde_json::to_value(ext::SetTaskStatusResult { applied: response.applied }).ok())
    }
}

impl Server {
    /// Opens `uri` in the editor and focuses it, when the client supports
    /// `window/showDocument`.
    pub(super) async fn show(&self, uri: lsp::Uri) {
        if self.flags.read().is_ok_and(|f| f.show_document) {
            let params =
                lsp::ShowDocumentParams { uri, external: Some(false), take_focus: Some(true), selection: None };
            if let Err(e) = self.client.show_document(params).await {
                tracing::warn!("showDocument failed: {e}");
            }
        }
    }

    /// A workspace edit of one text edit to one document: versioned (so a
    /// stale edit is refused) when the client supports `documentChanges`.
    pub(super) fn text_edit(&self, uri: lsp::Uri, version: Option<i32>, edit: lsp::TextEdit) -> lsp::WorkspaceEdit {
        if self.flags.read().map(|f| f.versioned_edits).unwrap_or(false) {
            lsp::WorkspaceEdit {
                document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version },
                    edits: vec![lsp::OneOf::Left(edit)],
                }])),
                ..lsp::WorkspaceEdit::default()
            }
        } else {
            lsp::WorkspaceEdit {
                changes: Some([(uri, vec![edit])].into_iter().collect()),
                ..lsp::WorkspaceEdit::default()
            }
        }
    }
}

/// Asks the user with `window/showMessageRequest`: the title picked, or
/// `None` when the question was dismissed.
pub(super) async fn ask_user(
    client: &Client,
    typ: lsp::MessageType,
    message: String,
    titles: &[&str],
) -> Result<Option<String>> {
    let actions = titles
        .iter()
        .map(|title| lsp::MessageActionItem { title: (*title).to_string(), properties: Default::default() })
        .collect();
    Ok(client.show_message_request(typ, message, Some(actions)).await?.map(|item| item.title))
}

/// The one argument of a command, deserialized; InvalidParams otherwise.
pub(super) fn one_argument<T: serde::de::DeserializeOwned>(args: Vec<serde_json::Value>, shape: &str) -> Result<T> {
    let value =
        args.into_iter().next().ok_or_else(|| Error::invalid_params(format!("expected one argument {shape}")))?;
    serde_json::from_value(value).map_err(|e| Error::invalid_params(e.to_string()))
}

/// The file paths of `workspace/didCreateFiles` / `didDeleteFiles`.
fn file_paths<'a>(uris: impl Iterator<Item = &'a str>) -> Vec<PathBuf> {
    uris.filter_map(|u| u.parse::<lsp::Uri>().ok()).filter_map(|u| convert::path(&u)).collect()
}

fn roots_from(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().filter_map(|f| convert::path(&f.uri)).collect();
    }
    #[allow(deprecated)] // root_uri is the fallback for clients without workspace folders.
    params.root_uri.as_ref().and_then(convert::path).into_iter().collect()
}

fn doc_uri_path(uri: &lsp::Uri) -> Option<PathBuf> {
    convert::path(uri)
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let caps = &params.capabilities;
        let workspace = caps.workspace.as_ref();
        let flags = ClientFlags {
            dynamic_watchers: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            relative_watch_patterns: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.relative_pattern_support)
                .unwrap_or(false),
            versioned_edits: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            show_document: caps.window.as_ref().and_then(|w| w.show_document.as_ref()).is_some_and(|s| s.support),
            create_files: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .filter(|e| e.document_changes.unwrap_or(false))
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Create)),
            delete_files: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .filter(|e| e.document_changes.unwrap_or(false))
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Delete)),
            change_annotations: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .filter(|e| e.document_changes.unwrap_or(false))
                .is_some_and(|e| e.change_annotation_support.is_some()),
            message_requests: caps.window.as_ref().is_some_and(|w| w.show_message.is_some()),
            review_edits: caps
                .experimental
                .as_ref()
                .and_then(|e| e.pointer("/specwright/reviewEdits"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
        };
        self.set_model_settings(super::generation::settings_from(params.initialization_options.as_ref()));
        if let Some(n) = super::generation::map_tokens_from(params.initialization_options.as_ref()) {
            self.map_tokens.store(n, std::sync::atomic::Ordering::Relaxed);
        }
        self.chats.configure(params.initialization_options.as_ref());
        if let Some(h) = super::hooks::HookSettings::from_json(params.initialization_options.as_ref()) {
            self.set_hook_settings(h);
        }
        if let Some((a, errors)) = super::analysis::AnalyzerSettings::from_json(params.initialization_options.as_ref())
        {
            self.set_analyzer_settings(a, errors).await;
        }
        if let Ok(mut f) = self.flags.write() {
            *f = flags;
        }
        {
            let mut world = self.world_mut();
            world.roots = roots_from(&params);
            world.user_steering = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".kiro").join("steering"));
        }
        Ok(lsp::InitializeResult {
            capabilities: capabilities(),
            server_info: Some(lsp::ServerInfo {
                name: "specwright".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        // Read before the first `.await` (requests that follow see the
        // specs), but without the world's lock.
        let plan = self.world().plan_scan();
        let disk = plan.read();
        let changed = self.world_mut().apply(disk);
        tracing::info!("loaded {} specs", changed.specs.len());
        let flags = self.flags.read().map(|f| *f).unwrap_or_default();
        if let Some(outcomes) = self.hook_outcomes.lock().ok().and_then(|mut o| o.take()) {
            super::hooks::forward_outcomes(self.client.clone(), flags, outcomes);
        }
        if flags.dynamic_watchers {
            self.register_watchers().await;
        }
        self.sync_hook_watchers().await;
        self.publish(changed).await;
        super::context::build_indexes_in_background(Arc::clone(&self.world), self.index_cache.clone());
        if let Some(e) = self.model_error() {
            self.client
                .show_message(lsp::MessageType::WARNING, format!("Specwright: the model is not usable: {e}"))
                .await;
        }
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        self.set_model_settings(super::generation::settings_from(Some(&params.settings)));
        if let Some(n) = super::generation::map_tokens_from(Some(&params.settings)) {
            self.map_tokens.store(n, std::sync::atomic::Ordering::Relaxed);
        }
        self.chats.configure(Some(&params.settings));
        if let Some(h) = super::hooks::HookSettings::from_json(Some(&params.settings)) {
            self.set_hook_settings(h);
        }
        if let Some((a, errors)) = super::analysis::AnalyzerSettings::from_json(Some(&params.settings)) {
            self.set_analyzer_settings(a, errors).await;
        }
        if let Some(e) = self.model_error() {
            self.client
                .show_message(lsp::MessageType::WARNING, format!("Specwright: the model is not usable: {e}"))
                .await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.hook_engine.shutdown();
        Ok(())
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        let Some(path) = doc_uri_path(&params.text_document.uri) else { return };
        self.chat_document_saved(&path);
        self.hook_file_events(specwright_hooks::EventKind::FileSaved, &[path], false);
    }

    async fn did_create_files(&self, params: lsp::CreateFilesParams) {
        let paths = file_paths(params.files.iter().map(|f| f.uri.as_str()));
        self.hook_file_events(specwright_hooks::EventKind::FileCreated, &paths, false);
    }

    async fn did_delete_files(&self, params: lsp::DeleteFilesParams) {
        let paths = file_paths(params.files.iter().map(|f| f.uri.as_str()));
        self.hook_file_events(specwright_hooks::EventKind::FileDeleted, &paths, false);
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = doc_uri_path(&doc.uri) else { return };
        // A spec not loaded yet is read before the lock is taken.
        let read = self.world().spec_to_read(&path);
        let read = read.map(|dir| specwright_spec::Spec::load(&dir));
        let changed = self.world_mut().set_open_text_read(&path, doc.text, doc.version, read);
        self.reindex_later(path.clone(), std::time::Duration::ZERO);
        self.analyze_later(&path, std::time::Duration::ZERO);
        self.publish(changed).await;
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = doc_uri_path(&params.text_document.uri) else { return };
        let read = self.world().spec_to_read(&path);
        let read = read.map(|dir| specwright_spec::Spec::load(&dir));
        let changed = {
            let mut world = self.world_mut();
            let Some(mut text) = world.open.get(&path).map(|d| d.text.clone()) else { return };
            for change in &params.content_changes {
                convert::apply_change(&mut text, change);
            }
            world.set_open_text_read(&path, text, params.text_document.version, read)
        };
        // Source files are re-indexed and analyzed once a burst of changes ends.
        self.reindex_later(path.clone(), super::analysis::DEBOUNCE);
        self.analyze_later(&path, super::analysis::DEBOUNCE);
        self.publish(changed).await;
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let Some(path) = doc_uri_path(&params.text_document.uri) else { return };
        let plan = self.world().plan_close(&path);
        let disk = plan.read();
        let changed = self.world_mut().close_document_read(&path, disk);
        self.cancel_analysis(&path);
        self.reindex_later(path.clone(), std::time::Duration::ZERO);
        self.publish(changed).await;
        self.clear_analysis(&path).await;
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> = params.changes.iter().filter_map(|c| convert::path(&c.uri)).collect();
        let changed = super::world::reload_paths(&self.world, &paths);
        // A change on disk is a save for the hooks (files the editor does not
        // send, `*.go` or `*.css`, reach them only this way; a save reported
        // twice runs a hook once).
        for (kind, event) in [
            (lsp::FileChangeType::CREATED, specwright_hooks::EventKind::FileCreated),
            (lsp::FileChangeType::CHANGED, specwright_hooks::EventKind::FileSaved),
            (lsp::FileChangeType::DELETED, specwright_hooks::EventKind::FileDeleted),
        ] {
            let of_kind: Vec<PathBuf> =
                params.changes.iter().filter(|c| c.typ == kind).filter_map(|c| convert::path(&c.uri)).collect();
            if !of_kind.is_empty() {
                self.hook_file_events(event, &of_kind, true);
            }
        }
        let closed: Vec<PathBuf> = {
            let world = self.world();
            paths.iter().filter(|p| !world.open.contains_key(*p)).cloned().collect()
        };
        for path in closed {
            self.reindex_later(path, std::time::Duration::ZERO);
        }
        self.publish(changed).await;
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let cleared = {
            let mut world = self.world_mut();
            let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(|f| convert::path(&f.uri)).collect();
            world.roots.retain(|r| !removed.contains(r));
            world.roots.extend(params.event.added.iter().filter_map(|f| convert::path(&f.uri)));
            let stale: Vec<PathBuf> =
                world.specs.keys().filter(|d| removed.iter().any(|r| d.starts_with(r))).cloned().collect();
            let mut cleared = Vec::new();
            for dir in stale {
                world.specs.remove(&dir);
                cleared.extend(DocKind::ALL.iter().map(|k| dir.join(k.file_name())));
            }
            // A removed folder's steering, hook files and code index go with it.
            for root in &removed {
                if let Some(steering) = world.steering.remove(root) {
                    cleared.extend(steering.files.into_iter().map(|f| f.path));
                }
                let hooks_dir = root.join(".kiro").join("hooks");
                let gone: Vec<PathBuf> =
                    world.hooks.keys().filter(|p| p.parent() == Some(hooks_dir.as_path())).cloned().collect();
                for path in gone {
                    world.hooks.remove(&path);
                    cleared.push(path);
                }
                let mcp = specwright_mcp::config::workspace_file(root);
                if world.mcp.remove(&mcp).is_some() {
                    cleared.push(mcp);
                }
                world.indexes.remove(root);
            }
            cleared
        };
        // The folders are changed; what they hold is read off the world's
        // lock and off the request path, while the index builds.
        super::context::build_indexes_in_background(Arc::clone(&self.world), self.index_cache.clone());
        let mut changed = super::world::rescan(&self.world).await;
        changed.removed.extend(cleared);
        self.publish(changed).await;
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        let Some((snap, kind)) = self.snapshot(&p.text_document.uri) else { return Ok(None) };
        shield("hover", || handlers::hover(&snap, kind, p.position))
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let Some((snap, kind)) = self.snapshot(&p.text_document.uri) else { return Ok(None) };
        shield("definition", || handlers::definition(&snap, kind, p.position))
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let p = params.text_document_position;
        let Some((snap, kind)) = self.snapshot(&p.text_document.uri) else { return Ok(None) };
        let include = params.context.include_declaration;
        shield("references", || Some(handlers::references(&snap, kind, p.position, include)))
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let p = params.text_document_position;
        let Some((snap, kind)) = self.snapshot(&p.text_document.uri) else { return Ok(None) };
        shield("completion", || handlers::completion(&snap, kind, p.position))
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let Some((snap, kind)) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        shield("documentSymbol", || Some(handlers::document_symbols(&snap, kind)))
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let snaps: Vec<SpecSnapshot> = self.world().specs.values().cloned().collect();
        let code = self.index_symbols(&params.query, 500);
        shield("workspace/symbol", || {
            let mut symbols = handlers::workspace_symbols(snaps.iter(), &params.query);
            symbols.extend(code);
            Some(lsp::WorkspaceSymbolResponse::Nested(symbols))
        })
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let uri = params.text_document.uri;
        let Some((snap, kind)) = self.snapshot(&uri) else {
            let Some(path) = convert::path(&uri) else { return Ok(None) };
            let world = self.world();
            return shield("codeLens", || super::hooks::code_lenses(&world, &path));
        };
        shield("codeLens", || Some(handlers::code_lenses(&snap, kind, &uri)))
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some(path) = convert::path(&uri) else { return Ok(None) };
        let (snapshot, root, steering_doc) = {
            let world = self.world();
            let root = world.root_of(&path).cloned();
            let steering_doc = root.as_ref().is_some_and(|r| specwright_steering::classify(r, None, &path).is_some());
            (world.snapshot_for(&path), root, steering_doc)
        };
        let actions = match snapshot {
            Some((snap, kind)) => {
                shield("codeAction", || Some(handlers::code_actions(&snap, kind, &uri, params.range, root.as_deref())))
            }
            None if steering_doc => shield("codeAction", || Some(handlers::steering_code_actions(root.as_deref()))),
            None => {
                let hook_actions = {
                    let world = self.world();
                    shield("codeAction", || super::hooks::code_actions(&world, &path, params.range))?
                };
                match hook_actions {
                    Some(actions) => Ok(Some(actions)),
                    None => shield("codeAction", || self.analysis_code_actions(&uri, &path, &params)),
                }
            }
        }?;
        // Chat about the file or the selection, from any file of a folder.
        let ask = super::chat_document::code_action(root.as_deref(), &path, &uri, params.range);
        Ok(match (actions, ask) {
            (Some(mut actions), Some(ask)) => {
                actions.push(ask);
                Some(actions)
            }
            (None, Some(ask)) => Some(vec![ask]),
            (actions, None) => actions,
        })
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<serde_json::Value>> {
        match params.command.as_str() {
            ext::SET_TASK_STATUS => self.set_task_status(params.arguments).await,
            other if ext::GENERATION.iter().any(|(c, _)| *c == other) => {
                self.execute_generation(other, params.arguments).await
            }
            ext::STEERING_GENERATE => self.execute_steering_generate(params.arguments).await,
            ext::HOOK_RUN => self.execute_hook_run(params.arguments).await,
            ext::HOOK_TOGGLE => self.execute_hook_toggle(params.arguments).await,
            ext::HOOKS_TRUST => self.execute_hooks_trust(params.arguments).await,
            ext::TEST_SKELETON => self.execute_test_skeleton(params.arguments).await,
            ext::CHAT_OPEN_DOCUMENT => self.execute_chat_open_document(params.arguments).await,
            ext::TASK_START => self.execute_task_start(params.arguments).await,
            ext::TASKS_RUN_ALL => self.execute_tasks_run_all(params.arguments).await,
            ext::CHECKPOINT_LIST => self.execute_checkpoint_list(params.arguments).await,
            ext::CHECKPOINT_RESTORE => self.execute_checkpoint_restore(params.arguments).await,
            other => Err(Error::invalid_params(format!("unknown command '{other}'"))),
        }
    }
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..lsp::TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![":".into(), ",".into(), " ".into()]),
            ..lsp::CompletionOptions::default()
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![
                lsp::CodeActionKind::new("refactor.rewrite.taskStatus"),
                lsp::CodeActionKind::QUICKFIX,
                lsp::CodeActionKind::new("source.generateTests"),
                lsp::CodeActionKind::new("source.askSpecwright"),
            ]),
            ..lsp::CodeActionOptions::default()
        })),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: ext::COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..lsp::ExecuteCommandOptions::default()
        }),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            // Created and deleted files fire agent hooks.
            file_operations: Some(lsp::WorkspaceFileOperationsServerCapabilities {
                did_create: Some(every_file()),
                did_delete: Some(every_file()),
                ..lsp::WorkspaceFileOperationsServerCapabilities::default()
            }),
        }),
        ..lsp::ServerCapabilities::default()
    }
}

fn every_file() -> lsp::FileOperationRegistrationOptions {
    lsp::FileOperationRegistrationOptions {
        filters: vec![lsp::FileOperationFilter {
            scheme: Some("file".into()),
            pattern: lsp::FileOperationPattern {
                glob: "**/*".into(),
                matches: Some(lsp::FileOperationPatternKind::File),
                options: None,
            },
        }],
    }
}
