//! The unified hook model both file formats parse into, and event matching.

use std::path::PathBuf;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use specwright_spec::suggest::closest;
use specwright_spec::{Range, Severity};

/// A `runCommand` whose command starts with this runs a built-in analyzer.
pub const BUILTIN_PREFIX: &str = "specwright:";

/// Seconds a command may run when the hook gives no `timeout`.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// One hook, whichever file format it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    pub name: String,
    pub description: Option<String>,
    pub enabled: bool,
    pub trigger: Trigger,
    pub action: Action,
    pub source: Source,
    /// The hook's JSON object: the whole file for a legacy hook, the entry of
    /// `hooks` for a v1 hook.
    pub range: Range,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    FileSaved { patterns: Matcher },
    FileCreated { patterns: Matcher },
    FileDeleted { patterns: Matcher },
    Manual,
    PromptSubmit,
    AgentStop,
    PreToolUse { tool_types: Matcher },
    PostToolUse { tool_types: Matcher },
    PreTaskExecution,
    PostTaskExecution,
}

impl Trigger {
    /// The patterns of a file trigger (saved, created, deleted); `None` for
    /// other triggers.
    pub fn file_patterns(&self) -> Option<&Matcher> {
        match self {
            Trigger::FileSaved { patterns } | Trigger::FileCreated { patterns } | Trigger::FileDeleted { patterns } => {
                Some(patterns)
            }
            _ => None,
        }
    }

    pub fn kind(&self) -> EventKind {
        match self {
            Trigger::FileSaved { .. } => EventKind::FileSaved,
            Trigger::FileCreated { .. } => EventKind::FileCreated,
            Trigger::FileDeleted { .. } => EventKind::FileDeleted,
            Trigger::Manual => EventKind::Manual,
            Trigger::PromptSubmit => EventKind::PromptSubmit,
            Trigger::AgentStop => EventKind::AgentStop,
            Trigger::PreToolUse { .. } => EventKind::PreToolUse,
            Trigger::PostToolUse { .. } => EventKind::PostToolUse,
            Trigger::PreTaskExecution => EventKind::PreTaskExecution,
            Trigger::PostTaskExecution => EventKind::PostTaskExecution,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    RunCommand { command: String, timeout_secs: u64 },
    AskAgent { prompt: String },
}

impl Action {
    /// `runCommand` or `askAgent`, as a legacy hook's `then.type` names it.
    pub fn legacy_name(&self) -> &'static str {
        match self {
            Action::RunCommand { .. } => "runCommand",
            Action::AskAgent { .. } => "askAgent",
        }
    }

    /// A `runCommand` of a built-in analyzer (`specwright:secrets`): runs
    /// Specwright's own code, never the repository's.
    pub fn is_builtin(&self) -> bool {
        matches!(self, Action::RunCommand { command, .. } if command.trim_start().starts_with(BUILTIN_PREFIX))
    }

    /// Whether running it needs the user's trust: everything but the
    /// built-in analyzers (a command runs the repository's code; a prompt
    /// sends the workspace's files to the model).
    pub fn needs_trust(&self) -> bool {
        !self.is_builtin()
    }

    /// One line for lists: the command, or the prompt's first line.
    pub fn summary(&self) -> String {
        match self {
            Action::RunCommand { command, .. } => command.clone(),
            Action::AskAgent { prompt } => prompt.lines().next().unwrap_or("").to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub format: Format,
    /// 0 for a legacy file; the index in `hooks` for a v1 file.
    pub index_in_file: usize,
    /// The SHA-256 of the file's text ([`crate::trust::file_hash`]): what the
    /// user trusts when they trust the hook.
    pub file_hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `*.kiro.hook`: one hook, `when` / `then`.
    Legacy,
    /// `*.json`: `{"version": "v1", "hooks": [...]}`.
    V1,
}

/// The kinds of event a hook can react to; the trigger kinds of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    FileSaved,
    FileCreated,
    FileDeleted,
    Manual,
    PromptSubmit,
    AgentStop,
    PreToolUse,
    PostToolUse,
    PreTaskExecution,
    PostTaskExecution,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::FileSaved,
        EventKind::FileCreated,
        EventKind::FileDeleted,
        EventKind::Manual,
        EventKind::PromptSubmit,
        EventKind::AgentStop,
        EventKind::PreToolUse,
        EventKind::PostToolUse,
        EventKind::PreTaskExecution,
        EventKind::PostTaskExecution,
    ];

    /// The `when.type` of a legacy `.kiro.hook`.
    pub fn legacy_name(self) -> &'static str {
        match self {
            EventKind::FileSaved => "fileEdited",
            EventKind::FileCreated => "fileCreated",
            EventKind::FileDeleted => "fileDeleted",
            EventKind::Manual => "userTriggered",
            EventKind::PromptSubmit => "promptSubmit",
            EventKind::AgentStop => "agentStop",
            EventKind::PreToolUse => "preToolUse",
            EventKind::PostToolUse => "postToolUse",
            EventKind::PreTaskExecution => "preTaskExecution",
            EventKind::PostTaskExecution => "postTaskExecution",
        }
    }

    /// The `trigger` of a v1 hook.
    pub fn v1_name(self) -> &'static str {
        match self {
            EventKind::FileSaved => "PostFileSave",
            EventKind::FileCreated => "FileCreate",
            EventKind::FileDeleted => "FileDelete",
            EventKind::Manual => "Manual",
            EventKind::PromptSubmit => "PromptSubmit",
            EventKind::AgentStop => "AgentStop",
            EventKind::PreToolUse => "PreToolUse",
            EventKind::PostToolUse => "PostToolUse",
            EventKind::PreTaskExecution => "PreTaskExecution",
            EventKind::PostTaskExecution => "PostTaskExecution",
        }
    }

    /// The kind a v1 `trigger` names: its [`EventKind::v1_name`], or the
    /// names Kiro's agent-hook documentation also uses for the agent
    /// triggers (`UserPromptSubmit`, `Stop`).
    pub fn from_v1(name: &str) -> Option<EventKind> {
        Self::V1_ALIASES
            .into_iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, kind)| kind)
            .or_else(|| Self::ALL.into_iter().find(|k| k.v1_name() == name))
    }

    /// Other v1 names of the agent triggers.
    pub const V1_ALIASES: [(&'static str, EventKind); 2] =
        [("UserPromptSubmit", EventKind::PromptSubmit), ("Stop", EventKind::AgentStop)];

    pub fn is_file(self) -> bool {
        matches!(self, EventKind::FileSaved | EventKind::FileCreated | EventKind::FileDeleted)
    }

    pub fn is_tool(self) -> bool {
        matches!(self, EventKind::PreToolUse | EventKind::PostToolUse)
    }

    /// Other tools' names for the triggers, too far from Kiro's (in edits)
    /// for [`EventKind::guess`] to find them otherwise.
    const OTHER_NAMES: [(&'static str, EventKind); 16] = [
        ("fileSave", EventKind::FileSaved),
        ("fileChange", EventKind::FileSaved),
        ("fileChanged", EventKind::FileSaved),
        ("onSave", EventKind::FileSaved),
        ("save", EventKind::FileSaved),
        ("editorSave", EventKind::FileSaved),
        ("create", EventKind::FileCreated),
        ("onCreate", EventKind::FileCreated),
        ("newFile", EventKind::FileCreated),
        ("delete", EventKind::FileDeleted),
        ("onDelete", EventKind::FileDeleted),
        ("manualTrigger", EventKind::Manual),
        ("button", EventKind::Manual),
        ("onDemand", EventKind::Manual),
        ("onPrompt", EventKind::PromptSubmit),
        ("userPrompt", EventKind::PromptSubmit),
    ];

    /// The kind a misspelt or other-format name most likely means: the
    /// closest, by edit distance, of Kiro's names in both formats and of
    /// other tools' names (`on-save`, `button`).
    pub(crate) fn guess(name: &str) -> Option<EventKind> {
        let kiro = Self::ALL.into_iter().flat_map(|k| [(k.legacy_name(), k), (k.v1_name(), k)]);
        closest(name, kiro.chain(Self::V1_ALIASES).chain(Self::OTHER_NAMES))
    }
}

/// Something that happened in the workspace, to test hooks against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    pub kind: EventKind,
    /// The workspace-relative path of the file, for file events (`/` or `\`
    /// separators; a leading `./` is ignored).
    pub path: Option<&'a str>,
    /// The tool's name, for tool events.
    pub tool: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(kind: EventKind) -> Self {
        Self { kind, path: None, tool: None }
    }

    pub fn file(kind: EventKind, path: &'a str) -> Self {
        Self { kind, path: Some(path), tool: None }
    }

    pub fn tool(kind: EventKind, tool: &'a str) -> Self {
        Self { kind, path: None, tool: Some(tool) }
    }
}

/// Whether `hook` fires on `event`. A disabled hook never does. A file
/// trigger needs the event's path and one of its patterns to match it; a tool
/// trigger matches the tool's name when the hook names tools.
pub fn matches(hook: &Hook, event: &Event<'_>) -> bool {
    if !hook.enabled || hook.trigger.kind() != event.kind {
        return false;
    }
    if let Some(patterns) = hook.trigger.file_patterns() {
        return event.path.is_some_and(|p| patterns.is_match(&normalize_path(p)));
    }
    match &hook.trigger {
        Trigger::PreToolUse { tool_types } | Trigger::PostToolUse { tool_types } => {
            tool_types.is_any() || event.tool.is_some_and(|t| tool_types.is_match(t))
        }
        _ => true,
    }
}

fn normalize_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let mut s = p.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_owned()
}

/// What a trigger's patterns select: workspace-relative paths for file
/// triggers (globs in legacy files, a regular expression in v1 files), tool
/// names for tool triggers.
#[derive(Debug, Clone)]
pub struct Matcher(MatcherRepr);

#[derive(Debug, Clone)]
enum MatcherRepr {
    Any,
    /// Globs on the whole relative path: `*` stays in a folder, `**` crosses
    /// folders, `{a,b}` alternates.
    Globs {
        patterns: Vec<String>,
        set: GlobSet,
    },
    /// Unanchored, as JavaScript's `RegExp.test`.
    Regex(Regex),
    /// Exact names (legacy `toolTypes`).
    Names(Vec<String>),
}

impl Matcher {
    /// Matches everything.
    pub fn any() -> Self {
        Self(MatcherRepr::Any)
    }

    /// Compiles globs; the error names the index of the first bad one.
    pub fn globs<S: AsRef<str>>(patterns: &[S]) -> Result<Self, (usize, String)> {
        let mut b = GlobSetBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            let glob = compile_glob(p.as_ref()).map_err(|e| (i, e))?;
            b.add(glob);
        }
        let set = b.build().map_err(|e| (0, e.to_string()))?;
        Ok(Self(MatcherRepr::Globs { patterns: patterns.iter().map(|p| p.as_ref().to_owned()).collect(), set }))
    }

    pub fn regex(source: &str) -> Result<Self, String> {
        Regex::new(source).map(|r| Self(MatcherRepr::Regex(r))).map_err(|e| e.to_string())
    }

    pub fn names(names: Vec<String>) -> Self {
        Self(MatcherRepr::Names(names))
    }

    pub fn is_any(&self) -> bool {
        matches!(self.0, MatcherRepr::Any)
    }

    pub fn is_match(&self, subject: &str) -> bool {
        match &self.0 {
            MatcherRepr::Any => true,
            MatcherRepr::Globs { set, .. } => set.is_match(subject),
            MatcherRepr::Regex(r) => r.is_match(subject),
            MatcherRepr::Names(n) => n.iter().any(|n| n == subject),
        }
    }

    /// Globs (relative to the workspace folder) that cover every path this
    /// matcher selects, for an editor's file watcher: the globs themselves; for
    /// a regular expression that only tests the extension (`\.go$`,
    /// `.*\.(css|scss)$`) the matching `**/*.go` or `**/*.{css,scss}`; `**/*`
    /// for anything else. Broader is fine: events are matched again.
    pub fn watch_globs(&self) -> Vec<String> {
        match &self.0 {
            MatcherRepr::Globs { patterns, .. } => patterns
                .iter()
                .map(|p| {
                    let p = p.trim_start_matches("./").trim_start_matches('/');
                    p.to_string()
                })
                .collect(),
            MatcherRepr::Regex(r) => vec![extension_glob(r.as_str()).unwrap_or_else(|| "**/*".to_string())],
            MatcherRepr::Any | MatcherRepr::Names(_) => vec!["**/*".to_string()],
        }
    }

    /// The written patterns: the globs, the one regular expression, or the
    /// names; empty for [`Matcher::any`].
    pub fn sources(&self) -> Vec<&str> {
        match &self.0 {
            MatcherRepr::Any => Vec::new(),
            MatcherRepr::Globs { patterns, .. } | MatcherRepr::Names(patterns) => {
                patterns.iter().map(String::as_str).collect()
            }
            MatcherRepr::Regex(r) => vec![r.as_str()],
        }
    }
}

/// `**/*.ext` (or `**/*.{a,b}`) for a regular expression that selects
/// files by extension alone: `\.ext$`, optionally after `^.*` or `.*`, with
/// `(a|b)` alternatives.
fn extension_glob(regex: &str) -> Option<String> {
    let body = regex.strip_prefix('^').unwrap_or(regex);
    let body = body.strip_prefix(".*").unwrap_or(body);
    let body = body.strip_prefix("\\.")?.strip_suffix('$')?;
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if word(body) {
        return Some(format!("**/*.{body}"));
    }
    let inner = body.strip_prefix('(').and_then(|b| b.strip_suffix(')'))?;
    let inner = inner.strip_prefix("?:").unwrap_or(inner);
    let alternatives: Vec<&str> = inner.split('|').collect();
    alternatives.iter().all(|a| word(a)).then(|| format!("**/*.{{{}}}", alternatives.join(",")))
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(&self.0) == std::mem::discriminant(&other.0) && self.sources() == other.sources()
    }
}

fn compile_glob(pattern: &str) -> Result<globset::Glob, String> {
    if pattern.trim().is_empty() {
        return Err("the pattern is empty".to_owned());
    }
    let mut p = pattern;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    GlobBuilder::new(p)
        .literal_separator(true)
        .backslash_escape(true)
        .empty_alternates(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

/// A problem found in a hook file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: Range,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

/// One file of `.kiro/hooks/`: the hooks Kiro would run from it and what is
/// wrong with it. A hook with an error is left out of `hooks`.
#[derive(Debug, Clone, PartialEq)]
pub struct HookFile {
    pub path: PathBuf,
    /// The SHA-256 of the text the file was read from.
    pub hash: String,
    pub format: Format,
    pub hooks: Vec<Hook>,
    pub diagnostics: Vec<Diagnostic>,
}
