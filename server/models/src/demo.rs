//! The demo model: canned answers, so that generation can be tried with no
//! API key and no network.
//!
//! [`DemoModel`] starts a small server on loopback (`127.0.0.1`, a free port,
//! its own thread) that speaks the OpenAI Chat Completions wire format,
//! streamed, and talks to it through the ordinary [`HttpModel`]: what the
//! user sees is the real client path (streaming, cancellation, decoding),
//! and only the words are canned. A request for a spec document gets a
//! fixed to-do list spec whose documents pass `specwright check`; anything
//! else gets a short answer saying that this is the demo model. Every
//! document says that its content is canned.
//!
//! The document asked for is read from the layout the generation prompt
//! ends with (its title heading); the server knows nothing else of the
//! prompt.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::config::{ModelConfig, Provider};
use crate::{BoxFuture, CancellationToken, ChatRequest, ChatResponse, EventSink, HttpModel, Model, ModelError};

/// The model name the demo server reports.
pub const DEMO_MODEL: &str = "specwright-demo";

const REQUIREMENTS: &str = include_str!("demo/requirements.md");
const BUGFIX: &str = include_str!("demo/bugfix.md");
const DESIGN: &str = include_str!("demo/design.md");
const TASKS: &str = include_str!("demo/tasks.md");
const CHAT: &str = "This is Specwright's demo model: its answers are canned, and it cannot read, edit or run \
anything. It is there to try spec generation without an API key. Configure a real model \
(`specwright.model.provider` or `SPECWRIGHT_PROVIDER`: anthropic or openai, which covers Ollama, \
llama.cpp, vLLM and other OpenAI-compatible servers) to chat with the agent.";

/// Bytes per streamed delta, and the pause between two deltas: slow enough
/// to be seen streaming, fast enough that a whole spec takes seconds.
const CHUNK: usize = 24;
const PAUSE: Duration = Duration::from_millis(4);
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

/// The demo model: an [`HttpModel`] talking to a canned server on loopback,
/// which stops when the model is dropped.
pub struct DemoModel {
    client: HttpModel,
    _server: ServerHandle,
}

impl DemoModel {
    /// Starts the demo server and a client for it. `config` gives the
    /// timeouts and limits; its provider, URL and model are replaced.
    pub fn start(config: ModelConfig) -> Result<Self, ModelError> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| ModelError::Config(format!("cannot start the demo model on loopback: {e}")))?;
        let addr = listener.local_addr().map_err(|e| ModelError::Config(format!("demo model: {e}")))?;
        let server = ServerHandle::spawn(listener)?;
        let config = ModelConfig {
            provider: Provider::Openai,
            model: DEMO_MODEL.into(),
            base_url: format!("http://{addr}/v1"),
            api_key: None,
            structured_output: false,
            ..config
        };
        Ok(Self { client: HttpModel::new(config)?, _server: server })
    }

    /// Where the demo server listens (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> &str {
        &self.client.config().base_url
    }
}

impl Model for DemoModel {
    fn describe(&self) -> String {
        "the demo model (canned answers, no API key)".into()
    }

    fn supports_structured_output(&self) -> bool {
        false
    }

    fn chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        cancel: &'a CancellationToken,
        sink: EventSink<'a>,
    ) -> BoxFuture<'a, Result<ChatResponse, ModelError>> {
        self.client.chat(request, cancel, sink)
    }
}

/// The server's thread; dropping the handle stops it.
struct ServerHandle {
    stop: watch::Sender<bool>,
}

impl ServerHandle {
    fn spawn(listener: std::net::TcpListener) -> Result<Self, ModelError> {
        let (stop, stopped) = watch::channel(false);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ModelError::Config(format!("cannot start the demo model: {e}")))?;
        std::thread::Builder::new()
            .name("specwright-demo-model".into())
            .spawn(move || runtime.block_on(serve(listener, stopped)))
            .map_err(|e| ModelError::Config(format!("cannot start the demo model: {e}")))?;
        Ok(Self { stop })
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn serve(listener: std::net::TcpListener, mut stopped: watch::Receiver<bool>) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!("demo model: cannot listen: {e}");
            return;
        }
    };
    let stopped_flag = Arc::new(stopped.clone());
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((conn, peer)) => {
                    let stopped = Arc::clone(&stopped_flag);
                    tokio::spawn(async move {
                        if let Err(e) = answer(conn, peer, &stopped).await {
                            tracing::debug!("demo model: {e}");
                        }
                    });
                }
                Err(e) => tracing::debug!("demo model: accept failed: {e}"),
            },
        }
    }
}

/// Reads one request and answers it; the connection closes after it.
async fn answer(conn: TcpStream, peer: SocketAddr, stopped: &watch::Receiver<bool>) -> io::Result<()> {
    let mut conn = BufReader::new(conn);
    let (target, length) = read_head(&mut conn).await?;
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await?;
    let mut conn = conn.into_inner();
    if !target.ends_with("/chat/completions") {
        let text = "only /v1/chat/completions is served here";
        return write_plain(&mut conn, "404 Not Found", text).await;
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return write_plain(&mut conn, "400 Bad Request", "the body is not JSON").await;
    };
    tracing::debug!(%peer, "demo model request");
    let text = canned_answer(&request);
    if request["stream"] == json!(true) {
        let usage = request["stream_options"]["include_usage"] == json!(true);
        stream(&mut conn, text, usage, stopped).await
    } else {
        let body = json!({
            "id": "chatcmpl-demo", "object": "chat.completion", "created": 0, "model": DEMO_MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": usage_of(text),
        });
        let body = body.to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        conn.write_all(head.as_bytes()).await?;
        conn.write_all(body.as_bytes()).await?;
        conn.shutdown().await
    }
}

/// The request target and the body's length (`Content-Length`).
async fn read_head(conn: &mut BufReader<TcpStream>) -> io::Result<(String, usize)> {
    let invalid = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_owned());
    let mut head_len = 0;
    let mut target = None;
    let mut length = 0;
    loop {
        let mut line = String::new();
        let n = conn.read_line(&mut line).await?;
        head_len += n;
        if n == 0 || head_len > MAX_HEAD {
            return Err(invalid("the request head is incomplete or too long"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        match target {
            None => target = line.split_ascii_whitespace().nth(1).map(str::to_owned),
            Some(_) => {
                if let Some((name, value)) = line.split_once(':')
                    && name.trim().eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().map_err(|_| invalid("bad content-length"))?;
                }
            }
        }
    }
    if length > MAX_BODY {
        return Err(invalid("the request body is too large"));
    }
    Ok((target.unwrap_or_default(), length))
}

async fn write_plain(conn: &mut TcpStream, status: &str, text: &str) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        text.len()
    );
    conn.write_all(head.as_bytes()).await?;
    conn.write_all(text.as_bytes()).await?;
    conn.shutdown().await
}

/// Streams `text` as `chat.completion.chunk` events, then `[DONE]`.
async fn stream(conn: &mut TcpStream, text: &str, usage: bool, stopped: &watch::Receiver<bool>) -> io::Result<()> {
    conn.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n",
    )
    .await?;
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": "chatcmpl-demo", "object": "chat.completion.chunk", "created": 0, "model": DEMO_MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
    };
    let send = |event: Value| format!("data: {event}\n\n");
    conn.write_all(send(chunk(json!({"role": "assistant", "content": ""}), Value::Null)).as_bytes()).await?;
    for piece in pieces(text, CHUNK) {
        if *stopped.borrow() {
            return Ok(());
        }
        conn.write_all(send(chunk(json!({"content": piece}), Value::Null)).as_bytes()).await?;
        conn.flush().await?;
        tokio::time::sleep(PAUSE).await;
    }
    conn.write_all(send(chunk(json!({}), json!("stop"))).as_bytes()).await?;
    if usage {
        let event = json!({
            "id": "chatcmpl-demo", "object": "chat.completion.chunk", "created": 0, "model": DEMO_MODEL,
            "choices": [], "usage": usage_of(text),
        });
        conn.write_all(send(event).as_bytes()).await?;
    }
    conn.write_all(b"data: [DONE]\n\n").await?;
    conn.shutdown().await
}

fn usage_of(text: &str) -> Value {
    let completion = text.len().div_ceil(4);
    json!({"prompt_tokens": 0, "completion_tokens": completion, "total_tokens": completion})
}

/// `text` cut into pieces of about `size` bytes, on character boundaries.
fn pieces(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = size.min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// The canned answer to a request: the spec document its prompt asks for,
/// else a short note on what the demo model is.
pub fn canned_answer(request: &Value) -> &'static str {
    // The generation prompt ends with the layout of the document it wants;
    // earlier documents may be quoted before it, so the last title wins.
    // Repair rounds ask again in a later message: look at every user turn.
    let users = request["messages"].as_array().into_iter().flatten().filter(|m| m["role"] == "user");
    let mut wanted = None;
    for message in users {
        let text = message_text(&message["content"]);
        let last = [
            ("# Requirements Document", REQUIREMENTS),
            ("# Bugfix Requirements Document", BUGFIX),
            ("# Design Document", DESIGN),
            ("# Implementation Plan", TASKS),
        ]
        .into_iter()
        .filter_map(|(title, doc)| text.rfind(&format!("\n{title}\n")).map(|at| (at, doc)))
        .max_by_key(|(at, _)| *at);
        if let Some((_, doc)) = last {
            wanted = Some(doc);
        }
    }
    if request["tools"].as_array().is_some_and(|t| !t.is_empty()) {
        return CHAT;
    }
    wanted.unwrap_or(CHAT)
}

fn message_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(text: &str) -> Value {
        json!({"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": text}]})
    }

    #[test]
    fn the_last_layout_title_names_the_document() {
        let tasks_prompt = "Write tasks\n### requirements.md\n\n````markdown\n# Requirements Document\n…\n````\n\
                            ## Answer\n````markdown\n# Implementation Plan\n\n- [ ] 1. x\n````";
        assert_eq!(canned_answer(&asking(tasks_prompt)), TASKS);
        assert_eq!(canned_answer(&asking("Answer:\n````markdown\n# Requirements Document\n")), REQUIREMENTS);
        assert_eq!(canned_answer(&asking("x\n# Bugfix Requirements Document\n")), BUGFIX);
        assert_eq!(canned_answer(&asking("x\n# Design Document\n")), DESIGN);
        assert_eq!(canned_answer(&asking("hello")), CHAT);
    }

    #[test]
    fn a_repair_round_gets_the_same_document_again() {
        let request = json!({"messages": [
            {"role": "user", "content": "x\n# Design Document\n"},
            {"role": "assistant", "content": "…"},
            {"role": "user", "content": "Fix these problems: …"},
        ]});
        assert_eq!(canned_answer(&request), DESIGN);
    }

    #[test]
    fn an_agent_turn_gets_the_note_not_a_document() {
        let mut request = asking("x\n# Design Document\n");
        request["tools"] = json!([{"type": "function", "function": {"name": "read_file"}}]);
        assert_eq!(canned_answer(&request), CHAT);
    }

    #[test]
    fn pieces_keep_characters_whole() {
        let text = "日本語のテキスト and ASCII";
        let parts: Vec<&str> = pieces(text, 4).collect();
        assert_eq!(parts.concat(), text);
        assert!(parts.iter().all(|p| !p.is_empty()));
    }

    #[test]
    fn every_canned_document_says_it_is_canned() {
        for doc in [REQUIREMENTS, BUGFIX, DESIGN] {
            assert!(doc.contains("demo model"), "{doc}");
        }
    }
}
