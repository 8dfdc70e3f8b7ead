//! Chat for any LSP editor, through a document: the code action "Ask
//! Specwright…" (on a selection, in any file of a workspace folder, or in a
//! spec) runs `specwright.chat.openDocument`, which starts a session,
//! writes `.kiro/chat/<session>.md` and opens it with `window/showDocument`.
//! Saving that document with text under its last `## You` sends the text as
//! a turn; the answer is appended with `workspace/applyEdit`. The format is
//! [`specwright_runtime::chat_document`]'s.

use std::path::{Path, PathBuf};

use specwright_agent::session::SessionStore;
use specwright_runtime::chat::new_session;
use specwright_runtime::chat_document;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::chat::ChatEnv;
use super::server::Server;
use super::{convert, ext};

/// The "Ask Specwright…" action for `uri` at `range`, when the file belongs
/// to a workspace folder and is not a chat document itself.
pub(super) fn code_action(
    root: Option<&Path>,
    path: &Path,
    uri: &lsp::Uri,
    range: lsp::Range,
) -> Option<lsp::CodeActionOrCommand> {
    let root = root?;
    let rel = path.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/");
    if chat_document::is_chat_document(&rel) {
        return None;
    }
    let args = ext::ChatOpenDocumentParams { uri: uri.as_str().to_string(), range: Some(range) };
    let command = lsp::Command {
        title: "Ask Specwright…".into(),
        command: ext::CHAT_OPEN_DOCUMENT.into(),
        arguments: Some(vec![serde_json::to_value(args).ok()?]),
    };
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: command.title.clone(),
        kind: Some(lsp::CodeActionKind::new("source.askSpecwright")),
        command: Some(command),
        ..lsp::CodeAction::default()
    }))
}

impl Server {
    /// `specwright.chat.openDocument {uri, range?}`: a new session about the
    /// file (its selected lines quoted; a spec document makes the session
    /// about that spec), its document written and shown.
    pub(super) async fn execute_chat_open_document(
        &self,
        args: Vec<serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let params: ext::ChatOpenDocumentParams = super::server::one_argument(args, "{uri, range?}")?;
        let path = params
            .uri
            .parse::<lsp::Uri>()
            .ok()
            .and_then(|u| convert::path(&u))
            .ok_or_else(|| Error::invalid_params(format!("not a file URI: {}", params.uri)))?;
        let (root, path) = super::paths::confine(&self.world().roots, &path).map_err(Error::invalid_params)?;
        let data = self.chats.data_dir.clone().ok_or_else(|| {
            Error::invalid_params("there is no data folder to keep chat sessions in (set SPECWRIGHT_DATA_DIR)")
        })?;
        let store = SessionStore::new(&data, &root);
        let rel = path.strip_prefix(&root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let spec = spec_of(&root, &path);
        let text = self.chat_env().current_text(&path);
        let about = about(&rel, text.as_deref(), params.range, spec.as_deref());
        let title = path.file_name().map_or_else(|| rel.clone(), |n| n.to_string_lossy().into_owned());
        let autopilot = self.chats.settings.read().unwrap_or_else(|e| e.into_inner()).autopilot;
        let session = new_session(&store, Some(title.clone()), spec, autopilot);
        store.save(&session).map_err(|e| Error::invalid_params(format!("cannot save the session: {e}")))?;
        let document = root.join(chat_document::relative_path(&session.id));
        let content = chat_document::new_document(&session.id, &title, Some(&about));
        self.create_document(&document, &content).await?;
        let uri = convert::uri(&document).ok_or_else(|| Error::invalid_params("the chat document has no URI"))?;
        self.show(uri.clone()).await;
        Ok(serde_json::to_value(ext::ChatOpenDocumentResult { session: session.id, uri: uri.as_str().into() }).ok())
    }

    /// Creates `path` with `text`: through the editor when it can create
    /// files, else atomically on disk.
    async fn create_document(&self, path: &Path, text: &str) -> Result<()> {
        let flags = self.flags.read().map(|f| *f).unwrap_or_default();
        let change = specwright_agent::FileChange::Write { path: path.to_path_buf(), old: None, new: text.into() };
        if let Some(edit) = super::chat::workspace_edit(&change, flags)
            && let Ok(response) = self.client.apply_edit(edit).await
            && response.applied
        {
            return Ok(());
        }
        let result = tokio::task::spawn_blocking(move || specwright_agent::host::apply_on_disk(&change)).await;
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Error::invalid_params(format!("cannot write the chat document: {e}"))),
            Err(e) => Err(Error::invalid_params(format!("cannot write the chat document: {e}"))),
        }
    }

    /// After a save: a chat document with a new question sends it, in a
    /// task of its own (a turn takes long; the notification must not wait).
    pub(super) fn chat_document_saved(&self, path: &Path) {
        let Some(root) = self.world().root_of(path).cloned() else { return };
        let rel = path.strip_prefix(&root).unwrap_or(path).to_string_lossy().replace('\\', "/");
        if !chat_document::is_chat_document(&rel) {
            return;
        }
        let Some(data) = self.chats.data_dir.clone() else { return };
        let env = self.chat_env();
        let path = path.to_path_buf();
        tokio::spawn(async move { answer_document(env, root, data, path).await });
    }
}

/// Sends the pending question of the chat document `path` and appends the
/// answer. Errors are shown to the user; nothing in the document is lost
/// (the answer is only ever appended).
async fn answer_document(env: ChatEnv, root: PathBuf, data: PathBuf, path: PathBuf) {
    let Some(text) = env.current_text(&path) else { return };
    let Some(pending) = chat_document::pending(&text) else { return };
    let store = SessionStore::new(&data, &root);
    let Some(session) = store.load(&pending.session) else {
        let message = format!("Specwright: the chat session {} of this document no longer exists.", pending.session);
        env.client.show_message(lsp::MessageType::WARNING, message).await;
        return;
    };
    let (answer, tool_lines) = match env.turn(&root, &store, session, &pending.prompt, &[]).await {
        Ok(done) => {
            let answer = match &done.outcome.stop {
                specwright_agent::StopReason::ModelError(e) => format!("_The model failed: {e}_"),
                specwright_agent::StopReason::Cancelled => "_Cancelled._".into(),
                _ => done.outcome.text.clone(),
            };
            (answer, done.tool_lines)
        }
        Err(e) => {
            // A turn already running for this session: the save is ignored.
            env.client.show_message(lsp::MessageType::WARNING, format!("Specwright: {}", e.message)).await;
            return;
        }
    };
    // The document as it is now (the user may have typed meanwhile): the
    // answer goes at its end.
    let Some(now) = env.current_text(&path) else { return };
    let block = chat_document::answer_block(&now, &answer, &tool_lines);
    if let Err(e) = append(&env, &path, &now, &block).await {
        env.client.show_message(lsp::MessageType::ERROR, format!("Specwright: the answer was not written: {e}")).await;
    }
}

/// Appends `block` to the document whose text is `now`: through the editor,
/// else (an editor that refuses, a document no editor has open) atomically
/// on disk, if the disk still holds `now`.
async fn append(env: &ChatEnv, path: &Path, now: &str, block: &str) -> std::result::Result<(), String> {
    let uri = convert::uri(path).ok_or("the document has no URI")?;
    let end = super::chat::end_of(now);
    let edit = lsp::TextEdit { range: lsp::Range::new(end, end), new_text: block.to_string() };
    let edit = lsp::WorkspaceEdit { changes: Some([(uri, vec![edit])].into_iter().collect()), ..Default::default() };
    if let Ok(response) = env.client.apply_edit(edit).await
        && response.applied
    {
        return Ok(());
    }
    let change = specwright_agent::FileChange::Write {
        path: path.to_path_buf(),
        old: Some(now.to_string()),
        new: format!("{now}{block}"),
    };
    tokio::task::spawn_blocking(move || specwright_agent::host::apply_on_disk(&change))
        .await
        .map_err(|e| format!("the write did not finish: {e}"))?
}

/// The spec a path belongs to (`.kiro/specs/<name>/…`).
fn spec_of(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root.join(".kiro").join("specs")).ok()?;
    rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned())
}

/// What the first question is about: the selected lines, quoted; the spec;
/// or the file.
fn about(rel: &str, text: Option<&str>, range: Option<lsp::Range>, spec: Option<&str>) -> String {
    if let Some(spec) = spec {
        return format!("About the spec `{spec}` (`{rel}`):");
    }
    let selected = range.filter(|r| r.start != r.end).zip(text).map(|(r, text)| {
        let lines: Vec<&str> = text
            .lines()
            .skip(r.start.line as usize)
            .take(r.end.line.saturating_sub(r.start.line) as usize + 1)
            .collect();
        (r.start.line + 1, r.start.line + lines.len() as u32, lines.join("\n"))
    });
    match selected {
        Some((first, last, lines)) if !lines.trim().is_empty() => {
            let fence = if lines.contains("```") { "````" } else { "```" };
            let lang = rel.rsplit('.').next().filter(|e| *e != rel).unwrap_or("");
            format!("About `{rel}` lines {first}–{last}:\n{fence}{lang}\n{lines}\n{fence}")
        }
        _ => format!("About `{rel}`:"),
    }
}
