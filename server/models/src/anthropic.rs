//! The Anthropic Messages API (`POST {base_url}/v1/messages`, streamed).
//!
//! Structured output is a forced tool: the schema becomes the input schema
//! of a tool named after the output, `tool_choice` forces it, and the
//! tool's `input_json_delta` fragments are the answer's text.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::config::ModelConfig;
use crate::sse::SseEvent;
use crate::wire::{input_or_raw, snippet, temperature};
use crate::{ChatRequest, ChatResponse, Content, ModelError, Role, StreamEvent, ToolCall, ToolChoice};

pub(crate) const API_VERSION: &str = "2023-06-01";

pub(crate) fn url(config: &ModelConfig) -> String {
    format!("{}/v1/messages", config.base_url)
}

/// The headers besides `content-type`. The key's header is marked sensitive
/// by the client.
pub(crate) fn headers(config: &ModelConfig) -> Vec<(&'static str, String)> {
    let mut headers = vec![("anthropic-version", API_VERSION.to_string())];
    if let Some(key) = &config.api_key {
        headers.push(("x-api-key", key.expose().to_string()));
    }
    headers
}

/// The request body.
pub(crate) fn body(config: &ModelConfig, request: &ChatRequest) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(config.model));
    body.insert("max_tokens".into(), json!(request.max_tokens.unwrap_or(config.max_tokens)));
    if let Some(system) = request.system.as_deref().filter(|s| !s.is_empty()) {
        body.insert("system".into(), json!(system));
    }
    body.insert("messages".into(), Value::Array(request.messages.iter().map(message).collect()));

    let mut tools: Vec<Value> = request
        .tools
        .iter()
        .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.input_schema}))
        .collect();
    let mut choice = match &request.tool_choice {
        ToolChoice::Auto => json!({"type": "auto"}),
        ToolChoice::Any => json!({"type": "any"}),
        ToolChoice::Tool(name) => json!({"type": "tool", "name": name}),
        ToolChoice::None => json!({"type": "none"}),
    };
    if let Some(structured) = &request.structured {
        tools.push(json!({
            "name": structured.name,
            "description": structured.description,
            "input_schema": structured.schema,
        }));
        choice = json!({"type": "tool", "name": structured.name});
    }
    // The API refuses `tool_choice` without tools.
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
        body.insert("tool_choice".into(), choice);
    }
    if let Some(t) = request.temperature.or(config.temperature) {
        body.insert("temperature".into(), temperature(t));
    }
    body.insert("stream".into(), json!(true));
    Value::Object(body)
}

fn message(m: &crate::Message) -> Value {
    let role = match m.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    let content: Vec<Value> = m
        .content
        .iter()
        .map(|c| match c {
            Content::Text { text } => json!({"type": "text", "text": text}),
            Content::ToolUse { id, name, input } => json!({"type": "tool_use", "id": id, "name": name, "input": input}),
            Content::ToolResult { tool_use_id, content, is_error } => {
                json!({"type": "tool_result", "tool_use_id": tool_use_id, "content": content, "is_error": is_error})
            }
        })
        .collect();
    json!({"role": role, "content": content})
}

/// Maps an error `type` from the API (in an HTTP error body or an `error`
/// stream event) to an error.
pub(crate) fn api_error(kind: &str, message: String, status: Option<u16>, key_var: &str) -> ModelError {
    let provider = crate::Provider::Anthropic.name().to_string();
    match kind {
        "overloaded_error" => ModelError::Overloaded { provider, message },
        "rate_limit_error" => ModelError::RateLimited { provider, retry_after: None, message },
        "authentication_error" | "permission_error" => ModelError::Auth {
            provider,
            key_var: key_var.to_string(),
            status: status.unwrap_or(if kind == "permission_error" { 403 } else { 401 }),
            message,
        },
        "invalid_request_error" | "not_found_error" | "request_too_large" => {
            ModelError::BadRequest { provider, status: status.unwrap_or(400), message }
        }
        _ => ModelError::Server { provider, status: status.unwrap_or(500), message },
    }
}

enum Block {
    Text,
    Tool {
        id: String,
        name: String,
        json: String,
    },
    /// The structured-output tool: its JSON is the answer's text.
    Structured,
    /// Thinking and block kinds added after this was written.
    Other,
}

/// Turns the stream's events into [`StreamEvent`]s and a [`ChatResponse`].
pub(crate) struct Decoder {
    structured: Option<String>,
    key_var: String,
    blocks: BTreeMap<u64, Block>,
    response: ChatResponse,
    /// Plain text that arrived in a structured request: kept back, and used
    /// only if the forced tool never came (a proxy that ignored it).
    held_text: String,
    saw_structured: bool,
    done: bool,
}

impl Decoder {
    pub(crate) fn new(config: &ModelConfig, request: &ChatRequest) -> Self {
        Self {
            structured: request.structured.as_ref().map(|s| s.name.clone()),
            key_var: config.key_var.clone(),
            blocks: BTreeMap::new(),
            response: ChatResponse::default(),
            held_text: String::new(),
            saw_structured: false,
            done: false,
        }
    }

    /// Whether `message_stop` arrived.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    pub(crate) fn feed(&mut self, event: &SseEvent) -> Result<Vec<StreamEvent>, ModelError> {
        let data: Value = serde_json::from_str(&event.data).map_err(|e| {
            ModelError::Protocol(format!("an Anthropic stream event is not JSON ({e}): {}", snippet(&event.data)))
        })?;
        let kind = data.get("type").and_then(Value::as_str).or(event.event.as_deref()).unwrap_or("");
        let mut out = Vec::new();
        match kind {
            "message_start" => {
                if let Some(usage) = data.pointer("/message/usage") {
                    self.usage(usage, &mut out);
                }
            }
            "content_block_start" => {
                let index = index(&data)?;
                let block = data.get("content_block").unwrap_or(&Value::Null);
                let block = match block.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        let text = block.get("text").and_then(Value::as_str).unwrap_or("");
                        self.text(text, &mut out);
                        Block::Text
                    }
                    Some("tool_use") => {
                        let id = str_field(block, "id");
                        let name = str_field(block, "name");
                        if self.structured.as_deref() == Some(name.as_str()) {
                            self.saw_structured = true;
                            Block::Structured
                        } else {
                            out.push(StreamEvent::ToolCallStart { id: id.clone(), name: name.clone() });
                            Block::Tool { id, name, json: String::new() }
                        }
                    }
                    _ => Block::Other,
                };
                self.blocks.insert(index, block);
            }
            "content_block_delta" => {
                let index = index(&data)?;
                let delta = data.get("delta").unwrap_or(&Value::Null);
                match (delta.get("type").and_then(Value::as_str), self.blocks.get_mut(&index)) {
                    (Some("text_delta"), Some(Block::Text)) => {
                        let text = delta.get("text").and_then(Value::as_str).unwrap_or("");
                        self.text(text, &mut out);
                    }
                    (Some("input_json_delta"), Some(Block::Tool { id, json, .. })) => {
                        let part = delta.get("partial_json").and_then(Value::as_str).unwrap_or("");
                        if !part.is_empty() {
                            json.push_str(part);
                            out.push(StreamEvent::ToolCallDelta { id: id.clone(), json: part.to_string() });
                        }
                    }
                    (Some("input_json_delta"), Some(Block::Structured)) => {
                        let part = delta.get("partial_json").and_then(Value::as_str).unwrap_or("");
                        if !part.is_empty() {
                            self.response.text.push_str(part);
                            out.push(StreamEvent::Text(part.to_string()));
                        }
                    }
                    (_, None) => {
                        return Err(ModelError::Protocol(format!("a delta for content block {index}, never started")));
                    }
                    // Thinking, signatures, citations: not part of the answer.
                    _ => {}
                }
            }
            "content_block_stop" => {
                let index = index(&data)?;
                if let Some(Block::Tool { id, name, json }) = self.blocks.remove(&index) {
                    let input = input_or_raw(&json, &name);
                    self.response.tool_calls.push(ToolCall { id, name, input });
                }
            }
            "message_delta" => {
                if let Some(reason) = data.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    self.response.stop_reason = Some(reason.to_string());
                }
                if let Some(usage) = data.get("usage") {
                    self.usage(usage, &mut out);
                }
            }
            "message_stop" => self.done = true,
            "error" => {
                let error = data.get("error").unwrap_or(&Value::Null);
                let kind = error.get("type").and_then(Value::as_str).unwrap_or("api_error");
                let message = error.get("message").and_then(Value::as_str).unwrap_or(kind).to_string();
                return Err(api_error(kind, message, None, &self.key_var));
            }
            // `ping`, and event types added after this was written.
            _ => {}
        }
        Ok(out)
    }

    /// The response, once the stream has ended.
    pub(crate) fn finish(mut self) -> Result<(ChatResponse, Vec<StreamEvent>), ModelError> {
        if !self.done {
            return Err(ModelError::StreamCut);
        }
        let mut out = Vec::new();
        if self.structured.is_some() && !self.saw_structured && !self.held_text.is_empty() {
            let text = std::mem::take(&mut self.held_text);
            out.push(StreamEvent::Text(text.clone()));
            self.response.text = text;
        }
        Ok((self.response, out))
    }

    fn text(&mut self, text: &str, out: &mut Vec<StreamEvent>) {
        if text.is_empty() {
            return;
        }
        if self.structured.is_some() {
            self.held_text.push_str(text);
        } else {
            self.response.text.push_str(text);
            out.push(StreamEvent::Text(text.to_string()));
        }
    }

    /// `message_start` carries the input count; `message_delta` the
    /// running output count (and, lately, the input count again).
    fn usage(&mut self, usage: &Value, out: &mut Vec<StreamEvent>) {
        let count = |k: &str| usage.get(k).and_then(Value::as_u64);
        let cached = count("cache_read_input_tokens").unwrap_or(0) + count("cache_creation_input_tokens").unwrap_or(0);
        if let Some(input) = count("input_tokens") {
            self.response.usage.input_tokens = input + cached;
        }
        if let Some(output) = count("output_tokens") {
            self.response.usage.output_tokens = output;
        }
        out.push(StreamEvent::Usage(self.response.usage));
    }
}

fn index(data: &Value) -> Result<u64, ModelError> {
    data.get("index")
        .and_then(Value::as_u64)
        .ok_or_else(|| ModelError::Protocol(format!("a content block event without an index: {}", snippet_value(data))))
}

fn str_field(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn snippet_value(v: &Value) -> String {
    snippet(&v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sse::SseParser;
    use crate::{Message, Provider, StructuredOutput, ToolSpec, Usage};

    fn config() -> ModelConfig {
        ModelConfig {
            provider: Provider::Anthropic,
            model: "claude-test".into(),
            base_url: "https://api.anthropic.com".into(),
            api_key: Some(crate::ApiKey::new("sk-test".into())),
            key_var: "ANTHROPIC_API_KEY".into(),
            max_tokens: 1024,
            temperature: None,
            structured_output: true,
            connect_timeout: std::time::Duration::from_secs(1),
            read_timeout: std::time::Duration::from_secs(1),
            max_retries: 0,
            retry_base: std::time::Duration::from_millis(1),
        }
    }

    /// Runs canned SSE text through the parser and decoder.
    fn decode(request: &ChatRequest, sse: &str) -> (Vec<StreamEvent>, Result<ChatResponse, ModelError>) {
        let mut decoder = Decoder::new(&config(), request);
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        for e in parser.push(sse.as_bytes()) {
            match decoder.feed(&e) {
                Ok(out) => events.extend(out),
                Err(err) => return (events, Err(err)),
            }
        }
        let result = decoder.finish().map(|(r, out)| {
            events.extend(out);
            r
        });
        (events, result)
    }

    fn sse(events: &[(&str, Value)]) -> String {
        events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect()
    }

    fn text_stream(parts: &[&str]) -> String {
        let mut events = vec![
            (
                "message_start",
                json!({"type": "message_start", "message": {"id": "m", "usage": {"input_tokens": 12, "output_tokens": 1}}}),
            ),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            ),
            ("ping", json!({"type": "ping"})),
        ];
        for p in parts {
            events.push((
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}),
            ));
        }
        events.push(("content_block_stop", json!({"type": "content_block_stop", "index": 0})));
        events.push((
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 7}}),
        ));
        events.push(("message_stop", json!({"type": "message_stop"})));
        sse(&events)
    }

    #[test]
    fn request_body() {
        let request = ChatRequest {
            system: Some("be brief".into()),
            messages: vec![
                Message::user("hi"),
                Message {
                    role: Role::Assistant,
                    content: vec![
                        Content::Text { text: "let me look".into() },
                        Content::ToolUse { id: "t1".into(), name: "read".into(), input: json!({"path": "a"}) },
                    ],
                },
                Message {
                    role: Role::User,
                    content: vec![Content::ToolResult {
                        tool_use_id: "t1".into(),
                        content: "A".into(),
                        is_error: false,
                    }],
                },
            ],
            tools: vec![ToolSpec {
                name: "read".into(),
                description: "Read a file".into(),
                input_schema: json!({"type": "object"}),
            }],
            tool_choice: ToolChoice::Tool("read".into()),
            temperature: Some(0.5),
            ..ChatRequest::default()
        };
        assert_eq!(
            body(&config(), &request),
            json!({
                "model": "claude-test",
                "max_tokens": 1024,
                "system": "be brief",
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                    {"role": "assistant", "content": [
                        {"type": "text", "text": "let me look"},
                        {"type": "tool_use", "id": "t1", "name": "read", "input": {"path": "a"}},
                    ]},
                    {"role": "user", "content": [
                        {"type": "tool_result", "tool_use_id": "t1", "content": "A", "is_error": false},
                    ]},
                ],
                "tools": [{"name": "read", "description": "Read a file", "input_schema": {"type": "object"}}],
                "tool_choice": {"type": "tool", "name": "read"},
                "temperature": 0.5,
                "stream": true,
            })
        );
        assert_eq!(url(&config()), "https://api.anthropic.com/v1/messages");
    }

    #[test]
    fn tool_choices() {
        let tools = vec![ToolSpec { name: "t".into(), description: String::new(), input_schema: json!({}) }];
        for (choice, expected) in [
            (ToolChoice::Auto, json!({"type": "auto"})),
            (ToolChoice::Any, json!({"type": "any"})),
            (ToolChoice::None, json!({"type": "none"})),
        ] {
            let request = ChatRequest { tools: tools.clone(), tool_choice: choice, ..ChatRequest::default() };
            assert_eq!(body(&config(), &request)["tool_choice"], expected);
        }
        let plain = body(&config(), &ChatRequest { messages: vec![Message::user("x")], ..ChatRequest::default() });
        assert!(plain.get("tools").is_none() && plain.get("tool_choice").is_none() && plain.get("system").is_none());
        assert!(plain.get("temperature").is_none());
    }

    #[test]
    fn structured_output_is_a_forced_tool() {
        let request = ChatRequest {
            messages: vec![Message::user("x")],
            structured: Some(StructuredOutput {
                name: "doc".into(),
                description: "A document".into(),
                schema: json!({"type": "object", "properties": {"a": {"type": "string"}}}),
                format: Default::default(),
            }),
            max_tokens: Some(99),
            ..ChatRequest::default()
        };
        let b = body(&config(), &request);
        assert_eq!(
            b["tools"],
            json!([{"name": "doc", "description": "A document", "input_schema": {"type": "object", "properties": {"a": {"type": "string"}}}}])
        );
        assert_eq!(b["tool_choice"], json!({"type": "tool", "name": "doc"}));
        assert_eq!(b["max_tokens"], 99);
    }

    #[test]
    fn headers_carry_the_key_and_version() {
        let h = headers(&config());
        assert!(h.contains(&("x-api-key", "sk-test".into())));
        assert!(h.contains(&("anthropic-version", "2023-06-01".into())));
        let no_key = ModelConfig { api_key: None, ..config() };
        assert!(headers(&no_key).iter().all(|(k, _)| *k != "x-api-key"));
    }

    #[test]
    fn streamed_text() {
        let (events, response) = decode(&ChatRequest::default(), &text_stream(&["Hel", "lo", " world"]));
        let response = response.unwrap();
        assert_eq!(response.text, "Hello world");
        assert_eq!(response.stop_reason.as_deref(), Some("end_turn"));
        assert_eq!(response.usage, Usage { input_tokens: 12, output_tokens: 7 });
        let texts: Vec<_> =
            events.iter().filter_map(|e| if let StreamEvent::Text(t) = e { Some(t.as_str()) } else { None }).collect();
        assert_eq!(texts, ["Hel", "lo", " world"]);
        assert_eq!(events.first(), Some(&StreamEvent::Usage(Usage { input_tokens: 12, output_tokens: 1 })));
    }

    fn tool_stream(name: &str, parts: &[&str]) -> String {
        let mut events = vec![
            (
                "message_start",
                json!({"type": "message_start", "message": {"usage": {"input_tokens": 3, "output_tokens": 0}}}),
            ),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}}),
            ),
        ];
        for p in parts {
            events.push((
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": p}}),
            ));
        }
        events.push(("content_block_stop", json!({"type": "content_block_stop", "index": 0})));
        events.push((
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 5}}),
        ));
        events.push(("message_stop", json!({"type": "message_stop"})));
        sse(&events)
    }

    #[test]
    fn tool_calls_are_assembled() {
        let (events, response) = decode(&ChatRequest::default(), &tool_stream("read", &["{\"pa", "th\": \"a.md\"}"]));
        let response = response.unwrap();
        assert_eq!(
            response.tool_calls,
            [ToolCall { id: "toolu_1".into(), name: "read".into(), input: json!({"path": "a.md"}) }]
        );
        assert_eq!(response.text, "");
        assert!(events.contains(&StreamEvent::ToolCallStart { id: "toolu_1".into(), name: "read".into() }));
        assert!(events.contains(&StreamEvent::ToolCallDelta { id: "toolu_1".into(), json: "{\"pa".into() }));
        let (_, empty) = decode(&ChatRequest::default(), &tool_stream("list", &[]));
        assert_eq!(empty.unwrap().tool_calls[0].input, json!({}));
        // Input that is not JSON is the caller's to report (as the raw text).
        let (_, bad) = decode(&ChatRequest::default(), &tool_stream("read", &["{\"pa"]));
        assert_eq!(bad.unwrap().tool_calls[0].input, json!("{\"pa"));
    }

    #[test]
    fn structured_json_is_the_text() {
        let request = ChatRequest {
            structured: Some(StructuredOutput {
                name: "doc".into(),
                description: String::new(),
                schema: json!({}),
                format: Default::default(),
            }),
            ..ChatRequest::default()
        };
        let (events, response) = decode(&request, &tool_stream("doc", &["{\"a\":", " 1}"]));
        let response = response.unwrap();
        assert_eq!(response.text, "{\"a\": 1}");
        assert!(response.tool_calls.is_empty());
        assert!(events.contains(&StreamEvent::Text("{\"a\":".into())));
        assert!(!events.iter().any(|e| matches!(e, StreamEvent::ToolCallStart { .. })));
        // A server that ignored the forced tool: its text is the answer.
        let (_, response) = decode(&request, &text_stream(&["{\"a\"", ": 2}"]));
        assert_eq!(response.unwrap().text, "{\"a\": 2}");
    }

    #[test]
    fn error_events() {
        let overloaded = sse(&[
            ("message_start", json!({"type": "message_start", "message": {"usage": {"input_tokens": 1}}})),
            ("error", json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})),
        ]);
        let (_, r) = decode(&ChatRequest::default(), &overloaded);
        assert_eq!(r, Err(ModelError::Overloaded { provider: "Anthropic".into(), message: "Overloaded".into() }));
        let api = sse(&[("error", json!({"type": "error", "error": {"type": "api_error", "message": "boom"}}))]);
        assert!(matches!(decode(&ChatRequest::default(), &api).1, Err(ModelError::Server { status: 500, .. })));
        let invalid =
            sse(&[("error", json!({"type": "error", "error": {"type": "invalid_request_error", "message": "no"}}))]);
        assert!(matches!(decode(&ChatRequest::default(), &invalid).1, Err(ModelError::BadRequest { status: 400, .. })));
    }

    #[test]
    fn a_stream_without_message_stop_was_cut() {
        let full = text_stream(&["a", "b"]);
        let cut = &full[..full.find("event: message_delta").unwrap()];
        let (events, r) = decode(&ChatRequest::default(), cut);
        assert_eq!(r, Err(ModelError::StreamCut));
        assert!(events.contains(&StreamEvent::Text("b".into())));
    }

    #[test]
    fn unparsable_data_is_a_protocol_error() {
        let (_, r) = decode(&ChatRequest::default(), "event: content_block_delta\ndata: {not json\n\n");
        assert!(matches!(r, Err(ModelError::Protocol(m)) if m.contains("{not json")));
    }

    #[test]
    fn unknown_events_and_blocks_are_ignored() {
        let stream = sse(&[
            ("message_start", json!({"type": "message_start", "message": {"usage": {"input_tokens": 1}}})),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "hmm"}}),
            ),
            ("content_block_stop", json!({"type": "content_block_stop", "index": 0})),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "ok"}}),
            ),
            ("future_event", json!({"type": "future_event"})),
            ("message_stop", json!({"type": "message_stop"})),
        ]);
        assert_eq!(decode(&ChatRequest::default(), &stream).1.unwrap().text, "ok");
    }
}
