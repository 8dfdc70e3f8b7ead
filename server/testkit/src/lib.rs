//! A scripted model server, for tests only.
//!
//! [`ScriptedServer`] listens on `127.0.0.1` (a random port) and answers the
//! Anthropic Messages API (`…/messages`) and the OpenAI Chat Completions API
//! (`…chat/completions`) byte for byte as the real services do, SSE streaming
//! included, so the product's model clients can be tested without a live API
//! or a network. Each request takes the next [`Reply`] of the script: text,
//! a tool call, an HTTP error, an overload, a stream cut short, a malformed
//! event, a hang. Every request is recorded ([`RecordedRequest`]).
//!
//! It sits on raw `tokio::net` sockets rather than an HTTP framework because
//! tests need exact control over bytes: streams closed mid-event, slow drips
//! flushed event by event, heads delayed. It depends on nothing of Specwright
//! and must never be a dependency of shipped code (dev-dependencies only).
//! `specwright-model-mock` wraps it as a binary for the editor clients' tests.

mod anthropic;
mod http;
mod openai;
mod wire;

use std::collections::VecDeque;
use std::io::{self, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::wire::{Api, Content, Exchange, SseEvent};

/// The `created` timestamp of every OpenAI answer: fixed, so tests can
/// compare whole bodies.
pub const CREATED: u64 = 1_700_000_000;

/// One scripted answer. Scripts are served in order, one reply per model
/// request.
///
/// The wire format follows the request path (`…/messages` → Anthropic,
/// `…chat/completions` → OpenAI); success replies are streamed as SSE when the
/// request body has `"stream": true`, else sent as one JSON body.
///
/// Deserializes from JSON externally tagged in snake_case, as in the mock
/// binary's script files:
/// `{"text": {"chunks": ["# Req", "uirements"], "delay_ms": 5}}`,
/// `{"status": {"status": 429, "retry_after": 2, "message": "slow down"}}`,
/// `"overloaded"`.
///
/// Token counts are deterministic: input tokens are the request body's length
/// in bytes divided by four (rounded up), output tokens the number of chunks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// A successful answer: the text split into these deltas, `delay_ms`
    /// between two deltas. Not streamed, the whole body is sent after the
    /// delays it would have taken.
    Text {
        chunks: Vec<String>,
        #[serde(default)]
        delay_ms: u64,
    },
    /// A tool call. Anthropic: a `tool_use` content block whose input arrives
    /// as `input_json_delta` events, stop reason `tool_use` (not streamed, the
    /// joined arguments parsed as `input`, `{}` when they do not parse).
    /// OpenAI: `choices[0].delta.tool_calls` with `function.arguments`
    /// fragments, finish reason `tool_calls`.
    ToolCall {
        id: String,
        name: String,
        arguments_chunks: Vec<String>,
        #[serde(default)]
        delay_ms: u64,
    },
    /// An HTTP error with the provider's JSON error body
    /// (Anthropic `{"type":"error","error":{"type","message"}}`, OpenAI
    /// `{"error":{"message","type","param","code"}}`, types chosen from the
    /// status) and an optional `retry-after` header in seconds.
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<u64>,
        message: String,
    },
    /// Anthropic's 529 `overloaded_error`; on the OpenAI path a 503 saying
    /// the engine is overloaded.
    Overloaded,
    /// Streams the head and the first `after` chunks of `chunks`, then closes
    /// the connection: no `content_block_stop`/`message_stop`, no `[DONE]`.
    /// Not streamed: a `content-length` for the whole body, then only half
    /// of it.
    CutAfter { chunks: Vec<String>, after: usize },
    /// A complete stream except that the delta event carrying `chunks[at]`
    /// (0-based; past the end, an extra one after the last) has its data line
    /// cut inside the JSON, e.g. `data: {"type":"content_block_delta","index":0,"delta":{`.
    /// Not streamed: a 200 whose JSON body is cut short.
    MalformedChunk { chunks: Vec<String>, at: usize },
    /// Streams the first `after` chunks, then an in-stream error event
    /// (Anthropic `event: error` with an `overloaded_error`; OpenAI a
    /// `data: {"error": …}` line) and closes without a stop event.
    /// Not streamed: the provider's overloaded answer with `message`.
    StreamError { chunks: Vec<String>, after: usize, message: String },
    /// Waits `ms` before sending anything, head included, then closes the
    /// connection without an answer (the client is expected to have given
    /// up).
    Hang { ms: u64 },
    /// Exactly this status, these headers and this body, whatever the path.
    /// `content-length` and `connection: close` are added.
    Raw {
        status: u16,
        #[serde(default)]
        headers: Vec<(String, String)>,
        body: String,
    },
}

impl Reply {
    /// A text answer in one chunk.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply::Text { chunks: vec![text.into()], delay_ms: 0 }
    }

    /// A text answer in these chunks, without delays.
    pub fn chunks<S: Into<String>>(chunks: impl IntoIterator<Item = S>) -> Reply {
        Reply::Text { chunks: chunks.into_iter().map(Into::into).collect(), delay_ms: 0 }
    }

    /// A tool call whose arguments arrive in one fragment.
    pub fn tool_call(id: impl Into<String>, name: impl Into<String>, arguments: impl Into<String>) -> Reply {
        Reply::ToolCall { id: id.into(), name: name.into(), arguments_chunks: vec![arguments.into()], delay_ms: 0 }
    }

    /// An HTTP error without `retry-after`.
    pub fn status(status: u16, message: impl Into<String>) -> Reply {
        Reply::Status { status, retry_after: None, message: message.into() }
    }
}

/// A request as the server received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    /// The request target as sent, query string included.
    pub path: String,
    /// In arrival order; names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON; `Null` when it is not JSON.
    pub body: serde_json::Value,
    /// The body as text (lossy UTF-8), after undoing chunked encoding.
    pub raw_body: String,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// How to start a [`ScriptedServer`] beyond its script.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Append every request to this file as one JSON line.
    pub record_to: Option<PathBuf>,
}

/// A running scripted server. Dropping it stops accepting and aborts the
/// connections in flight.
pub struct ScriptedServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

struct Shared {
    state: Mutex<State>,
    /// Number of requests recorded so far, for `wait_for_requests`.
    count: watch::Sender<usize>,
    record_to: Option<PathBuf>,
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    requests: Vec<RecordedRequest>,
    timings: Vec<ResponseTiming>,
}

/// When a response's bytes left the server (for benchmarks that compare a
/// client's latency with the model's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseTiming {
    /// The request's arrival number (1-based), as in ids like `msg_testkit_N`.
    pub request: usize,
    pub first_byte: std::time::Instant,
    pub last_byte: std::time::Instant,
    pub bytes: usize,
    /// Every write: when, and what (lossy UTF-8).
    pub writes: Vec<(std::time::Instant, String)>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not take the server down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `request` and, for a model endpoint, takes the next reply, in
    /// one step so arrival order and reply order agree.
    fn record(&self, request: RecordedRequest, model_endpoint: bool) -> (usize, Option<Reply>) {
        let mut state = self.state();
        if let Some(path) = &self.record_to {
            // Best effort: a failed record must not change the answer.
            let _ = append_line(path, &request);
        }
        state.requests.push(request);
        let seq = state.requests.len();
        let reply = if model_endpoint { state.script.pop_front() } else { None };
        drop(state);
        self.count.send_replace(seq);
        (seq, reply)
    }
}

fn append_line(path: &PathBuf, request: &RecordedRequest) -> io::Result<()> {
    let mut line = serde_json::to_string(request)?;
    line.push('\n');
    std::fs::OpenOptions::new().create(true).append(true).open(path)?.write_all(line.as_bytes())
}

impl ScriptedServer {
    /// Starts on a random port of 127.0.0.1 with this script.
    pub async fn start(script: Vec<Reply>) -> io::Result<ScriptedServer> {
        ScriptedServer::start_with(ServerConfig::default(), script).await
    }

    /// Starts with an explicit port and request log.
    pub async fn start_with(config: ServerConfig, script: Vec<Reply>) -> io::Result<ScriptedServer> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State { script: script.into(), ..State::default() }),
            count: watch::Sender::new(0),
            record_to: config.record_to,
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(ScriptedServer { addr, shared, accept })
    }

    /// `http://127.0.0.1:PORT`; clients append `/v1/messages` or
    /// `/v1/chat/completions`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// When each response's first and last bytes were written.
    pub fn timings(&self) -> Vec<ResponseTiming> {
        self.shared.state().timings.clone()
    }

    /// Appends `reply` to the script.
    pub fn push(&self, reply: Reply) {
        self.shared.state().script.push_back(reply);
    }

    /// How many scripted replies are still unserved.
    pub fn remaining(&self) -> usize {
        self.shared.state().script.len()
    }

    /// Waits until at least `n` requests have arrived; false on timeout.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let mut count = self.shared.count.subscribe();
        matches!(tokio::time::timeout(timeout, count.wait_for(|&c| c >= n)).await, Ok(Ok(_)))
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        // The accept task owns the listener and the connection tasks.
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors and the like: back off, keep going.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    // Every event goes out as its own segment, now: slow drips must drip.
    let _ = stream.set_nodelay(true);
    let mut conn = BufReader::new(stream);
    let request = match http::read_request(&mut conn).await {
        Ok(request) => request,
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            let body = format!("specwright-testkit: bad request: {e}\n");
            let headers = [("content-type", "text/plain".to_owned())];
            let _ = http::write_full(conn.get_mut(), 400, &headers, &body).await;
            return;
        }
        Err(_) => return,
    };
    let raw_body = String::from_utf8_lossy(&request.body).into_owned();
    let body = serde_json::from_slice(&request.body).unwrap_or(serde_json::Value::Null);
    let api = Api::for_path(&request.target);
    let recorded =
        RecordedRequest { method: request.method, path: request.target, headers: request.headers, body, raw_body };
    let exchange = Exchange::new(0, &recorded.body, &recorded.raw_body);
    let (seq, reply) = shared.record(recorded, api.is_some());
    let exchange = Exchange { seq, ..exchange };
    let mut stream = Timed { inner: conn.into_inner(), first: None, last: None, bytes: 0, writes: Vec::new() };
    // Write errors mean the client went away; there is no one left to tell.
    let _ = respond(&mut stream, api, &exchange, reply).await;
    let _ = stream.inner.shutdown().await;
    if let (Some(first_byte), Some(last_byte)) = (stream.first, stream.last) {
        let timing = ResponseTiming { request: seq, first_byte, last_byte, bytes: stream.bytes, writes: stream.writes };
        shared.state().timings.push(timing);
    }
}

/// Notes when bytes are written.
struct Timed<W> {
    inner: W,
    first: Option<std::time::Instant>,
    last: Option<std::time::Instant>,
    bytes: usize,
    writes: Vec<(std::time::Instant, String)>,
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Timed<W> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        let poll = std::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
        if let std::task::Poll::Ready(Ok(n)) = poll {
            let now = std::time::Instant::now();
            self.first.get_or_insert(now);
            self.last = Some(now);
            self.bytes += n;
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            self.writes.push((now, text));
        }
        poll
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn respond<W: AsyncWrite + Unpin>(
    out: &mut W,
    api: Option<Api>,
    ex: &Exchange,
    reply: Option<Reply>,
) -> io::Result<()> {
    let Some(api) = api else {
        let body = serde_json::json!({"error": {
            "type": "not_found_error",
            "message": "specwright-testkit serves only …/messages and …chat/completions",
        }});
        return http::write_full(out, 404, &json_headers(&[]), &body.to_string()).await;
    };
    let Some(reply) = reply else {
        let message = format!("specwright-testkit: script exhausted: no scripted reply for request #{}", ex.seq);
        return error(out, api, ex, 500, None, &message).await;
    };
    match reply {
        Reply::Text { chunks, delay_ms } => {
            success(out, api, ex, &Content::Text(&chunks), delay_ms, Ending::Complete).await
        }
        Reply::ToolCall { id, name, arguments_chunks, delay_ms } => {
            let content = Content::Tool { id: &id, name: &name, chunks: &arguments_chunks };
            success(out, api, ex, &content, delay_ms, Ending::Complete).await
        }
        Reply::Status { status, retry_after, message } => error(out, api, ex, status, retry_after, &message).await,
        Reply::Overloaded => {
            let (status, message) = api.overloaded();
            error(out, api, ex, status, None, message).await
        }
        Reply::CutAfter { chunks, after } => {
            success(out, api, ex, &Content::Text(&chunks), 0, Ending::Cut(after)).await
        }
        Reply::MalformedChunk { chunks, at } => {
            success(out, api, ex, &Content::Text(&chunks), 0, Ending::Malformed(at)).await
        }
        Reply::StreamError { chunks, after, message } => {
            if !ex.stream {
                let (status, _) = api.overloaded();
                return error(out, api, ex, status, None, &message).await;
            }
            let ending = Ending::Error(after, &message);
            success(out, api, ex, &Content::Text(&chunks), 0, ending).await
        }
        Reply::Hang { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(())
        }
        Reply::Raw { status, headers, body } => {
            let headers: Vec<(&str, String)> = headers.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            http::write_full(out, status, &headers, &body).await
        }
    }
}

/// How a successful answer ends.
enum Ending<'a> {
    Complete,
    /// Close after this many deltas.
    Cut(usize),
    /// Corrupt the delta at this index.
    Malformed(usize),
    /// After this many deltas, an in-stream error with this message.
    Error(usize, &'a str),
}

fn json_headers(extra: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut headers = vec![("content-type", "application/json".to_owned())];
    headers.extend_from_slice(extra);
    headers
}

async fn error<W: AsyncWrite + Unpin>(
    out: &mut W,
    api: Api,
    ex: &Exchange,
    status: u16,
    retry_after: Option<u64>,
    message: &str,
) -> io::Result<()> {
    let mut headers = json_headers(&api.common_headers(ex));
    if let Some(seconds) = retry_after {
        headers.push(("retry-after", seconds.to_string()));
    }
    http::write_full(out, status, &headers, &api.error_body(status, message)).await
}

async fn success<W: AsyncWrite + Unpin>(
    out: &mut W,
    api: Api,
    ex: &Exchange,
    content: &Content<'_>,
    delay_ms: u64,
    ending: Ending<'_>,
) -> io::Result<()> {
    if !ex.stream {
        return whole(out, api, ex, content, delay_ms, ending).await;
    }
    let mut stream = api.stream(ex, content);
    let mut headers = vec![("content-type", "text/event-stream".to_owned()), ("cache-control", "no-cache".to_owned())];
    headers.extend(api.common_headers(ex));
    out.write_all(http::head(200, &headers).as_bytes()).await?;
    out.flush().await?;
    send(out, &stream.prelude, 0).await?;
    match ending {
        Ending::Complete => {}
        Ending::Cut(after) => {
            let after = after.min(stream.deltas.len());
            return send(out, &stream.deltas[..after], delay_ms).await;
        }
        Ending::Malformed(at) => match stream.deltas.get_mut(at) {
            Some(delta) => *delta = delta.malformed(),
            None => stream.deltas.push(api.delta(ex, content, "").malformed()),
        },
        Ending::Error(after, message) => {
            let after = after.min(stream.deltas.len());
            send(out, &stream.deltas[..after], delay_ms).await?;
            return send(out, &[api.stream_error(message)], 0).await;
        }
    }
    send(out, &stream.deltas, delay_ms).await?;
    send(out, &stream.epilogue, 0).await
}

/// A non-streamed success answer (or its broken variants).
async fn whole<W: AsyncWrite + Unpin>(
    out: &mut W,
    api: Api,
    ex: &Exchange,
    content: &Content<'_>,
    delay_ms: u64,
    ending: Ending<'_>,
) -> io::Result<()> {
    let gaps = content.chunks().len().saturating_sub(1) as u64;
    tokio::time::sleep(Duration::from_millis(delay_ms.saturating_mul(gaps))).await;
    let body = api.body(ex, content);
    let headers = json_headers(&api.common_headers(ex));
    match ending {
        Ending::Cut(_) => {
            // Promise the whole body, deliver half, hang up.
            let mut all = headers;
            all.push(("content-length", body.len().to_string()));
            out.write_all(http::head(200, &all).as_bytes()).await?;
            out.write_all(wire::first_half(&body).as_bytes()).await?;
            out.flush().await
        }
        Ending::Malformed(_) => http::write_full(out, 200, &headers, wire::first_half(&body)).await,
        Ending::Complete | Ending::Error(..) => http::write_full(out, 200, &headers, &body).await,
    }
}

/// Writes events one by one, flushing each, `delay_ms` between two.
async fn send<W: AsyncWrite + Unpin>(out: &mut W, events: &[SseEvent], delay_ms: u64) -> io::Result<()> {
    for (i, event) in events.iter().enumerate() {
        if i > 0 && delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        }
        out.write_all(event.render().as_bytes()).await?;
        out.flush().await?;
    }
    Ok(())
}
