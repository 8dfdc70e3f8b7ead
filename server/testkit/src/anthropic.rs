//! The Anthropic Messages API (`POST /v1/messages`) wire format.
//!
//! A stream is `message_start`, `content_block_start`, `ping`, one
//! `content_block_delta` per chunk, `content_block_stop`, `message_delta`
//! (stop reason, output tokens) and `message_stop`; each is
//! `event: NAME\ndata: JSON\n\n` with `"type"` first in the JSON, as the API
//! sends it.

use serde::Serialize;
use serde_json::Value;

use crate::wire::{Content, Exchange, SseEvent, Stream};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event<'a> {
    MessageStart { message: Message<'a> },
    ContentBlockStart { index: u32, content_block: Block<'a> },
    Ping,
    ContentBlockDelta { index: u32, delta: Delta<'a> },
    ContentBlockStop { index: u32 },
    MessageDelta { delta: StopDelta, usage: OutputUsage },
    MessageStop,
    Error { error: ErrorDetail<'a> },
}

impl Event<'_> {
    fn name(&self) -> &'static str {
        match self {
            Event::MessageStart { .. } => "message_start",
            Event::ContentBlockStart { .. } => "content_block_start",
            Event::Ping => "ping",
            Event::ContentBlockDelta { .. } => "content_block_delta",
            Event::ContentBlockStop { .. } => "content_block_stop",
            Event::MessageDelta { .. } => "message_delta",
            Event::MessageStop => "message_stop",
            Event::Error { .. } => "error",
        }
    }

    fn sse(&self) -> SseEvent {
        SseEvent::json(Some(self.name()), self)
    }
}

#[derive(Serialize)]
struct Message<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    role: &'static str,
    model: &'a str,
    content: Vec<Block<'a>>,
    stop_reason: Option<&'static str>,
    stop_sequence: Option<&'static str>,
    usage: Usage,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block<'a> {
    Text { text: String },
    ToolUse { id: &'a str, name: &'a str, input: Value },
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Delta<'a> {
    TextDelta { text: &'a str },
    InputJsonDelta { partial_json: &'a str },
}

#[derive(Serialize)]
struct StopDelta {
    stop_reason: &'static str,
    stop_sequence: Option<&'static str>,
}

#[derive(Serialize)]
struct Usage {
    input_tokens: u64,
    output_tokens: u64,
}

#[derive(Serialize)]
struct OutputUsage {
    output_tokens: u64,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    message: &'a str,
}

fn message_id(ex: &Exchange) -> String {
    format!("msg_testkit_{}", ex.seq)
}

fn stop_reason(content: &Content<'_>) -> &'static str {
    match content {
        Content::Text(_) => "end_turn",
        Content::Tool { .. } => "tool_use",
    }
}

pub(crate) fn stream(ex: &Exchange, content: &Content<'_>) -> Stream {
    let start = Event::MessageStart {
        message: Message {
            id: message_id(ex),
            kind: "message",
            role: "assistant",
            model: &ex.model,
            content: Vec::new(),
            stop_reason: None,
            stop_sequence: None,
            usage: Usage { input_tokens: ex.input_tokens, output_tokens: 1 },
        },
    };
    let block = match content {
        Content::Text(_) => Block::Text { text: String::new() },
        Content::Tool { id, name, .. } => Block::ToolUse { id, name, input: Value::Object(Default::default()) },
    };
    Stream {
        prelude: vec![
            start.sse(),
            Event::ContentBlockStart { index: 0, content_block: block }.sse(),
            Event::Ping.sse(),
        ],
        deltas: content.chunks().iter().map(|chunk| delta(content, chunk)).collect(),
        epilogue: vec![
            Event::ContentBlockStop { index: 0 }.sse(),
            Event::MessageDelta {
                delta: StopDelta { stop_reason: stop_reason(content), stop_sequence: None },
                usage: OutputUsage { output_tokens: content.output_tokens() },
            }
            .sse(),
            Event::MessageStop.sse(),
        ],
    }
}

pub(crate) fn delta(content: &Content<'_>, fragment: &str) -> SseEvent {
    let delta = match content {
        Content::Text(_) => Delta::TextDelta { text: fragment },
        Content::Tool { .. } => Delta::InputJsonDelta { partial_json: fragment },
    };
    Event::ContentBlockDelta { index: 0, delta }.sse()
}

pub(crate) fn body(ex: &Exchange, content: &Content<'_>) -> String {
    let block = match content {
        Content::Text(_) => Block::Text { text: content.joined() },
        Content::Tool { id, name, .. } => Block::ToolUse {
            id,
            name,
            // The API always sends an object; scripts with arguments that do
            // not parse get an empty one.
            input: serde_json::from_str(&content.joined()).unwrap_or_else(|_| Value::Object(Default::default())),
        },
    };
    let message = Message {
        id: message_id(ex),
        kind: "message",
        role: "assistant",
        model: &ex.model,
        content: vec![block],
        stop_reason: Some(stop_reason(content)),
        stop_sequence: None,
        usage: Usage { input_tokens: ex.input_tokens, output_tokens: content.output_tokens() },
    };
    serde_json::to_string(&message).unwrap_or_default()
}

/// The `error.type` Anthropic uses for an HTTP status.
fn error_type(status: u16) -> &'static str {
    match status {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    }
}

pub(crate) fn error_body(status: u16, message: &str) -> String {
    let event = Event::Error { error: ErrorDetail { kind: error_type(status), message } };
    serde_json::to_string(&event).unwrap_or_default()
}

pub(crate) fn stream_error(message: &str) -> SseEvent {
    Event::Error { error: ErrorDetail { kind: "overloaded_error", message } }.sse()
}
