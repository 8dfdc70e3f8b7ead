//! The editor settings Specwright reads, declared once: [`SETTINGS`] is the
//! table, [`schema`] turns it into the JSON Schema an editor extension
//! contributes (`schemas/settings.schema.json`, printed by the hidden
//! `specwright schema settings`). A test keeps the table, the schema file
//! and `specwright_models::ModelSettings` in sync.
//!
//! A setting without a fixed default (one that depends on the provider, or
//! is the provider itself) is nullable with the default `null`, so that an
//! editor never fills in a value of its own.

use serde_json::{Map, Value, json};

/// A setting's JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    /// An array of strings.
    StringArray,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::StringArray => "array",
        }
    }
}

/// A fixed default value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    String(&'static str),
    Integer(u64),
    Boolean(bool),
    /// An empty array.
    Empty,
}

impl DefaultValue {
    pub fn to_json(self) -> Value {
        match self {
            Self::String(s) => json!(s),
            Self::Integer(n) => json!(n),
            Self::Boolean(b) => json!(b),
            Self::Empty => json!([]),
        }
    }
}

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The dotted key (`specwright.model.provider`).
    pub key: &'static str,
    pub json_type: JsonType,
    /// The allowed values, when there is a fixed set.
    pub enum_values: &'static [&'static str],
    /// `None`: no fixed default; the setting is nullable and defaults to null.
    pub default: Option<DefaultValue>,
    /// The smallest value a number may have.
    pub minimum: Option<u64>,
    /// Only the user may set it, never a workspace (VS Code's `machine`
    /// scope): where the key goes and which variable it is read from, so a
    /// cloned repository cannot send the user's key elsewhere.
    pub user_only: bool,
    pub description: &'static str,
}

/// The prefix of the model settings, the fields of `specwright_models::ModelSettings`.
pub const MODEL_PREFIX: &str = "specwright.model.";

/// The default of `specwright.analyzers.maxFileBytes`: 1 MiB.
pub const ANALYZERS_MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Every setting.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "specwright.model.provider",
        json_type: JsonType::String,
        enum_values: &["anthropic", "openai", "demo"],
        default: None,
        minimum: None,
        user_only: false,
        description: "The model provider that drafts specs: anthropic (the Anthropic Messages API), openai (any \
                      OpenAI-compatible Chat Completions endpoint: OpenAI, Ollama, llama.cpp, vLLM, LM Studio, \
                      OpenRouter) or demo (a built-in model with canned answers, to try generation with no key). \
                      Unset: no model, and generation writes templates. Precedence: command-line flags \
                      (--provider) > the environment (SPECWRIGHT_PROVIDER) > this setting.",
    },
    Setting {
        key: "specwright.model.model",
        json_type: JsonType::String,
        enum_values: &[],
        default: None,
        minimum: None,
        user_only: false,
        description: "The model's name. Unset: claude-sonnet-4-5 with anthropic, gpt-4o-mini with openai. \
                      Precedence: command-line flags (--model) > the environment (SPECWRIGHT_MODEL) > this setting.",
    },
    Setting {
        key: "specwright.model.baseUrl",
        json_type: JsonType::String,
        enum_values: &[],
        default: None,
        minimum: None,
        user_only: true,
        description: "The API's base URL, starting with http:// or https://. Unset: https://api.anthropic.com with \
                      anthropic (without /v1), https://api.openai.com/v1 with openai (with /v1, as OpenAI-compatible \
                      servers document it: http://127.0.0.1:11434/v1 for Ollama). A server on this machine \
                      (localhost, 127.0.0.1, ::1) needs no API key. Precedence: command-line flags (--base-url) > \
                      the environment (SPECWRIGHT_BASE_URL) > this setting.",
    },
    Setting {
        key: "specwright.model.apiKeyEnv",
        json_type: JsonType::String,
        enum_values: &[],
        default: None,
        minimum: None,
        user_only: true,
        description: "The name of the environment variable that holds the API key, not the key itself. Unset: \
                      ANTHROPIC_API_KEY with anthropic, OPENAI_API_KEY with openai. Keys are read only from the \
                      environment, never from settings or files, and are never logged.",
    },
    Setting {
        key: "specwright.model.maxTokens",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(8192)),
        minimum: Some(1),
        user_only: false,
        description: "The most tokens the model may write for one document.",
    },
    Setting {
        key: "specwright.model.temperature",
        json_type: JsonType::Number,
        enum_values: &[],
        default: None,
        minimum: Some(0),
        user_only: false,
        description: "The sampling temperature sent to the model. Unset: the provider's own default.",
    },
    Setting {
        key: "specwright.model.structuredOutput",
        json_type: JsonType::Boolean,
        enum_values: &[],
        default: Some(DefaultValue::Boolean(true)),
        minimum: None,
        user_only: false,
        description: "Ask the model for JSON constrained by a schema. Turn off for endpoints that reject \
                      response_format or tool schemas; the model is then asked for Markdown.",
    },
    Setting {
        key: "specwright.model.timeoutSeconds",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(60)),
        minimum: Some(1),
        user_only: false,
        description: "Seconds without data from the model before a request fails.",
    },
    Setting {
        key: "specwright.model.maxRetries",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(4)),
        minimum: Some(0),
        user_only: false,
        description: "Retries after 429, 5xx and overloaded answers, with a growing backoff (or the server's \
                      retry-after).",
    },
    Setting {
        key: "specwright.context.repoMapTokens",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(specwright_specgen::context::DEFAULT_MAP_TOKENS as u64)),
        minimum: Some(0),
        user_only: false,
        description: "The most tokens the repository map may take in a spec-generation prompt (0: the file tree \
                      instead). Counted with Specwright's estimate, calibrated against the cl100k_base tokenizer.",
    },
    Setting {
        key: "specwright.agent.mode",
        json_type: JsonType::String,
        enum_values: &["supervised", "autopilot"],
        default: Some(DefaultValue::String("supervised")),
        minimum: None,
        user_only: false,
        description: "How a new chat session applies the agent's edits: supervised asks before each edit (Apply / Reject); autopilot applies at once. Either way edits go through the editor, so undo works.",
    },
    Setting {
        key: "specwright.agent.allowedCommands",
        json_type: JsonType::StringArray,
        enum_values: &[],
        default: Some(DefaultValue::Empty),
        minimum: None,
        user_only: true,
        description: "Command prefixes the agent may run without asking (\"cargo test\" allows \"cargo test -p x\"); a command with a shell operator (; & | > < ` $( or a newline) always asks. User settings only: a workspace cannot allow commands.",
    },
    Setting {
        key: "specwright.agent.maxSteps",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(25)),
        minimum: Some(1),
        user_only: false,
        description: "The most model calls in one agent turn (each answer with tool calls is one).",
    },
    Setting {
        key: "specwright.agent.contextTokens",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(100_000)),
        minimum: Some(4000),
        user_only: false,
        description: "The model's context window in tokens: a chat session is summarised before its messages fill three quarters of it (the full transcript is kept on disk first).",
    },
    Setting {
        key: "specwright.tasks.testCommand",
        json_type: JsonType::String,
        enum_values: &[],
        default: None,
        minimum: None,
        user_only: true,
        description: "The command whose passing tests tick a task (\"cargo test -p core\"); else the task's `Test:` line, else the project's (cargo test, npm test, go test ./..., python3 -m pytest). User settings only: a workspace cannot choose what runs.",
    },
    Setting {
        key: "specwright.tasks.agent",
        json_type: JsonType::String,
        enum_values: &[],
        default: None,
        minimum: None,
        user_only: true,
        description: "An external Agent Client Protocol agent that implements tasks instead of Specwright's own (its command line: \"npx -y @zed-industries/claude-code-acp\", \"gemini --experimental-acp\", \"kiro-cli acp\"). Its file access is served inside the workspace, its permission questions are asked here, every change is checkpointed, and a task is ticked only when Specwright runs the tests and they pass. User settings only: a workspace cannot choose what runs.",
    },
    Setting {
        key: "specwright.tasks.testTimeoutSeconds",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(600)),
        minimum: Some(1),
        user_only: false,
        description: "How long the evidence gate's test run may take before it is stopped (and the task is not ticked).",
    },
    Setting {
        key: "specwright.tasks.concurrency",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(1)),
        minimum: Some(1),
        user_only: false,
        description: "How many tasks of one dependency wave Run all runs at the same time (their test runs stay one at a time; at most 16).",
    },
    Setting {
        key: "specwright.tasks.driftHints",
        json_type: JsonType::Boolean,
        enum_values: &[],
        default: Some(DefaultValue::Boolean(false)),
        minimum: None,
        user_only: false,
        description: "Hint on an open file that changed since a done task was proven against it (\"task 2.1 was done against an older version of this file\"); the record is in the spec's .config.kiro.",
    },
    Setting {
        key: "specwright.hooks.enabled",
        json_type: JsonType::Boolean,
        enum_values: &[],
        default: Some(DefaultValue::Boolean(true)),
        minimum: None,
        user_only: false,
        description: "Run the agent hooks of .kiro/hooks/: on file events (saved, changed, created, deleted) and by hand (code lens, specwright.hook.run). Off: no hook runs. A hook that is not a built-in analyzer also needs your trust (specwright hooks trust).",
    },
    Setting {
        key: "specwright.hooks.debounceMs",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(300)),
        minimum: Some(0),
        user_only: false,
        description: "Milliseconds a hook waits for a burst of events for the same file to end; the burst runs it once.",
    },
    Setting {
        key: "specwright.analyzers.maxFileBytes",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(ANALYZERS_MAX_FILE_BYTES)),
        minimum: Some(0),
        user_only: false,
        description: "Open files larger than this many bytes (default 1 MiB) are not checked for secrets or code smells in the editor; a hint on the file's first line says so.",
    },
    Setting {
        key: "specwright.analyzers.secrets.enabled",
        json_type: JsonType::Boolean,
        enum_values: &[],
        default: Some(DefaultValue::Boolean(true)),
        minimum: None,
        user_only: false,
        description: "Report possible secrets (cloud keys, tokens, private keys, passwords in connection strings, high-entropy assignments) as error diagnostics in every open file, with a quick fix that moves the value to an environment variable.",
    },
    Setting {
        key: "specwright.analyzers.secrets.allowPatterns",
        json_type: JsonType::StringArray,
        enum_values: &[],
        default: Some(DefaultValue::Empty),
        minimum: None,
        user_only: false,
        description: "Regular expressions: a finding whose value (or matched text) matches one is not reported. A line with the comment specwright:allow-secret (or after a comment line holding it) is never reported.",
    },
    Setting {
        key: "specwright.analyzers.smells.enabled",
        json_type: JsonType::Boolean,
        enum_values: &[],
        default: Some(DefaultValue::Boolean(true)),
        minimum: None,
        user_only: false,
        description: "Report code smells (long functions, too many parameters, deep nesting, high cyclomatic complexity, large classes, duplicated blocks) as warnings in open TypeScript, JavaScript, Rust and Python files.",
    },
    Setting {
        key: "specwright.analyzers.smells.maxFunctionLines",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(60)),
        minimum: Some(0),
        user_only: false,
        description: "A function longer than this many lines is reported (smell-long-function). 0 turns the check off.",
    },
    Setting {
        key: "specwright.analyzers.smells.maxParameters",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(5)),
        minimum: Some(0),
        user_only: false,
        description: "A function with more parameters than this is reported (smell-too-many-parameters). 0 turns the check off.",
    },
    Setting {
        key: "specwright.analyzers.smells.maxNesting",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(4)),
        minimum: Some(0),
        user_only: false,
        description: "Control blocks nested deeper than this in a function are reported (smell-deep-nesting). 0 turns the check off.",
    },
    Setting {
        key: "specwright.analyzers.smells.maxComplexity",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(10)),
        minimum: Some(0),
        user_only: false,
        description: "A function whose cyclomatic complexity exceeds this is reported (smell-high-complexity). 0 turns the check off.",
    },
    Setting {
        key: "specwright.analyzers.smells.maxClassLines",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(300)),
        minimum: Some(0),
        user_only: false,
        description: "A class longer than this many lines is reported (smell-large-class). 0 turns the check off.",
    },
    Setting {
        key: "specwright.analyzers.smells.maxClassMembers",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(20)),
        minimum: Some(0),
        user_only: false,
        description: "A class with more methods and fields than this is reported (smell-large-class). 0 turns the check off.",
    },
    Setting {
        key: "specwright.analyzers.smells.minDuplicateLines",
        json_type: JsonType::Integer,
        enum_values: &[],
        default: Some(DefaultValue::Integer(8)),
        minimum: Some(0),
        user_only: false,
        description: "A block of at least this many lines that appears twice in a file is reported (smell-duplicated-block). 0 turns the check off.",
    },
];

impl Setting {
    /// The field of the settings object under its section
    /// (`specwright.model.maxTokens` → `maxTokens`).
    pub fn field(&self) -> &'static str {
        self.key.rsplit('.').next().unwrap_or(self.key)
    }

    /// The JSON Schema of this one setting.
    pub fn schema(&self) -> Value {
        let mut s = Map::new();
        let ty = self.json_type.as_str();
        match self.default {
            Some(default) => {
                s.insert("type".into(), json!(ty));
                if self.json_type == JsonType::StringArray {
                    s.insert("items".into(), json!({"type": "string"}));
                }
                if !self.enum_values.is_empty() {
                    s.insert("enum".into(), json!(self.enum_values));
                }
                s.insert("default".into(), default.to_json());
            }
            None => {
                s.insert("type".into(), json!([ty, "null"]));
                if !self.enum_values.is_empty() {
                    let mut values: Vec<Value> = self.enum_values.iter().map(|v| json!(v)).collect();
                    values.push(Value::Null);
                    s.insert("enum".into(), Value::Array(values));
                }
                s.insert("default".into(), Value::Null);
            }
        }
        if let Some(min) = self.minimum {
            s.insert("minimum".into(), json!(min));
        }
        if self.user_only {
            s.insert("scope".into(), json!("machine"));
        }
        s.insert("description".into(), json!(self.description));
        Value::Object(s)
    }
}

/// The JSON Schema (draft 2020-12) of the settings, with flat dotted keys
/// under `properties`, as VS Code's `contributes.configuration` takes it.
pub fn schema() -> Value {
    let properties: Map<String, Value> = SETTINGS.iter().map(|s| (s.key.to_string(), s.schema())).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Specwright",
        "description": "The settings of the Specwright language server, generated by `specwright schema settings` \
                        from server/specwright/src/settings.rs. An editor sends them as initializationOptions or \
                        through workspace/didChangeConfiguration, as {\"specwright\": {\"model\": {...}}}. \
                        API keys are never settings: they come only from environment variables.",
        "type": "object",
        "properties": properties,
    })
}

/// [`schema`] as `schemas/settings.schema.json` holds it: pretty-printed,
/// with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// `specwright schema settings`: prints [`schema_text`] to stdout.
pub fn print_schema() -> std::process::ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(schema_text().as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("cannot write the schema: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
