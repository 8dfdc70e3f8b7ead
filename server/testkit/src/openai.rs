//! The OpenAI Chat Completions API (`POST /v1/chat/completions`) wire format.
//!
//! A stream is `data: JSON\n\n` chunks of `chat.completion.chunk`: one with
//! the assistant role, one per scripted chunk, one with the finish reason,
//! then (when the request set `stream_options.include_usage`) one with empty
//! `choices` and the usage, and finally `data: [DONE]`. With
//! `include_usage`, every other chunk carries `"usage": null`, as the API
//! does.

use serde::Serialize;

use crate::CREATED;
use crate::wire::{Content, Exchange, SseEvent, Stream};

#[derive(Serialize)]
struct Chunk<'a> {
    id: String,
    object: &'static str,
    created: u64,
    model: &'a str,
    choices: Vec<ChunkChoice<'a>>,
    /// Absent without `include_usage`; `null` or the usage with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<Option<Usage>>,
}

#[derive(Serialize)]
struct ChunkChoice<'a> {
    index: u32,
    delta: Delta<'a>,
    logprobs: Option<()>,
    finish_reason: Option<&'static str>,
}

#[derive(Serialize, Default)]
struct Delta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    /// Absent, `null` or a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_calls: Option<Vec<ToolCallDelta<'a>>>,
}

#[derive(Serialize)]
struct ToolCallDelta<'a> {
    index: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    function: FunctionDelta<'a>,
}

#[derive(Serialize)]
struct FunctionDelta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    arguments: &'a str,
}

#[derive(Serialize)]
struct Completion<'a> {
    id: String,
    object: &'static str,
    created: u64,
    model: &'a str,
    choices: Vec<Choice<'a>>,
    usage: Usage,
}

#[derive(Serialize)]
struct Choice<'a> {
    index: u32,
    message: Message<'a>,
    logprobs: Option<()>,
    finish_reason: &'static str,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: Option<String>,
    refusal: Option<()>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_calls: Option<Vec<ToolCall<'a>>>,
}

#[derive(Serialize)]
struct ToolCall<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: Function<'a>,
}

#[derive(Serialize)]
struct Function<'a> {
    name: &'a str,
    arguments: String,
}

#[derive(Serialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
    total_tokens: u64,
}

#[derive(Serialize)]
struct ErrorEnvelope<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    message: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    param: Option<()>,
    code: Option<&'static str>,
}

fn completion_id(ex: &Exchange) -> String {
    format!("chatcmpl-testkit-{}", ex.seq)
}

fn usage(ex: &Exchange, content: &Content<'_>) -> Usage {
    Usage {
        prompt_tokens: ex.input_tokens,
        completion_tokens: content.output_tokens(),
        total_tokens: ex.input_tokens + content.output_tokens(),
    }
}

fn finish_reason(content: &Content<'_>) -> &'static str {
    match content {
        Content::Text(_) => "stop",
        Content::Tool { .. } => "tool_calls",
    }
}

fn chunk<'a>(ex: &'a Exchange, choices: Vec<ChunkChoice<'a>>) -> Chunk<'a> {
    Chunk {
        id: completion_id(ex),
        object: "chat.completion.chunk",
        created: CREATED,
        model: &ex.model,
        choices,
        usage: ex.include_usage.then_some(None),
    }
}

fn choice<'a>(delta: Delta<'a>, finish_reason: Option<&'static str>) -> Vec<ChunkChoice<'a>> {
    vec![ChunkChoice { index: 0, delta, logprobs: None, finish_reason }]
}

pub(crate) fn stream(ex: &Exchange, content: &Content<'_>) -> Stream {
    let first = match content {
        Content::Text(_) => Delta { role: Some("assistant"), content: Some(Some("")), tool_calls: None },
        Content::Tool { id, name, .. } => Delta {
            role: Some("assistant"),
            content: Some(None),
            tool_calls: Some(vec![ToolCallDelta {
                index: 0,
                id: Some(id),
                kind: Some("function"),
                function: FunctionDelta { name: Some(name), arguments: "" },
            }]),
        },
    };
    let mut epilogue = vec![SseEvent::json(None, &chunk(ex, choice(Delta::default(), Some(finish_reason(content)))))];
    if ex.include_usage {
        let mut last = chunk(ex, Vec::new());
        last.usage = Some(Some(usage(ex, content)));
        epilogue.push(SseEvent::json(None, &last));
    }
    epilogue.push(SseEvent { name: None, data: "[DONE]".into() });
    Stream {
        prelude: vec![SseEvent::json(None, &chunk(ex, choice(first, None)))],
        deltas: content.chunks().iter().map(|fragment| delta(ex, content, fragment)).collect(),
        epilogue,
    }
}

pub(crate) fn delta(ex: &Exchange, content: &Content<'_>, fragment: &str) -> SseEvent {
    let delta = match content {
        Content::Text(_) => Delta { content: Some(Some(fragment)), ..Delta::default() },
        Content::Tool { .. } => Delta {
            tool_calls: Some(vec![ToolCallDelta {
                index: 0,
                id: None,
                kind: None,
                function: FunctionDelta { name: None, arguments: fragment },
            }]),
            ..Delta::default()
        },
    };
    SseEvent::json(None, &chunk(ex, choice(delta, None)))
}

pub(crate) fn body(ex: &Exchange, content: &Content<'_>) -> String {
    let message = match content {
        Content::Text(_) => {
            Message { role: "assistant", content: Some(content.joined()), refusal: None, tool_calls: None }
        }
        Content::Tool { id, name, .. } => Message {
            role: "assistant",
            content: None,
            refusal: None,
            tool_calls: Some(vec![ToolCall {
                id,
                kind: "function",
                function: Function { name, arguments: content.joined() },
            }]),
        },
    };
    let completion = Completion {
        id: completion_id(ex),
        object: "chat.completion",
        created: CREATED,
        model: &ex.model,
        choices: vec![Choice { index: 0, message, logprobs: None, finish_reason: finish_reason(content) }],
        usage: usage(ex, content),
    };
    serde_json::to_string(&completion).unwrap_or_default()
}

/// `error.type` and `error.code` as OpenAI sends them for an HTTP status.
fn error_kind(status: u16) -> (&'static str, Option<&'static str>) {
    match status {
        401 => ("invalid_request_error", Some("invalid_api_key")),
        403 => ("invalid_request_error", Some("unsupported_country_region_territory")),
        404 => ("invalid_request_error", Some("model_not_found")),
        429 => ("requests", Some("rate_limit_exceeded")),
        500..=599 => ("server_error", None),
        _ => ("invalid_request_error", None),
    }
}

fn error(message: &str, kind: &'static str, code: Option<&'static str>) -> String {
    let envelope = ErrorEnvelope { error: ErrorDetail { message, kind, param: None, code } };
    serde_json::to_string(&envelope).unwrap_or_default()
}

pub(crate) fn error_body(status: u16, message: &str) -> String {
    let (kind, code) = error_kind(status);
    error(message, kind, code)
}

pub(crate) fn stream_error(message: &str) -> SseEvent {
    SseEvent { name: None, data: error(message, "server_error", None) }
}
