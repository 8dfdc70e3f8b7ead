//! The provider-neutral conversation: messages, tools, structured output,
//! stream events and the final response.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One part of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    Text {
        text: String,
    },
    /// A tool call the assistant made.
    ToolUse {
        id: String,
        name: String,
        input: Value,
    },
    /// The answer to a tool call, sent back by the user side.
    ToolResult {
        tool_use_id: String,
        content: String,
        is_error: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: Vec<Content>,
}

impl Message {
    pub fn user(text: impl Into<String>) -> Self {
        Self { role: Role::User, content: vec![Content::Text { text: text.into() }] }
    }

    pub fn assistant(text: impl Into<String>) -> Self {
        Self { role: Role::Assistant, content: vec![Content::Text { text: text.into() }] }
    }
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the tool's input.
    pub input_schema: Value,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum ToolChoice {
    /// The model decides.
    #[default]
    Auto,
    /// The model must call one of the tools (Anthropic `any`, OpenAI `required`).
    Any,
    /// The model must call this tool.
    Tool(String),
    /// The model must not call tools.
    None,
}

/// Ask for an answer that is JSON following `schema`. Anthropic gets a
/// forced tool whose input schema is `schema`; OpenAI-compatible endpoints
/// get `response_format: {type: "json_schema", ...}`. Either way the JSON
/// arrives as [`StreamEvent::Text`] deltas and in [`ChatResponse::text`].
#[derive(Debug, Clone, PartialEq)]
pub struct StructuredOutput {
    /// A short identifier (`requirements_document`).
    pub name: String,
    pub description: String,
    pub schema: Value,
    /// How an OpenAI-compatible endpoint is asked for it.
    pub format: JsonFormat,
}

/// The `response_format` an OpenAI-compatible endpoint gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonFormat {
    /// `{type: "json_schema", json_schema: {name, schema, strict: true}}`: OpenAI, llama.cpp's server, vLLM,
    /// Ollama, LM Studio, OpenRouter, Gemini.
    #[default]
    JsonSchema,
    /// `{type: "json_object", schema}`: llama-cpp-python's server, which refuses `json_schema` but constrains
    /// `json_object` with a schema by grammar.
    JsonObjectWithSchema,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    pub system: Option<String>,
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    pub tool_choice: ToolChoice,
    pub structured: Option<StructuredOutput>,
    /// Overrides the configured maximum.
    pub max_tokens: Option<u32>,
    /// Overrides the configured temperature.
    pub temperature: Option<f32>,
}

/// What arrives while a response streams.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// A piece of the answer's text (or of the structured JSON).
    Text(String),
    /// A tool call began.
    ToolCallStart { id: String, name: String },
    /// A fragment of the current tool call's JSON arguments.
    ToolCallDelta { id: String, json: String },
    /// Token counts, as the provider reports them (may arrive more than once).
    Usage(Usage),
    /// The request is being retried after a transient failure: retry
    /// number `attempt` (from 1) starts after `wait_ms`; `reason` is the
    /// failure. Sent only while no text or tool call has been emitted.
    Retrying { attempt: u32, wait_ms: u64, reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub input: Value,
}

/// A finished answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatResponse {
    /// The text, or for a structured request the JSON text.
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    pub usage: Usage,
    /// `end_turn`, `stop`, `tool_use`, `max_tokens`, `length`, ... as the provider said.
    pub stop_reason: Option<String>,
}
