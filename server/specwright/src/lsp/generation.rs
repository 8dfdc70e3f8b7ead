//! Spec generation in the editor: the `specwright.spec.*` commands (and the
//! custom requests that do the same). A generation reports work-done
//! progress (cancellable), streams the growing document as
//! `specwright/stream` notifications, and applies the finished document
//! with `workspace/applyEdit` (create-file plus text edit, so undo works)
//! before showing it with `window/showDocument`. Nothing is written when a
//! generation fails or is cancelled.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use specwright_models::{CancellationToken, Model, ModelSettings, Overrides};
use specwright_spec::{DocKind, spec_document};
use specwright_specgen::workflow::{self, SpecTexts};
use specwright_specgen::{DocTarget, GenError, Update, naming};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::server::Server;
use super::{convert, ext};

/// The editor's model settings and what they resolve to.
#[derive(Default)]
pub struct ModelState {
    pub model: Option<Arc<dyn Model>>,
    /// Why the settings do not give a usable model.
    pub error: Option<String>,
}

/// `specwright.context.repoMapTokens` from initialization options or
/// configuration settings; `None` when absent or not a number.
pub fn map_tokens_from(value: Option<&serde_json::Value>) -> Option<usize> {
    let v = value?;
    let context = v.get("specwright").and_then(|s| s.get("context")).or_else(|| v.get("context"))?;
    context.get("repoMapTokens")?.as_u64().map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// `specwright.model` from initialization options or configuration
/// settings: `{specwright: {model: {...}}}`, or `{model: {...}}`.
pub fn settings_from(value: Option<&serde_json::Value>) -> ModelSettings {
    let Some(v) = value else { return ModelSettings::default() };
    let model = v.get("specwright").and_then(|s| s.get("model")).or_else(|| v.get("model"));
    match model.map(|m| serde_json::from_value::<ModelSettings>(m.clone())) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            tracing::warn!("ignoring malformed specwright.model settings: {e}");
            ModelSettings::default()
        }
        None => ModelSettings::default(),
    }
}

pub(super) fn error(message: impl Into<String>) -> Error {
    let mut e = Error::internal_error();
    e.message = message.into().into();
    e
}

pub(super) fn gen_error(e: GenError) -> Error {
    match e {
        GenError::Cancelled => Error::request_cancelled(),
        GenError::Input(m) | GenError::NeedsModel(m) => Error::invalid_params(m),
        other => error(other.to_string()),
    }
}

/// A spec folder and the workspace folder it belongs to.
struct Target {
    root: PathBuf,
    dir: PathBuf,
}

impl Server {
    /// Re-resolves the model from new settings (environment and defaults included).
    pub(super) fn set_model_settings(&self, settings: ModelSettings) {
        let resolved = specwright_models::config::resolve(&Overrides::default(), &|k| std::env::var(k).ok(), &settings);
        let state = match resolved.and_then(|c| c.map(specwright_models::connect).transpose()) {
            Ok(model) => ModelState { model: model.map(Arc::from), error: None },
            Err(e) => ModelState { model: None, error: Some(e.to_string()) },
        };
        match (&state.model, &state.error) {
            (Some(m), _) => tracing::info!("model: {}", m.describe()),
            (None, Some(e)) => tracing::warn!("model not usable: {e}"),
            (None, None) => tracing::info!("no model configured: generation writes templates"),
        }
        if let Ok(mut m) = self.model.write() {
            *m = state;
        }
    }

    pub(super) fn model_error(&self) -> Option<String> {
        self.model.read().ok().and_then(|m| m.error.clone())
    }

    /// The model to use; an error when one is configured but unusable.
    pub(super) fn current_model(&self) -> Result<Option<Arc<dyn Model>>> {
        let state = self.model.read().map_err(|_| error("model state unavailable"))?;
        match &state.error {
            Some(e) => Err(error(format!("the model is not usable: {e}"))),
            None => Ok(state.model.clone()),
        }
    }

    /// Resolves `spec` (a folder URI, a document URI, or a name).
    fn resolve_spec(&self, spec: &str) -> Result<Target> {
        let world = self.world.read().map_err(|_| error("state unavailable"))?;
        let from_uri = spec.parse::<lsp::Uri>().ok().and_then(|u| convert::path(&u));
        let dir = match from_uri {
            Some(path) => spec_document(&path).map(|(dir, _)| dir).unwrap_or(path),
            // A name is a name: never a path that could leave `.kiro/specs/`.
            None if !naming::is_valid_name(spec) => {
                return Err(Error::invalid_params(format!(
                    "'{spec}' is neither a spec name (letters, digits, - and _) nor a file URI"
                )));
            }
            None => {
                let found = world.specs.keys().find(|d| d.file_name().is_some_and(|n| n == spec)).cloned();
                let from_root =
                    world.roots.iter().map(|r| r.join(".kiro").join("specs").join(spec)).find(|d| d.is_dir());
                found.or(from_root).ok_or_else(|| Error::invalid_params(format!("no spec named '{spec}'")))?
            }
        };
        let (root, dir) = super::paths::confine(&world.roots, &dir).map_err(Error::invalid_params)?;
        if !dir.is_dir() {
            return Err(Error::invalid_params(format!("no spec folder at {}", dir.display())));
        }
        Ok(Target { root, dir })
    }

    /// The spec's documents as the editor sees them (open documents win).
    fn texts(&self, dir: &Path) -> SpecTexts {
        let mut texts = SpecTexts::read(dir);
        if let Ok(world) = self.world.read() {
            let open = |kind: DocKind| world.open.get(&dir.join(kind.file_name())).map(|d| d.text.clone());
            texts.requirements = open(DocKind::Requirements).or(texts.requirements);
            texts.bugfix = open(DocKind::Bugfix).or(texts.bugfix);
            texts.design = open(DocKind::Design).or(texts.design);
            texts.tasks = open(DocKind::Tasks).or(texts.tasks);
        }
        texts
    }

    pub async fn spec_create(&self, params: ext::CreateSpecParams) -> Result<ext::GenerationResult> {
        if params.prompt.trim().is_empty() {
            return Err(Error::invalid_params("describe the feature: `prompt` is empty"));
        }
        let root = {
            let world = self.world.read().map_err(|_| error("state unavailable"))?;
            match params.root.as_deref() {
                Some(r) => Some(super::paths::workspace_folder(&world.roots, r)?),
                None => world.roots.first().cloned(),
            }
        }
        .ok_or_else(|| Error::invalid_params("open a workspace folder first: specs live in <folder>/.kiro/specs/"))?;
        let specs_dir = root.join(".kiro").join("specs");
        let name = match params.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if !naming::is_valid_name(n) => {
                return Err(Error::invalid_params(format!(
                    "'{n}' is not a valid spec name (letters, digits, - and _)"
                )));
            }
            Some(n) if specs_dir.join(n).exists() => {
                return Err(Error::invalid_params(format!("a spec named '{n}' exists")));
            }
            Some(n) => n.to_string(),
            None => workflow::free_name(&specs_dir, &naming::derive_name(&params.prompt)),
        };
        let dir = specs_dir.join(&name);
        let workflow_kind = params.workflow.unwrap_or_default();
        let spec_type = params.spec_type.unwrap_or_default();
        let targets = if params.quick {
            workflow::quick_targets(workflow_kind, spec_type)
        } else {
            vec![workflow::first_target(workflow_kind, spec_type)]
        };
        let mut result = ext::GenerationResult {
            spec: name.clone(),
            uri: convert::uri(&dir).map(|u| u.as_str().to_string()).unwrap_or_default(),
            ..Default::default()
        };
        let mut texts = SpecTexts::default();
        let config = (dir.join(DocKind::Config.file_name()), workflow::new_config(workflow_kind, spec_type));
        let mut extra = Some(config);
        for target in targets {
            let step = self
                .run_step(
                    &Target { root: root.clone(), dir: dir.clone() },
                    target,
                    &texts,
                    &params.prompt,
                    None,
                    params.quick,
                )
                .await?;
            self.write(&dir, target, &step.text, extra.take(), &mut result).await?;
            result.problems.extend(step.problems);
            result.drafted_by = step.drafted_by.or(result.drafted_by);
            set_text(&mut texts, target, step.text);
        }
        self.finish(&result).await;
        Ok(result)
    }

    pub async fn spec_generate_design(&self, params: ext::SpecRef) -> Result<ext::GenerationResult> {
        let target = self.resolve_spec(&params.spec)?;
        let texts = self.texts(&target.dir);
        if texts.requirements.is_none() && texts.bugfix.is_none() {
            return Err(Error::invalid_params(
                "the design is generated from requirements.md (or bugfix.md), and this spec has none",
            ));
        }
        let step = self
            .run_step(&target, DocTarget::Design, &texts, params.prompt.as_deref().unwrap_or(""), None, false)
            .await?;
        let mut result = self.result_for(&target);
        self.write(&target.dir, DocTarget::Design, &step.text, None, &mut result).await?;
        result.problems = step.problems;
        result.drafted_by = step.drafted_by;
        self.finish(&result).await;
        Ok(result)
    }

    pub async fn spec_generate_tasks(&self, params: ext::SpecRef) -> Result<ext::GenerationResult> {
        let target = self.resolve_spec(&params.spec)?;
        let texts = self.texts(&target.dir);
        let step = self
            .run_step(&target, DocTarget::Tasks, &texts, params.prompt.as_deref().unwrap_or(""), None, false)
            .await?;
        let (text, merge) = workflow::tasks_to_write(texts.tasks.as_deref(), &step.text, &texts);
        let mut result = self.result_for(&target);
        self.write(&target.dir, DocTarget::Tasks, &text, None, &mut result).await?;
        result.problems = step.problems;
        result.drafted_by = step.drafted_by;
        if let Some(m) = merge {
            result.added_tasks = m.added;
            result.dropped_tasks = m.dropped;
        }
        self.finish(&result).await;
        Ok(result)
    }

    pub async fn spec_refine(&self, params: ext::RefineParams) -> Result<ext::GenerationResult> {
        let target = self.resolve_spec(&params.spec)?;
        let doc = match params.document.trim_end_matches(".md") {
            "requirements" => DocTarget::Requirements,
            "bugfix" => DocTarget::Bugfix,
            "design" => DocTarget::Design,
            "tasks" => DocTarget::Tasks,
            other => {
                return Err(Error::invalid_params(format!(
                    "unknown document '{other}': requirements, bugfix, design or tasks"
                )));
            }
        };
        if params.instruction.trim().is_empty() {
            return Err(Error::invalid_params("say how to change the document: `instruction` is empty"));
        }
        let texts = self.texts(&target.dir);
        if texts.get(doc).is_none() {
            return Err(Error::invalid_params(format!("this spec has no {} to refine", doc.file_name())));
        }
        let step = self.run_step(&target, doc, &texts, "", Some(&params.instruction), false).await?;
        let mut result = self.result_for(&target);
        self.write(&target.dir, doc, &step.text, None, &mut result).await?;
        result.problems = step.problems;
        result.drafted_by = step.drafted_by;
        self.finish(&result).await;
        Ok(result)
    }

    fn result_for(&self, target: &Target) -> ext::GenerationResult {
        ext::GenerationResult {
            spec: target.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            uri: convert::uri(&target.dir).map(|u| u.as_str().to_string()).unwrap_or_default(),
            ..Default::default()
        }
    }

    /// Generates one document with progress, streaming and cancellation.
    async fn run_step(
        &self,
        target: &Target,
        doc: DocTarget,
        texts: &SpecTexts,
        prompt: &str,
        instruction: Option<&str>,
        quick: bool,
    ) -> Result<specwright_specgen::Generated> {
        let model = self.current_model()?;
        let index = self.fresh_index(&target.root).await;
        let map_tokens = self.map_tokens.load(std::sync::atomic::Ordering::Relaxed);
        let inputs = workflow::inputs_with(
            &target.root,
            &target.dir,
            texts.clone(),
            prompt,
            instruction,
            index.as_deref(),
            map_tokens,
        );
        // A quick spec ends valid: a template stands in for what a model could not write.
        let inputs = specwright_specgen::Inputs { template_fallback: quick, ..inputs };
        let uri = convert::uri(&target.dir.join(doc.file_name())).map(|u| u.as_str().to_string()).unwrap_or_default();
        let job = self.next_job.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = format!("specwright-generate-{job}");
        let cancel = CancellationToken::new();
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(token.clone(), cancel.clone());
        }
        // Dropping this future (`$/cancelRequest`) also cancels the model call.
        let _guard = cancel.clone().drop_guard();
        let by = model.as_deref().map_or("a template (no model configured)".to_string(), |m| m.describe());
        let progress =
            self.begin_progress(&token, format!("Specwright: writing {}", doc.file_name()), format!("with {by}")).await;

        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Update>();
        let generation = async {
            let tx = tx;
            let mut on_update = move |u: Update| {
                let _ = tx.send(u);
            };
            specwright_specgen::generate(model.as_deref(), doc, &inputs, &cancel, &mut on_update).await
        };
        let forward = async {
            let mut sent = String::new();
            while let Some(update) = rx.recv().await {
                match update {
                    Update::Preview(text) => {
                        // Only appended text is streamed; a preview that is not an extension waits for the next.
                        if text.len() > sent.len() && text.starts_with(&sent) {
                            let delta = text[sent.len()..].to_string();
                            let params = ext::StreamParams {
                                token: token.clone(),
                                uri: uri.clone(),
                                document: format!("{doc:?}").to_lowercase(),
                                delta,
                            };
                            self.client.send_notification::<StreamNotification>(params).await;
                            sent = text;
                        }
                    }
                    Update::Status(message) => {
                        if let Some(p) = &progress {
                            p.report_with_message(message, None).await;
                        }
                    }
                }
            }
        };
        let (result, ()) = tokio::join!(generation, forward);
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.remove(&token);
        }
        if let Some(p) = progress {
            let message = match &result {
                Ok(g) if g.problems.is_empty() => format!("{} written", doc.file_name()),
                Ok(_) => format!("{} written with problems", doc.file_name()),
                Err(GenError::Cancelled) => "Cancelled".to_string(),
                Err(e) => format!("Failed: {e}"),
            };
            p.finish_with_message(message).await;
        }
        result.map_err(gen_error)
    }

    /// Begins a cancellable work-done progress report, when the client takes them.
    pub(super) async fn begin_progress(&self, token: &str, title: String, message: String) -> Option<Progress> {
        if !self.flags.read().is_ok_and(|f| f.work_done_progress) {
            return None;
        }
        let token = lsp::ProgressToken::String(token.to_string());
        if let Err(e) = self.client.create_work_done_progress(token.clone()).await {
            tracing::warn!("no progress report: {e}");
            return None;
        }
        Some(self.client.progress(token, title).with_message(message).with_cancel_button().begin().await)
    }

    /// Writes one document (and `extra`, e.g. `.config.kiro`): through the
    /// editor when it can create files, else atomically on disk.
    async fn write(
        &self,
        dir: &Path,
        doc: DocTarget,
        text: &str,
        extra: Option<(PathBuf, String)>,
        result: &mut ext::GenerationResult,
    ) -> Result<()> {
        let path = dir.join(doc.file_name());
        let mut files: Vec<(PathBuf, String)> = extra.into_iter().collect();
        files.push((path.clone(), text.to_string()));
        let create_files = self.flags.read().is_ok_and(|f| f.create_files);
        if create_files {
            let mut changes = Vec::new();
            for (p, t) in &files {
                let uri = convert::uri(p).ok_or_else(|| error("path is not a file URI"))?;
                let (current, version) = self.current_text(p);
                let edit = match current {
                    Some(existing) => {
                        let index = specwright_spec::LineIndex::new(&existing);
                        let end = convert::position(index.position(&existing, existing.len()));
                        lsp::TextEdit { range: lsp::Range::new(lsp::Position::new(0, 0), end), new_text: t.clone() }
                    }
                    None => {
                        changes.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                            uri: uri.clone(),
                            options: Some(lsp::CreateFileOptions {
                                overwrite: Some(false),
                                ignore_if_exists: Some(true),
                            }),
                            annotation_id: None,
                        })));
                        lsp::TextEdit { range: lsp::Range::default(), new_text: t.clone() }
                    }
                };
                changes.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version },
                    edits: vec![lsp::OneOf::Left(edit)],
                }));
            }
            let edit = lsp::WorkspaceEdit {
                document_changes: Some(lsp::DocumentChanges::Operations(changes)),
                ..lsp::WorkspaceEdit::default()
            };
            let response = self.client.apply_edit(edit).await?;
            if !response.applied {
                let reason = response.failure_reason.unwrap_or_else(|| "the editor refused the edit".into());
                return Err(error(format!("{} was not written: {reason}", doc.file_name())));
            }
        } else {
            for (p, t) in &files {
                write_atomically(p, t).map_err(|e| error(format!("cannot write {}: {e}", p.display())))?;
            }
        }
        // The world learns of the new text from the editor or the watcher;
        // read it now too so that the next step and the checks see it.
        // (Read without the world's lock; swapped in under a short one.)
        let paths: Vec<PathBuf> = {
            let world = self.world();
            files.iter().map(|(p, _)| p.clone()).filter(|p| !world.open.contains_key(p)).collect()
        };
        let changed = super::world::reload_paths(&self.world, &paths);
        self.publish(changed).await;
        if let Some(uri) = convert::uri(&path) {
            result.documents.push(uri.as_str().to_string());
        }
        Ok(())
    }

    /// The text and version of a file as the editor has it (or the disk).
    pub(super) fn current_text(&self, path: &Path) -> (Option<String>, Option<i32>) {
        let open = self.world.read().ok().and_then(|w| w.open.get(path).map(|d| (d.text.clone(), d.version)));
        if let Some((text, version)) = open {
            return (Some(text), Some(version));
        }
        (std::fs::read_to_string(path).ok(), None)
    }

    /// Shows the last document written and reports what remains to fix.
    async fn finish(&self, result: &ext::GenerationResult) {
        if result.drafted_by.is_none() {
            self.client
                .show_message(
                    lsp::MessageType::INFO,
                    "Specwright wrote a template: no model is configured. Set specwright.model.provider (or SPECWRIGHT_PROVIDER) to have specs drafted from your description.",
                )
                .await;
        }
        if !result.problems.is_empty() {
            self.client
                .show_message(
                    lsp::MessageType::WARNING,
                    format!("The generated spec still has problems: {}", result.problems.join("; ")),
                )
                .await;
        }
        if let Some(uri) = result.documents.last().and_then(|u| u.parse::<lsp::Uri>().ok()) {
            self.show(uri).await;
        }
    }

    /// `window/workDoneProgress/cancel`: the Cancel button of a generation.
    pub async fn progress_cancel(&self, params: lsp::WorkDoneProgressCancelParams) {
        let key = match params.token {
            lsp::ProgressToken::String(s) => s,
            lsp::ProgressToken::Number(n) => n.to_string(),
        };
        if let Some(cancel) = self.jobs.lock().ok().and_then(|jobs| jobs.get(&key).cloned()) {
            cancel.cancel();
        }
    }

    /// Runs a generation command given as `workspace/executeCommand`.
    pub(super) async fn execute_generation(
        &self,
        command: &str,
        args: Vec<serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let arg =
            args.into_iter().next().ok_or_else(|| Error::invalid_params(format!("{command} takes one argument")))?;
        let parse = |e: serde_json::Error| Error::invalid_params(format!("{command}: {e}"));
        let result = match command {
            ext::SPEC_CREATE => self.spec_create(serde_json::from_value(arg).map_err(parse)?).await?,
            ext::SPEC_GENERATE_DESIGN => self.spec_generate_design(serde_json::from_value(arg).map_err(parse)?).await?,
            ext::SPEC_GENERATE_TASKS => self.spec_generate_tasks(serde_json::from_value(arg).map_err(parse)?).await?,
            ext::SPEC_REFINE => self.spec_refine(serde_json::from_value(arg).map_err(parse)?).await?,
            other => return Err(Error::invalid_params(format!("unknown command '{other}'"))),
        };
        Ok(serde_json::to_value(result).ok())
    }
}

fn set_text(texts: &mut SpecTexts, target: DocTarget, text: String) {
    match target {
        DocTarget::Requirements => texts.requirements = Some(text),
        DocTarget::Bugfix => texts.bugfix = Some(text),
        DocTarget::Design => texts.design = Some(text),
        DocTarget::Tasks => texts.tasks = Some(text),
    }
}

/// Writes `text` to `path` through a temporary file and a rename, so the
/// file is never half-written.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.specwright-{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Creates `path` with `text`, atomically, and never over an existing file:
/// the text goes to a temporary file that is then hard-linked into place
/// (which fails when `path` exists). `AlreadyExists` when it does.
pub fn create_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.specwright-{}-{n}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    linked
}

/// A cancellable work-done progress report.
pub(super) type Progress =
    tower_lsp_server::OngoingProgress<tower_lsp_server::Unbounded, tower_lsp_server::Cancellable>;

/// `specwright/stream`.
pub enum StreamNotification {}

impl lsp::notification::Notification for StreamNotification {
    type Params = ext::StreamParams;
    const METHOD: &'static str = ext::STREAM;
}
