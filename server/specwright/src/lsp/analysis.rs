//! The built-in analyzers on open source files: possible secrets (errors,
//! with a quick fix that moves the value to an environment variable where
//! the language makes that clear), code smells (warnings), and the code
//! action "Generate unit test skeleton" on exported TypeScript and
//! JavaScript symbols.
//!
//! Kiro documents (`.kiro/**`, `AGENTS.md`) have diagnostics of their own
//! and are not analyzed here. Analysis runs off the request path on open and
//! change of an open document, debounced ([`DEBOUNCE`] after the last
//! change), skips documents over `maxFileBytes`, and its diagnostics are
//! cleared when the document closes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use specwright_analyzers::skeleton::{self, Edit, Exported, Framework};
use specwright_analyzers::smells::{self, Thresholds};
use specwright_index::Lang;
use specwright_secrets::{Config as SecretsConfig, Scanner};
use specwright_spec::LineIndex;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::server::Server;
use super::{convert, ext};

/// Diagnostic codes of secrets: this prefix and the rule's id.
pub const SECRET_CODE_PREFIX: &str = "secret-";

/// The analyzers' settings and the scanner built from them.
#[derive(Debug, Clone)]
pub(super) struct AnalyzerSettings {
    pub secrets: bool,
    pub smells: bool,
    pub thresholds: Thresholds,
    pub scanner: Arc<Scanner>,
    /// `maxFileBytes`: larger documents are not analyzed.
    pub max_file_bytes: usize,
}

/// The default of `specwright.analyzers.maxFileBytes`.
pub const DEFAULT_MAX_FILE_BYTES: usize = crate::settings::ANALYZERS_MAX_FILE_BYTES as usize;

/// How long the analyzers wait after a change for the next one.
pub(super) const DEBOUNCE: Duration = Duration::from_millis(200);

impl Default for AnalyzerSettings {
    fn default() -> Self {
        Self {
            secrets: true,
            smells: true,
            thresholds: Thresholds::default(),
            scanner: Arc::new(Scanner::default()),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

impl AnalyzerSettings {
    /// `specwright.analyzers` from initialization options or configuration
    /// settings; absent or malformed values keep their defaults. Also the
    /// allow patterns that did not compile, to report.
    pub fn from_json(value: Option<&serde_json::Value>) -> Option<(Self, Vec<String>)> {
        let v = value?;
        let a = v.get("specwright").and_then(|s| s.get("analyzers")).or_else(|| v.get("analyzers"))?;
        let enabled = |section: &str| {
            a.get(section).and_then(|s| s.get("enabled")).and_then(serde_json::Value::as_bool).unwrap_or(true)
        };
        let thresholds = match a.get("smells") {
            Some(s) => serde_json::from_value::<Thresholds>(strip_enabled(s)).unwrap_or_else(|e| {
                tracing::warn!("ignoring malformed specwright.analyzers.smells settings: {e}");
                Thresholds::default()
            }),
            None => Thresholds::default(),
        };
        let allow_patterns: Vec<String> = a
            .get("secrets")
            .and_then(|s| s.get("allowPatterns"))
            .and_then(serde_json::Value::as_array)
            .map(|p| p.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let scanner = Scanner::new(&SecretsConfig { allow_patterns });
        let errors = scanner.config_errors().iter().map(|e| format!("{}: {}", e.pattern, e.message)).collect();
        let max_file_bytes = a
            .get("maxFileBytes")
            .and_then(serde_json::Value::as_u64)
            .map_or(DEFAULT_MAX_FILE_BYTES, |n| usize::try_from(n).unwrap_or(usize::MAX));
        Some((
            Self {
                secrets: enabled("secrets"),
                smells: enabled("smells"),
                thresholds,
                scanner: Arc::new(scanner),
                max_file_bytes,
            },
            errors,
        ))
    }
}

/// The smells section without `enabled`, which is not a threshold.
fn strip_enabled(section: &serde_json::Value) -> serde_json::Value {
    let mut s = section.clone();
    if let Some(o) = s.as_object_mut() {
        o.remove("enabled");
    }
    s
}

/// The analyzers' work off the request path, shared by the server and the
/// tasks that do it.
pub(super) struct Background {
    /// Analyses scheduled, per document.
    pub analysis: Latest,
    /// Re-indexing scheduled, per file (`context.rs`).
    pub reindex: Latest,
    /// The last parse of each open source document, for incremental smells.
    pub parsed: Mutex<HashMap<PathBuf, smells::Parsed>>,
    /// Held while an analysis checks that it is current and publishes.
    pub publishing: tokio::sync::Mutex<()>,
    /// Bounds the re-index parses that run at once, so that a burst of
    /// watched files does not take every core from the requests.
    pub parse_slots: tokio::sync::Semaphore,
}

impl Default for Background {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self {
            analysis: Latest::default(),
            reindex: Latest::default(),
            parsed: Mutex::default(),
            publishing: tokio::sync::Mutex::default(),
            parse_slots: tokio::sync::Semaphore::new((cores / 2).max(1)),
        }
    }
}

impl Background {
    fn take_parsed(&self, path: &Path) -> Option<smells::Parsed> {
        self.parsed.lock().ok().and_then(|mut p| p.remove(path))
    }

    /// Keeps a document's parse for its next analysis, unless it closed meanwhile.
    fn keep_parsed(&self, path: &Path, parsed: Option<smells::Parsed>) {
        if let (Some(parsed), true, Ok(mut all)) = (parsed, self.analysis.is_scheduled(path), self.parsed.lock()) {
            all.insert(path.to_path_buf(), parsed);
        }
    }
}

/// The latest piece of work scheduled per file: each call to [`Latest::bump`]
/// supersedes the earlier ones, which check [`Latest::is`] before acting.
#[derive(Default)]
pub(super) struct Latest {
    generations: Mutex<HashMap<PathBuf, u64>>,
    next: AtomicU64,
}

impl Latest {
    /// Schedules new work for `path`: its generation.
    pub fn bump(&self, path: &Path) -> u64 {
        let generation = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.lock().insert(path.to_path_buf(), generation);
        generation
    }

    /// Whether `generation` is still the latest work for `path`.
    pub fn is(&self, path: &Path, generation: u64) -> bool {
        self.lock().get(path) == Some(&generation)
    }

    fn is_scheduled(&self, path: &Path) -> bool {
        self.lock().contains_key(path)
    }

    /// Drops the work scheduled for `path`.
    pub fn forget(&self, path: &Path) {
        self.lock().remove(path);
    }

    /// The work `generation` for `path` is done: forgets it unless superseded.
    pub fn finish(&self, path: &Path, generation: u64) {
        let mut all = self.lock();
        if all.get(path) == Some(&generation) {
            all.remove(path);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, u64>> {
        self.generations.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The one diagnostic of a document too large to analyze.
fn skipped(size: usize, settings: &AnalyzerSettings) -> Vec<lsp::Diagnostic> {
    vec![lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::HINT),
        code: Some(lsp::NumberOrString::String(SKIPPED_CODE.into())),
        source: Some("specwright".into()),
        message: format!(
            "Not checked for secrets and code smells: the file has {size} bytes, more than \
             specwright.analyzers.maxFileBytes ({}).",
            settings.max_file_bytes
        ),
        ..lsp::Diagnostic::default()
    }]
}

/// The code of the hint on a document too large to analyze.
pub const SKIPPED_CODE: &str = "analyzers-skipped";

/// Whether the analyzers look at `path`: not a Kiro document.
pub(super) fn is_analyzed(path: &Path) -> bool {
    !path.components().any(|c| c.as_os_str() == ".kiro") && path.file_name().is_none_or(|n| n != "AGENTS.md")
}

/// The diagnostics of one document's text. `parsed` is the document's last
/// parse (taken and replaced, for an incremental reparse).
pub(super) fn diagnostics(
    path: &Path,
    text: &str,
    settings: &AnalyzerSettings,
    parsed: &mut Option<smells::Parsed>,
) -> Vec<lsp::Diagnostic> {
    let mut out = Vec::new();
    if settings.secrets {
        for f in settings.scanner.scan(text) {
            out.push(lsp::Diagnostic {
                range: lsp::Range::new(
                    lsp::Position::new(f.line, f.start_column),
                    lsp::Position::new(f.end_line, f.end_column),
                ),
                severity: Some(lsp::DiagnosticSeverity::ERROR),
                code: Some(lsp::NumberOrString::String(format!("{SECRET_CODE_PREFIX}{}", f.rule))),
                source: Some("specwright".into()),
                message: format!(
                    "Possible secret: {} ({}). Keep it out of the code: read it from an environment variable.",
                    f.description, f.redacted
                ),
                ..lsp::Diagnostic::default()
            });
        }
    }
    if settings.smells
        && let Some(lang) = Lang::of(path)
    {
        let uri = convert::uri(path);
        let (found, now) = smells::analyze_incremental(parsed.take(), lang, text, &settings.thresholds);
        *parsed = now;
        for smell in found {
            let related = uri.as_ref().filter(|_| !smell.related.is_empty()).map(|uri| {
                smell
                    .related
                    .iter()
                    .map(|r| lsp::DiagnosticRelatedInformation {
                        location: lsp::Location { uri: uri.clone(), range: convert::range(*r) },
                        message: "the same lines".into(),
                    })
                    .collect()
            });
            out.push(lsp::Diagnostic {
                range: convert::range(smell.range),
                severity: Some(lsp::DiagnosticSeverity::WARNING),
                code: Some(lsp::NumberOrString::String(smell.code.to_string())),
                source: Some("specwright".into()),
                message: smell.message,
                related_information: related,
                ..lsp::Diagnostic::default()
            });
        }
    }
    out
}

impl Server {
    pub(super) fn analyzer_settings(&self) -> AnalyzerSettings {
        self.analyzers.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Applies new analyzer settings; reports allow patterns that do not
    /// compile and re-analyzes the open documents.
    pub(super) async fn set_analyzer_settings(&self, settings: AnalyzerSettings, errors: Vec<String>) {
        if let Ok(mut s) = self.analyzers.write() {
            *s = settings;
        }
        if !errors.is_empty() {
            self.client
                .show_message(
                    lsp::MessageType::WARNING,
                    format!("Specwright: ignoring secret allow patterns that do not compile: {}", errors.join("; ")),
                )
                .await;
        }
        let open: Vec<PathBuf> = self.world().open.keys().cloned().collect();
        for path in open {
            self.analyze_later(&path, Duration::ZERO);
        }
    }

    /// Schedules the analysis of the open document `path` off the request
    /// path, `delay` from now: a later call for the same document
    /// supersedes it (a burst of changes is analyzed once, for its last
    /// version). The analysis reads the document's text when it runs, scans
    /// and parses on a blocking thread, and publishes unless superseded or
    /// closed meanwhile. A document over `maxFileBytes` is not analyzed: it
    /// gets one hint saying so.
    pub(super) fn analyze_later(&self, path: &Path, delay: Duration) {
        if !is_analyzed(path) {
            return;
        }
        let generation = self.background.analysis.bump(path);
        let settings = self.analyzer_settings();
        let drift_hints = self.chats.settings().drift_hints;
        let (client, world, background) = (self.client.clone(), Arc::clone(&self.world), Arc::clone(&self.background));
        let path = path.to_path_buf();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if !background.analysis.is(&path, generation) {
                return;
            }
            let doc = {
                let world = world.read().unwrap_or_else(|e| e.into_inner());
                world.open.get(&path).map(|d| {
                    let text = (d.text.len() <= settings.max_file_bytes).then(|| d.text.clone());
                    (text, d.text.len(), d.version)
                })
            };
            let Some((text, size, version)) = doc else { return };
            let diags = match text {
                _ if !settings.secrets && !settings.smells => Vec::new(),
                None => skipped(size, &settings),
                Some(text) => {
                    let parsed = background.take_parsed(&path);
                    let work = tokio::task::spawn_blocking({
                        let path = path.clone();
                        move || {
                            let mut parsed = parsed;
                            let diags = diagnostics(&path, &text, &settings, &mut parsed);
                            (diags, parsed)
                        }
                    });
                    let Ok((diags, parsed)) = work.await else { return };
                    background.keep_parsed(&path, parsed);
                    diags
                }
            };
            let mut diags = diags;
            if drift_hints {
                let world = world.read().unwrap_or_else(|e| e.into_inner());
                diags.extend(drift_diagnostics(&world, &path));
            }
            let Some(uri) = convert::uri(&path) else { return };
            // Checked and published under one lock: a superseded analysis
            // never publishes after a newer one, or after the close.
            let _publishing = background.publishing.lock().await;
            if background.analysis.is(&path, generation) {
                client.publish_diagnostics(uri, diags, Some(version)).await;
            }
        });
    }

    /// Drops the pending and running analyses of a document (it closed).
    pub(super) fn cancel_analysis(&self, path: &Path) {
        self.background.analysis.forget(path);
        if let Ok(mut parsed) = self.background.parsed.lock() {
            parsed.remove(path);
        }
    }

    /// Clears the analyzers' diagnostics of a closed document.
    pub(super) async fn clear_analysis(&self, path: &Path) {
        self.cancel_analysis(path);
        if is_analyzed(path)
            && let Some(uri) = convert::uri(path)
        {
            let _publishing = self.background.publishing.lock().await;
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    /// The code actions of an analyzed document: quick fixes for secrets
    /// and the test skeleton action.
    pub(super) fn analysis_code_actions(
        &self,
        uri: &lsp::Uri,
        path: &Path,
        params: &lsp::CodeActionParams,
    ) -> Option<Vec<lsp::CodeActionOrCommand>> {
        if !is_analyzed(path) {
            return None;
        }
        let (text, version) = {
            let world = self.world();
            let doc = world.open.get(path)?;
            (doc.text.clone(), doc.version)
        };
        let mut actions = Vec::new();
        for d in &params.context.diagnostics {
            let Some(lsp::NumberOrString::String(code)) = &d.code else { continue };
            let Some(rule) = code.strip_prefix(SECRET_CODE_PREFIX) else { continue };
            if let Some((edits, var)) = env_var_fix(path, &text, d.range, rule) {
                let edit = lsp::WorkspaceEdit {
                    document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                            uri: uri.clone(),
                            version: Some(version),
                        },
                        edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                    }])),
                    ..lsp::WorkspaceEdit::default()
                };
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!("Move the secret to the environment variable {var}"),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(edit),
                    is_preferred: Some(true),
                    ..lsp::CodeAction::default()
                }));
            }
        }
        actions.extend(skeleton_actions(uri, path, &text, params.range.start));
        Some(actions)
    }

    /// `specwright.test.generateSkeleton` `{uri, symbol?}`: creates or
    /// extends the neighbouring test file through `workspace/applyEdit`.
    pub(super) async fn execute_test_skeleton(
        &self,
        args: Vec<serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let params: ext::TestSkeletonParams = super::server::one_argument(args, "{uri, symbol?}")?;
        let uri: lsp::Uri =
            params.uri.parse().map_err(|_| Error::invalid_params(format!("not a URI: {}", params.uri)))?;
        let path = convert::path(&uri).ok_or_else(|| Error::invalid_params("the URI is not a file"))?;
        let (_, path) = super::paths::confine(&self.world().roots, &path).map_err(Error::invalid_params)?;
        let lang = Lang::of(&path)
            .filter(|l| matches!(l, Lang::TypeScript | Lang::Tsx | Lang::JavaScript))
            .ok_or_else(|| Error::invalid_params("test skeletons are made for TypeScript and JavaScript files"))?;
        let text = {
            let world = self.world();
            world.open.get(&path).map(|d| d.text.clone())
        };
        let text = match text {
            Some(t) => t,
            None => std::fs::read_to_string(&path)
                .map_err(|e| Error::invalid_params(format!("cannot read {}: {e}", path.display())))?,
        };
        let exported = skeleton::exported_symbols(lang, &text);
        let symbols: Vec<Exported> = match &params.symbol {
            Some(name) => exported.into_iter().filter(|s| s.display_name(&path) == *name).collect(),
            None => exported,
        };
        if symbols.is_empty() {
            return Err(Error::invalid_params(match &params.symbol {
                Some(name) => format!("{name} is not an exported function or class of {}", path.display()),
                None => format!("{} exports no function or class", path.display()),
            }));
        }
        let project = Project::of(&path);
        let existing: Vec<PathBuf> = skeleton::test_path_candidates(&path).into_iter().filter(|p| p.exists()).collect();
        let test_path = skeleton::test_path_for(&path, &existing, project.prefer_spec);
        let (existing_text, test_version) = {
            let world = self.world();
            match world.open.get(&test_path) {
                Some(d) => (Some(d.text.clone()), Some(d.version)),
                None => (std::fs::read_to_string(&test_path).ok(), None),
            }
        };
        let request = skeleton::Request {
            source_path: &path,
            test_path: &test_path,
            symbols: &symbols,
            existing_test: existing_text.as_deref(),
            framework: project.framework,
            esm_extension: project.esm_extension(),
        };
        let test_uri = convert::uri(&test_path).ok_or_else(|| Error::invalid_params("the test file has no URI"))?;
        let edit = match skeleton::skeleton(&request) {
            Edit::UpToDate => {
                let names: Vec<String> = symbols.iter().map(|s| s.display_name(&path)).collect();
                self.client
                    .show_message(
                        lsp::MessageType::INFO,
                        format!("{} already has tests for {}", test_path.display(), names.join(", ")),
                    )
                    .await;
                self.show(test_uri.clone()).await;
                return Ok(serde_json::to_value(ext::TestSkeletonResult {
                    uri: test_uri.as_str().to_string(),
                    created: false,
                    applied: false,
                })
                .ok());
            }
            Edit::Create { text } => {
                if !self.flags.read().is_ok_and(|f| f.create_files) {
                    // The editor cannot create files through workspace
                    // edits (Neovim declares no documentChanges): create it
                    // on disk, never over an existing file, and open it.
                    return self.create_test_file(&test_path, &text, test_uri).await;
                }
                lsp::WorkspaceEdit {
                    document_changes: Some(lsp::DocumentChanges::Operations(vec![
                        lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                            uri: test_uri.clone(),
                            options: Some(lsp::CreateFileOptions {
                                overwrite: Some(false),
                                ignore_if_exists: Some(true),
                            }),
                            annotation_id: None,
                        })),
                        lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                            text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                                uri: test_uri.clone(),
                                version: None,
                            },
                            edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                                range: lsp::Range::default(),
                                new_text: text,
                            })],
                        }),
                    ])),
                    ..lsp::WorkspaceEdit::default()
                }
            }
            Edit::Extend { at, text, import_at, import_text } => {
                let mut edits = Vec::new();
                if let Some(import) = import_text {
                    let p = convert::position(import_at);
                    edits.push(lsp::TextEdit { range: lsp::Range::new(p, p), new_text: import });
                }
                let p = convert::position(at);
                edits.push(lsp::TextEdit { range: lsp::Range::new(p, p), new_text: text });
                lsp::WorkspaceEdit {
                    document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                            uri: test_uri.clone(),
                            version: test_version,
                        },
                        edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                    }])),
                    ..lsp::WorkspaceEdit::default()
                }
            }
        };
        let created = existing_text.is_none();
        let response = self.client.apply_edit(edit).await?;
        if response.applied {
            self.show(test_uri.clone()).await;
        } else {
            let reason = response.failure_reason.unwrap_or_else(|| "the editor refused the edit".into());
            self.client.show_message(lsp::MessageType::WARNING, format!("Test skeleton not written: {reason}")).await;
        }
        Ok(serde_json::to_value(ext::TestSkeletonResult {
            uri: test_uri.as_str().to_string(),
            created,
            applied: response.applied,
        })
        .ok())
    }
}

impl Server {
    /// Writes a new test file on disk (atomically, refused if one appeared
    /// meanwhile) and shows it.
    async fn create_test_file(&self, path: &Path, text: &str, uri: lsp::Uri) -> Result<Option<serde_json::Value>> {
        super::generation::create_atomically(path, text)
            .map_err(|e| Error::invalid_params(format!("cannot create {}: {e}", path.display())))?;
        if self.flags.read().is_ok_and(|f| f.show_document) {
            self.show(uri.clone()).await;
        } else {
            self.client.show_message(lsp::MessageType::INFO, format!("Created {}", path.display())).await;
        }
        Ok(serde_json::to_value(ext::TestSkeletonResult {
            uri: uri.as_str().to_string(),
            created: true,
            applied: true,
        })
        .ok())
    }
}

/// What the test skeleton needs to know of the project around a file.
struct Project {
    framework: Framework,
    /// `"type": "module"` in package.json.
    esm: bool,
    /// The folder's other tests are named `*.spec.*`.
    prefer_spec: bool,
}

impl Project {
    fn of(source: &Path) -> Self {
        let package = source.ancestors().skip(1).find_map(|dir| std::fs::read_to_string(dir.join("package.json")).ok());
        let framework = package.as_deref().map_or(Framework::NodeTest, skeleton::detect_framework);
        let esm = package
            .as_deref()
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .is_some_and(|p| p.get("type").and_then(serde_json::Value::as_str) == Some("module"));
        let prefer_spec = source.parent().and_then(|d| std::fs::read_dir(d).ok()).is_some_and(|entries| {
            let names: Vec<String> =
                entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
            let spec = names.iter().filter(|n| n.contains(".spec.")).count();
            let test = names.iter().filter(|n| n.contains(".test.")).count();
            spec > test
        });
        Self { framework, esm, prefer_spec }
    }

    /// node:test in an ES module package runs the compiled `.js` files, so
    /// imports name them.
    fn esm_extension(&self) -> Option<&'static str> {
        (self.esm && self.framework == Framework::NodeTest).then_some(".js")
    }
}

/// "Generate unit test skeleton" for the exported symbol at `at`, and for
/// every export of the file.
fn skeleton_actions(uri: &lsp::Uri, path: &Path, text: &str, at: lsp::Position) -> Vec<lsp::CodeActionOrCommand> {
    let Some(lang) = Lang::of(path).filter(|l| matches!(l, Lang::TypeScript | Lang::Tsx | Lang::JavaScript)) else {
        return Vec::new();
    };
    if skeleton::is_test_file(path) {
        return Vec::new();
    }
    let exported = skeleton::exported_symbols(lang, text);
    let at = convert::from_position(at);
    let Some(here) = exported.iter().find(|s| s.span.start <= at && at <= s.span.end) else { return Vec::new() };
    let action = |title: String, symbol: Option<String>| {
        let args = ext::TestSkeletonParams { uri: uri.as_str().to_string(), symbol };
        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: title.clone(),
            kind: Some(lsp::CodeActionKind::new("source.generateTests")),
            command: Some(lsp::Command {
                title,
                command: ext::TEST_SKELETON.into(),
                arguments: Some(vec![serde_json::to_value(args).unwrap_or_default()]),
            }),
            ..lsp::CodeAction::default()
        })
    };
    let name = here.display_name(path);
    let mut actions = vec![action(format!("Generate unit test skeleton for {name}"), Some(name))];
    if exported.len() > 1 {
        actions.push(action(format!("Generate unit test skeletons for all {} exports", exported.len()), None));
    }
    actions
}

/// The edits that replace a secret string literal with a read of an
/// environment variable, and the variable's name: `process.env.NAME` in
/// TypeScript and JavaScript, `os.environ["NAME"]` in Python (adding
/// `import os` when missing). `None` when the secret is not a whole string
/// literal or the language has no obvious way.
pub(super) fn env_var_fix(
    path: &Path,
    text: &str,
    range: lsp::Range,
    rule: &str,
) -> Option<(Vec<lsp::TextEdit>, String)> {
    let lang = Lang::of(path)?;
    let index = LineIndex::new(text);
    let start = index.offset(text, convert::from_position(range.start));
    let end = index.offset(text, convert::from_position(range.end));
    let quote = text.get(..start)?.chars().next_back()?;
    if !matches!(quote, '"' | '\'' | '`') || text.get(end..)?.chars().next()? != quote {
        return None;
    }
    let (lit_start, lit_end) = (start - 1, end + 1);
    let var = env_var_name(text.get(..lit_start)?, rule);
    let mut edits = Vec::new();
    let replacement = match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => format!("process.env.{var}"),
        Lang::Python => {
            let has_import = text.lines().any(|l| {
                let l = l.trim();
                l == "import os"
                    || l.starts_with("import os ")
                    || l.starts_with("import os,")
                    || l.starts_with("import os#")
            });
            if !has_import {
                edits.push(lsp::TextEdit { range: lsp::Range::default(), new_text: "import os\n".into() });
            }
            format!("os.environ[\"{var}\"]")
        }
        _ => return None,
    };
    edits.push(lsp::TextEdit { range: convert::range(index.range(text, lit_start, lit_end)), new_text: replacement });
    Some((edits, var))
}

/// The variable's name: from the identifier the literal is assigned to
/// (`stripeKey = "..."` → `STRIPE_KEY`), else from the rule
/// (`aws-access-key-id` → `AWS_ACCESS_KEY_ID`).
fn env_var_name(before: &str, rule: &str) -> String {
    let line = before.rsplit('\n').next().unwrap_or("");
    let trimmed = line.trim_end();
    let assigned = trimmed
        .strip_suffix('=')
        .or_else(|| trimmed.strip_suffix(':'))
        .map(|s| s.trim_end().trim_end_matches(['"', '\'']))
        .and_then(|s| {
            let ident: String = s
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            (!ident.is_empty() && !ident.chars().all(|c| c.is_ascii_digit())).then_some(ident)
        });
    match assigned {
        Some(ident) => screaming_snake(&ident),
        None => rule.replace('-', "_").to_ascii_uppercase(),
    }
}

fn screaming_snake(ident: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in ident.chars() {
        if c.is_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        if c == '-' {
            out.push('_');
        } else {
            out.extend(c.to_uppercase());
        }
    }
    out
}

/// Hints on an open file that changed since a done task was proven against
/// it (`specwright.tasks.driftHints`): the spec's `.config.kiro` records
/// the hash of every file a ticked task touched.
fn drift_diagnostics(world: &super::world::World, path: &Path) -> Vec<lsp::Diagnostic> {
    let (Some(root), Some(doc)) = (world.root_of(path), world.open.get(path)) else { return Vec::new() };
    let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let hash = specwright_hooks::trust::file_hash(&doc.text);
    let mut out = Vec::new();
    for (dir, snap) in world.specs.iter().filter(|(dir, _)| dir.starts_with(root)) {
        let Some(config) = &snap.spec.config else { continue };
        for task in specwright_runtime::tasks::drift::drifted(&config.doc.text, &rel, &hash) {
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            out.push(lsp::Diagnostic {
                range: lsp::Range::default(),
                severity: Some(lsp::DiagnosticSeverity::HINT),
                code: Some(lsp::NumberOrString::String("task-drift".into())),
                source: Some("specwright".into()),
                message: format!(
                    "task {task} of spec '{name}' was done against an older version of this file; check it still holds"
                ),
                ..lsp::Diagnostic::default()
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names_come_from_the_assignment_or_the_rule() {
        assert_eq!(env_var_name("const stripeKey = ", "stripe-secret-key"), "STRIPE_KEY");
        assert_eq!(env_var_name("  apiToken: ", "generic-secret-assignment"), "API_TOKEN");
        assert_eq!(env_var_name("  \"db_password\": ", "x"), "DB_PASSWORD");
        assert_eq!(env_var_name("connect(", "aws-access-key-id"), "AWS_ACCESS_KEY_ID");
        assert_eq!(env_var_name("let x = [\n  ", "npm-access-token"), "NPM_ACCESS_TOKEN");
    }
}
