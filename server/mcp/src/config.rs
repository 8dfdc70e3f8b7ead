//! MCP servers as Kiro configures them: `.kiro/settings/mcp.json` in the
//! workspace and `~/.kiro/settings/mcp.json` for the user, merged by server
//! name with the workspace winning. Each file is read into typed
//! [`McpServerConfig`]s plus [`Diagnostic`]s with precise ranges.
//!
//! Invariants:
//! - Reading never fails and never panics: any text gives an [`McpFile`]; a
//!   server entry with an error is kept out of [`McpFile::servers`] and
//!   explained by a diagnostic on the offending key or value.
//! - Everything outside the text comes from an [`Environment`]: the
//!   variables `${VAR}` expands from, the home folder, and how a command is
//!   looked up on `PATH`. Tests inject one; nothing here reads the process's
//!   environment except [`Environment::from_process`].
//! - A `${VAR}` whose variable is not set is never silently empty: the text
//!   is kept as written, the server lists it in
//!   [`McpServerConfig::unset_variables`], and a diagnostic names it.
//! - Files are JSONC (comments, trailing commas), as VS Code and Kiro's editor
//!   open every `mcp.json`. Unknown keys are kept out of the model and
//!   reported; they never make an entry invalid.
//! - Diagnostic codes ([`codes`]) are public interface: never rename one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use specwright_spec::LineIndex;
use specwright_spec::suggest::closest_name;
pub use specwright_spec::{Position, Range, Severity};

use specwright_hooks::json::{self, Kind, Member, Value};

/// The workspace's file, relative to the workspace folder.
pub const WORKSPACE_FILE: &str = ".kiro/settings/mcp.json";

/// The keys Kiro reads at the top level of the file.
pub const FILE_KEYS: &[&str] = &["mcpServers"];
/// The keys Kiro reads in a server entry (`timeout`, in milliseconds, comes
/// from Amazon Q Developer CLI's format, Kiro CLI's predecessor).
pub const SERVER_KEYS: &[&str] = &[
    "command",
    "args",
    "env",
    "url",
    "headers",
    "disabled",
    "autoApprove",
    "disabledTools",
    "timeout",
    "oauth",
    "oauthScopes",
];
/// The keys of a remote server's `oauth`.
pub const OAUTH_KEYS: &[&str] = &["clientId", "redirectUri"];
/// Header names the streamable HTTP transport sets itself and refuses from
/// the configuration (compared without case).
pub const RESERVED_HEADERS: &[&str] = &["accept", "mcp-session-id", "last-event-id"];

/// Stable diagnostic codes.
pub mod codes {
    /// The text is not JSON (JSONC: comments and trailing commas are fine).
    pub const INVALID_JSON: &str = "mcp-invalid-json";
    /// The file is not an object, or has no `mcpServers` object.
    pub const MISSING_SERVERS: &str = "mcp-missing-servers";
    /// A key Kiro does not read (a hint; a warning when it is close to one it reads).
    pub const UNKNOWN_KEY: &str = "mcp-unknown-key";
    /// The same key twice in one object; the last one wins.
    pub const DUPLICATE_KEY: &str = "mcp-duplicate-key";
    /// A value of the wrong JSON type, an empty command or a non-positive timeout.
    pub const WRONG_TYPE: &str = "mcp-wrong-type";
    /// A server with neither `command` nor `url`, or with both.
    pub const COMMAND_OR_URL: &str = "mcp-command-or-url";
    /// A `command` not found on `PATH` (or, with a path, not an executable file).
    pub const COMMAND_NOT_FOUND: &str = "mcp-command-not-found";
    /// A `${VAR}` whose variable is not set.
    pub const UNSET_VARIABLE: &str = "mcp-unset-variable";
    /// A `url` that is not http(s), or plain http to a host that is not loopback.
    pub const BAD_URL: &str = "mcp-bad-url";
    /// A header the HTTP transport sets itself, or that is not a valid header.
    pub const BAD_HEADER: &str = "mcp-bad-header";
    /// A tool named twice in `autoApprove` or `disabledTools`.
    pub const DUPLICATE_TOOL: &str = "mcp-duplicate-tool";
    /// The file could not be read.
    pub const UNREADABLE: &str = "mcp-unreadable";

    pub const ALL: &[&str] = &[
        INVALID_JSON,
        MISSING_SERVERS,
        UNKNOWN_KEY,
        DUPLICATE_KEY,
        WRONG_TYPE,
        COMMAND_OR_URL,
        COMMAND_NOT_FOUND,
        UNSET_VARIABLE,
        BAD_URL,
        BAD_HEADER,
        DUPLICATE_TOOL,
        UNREADABLE,
    ];

    /// One sentence on what a code means (the SARIF rule's short
    /// description); empty for an unknown code.
    pub fn description(code: &str) -> &'static str {
        match code {
            INVALID_JSON => "The MCP configuration is not valid JSON (comments and trailing commas are allowed).",
            MISSING_SERVERS => "The MCP configuration is not an object with an `mcpServers` object.",
            UNKNOWN_KEY => "A key Kiro does not read in the MCP configuration.",
            DUPLICATE_KEY => "The same key appears twice in one object of the MCP configuration (the last one wins).",
            WRONG_TYPE => "A value of the MCP configuration has the wrong JSON type, or is empty or not positive.",
            COMMAND_OR_URL => "An MCP server needs exactly one of `command` (local) and `url` (remote).",
            COMMAND_NOT_FOUND => "An MCP server's command is not found on PATH.",
            UNSET_VARIABLE => "A `${VAR}` in the MCP configuration names an environment variable that is not set.",
            BAD_URL => "An MCP server's url is not HTTPS (or HTTP to a loopback host).",
            BAD_HEADER => "A header the MCP HTTP transport sets itself, or an invalid header name or value.",
            DUPLICATE_TOOL => "A tool is named twice in `autoApprove` or `disabledTools`.",
            UNREADABLE => "The MCP configuration could not be read.",
            _ => "",
        }
    }

    /// The severity a code is usually reported with.
    pub fn default_severity(code: &str) -> super::Severity {
        use super::Severity;
        match code {
            UNKNOWN_KEY => Severity::Hint,
            DUPLICATE_KEY | COMMAND_NOT_FOUND | UNSET_VARIABLE | DUPLICATE_TOOL | MISSING_SERVERS => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Which file a server comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `<workspace>/.kiro/settings/mcp.json`.
    Workspace,
    /// `~/.kiro/settings/mcp.json`.
    User,
}

/// One configured MCP server, `${VAR}`s expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerConfig {
    /// Its key in `mcpServers`.
    pub name: String,
    pub transport: Transport,
    /// `disabled: true`: kept in the configuration, never started.
    pub disabled: bool,
    pub auto_approve: AutoApprove,
    /// Tools never offered to the agent.
    pub disabled_tools: Vec<String>,
    /// `timeout` (milliseconds in the file): the limit of one request.
    pub timeout: Option<Duration>,
    pub scope: Scope,
    /// Variables of `${VAR}`s that were not set (their text is kept as written).
    pub unset_variables: Vec<String>,
}

/// How to reach a server.
#[derive(Debug, Clone, PartialEq)]
pub enum Transport {
    /// A local process speaking MCP on stdin/stdout.
    Stdio { command: String, args: Vec<String>, env: BTreeMap<String, String> },
    /// A remote server over streamable HTTP.
    Http { url: String, headers: BTreeMap<String, String>, oauth: Option<OAuth> },
}

/// A remote server's `oauth` and `oauthScopes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuth {
    /// A pre-registered client, for servers without dynamic client registration.
    pub client_id: Option<String>,
    /// `host:port` of the local callback listener (a random port when absent).
    pub redirect_uri: Option<String>,
    pub scopes: Vec<String>,
}

/// Which tools run without asking the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoApprove {
    /// `"*"` among the names.
    All,
    Tools(Vec<String>),
}

impl Default for AutoApprove {
    fn default() -> Self {
        AutoApprove::Tools(Vec::new())
    }
}

impl AutoApprove {
    /// The tools named (`["*"]` for all).
    pub fn names(&self) -> Vec<String> {
        match self {
            AutoApprove::All => vec!["*".into()],
            AutoApprove::Tools(tools) => tools.clone(),
        }
    }

    pub fn allows(&self, tool: &str) -> bool {
        match self {
            AutoApprove::All => true,
            AutoApprove::Tools(tools) => tools.iter().any(|t| t == tool),
        }
    }
}

impl McpServerConfig {
    /// Whether the agent may see `tool` (not in `disabledTools`).
    pub fn tool_enabled(&self, tool: &str) -> bool {
        !self.disabled_tools.iter().any(|t| t == tool)
    }
}

/// A problem found in an MCP configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: Range,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

/// One `mcp.json`: the servers Kiro would configure from it and what is
/// wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct McpFile {
    pub path: PathBuf,
    pub scope: Scope,
    /// The valid entries, in file order (the last of duplicate names).
    pub servers: Vec<McpServerConfig>,
    /// Every entry's name, valid or not: a workspace entry with an error
    /// still hides the user's entry of that name.
    pub names: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The merged configuration of a workspace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct McpConfig {
    /// Workspace servers in file order, then the user's that the workspace
    /// does not name.
    pub servers: Vec<McpServerConfig>,
    /// The files read: the workspace's, then the user's (absent ones left out).
    pub files: Vec<McpFile>,
}

impl McpConfig {
    pub fn server(&self, name: &str) -> Option<&McpServerConfig> {
        self.servers.iter().find(|s| s.name == name)
    }
}

/// What the configuration is read against: environment variables (for
/// `${VAR}`, `HOME` and `PATH`) and how commands are found.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
    /// `Some`: the commands that exist (tests); `None`: search `PATH` on disk.
    commands: Option<BTreeSet<String>>,
}

impl Environment {
    /// The process's environment; commands are searched on its `PATH`.
    pub fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.to_string_lossy().into_owned())))
            .collect();
        Self { vars, commands: None }
    }

    /// These variables only; commands are searched on their `PATH`.
    pub fn from_vars<K: Into<String>, V: Into<String>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        Self { vars: vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect(), commands: None }
    }

    /// Commands exist exactly when named here (no disk access).
    pub fn with_commands<S: Into<String>>(mut self, commands: impl IntoIterator<Item = S>) -> Self {
        self.commands = Some(commands.into_iter().map(Into::into).collect());
        self
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// `HOME`, else `USERPROFILE`.
    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME").or_else(|| self.var("USERPROFILE")).filter(|h| !h.is_empty()).map(PathBuf::from)
    }

    /// Where `command` would be run from: a bare name is searched on `PATH`;
    /// a path is taken relative to `cwd` (when known).
    pub fn find_command(&self, command: &str, cwd: Option<&Path>) -> Option<PathBuf> {
        if let Some(known) = &self.commands {
            return known.contains(command).then(|| PathBuf::from(command));
        }
        let has_separator = command.contains('/') || (cfg!(windows) && command.contains('\\'));
        if has_separator || Path::new(command).is_absolute() {
            let path = match cwd {
                Some(cwd) => cwd.join(command),
                None if Path::new(command).is_absolute() => PathBuf::from(command),
                None => return Some(PathBuf::from(command)),
            };
            return executable(&path).then_some(path);
        }
        let path_var = self.var("PATH").or_else(|| self.var("Path"))?;
        std::env::split_paths(path_var).map(|dir| dir.join(command)).find_map(|candidate| {
            if executable(&candidate) {
                return Some(candidate);
            }
            if cfg!(windows) {
                let exts = self.var("PATHEXT").unwrap_or(".COM;.EXE;.BAT;.CMD");
                for ext in exts.split(';').filter(|e| !e.is_empty()) {
                    let mut with = candidate.clone().into_os_string();
                    with.push(ext);
                    let with = PathBuf::from(with);
                    if with.is_file() {
                        return Some(with);
                    }
                }
            }
            None
        })
    }
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.is_file()
}

/// The workspace's `mcp.json`.
pub fn workspace_file(root: &Path) -> PathBuf {
    root.join(".kiro").join("settings").join("mcp.json")
}

/// The user's `mcp.json` under `home`.
pub fn user_file(home: &Path) -> PathBuf {
    workspace_file(home)
}

/// Reads the workspace's and the user's files (the user's from the
/// environment's home folder) and merges them, the workspace winning.
pub fn load(root: &Path, env: &Environment) -> McpConfig {
    let workspace = load_file(&workspace_file(root), Scope::Workspace, env);
    let user_path = env.home().map(|h| user_file(&h)).filter(|p| *p != workspace_file(root));
    let user = user_path.and_then(|p| load_file(&p, Scope::User, env));
    let servers = merge(workspace.as_ref(), user.as_ref());
    McpConfig { servers, files: workspace.into_iter().chain(user).collect() }
}

/// One file, or `None` when it does not exist. An unreadable file gives an
/// [`McpFile`] with one diagnostic.
pub fn load_file(path: &Path, scope: Scope, env: &Environment) -> Option<McpFile> {
    match std::fs::read(path) {
        Ok(bytes) => Some(parse(path, &String::from_utf8_lossy(&bytes), scope, env)),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => None,
        Err(e) => Some(McpFile {
            path: path.to_path_buf(),
            scope,
            servers: Vec::new(),
            names: Vec::new(),
            diagnostics: vec![Diagnostic {
                range: Range::default(),
                severity: Severity::Error,
                code: codes::UNREADABLE,
                message: format!("cannot read the MCP configuration: {e}"),
            }],
        }),
    }
}

/// The workspace's servers, then the user's that the workspace does not name.
pub fn merge(workspace: Option<&McpFile>, user: Option<&McpFile>) -> Vec<McpServerConfig> {
    let mut out: Vec<McpServerConfig> = workspace.map(|f| f.servers.clone()).unwrap_or_default();
    if let Some(user) = user {
        let hidden = |name: &str| workspace.is_some_and(|w| w.names.iter().any(|n| n == name));
        out.extend(user.servers.iter().filter(|s| !hidden(&s.name)).cloned());
    }
    out
}

/// Reads one file. Never fails: what Kiro would not understand becomes
/// diagnostics, and only servers without errors are returned. For the
/// workspace's file, a relative command is looked up from the workspace
/// folder (the folder holding `.kiro/`).
pub fn parse(path: &Path, text: &str, scope: Scope, env: &Environment) -> McpFile {
    let cwd = match scope {
        Scope::Workspace => path.parent().and_then(Path::parent).and_then(Path::parent).map(Path::to_path_buf),
        Scope::User => None,
    };
    let mut cx = Cx { text, index: LineIndex::new(text), env, cwd, diagnostics: Vec::new() };
    let mut servers = Vec::new();
    let mut names = Vec::new();
    match json::parse_jsonc(text) {
        Err(e) => {
            let msg = format!("invalid JSON: {}; the MCP configuration is `{{\"mcpServers\": {{…}}}}`", e.message);
            cx.push(Severity::Error, codes::INVALID_JSON, e.start, e.end, msg);
        }
        Ok(root) => cx.file(&root, scope, &mut servers, &mut names),
    }
    cx.diagnostics.sort_by_key(|d| (d.range.start.line, d.range.start.character));
    McpFile { path: path.to_path_buf(), scope, servers, names, diagnostics: cx.diagnostics }
}

struct Cx<'a> {
    text: &'a str,
    index: LineIndex,
    env: &'a Environment,
    cwd: Option<PathBuf>,
    diagnostics: Vec<Diagnostic>,
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

    /// Reports unknown and repeated keys of an object. `prefix` is its path
    /// (`mcpServers.github.`), `has` the words before its list of keys.
    fn check_keys(&mut self, obj: &Value, known: &[&str], prefix: &str, has: &str) {
        let Some(members) = obj.members() else { return };
        for (i, m) in members.iter().enumerate() {
            if members[i + 1..].iter().any(|later| later.key == m.key) {
                let msg = format!("`{prefix}{}` is given again later; the last one wins", m.key);
                self.push(Severity::Warning, codes::DUPLICATE_KEY, m.key_start, m.key_end, msg);
            }
            if known.contains(&m.key.as_str()) {
                continue;
            }
            let key = &m.key;
            let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            let (severity, msg) = match closest_name(key, known.iter().copied()) {
                Some(k) => {
                    (Severity::Warning, format!("Kiro ignores `{prefix}{key}` (did you mean `{k}`?); {has} {list}"))
                }
                None => (Severity::Hint, format!("Kiro ignores `{prefix}{key}`; {has} {list}")),
            };
            self.push(severity, codes::UNKNOWN_KEY, m.key_start, m.key_end, msg);
        }
    }

    fn file(&mut self, root: &Value, scope: Scope, servers: &mut Vec<McpServerConfig>, names: &mut Vec<String>) {
        let shape = "the MCP configuration is `{\"mcpServers\": {\"<name>\": {\"command\": …} or {\"url\": …}}}`";
        if root.members().is_none() {
            let msg = format!("{shape}; this file is {}", root.kind.type_name());
            self.push(Severity::Error, codes::MISSING_SERVERS, root.start, root.end, msg);
            return;
        }
        self.check_keys(root, FILE_KEYS, "", "the file has");
        let Some(m) = root.get("mcpServers") else {
            let msg = format!("no `mcpServers`: Kiro configures no server from this file; {shape}");
            self.push(Severity::Warning, codes::MISSING_SERVERS, root.start, root.start + 1, msg);
            return;
        };
        let Some(entries) = m.value.members() else {
            self.wrong_type("mcpServers", &m.value, "an object of servers by name");
            return;
        };
        for (i, entry) in entries.iter().enumerate() {
            if entries[i + 1..].iter().any(|later| later.key == entry.key) {
                // Reported by check_keys below; the last one is read.
                continue;
            }
            names.push(entry.key.clone());
            if let Some(server) = self.server(entry, scope) {
                servers.push(server);
            }
        }
        // Only repeated names: an entry's name is any string.
        for (i, entry) in entries.iter().enumerate() {
            if entries[i + 1..].iter().any(|later| later.key == entry.key) {
                let msg = format!("the server `{}` is given again later; the last one wins", entry.key);
                self.push(Severity::Warning, codes::DUPLICATE_KEY, entry.key_start, entry.key_end, msg);
            }
        }
    }

    fn server(&mut self, entry: &Member, scope: Scope) -> Option<McpServerConfig> {
        let name = &entry.key;
        let p = format!("mcpServers.{name}.");
        let obj = &entry.value;
        if obj.members().is_none() {
            self.wrong_type(&format!("mcpServers.{name}"), obj, "an object with `command` or `url`");
            return None;
        }
        let errors = self.errors();
        self.check_keys(obj, SERVER_KEYS, &p, "a server has");
        let disabled = self.bool(obj, "disabled", &p).unwrap_or(false);
        let auto_approve = self.tools(obj, "autoApprove", &p);
        let disabled_tools = self.tools(obj, "disabledTools", &p);
        let timeout = self.timeout(obj, &p);
        let auto_approve = match auto_approve {
            Some(tools) if tools.iter().any(|t| t == "*") => AutoApprove::All,
            Some(tools) => AutoApprove::Tools(tools),
            None => AutoApprove::default(),
        };
        let mut unset = Vec::new();
        // A disabled server is never started: what it would need to start
        // (its command, its variables) is not checked.
        let live = !disabled;
        let transport = match (obj.get("command"), obj.get("url")) {
            (None, None) => {
                let msg = format!(
                    "the server `{name}` has neither `command` (a local server, run with `args`) nor `url` (a remote one)"
                );
                self.push(Severity::Error, codes::COMMAND_OR_URL, entry.key_start, entry.key_end, msg);
                None
            }
            (Some(_), Some(url)) => {
                let msg = format!(
                    "the server `{name}` has both `command` and `url`: give `command` for a local server or `url` for a remote one"
                );
                self.push(Severity::Error, codes::COMMAND_OR_URL, url.key_start, url.key_end, msg);
                None
            }
            (Some(command), None) => self.stdio(obj, command, &p, live, &mut unset),
            (None, Some(url)) => self.http(obj, url, &p, live, &mut unset),
        };
        let transport = transport?;
        (self.errors() == errors).then(|| McpServerConfig {
            name: name.clone(),
            transport,
            disabled,
            auto_approve,
            disabled_tools: disabled_tools.unwrap_or_default(),
            timeout,
            scope,
            unset_variables: unset,
        })
    }

    fn stdio(
        &mut self,
        obj: &Value,
        command: &Member,
        p: &str,
        live: bool,
        unset: &mut Vec<String>,
    ) -> Option<Transport> {
        for key in ["headers", "oauth", "oauthScopes"] {
            if let Some(m) = obj.get(key) {
                let msg = format!("Kiro ignores `{p}{key}` for a local server (`command`); it is read with `url`");
                self.push(Severity::Hint, codes::UNKNOWN_KEY, m.key_start, m.key_end, msg);
            }
        }
        let cmd = match &command.value.kind {
            Kind::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Kind::String(_) => {
                let msg = format!("`{p}command` is empty: it names the program that runs the server");
                self.push(Severity::Error, codes::WRONG_TYPE, command.value.start, command.value.end, msg);
                None
            }
            _ => {
                self.wrong_type(
                    &format!("{p}command"),
                    &command.value,
                    "a string (the program; its arguments go in `args`)",
                );
                None
            }
        };
        let args = match obj.get("args") {
            None => Some(Vec::new()),
            Some(m) => self.string_array(&m.value, &format!("{p}args")).map(|items| {
                items.into_iter().map(|(s, v)| self.expand(&s, v, &format!("{p}args"), live, unset)).collect()
            }),
        };
        let env = match obj.get("env") {
            None => Some(BTreeMap::new()),
            Some(m) => self.string_map(&m.value, &format!("{p}env"), live, unset),
        };
        let cmd = cmd?;
        if live && self.env.find_command(&cmd, self.cwd.as_deref()).is_none() {
            let msg = if cmd.contains('/') || cmd.contains('\\') {
                format!("`{cmd}` is not an executable file; Kiro could not start this server")
            } else {
                format!("`{cmd}` is not found on PATH; Kiro could not start this server until it is installed")
            };
            self.push(Severity::Warning, codes::COMMAND_NOT_FOUND, command.value.start, command.value.end, msg);
        }
        Some(Transport::Stdio { command: cmd, args: args?, env: env? })
    }

    fn http(&mut self, obj: &Value, url: &Member, p: &str, live: bool, unset: &mut Vec<String>) -> Option<Transport> {
        for key in ["args", "env"] {
            if let Some(m) = obj.get(key) {
                let msg = format!("Kiro ignores `{p}{key}` for a remote server (`url`); it is read with `command`");
                self.push(Severity::Hint, codes::UNKNOWN_KEY, m.key_start, m.key_end, msg);
            }
        }
        let u = match &url.value.kind {
            Kind::String(s) => {
                self.check_url(s, &url.value, p);
                Some(s.clone())
            }
            _ => {
                self.wrong_type(&format!("{p}url"), &url.value, "a string such as \"https://example.com/mcp\"");
                None
            }
        };
        let headers = match obj.get("headers") {
            None => Some(BTreeMap::new()),
            Some(m) => {
                let headers = self.string_map(&m.value, &format!("{p}headers"), live, unset);
                self.check_headers(&m.value, p);
                headers
            }
        };
        let oauth = self.oauth(obj, p);
        Some(Transport::Http { url: u?, headers: headers?, oauth: oauth? })
    }

    fn check_url(&mut self, url: &str, v: &Value, p: &str) {
        let lower = url.to_ascii_lowercase();
        let rest = if let Some(rest) = lower.strip_prefix("https://") {
            Some((true, rest))
        } else {
            lower.strip_prefix("http://").map(|rest| (false, rest))
        };
        let Some((https, rest)) = rest else {
            let msg = format!("`{p}url` must be an http(s) URL such as \"https://example.com/mcp\"; found \"{url}\"");
            self.push(Severity::Error, codes::BAD_URL, v.start, v.end, msg);
            return;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        let host = if host.starts_with('[') {
            host.split(']').next().map(|h| h.trim_start_matches('[')).unwrap_or("")
        } else {
            host.split(':').next().unwrap_or("")
        };
        if host.is_empty() {
            let msg = format!("`{p}url` has no host; found \"{url}\"");
            self.push(Severity::Error, codes::BAD_URL, v.start, v.end, msg);
            return;
        }
        let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
        if !https && !loopback {
            let msg = format!(
                "`{p}url` is plain http to `{host}`: Kiro connects to remote servers over HTTPS (plain http only to localhost)"
            );
            self.push(Severity::Warning, codes::BAD_URL, v.start, v.end, msg);
        }
    }

    fn check_headers(&mut self, headers: &Value, p: &str) {
        let Some(members) = headers.members() else { return };
        for m in members {
            let lower = m.key.to_ascii_lowercase();
            if RESERVED_HEADERS.contains(&lower.as_str()) {
                let msg = format!(
                    "`{}` is set by the MCP HTTP transport itself; a server with it in `{p}headers` cannot connect",
                    m.key
                );
                self.push(Severity::Error, codes::BAD_HEADER, m.key_start, m.key_end, msg);
            } else if m.key.is_empty() || !m.key.bytes().all(is_token_byte) {
                let msg = format!("`{}` is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~)", m.key);
                self.push(Severity::Error, codes::BAD_HEADER, m.key_start, m.key_end, msg);
            } else if let Kind::String(s) = &m.value.kind
                && s.contains(['\r', '\n'])
            {
                let msg = format!("the value of header `{}` must be one line", m.key);
                self.push(Severity::Error, codes::BAD_HEADER, m.value.start, m.value.end, msg);
            }
        }
    }

    fn oauth(&mut self, obj: &Value, p: &str) -> Option<Option<OAuth>> {
        let scopes = match obj.get("oauthScopes") {
            None => Some(Vec::new()),
            Some(m) => self
                .string_array(&m.value, &format!("{p}oauthScopes"))
                .map(|items| items.into_iter().map(|(s, _)| s).collect()),
        };
        let (client_id, redirect_uri) = match obj.get("oauth") {
            None => (Some(None), Some(None)),
            Some(m) if m.value.members().is_none() => {
                self.wrong_type(&format!("{p}oauth"), &m.value, "an object with `clientId` and `redirectUri`");
                return None;
            }
            Some(m) => {
                let at = format!("{p}oauth.");
                self.check_keys(&m.value, OAUTH_KEYS, &at, "`oauth` has");
                (self.opt_string(&m.value, "clientId", &at), self.opt_string(&m.value, "redirectUri", &at))
            }
        };
        let (scopes, client_id, redirect_uri) = (scopes?, client_id?, redirect_uri?);
        let given = obj.get("oauth").is_some() || !scopes.is_empty();
        Some(given.then_some(OAuth { client_id, redirect_uri, scopes }))
    }

    /// An optional string: `Some(None)` when absent, `None` when wrong.
    fn opt_string(&mut self, obj: &Value, key: &str, prefix: &str) -> Option<Option<String>> {
        let Some(m) = obj.get(key) else { return Some(None) };
        match &m.value.kind {
            Kind::String(s) => Some(Some(s.clone())),
            _ => {
                self.wrong_type(&format!("{prefix}{key}"), &m.value, "a string");
                None
            }
        }
    }

    fn bool(&mut self, obj: &Value, key: &str, p: &str) -> Option<bool> {
        let m = obj.get(key)?;
        match m.value.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.wrong_type(&format!("{p}{key}"), &m.value, "`true` or `false`");
                None
            }
        }
    }

    fn timeout(&mut self, obj: &Value, p: &str) -> Option<Duration> {
        let m = obj.get("timeout")?;
        match &m.value.kind {
            Kind::Number(n) if n.as_u64().is_some_and(|n| n > 0) => n.as_u64().map(Duration::from_millis),
            _ => {
                self.wrong_type(&format!("{p}timeout"), &m.value, "a positive whole number of milliseconds");
                None
            }
        }
    }

    /// `autoApprove` / `disabledTools`: tool names, each once.
    fn tools(&mut self, obj: &Value, key: &str, p: &str) -> Option<Vec<String>> {
        let m = obj.get(key)?;
        let field = format!("{p}{key}");
        if let Kind::String(s) = &m.value.kind
            && s == "*"
        {
            self.wrong_type(&field, &m.value, "an array of tool names (`[\"*\"]` for every tool)");
            return None;
        }
        let items = self.string_array(&m.value, &field)?;
        let mut out: Vec<String> = Vec::new();
        for (name, v) in items {
            if out.contains(&name) {
                let msg = format!("`{name}` is already in `{field}`");
                self.push(Severity::Warning, codes::DUPLICATE_TOOL, v.start, v.end, msg);
            } else {
                out.push(name);
            }
        }
        Some(out)
    }

    /// An array of strings with each item's span; `None` (reported) when
    /// it or an item has another type.
    fn string_array<'v>(&mut self, v: &'v Value, field: &str) -> Option<Vec<(String, &'v Value)>> {
        let Kind::Array(items) = &v.kind else {
            self.wrong_type(field, v, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match &item.kind {
                Kind::String(s) => out.push((s.clone(), item)),
                _ => {
                    self.wrong_type(&format!("{field}[{i}]"), item, "a string");
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// An object of strings (`env`, `headers`), values expanded.
    fn string_map(
        &mut self,
        v: &Value,
        field: &str,
        live: bool,
        unset: &mut Vec<String>,
    ) -> Option<BTreeMap<String, String>> {
        let Some(members) = v.members() else {
            self.wrong_type(field, v, "an object of strings");
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (i, m) in members.iter().enumerate() {
            if members[i + 1..].iter().any(|later| later.key == m.key) {
                let msg = format!("`{field}.{}` is given again later; the last one wins", m.key);
                self.push(Severity::Warning, codes::DUPLICATE_KEY, m.key_start, m.key_end, msg);
                continue;
            }
            match &m.value.kind {
                Kind::String(s) => {
                    let expanded = self.expand(s, &m.value, &format!("{field}.{}", m.key), live, unset);
                    out.insert(m.key.clone(), expanded);
                }
                _ => {
                    self.wrong_type(&format!("{field}.{}", m.key), &m.value, "a string");
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// `s` with its `${VAR}` / `${env:VAR}` replaced from the environment;
    /// an unset variable keeps its text, is recorded in `unset` and, for a
    /// server that would start (`live`), reported at its `${…}`.
    fn expand(&mut self, s: &str, v: &Value, field: &str, live: bool, unset: &mut Vec<String>) -> String {
        let (out, refs) = expand(s, self.env);
        for r in refs.into_iter().filter(|r| !r.set) {
            if !unset.contains(&r.name) {
                unset.push(r.name.clone());
            }
            if !live {
                continue;
            }
            // The `${…}` in the file's text: found as written (no escapes
            // in it), else the whole value.
            let raw = &self.text[v.start..v.end];
            let (start, end) =
                raw.find(&r.text).map_or((v.start, v.end), |i| (v.start + i, v.start + i + r.text.len()));
            let msg = format!(
                "`{}` in `{field}`: the environment variable `{}` is not set, so the text is passed as written",
                r.text, r.name
            );
            self.push(Severity::Warning, codes::UNSET_VARIABLE, start, end, msg);
        }
        out
    }
}

/// A token character of an HTTP header name (RFC 9110).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// One `${…}` found by [`expand`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    /// As written: `${TOKEN}` or `${env:TOKEN}`.
    pub text: String,
    pub name: String,
    pub set: bool,
}

/// Replaces every `${NAME}` and `${env:NAME}` (NAME: letters, digits, `_`,
/// not starting with a digit) by the variable's value; an unset one keeps
/// its text. Other `$` text is left alone. Returns the result and every
/// reference in order.
pub fn expand(s: &str, env: &Environment) -> (String, Vec<VarRef>) {
    let mut out = String::with_capacity(s.len());
    let mut refs = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[i..]);
            return (out, refs);
        };
        let inner = &after[..close];
        let name = inner.strip_prefix("env:").unwrap_or(inner);
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let text = &rest[i..i + 2 + close + 1];
        if valid {
            let value = env.var(name);
            out.push_str(value.unwrap_or(text));
            refs.push(VarRef { text: text.to_owned(), name: name.to_owned(), set: value.is_some() });
        } else {
            out.push_str(text);
        }
        rest = &rest[i + 2 + close + 1..];
    }
    out.push_str(rest);
    (out, refs)
}

#[cfg(test)]
mod tests;
