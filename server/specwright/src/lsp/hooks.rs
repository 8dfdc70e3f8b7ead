//! Agent hooks in the editor: file events feed the [`Engine`], outcomes go
//! back to the client (`window/logMessage`, `specwright/hookResult`, a
//! message on failure, the answer of an `askAgent` hook as a document),
//! manual hooks run from a code lens, a code action or `specwright.hook.run`,
//! and `specwright.hook.toggle` flips `enabled` through `workspace/applyEdit`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use specwright_hooks::{EventKind, Hook, Trigger};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::server::{ClientFlags, Server};
use super::world::World;
use super::{convert, ext};
use specwright_runtime::hooks::trust::{self, TrustAnswer, TrustAsker, TrustGate, TrustQuestion};
use specwright_runtime::hooks::{Engine, EngineConfig, FileEvent, ModelSource, Outcome};

/// The engine of a new server, and the receiving end of its outcomes
/// (forwarded to the client once the session is initialized). Its trust
/// gate asks the user through `client`.
pub(super) fn new_engine(
    model: Arc<std::sync::RwLock<super::generation::ModelState>>,
    client: Client,
    flags: Arc<std::sync::RwLock<ClientFlags>>,
    options: &super::ServerOptions,
) -> (Engine, tokio::sync::mpsc::UnboundedReceiver<Outcome>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let models: ModelSource = Arc::new(move || {
        let state = model.read().map_err(|_| "model state unavailable".to_string())?;
        match &state.error {
            Some(e) => Err(e.clone()),
            None => Ok(state.model.clone()),
        }
    });
    let store = match &options.data_dir {
        Some(dir) => Some(specwright_hooks::trust::TrustStore::in_dir(dir)),
        None => specwright_hooks::trust::TrustStore::user_default(),
    };
    if store.is_none() {
        tracing::warn!("no data folder for the hook trust record: trust lasts for this session only");
    }
    let asker: TrustAsker = Arc::new(move |question| {
        let client = client.clone();
        let can_ask = flags.read().is_ok_and(|f| f.message_requests);
        Box::pin(async move { ask_trust(&client, can_ask, question).await })
    });
    (Engine::new(EngineConfig::default(), tx, models, Arc::new(TrustGate::new(store, asker))), rx)
}

/// Asks with `window/showMessageRequest` ("Trust and run", "Not now",
/// "Never for this workspace"); a client that cannot ask is told how to
/// trust the workspace instead.
async fn ask_trust(client: &Client, can_ask: bool, question: TrustQuestion) -> TrustAnswer {
    if can_ask {
        let message = format!("Specwright: {}", question.message());
        let titles = [trust::TRUST_AND_RUN, trust::NOT_NOW, trust::NEVER];
        match super::server::ask_user(client, lsp::MessageType::WARNING, message, &titles).await {
            Ok(Some(title)) if title == trust::TRUST_AND_RUN => return TrustAnswer::TrustAndRun,
            Ok(Some(title)) if title == trust::NEVER => return TrustAnswer::Never,
            Ok(_) => return TrustAnswer::NotNow,
            Err(e) => tracing::warn!("window/showMessageRequest failed: {e}"),
        }
    }
    let message = format!(
        "Specwright: {} It did not run: this editor cannot be asked. Run `specwright hooks trust {}` in a terminal \
         (or the command specwright.hooks.trust) to trust this workspace's hooks.",
        question.message(),
        question.root.display()
    );
    client.show_message(lsp::MessageType::WARNING, message).await;
    TrustAnswer::CannotAsk
}

/// `specwright.hooks.*` settings: `{enabled, debounceMs}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct HookSettings {
    pub enabled: bool,
    pub debounce_ms: u64,
}

impl Default for HookSettings {
    fn default() -> Self {
        Self { enabled: true, debounce_ms: 300 }
    }
}

impl HookSettings {
    /// From initialization options or configuration settings
    /// (`{specwright: {hooks: {...}}}` or `{hooks: {...}}`); absent or
    /// malformed values keep their defaults.
    pub fn from_json(value: Option<&serde_json::Value>) -> Option<Self> {
        let v = value?;
        let hooks = v.get("specwright").and_then(|s| s.get("hooks")).or_else(|| v.get("hooks"))?;
        let d = Self::default();
        Some(Self {
            enabled: hooks.get("enabled").and_then(serde_json::Value::as_bool).unwrap_or(d.enabled),
            debounce_ms: hooks.get("debounceMs").and_then(serde_json::Value::as_u64).unwrap_or(d.debounce_ms),
        })
    }
}

/// Sends every outcome to the client until the engine is gone.
pub(super) fn forward_outcomes(
    client: Client,
    flags: ClientFlags,
    mut outcomes: tokio::sync::mpsc::UnboundedReceiver<Outcome>,
) {
    tokio::spawn(async move {
        while let Some(outcome) = outcomes.recv().await {
            report(&client, flags, outcome).await;
        }
    });
}

async fn report(client: &Client, flags: ClientFlags, outcome: Outcome) {
    let on = outcome.file.as_deref().map(|f| format!(" on {f}")).unwrap_or_default();
    let how = if outcome.ok {
        "succeeded".to_string()
    } else if outcome.timed_out {
        "timed out".to_string()
    } else if outcome.cancelled {
        "was cancelled".to_string()
    } else {
        match outcome.exit_code {
            Some(code) => format!("failed (exit code {code})"),
            None => "failed".to_string(),
        }
    };
    let headline = format!("Hook '{}' ({}{on}) {how}", outcome.name, outcome.trigger);
    let log_type = if outcome.ok { lsp::MessageType::INFO } else { lsp::MessageType::WARNING };
    client
        .log_message(log_type, format!("{headline} in {} ms\n{}", outcome.duration.as_millis(), outcome.output))
        .await;
    let result = hook_result(&outcome);
    client.send_notification::<HookResultNotification>(result).await;
    if !outcome.ok && !outcome.cancelled {
        let detail = outcome.output.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        let detail = if detail.is_empty() { String::new() } else { format!(": {}", clip(detail, 200)) };
        client.show_message(lsp::MessageType::WARNING, format!("{headline}{detail}")).await;
    }
    if outcome.ok && outcome.action == "askAgent" {
        show_answer(client, flags, &outcome).await;
    }
}

/// The answer of an `askAgent` hook: a Markdown document the client opens
/// (written to the temporary folder, never into the workspace), or a
/// message when the client cannot show documents.
async fn show_answer(client: &Client, flags: ClientFlags, outcome: &Outcome) {
    if flags.show_document {
        let dir = std::env::temp_dir().join("specwright-hooks");
        let file = dir.join(format!("{}.md", file_safe(&outcome.name)));
        let text = format!("# Hook: {}\n\n{}\n", outcome.name, outcome.output);
        if std::fs::create_dir_all(&dir).is_ok()
            && super::write_atomically(&file, &text).is_ok()
            && let Some(uri) = convert::uri(&file)
        {
            let params =
                lsp::ShowDocumentParams { uri, external: Some(false), take_focus: Some(false), selection: None };
            match client.show_document(params).await {
                Ok(true) => return,
                Ok(false) => {}
                Err(e) => tracing::warn!("showDocument failed: {e}"),
            }
        }
    }
    client
        .show_message(lsp::MessageType::INFO, format!("Hook '{}':\n{}", outcome.name, clip(&outcome.output, 2000)))
        .await;
}

fn file_safe(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if s.is_empty() { "hook".into() } else { s }
}

fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

pub(super) fn hook_result(outcome: &Outcome) -> ext::HookResult {
    ext::HookResult {
        name: outcome.name.clone(),
        trigger: outcome.trigger.to_string(),
        file: outcome.file.clone(),
        action: outcome.action.to_string(),
        ok: outcome.ok,
        exit_code: outcome.exit_code,
        output: outcome.output.clone(),
        timed_out: outcome.timed_out,
        cancelled: outcome.cancelled,
        duration_ms: u64::try_from(outcome.duration.as_millis()).unwrap_or(u64::MAX),
        hook_file: convert::uri(&outcome.hook_file).map(|u| u.as_str().to_string()).unwrap_or_default(),
    }
}

enum HookResultNotification {}

impl lsp::notification::Notification for HookResultNotification {
    type Params = ext::HookResult;
    const METHOD: &'static str = ext::HOOK_RESULT;
}

impl World {
    /// The valid hooks of the workspace folder `root`.
    pub fn hooks_of(&self, root: &Path) -> Vec<Hook> {
        let dir = root.join(".kiro").join("hooks");
        self.hooks
            .iter()
            .filter(|(path, _)| path.parent() == Some(dir.as_path()))
            .flat_map(|(_, file)| file.hooks.iter().cloned())
            .collect()
    }

    /// The hook files of `root` that hold valid hooks, with the hash of the
    /// text they were read from.
    pub fn hook_files_of(&self, root: &Path) -> Vec<(PathBuf, String)> {
        let dir = root.join(".kiro").join("hooks");
        self.hooks
            .iter()
            .filter(|(path, file)| path.parent() == Some(dir.as_path()) && !file.hooks.is_empty())
            .map(|(path, file)| (path.clone(), file.hash.clone()))
            .collect()
    }

    /// The hook named `name` (in `root` when given) and its workspace folder.
    pub fn find_hook(&self, name: &str, root: Option<&Path>) -> std::result::Result<(PathBuf, Hook), String> {
        let mut found: Vec<(PathBuf, Hook)> = Vec::new();
        for r in self.roots.iter().filter(|r| root.is_none_or(|want| want == r.as_path())) {
            found.extend(self.hooks_of(r).into_iter().filter(|h| h.name == name).map(|h| (r.clone(), h)));
        }
        match found.len() {
            0 => Err(format!("no valid hook named '{name}' in .kiro/hooks/")),
            1 => Ok(found.remove(0)),
            n => Err(format!("{n} hooks are named '{name}': pass the workspace folder as `root`")),
        }
    }
}

impl Server {
    /// `specwright/hooks`: every valid hook, in file order.
    pub async fn hooks(&self, params: ext::HooksParams) -> Result<ext::HooksResult> {
        let root_filter =
            params.root.as_deref().and_then(|r| r.parse::<lsp::Uri>().ok()).and_then(|u| convert::path(&u));
        let world = self.world();
        let mut hooks = Vec::new();
        for root in world.roots.iter().filter(|r| root_filter.as_ref().is_none_or(|f| f == *r)) {
            let root_uri = convert::uri(root).map(|u| u.as_str().to_string()).unwrap_or_default();
            for hook in world.hooks_of(root) {
                let patterns = hook
                    .trigger
                    .file_patterns()
                    .map(|p| p.sources().into_iter().map(str::to_string).collect())
                    .unwrap_or_default();
                hooks.push(ext::HookInfo {
                    name: hook.name.clone(),
                    uri: convert::uri(&hook.source.path).map(|u| u.as_str().to_string()).unwrap_or_default(),
                    line: hook.range.start.line,
                    root: root_uri.clone(),
                    enabled: hook.enabled,
                    trigger: hook.trigger.kind().legacy_name().to_string(),
                    action: hook.action.legacy_name().to_string(),
                    detail: hook.action.summary(),
                    patterns,
                });
            }
        }
        Ok(ext::HooksResult { hooks })
    }

    /// File events from the editor or the watcher: every matching hook is
    /// scheduled (debounced, loop-guarded) on the engine.
    /// `via_watcher`: reported by `workspace/didChangeWatchedFiles`.
    pub(super) fn hook_file_events(&self, kind: EventKind, paths: &[PathBuf], via_watcher: bool) {
        if !self.hook_settings().enabled {
            return;
        }
        let batches: Vec<(FileEvent, Vec<Hook>)> = {
            let world = self.world();
            paths
                .iter()
                .filter_map(|path| {
                    let root = world.root_of(path)?.clone();
                    let hooks = world.hooks_of(&root);
                    (!hooks.is_empty()).then(|| (FileEvent { kind, root, path: path.clone(), via_watcher }, hooks))
                })
                .collect()
        };
        for (event, hooks) in batches {
            let (scheduled, skipped) = self.hook_engine.file_event(&event, &hooks);
            if !scheduled.is_empty() || !skipped.is_empty() {
                tracing::info!(
                    "{}: {} scheduled {scheduled:?}, skipped {skipped:?}",
                    event.path.display(),
                    kind.legacy_name()
                );
            }
        }
    }

    /// Registers file watchers for the patterns of the hooks that fire on a
    /// save, so that files the editor never sends (`**/*.go`, `*.css`) still
    /// fire them; re-registered whenever the set changes.
    pub(super) async fn sync_hook_watchers(&self) {
        let flags = self.flags.read().map(|f| *f).unwrap_or_default();
        if !flags.dynamic_watchers {
            return;
        }
        let watchers = {
            let world = self.world();
            hook_watchers(&world, flags.relative_watch_patterns)
        };
        let mut registered = self.hook_watchers.lock().await;
        if registered.as_ref() == Some(&watchers) {
            return;
        }
        if registered.is_some() {
            let old =
                lsp::Unregistration { id: HOOK_WATCHERS_ID.into(), method: "workspace/didChangeWatchedFiles".into() };
            if let Err(e) = self.client.unregister_capability(vec![old]).await {
                tracing::warn!("could not unregister the hooks' file watchers: {e}");
            }
        }
        *registered = Some(watchers.clone());
        if watchers.is_empty() {
            return;
        }
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: HOOK_WATCHERS_ID.into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("could not register the hooks' file watchers: {e}");
        }
    }

    pub(super) fn hook_settings(&self) -> HookSettings {
        self.hook_settings.read().map(|s| *s).unwrap_or_default()
    }

    pub(super) fn set_hook_settings(&self, settings: HookSettings) {
        if let Ok(mut s) = self.hook_settings.write() {
            *s = settings;
        }
        self.hook_engine.configure(EngineConfig {
            debounce: std::time::Duration::from_millis(settings.debounce_ms),
            ..EngineConfig::default()
        });
    }

    fn hook_ref(&self, args: Vec<serde_json::Value>) -> Result<(ext::HookRef, PathBuf, Hook)> {
        let params: ext::HookRef = super::server::one_argument(args, "{name, root?}")?;
        let root =
            params.root.as_deref().map(|r| super::paths::workspace_folder(&self.world().roots, r)).transpose()?;
        let (root, hook) = self.world().find_hook(&params.name, root.as_deref()).map_err(Error::invalid_params)?;
        Ok((params, root, hook))
    }

    /// `specwright.hook.run`: runs the hook now and answers how it ended.
    /// Hooks must be enabled (`specwright.hooks.enabled`) and trusted.
    pub(super) async fn execute_hook_run(&self, args: Vec<serde_json::Value>) -> Result<Option<serde_json::Value>> {
        if !self.hook_settings().enabled {
            return Err(request_failed("hooks are turned off (specwright.hooks.enabled is false)".into()));
        }
        let (params, root, hook) = self.hook_ref(args)?;
        let file = match &params.file {
            Some(f) => {
                let path = f
                    .parse::<lsp::Uri>()
                    .ok()
                    .and_then(|u| convert::path(&u))
                    .ok_or_else(|| Error::invalid_params(format!("not a file URI: {f}")))?;
                Some(
                    specwright_runtime::hooks::relative(&root, &path)
                        .ok_or_else(|| Error::invalid_params(format!("{f} is outside the hook's workspace folder")))?,
                )
            }
            None => None,
        };
        let trigger = if file.is_some() { hook.trigger.kind() } else { EventKind::Manual };
        let hooks = self.world().hooks_of(&root);
        let outcome = self
            .hook_engine
            .run_now(hook.clone(), &hooks, root, trigger, file)
            .await
            .map_err(|refusal| request_failed(refusal.message(&hook.name)))?;
        Ok(serde_json::to_value(hook_result(&outcome)).ok())
    }

    /// `specwright.hooks.trust`: trusts the hook files of one workspace
    /// folder (or all) as the server read them, and lifts a "never".
    pub(super) async fn execute_hooks_trust(&self, args: Vec<serde_json::Value>) -> Result<Option<serde_json::Value>> {
        let params: ext::HooksTrustParams = match args.is_empty() {
            true => ext::HooksTrustParams::default(),
            false => super::server::one_argument(args, "{root?}")?,
        };
        let root =
            params.root.as_deref().map(|r| super::paths::workspace_folder(&self.world().roots, r)).transpose()?;
        let gate = self.hook_engine.gate();
        let store = gate.store().ok_or_else(|| {
            request_failed("there is no data folder to keep the trust record in (set SPECWRIGHT_DATA_DIR)".into())
        })?;
        let per_root: Vec<(PathBuf, Vec<(PathBuf, String)>)> = {
            let world = self.world();
            world
                .roots
                .iter()
                .filter(|r| root.as_ref().is_none_or(|want| want == *r))
                .map(|r| (r.clone(), world.hook_files_of(r)))
                .collect()
        };
        let mut trusted = Vec::new();
        for (root, files) in per_root {
            let refs: Vec<(&Path, &str)> = files.iter().map(|(p, h)| (p.as_path(), h.as_str())).collect();
            store.trust_folder(&root, &refs).map_err(|e| {
                request_failed(format!("cannot write the trust record {}: {e}", store.path().display()))
            })?;
            trusted.extend(files.iter().filter_map(|(p, _)| convert::uri(p)).map(|u| u.as_str().to_string()));
        }
        gate.forget_answers();
        let record = store.path().display().to_string();
        Ok(serde_json::to_value(ext::HooksTrustResult { trusted, record }).ok())
    }

    /// `specwright.hook.toggle`: flips `enabled` in the hook's file.
    pub(super) async fn execute_hook_toggle(&self, args: Vec<serde_json::Value>) -> Result<Option<serde_json::Value>> {
        let (_, _, hook) = self.hook_ref(args)?;
        let path = hook.source.path.clone();
        let open = self.world().open.get(&path).map(|doc| (doc.text.clone(), Some(doc.version)));
        let (text, version) = match open {
            Some(open) => open,
            // Read without the world's lock.
            None => (
                std::fs::read_to_string(&path)
                    .map_err(|e| Error::invalid_params(format!("cannot read {}: {e}", path.display())))?,
                None,
            ),
        };
        let enabled = !hook.enabled;
        let (range, new_text) = specwright_hooks::set_enabled(&text, hook.source.index_in_file, enabled)
            .ok_or_else(|| Error::invalid_params(format!("{} no longer holds the hook", path.display())))?;
        let uri = convert::uri(&path).ok_or_else(|| Error::invalid_params("the hook file has no URI"))?;
        let edit = lsp::TextEdit { range: convert::range(range), new_text };
        let response = self.client.apply_edit(self.text_edit(uri, version, edit)).await?;
        if !response.applied {
            let reason = response.failure_reason.unwrap_or_else(|| "the editor refused the edit".into());
            self.client.show_message(lsp::MessageType::WARNING, format!("Hook not changed: {reason}")).await;
        }
        Ok(serde_json::to_value(ext::HookToggleResult { applied: response.applied, enabled }).ok())
    }
}

const HOOK_WATCHERS_ID: &str = "specwright-watch-hooks";

/// One change watcher per pattern of every enabled save hook, relative to
/// its folder when the client takes relative patterns (else `**/`-prefixed,
/// which is broader; events are matched again), without repeats.
fn hook_watchers(world: &World, relative: bool) -> Vec<lsp::FileSystemWatcher> {
    let mut watchers: Vec<lsp::FileSystemWatcher> = Vec::new();
    for root in &world.roots {
        let base = convert::uri(root);
        for hook in world.hooks_of(root).iter().filter(|h| h.enabled) {
            let Trigger::FileSaved { patterns } = &hook.trigger else { continue };
            for glob in patterns.watch_globs() {
                let glob_pattern = match &base {
                    Some(base) if relative && !glob.starts_with("**/") => {
                        lsp::GlobPattern::Relative(lsp::RelativePattern {
                            base_uri: lsp::OneOf::Right(base.clone()),
                            pattern: glob,
                        })
                    }
                    _ if glob.starts_with("**/") => lsp::GlobPattern::String(glob),
                    _ => lsp::GlobPattern::String(format!("**/{glob}")),
                };
                let watcher = lsp::FileSystemWatcher { glob_pattern, kind: Some(lsp::WatchKind::Change) };
                if !watchers.contains(&watcher) {
                    watchers.push(watcher);
                }
            }
        }
    }
    watchers
}

/// A request that was understood but could not be carried out (LSP's
/// `RequestFailed`), with a message for the user.
fn request_failed(message: String) -> Error {
    Error { code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803), message: message.into(), data: None }
}

/// The code lenses of a hook file: run (manual hooks) and enable/disable
/// (every hook), above each hook.
pub(super) fn code_lenses(world: &World, path: &Path) -> Option<Vec<lsp::CodeLens>> {
    let file = world.hooks.get(path)?;
    let root = world.root_of(path).and_then(|r| convert::uri(r)).map(|u| u.as_str().to_string());
    let mut lenses = Vec::new();
    for hook in &file.hooks {
        let at = convert::range(specwright_spec::Range::new(hook.range.start, hook.range.start));
        for command in hook_commands(hook, root.as_deref()) {
            lenses.push(lsp::CodeLens { range: at, command: Some(command), data: None });
        }
    }
    Some(lenses)
}

/// The code actions of a hook file at `range`: run and enable/disable the
/// hook under the cursor.
pub(super) fn code_actions(world: &World, path: &Path, range: lsp::Range) -> Option<lsp::CodeActionResponse> {
    let file = world.hooks.get(path)?;
    let root = world.root_of(path).and_then(|r| convert::uri(r)).map(|u| u.as_str().to_string());
    let at = convert::from_position(range.start);
    let actions = file
        .hooks
        .iter()
        .filter(|h| h.range.start <= at && at <= h.range.end)
        .flat_map(|hook| hook_commands(hook, root.as_deref()))
        .map(|command| {
            lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("{} '{}'", command.title.trim_start_matches("▶ "), command_hook_name(&command)),
                kind: Some(lsp::CodeActionKind::EMPTY),
                command: Some(command),
                ..lsp::CodeAction::default()
            })
        })
        .collect();
    Some(actions)
}

fn command_hook_name(command: &lsp::Command) -> String {
    command
        .arguments
        .as_ref()
        .and_then(|a| a.first())
        .and_then(|v| v.get("name"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// Run (for manual hooks, and for any enabled hook whose trigger is not a
/// file or agent event) and enable/disable.
fn hook_commands(hook: &Hook, root: Option<&str>) -> Vec<lsp::Command> {
    let args = |with_root: bool| {
        let r = ext::HookRef {
            name: hook.name.clone(),
            root: if with_root { root.map(str::to_string) } else { None },
            file: None,
        };
        Some(vec![serde_json::to_value(r).unwrap_or_default()])
    };
    let mut commands = Vec::new();
    if matches!(hook.trigger, Trigger::Manual) && hook.enabled {
        commands.push(lsp::Command {
            title: "▶ Run hook".into(),
            command: ext::HOOK_RUN.into(),
            arguments: args(true),
        });
    }
    commands.push(lsp::Command {
        title: if hook.enabled { "Disable hook".into() } else { "Enable hook".into() },
        command: ext::HOOK_TOGGLE.into(),
        arguments: args(true),
    });
    commands
}
