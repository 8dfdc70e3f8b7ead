//! Steering generation in the editor: `specwright.steering.generate`
//! `{root?}` writes `product.md`, `tech.md` and `structure.md` in
//! `<root>/.kiro/steering/`. The facts are read off the repository without a
//! model; with one configured, it writes the prose around them (work-done
//! progress, cancellable).
//!
//! Existing steering is never overwritten:
//! - a missing document is created (create-file plus text edit through
//!   `workspace/applyEdit`, or written atomically when the editor cannot
//!   create files);
//! - an existing document with the same text is left alone (`unchanged`);
//! - an existing document that differs gets a proposal: one edit replacing
//!   its text, annotated `Proposed by Specwright` with `needsConfirmation`,
//!   so the editor asks before applying it. An editor without change
//!   annotations gets no edit at all, only a message naming the document.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use specwright_models::{CancellationToken, Model};
use specwright_specgen::Update;
use specwright_specgen::steering::{self, SteeringDraft};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::generation::{error, gen_error, write_atomically};
use super::server::Server;
use super::{convert, ext};

/// The change annotation of a proposed steering edit.
const PROPOSAL_ID: &str = "specwright.steering.proposal";
const PROPOSAL_LABEL: &str = "Proposed by Specwright";

/// An existing document and what would replace it.
struct Proposal {
    path: PathBuf,
    current: String,
    version: Option<i32>,
    text: String,
}

impl Server {
    pub async fn steering_generate(&self, params: ext::SteeringGenerateParams) -> Result<ext::SteeringGenerateResult> {
        let root = {
            let world = self.world();
            match params.root.as_deref() {
                Some(r) => Some(super::paths::workspace_folder(&world.roots, r)?),
                None => world.roots.first().cloned(),
            }
        }
        .ok_or_else(|| {
            Error::invalid_params("open a workspace folder first: steering lives in <folder>/.kiro/steering/")
        })?;
        if !root.is_dir() {
            return Err(Error::invalid_params(format!("{} is not a folder", root.display())));
        }
        let model = self.current_model()?;
        let drafts = self.draft_steering(&root, model.as_deref()).await?;
        self.apply_steering(&root, drafts, model.as_deref()).await
    }

    /// The documents to propose, with progress and cancellation.
    async fn draft_steering(&self, root: &Path, model: Option<&dyn Model>) -> Result<Vec<SteeringDraft>> {
        let job = self.next_job.fetch_add(1, Ordering::Relaxed);
        let token = format!("specwright-steering-{job}");
        let cancel = CancellationToken::new();
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(token.clone(), cancel.clone());
        }
        // Dropping this future (`$/cancelRequest`) also cancels the model call.
        let _guard = cancel.clone().drop_guard();
        let by = model.map_or("the repository's facts (no model configured)".to_string(), |m| m.describe());
        let title = "Specwright: writing steering documents".to_string();
        let progress = self.begin_progress(&token, title, format!("with {by}")).await;
        let result = async {
            let facts_root = root.to_path_buf();
            let with_codebase = model.is_some();
            let (docs, codebase) = tokio::task::spawn_blocking(move || {
                let facts = specwright_steering::facts(&facts_root);
                let codebase = if with_codebase { steering::codebase(&facts_root) } else { String::new() };
                (specwright_steering::render_steering(&facts), codebase)
            })
            .await
            .map_err(|e| error(format!("reading the repository failed: {e}")))?;
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Update>();
            let drafting = async {
                let tx = tx;
                let mut on_update = move |u: Update| {
                    let _ = tx.send(u);
                };
                steering::write(model, &docs, &codebase, &cancel, &mut on_update).await
            };
            let forward = async {
                while let Some(update) = rx.recv().await {
                    if let (Update::Status(message), Some(p)) = (update, &progress) {
                        p.report_with_message(message, None).await;
                    }
                }
            };
            let (drafts, ()) = tokio::join!(drafting, forward);
            drafts.map_err(gen_error)
        }
        .await;
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.remove(&token);
        }
        if let Some(p) = progress {
            let message = match &result {
                Ok(_) => "Steering documents ready".to_string(),
                Err(e) if e.code == tower_lsp_server::jsonrpc::ErrorCode::RequestCancelled => "Cancelled".to_string(),
                Err(e) => format!("Failed: {}", e.message),
            };
            p.finish_with_message(message).await;
        }
        result
    }

    /// Creates the missing documents and proposes changes to the others.
    async fn apply_steering(
        &self,
        root: &Path,
        drafts: Vec<SteeringDraft>,
        model: Option<&dyn Model>,
    ) -> Result<ext::SteeringGenerateResult> {
        let dir = root.join(".kiro").join("steering");
        let uri_of = |p: &Path| convert::uri(p).map(|u| u.as_str().to_string()).unwrap_or_default();
        let mut result = ext::SteeringGenerateResult::default();
        let mut create: Vec<(PathBuf, String)> = Vec::new();
        let mut proposals: Vec<Proposal> = Vec::new();
        let problems: Vec<String> = drafts.iter().filter_map(|d| d.problem.clone()).collect();
        if drafts.iter().any(|d| d.drafted_by.is_some()) {
            result.drafted_by = model.map(|m| m.describe());
        }
        for d in drafts {
            let path = dir.join(&d.file);
            match self.current_text(&path) {
                (None, _) => create.push((path, d.text)),
                (Some(current), _) if same_text(&current, &d.text) => result.unchanged.push(uri_of(&path)),
                (Some(current), version) => proposals.push(Proposal { path, current, version, text: d.text }),
            }
        }

        if !create.is_empty() {
            self.create_steering(&create).await?;
            result.created = create.iter().map(|(p, _)| uri_of(p)).collect();
        }
        if !proposals.is_empty() {
            self.propose_steering(root, &proposals).await?;
            result.proposed = proposals.iter().map(|p| uri_of(&p.path)).collect();
        }

        // The world learns of new text from the editor or the watcher; read it now too.
        let paths: Vec<PathBuf> = {
            let world = self.world();
            create
                .iter()
                .map(|(p, _)| p.clone())
                .chain(proposals.iter().map(|p| p.path.clone()))
                .filter(|p| !world.open.contains_key(p))
                .collect()
        };
        let changed = super::world::reload_paths(&self.world, &paths);
        self.publish(changed).await;

        if !problems.is_empty() {
            self.client.show_message(lsp::MessageType::WARNING, format!("Specwright: {}", problems.join("; "))).await;
        }
        if model.is_none() && !(result.created.is_empty() && result.proposed.is_empty()) {
            self.client
                .show_message(
                    lsp::MessageType::INFO,
                    "Specwright wrote the steering documents from the repository's facts: no model is configured. \
                     Set specwright.model.provider (or SPECWRIGHT_PROVIDER) to have the prose around them drafted.",
                )
                .await;
        }
        if let Some(uri) = result.created.first().and_then(|u| u.parse::<lsp::Uri>().ok()) {
            self.show(uri).await;
        }
        Ok(result)
    }

    /// Creates the documents: through the editor when it can create files
    /// (one edit, so one undo), else atomically on disk.
    async fn create_steering(&self, files: &[(PathBuf, String)]) -> Result<()> {
        if !self.flags.read().is_ok_and(|f| f.create_files) {
            for (path, text) in files {
                write_atomically(path, text).map_err(|e| error(format!("cannot write {}: {e}", path.display())))?;
            }
            return Ok(());
        }
        let mut changes = Vec::new();
        for (path, text) in files {
            let uri = convert::uri(path).ok_or_else(|| error("path is not a file URI"))?;
            changes.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                uri: uri.clone(),
                options: Some(lsp::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) }),
                annotation_id: None,
            })));
            changes.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![lsp::OneOf::Left(lsp::TextEdit { range: lsp::Range::default(), new_text: text.clone() })],
            }));
        }
        let edit = lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(changes)),
            ..lsp::WorkspaceEdit::default()
        };
        let response = self.client.apply_edit(edit).await?;
        if !response.applied {
            let reason = response.failure_reason.unwrap_or_else(|| "the editor refused the edit".into());
            return Err(error(format!("the steering documents were not created: {reason}")));
        }
        Ok(())
    }

    /// Proposes the new text of existing documents as one edit that needs
    /// the user's confirmation; without change annotations, proposes
    /// nothing and says so.
    async fn propose_steering(&self, root: &Path, proposals: &[Proposal]) -> Result<()> {
        let names: Vec<String> = proposals
            .iter()
            .map(|p| p.path.strip_prefix(root).unwrap_or(&p.path).to_string_lossy().replace('\\', "/"))
            .collect();
        if !self.flags.read().is_ok_and(|f| f.change_annotations) {
            self.client
                .show_message(
                    lsp::MessageType::INFO,
                    format!(
                        "Specwright left {} as {} (it differs from what Specwright would write, and this editor \
                         cannot ask to confirm an edit). See the proposal with `specwright steering init --print-proposals`.",
                        names.join(", "),
                        if names.len() == 1 { "it is" } else { "they are" },
                    ),
                )
                .await;
            return Ok(());
        }
        let mut edits = Vec::new();
        for p in proposals {
            let uri = convert::uri(&p.path).ok_or_else(|| error("path is not a file URI"))?;
            let index = specwright_spec::LineIndex::new(&p.current);
            let end = convert::position(index.position(&p.current, p.current.len()));
            edits.push(lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: p.version },
                edits: vec![lsp::OneOf::Right(lsp::AnnotatedTextEdit {
                    text_edit: lsp::TextEdit {
                        range: lsp::Range::new(lsp::Position::new(0, 0), end),
                        new_text: p.text.clone(),
                    },
                    annotation_id: PROPOSAL_ID.to_string(),
                })],
            });
        }
        let annotation = lsp::ChangeAnnotation {
            label: PROPOSAL_LABEL.to_string(),
            needs_confirmation: Some(true),
            description: Some(format!(
                "Steering regenerated from the repository; replaces the text of {}",
                names.join(", ")
            )),
        };
        let edit = lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(edits)),
            change_annotations: Some(HashMap::from([(PROPOSAL_ID.to_string(), annotation)])),
            ..lsp::WorkspaceEdit::default()
        };
        let response = self.client.apply_edit(edit).await?;
        if !response.applied {
            let reason = response.failure_reason.unwrap_or_else(|| "not confirmed".into());
            self.client
                .show_message(
                    lsp::MessageType::INFO,
                    format!(
                        "Specwright left {} as they are: the proposed change was not applied ({reason}).",
                        names.join(", ")
                    ),
                )
                .await;
        }
        Ok(())
    }

    /// Runs `specwright.steering.generate` given as `workspace/executeCommand`.
    pub(super) async fn execute_steering_generate(
        &self,
        args: Vec<serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let params = match args.into_iter().next() {
            None | Some(serde_json::Value::Null) => ext::SteeringGenerateParams::default(),
            Some(arg) => serde_json::from_value(arg)
                .map_err(|e| Error::invalid_params(format!("{}: {e}", ext::STEERING_GENERATE)))?,
        };
        let result = self.steering_generate(params).await?;
        Ok(serde_json::to_value(result).ok())
    }
}

/// Whether two texts are the same document (line endings aside).
fn same_text(a: &str, b: &str) -> bool {
    a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
}
