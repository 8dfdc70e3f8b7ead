//! The tool-calling loop: ask the model with the tools' schemas, run the
//! calls it makes, send their results back, until it answers without a
//! call, a limit is reached, or the turn is cancelled. Text streams to the
//! caller as it arrives.

use std::path::PathBuf;

use serde_json::Value;
use specwright_models::{ChatRequest, Content, Message, Model, ModelError, Role, StreamEvent, ToolChoice, ToolSpec};

use crate::fallback::{self, StreamFilter};
use crate::host::Applied;
use crate::staging::Staging;
use crate::tool::{Tool, ToolContext, ToolError};

/// What a turn streams to its front end.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentEvent {
    /// A piece of the model's answer.
    Text(String),
    /// The model called a tool.
    ToolCall { id: String, name: String, input: Value },
    /// The tool's result, as the model will read it.
    ToolResult { id: String, name: String, ok: bool, output: String },
}

/// Bounds of one turn.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Model calls in one turn (each answer with tool calls is one step).
    pub max_steps: usize,
    /// The most characters of one tool's output the model reads.
    pub tool_output_chars: usize,
    /// Overrides the configured maximum of output tokens per model call.
    pub max_tokens: Option<u32>,
    /// For models without native tool support: no tools are sent; the
    /// system prompt describes them and the model writes `<tool_call>`
    /// blocks ([`crate::fallback`]).
    pub text_tools: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_steps: 25, tool_output_chars: 20_000, max_tokens: None, text_tools: false }
    }
}

/// Why a turn ended.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// The model answered without calling a tool.
    EndTurn,
    /// [`Limits::max_steps`] model calls were made.
    MaxSteps,
    Cancelled,
    /// The model failed (after the model layer's retries).
    ModelError(String),
}

impl StopReason {
    /// `endTurn`, `maxSteps`, `cancelled`, `error`.
    pub fn as_str(&self) -> &'static str {
        match self {
            StopReason::EndTurn => "endTurn",
            StopReason::MaxSteps => "maxSteps",
            StopReason::Cancelled => "cancelled",
            StopReason::ModelError(_) => "error",
        }
    }
}

/// How a turn ended.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnOutcome {
    pub stop: StopReason,
    /// The text of the model's last answer.
    pub text: String,
    /// Model calls made.
    pub steps: usize,
}

/// Runs one turn: `history` ends with the user's message and receives the
/// assistant's answers and the tool results. Never panics on anything the
/// model sends: unknown tools, malformed arguments and failing tools become
/// error results the model reads.
pub async fn run_turn(
    model: &dyn Model,
    system: Option<String>,
    history: &mut Vec<Message>,
    tools: &[Box<dyn Tool>],
    cx: &ToolContext<'_>,
    limits: &Limits,
    on_event: &mut (dyn FnMut(AgentEvent) + Send),
) -> TurnOutcome {
    let specs: Vec<ToolSpec> = tools
        .iter()
        .map(|t| ToolSpec {
            name: t.name().into(),
            description: t.description().into(),
            input_schema: t.input_schema(),
        })
        .collect();
    let (mut system, mut specs) = if limits.text_tools { in_text(system, specs) } else { (system, specs) };
    let mut text_calls = 0usize;
    let mut steps = 0;
    loop {
        if cx.cancel.is_cancelled() {
            return TurnOutcome { stop: StopReason::Cancelled, text: String::new(), steps };
        }
        if steps >= limits.max_steps {
            let text = format!("Stopped after {steps} steps (the limit of one turn).");
            return TurnOutcome { stop: StopReason::MaxSteps, text, steps };
        }
        steps += 1;
        let request = ChatRequest {
            system: system.clone(),
            messages: history.clone(),
            tools: specs.clone(),
            tool_choice: ToolChoice::Auto,
            max_tokens: limits.max_tokens,
            ..ChatRequest::default()
        };
        let response = {
            // Text inside `<tool_call>` blocks is not streamed.
            let mut filter = StreamFilter::default();
            let mut sink = |event: StreamEvent| {
                if let StreamEvent::Text(text) = event {
                    let shown = filter.push(&text);
                    if !shown.is_empty() {
                        on_event(AgentEvent::Text(shown));
                    }
                }
            };
            let response = model.chat(&request, cx.cancel, &mut sink).await;
            let rest = filter.finish();
            if !rest.is_empty() {
                on_event(AgentEvent::Text(rest));
            }
            response
        };
        let response = match response {
            Ok(r) => r,
            Err(ModelError::Cancelled) => {
                return TurnOutcome { stop: StopReason::Cancelled, text: String::new(), steps };
            }
            // Many local models (Ollama's smaller ones, llama.cpp without
            // --jinja) refuse a request that carries tools: describe the
            // tools in the prompt instead, for the rest of the turn.
            Err(e) if !specs.is_empty() && refuses_tools(&e) => {
                tracing::info!("the model refused native tools ({e}); describing them in the prompt instead");
                (system, specs) = in_text(system, std::mem::take(&mut specs));
                steps -= 1;
                continue;
            }
            Err(e) => return TurnOutcome { stop: StopReason::ModelError(e.to_string()), text: String::new(), steps },
        };
        if response.tool_calls.is_empty() {
            let (text, parsed) = fallback::parse_calls(&response.text);
            history.push(Message { role: Role::Assistant, content: vec![Content::Text { text: response.text }] });
            if parsed.is_empty() {
                return TurnOutcome { stop: StopReason::EndTurn, text, steps };
            }
            let results = run_text_calls(parsed, &mut text_calls, tools, cx, limits, on_event).await;
            history.push(Message::user(fallback::results_message(&results)));
            continue;
        }
        let mut content = Vec::new();
        if !response.text.is_empty() {
            content.push(Content::Text { text: response.text.clone() });
        }
        for call in &response.tool_calls {
            // Providers take only objects back; a malformed call is answered by its error result.
            let input = if call.input.is_object() { call.input.clone() } else { Value::Object(Default::default()) };
            content.push(Content::ToolUse { id: call.id.clone(), name: call.name.clone(), input });
        }
        history.push(Message { role: Role::Assistant, content });
        // Consecutive editing calls are staged, then reviewed as one change
        // (before any other tool runs, and at the end of the step).
        let staging = Staging::new(cx.host);
        let staged_cx =
            ToolContext { workspace: cx.workspace, host: &staging, cancel: cx.cancel, output_limit: cx.output_limit };
        let mut staged: Vec<StagedCall> = Vec::new();
        let mut results = Vec::new();
        for call in response.tool_calls {
            on_event(AgentEvent::ToolCall { id: call.id.clone(), name: call.name.clone(), input: call.input.clone() });
            if tools.iter().any(|t| t.name() == call.name && t.edits_files()) {
                let from = staging.staged_count();
                let result = run_tool(tools, &call.name, call.input, &staged_cx).await;
                staged.push(StagedCall { id: call.id, name: call.name, result, paths: staging.paths_since(from) });
                continue;
            }
            apply_staged(&staging, cx, &mut staged, limits, &mut results, on_event).await;
            let result = run_tool(tools, &call.name, call.input, cx).await;
            report(call.id, call.name, result, limits, &mut results, on_event);
        }
        apply_staged(&staging, cx, &mut staged, limits, &mut results, on_event).await;
        history.push(Message { role: Role::User, content: results });
    }
}

/// An editing call whose change waits in the [`Staging`] host.
struct StagedCall {
    id: String,
    name: String,
    result: Result<String, ToolError>,
    /// The files its change touched.
    paths: Vec<PathBuf>,
}

/// Gives the host the staged change of `calls` at once, then reports each
/// call: refused when the user rejected a file it changed, noted when only
/// part of it was applied. Nothing is applied once the turn is cancelled.
async fn apply_staged(
    staging: &Staging<'_>,
    cx: &ToolContext<'_>,
    calls: &mut Vec<StagedCall>,
    limits: &Limits,
    results: &mut Vec<Content>,
    on_event: &mut (dyn FnMut(AgentEvent) + Send),
) {
    if calls.is_empty() {
        return;
    }
    let changes = staging.take();
    let paths: Vec<PathBuf> = changes.iter().map(|c| c.path().to_path_buf()).collect();
    let outcomes = if cx.cancel.is_cancelled() {
        vec![Err("cancelled".to_string()); changes.len()]
    } else if changes.is_empty() {
        Vec::new()
    } else {
        cx.host.apply_all(changes).await
    };
    for call in calls.drain(..) {
        let mut refused = Vec::new();
        let mut partly = Vec::new();
        for path in &call.paths {
            match paths.iter().position(|p| p == path).and_then(|i| outcomes.get(i)) {
                Some(Err(reason)) if !refused.contains(reason) => refused.push(reason.clone()),
                Some(Ok(Applied::Partly(note))) if !partly.contains(note) => partly.push(note.clone()),
                _ => {}
            }
        }
        let result = match call.result {
            Ok(_) if !refused.is_empty() => Err(ToolError::Refused(refused.join("; "))),
            Ok(text) if !partly.is_empty() => Ok(format!("{text}\nApplied only in part: {}", partly.join("; "))),
            other => other,
        };
        report(call.id, call.name, result, limits, results, on_event);
    }
}

/// A call's result, to the model (capped) and to the front end.
fn report(
    id: String,
    name: String,
    result: Result<String, ToolError>,
    limits: &Limits,
    results: &mut Vec<Content>,
    on_event: &mut (dyn FnMut(AgentEvent) + Send),
) {
    let (ok, output) = match result {
        Ok(text) => (true, cap(text, limits.tool_output_chars)),
        Err(e) => (false, cap(e.message(), limits.tool_output_chars)),
    };
    on_event(AgentEvent::ToolResult { id: id.clone(), name, ok, output: output.clone() });
    results.push(Content::ToolResult { tool_use_id: id, content: output, is_error: !ok });
}

/// The system prompt and tools for a model without native tool use: no
/// tools are sent; the prompt describes them ([`fallback`]).
fn in_text(system: Option<String>, specs: Vec<ToolSpec>) -> (Option<String>, Vec<ToolSpec>) {
    let instructions = fallback::tool_instructions(&specs);
    let system = match system {
        Some(s) if !s.trim().is_empty() => format!("{s}\n\n{instructions}"),
        _ => instructions,
    };
    (Some(system), Vec::new())
}

/// Whether an error says the model or server does not take tools, as
/// Ollama ("… does not support tools", HTTP 400) and llama.cpp's server
/// ("tools param requires --jinja flag", HTTP 500) answer.
fn refuses_tools(error: &ModelError) -> bool {
    let message = match error {
        ModelError::BadRequest { message, .. } | ModelError::Server { message, .. } => message.to_lowercase(),
        _ => return false,
    };
    message.contains("tool")
        && ["support", "jinja", "not allowed", "unsupported", "unknown"].iter().any(|w| message.contains(w))
}

/// Runs the calls read from the model's text like native ones (ids
/// `text_call_N`); a block that could not be read is an error result.
async fn run_text_calls(
    parsed: Vec<Result<fallback::ParsedCall, String>>,
    counter: &mut usize,
    tools: &[Box<dyn Tool>],
    cx: &ToolContext<'_>,
    limits: &Limits,
    on_event: &mut (dyn FnMut(AgentEvent) + Send),
) -> Vec<(String, bool, String)> {
    let mut results = Vec::new();
    for call in parsed {
        *counter += 1;
        let id = format!("text_call_{counter}");
        let (name, result) = match call {
            Ok(call) => {
                on_event(AgentEvent::ToolCall {
                    id: id.clone(),
                    name: call.name.clone(),
                    input: call.arguments.clone(),
                });
                let result = run_tool(tools, &call.name, call.arguments, cx).await;
                (call.name, result)
            }
            Err(message) => {
                // A block that could not be read: the model reads why.
                let name = "tool_call".to_string();
                on_event(AgentEvent::ToolCall { id: id.clone(), name: name.clone(), input: Value::Null });
                (name, Err(ToolError::InvalidInput(message)))
            }
        };
        let (ok, output) = match result {
            Ok(text) => (true, cap(text, limits.tool_output_chars)),
            Err(e) => (false, cap(e.message(), limits.tool_output_chars)),
        };
        on_event(AgentEvent::ToolResult { id, name: name.clone(), ok, output: output.clone() });
        results.push((name, ok, output));
    }
    results
}

/// Runs the named tool; an unknown name or arguments that are not a JSON
/// object are errors the model reads.
async fn run_tool(
    tools: &[Box<dyn Tool>],
    name: &str,
    input: Value,
    cx: &ToolContext<'_>,
) -> Result<String, ToolError> {
    let Some(tool) = tools.iter().find(|t| t.name() == name) else {
        let known: Vec<&str> = tools.iter().map(|t| t.name()).collect();
        return Err(ToolError::InvalidInput(format!("there is no tool '{name}'; the tools are: {}", known.join(", "))));
    };
    // Some providers deliver arguments that did not parse as a string.
    let input = match input {
        Value::String(text) => serde_json::from_str(&text).map_err(|e| {
            ToolError::InvalidInput(format!("the arguments are not a JSON object ({e}); send them as one object"))
        })?,
        other => other,
    };
    if !input.is_object() {
        return Err(ToolError::InvalidInput("the arguments must be one JSON object".into()));
    }
    if cx.cancel.is_cancelled() {
        return Err(ToolError::Cancelled);
    }
    tool.run(input, cx).await
}

/// `text` within `limit` characters, with the cap shown to the model.
fn cap(text: String, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((at, _)) => {
            let total = text.chars().count();
            format!("{}\n[output cut at {limit} of {total} characters]", &text[..at])
        }
        None => text,
    }
}
