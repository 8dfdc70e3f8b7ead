//! What a tool is: a name, a description, the JSON Schema of its input (what
//! the model sees), and an async `run` over a [`ToolContext`].

use serde_json::Value;
use specwright_models::{BoxFuture, CancellationToken};

use crate::host::Host;
use crate::workspace::Workspace;

/// Why a tool call failed; the model reads [`ToolError::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// The input does not follow the tool's schema.
    InvalidInput(String),
    /// A path outside the workspace (or through a link that leaves it).
    OutsideWorkspace(String),
    /// The user (or the host's policy) refused.
    Refused(String),
    /// Anything else: a missing file, no match, an I/O error.
    Failed(String),
    Cancelled,
}

impl ToolError {
    pub fn message(&self) -> String {
        match self {
            ToolError::InvalidInput(m) => format!("invalid input: {m}"),
            ToolError::OutsideWorkspace(p) => format!("refused: {p} is outside the workspace"),
            ToolError::Refused(m) => format!("refused: {m}"),
            ToolError::Failed(m) => m.clone(),
            ToolError::Cancelled => "cancelled".into(),
        }
    }
}

/// What a tool runs with.
pub struct ToolContext<'a> {
    pub workspace: &'a Workspace,
    pub host: &'a dyn Host,
    pub cancel: &'a CancellationToken,
    /// The most characters of output the model gets from one call.
    pub output_limit: usize,
}

/// A tool the agent may call.
pub trait Tool: Send + Sync {
    fn name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// The JSON Schema of the input.
    fn input_schema(&self) -> Value;
    /// Runs the call; the `Ok` text is what the model reads (the loop caps it).
    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>>;

    /// Whether the tool changes files (only through the host): a step's run
    /// of such calls is staged and reviewed as one change.
    fn edits_files(&self) -> bool {
        false
    }
}

/// Tools from outside the agent (the workspace's MCP servers), listed when
/// a turn starts (which may start them).
pub trait ToolSource: Send + Sync {
    fn tools(&self) -> BoxFuture<'_, Vec<Box<dyn Tool>>>;
}

/// The string argument `key` of `input`.
pub fn string_arg<'v>(input: &'v Value, key: &str) -> Result<&'v str, ToolError> {
    input.get(key).and_then(Value::as_str).ok_or_else(|| ToolError::InvalidInput(format!("`{key}` must be a string")))
}

/// The optional string argument `key` of `input`.
pub fn optional_string_arg<'v>(input: &'v Value, key: &str) -> Result<Option<&'v str>, ToolError> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ToolError::InvalidInput(format!("`{key}` must be a string"))),
    }
}

/// The optional whole-number argument `key` of `input`.
pub fn optional_u64_arg(input: &Value, key: &str) -> Result<Option<u64>, ToolError> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_u64().map(Some).ok_or_else(|| ToolError::InvalidInput(format!("`{key}` must be a whole number")))
        }
    }
}
