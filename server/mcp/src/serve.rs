//! Specwright as an MCP server, in our own types: the tools, resources and
//! prompts `specwright mcp` offers any MCP client, and what each does.
//! [`crate::sdk::server`] adapts this to the SDK; nothing here names it.
//!
//! The guarantees are the editor's:
//! - **Confined.** A spec name must be a valid name and its folder (and
//!   every document of it) must resolve, symbolic links followed, inside the
//!   workspace; a `check` path likewise. Anything else is refused.
//! - **Atomic.** The only writes are a task's marker in `tasks.md`, its
//!   entry in `.tasks-meta.json` and, for `create_spec`, a new spec's first
//!   document and `.config.kiro`: each a temporary file and a rename, and a
//!   marker only if the file still holds the text it was computed from.
//! - **Nothing secret.** Every text returned (tool results, structured
//!   values, resources, prompts) passes through the secret scanner's
//!   no-allowlist redaction first ([`specwright_secrets::redact_for_model`]).
//! - **Done means tested.** `set_task_status … done` runs the task's test
//!   command here, in a trusted folder only, and reads its output with the
//!   evidence reader of the task runner; the model's word counts for nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};
use specwright_models::CancellationToken;
use specwright_runtime::tasks::{evidence, order, run, status};
use specwright_spec::{DocKind, Spec, TaskStatus};

/// Where the model configuration's variables are read from.
pub type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The report of `specwright check --format json` for a folder. The
/// protocol crate owns that report and hands it in, so the `check` tool and
/// the command line can never disagree.
pub type CheckReport = Arc<dyn Fn(&Path) -> Value + Send + Sync>;

/// How the server is set up.
#[derive(Clone)]
pub struct ServeConfig {
    /// The workspace folder.
    pub root: PathBuf,
    /// How long a test run (`set_task_status … done`) may take.
    pub test_timeout: Duration,
    /// The environment the model configuration is read from
    /// (`SPECWRIGHT_PROVIDER`, its key variable, …).
    pub env: Env,
    /// The trust record (`None`: no folder is trusted).
    pub trust: Option<specwright_hooks::trust::TrustStore>,
    /// Whether `repo_map` keeps the code index in the user's cache folder
    /// (warm builds parse only what changed).
    pub index_cache: bool,
    /// What the `check` tool reports (`None`: no `check` tool).
    pub check: Option<CheckReport>,
}

impl ServeConfig {
    /// The workspace `root` with the process's environment and the user's
    /// trust record.
    pub fn new(root: PathBuf) -> Self {
        Self {
            root,
            test_timeout: Duration::from_secs(600),
            env: Arc::new(|k| std::env::var(k).ok()),
            trust: specwright_hooks::trust::TrustStore::user_default(),
            index_cache: true,
            check: None,
        }
    }
}

/// The MCP server's behaviour over one workspace folder.
pub struct SpecServer {
    root: PathBuf,
    test_timeout: Duration,
    env: Env,
    trust: Option<specwright_hooks::trust::TrustStore>,
    index_cache: bool,
    check: Option<CheckReport>,
    /// One writer of the spec files at a time (each write is a
    /// read-modify-write).
    writing: tokio::sync::Mutex<()>,
}

/// A tool as clients list it.
#[derive(Debug, Clone)]
pub struct ToolInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// A JSON Schema object.
    pub input_schema: Value,
    /// Whether the tool changes nothing.
    pub read_only: bool,
}

/// A tool's result. `is_error`: the tool ran and failed (the model reads
/// why), as opposed to a [`CallError`].
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub text: String,
    pub structured: Option<Value>,
    pub is_error: bool,
}

/// A request that is wrong at the protocol level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No tool, resource or prompt of that name.
    NotFound(String),
    /// Arguments missing or of the wrong shape.
    InvalidParams(String),
    Internal(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::NotFound(m) | CallError::InvalidParams(m) | CallError::Internal(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CallError {}

/// A resource as clients list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceInfo {
    pub uri: String,
    pub name: String,
    pub description: String,
    pub mime_type: &'static str,
}

/// A resource's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceText {
    pub uri: String,
    pub mime_type: &'static str,
    pub text: String,
}

/// A prompt as clients list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptInfo {
    pub name: &'static str,
    pub description: &'static str,
    /// `(name, description, required)`.
    pub arguments: Vec<(&'static str, &'static str, bool)>,
}

/// A prompt, filled in: one user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptText {
    pub description: String,
    pub text: String,
}

/// The documents offered as resources, by their URI name.
const DOCUMENTS: [(&str, DocKind); 4] = [
    ("requirements", DocKind::Requirements),
    ("bugfix", DocKind::Bugfix),
    ("design", DocKind::Design),
    ("tasks", DocKind::Tasks),
];

/// The statuses `set_task_status` takes.
const STATUSES: [(&str, TaskStatus); 4] = [
    ("done", TaskStatus::Done),
    ("in-progress", TaskStatus::InProgress),
    ("not-started", TaskStatus::NotStarted),
    ("queued", TaskStatus::Queued),
];

/// How much of a test run's output a refusal shows.
const TAIL_LINES: usize = 40;

/// The repository map's largest budget.
const MAX_MAP_TOKENS: usize = 32_000;

impl SpecServer {
    pub fn new(config: ServeConfig) -> Result<Self, String> {
        let root = std::fs::canonicalize(&config.root)
            .map_err(|e| format!("{} is not a folder: {e}", config.root.display()))?;
        if !root.is_dir() {
            return Err(format!("{} is not a folder", root.display()));
        }
        Ok(Self {
            root,
            test_timeout: config.test_timeout,
            env: config.env,
            trust: config.trust,
            index_cache: config.index_cache,
            check: config.check,
            writing: tokio::sync::Mutex::new(()),
        })
    }

    /// The workspace folder (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What the server tells a client about itself.
    pub fn instructions(&self) -> String {
        "Specwright: the Kiro specs of this workspace (.kiro/specs/<name>/: requirements.md or bugfix.md, design.md, \
         tasks.md). Read them as spec://<name>/<document> resources or with get_spec; walk the tasks with next_task \
         and get_task; mark progress with set_task_status. A task becomes done only when Specwright runs its tests \
         and they pass. `check` reports the specs' diagnostics, `repo_map` ranks the codebase, `steering_for` gives \
         the project's steering for files."
            .into()
    }

    /// Every tool, in a stable order.
    pub fn tools(&self) -> Vec<ToolInfo> {
        let mut tools = self.all_tools();
        if self.check.is_none() {
            tools.retain(|t| t.name != "check");
        }
        tools
    }

    fn all_tools(&self) -> Vec<ToolInfo> {
        let spec = json!({"type": "string", "description": "The spec's folder name under .kiro/specs/"});
        let id = json!({"type": "string", "description": "The task's number, e.g. 2.1"});
        let object = |properties: Value, required: &[&str]| json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false});
        vec![
            ToolInfo {
                name: "list_specs",
                title: "List specs",
                description: "List the workspace's specs with their kind, documents and progress (tasks done, \
                              criteria uncovered, diagnostics).",
                input_schema: object(json!({}), &[]),
                read_only: true,
            },
            ToolInfo {
                name: "get_spec",
                title: "Get a spec",
                description: "One spec: its documents' text (requirements or bugfix, design, tasks), its tasks with \
                              their status, its summary and diagnostics.",
                input_schema: object(json!({"spec": spec}), &["spec"]),
                read_only: true,
            },
            ToolInfo {
                name: "get_task",
                title: "Get a task",
                description: "One task of a spec: title, status, details, sub-tasks, the acceptance criteria it \
                              cites, its test command and a brief for implementing it.",
                input_schema: object(json!({"spec": spec, "id": id}), &["spec", "id"]),
                read_only: true,
            },
            ToolInfo {
                name: "next_task",
                title: "Next task",
                description: "The next open task of a spec, in dependency order (the order Run all uses), as \
                              get_task returns it; `task` is null when every required task is done.",
                input_schema: object(json!({"spec": spec}), &["spec"]),
                read_only: true,
            },
            ToolInfo {
                name: "set_task_status",
                title: "Set a task's status",
                description: "Set a task's checkbox in tasks.md: in-progress, not-started or queued change only the \
                              marker. `done` is accepted only with evidence: Specwright runs the task's test command \
                              itself (the task's `Test:` line, else the project's) in a trusted folder and refuses \
                              unless tests ran and none failed, returning the output's end.",
                input_schema: object(
                    json!({"spec": spec, "id": id, "status": {"type": "string", "enum": ["done", "in-progress", "not-started", "queued"]}}),
                    &["spec", "id", "status"],
                ),
                read_only: false,
            },
            ToolInfo {
                name: "check",
                title: "Check specs",
                description: "The diagnostics of the workspace's specs, steering documents, hook files and MCP \
                              configuration, as JSON (the report of `specwright check --format json`); with `path`, \
                              only those of that file or folder.",
                input_schema: object(
                    json!({"path": {"type": "string", "description": "A file or folder inside the workspace (relative to it, or absolute)"}}),
                    &[],
                ),
                read_only: true,
            },
            ToolInfo {
                name: "repo_map",
                title: "Repository map",
                description: "The ranked repository map: files and their key signatures, ranked by the reference \
                              graph, leaning toward the focus files, within a token budget.",
                input_schema: object(
                    json!({
                        "focus": {"type": "array", "items": {"type": "string"}, "description": "Workspace-relative files to lean toward"},
                        "tokens": {"type": "integer", "minimum": 1, "maximum": MAX_MAP_TOKENS, "description": "The token budget (default 1536)"}
                    }),
                    &[],
                ),
                read_only: true,
            },
            ToolInfo {
                name: "steering_for",
                title: "Steering for files",
                description: "The steering documents (.kiro/steering, AGENTS.md, ~/.kiro/steering) that apply when \
                              working on these files, with their text and why each applies.",
                input_schema: object(
                    json!({"files": {"type": "array", "items": {"type": "string"}, "description": "Workspace-relative paths"}}),
                    &["files"],
                ),
                read_only: true,
            },
            ToolInfo {
                name: "create_spec",
                title: "Create a spec",
                description: "Create a spec: its requirements.md written by the configured model from the prompt, \
                              checked, and its .config.kiro. Needs a model (SPECWRIGHT_PROVIDER and its key in the \
                              server's environment).",
                input_schema: object(
                    json!({
                        "name": {"type": "string", "description": "The new spec's folder name (letters, digits, - and _)"},
                        "prompt": {"type": "string", "description": "What the feature is"}
                    }),
                    &["name", "prompt"],
                ),
                read_only: false,
            },
        ]
    }

    /// Runs tool `name`. Tool failures (no such spec, `done` refused) are an
    /// [`ToolOutput`] with `is_error`; an unknown tool is a [`CallError`].
    pub async fn call(&self, name: &str, args: Value, cancel: CancellationToken) -> Result<ToolOutput, CallError> {
        let args = match args {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => return Err(CallError::InvalidParams("the arguments must be a JSON object".into())),
        };
        let outcome = match name {
            "list_specs" => Ok(self.list_specs()),
            "get_spec" => self.get_spec(&args),
            "get_task" => self.get_task(&args),
            "next_task" => self.next_task(&args),
            "set_task_status" => self.set_task_status(&args, &cancel).await,
            "check" if self.check.is_some() => self.check(&args),
            "repo_map" => self.repo_map(&args).await,
            "steering_for" => self.steering_for(&args),
            "create_spec" => self.create_spec(&args, &cancel).await,
            other => return Err(CallError::NotFound(format!("there is no tool `{other}`"))),
        };
        Ok(match outcome {
            Ok(output) => output,
            Err(message) => ToolOutput { text: redact(&message), structured: None, is_error: true },
        })
    }

    /// Every document of every spec, as `spec://<name>/<document>`.
    pub fn resources(&self) -> Vec<ResourceInfo> {
        let mut out = Vec::new();
        for dir in self.spec_dirs() {
            let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
            for (doc, kind) in DOCUMENTS {
                if dir.join(kind.file_name()).is_file() {
                    out.push(ResourceInfo {
                        uri: format!("spec://{name}/{doc}"),
                        name: format!("{name}/{doc}"),
                        description: format!("The {doc} document ({}) of spec `{name}`", kind.file_name()),
                        mime_type: "text/markdown",
                    });
                }
            }
        }
        out
    }

    /// A `spec://<name>/<document>` resource's text.
    pub fn read(&self, uri: &str) -> Result<ResourceText, CallError> {
        let not_found = || CallError::NotFound(format!("no such resource: {uri}"));
        let rest = uri.strip_prefix("spec://").ok_or_else(not_found)?;
        let (name, doc) = rest.split_once('/').ok_or_else(not_found)?;
        let kind = DOCUMENTS.iter().find(|(d, _)| *d == doc).map(|(_, k)| *k).ok_or_else(not_found)?;
        let dir = self.spec_dir(name).map_err(|_| not_found())?;
        let text = std::fs::read_to_string(dir.join(kind.file_name())).map_err(|_| not_found())?;
        Ok(ResourceText { uri: uri.to_string(), mime_type: "text/markdown", text: redact(&text) })
    }

    pub fn prompts(&self) -> Vec<PromptInfo> {
        let spec = ("spec", "The spec's folder name under .kiro/specs/", true);
        vec![
            PromptInfo {
                name: "implement-next-task",
                description: "Implement the next open task of a spec, proven by its tests",
                arguments: vec![spec],
            },
            PromptInfo {
                name: "review-spec",
                description: "Review a spec's requirements, design and tasks",
                arguments: vec![spec],
            },
        ]
    }

    /// Prompt `name` filled in with `args`.
    pub fn prompt(&self, name: &str, args: &Map<String, Value>) -> Result<PromptText, CallError> {
        let spec_name = args
            .get("spec")
            .and_then(Value::as_str)
            .ok_or_else(|| CallError::InvalidParams("the argument `spec` is required".into()))?;
        let spec = self.load(spec_name).map_err(CallError::InvalidParams)?;
        let text = match name {
            "implement-next-task" => {
                let next = order::open_tasks(&spec, false).into_iter().next();
                let mut text = match next.as_deref().and_then(|id| Some((id, spec.tasks.as_ref()?.model.find(id)?))) {
                    Some((id, index)) => {
                        let command = self.test_command(&spec, index);
                        format!(
                            "{}\n\nThe spec's documents are the resources spec://{spec_name}/requirements (or \
                             bugfix), spec://{spec_name}/design and spec://{spec_name}/tasks. Before you start, call \
                             the specwright tool set_task_status {{\"spec\": \"{spec_name}\", \"id\": \"{id}\", \
                             \"status\": \"in-progress\"}}. When you are done, call it with \"status\": \"done\": \
                             Specwright then runs {} itself and marks the task done only if tests ran and none \
                             failed; otherwise it answers with the end of the test output, so fix the cause and \
                             try again.",
                            brief(&spec, index, command.as_deref()),
                            command.map_or("the project's tests".to_string(), |c| format!("`{c}`")),
                        )
                    }
                    None => format!(
                        "Every required task of the spec `{spec_name}` is done. Call the specwright tool check \
                         {{\"path\": \".kiro/specs/{spec_name}\"}} and report anything it finds."
                    ),
                };
                text.push('\n');
                text
            }
            "review-spec" => {
                let mut text = format!(
                    "Review the spec `{spec_name}`: are the requirements complete, testable EARS criteria; does the \
                     design cover every requirement; does every task cite the criteria it implements, in a sensible \
                     order? List concrete problems with the document and line they are on, most important first, \
                     and propose the fix for each.\n"
                );
                for (doc, kind) in DOCUMENTS {
                    if let Some(d) = spec.document(kind) {
                        text.push_str(&format!("\n## {doc} ({})\n\n{}\n", kind.file_name(), d.text.trim_end()));
                    }
                }
                let analysis = specwright_spec::analyze(&spec);
                if !analysis.diagnostics.is_empty() {
                    text.push_str("\n## What Specwright's checks found\n\n");
                    for d in &analysis.diagnostics {
                        text.push_str(&format!(
                            "- {}:{}: {} [{}]\n",
                            d.doc.file_name(),
                            d.range.start.line + 1,
                            d.message,
                            d.code.as_str()
                        ));
                    }
                }
                text
            }
            other => return Err(CallError::NotFound(format!("there is no prompt `{other}`"))),
        };
        Ok(PromptText { description: format!("{name} for {spec_name}"), text: redact(&text) })
    }

    // ---- tools ----

    fn list_specs(&self) -> ToolOutput {
        let specs: Vec<Value> = self
            .spec_dirs()
            .iter()
            .map(|dir| {
                let spec = Spec::load(dir);
                let analysis = specwright_spec::analyze(&spec);
                let errors = analysis.diagnostics.iter().filter(|d| d.severity == specwright_spec::Severity::Error);
                json!({
                    "name": spec.name,
                    "kind": spec.kind(),
                    "documents": documents(&spec),
                    "summary": analysis.summary,
                    "errors": errors.count(),
                    "nextTask": order::open_tasks(&spec, false).into_iter().next(),
                })
            })
            .collect();
        structured(json!({ "specs": specs }))
    }

    fn get_spec(&self, args: &Map<String, Value>) -> Result<ToolOutput, String> {
        let spec = self.load(str_arg(args, "spec")?)?;
        let analysis = specwright_spec::analyze(&spec);
        let texts: Map<String, Value> = DOCUMENTS
            .iter()
            .filter_map(|(doc, kind)| Some((doc.to_string(), Value::String(spec.document(*kind)?.text.clone()))))
            .collect();
        let tasks: Vec<Value> = spec
            .tasks
            .as_ref()
            .map(|t| {
                t.model
                    .tasks
                    .iter()
                    .map(|task| {
                        json!({
                            "id": task.id(),
                            "title": task.title,
                            "status": status::name(task.status),
                            "optional": task.optional,
                            "parent": task.parent.map(|p| t.model.tasks[p].id()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let diagnostics: Vec<Value> = analysis
            .diagnostics
            .iter()
            .map(|d| {
                json!({
                    "document": d.doc.file_name(),
                    "line": d.range.start.line + 1,
                    "severity": d.severity,
                    "code": d.code.as_str(),
                    "message": d.message,
                })
            })
            .collect();
        Ok(structured(json!({
            "name": spec.name,
            "kind": spec.kind(),
            "documents": texts,
            "tasks": tasks,
            "summary": analysis.summary,
            "diagnostics": diagnostics,
        })))
    }

    fn get_task(&self, args: &Map<String, Value>) -> Result<ToolOutput, String> {
        let spec = self.load(str_arg(args, "spec")?)?;
        let index = find_task(&spec, str_arg(args, "id")?)?;
        Ok(structured(self.task_json(&spec, index)))
    }

    fn next_task(&self, args: &Map<String, Value>) -> Result<ToolOutput, String> {
        let spec = self.load(str_arg(args, "spec")?)?;
        if spec.tasks.is_none() {
            return Err(format!("spec '{}' has no tasks.md", spec.name));
        }
        let next = order::open_tasks(&spec, false).into_iter().next();
        let task = next.and_then(|id| spec.tasks.as_ref()?.model.find(&id)).map(|i| self.task_json(&spec, i));
        let optional_left = order::open_tasks(&spec, true).len();
        let note = match &task {
            Some(_) => "the first open task in dependency order; set it in-progress, implement it, then set it done",
            None if optional_left > 0 => "every required task is done; only optional tasks are left",
            None => "every task is done",
        };
        Ok(structured(json!({"spec": spec.name, "task": task, "note": note})))
    }

    async fn set_task_status(
        &self,
        args: &Map<String, Value>,
        cancel: &CancellationToken,
    ) -> Result<ToolOutput, String> {
        let spec_name = str_arg(args, "spec")?;
        let task_id = str_arg(args, "id")?;
        let wanted = str_arg(args, "status")?;
        let status = STATUSES
            .iter()
            .find(|(name, _)| *name == wanted)
            .map(|(_, s)| *s)
            .ok_or_else(|| format!("unknown status '{wanted}': use done, in-progress, not-started or queued"))?;
        let spec = self.load(spec_name)?;
        let index = find_task(&spec, task_id)?;
        let mut result = json!({"spec": spec.name, "id": task_id, "status": status::name(status)});
        if status == TaskStatus::Done {
            let Some(command) = self.test_command(&spec, index) else {
                return Err(format!(
                    "task {task_id} was not marked done: there is no test command to prove it. Add a `Test: <command>` \
                     line to the task in tasks.md, or give the project a manifest Specwright knows (Cargo.toml, \
                     package.json with a test script, go.mod, a Python project)."
                ));
            };
            if !self.trusts_folder() {
                return Err(format!(
                    "task {task_id} was not marked done: proving it runs the project's tests (`{command}`), which \
                     runs its code, and {} is not trusted. Trust it with `specwright hooks trust {}`, then try \
                     again.",
                    self.root.display(),
                    self.root.display()
                ));
            }
            let tests = run::run_tests(&self.root, &command, self.test_timeout, cancel).await;
            let check = run::tests_check(&tests.report, &command);
            let tail = evidence::tail(&tests.output, TAIL_LINES);
            let counts = tests
                .report
                .counts
                .map(|c| json!({"ran": c.ran, "passed": c.passed, "failed": c.failed, "skipped": c.skipped}));
            let checks = json!([
                {"name": check.name, "ok": check.ok, "detail": check.detail},
                {"name": "tests kept", "ok": Value::Null, "detail": "not applicable: no agent turn of Specwright's changed \
                  the files, so there is no pre-state to compare the tests with"},
            ]);
            if !check.ok || cancel.is_cancelled() {
                let value = json!({
                    "spec": spec.name, "id": task_id, "status": "refused", "testCommand": command,
                    "tests": counts, "checks": checks, "outputTail": tail,
                });
                let text = format!(
                    "task {task_id} was not marked done: {}\nThe end of the test output:\n{tail}",
                    check.detail
                );
                return Ok(ToolOutput { text: redact(&text), structured: Some(redact_value(value)), is_error: true });
            }
            result = json!({
                "spec": spec.name, "id": task_id, "status": "done", "testCommand": command,
                "tests": counts, "checks": checks, "outputTail": tail,
            });
        }
        let before = spec.tasks.as_ref().map(|t| t.model.tasks[index].status);
        self.write_status(&spec, task_id, status).await?;
        if let (Some(before), Value::Object(map)) = (before, &mut result) {
            map.insert("previous".into(), Value::String(status::name(before).into()));
        }
        Ok(structured(result))
    }

    /// The check report of the workspace; with `path`, only the entries
    /// (specs, steering, hook and MCP files, diagnostics) of that file or
    /// folder, and the summary counted again over them.
    fn check(&self, args: &Map<String, Value>) -> Result<ToolOutput, String> {
        let Some(report) = &self.check else { return Err("there is no check report".into()) };
        let scope = match args.get("path") {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) if p.trim().is_empty() => None,
            Some(Value::String(p)) => Some(self.confine(Path::new(p))?),
            Some(_) => return Err("`path` must be a string".into()),
        };
        let mut report = report(&self.root);
        if let Some(scope) = scope {
            let scope = std::fs::canonicalize(&scope).unwrap_or(scope);
            let scope = scope.strip_prefix(&self.root).unwrap_or(&scope).to_string_lossy().replace('\\', "/");
            if !scope.is_empty() {
                scope_report(&mut report, &scope);
            }
        }
        Ok(structured(report))
    }

    async fn repo_map(&self, args: &Map<String, Value>) -> Result<ToolOutput, String> {
        let focus = match args.get("focus") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(one)) => vec![self.relative(one)?],
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().ok_or("`focus` must be a list of paths").map_err(str::to_string))
                .map(|p| p.and_then(|p| self.relative(p)))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("`focus` must be a list of paths".into()),
        };
        let tokens = match args.get("tokens") {
            None | Some(Value::Null) => specwright_specgen::context::DEFAULT_MAP_TOKENS,
            Some(v) => {
                v.as_u64().ok_or("`tokens` must be a positive integer")?.clamp(1, MAX_MAP_TOKENS as u64) as usize
            }
        };
        let root = self.root.clone();
        let cached = self.index_cache;
        let map = tokio::task::spawn_blocking(move || {
            let cache = if cached { specwright_index::cache::IndexCache::for_root(&root) } else { None };
            let index = match cache {
                Some(cache) => specwright_index::Index::build_cached(&root, &cache).0,
                None => specwright_index::Index::build(&root),
            };
            let focus = specwright_index::map::Focus { files: focus, ..Default::default() };
            specwright_index::map::repo_map(&index, &focus, tokens)
        })
        .await
        .map_err(|e| format!("the repository map failed: {e}"))?;
        Ok(ToolOutput { text: redact(&map.text), structured: None, is_error: false })
    }

    fn steering_for(&self, args: &Map<String, Value>) -> Result<ToolOutput, String> {
        let files: Vec<String> = match args.get("files") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().ok_or("`files` must be a list of paths").map_err(str::to_string))
                .map(|p| p.and_then(|p| self.relative(p)))
                .collect::<Result<_, _>>()?,
            Some(Value::String(one)) => vec![self.relative(one)?],
            _ => return Err("`files` (a list of workspace-relative paths) is required".into()),
        };
        let user_dir = (self.env)("HOME").map(|h| PathBuf::from(h).join(".kiro").join("steering"));
        let steering = specwright_steering::Steering::load(&self.root, user_dir.as_deref());
        let applied: Vec<Value> = steering
            .applicable(&files, &[])
            .into_iter()
            .map(|a| json!({"name": a.name, "reason": a.reason, "text": a.text}))
            .collect();
        Ok(structured(json!({"files": files, "steering": applied})))
    }

    async fn create_spec(&self, args: &Map<String, Value>, cancel: &CancellationToken) -> Result<ToolOutput, String> {
        use specwright_specgen::workflow::{self, SpecTexts, SpecType, Workflow};
        let name = str_arg(args, "name")?;
        let prompt = str_arg(args, "prompt")?;
        if !specwright_specgen::naming::is_valid_name(name) {
            return Err(format!("'{name}' is not a valid spec name (letters, digits, - and _)"));
        }
        if prompt.trim().is_empty() {
            return Err("`prompt` must describe the feature".into());
        }
        let env = Arc::clone(&self.env);
        let config = specwright_models::config::resolve(
            &specwright_models::config::Overrides::default(),
            &move |k| env(k),
            &specwright_models::config::ModelSettings::default(),
        )
        .map_err(|e| format!("the model is not usable: {e}"))?
        .ok_or(
            "create_spec needs a model, and none is configured: set SPECWRIGHT_PROVIDER (anthropic, openai or demo) \
             and its API key variable (ANTHROPIC_API_KEY, OPENAI_API_KEY) in the environment of `specwright mcp`",
        )?;
        let specs_dir = self.root.join(".kiro").join("specs");
        let dir = specs_dir.join(name);
        if dir.exists() {
            return Err(format!("a spec named '{name}' exists already"));
        }
        let model = specwright_models::connect(config).map_err(|e| format!("the model is not usable: {e}"))?;
        let target = workflow::first_target(Workflow::RequirementsFirst, SpecType::Feature);
        let (root, dir_for_inputs, prompt_owned) = (self.root.clone(), dir.clone(), prompt.to_string());
        let inputs = tokio::task::spawn_blocking(move || {
            workflow::inputs(&root, &dir_for_inputs, SpecTexts::default(), &prompt_owned, None)
        })
        .await
        .map_err(|e| format!("reading the workspace failed: {e}"))?;
        let generated = specwright_specgen::generate(Some(model.as_ref()), target, &inputs, cancel, &mut |_update| {})
            .await
            .map_err(|e| format!("{}: {e}", target.file_name()))?;
        let _writing = self.writing.lock().await;
        if dir.exists() {
            return Err(format!("a spec named '{name}' was created meanwhile"));
        }
        specwright_agent::host::write_atomically(
            &dir.join(DocKind::Config.file_name()),
            &workflow::new_config(Workflow::RequirementsFirst, SpecType::Feature),
        )?;
        specwright_agent::host::write_atomically(&dir.join(target.file_name()), &generated.text)?;
        let doc = target.doc_kind();
        let uri_doc = DOCUMENTS.iter().find(|(_, k)| *k == doc).map_or("requirements", |(d, _)| d);
        Ok(structured(json!({
            "spec": name,
            "written": [format!(".kiro/specs/{name}/{}", DocKind::Config.file_name()), format!(".kiro/specs/{name}/{}", target.file_name())],
            "resource": format!("spec://{name}/{uri_doc}"),
            "problems": generated.problems,
            "text": generated.text,
        })))
    }

    // ---- helpers ----

    /// The spec folders of the workspace that resolve inside it.
    fn spec_dirs(&self) -> Vec<PathBuf> {
        specwright_spec::discover_specs(&self.root).into_iter().filter(|d| self.inside(d)).collect()
    }

    /// Whether `path` resolves (symbolic links followed) inside the root.
    fn inside(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(&self.root))
    }

    /// The folder of the spec `name`, confined: a valid name, an existing
    /// folder inside the workspace, and no document of it resolving outside.
    fn spec_dir(&self, name: &str) -> Result<PathBuf, String> {
        let specs_dir = self.root.join(".kiro").join("specs");
        let dir = specs_dir.join(name);
        if !specwright_specgen::naming::is_valid_name(name) || !dir.is_dir() {
            let known: Vec<String> =
                self.spec_dirs().iter().filter_map(|d| Some(d.file_name()?.to_string_lossy().into_owned())).collect();
            return Err(format!(
                "there is no spec '{name}' in .kiro/specs/ (its specs: {})",
                if known.is_empty() { "none".into() } else { known.join(", ") }
            ));
        }
        if !self.inside(&dir) {
            return Err(format!("the spec '{name}' is outside the workspace (a symbolic link): refused"));
        }
        for kind in DocKind::ALL {
            let path = dir.join(kind.file_name());
            if path.exists() && !self.inside(&path) {
                return Err(format!("{} of spec '{name}' resolves outside the workspace: refused", kind.file_name()));
            }
        }
        Ok(dir)
    }

    fn load(&self, name: &str) -> Result<Spec, String> {
        self.spec_dir(name).map(|dir| Spec::load(&dir))
    }

    /// `path` (relative to the root, or absolute) resolved, symbolic links
    /// followed; an error unless it exists inside the root.
    fn confine(&self, path: &Path) -> Result<PathBuf, String> {
        let joined = if path.is_absolute() { path.to_path_buf() } else { self.root.join(path) };
        let resolved = std::fs::canonicalize(&joined).map_err(|_| format!("{} does not exist", path.display()))?;
        if !resolved.starts_with(&self.root) {
            return Err(format!("{} is outside the workspace: refused", path.display()));
        }
        Ok(resolved)
    }

    /// A path as a workspace-relative, `/`-separated one (it need not
    /// exist); an error when it leaves the workspace.
    fn relative(&self, path: &str) -> Result<String, String> {
        let p = Path::new(path);
        let rel = if p.is_absolute() {
            let resolved = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            resolved
                .strip_prefix(&self.root)
                .map(Path::to_path_buf)
                .map_err(|_| format!("{path} is outside the workspace: refused"))?
        } else {
            p.to_path_buf()
        };
        let mut parts: Vec<String> = Vec::new();
        for c in rel.components() {
            match c {
                std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir if parts.pop().is_some() => {}
                _ => return Err(format!("{path} is outside the workspace: refused")),
            }
        }
        Ok(parts.join("/"))
    }

    fn trusts_folder(&self) -> bool {
        self.trust.as_ref().is_some_and(|t| t.trusts_folder(&self.root))
    }

    /// The task's `Test:` line, else the project's test command.
    fn test_command(&self, spec: &Spec, index: usize) -> Option<String> {
        run::test_line(spec, index).or_else(|| specwright_runtime::project::test_command(&self.root))
    }

    fn task_json(&self, spec: &Spec, index: usize) -> Value {
        let Some(tasks) = spec.tasks.as_ref() else { return Value::Null };
        let model = &tasks.model;
        let task = &model.tasks[index];
        let subtasks: Vec<Value> = model
            .children(index)
            .map(|i| {
                let t = &model.tasks[i];
                json!({"id": t.id(), "title": t.title, "status": status::name(t.status), "optional": t.optional, "details": t.details})
            })
            .collect();
        let command = self.test_command(spec, index);
        json!({
            "spec": spec.name,
            "id": task.id(),
            "title": task.title,
            "status": status::name(task.status),
            "optional": task.optional,
            "parent": task.parent.map(|p| model.tasks[p].id()),
            "details": task.details,
            "subtasks": subtasks,
            "testCommand": command,
            "brief": brief(spec, index, command.as_deref()),
        })
    }

    /// Writes task `task_id`'s marker and its `.tasks-meta.json` entry,
    /// atomically, only if tasks.md still holds the text it was read with.
    async fn write_status(&self, spec: &Spec, task_id: &str, status: TaskStatus) -> Result<(), String> {
        let _writing = self.writing.lock().await;
        let dir = spec.dir.clone();
        let task_id = task_id.to_string();
        tokio::task::spawn_blocking(move || {
            use specwright_agent::FileChange;
            let loaded = Spec::load(&dir);
            let path = loaded.path(DocKind::Tasks);
            let old = std::fs::read_to_string(&path).map_err(|e| format!("cannot read tasks.md: {e}"))?;
            let new = status::with_status(&loaded, &task_id, status).ok_or_else(|| format!("no task '{task_id}'"))?;
            if new != old {
                specwright_agent::host::apply_on_disk(&FileChange::Write { path, old: Some(old), new })?;
            }
            let meta = dir.join(DocKind::TasksMeta.file_name());
            let old = std::fs::read_to_string(&meta).ok();
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let new = status::with_meta(old.as_deref(), &task_id, status, now);
            specwright_agent::host::apply_on_disk(&FileChange::Write { path: meta, old, new })
        })
        .await
        .map_err(|e| format!("the write did not finish: {e}"))?
    }
}

/// A JSON result: the value, redacted, as structured content and as text.
fn structured(value: Value) -> ToolOutput {
    let value = redact_value(value);
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    ToolOutput { text, structured: Some(value), is_error: false }
}

/// The task runner's brief for task `index`, for an agent that is not ours:
/// it runs the tests with its own tool, not with our agent's `run_command`.
fn brief(spec: &Spec, index: usize, test_command: Option<&str>) -> String {
    run::brief(spec, index, test_command.unwrap_or("the project's tests"))
        .replace("run the tests with run_command ", "run the tests with ")
}

/// `text` with every secret replaced (no allowlist applies).
fn redact(text: &str) -> String {
    specwright_secrets::redact_for_model(text).0
}

/// Every string of `value` redacted (keys are ours).
fn redact_value(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(redact(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(redact_value).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, redact_value(v))).collect()),
        other => other,
    }
}

fn str_arg<'a>(args: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    args.get(key).and_then(Value::as_str).ok_or_else(|| format!("the argument `{key}` (a string) is required"))
}

fn find_task(spec: &Spec, id: &str) -> Result<usize, String> {
    let tasks = spec.tasks.as_ref().ok_or_else(|| format!("spec '{}' has no tasks.md", spec.name))?;
    tasks.model.find(id).ok_or_else(|| {
        let ids: Vec<String> = tasks.model.tasks.iter().map(|t| t.id()).collect();
        format!("spec '{}' has no task '{id}' (its tasks: {})", spec.name, ids.join(", "))
    })
}

/// The documents a spec has, by their resource names.
fn documents(spec: &Spec) -> Vec<&'static str> {
    DOCUMENTS.iter().filter(|(_, kind)| spec.document(*kind).is_some()).map(|(doc, _)| *doc).collect()
}

/// Keeps, of a check report, what lies in `scope` (a workspace-relative
/// file or folder): the specs, steering documents, hook and MCP files and
/// diagnostics; the summary is counted again over what is left.
fn scope_report(report: &mut Value, scope: &str) {
    let within = |path: &str| path == scope || path.starts_with(&format!("{scope}/"));
    // A spec is kept when its folder is in scope or one of its documents is.
    let spec_in_scope = |path: &str| within(path) || scope.starts_with(&format!("{path}/"));
    let Value::Object(map) = report else { return };
    let mut counts = Map::new();
    for (key, total) in [("specs", "specs"), ("steering", "steering"), ("hooks", "hooks"), ("mcp", "mcp")] {
        if let Some(Value::Array(entries)) = map.get_mut(key) {
            entries.retain(|e| {
                let path = e["path"].as_str().unwrap_or_default();
                if key == "specs" { spec_in_scope(path) } else { within(path) }
            });
            counts.insert(total.into(), entries.len().into());
        }
    }
    let mut severities = [0usize; 4];
    if let Some(Value::Array(diagnostics)) = map.get_mut("diagnostics") {
        diagnostics.retain(|d| within(d["path"].as_str().unwrap_or_default()));
        for d in diagnostics.iter() {
            let index = match d["severity"].as_str() {
                Some("error") => 0,
                Some("warning") => 1,
                Some("information") => 2,
                _ => 3,
            };
            severities[index] += 1;
        }
    }
    for (name, count) in ["errors", "warnings", "information", "hints"].iter().zip(severities) {
        counts.insert((*name).into(), count.into());
    }
    if let Some(Value::Object(summary)) = map.get_mut("summary") {
        summary.extend(counts);
    }
}
