//! A small JSON-RPC LSP client for the tests: Content-Length framing over
//! any tokio `AsyncRead`/`AsyncWrite` pair, a background reader that answers
//! the server's requests (`workspace/applyEdit`, `client/registerCapability`,
//! `window/workDoneProgress/create`) and collects its notifications, and
//! helpers to build fixture workspaces in a temporary folder.
//!
//! The reader is strict: anything on the server's output that is not a
//! well-formed LSP frame carrying a JSON-RPC 2.0 message is recorded as a
//! protocol error, and reading stops there.

#![allow(dead_code)] // Each test binary uses a different part of the support code.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;
use tower_lsp_server::ls_types::Uri;

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Awaits `fut`, failing the test after [`TIMEOUT`] instead of hanging.
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(TIMEOUT, fut).await {
        Ok(v) => v,
        Err(_) => panic!("timed out after {TIMEOUT:?} waiting for {what}"),
    }
}

// ---------------------------------------------------------------------------
// Text helpers (LSP coordinates: 0-based lines, UTF-16 columns).

/// The `file://` URI of a path, as the server spells it.
/// The Python of .venv-test (pytest and the MCP SDK), made by
/// scripts/setup-test-tools; panics (never skips) naming `what` is needed.
pub fn venv_python(what: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-test/bin/python");
    assert!(
        venv.exists(),
        "{what} needed: run scripts/setup-test-tools (scripts/test does) to create {}",
        venv.display()
    );
    venv
}

pub fn uri(path: &Path) -> String {
    Uri::from_file_path(path).unwrap_or_else(|| panic!("no URI for {}", path.display())).as_str().to_string()
}

/// The path of a `file://` URI.
pub fn path_of(uri: &str) -> PathBuf {
    let parsed: Uri = uri.parse().unwrap_or_else(|_| panic!("not a URI: {uri}"));
    parsed.to_file_path().unwrap_or_else(|| panic!("not a file URI: {uri}")).into_owned()
}

/// The LSP position of byte offset `offset` in `text`.
pub fn position_at(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    (u32::try_from(line).expect("line fits"), u32::try_from(character).expect("column fits"))
}

/// The position of the first occurrence of `needle` (the test fails when absent).
pub fn pos_of(text: &str, needle: &str) -> (u32, u32) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not found in fixture"));
    position_at(text, offset)
}

/// The position of `needle` in the first line that contains `line_needle`.
pub fn pos_in_line(text: &str, line_needle: &str, needle: &str) -> (u32, u32) {
    let line_start = text.find(line_needle).map(|i| text[..i].rfind('\n').map_or(0, |j| j + 1));
    let line_start = line_start.unwrap_or_else(|| panic!("{line_needle:?} not found in fixture"));
    let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
    let at =
        text[line_start..line_end].find(needle).unwrap_or_else(|| panic!("{needle:?} not in line {line_needle:?}"));
    position_at(text, line_start + at)
}

/// The 0-based line of the first line that contains `needle`.
pub fn line_of(text: &str, needle: &str) -> u32 {
    pos_of(text, needle).0
}

/// The byte offset of an LSP position, `None` when the position is not in the text.
pub fn offset_at(text: &str, line: u32, character: u32) -> Option<usize> {
    let mut start = 0;
    for _ in 0..line {
        start += text[start..].find('\n')? + 1;
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0u32;
    for (i, ch) in text[start..end].char_indices() {
        if units == character {
            return Some(start + i);
        }
        if units > character {
            return None;
        }
        units += u32::try_from(ch.len_utf16()).ok()?;
    }
    (units == character).then_some(end)
}

/// `{"start": {...}, "end": {...}}`.
pub fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

/// Reads a `Range` JSON value as `(start line, start char, end line, end char)`.
pub fn range_tuple(r: &Value) -> (u64, u64, u64, u64) {
    let n = |v: &Value| v.as_u64().unwrap_or_else(|| panic!("not a range: {r}"));
    (n(&r["start"]["line"]), n(&r["start"]["character"]), n(&r["end"]["line"]), n(&r["end"]["character"]))
}

/// Applies LSP text edits (all relative to the original text) to `text`.
pub fn apply_text_edits(text: &str, edits: &[Value]) -> Result<String, String> {
    let mut spans = Vec::new();
    for edit in edits {
        let (l1, c1, l2, c2) = range_tuple(&edit["range"]);
        let to_u32 = |n: u64| u32::try_from(n).map_err(|e| e.to_string());
        let start =
            offset_at(text, to_u32(l1)?, to_u32(c1)?).ok_or_else(|| format!("edit start outside the text: {edit}"))?;
        let end =
            offset_at(text, to_u32(l2)?, to_u32(c2)?).ok_or_else(|| format!("edit end outside the text: {edit}"))?;
        if end < start {
            return Err(format!("reversed edit range: {edit}"));
        }
        let new_text = edit["newText"].as_str().ok_or_else(|| format!("edit without newText: {edit}"))?;
        spans.push((start, end, new_text.to_string()));
    }
    spans.sort_by_key(|(s, e, _)| (*s, *e));
    if spans.windows(2).any(|w| w[0].1 > w[1].0) {
        return Err("overlapping edits".into());
    }
    let mut out = text.to_string();
    for (start, end, new_text) in spans.into_iter().rev() {
        out.replace_range(start..end, &new_text);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Fixture workspaces.

/// A fresh data folder for one server (never the user's own).
pub fn new_data_dir() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "specwright-data-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A folder under the system's temporary directory, removed on drop.
pub struct TempWorkspace {
    pub root: PathBuf,
}

impl TempWorkspace {
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!(
            "specwright-test-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let root = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&root).expect("create the temporary workspace");
        // The server reports canonical paths (macOS's /var is /private/var).
        let root = root.canonicalize().expect("canonical temporary workspace");
        Self { root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn uri(&self, rel: &str) -> String {
        uri(&self.path(rel))
    }

    /// Writes `text` to `rel`, creating folders; returns the file's path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create fixture folders");
        }
        std::fs::write(&path, text).expect("write fixture file");
        path
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read fixture file")
    }
}

impl Drop for TempWorkspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The `demo` spec used by most tests.
pub mod demo {
    use super::TempWorkspace;

    pub const DIR: &str = ".kiro/specs/demo";
    pub const REQUIREMENTS_PATH: &str = ".kiro/specs/demo/requirements.md";
    pub const DESIGN_PATH: &str = ".kiro/specs/demo/design.md";
    pub const TASKS_PATH: &str = ".kiro/specs/demo/tasks.md";

    pub const REQUIREMENTS: &str = "\
# Requirements Document

## Introduction

A demo feature for the language server tests.

## Requirements

### Requirement 1: User login

**User Story:** As a user, I want to log in, so that I can see my data.

#### Acceptance Criteria

1. WHEN the user submits valid credentials, THE Auth_Service SHALL create a session
2. IF the password is wrong, THEN THE Auth_Service SHALL reject the login
3. The login page looks friendly

### Requirement 2: Session expiry

**User Story:** As an administrator, I want idle sessions to expire, so that stale sessions close.

#### Acceptance Criteria

1. WHEN a session is idle for 30 minutes, THE Auth_Service SHALL end the session
2. THE Auth_Service SHALL record every expiry in the audit log

### Requirement 3: Audit export

**User Story:** As an auditor, I want to export the audit log, so that I can review it offline.

#### Acceptance Criteria

1. WHEN an auditor requests an export, THE Audit_Service SHALL produce a CSV file
";

    pub const DESIGN: &str = "\
# Design Document

## Overview

Sessions are created at login and expire when idle.

## Correctness Properties

### Property 1: Valid credentials create a session

*For any* valid credentials, logging in creates exactly one session.

**Validates: Requirements 1.1**

## Testing Strategy

Property tests for the session store.
";

    pub const TASKS: &str = "\
# Implementation Plan

- [ ] 1. Set up authentication
  - Create the auth module and its error types
  - _Requirements: 1.2_

  - [x] 1.1 Implement the login handler
    - _Requirements: 1.1, 1.2_

- [ ] 2. Implement session expiry
  - _Requirements: 2.1-2.2_

- [ ] 3. Write the audit trail
  - _Requirements: 9.9_
";

    /// Writes the demo spec under `ws`.
    pub fn write(ws: &TempWorkspace) {
        ws.write(REQUIREMENTS_PATH, REQUIREMENTS);
        ws.write(DESIGN_PATH, DESIGN);
        ws.write(TASKS_PATH, TASKS);
    }
}

// ---------------------------------------------------------------------------
// The client.

/// What the client answers to `workspace/applyEdit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditPolicy {
    /// Apply the edit (to the open copy, else to the file on disk) and reply `applied: true`.
    #[default]
    Apply,
    /// Reply `applied: false` without touching anything.
    Refuse,
}

/// A document the client has open.
#[derive(Debug, Clone)]
pub struct OpenDoc {
    pub text: String,
    pub version: i32,
}

/// What a test client accepts of a reviewed file, given its URI.
pub type ReviewAnswer = Arc<dyn Fn(&str) -> Value + Send + Sync>;

#[derive(Default)]
pub struct Inbox {
    /// Every `textDocument/publishDiagnostics` params, by URI, in arrival order.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// Every notification from the server (method, params).
    pub notifications: Vec<(String, Value)>,
    /// When each notification arrived (parallel to `notifications`).
    pub arrivals: Vec<std::time::Instant>,
    /// Every request from the server (method, params).
    pub server_requests: Vec<(String, Value)>,
    /// Replies the client sent to `workspace/applyEdit` (in order).
    pub apply_edit_replies: Vec<Value>,
    /// Anything on the server's output that was not a valid LSP message.
    pub protocol_errors: Vec<String>,
    /// Frames read.
    pub frames: usize,
    /// The reader stopped (end of stream or protocol error).
    pub closed: bool,
    /// The stream ended between two frames.
    pub clean_eof: bool,
    pub docs: HashMap<String, OpenDoc>,
    pub edit_policy: EditPolicy,
    /// The title the client picks when the server asks with
    /// `window/showMessageRequest`; `None` dismisses the question.
    pub message_answer: Option<String>,
    /// What the client accepts of each file a `specwright/reviewEdits`
    /// request proposes, given its URI (`true`, `false` or hunk indices);
    /// `None` answers null.
    pub review_answer: Option<ReviewAnswer>,
    pending: HashMap<i64, oneshot::Sender<Value>>,
}

#[derive(Default)]
struct Shared {
    inbox: Mutex<Inbox>,
    changed: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inbox> {
        self.inbox.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type Writer = Arc<tokio::sync::Mutex<Box<dyn AsyncWrite + Send + Unpin>>>;

pub struct Client {
    writer: Writer,
    shared: Arc<Shared>,
    next_id: AtomicI64,
    reader: JoinHandle<()>,
    server: Option<JoinHandle<()>>,
    child: Option<tokio::process::Child>,
    /// The server's data folder (the hook trust record), private to this client.
    data_dir: PathBuf,
}

impl Drop for Client {
    fn drop(&mut self) {
        if !self.data_dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
        self.reader.abort();
        if let Some(server) = &self.server {
            server.abort();
        }
        if let Some(child) = &mut self.child {
            let _ = child.start_kill();
        }
    }
}

async fn write_frame(writer: &Writer, message: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(&body);
    let mut w = writer.lock().await;
    w.write_all(&frame).await?;
    w.flush().await
}

/// Reads one frame. `Ok(None)` at a clean end of stream.
async fn read_frame<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Result<Option<Value>, String> {
    let mut length: Option<usize> = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = reader.read_until(b'\n', &mut line).await.map_err(|e| format!("read error: {e}"))?;
        if n == 0 {
            return if first { Ok(None) } else { Err("end of stream inside a frame header".into()) };
        }
        first = false;
        let Some(line) = line.strip_suffix(b"\r\n") else {
            return Err(format!("header line not ended by CRLF: {:?}", String::from_utf8_lossy(&line)));
        };
        if line.is_empty() {
            break;
        }
        let line = std::str::from_utf8(line).map_err(|_| "header is not UTF-8".to_string())?;
        let (name, value) = line.split_once(':').ok_or_else(|| format!("not a header: {line:?}"))?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(value.trim().parse().map_err(|_| format!("bad Content-Length: {line:?}"))?);
            }
            "content-type" => {}
            other => return Err(format!("unexpected header {other:?}")),
        }
    }
    let length = length.ok_or("frame without Content-Length")?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.map_err(|e| format!("frame body cut short: {e}"))?;
    let message: Value = serde_json::from_slice(&body)
        .map_err(|e| format!("frame body is not JSON ({e}): {:?}", String::from_utf8_lossy(&body)))?;
    if message.get("jsonrpc") != Some(&json!("2.0")) {
        return Err(format!("not a JSON-RPC 2.0 message: {message}"));
    }
    Ok(Some(message))
}

/// Applies a `WorkspaceEdit` to the open copies (version-checked) or to disk.
fn apply_workspace_edit(inbox: &mut Inbox, edit: &Value) -> Result<(), String> {
    let mut per_doc: Vec<(String, Option<i64>, Vec<Value>)> = Vec::new();
    if let Some(changes) = edit.get("documentChanges").filter(|v| !v.is_null()) {
        for change in changes.as_array().ok_or("documentChanges is not an array")? {
            match change.get("kind").and_then(Value::as_str) {
                None => {}
                Some("create") => {
                    // Created empty, as an editor does; the text edit that follows fills it.
                    let path = path_of(change["uri"].as_str().ok_or("create without uri")?);
                    let overwrite = change["options"]["overwrite"].as_bool().unwrap_or(false);
                    if overwrite || !path.exists() {
                        if let Some(dir) = path.parent() {
                            std::fs::create_dir_all(dir)
                                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                        }
                        std::fs::write(&path, "").map_err(|e| format!("cannot create {}: {e}", path.display()))?;
                    }
                    continue;
                }
                Some("delete") => {
                    // As an editor does: the file goes, and its open copy closes.
                    let uri = change["uri"].as_str().ok_or("delete without uri")?;
                    std::fs::remove_file(path_of(uri)).map_err(|e| format!("cannot delete {uri}: {e}"))?;
                    inbox.docs.remove(uri);
                    continue;
                }
                Some(other) => return Err(format!("resource operation {other} is not supported: {change}")),
            }
            let uri = change["textDocument"]["uri"].as_str().ok_or("documentChange without uri")?;
            let version = change["textDocument"]["version"].as_i64();
            let edits = change["edits"].as_array().ok_or("documentChange without edits")?.clone();
            per_doc.push((uri.to_string(), version, edits));
        }
    }
    if let Some(changes) = edit.get("changes").filter(|v| !v.is_null()) {
        for (uri, edits) in changes.as_object().ok_or("changes is not an object")? {
            per_doc.push((uri.clone(), None, edits.as_array().ok_or("edits is not an array")?.clone()));
        }
    }
    // Validate everything before changing anything.
    let mut results = Vec::new();
    for (uri, version, edits) in per_doc {
        match inbox.docs.get(&uri) {
            Some(doc) => {
                if let Some(v) = version.filter(|&v| v != i64::from(doc.version)) {
                    return Err(format!("version mismatch for {uri}: edit for {v}, document at {}", doc.version));
                }
                results.push((uri, None, apply_text_edits(&doc.text, &edits)?));
            }
            None => {
                let path = path_of(&uri);
                let text =
                    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                results.push((uri, Some(path), apply_text_edits(&text, &edits)?));
            }
        }
    }
    for (uri, path, text) in results {
        match path {
            None => {
                if let Some(doc) = inbox.docs.get_mut(&uri) {
                    doc.text = text;
                }
            }
            Some(path) => std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        }
    }
    Ok(())
}

async fn reader_loop<R: AsyncRead + Unpin>(input: R, writer: Writer, shared: Arc<Shared>) {
    let mut input = BufReader::new(input);
    loop {
        let message = match read_frame(&mut input).await {
            Ok(Some(m)) => m,
            Ok(None) => {
                let mut inbox = shared.lock();
                inbox.closed = true;
                inbox.clean_eof = true;
                inbox.pending.clear();
                drop(inbox);
                shared.changed.notify_waiters();
                return;
            }
            Err(e) => {
                let mut inbox = shared.lock();
                inbox.protocol_errors.push(e);
                inbox.closed = true;
                inbox.pending.clear();
                drop(inbox);
                shared.changed.notify_waiters();
                return;
            }
        };
        let method = message.get("method").and_then(Value::as_str).map(str::to_string);
        let id = message.get("id").cloned();
        match (method, id) {
            (None, Some(id)) => {
                let sender = id.as_i64().and_then(|id| shared.lock().pending.remove(&id));
                match sender {
                    Some(sender) => {
                        let _ = sender.send(message);
                    }
                    None if id.is_null() => {
                        // An error about a message the server could not read.
                        let mut inbox = shared.lock();
                        inbox.notifications.push(("<response without id>".into(), message));
                        inbox.arrivals.push(std::time::Instant::now());
                    }
                    None => shared.lock().protocol_errors.push(format!("response to an unknown request: {message}")),
                }
            }
            (Some(method), Some(id)) => {
                let params = message.get("params").cloned().unwrap_or(Value::Null);
                let reply = {
                    let mut inbox = shared.lock();
                    inbox.frames += 1;
                    inbox.server_requests.push((method.clone(), params.clone()));
                    match method.as_str() {
                        "workspace/applyEdit" => {
                            let result = match inbox.edit_policy {
                                EditPolicy::Refuse => json!({"applied": false, "failureReason": "refused by the test"}),
                                EditPolicy::Apply => match apply_workspace_edit(&mut inbox, &params["edit"]) {
                                    Ok(()) => json!({"applied": true}),
                                    Err(reason) => json!({"applied": false, "failureReason": reason}),
                                },
                            };
                            inbox.apply_edit_replies.push(result.clone());
                            json!({"jsonrpc": "2.0", "id": id, "result": result})
                        }
                        "window/showDocument" => json!({"jsonrpc": "2.0", "id": id, "result": {"success": true}}),
                        "window/showMessageRequest" => {
                            let answer = inbox.message_answer.as_ref().map(|title| json!({"title": title}));
                            json!({"jsonrpc": "2.0", "id": id, "result": answer})
                        }
                        "specwright/reviewEdits" => {
                            let answer = inbox.review_answer.as_ref().map(|accepted| {
                                let files: Vec<Value> = params["files"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(|f| {
                                        let uri = f["uri"].as_str().unwrap_or_default();
                                        json!({"uri": uri, "accepted": accepted(uri)})
                                    })
                                    .collect();
                                json!({"files": files})
                            });
                            json!({"jsonrpc": "2.0", "id": id, "result": answer})
                        }
                        "client/registerCapability"
                        | "client/unregisterCapability"
                        | "window/workDoneProgress/create" => json!({"jsonrpc": "2.0", "id": id, "result": null}),
                        "workspace/configuration" => {
                            let n = params["items"].as_array().map_or(0, Vec::len);
                            json!({"jsonrpc": "2.0", "id": id, "result": vec![Value::Null; n]})
                        }
                        _ => {
                            json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": format!("unhandled {method}")}})
                        }
                    }
                };
                shared.changed.notify_waiters();
                if let Err(e) = write_frame(&writer, &reply).await {
                    shared.lock().protocol_errors.push(format!("cannot answer {method}: {e}"));
                }
                continue;
            }
            (Some(method), None) => {
                let params = message.get("params").cloned().unwrap_or(Value::Null);
                let mut inbox = shared.lock();
                if method == "textDocument/publishDiagnostics" {
                    let uri = params["uri"].as_str().unwrap_or_default().to_string();
                    inbox.diagnostics.entry(uri).or_default().push(params.clone());
                }
                inbox.notifications.push((method, params));
                inbox.arrivals.push(std::time::Instant::now());
            }
            (None, None) => shared.lock().protocol_errors.push(format!("neither a request nor a response: {message}")),
        }
        shared.lock().frames += 1;
        shared.changed.notify_waiters();
    }
}

impl Client {
    /// Starts a client on a pair of streams connected to a server.
    pub fn connect<R, W>(input: R, output: W) -> Self
    where
        R: AsyncRead + Send + Unpin + 'static,
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(Box::new(output)));
        let shared = Arc::new(Shared::default());
        let reader = tokio::spawn(reader_loop(input, Arc::clone(&writer), Arc::clone(&shared)));
        Self { writer, shared, next_id: AtomicI64::new(1), reader, server: None, child: None, data_dir: new_data_dir() }
    }

    /// A server running in this process on in-memory pipes.
    pub fn in_process() -> Self {
        let (client_end, server_end) = tokio::io::duplex(1 << 16);
        let (server_in, server_out) = tokio::io::split(server_end);
        let (client_in, client_out) = tokio::io::split(client_end);
        let mut client = Self::connect(client_in, client_out);
        let options = specwright::lsp::ServerOptions {
            data_dir: Some(client.data_dir.clone()),
            cache_dir: Some(client.data_dir.join("cache")),
        };
        client.server = Some(tokio::spawn(specwright::lsp::serve_with(server_in, server_out, options)));
        client
    }

    /// A server in this process that keeps its data (trust record, chat
    /// sessions) in `data_dir`, as a restarted server of the same user would.
    pub fn in_process_in(data_dir: &Path) -> Self {
        let (client_end, server_end) = tokio::io::duplex(1 << 16);
        let (server_in, server_out) = tokio::io::split(server_end);
        let (client_in, client_out) = tokio::io::split(client_end);
        let mut client = Self::connect(client_in, client_out);
        // The caller owns the folder: this client leaves it in place.
        client.data_dir = PathBuf::new();
        let options = specwright::lsp::ServerOptions {
            data_dir: Some(data_dir.to_path_buf()),
            cache_dir: Some(data_dir.join("cache")),
        };
        client.server = Some(tokio::spawn(specwright::lsp::serve_with(server_in, server_out, options)));
        client
    }

    /// The server's data folder (where it keeps the hook trust record).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Answer the server's `window/showMessageRequest`s with `title`
    /// (`None`: dismiss them).
    pub fn set_message_answer(&self, title: Option<&str>) {
        self.inbox().message_answer = title.map(str::to_string);
    }

    /// Answer the server's `specwright/reviewEdits` by accepting `accepted`
    /// (`true`, `false` or hunk indices) of every file.
    pub fn set_review_answer(&self, accepted: Value) {
        self.set_review_answer_by(move |_| accepted.clone());
    }

    /// Answer the server's `specwright/reviewEdits` with what `accepted`
    /// says of each file's URI.
    pub fn set_review_answer_by(&self, accepted: impl Fn(&str) -> Value + Send + Sync + 'static) {
        self.inbox().review_answer = Some(Arc::new(accepted));
    }

    /// Trusts the workspace's hooks (`specwright.hooks.trust`), as a user
    /// would before hooks run.
    pub async fn trust_hooks(&self) -> Value {
        self.request_ok("workspace/executeCommand", json!({"command": "specwright.hooks.trust", "arguments": []})).await
    }

    /// The real binary, `specwright lsp --stdio`.
    pub fn spawn_binary() -> Self {
        Self::spawn_binary_with(&["lsp", "--stdio"])
    }

    /// The real binary with these arguments, serving over its stdio.
    pub fn spawn_binary_with(args: &[&str]) -> Self {
        Self::spawn_binary_with_env(args, &[])
    }

    /// The real binary with these arguments and extra environment variables.
    pub fn spawn_binary_with_env(args: &[&str], env: &[(&str, &Path)]) -> Self {
        let data_dir = new_data_dir();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .env("SPECWRIGHT_DATA_DIR", &data_dir)
            .env("SPECWRIGHT_CACHE_DIR", data_dir.join("cache"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn the specwright binary");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut client = Self::connect(stdout, stdin);
        client.child = Some(child);
        let _ = std::fs::remove_dir_all(&client.data_dir);
        client.data_dir = data_dir;
        client
    }

    fn inbox(&self) -> MutexGuard<'_, Inbox> {
        self.shared.lock()
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.inbox().pending.insert(id, tx);
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        write_frame(&self.writer, &message).await.unwrap_or_else(|e| panic!("cannot send {method}: {e}"));
        let response = within(&format!("the response to {method}"), rx)
            .await
            .unwrap_or_else(|_| panic!("the server closed the connection before answering {method}"));
        match response.get("error") {
            Some(error) => Err(error.clone()),
            None => {
                Ok(response.get("result").cloned().unwrap_or_else(|| panic!("response without result: {response}")))
            }
        }
    }

    /// Sends a request that must succeed.
    pub async fn request_ok(&self, method: &str, params: Value) -> Value {
        self.request(method, params).await.unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// Sends a request that must fail; returns the error object.
    pub async fn request_err(&self, method: &str, params: Value) -> Value {
        match self.request(method, params).await {
            Ok(v) => panic!("{method} should have failed, answered {v}"),
            Err(e) => e,
        }
    }

    pub async fn notify(&self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        write_frame(&self.writer, &message).await.unwrap_or_else(|e| panic!("cannot send {method}: {e}"));
    }

    /// The id the next request will get.
    pub fn peek_next_id(&self) -> i64 {
        self.next_id.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Writes raw bytes as one frame body (for malformed-input tests).
    pub async fn send_raw_body(&self, body: &str) {
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let mut w = self.writer.lock().await;
        w.write_all(frame.as_bytes()).await.expect("write raw frame");
        w.flush().await.expect("flush raw frame");
    }

    /// `initialize` (with workspace folders `roots`, the first also as
    /// `rootUri`) then `initialized`. Returns the `InitializeResult`.
    pub async fn initialize_folders(&self, roots: &[&Path]) -> Value {
        self.initialize_with(roots, Value::Null, false).await
    }

    /// `initialize` with `initializationOptions` and, when `editor` is true,
    /// the capabilities of a full editor: creating files through workspace
    /// edits and `window/showDocument`.
    pub async fn initialize_with(&self, roots: &[&Path], options: Value, editor: bool) -> Value {
        self.initialize_with_capabilities(roots, options, editor, Value::Null).await
    }

    /// [`Client::initialize_with`] with `extra` merged into the client
    /// capabilities (objects merged key by key, anything else replaced), e.g.
    /// `{"workspace": {"workspaceEdit": {"changeAnnotationSupport": {}}}}`.
    pub async fn initialize_with_capabilities(
        &self,
        roots: &[&Path],
        options: Value,
        editor: bool,
        extra: Value,
    ) -> Value {
        let folders: Vec<Value> = roots
            .iter()
            .map(|r| json!({"uri": uri(r), "name": r.file_name().and_then(|n| n.to_str()).unwrap_or("root")}))
            .collect();
        let params = json!({
            "processId": null,
            "rootUri": roots.first().map(|r| uri(r)),
            "workspaceFolders": folders,
            "capabilities": {
                "workspace": {
                    "applyEdit": true,
                    "workspaceEdit": {"documentChanges": true},
                    "didChangeWatchedFiles": {"dynamicRegistration": true},
                    "workspaceFolders": true,
                },
                "textDocument": {
                    "synchronization": {"dynamicRegistration": false, "didSave": true},
                    "publishDiagnostics": {"versionSupport": true},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                },
                "window": {"workDoneProgress": true},
            },
            "initializationOptions": options,
        });
        let mut params = params;
        if editor {
            params["capabilities"]["workspace"]["workspaceEdit"]["resourceOperations"] = json!(["create", "delete"]);
            params["capabilities"]["window"]["showDocument"] = json!({"support": true});
        }
        merge_json(&mut params["capabilities"], extra);
        let result = self.request_ok("initialize", params).await;
        self.notify("initialized", json!({})).await;
        result
    }

    /// `initialize` with one workspace folder, then `initialized`.
    pub async fn initialize(&self, root: &Path) -> Value {
        self.initialize_folders(&[root]).await
    }

    /// `shutdown` (must answer null) then `exit`.
    pub async fn shutdown_and_exit(&self) {
        let result = self.request_ok("shutdown", Value::Null).await;
        assert_eq!(result, Value::Null, "shutdown answers null");
        self.notify("exit", Value::Null).await;
    }

    /// Closes the connection's output to the server (the server's stdin).
    pub async fn close_input(&self) {
        let mut w = self.writer.lock().await;
        let _ = w.shutdown().await;
        // Dropping the stream closes the pipe.
        *w = Box::new(tokio::io::sink());
    }

    /// Waits for the spawned process to exit and returns its status.
    pub async fn wait_exit(&mut self, within_time: Duration) -> ExitStatus {
        let child = self.child.as_mut().expect("only a spawned binary exits");
        match tokio::time::timeout(within_time, child.wait()).await {
            Ok(status) => status.expect("wait for the server process"),
            Err(_) => panic!("the server did not exit within {within_time:?}"),
        }
    }

    /// Waits until the reader has stopped (end of the server's output).
    pub async fn wait_closed(&self) {
        self.wait_until("the end of the server's output", |inbox| inbox.closed.then_some(())).await;
    }

    /// Waits until `check` returns something for the inbox (re-checked on every message).
    pub async fn wait_until<T>(&self, what: &str, check: impl Fn(&Inbox) -> Option<T>) -> T {
        let wait = async {
            loop {
                let notified = self.shared.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(v) = check(&self.inbox()) {
                    return v;
                }
                notified.await;
            }
        };
        match tokio::time::timeout(TIMEOUT, wait).await {
            Ok(v) => v,
            Err(_) => {
                let inbox = self.inbox();
                let published: Vec<(&String, &Value)> =
                    inbox.diagnostics.iter().filter_map(|(u, all)| all.last().map(|d| (u, d))).collect();
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {what}\nlatest diagnostics: {published:#?}\nprotocol errors: {:?}",
                    inbox.protocol_errors
                )
            }
        }
    }

    /// Waits until the latest diagnostics published for `uri` satisfy `pred`; returns them.
    pub async fn wait_diagnostics(&self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        self.wait_until(&format!("diagnostics of {uri}"), |inbox| {
            let latest = inbox.diagnostics.get(uri)?.last()?;
            let diags = latest["diagnostics"].as_array()?;
            pred(diags).then(|| diags.clone())
        })
        .await
    }

    /// Waits for a publish for `uri` after the first `seen` ones; returns its params.
    pub async fn wait_publish_after(&self, uri: &str, seen: usize) -> Value {
        self.wait_until(&format!("a new publish for {uri}"), |inbox| inbox.diagnostics.get(uri)?.get(seen).cloned())
            .await
    }

    /// Waits for diagnostics published for `uri` at document version `version`; returns the params.
    pub async fn wait_version(&self, uri: &str, version: i32) -> Value {
        self.wait_until(&format!("diagnostics of {uri} at version {version}"), |inbox| {
            inbox.diagnostics.get(uri)?.iter().rev().find(|p| p["version"] == version).cloned()
        })
        .await
    }

    /// Every publish for `uri` so far (params), in arrival order.
    pub fn inbox_diagnostics(&self, uri: &str) -> Vec<Value> {
        self.inbox().diagnostics.get(uri).cloned().unwrap_or_default()
    }

    /// How many times diagnostics were published for `uri`.
    pub fn publish_count(&self, uri: &str) -> usize {
        self.inbox().diagnostics.get(uri).map_or(0, Vec::len)
    }

    /// The latest diagnostics published for `uri`.
    pub fn latest_diagnostics(&self, uri: &str) -> Option<Vec<Value>> {
        let inbox = self.inbox();
        inbox.diagnostics.get(uri)?.last()?["diagnostics"].as_array().cloned()
    }

    /// The URIs diagnostics were published for.
    pub fn published_uris(&self) -> Vec<String> {
        let mut uris: Vec<String> = self.inbox().diagnostics.keys().cloned().collect();
        uris.sort();
        uris
    }

    /// The params of every request the server sent with this method.
    pub fn server_requests(&self, method: &str) -> Vec<Value> {
        self.inbox().server_requests.iter().filter(|(m, _)| m == method).map(|(_, p)| p.clone()).collect()
    }

    /// The params of every notification the server sent with this method.
    /// Notifications of `method` with their arrival times.
    pub fn timed_notifications(&self, method: &str) -> Vec<(std::time::Instant, Value)> {
        let inbox = self.shared.lock();
        inbox
            .notifications
            .iter()
            .zip(&inbox.arrivals)
            .filter(|((m, _), _)| m == method)
            .map(|((_, p), t)| (*t, p.clone()))
            .collect()
    }

    pub fn notifications(&self, method: &str) -> Vec<Value> {
        self.inbox().notifications.iter().filter(|(m, _)| m == method).map(|(_, p)| p.clone()).collect()
    }

    pub fn apply_edit_replies(&self) -> Vec<Value> {
        self.inbox().apply_edit_replies.clone()
    }

    pub fn protocol_errors(&self) -> Vec<String> {
        self.inbox().protocol_errors.clone()
    }

    pub fn clean_eof(&self) -> bool {
        self.inbox().clean_eof
    }

    pub fn set_edit_policy(&self, policy: EditPolicy) {
        self.inbox().edit_policy = policy;
    }

    /// The client's copy of an open document.
    pub fn text(&self, uri: &str) -> Option<String> {
        self.inbox().docs.get(uri).map(|d| d.text.clone())
    }

    pub fn version(&self, uri: &str) -> Option<i32> {
        self.inbox().docs.get(uri).map(|d| d.version)
    }

    /// `textDocument/didOpen` with the file's text on disk (version 1); returns its URI.
    pub async fn did_open(&self, path: &Path) -> String {
        let text = std::fs::read_to_string(path).expect("read the document to open");
        self.did_open_text(path, &text).await
    }

    /// `textDocument/didOpen` with `text` (version 1); returns its URI.
    pub async fn did_open_text(&self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.inbox().docs.insert(uri.clone(), OpenDoc { text: text.to_string(), version: 1 });
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        )
        .await;
        uri
    }

    /// An incremental `textDocument/didChange` replacing `range` by `text`,
    /// applied to the client's copy too; returns the new version.
    pub async fn did_change_range(&self, uri: &str, range: Value, text: &str) -> i32 {
        let version = {
            let mut inbox = self.inbox();
            let doc = inbox.docs.get_mut(uri).unwrap_or_else(|| panic!("{uri} is not open"));
            let edit = json!({"range": range.clone(), "newText": text});
            doc.text = apply_text_edits(&doc.text, &[edit]).unwrap_or_else(|e| panic!("bad change: {e}"));
            doc.version += 1;
            doc.version
        };
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": range, "text": text}],
            }),
        )
        .await;
        version
    }

    /// Sends the client's copy of `uri` as a full-text `didChange` (after an
    /// applied `workspace/applyEdit`, as an editor would); returns the new version.
    pub async fn sync_doc(&self, uri: &str) -> i32 {
        let (text, version) = {
            let mut inbox = self.inbox();
            let doc = inbox.docs.get_mut(uri).unwrap_or_else(|| panic!("{uri} is not open"));
            doc.version += 1;
            (doc.text.clone(), doc.version)
        };
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        )
        .await;
        version
    }

    /// `workspace/didChangeWatchedFiles` for these URIs (1 created, 2 changed, 3 deleted).
    pub async fn did_change_watched(&self, changes: &[(&str, u8)]) {
        let changes: Vec<Value> = changes.iter().map(|(uri, kind)| json!({"uri": uri, "type": kind})).collect();
        self.notify("workspace/didChangeWatchedFiles", json!({"changes": changes})).await;
    }
}

/// Merges `extra` into `base`: objects key by key, anything else replaces
/// (a null `extra` changes nothing).
pub fn merge_json(base: &mut Value, extra: Value) {
    match (base, extra) {
        (_, Value::Null) => {}
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                merge_json(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, e) => *b = e,
    }
}

/// `{"textDocument": {"uri": ..}, "position": {..}}`.
pub fn doc_pos(uri: &str, (line, character): (u32, u32)) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// The diagnostics with this code.
pub fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

impl Client {
    /// Writes `body` as one raw frame (for malformed-input tests) and waits
    /// for the server's response with this `id`, which the server can only
    /// have read from the malformed body.
    pub async fn raw_request(&self, id: i64, body: &str) -> Value {
        let (tx, rx) = oneshot::channel();
        self.inbox().pending.insert(id, tx);
        self.send_raw_body(body).await;
        within(&format!("the response to raw request {id}"), rx)
            .await
            .unwrap_or_else(|_| panic!("the server closed the connection before answering raw request {id}"))
    }
}
