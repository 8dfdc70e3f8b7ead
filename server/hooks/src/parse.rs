//! Reading hook files into the model, with a diagnostic for everything Kiro
//! would not understand.

use std::path::{Path, PathBuf};

use specwright_spec::suggest::{closest, closest_name};
use specwright_spec::{LineIndex, Severity};

use crate::codes;
use crate::json::{self, Kind, Member, Value};
use crate::model::{
    Action, DEFAULT_TIMEOUT_SECS, Diagnostic, EventKind, Format, Hook, HookFile, Matcher, Source, Trigger,
};

pub const LEGACY_KEYS: &[&str] = &["enabled", "name", "description", "version", "when", "then"];
pub const LEGACY_WHEN_KEYS: &[&str] = &["type", "patterns", "toolTypes"];
pub const LEGACY_THEN_KEYS: &[&str] = &["type", "prompt", "command", "timeout"];
pub const V1_KEYS: &[&str] = &["version", "hooks"];
pub const V1_HOOK_KEYS: &[&str] = &["name", "description", "trigger", "matcher", "action", "timeout", "enabled"];
/// `timeout` is the hook's key; Specwright also reads it in `action`.
pub const V1_ACTION_KEYS: &[&str] = &["type", "command", "prompt", "timeout"];

/// The objects of a hook file, each with the keys Kiro reads in it: what an
/// unknown key is checked against, and where a misplaced one goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Object {
    /// A `.kiro.hook` file.
    LegacyHook,
    LegacyWhen,
    LegacyThen,
    /// A v1 `*.json` file.
    V1File,
    /// An entry of `hooks`.
    V1Hook,
    V1Action,
}

impl Object {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Object::LegacyHook => LEGACY_KEYS,
            Object::LegacyWhen => LEGACY_WHEN_KEYS,
            Object::LegacyThen => LEGACY_THEN_KEYS,
            Object::V1File => V1_KEYS,
            Object::V1Hook => V1_HOOK_KEYS,
            Object::V1Action => V1_ACTION_KEYS,
        }
    }

    /// The objects of its file format.
    fn same_format(self) -> [Object; 3] {
        match self {
            Object::LegacyHook | Object::LegacyWhen | Object::LegacyThen => {
                [Object::LegacyHook, Object::LegacyWhen, Object::LegacyThen]
            }
            Object::V1File | Object::V1Hook | Object::V1Action => [Object::V1File, Object::V1Hook, Object::V1Action],
        }
    }

    /// Its path in the file (`then`, `hooks[0].action`); `None` for the
    /// file's top level. `hook` is the index of the v1 hook it is in.
    fn path(self, hook: Option<usize>) -> Option<String> {
        let entry = hook.map_or_else(|| "hooks[…]".to_string(), |i| format!("hooks[{i}]"));
        match self {
            Object::LegacyHook | Object::V1File => None,
            Object::LegacyWhen => Some("when".into()),
            Object::LegacyThen => Some("then".into()),
            Object::V1Hook => Some(entry),
            Object::V1Action => Some(format!("{entry}.action")),
        }
    }

    /// Where a message says a key goes: `` `then` ``, the top level.
    fn place(self, hook: Option<usize>) -> String {
        self.path(hook).map_or_else(|| "the top level of the file".into(), |p| format!("`{p}`"))
    }

    /// The words before the list of its keys.
    fn has(self) -> &'static str {
        match self {
            Object::LegacyHook => "a `.kiro.hook` has",
            Object::LegacyWhen => "`when` has",
            Object::LegacyThen => "`then` has",
            Object::V1File => "a v1 hook file has",
            Object::V1Hook => "a v1 hook has",
            Object::V1Action => "an action has",
        }
    }
}

/// The format a path is read as: `*.kiro.hook` is legacy, anything else
/// (`*.json`) is v1.
pub fn format_of(path: &Path) -> Format {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".kiro.hook") { Format::Legacy } else { Format::V1 }
}

/// Parses one hook file. Never fails: what is not a valid hook becomes
/// diagnostics, and only hooks without errors are returned.
pub fn parse(path: &Path, text: &str) -> HookFile {
    let format = format_of(path);
    let hash = crate::trust::file_hash(text);
    let mut cx = Cx { text, index: LineIndex::new(text), path: path.to_path_buf(), hash, diagnostics: Vec::new() };
    let hooks = match json::parse(text) {
        Err(e) => {
            let what = match format {
                Format::Legacy => "a `.kiro.hook` file must be one JSON object",
                Format::V1 => "a v1 hook file must be a JSON object",
            };
            cx.push(
                Severity::Error,
                codes::INVALID_JSON,
                e.start,
                e.end,
                format!("invalid JSON: {}; {what}", e.message),
            );
            Vec::new()
        }
        Ok(root) => match format {
            Format::Legacy => cx.legacy(&root).into_iter().collect(),
            Format::V1 => cx.v1(&root),
        },
    };
    HookFile { path: path.to_path_buf(), hash: cx.hash, format, hooks, diagnostics: cx.diagnostics }
}

struct Cx<'a> {
    text: &'a str,
    index: LineIndex,
    path: PathBuf,
    hash: String,
    diagnostics: Vec<Diagnostic>,
}

/// Where a missing field is reported: the key of the object's member in its
/// parent, or its opening brace.
#[derive(Clone, Copy)]
struct Anchor(usize, usize);

impl Anchor {
    fn of_member(m: &Member) -> Self {
        Anchor(m.key_start, m.key_end)
    }
    fn of_brace(v: &Value) -> Self {
        Anchor(v.start, v.start + 1)
    }
}

impl Cx<'_> {
    fn push(&mut self, severity: Severity, code: &'static str, start: usize, end: usize, message: String) {
        let range = self.index.range(self.text, start, end);
        self.diagnostics.push(Diagnostic { range, severity, code, message });
    }

    fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    fn wrong_type(&mut self, field: &str, v: &Value, expected: &str) {
        let msg = format!("`{field}` must be {expected}, not {}", v.kind.type_name());
        self.push(Severity::Error, codes::WRONG_TYPE, v.start, v.end, msg);
    }

    fn missing(&mut self, at: Anchor, field: &str, what: &str) {
        self.push(Severity::Error, codes::MISSING_FIELD, at.0, at.1, format!("missing `{field}`: {what}"));
    }

    /// Reports unknown and duplicate keys of an object, saying where a key
    /// that belongs in another object goes. `hook` is the index of the v1
    /// hook the object is in.
    fn check_keys(&mut self, obj: &Value, object: Object, hook: Option<usize>) {
        let Some(members) = obj.members() else { return };
        let prefix = object.path(hook).map(|p| format!("{p}.")).unwrap_or_default();
        let known = object.keys();
        for (i, m) in members.iter().enumerate() {
            if members[i + 1..].iter().any(|later| later.key == m.key) {
                let msg = format!("`{prefix}{}` is given again later; the last one wins", m.key);
                self.push(Severity::Warning, codes::DUPLICATE_KEY, m.key_start, m.key_end, msg);
            }
            if known.contains(&m.key.as_str()) {
                continue;
            }
            let key = &m.key;
            let places: Vec<String> = object
                .same_format()
                .into_iter()
                .filter(|o| *o != object && o.keys().contains(&key.as_str()))
                .map(|o| o.place(hook))
                .collect();
            let msg = if !places.is_empty() {
                format!("Kiro ignores `{prefix}{key}` here: `{key}` goes in {}", places.join(" or "))
            } else {
                let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                let hint = closest_name(key, known.iter().copied())
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                format!("Kiro ignores `{prefix}{key}`{hint}; {} {list}", object.has())
            };
            self.push(Severity::Hint, codes::UNKNOWN_KEY, m.key_start, m.key_end, msg);
        }
    }

    fn opt_string(&mut self, obj: &Value, key: &str, field: &str) -> Option<String> {
        let m = obj.get(key)?;
        match &m.value.kind {
            Kind::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(field, &m.value, "a string");
                None
            }
        }
    }

    /// A required non-empty string.
    fn req_string(&mut self, obj: &Value, at: Anchor, key: &str, field: &str, what: &str) -> Option<String> {
        let Some(m) = obj.get(key) else {
            self.missing(at, field, what);
            return None;
        };
        match &m.value.kind {
            Kind::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Kind::String(_) => {
                let msg = format!("`{field}` is empty: {what}");
                self.push(Severity::Error, codes::MISSING_FIELD, m.value.start, m.value.end, msg);
                None
            }
            _ => {
                self.wrong_type(field, &m.value, "a string");
                None
            }
        }
    }

    fn enabled(&mut self, obj: &Value, field: &str) -> bool {
        match obj.get("enabled") {
            None => true,
            Some(m) => match m.value.kind {
                Kind::Bool(b) => b,
                _ => {
                    self.wrong_type(field, &m.value, "`true` or `false`");
                    true
                }
            },
        }
    }

    /// The `timeout` `obj` gives, in seconds; a wrong one is reported and
    /// read as the default.
    fn timeout(&mut self, obj: &Value, field: &str) -> Option<u64> {
        let m = obj.get("timeout")?;
        match &m.value.kind {
            Kind::Number(n) if n.as_u64().is_some_and(|n| n > 0) => n.as_u64(),
            _ => {
                self.wrong_type(field, &m.value, "a positive whole number of seconds (default 60)");
                Some(DEFAULT_TIMEOUT_SECS)
            }
        }
    }

    fn source(&self, format: Format, index_in_file: usize) -> Source {
        Source { path: self.path.clone(), format, index_in_file, file_hash: self.hash.clone() }
    }

    // ----- legacy `.kiro.hook` -----

    fn legacy(&mut self, root: &Value) -> Option<Hook> {
        if root.members().is_none() {
            let msg = format!(
                "a `.kiro.hook` file is one JSON object with `name`, `when` and `then`, not {}",
                root.kind.type_name()
            );
            self.push(Severity::Error, codes::UNKNOWN_FORMAT, root.start, root.end, msg);
            return None;
        }
        if root.get("hooks").is_some() && root.get("when").is_none() {
            let msg = "this looks like a v1 hook file (`hooks` array), but `.kiro.hook` files use the legacy format \
                       (`when` / `then`); rename it to `*.json`"
                .to_owned();
            self.push(Severity::Error, codes::UNKNOWN_FORMAT, root.start, root.start + 1, msg);
            return None;
        }
        let errors = self.errors();
        let top = Anchor::of_brace(root);
        self.check_keys(root, Object::LegacyHook, None);
        let name = self.req_string(root, top, "name", "name", "every hook needs a `name`, shown in Kiro's hook list");
        let description = self.opt_string(root, "description", "description");
        let enabled = self.enabled(root, "enabled");
        if let Some(m) = root.get("version")
            && !matches!(m.value.kind, Kind::String(_))
        {
            self.wrong_type("version", &m.value, "a string such as \"1\"");
        }
        let trigger = self.legacy_when(root, top);
        let action = self.legacy_then(root, top);
        let (name, trigger, action) = (name?, trigger?, action?);
        (self.errors() == errors).then(|| Hook {
            name,
            description,
            enabled,
            trigger,
            action,
            source: self.source(Format::Legacy, 0),
            range: self.index.range(self.text, root.start, root.end),
        })
    }

    fn legacy_when(&mut self, root: &Value, top: Anchor) -> Option<Trigger> {
        let legacy_names = EventKind::ALL.map(EventKind::legacy_name).join(", ");
        let Some(m) = root.get("when") else {
            self.missing(
                top,
                "when",
                &format!("a hook needs `\"when\": {{\"type\": …}}` with a type among {legacy_names}"),
            );
            return None;
        };
        let when = &m.value;
        if when.members().is_none() {
            self.wrong_type("when", when, "an object such as `{\"type\": \"fileEdited\", \"patterns\": [\"src/**\"]}`");
            return None;
        }
        self.check_keys(when, Object::LegacyWhen, None);
        let at = Anchor::of_member(m);
        let ty_member = when.get("type");
        let ty = self.req_string(when, at, "type", "when.type", &format!("one of {legacy_names}"))?;
        let ty_value = &ty_member?.value;
        let Some(kind) = EventKind::ALL.into_iter().find(|k| k.legacy_name() == ty) else {
            let hint =
                EventKind::guess(&ty).map(|k| format!(" (did you mean `{}`?)", k.legacy_name())).unwrap_or_default();
            let msg = format!("`when.type` must be one of {legacy_names}; `{ty}` is not a Kiro hook trigger{hint}");
            self.push(Severity::Error, codes::UNKNOWN_TRIGGER, ty_value.start, ty_value.end, msg);
            return None;
        };
        if kind.is_file() {
            let patterns = self.legacy_patterns(when, at, kind)?;
            return Some(match kind {
                EventKind::FileCreated => Trigger::FileCreated { patterns },
                EventKind::FileDeleted => Trigger::FileDeleted { patterns },
                _ => Trigger::FileSaved { patterns },
            });
        }
        if let Some(p) = when.get("patterns") {
            let msg = format!("`when.patterns` is only read for file triggers; `{ty}` ignores it");
            self.push(Severity::Hint, codes::UNKNOWN_KEY, p.key_start, p.key_end, msg);
        }
        if kind.is_tool() {
            let tool_types = match when.get("toolTypes") {
                None => Matcher::any(),
                Some(t) => Matcher::names(self.string_array(&t.value, "when.toolTypes")?),
            };
            return Some(match kind {
                EventKind::PreToolUse => Trigger::PreToolUse { tool_types },
                _ => Trigger::PostToolUse { tool_types },
            });
        }
        Some(simple_trigger(kind))
    }

    fn string_array(&mut self, v: &Value, field: &str) -> Option<Vec<String>> {
        let Kind::Array(items) = &v.kind else {
            self.wrong_type(field, v, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match &item.kind {
                Kind::String(s) => out.push(s.clone()),
                _ => {
                    self.wrong_type(&format!("{field}[{i}]"), item, "a string");
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn legacy_patterns(&mut self, when: &Value, at: Anchor, kind: EventKind) -> Option<Matcher> {
        let what = format!(
            "a `{}` hook needs `when.patterns`, an array of globs relative to the workspace such as [\"src/**/*.ts\"]",
            kind.legacy_name()
        );
        let Some(m) = when.get("patterns") else {
            self.missing(at, "when.patterns", &what);
            return None;
        };
        let patterns = self.string_array(&m.value, "when.patterns")?;
        let Kind::Array(items) = &m.value.kind else { return None };
        if patterns.is_empty() {
            let msg = format!("`when.patterns` is empty, so the hook never fires: {what}");
            self.push(Severity::Error, codes::BAD_PATTERN, m.value.start, m.value.end, msg);
            return None;
        }
        let mut ok = true;
        for (p, item) in patterns.iter().zip(items) {
            if let Err((_, e)) = Matcher::globs(std::slice::from_ref(p)) {
                let msg = format!("`{p}` is not a valid glob: {e}");
                self.push(Severity::Error, codes::BAD_PATTERN, item.start, item.end, msg);
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Matcher::globs(&patterns).ok()
    }

    fn legacy_then(&mut self, root: &Value, top: Anchor) -> Option<Action> {
        let Some(m) = root.get("then") else {
            self.missing(
                top,
                "then",
                "a hook needs `\"then\": {\"type\": \"askAgent\", \"prompt\": …}` or `{\"type\": \"runCommand\", \"command\": …}`",
            );
            return None;
        };
        let then = &m.value;
        if then.members().is_none() {
            self.wrong_type("then", then, "an object such as `{\"type\": \"askAgent\", \"prompt\": \"…\"}`");
            return None;
        }
        self.check_keys(then, Object::LegacyThen, None);
        let at = Anchor::of_member(m);
        let ty = self.req_string(then, at, "type", "then.type", "`askAgent` or `runCommand`")?;
        match ty.as_str() {
            "askAgent" => {
                let prompt = self.req_string(
                    then,
                    at,
                    "prompt",
                    "then.prompt",
                    "an `askAgent` hook sends this prompt to the agent",
                );
                Some(Action::AskAgent { prompt: prompt? })
            }
            "runCommand" => {
                let command =
                    self.req_string(then, at, "command", "then.command", "a `runCommand` hook runs this shell command");
                let timeout_secs = self.timeout(then, "then.timeout").unwrap_or(DEFAULT_TIMEOUT_SECS);
                Some(Action::RunCommand { command: command?, timeout_secs })
            }
            other => {
                let hint = guess_action(other).map(|a| format!(" (did you mean `{}`?)", a.0)).unwrap_or_default();
                let v = then.get("type").map(|m| &m.value)?;
                let msg = format!(
                    "`then.type` must be `askAgent` or `runCommand`; `{other}` is not a Kiro hook action{hint}"
                );
                self.push(Severity::Error, codes::UNKNOWN_ACTION, v.start, v.end, msg);
                None
            }
        }
    }

    // ----- v1 `*.json` -----

    fn v1(&mut self, root: &Value) -> Vec<Hook> {
        let shape = "Kiro reads `.kiro/hooks/*.json` as v1 hook files: `{\"version\": \"v1\", \"hooks\": [{\"name\", \"trigger\", \"action\"}, …]}`";
        if root.members().is_none() {
            let msg = format!("{shape}; this file is {}", root.kind.type_name());
            self.push(Severity::Error, codes::UNKNOWN_FORMAT, root.start, root.end, msg);
            return Vec::new();
        }
        let brace = Anchor::of_brace(root);
        let legacy_shape = root.get("hooks").is_none() && (root.get("when").is_some() || root.get("then").is_some());
        if legacy_shape || (root.get("version").is_none() && root.get("hooks").is_none()) {
            let extra = if legacy_shape {
                "; this one uses the legacy `when` / `then` shape: rename it to `*.kiro.hook`"
            } else {
                "; this file has neither `version` nor `hooks`"
            };
            self.push(Severity::Error, codes::UNKNOWN_FORMAT, brace.0, brace.1, format!("{shape}{extra}"));
            return Vec::new();
        }
        let errors = self.errors();
        self.check_keys(root, Object::V1File, None);
        match root.get("version") {
            None => self.missing(brace, "version", "a v1 hook file starts with `\"version\": \"v1\"`"),
            Some(m) => {
                if !matches!(&m.value.kind, Kind::String(s) if s == "v1") {
                    let found = &self.text[m.value.start..m.value.end];
                    let msg = format!("`version` must be \"v1\", the only version of this format; found {found}");
                    self.push(Severity::Error, codes::UNKNOWN_FORMAT, m.value.start, m.value.end, msg);
                }
            }
        }
        let file_ok = self.errors() == errors;
        let Some(hooks) = root.get("hooks") else {
            self.missing(brace, "hooks", "a v1 hook file lists its hooks in a `hooks` array");
            return Vec::new();
        };
        let Kind::Array(entries) = &hooks.value.kind else {
            self.wrong_type("hooks", &hooks.value, "an array of hook objects");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            if let Some(h) = self.v1_hook(entry, i)
                && file_ok
            {
                out.push(h);
            }
        }
        out
    }

    fn v1_hook(&mut self, entry: &Value, i: usize) -> Option<Hook> {
        let p = format!("hooks[{i}].");
        if entry.members().is_none() {
            self.wrong_type(&format!("hooks[{i}]"), entry, "a hook object with `name`, `trigger` and `action`");
            return None;
        }
        let errors = self.errors();
        let at = Anchor::of_brace(entry);
        self.check_keys(entry, Object::V1Hook, Some(i));
        let name = self.req_string(entry, at, "name", &format!("{p}name"), "every hook needs a `name`");
        let description = self.opt_string(entry, "description", &format!("{p}description"));
        let enabled = self.enabled(entry, &format!("{p}enabled"));
        let hook_timeout = self.timeout(entry, &format!("{p}timeout"));
        let trigger = self.v1_trigger(entry, at, &p);
        let action = self.v1_action(entry, at, i, hook_timeout);
        let (name, trigger, action) = (name?, trigger?, action?);
        (self.errors() == errors).then(|| Hook {
            name,
            description,
            enabled,
            trigger,
            action,
            source: self.source(Format::V1, i),
            range: self.index.range(self.text, entry.start, entry.end),
        })
    }

    fn v1_trigger(&mut self, entry: &Value, at: Anchor, p: &str) -> Option<Trigger> {
        let names = EventKind::ALL.map(EventKind::v1_name).join(", ");
        let field = format!("{p}trigger");
        let Some(m) = entry.get("trigger") else {
            self.missing(at, &field, &format!("one of {names}"));
            return None;
        };
        let Kind::String(ty) = &m.value.kind else {
            self.wrong_type(&field, &m.value, &format!("a string, one of {names}"));
            return None;
        };
        let Some(kind) = EventKind::from_v1(ty) else {
            let hint = EventKind::guess(ty).map(|k| format!(" (did you mean `{}`?)", k.v1_name())).unwrap_or_default();
            let msg = format!("`{field}` must be one of {names}; `{ty}` is not a Kiro hook trigger{hint}");
            self.push(Severity::Error, codes::UNKNOWN_TRIGGER, m.value.start, m.value.end, msg);
            return None;
        };
        let matcher = match entry.get("matcher") {
            None => Matcher::any(),
            Some(mm) => {
                let Kind::String(src) = &mm.value.kind else {
                    self.wrong_type(&format!("{p}matcher"), &mm.value, "a string holding a regular expression");
                    return None;
                };
                if !kind.is_file() && !kind.is_tool() {
                    let msg = format!("`{p}matcher` is only read for file and tool triggers; `{ty}` ignores it");
                    self.push(Severity::Hint, codes::UNKNOWN_KEY, mm.key_start, mm.key_end, msg);
                    Matcher::any()
                } else {
                    match Matcher::regex(src) {
                        Ok(m) => m,
                        Err(e) => {
                            let msg = format!(
                                "`{p}matcher` must be a regular expression matched against the {}: {}",
                                if kind.is_file() { "workspace-relative path" } else { "tool name" },
                                e.lines().last().unwrap_or("invalid")
                            );
                            self.push(Severity::Error, codes::BAD_PATTERN, mm.value.start, mm.value.end, msg);
                            return None;
                        }
                    }
                }
            }
        };
        Some(match kind {
            EventKind::FileSaved => Trigger::FileSaved { patterns: matcher },
            EventKind::FileCreated => Trigger::FileCreated { patterns: matcher },
            EventKind::FileDeleted => Trigger::FileDeleted { patterns: matcher },
            EventKind::PreToolUse => Trigger::PreToolUse { tool_types: matcher },
            EventKind::PostToolUse => Trigger::PostToolUse { tool_types: matcher },
            other => simple_trigger(other),
        })
    }

    /// The action of hook `i`; `hook_timeout` is the hook's own `timeout`,
    /// which wins over one given in `action`.
    fn v1_action(&mut self, entry: &Value, at: Anchor, i: usize, hook_timeout: Option<u64>) -> Option<Action> {
        let field = format!("hooks[{i}].action");
        let Some(m) = entry.get("action") else {
            self.missing(
                at,
                &field,
                "`{\"type\": \"command\", \"command\": …}` or `{\"type\": \"agent\", \"prompt\": …}`",
            );
            return None;
        };
        let action = &m.value;
        if action.members().is_none() {
            self.wrong_type(&field, action, "an object such as `{\"type\": \"agent\", \"prompt\": \"…\"}`");
            return None;
        }
        self.check_keys(action, Object::V1Action, Some(i));
        let action_timeout = self.timeout(action, &format!("{field}.timeout"));
        if let (Some(_), Some(inner)) = (hook_timeout, action.get("timeout")) {
            let msg = format!("`{field}.timeout` is given beside `hooks[{i}].timeout`; the hook's `timeout` is used");
            self.push(Severity::Warning, codes::DUPLICATE_KEY, inner.key_start, inner.key_end, msg);
        }
        let timeout_secs = hook_timeout.or(action_timeout).unwrap_or(DEFAULT_TIMEOUT_SECS);
        let at = Anchor::of_member(m);
        let ty = self.req_string(action, at, "type", &format!("{field}.type"), "`command` or `agent`")?;
        match ty.as_str() {
            "command" => {
                let command = self.req_string(
                    action,
                    at,
                    "command",
                    &format!("{field}.command"),
                    "a `command` action runs this shell command",
                );
                Some(Action::RunCommand { command: command?, timeout_secs })
            }
            "agent" => {
                let prompt = self.req_string(
                    action,
                    at,
                    "prompt",
                    &format!("{field}.prompt"),
                    "an `agent` action sends this prompt to the agent",
                );
                Some(Action::AskAgent { prompt: prompt? })
            }
            other => {
                let hint = guess_action(other).map(|a| format!(" (did you mean `{}`?)", a.1)).unwrap_or_default();
                let v = &action.get("type")?.value;
                let msg =
                    format!("`{field}.type` must be `command` or `agent`; `{other}` is not a Kiro hook action{hint}");
                self.push(Severity::Error, codes::UNKNOWN_ACTION, v.start, v.end, msg);
                None
            }
        }
    }
}

fn simple_trigger(kind: EventKind) -> Trigger {
    match kind {
        EventKind::Manual => Trigger::Manual,
        EventKind::PromptSubmit => Trigger::PromptSubmit,
        EventKind::AgentStop => Trigger::AgentStop,
        EventKind::PreTaskExecution => Trigger::PreTaskExecution,
        EventKind::PostTaskExecution => Trigger::PostTaskExecution,
        // File and tool kinds are built by the callers with their matcher.
        EventKind::FileSaved => Trigger::FileSaved { patterns: Matcher::any() },
        EventKind::FileCreated => Trigger::FileCreated { patterns: Matcher::any() },
        EventKind::FileDeleted => Trigger::FileDeleted { patterns: Matcher::any() },
        EventKind::PreToolUse => Trigger::PreToolUse { tool_types: Matcher::any() },
        EventKind::PostToolUse => Trigger::PostToolUse { tool_types: Matcher::any() },
    }
}

/// `(legacy, v1)` names of the action a misspelt action type most likely
/// means: the closest, by edit distance, of Kiro's names in both formats and
/// of other tools' words for them (`shell`, `llm`).
fn guess_action(name: &str) -> Option<(&'static str, &'static str)> {
    const ASK: (&str, &str) = ("askAgent", "agent");
    const RUN: (&str, &str) = ("runCommand", "command");
    let kiro = [("askAgent", ASK), ("agent", ASK), ("runCommand", RUN), ("command", RUN)];
    let others = [("ai", ASK), ("aiTask", ASK), ("prompt", ASK), ("llm", ASK)].into_iter().chain([
        ("shell", RUN),
        ("run", RUN),
        ("exec", RUN),
        ("script", RUN),
    ]);
    closest(name, kiro.into_iter().chain(others))
}

/// Reads every hook file of `root/.kiro/hooks/` (files ending `.kiro.hook` or
/// `.json`, not in subfolders), sorted by path. An unreadable file gives a
/// [`HookFile`] with one diagnostic.
pub fn load(root: &Path) -> Vec<HookFile> {
    let dir = root.join(".kiro").join("hooks");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".kiro.hook") || n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| match std::fs::read(&p) {
            Ok(bytes) => parse(&p, &String::from_utf8_lossy(&bytes)),
            Err(e) => HookFile {
                hash: String::new(),
                format: format_of(&p),
                hooks: Vec::new(),
                diagnostics: vec![Diagnostic {
                    range: specwright_spec::Range::default(),
                    severity: Severity::Error,
                    code: codes::UNREADABLE,
                    message: format!("cannot read the hook file: {e}"),
                }],
                path: p,
            },
        })
        .collect()
}
