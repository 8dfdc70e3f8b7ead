//! OpenAI-compatible Chat Completions (`POST {base_url}/chat/completions`,
//! streamed): OpenAI itself, Ollama, llama.cpp, vLLM, LM Studio, OpenRouter.
//!
//! Only what every such server accepts is sent (`max_tokens`, not
//! `max_completion_tokens`); structured output is `response_format` with a
//! strict JSON schema. The parser tolerates the usual deviations: no
//! `[DONE]` after a `finish_reason`, tool-call fragments without `index`,
//! whole tool calls in one chunk, a non-streamed JSON answer.

use serde_json::{Map, Value, json};

use crate::config::ModelConfig;
use crate::sse::SseEvent;
use crate::wire::{input_or_raw, parse_input, snippet, temperature};
use crate::{ChatRequest, ChatResponse, Content, ModelError, Provider, Role, StreamEvent, ToolCall, ToolChoice};

pub(crate) fn url(config: &ModelConfig) -> String {
    format!("{}/chat/completions", config.base_url)
}

/// The headers besides `content-type`: a bearer token only when a key is
/// set (local servers need none). Marked sensitive by the client.
pub(crate) fn headers(config: &ModelConfig) -> Vec<(&'static str, String)> {
    config.api_key.iter().map(|key| ("authorization", format!("Bearer {}", key.expose()))).collect()
}

/// The request body.
pub(crate) fn body(config: &ModelConfig, request: &ChatRequest) -> Value {
    let mut messages = Vec::new();
    if let Some(system) = request.system.as_deref().filter(|s| !s.is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
    }
    for m in &request.messages {
        push_message(&mut messages, m);
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(config.model));
    body.insert("messages".into(), Value::Array(messages));
    if !request.tools.is_empty() {
        let tools = request
            .tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.input_schema,
                }})
            })
            .collect();
        body.insert("tools".into(), Value::Array(tools));
        let choice = match &request.tool_choice {
            ToolChoice::Auto => json!("auto"),
            ToolChoice::Any => json!("required"),
            ToolChoice::None => json!("none"),
            ToolChoice::Tool(name) => json!({"type": "function", "function": {"name": name}}),
        };
        body.insert("tool_choice".into(), choice);
    }
    if let Some(structured) = &request.structured {
        let mut schema = Map::new();
        schema.insert("name".into(), json!(structured.name));
        if !structured.description.is_empty() {
            schema.insert("description".into(), json!(structured.description));
        }
        schema.insert("schema".into(), structured.schema.clone());
        schema.insert("strict".into(), json!(true));
        let format = match structured.format {
            crate::JsonFormat::JsonSchema => json!({"type": "json_schema", "json_schema": schema}),
            crate::JsonFormat::JsonObjectWithSchema => json!({"type": "json_object", "schema": structured.schema}),
        };
        body.insert("response_format".into(), format);
    }
    body.insert("max_tokens".into(), json!(request.max_tokens.unwrap_or(config.max_tokens)));
    if let Some(t) = request.temperature.or(config.temperature) {
        body.insert("temperature".into(), temperature(t));
    }
    body.insert("stream".into(), json!(true));
    body.insert("stream_options".into(), json!({"include_usage": true}));
    Value::Object(body)
}

/// One neutral message may become several: tool results are `tool`
/// messages of their own, placed first (they must follow the assistant's
/// `tool_calls` directly), then the user's text.
fn push_message(out: &mut Vec<Value>, m: &crate::Message) {
    let mut texts = Vec::new();
    let mut calls = Vec::new();
    for c in &m.content {
        match c {
            Content::Text { text } => texts.push(text.as_str()),
            Content::ToolUse { id, name, input } => calls.push(json!({
                "id": id, "type": "function", "function": {"name": name, "arguments": input.to_string()},
            })),
            Content::ToolResult { tool_use_id, content, is_error } => {
                let content = if *is_error { format!("Error: {content}") } else { content.clone() };
                out.push(json!({"role": "tool", "tool_call_id": tool_use_id, "content": content}));
            }
        }
    }
    let text = texts.join("\n\n");
    match m.role {
        Role::User if !text.is_empty() => out.push(json!({"role": "user", "content": text})),
        Role::User => {}
        Role::Assistant => {
            let mut message = Map::new();
            message.insert("role".into(), json!("assistant"));
            if !text.is_empty() || calls.is_empty() {
                message.insert("content".into(), json!(text));
            }
            if !calls.is_empty() {
                message.insert("tool_calls".into(), Value::Array(calls));
            }
            out.push(Value::Object(message));
        }
    }
}

/// The message of an error body (`{error: {message, type, code}}`, or
/// `{error: "..."}` as Ollama sends it) and its `type`/`code`, joined.
pub(crate) fn error_parts(error: &Value) -> (String, String) {
    match error {
        Value::String(s) => (s.clone(), String::new()),
        Value::Object(o) => {
            let message = o.get("message").and_then(Value::as_str).unwrap_or("").to_string();
            let field = |k: &str| match o.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            let kind = [field("type"), field("code")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
            (message, kind.join("/"))
        }
        other => (other.to_string(), String::new()),
    }
}

/// An `error` object inside a stream chunk (the HTTP status was 200).
fn stream_error(error: &Value, key_var: &str) -> ModelError {
    let (message, kind) = error_parts(error);
    let message = if message.is_empty() { snippet(&error.to_string()) } else { message };
    let provider = Provider::Openai.name().to_string();
    let status = error.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok());
    let kind = kind.to_ascii_lowercase();
    if kind.contains("rate_limit") || status == Some(429) {
        ModelError::RateLimited { provider, retry_after: None, message }
    } else if kind.contains("overloaded") || status == Some(529) {
        ModelError::Overloaded { provider, message }
    } else if kind.contains("auth") || kind.contains("api_key") || matches!(status, Some(401 | 403)) {
        ModelError::Auth { provider, key_var: key_var.to_string(), status: status.unwrap_or(401), message }
    } else if kind.contains("invalid_request") || status.is_some_and(|s| (400..500).contains(&s)) {
        ModelError::BadRequest { provider, status: status.unwrap_or(400), message }
    } else {
        ModelError::Server { provider, status: status.filter(|s| *s >= 500).unwrap_or(500), message }
    }
}

struct PartialCall {
    id: String,
    name: String,
    arguments: String,
    started: bool,
}

/// Turns the stream's chunks into [`StreamEvent`]s and a [`ChatResponse`].
pub(crate) struct Decoder {
    key_var: String,
    calls: Vec<PartialCall>,
    /// `index` → position in `calls`.
    indexes: Vec<(u64, usize)>,
    response: ChatResponse,
    saw_done: bool,
}

impl Decoder {
    pub(crate) fn new(config: &ModelConfig) -> Self {
        Self {
            key_var: config.key_var.clone(),
            calls: Vec::new(),
            indexes: Vec::new(),
            response: ChatResponse::default(),
            saw_done: false,
        }
    }

    /// Whether `data: [DONE]` arrived (nothing more will).
    pub(crate) fn is_done(&self) -> bool {
        self.saw_done
    }

    pub(crate) fn feed(&mut self, event: &SseEvent) -> Result<Vec<StreamEvent>, ModelError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.saw_done = true;
            return Ok(Vec::new());
        }
        let chunk: Value = serde_json::from_str(data).map_err(|e| {
            ModelError::Protocol(format!("an OpenAI-compatible stream chunk is not JSON ({e}): {}", snippet(data)))
        })?;
        self.chunk(&chunk, "delta")
    }

    /// A non-streamed answer (a server that ignored `stream: true`): its
    /// `message` is read as one big delta.
    pub(crate) fn whole(&mut self, body: &str) -> Result<Vec<StreamEvent>, ModelError> {
        let value: Value = serde_json::from_str(body).map_err(|e| {
            ModelError::Protocol(format!("the OpenAI-compatible answer is not JSON ({e}): {}", snippet(body)))
        })?;
        let out = self.chunk(&value, "message")?;
        if self.response.stop_reason.is_none() {
            self.response.stop_reason = Some("stop".into());
        }
        self.saw_done = true;
        Ok(out)
    }

    fn chunk(&mut self, chunk: &Value, delta_key: &str) -> Result<Vec<StreamEvent>, ModelError> {
        if let Some(error) = chunk.get("error").filter(|e| !e.is_null()) {
            return Err(stream_error(error, &self.key_var));
        }
        let mut out = Vec::new();
        let choice = chunk.get("choices").and_then(Value::as_array).and_then(|c| c.first());
        if let Some(choice) = choice {
            if let Some(delta) = choice.get(delta_key) {
                if let Some(text) = delta.get("content").and_then(Value::as_str).filter(|t| !t.is_empty()) {
                    self.response.text.push_str(text);
                    out.push(StreamEvent::Text(text.to_string()));
                }
                if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
                    for (position, call) in calls.iter().enumerate() {
                        self.tool_call_fragment(call, position, &mut out);
                    }
                }
            }
            if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
                self.response.stop_reason = Some(reason.to_string());
            }
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            let count = |k: &str| usage.get(k).and_then(Value::as_u64).unwrap_or(0);
            self.response.usage.input_tokens = count("prompt_tokens");
            self.response.usage.output_tokens = count("completion_tokens");
            out.push(StreamEvent::Usage(self.response.usage));
        }
        Ok(out)
    }

    fn tool_call_fragment(&mut self, call: &Value, position: usize, out: &mut Vec<StreamEvent>) {
        let id = call.get("id").and_then(Value::as_str).filter(|s| !s.is_empty());
        let function = call.get("function");
        let name = function.and_then(|f| f.get("name")).and_then(Value::as_str).filter(|s| !s.is_empty());
        let arguments = match function.and_then(|f| f.get("arguments")) {
            Some(Value::String(s)) => s.clone(),
            // Some servers send the arguments as an object.
            Some(v @ Value::Object(_)) => v.to_string(),
            _ => String::new(),
        };
        // Which call this fragment continues: by `index`; without one (as
        // some servers send), by a new `id`, else the latest call.
        let slot = match call.get("index").and_then(Value::as_u64) {
            Some(index) => self.indexes.iter().find(|(i, _)| *i == index).map(|(_, s)| *s).unwrap_or_else(|| {
                self.indexes.push((index, self.calls.len()));
                self.new_call()
            }),
            None => match id {
                Some(id) => self.calls.iter().position(|c| c.id == id).unwrap_or_else(|| self.new_call()),
                None if self.calls.is_empty() => self.new_call(),
                None => self.calls.len() - 1,
            },
        };
        let synthetic_id = format!("call_{slot}_{position}");
        let partial = &mut self.calls[slot];
        if let Some(id) = id.filter(|_| partial.id.is_empty()) {
            partial.id = id.to_string();
        }
        if let Some(name) = name {
            partial.name.push_str(name);
        }
        if !partial.started && !partial.name.is_empty() {
            if partial.id.is_empty() {
                partial.id = synthetic_id;
            }
            partial.started = true;
            out.push(StreamEvent::ToolCallStart { id: partial.id.clone(), name: partial.name.clone() });
        }
        if !arguments.is_empty() {
            partial.arguments.push_str(&arguments);
            if partial.started {
                out.push(StreamEvent::ToolCallDelta { id: partial.id.clone(), json: arguments });
            }
        }
    }

    fn new_call(&mut self) -> usize {
        self.calls.push(PartialCall {
            id: String::new(),
            name: String::new(),
            arguments: String::new(),
            started: false,
        });
        self.calls.len() - 1
    }

    /// The response, once the stream has ended. Complete means `[DONE]` or
    /// a `finish_reason` arrived (some servers send no `[DONE]`).
    pub(crate) fn finish(mut self) -> Result<ChatResponse, ModelError> {
        if !self.saw_done && self.response.stop_reason.is_none() {
            return Err(ModelError::StreamCut);
        }
        for (slot, call) in self.calls.into_iter().enumerate() {
            if call.name.is_empty() {
                return Err(ModelError::Protocol(format!("tool call {slot} has no function name")));
            }
            let input = match parse_input(&call.arguments, &call.name) {
                Ok(input) => input,
                Err(e) if self.response.stop_reason.as_deref() == Some("length") => {
                    return Err(ModelError::Protocol(format!("{e}; the answer was cut at max_tokens")));
                }
                Err(_) => input_or_raw(&call.arguments, &call.name),
            };
            let id = if call.id.is_empty() { format!("call_{slot}") } else { call.id };
            self.response.tool_calls.push(ToolCall { id, name: call.name, input });
        }
        Ok(self.response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sse::SseParser;
    use crate::{Message, StructuredOutput, ToolSpec, Usage};

    fn config() -> ModelConfig {
        ModelConfig {
            provider: Provider::Openai,
            model: "gpt-test".into(),
            base_url: "http://127.0.0.1:8080/v1".into(),
            api_key: None,
            key_var: "OPENAI_API_KEY".into(),
            max_tokens: 512,
            temperature: Some(0.2),
            structured_output: true,
            connect_timeout: std::time::Duration::from_secs(1),
            read_timeout: std::time::Duration::from_secs(1),
            max_retries: 0,
            retry_base: std::time::Duration::from_millis(1),
        }
    }

    fn decode(sse: &str) -> (Vec<StreamEvent>, Result<ChatResponse, ModelError>) {
        let mut decoder = Decoder::new(&config());
        let mut events = Vec::new();
        for e in SseParser::new().push(sse.as_bytes()) {
            match decoder.feed(&e) {
                Ok(out) => events.extend(out),
                Err(err) => return (events, Err(err)),
            }
        }
        (events, decoder.finish())
    }

    fn sse(chunks: &[Value]) -> String {
        chunks.iter().map(|c| format!("data: {c}\n\n")).collect()
    }

    fn delta(delta: Value) -> Value {
        json!({"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
    }

    fn finish(reason: &str) -> Value {
        json!({"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
    }

    fn usage() -> Value {
        json!({"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}})
    }

    #[test]
    fn request_body() {
        let request = ChatRequest {
            system: Some("be brief".into()),
            messages: vec![
                Message::user("hi"),
                Message {
                    role: Role::Assistant,
                    content: vec![Content::ToolUse {
                        id: "c1".into(),
                        name: "read".into(),
                        input: json!({"path": "a"}),
                    }],
                },
                Message {
                    role: Role::User,
                    content: vec![
                        Content::ToolResult { tool_use_id: "c1".into(), content: "A".into(), is_error: false },
                        Content::Text { text: "go on".into() },
                    ],
                },
                Message::assistant("done"),
            ],
            tools: vec![ToolSpec {
                name: "read".into(),
                description: "Read".into(),
                input_schema: json!({"type": "object"}),
            }],
            tool_choice: ToolChoice::Tool("read".into()),
            ..ChatRequest::default()
        };
        assert_eq!(
            body(&config(), &request),
            json!({
                "model": "gpt-test",
                "messages": [
                    {"role": "system", "content": "be brief"},
                    {"role": "user", "content": "hi"},
                    {"role": "assistant", "tool_calls": [
                        {"id": "c1", "type": "function", "function": {"name": "read", "arguments": "{\"path\":\"a\"}"}},
                    ]},
                    {"role": "tool", "tool_call_id": "c1", "content": "A"},
                    {"role": "user", "content": "go on"},
                    {"role": "assistant", "content": "done"},
                ],
                "tools": [{"type": "function", "function": {"name": "read", "description": "Read", "parameters": {"type": "object"}}}],
                "tool_choice": {"type": "function", "function": {"name": "read"}},
                "max_tokens": 512,
                "temperature": 0.2,
                "stream": true,
                "stream_options": {"include_usage": true},
            })
        );
        assert_eq!(url(&config()), "http://127.0.0.1:8080/v1/chat/completions");
    }

    #[test]
    fn tool_choices_and_keys() {
        let tools = vec![ToolSpec { name: "t".into(), description: String::new(), input_schema: json!({}) }];
        for (choice, expected) in
            [(ToolChoice::Auto, json!("auto")), (ToolChoice::None, json!("none")), (ToolChoice::Any, json!("required"))]
        {
            let request = ChatRequest { tools: tools.clone(), tool_choice: choice, ..ChatRequest::default() };
            assert_eq!(body(&config(), &request)["tool_choice"], expected);
        }
        assert!(body(&config(), &ChatRequest::default()).get("tool_choice").is_none());
        assert!(headers(&config()).is_empty());
        let keyed = ModelConfig { api_key: Some(crate::ApiKey::new("sk".into())), ..config() };
        assert_eq!(headers(&keyed), [("authorization", "Bearer sk".to_string())]);
    }

    #[test]
    fn structured_output_is_a_response_format() {
        let request = ChatRequest {
            structured: Some(StructuredOutput {
                name: "doc".into(),
                description: String::new(),
                schema: json!({"type": "object"}),
                format: Default::default(),
            }),
            ..ChatRequest::default()
        };
        assert_eq!(
            body(&config(), &request)["response_format"],
            json!({"type": "json_schema", "json_schema": {"name": "doc", "schema": {"type": "object"}, "strict": true}})
        );
    }

    #[test]
    fn streamed_text() {
        let stream = sse(&[
            delta(json!({"role": "assistant", "content": ""})),
            delta(json!({"content": "Hel"})),
            delta(json!({"content": "lo"})),
            finish("stop"),
            usage(),
        ]) + "data: [DONE]\n\n";
        let (events, response) = decode(&stream);
        let response = response.unwrap();
        assert_eq!(response.text, "Hello");
        assert_eq!(response.stop_reason.as_deref(), Some("stop"));
        assert_eq!(response.usage, Usage { input_tokens: 9, output_tokens: 4 });
        assert_eq!(
            events,
            [
                StreamEvent::Text("Hel".into()),
                StreamEvent::Text("lo".into()),
                StreamEvent::Usage(Usage { input_tokens: 9, output_tokens: 4 })
            ]
        );
    }

    #[test]
    fn tool_calls_are_assembled() {
        let stream = sse(&[
            delta(
                json!({"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "read", "arguments": ""}}]}),
            ),
            delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"pa"}}]})),
            delta(
                json!({"tool_calls": [{"index": 1, "id": "call_b", "function": {"name": "list", "arguments": "{}"}}]}),
            ),
            delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": "th\":\"a\"}"}}]})),
            finish("tool_calls"),
        ]) + "data: [DONE]\n\n";
        let (events, response) = decode(&stream);
        let response = response.unwrap();
        assert_eq!(
            response.tool_calls,
            [
                ToolCall { id: "call_a".into(), name: "read".into(), input: json!({"path": "a"}) },
                ToolCall { id: "call_b".into(), name: "list".into(), input: json!({}) },
            ]
        );
        assert_eq!(events[0], StreamEvent::ToolCallStart { id: "call_a".into(), name: "read".into() });
        assert_eq!(events[1], StreamEvent::ToolCallDelta { id: "call_a".into(), json: "{\"pa".into() });
    }

    #[test]
    fn tool_calls_without_index_or_id() {
        let stream = sse(&[
            delta(json!({"tool_calls": [{"function": {"name": "read", "arguments": {"path": "a"}}}]})),
            delta(json!({"tool_calls": [{"id": "x", "function": {"name": "list", "arguments": "{}"}}]})),
            finish("tool_calls"),
        ]);
        let calls = decode(&stream).1.unwrap().tool_calls;
        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].name.as_str(), &calls[0].input), ("read", &json!({"path": "a"})));
        assert!(!calls[0].id.is_empty());
        assert_eq!(calls[1].id, "x");
    }

    #[test]
    fn a_finish_reason_without_done_is_complete_and_nothing_is_cut() {
        assert_eq!(decode(&sse(&[delta(json!({"content": "a"})), finish("stop")])).1.unwrap().text, "a");
        let (events, cut) = decode(&sse(&[delta(json!({"content": "a"}))]));
        assert_eq!(cut, Err(ModelError::StreamCut));
        assert_eq!(events, [StreamEvent::Text("a".into())]);
    }

    #[test]
    fn errors_in_the_stream() {
        let (_, r) = decode(&sse(&[json!({"error": {"message": "slow down", "type": "rate_limit_exceeded"}})]));
        assert!(matches!(r, Err(ModelError::RateLimited { .. })), "{r:?}");
        let (_, r) = decode(&sse(&[json!({"error": {"message": "boom", "type": "server_error", "code": null}})]));
        assert!(matches!(r, Err(ModelError::Server { status: 500, ref message, .. }) if message == "boom"), "{r:?}");
        let (_, r) = decode(&sse(&[json!({"error": "model not found"})]));
        assert!(matches!(r, Err(ModelError::Server { .. })), "{r:?}");
        let (_, r) = decode("data: {\"choices\": [\n\n");
        assert!(matches!(r, Err(ModelError::Protocol(_))), "{r:?}");
        let (_, r) = decode(&sse(&[
            delta(json!({"tool_calls": [{"index": 0, "id": "c", "function": {"name": "f", "arguments": "{"}}]})),
            finish("length"),
        ]));
        assert!(matches!(r, Err(ModelError::Protocol(ref m)) if m.contains("max_tokens")), "{r:?}");
    }

    #[test]
    fn a_non_streamed_answer() {
        let mut decoder = Decoder::new(&config());
        let body = json!({
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi", "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}},
            ]}, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2},
        });
        let events = decoder.whole(&body.to_string()).unwrap();
        assert_eq!(events[0], StreamEvent::Text("hi".into()));
        let response = decoder.finish().unwrap();
        assert_eq!(response.tool_calls[0].input, json!({"a": 1}));
        assert_eq!(response.usage, Usage { input_tokens: 1, output_tokens: 2 });
    }
}
