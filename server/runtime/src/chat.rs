//! One chat turn, the same for every front end (the language server's
//! `specwright/chat/send` and chat document, `specwright ask`,
//! `specwright chat`): the `promptSubmit` hooks, the session's summary when
//! it nears the context's size (its transcript kept on disk first), the
//! agent's turn with the system prompt and tools, the transcript, the
//! session saved, then the `agentStop` hooks. Hooks fire when the front end
//! gives [`ChatTurn::hooks`]: the language server does; the terminal
//! commands do not (their stdin is the conversation, so nobody could be
//! asked to trust a hook).

use std::path::PathBuf;

use serde_json::Value;
use specwright_agent::compact::{self, Budget};
use specwright_agent::session::{self, Session, SessionStore};
use specwright_agent::{AgentEvent, Limits, StopReason, ToolContext, ToolSource, TurnOutcome, run_turn};
use specwright_hooks::{Action, Event, EventKind, Hook, matches};
use specwright_models::{Message, Model};

use crate::hooks::Engine;
use crate::project;

/// `specwright.agent.*`: how the agent may act.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSettings {
    /// Apply edits without asking (otherwise each is proposed first).
    pub autopilot: bool,
    /// Command prefixes `run_command` runs without asking.
    pub allowed_commands: Vec<String>,
    /// Model calls in one turn.
    pub max_steps: usize,
    /// The model's context window in tokens: a session is summarised before
    /// its messages fill three quarters of it.
    pub context_tokens: usize,
    /// `specwright.tasks.testCommand`: the command whose passing tests tick
    /// a task (else the task's `Test:` line, else the project's).
    pub test_command: Option<String>,
    /// `specwright.tasks.testTimeoutSeconds`.
    pub test_timeout_s: u64,
    /// `specwright.tasks.driftHints`: hint on files that changed since a
    /// done task was proven against them.
    pub drift_hints: bool,
    /// `specwright.tasks.concurrency`: tasks of one dependency wave run at
    /// the same time by "Run all" (their test runs stay one at a time).
    pub task_concurrency: usize,
    /// `specwright.tasks.agent`: the command line of an external ACP agent
    /// that implements tasks instead of Specwright's own.
    pub task_agent: Option<String>,
}

impl Default for AgentSettings {
    fn default() -> Self {
        Self {
            autopilot: false,
            allowed_commands: Vec::new(),
            max_steps: Limits::default().max_steps,
            context_tokens: 100_000,
            test_command: None,
            test_timeout_s: 600,
            drift_hints: false,
            task_concurrency: 1,
            task_agent: None,
        }
    }
}

impl AgentSettings {
    /// The settings in `value` (`{"specwright": {"agent": …, "tasks": …}}`
    /// or `{"agent": …, "tasks": …}`); `None` when it has neither section.
    /// Absent or malformed values keep their defaults.
    pub fn from_json(value: &Value) -> Option<Self> {
        let section = |name: &str| value.get("specwright").and_then(|s| s.get(name)).or_else(|| value.get(name));
        let (agent, tasks) = (section("agent"), section("tasks"));
        if agent.is_none() && tasks.is_none() {
            return None;
        }
        let empty = Value::Object(Default::default());
        let agent = agent.unwrap_or(&empty);
        let tasks = tasks.unwrap_or(&empty);
        let defaults = Self::default();
        let positive =
            |key: &str| agent.get(key).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0);
        Some(Self {
            autopilot: agent.get("mode").and_then(Value::as_str) == Some("autopilot"),
            allowed_commands: agent
                .get("allowedCommands")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
            max_steps: positive("maxSteps").unwrap_or(defaults.max_steps),
            // Below a few thousand tokens nothing useful fits.
            context_tokens: positive("contextTokens").unwrap_or(defaults.context_tokens).max(4_000),
            test_command: tasks
                .get("testCommand")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            test_timeout_s: tasks
                .get("testTimeoutSeconds")
                .and_then(Value::as_u64)
                .filter(|n| *n > 0)
                .unwrap_or(defaults.test_timeout_s),
            drift_hints: tasks.get("driftHints").and_then(Value::as_bool).unwrap_or(false),
            task_concurrency: tasks
                .get("concurrency")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n > 0)
                .unwrap_or(1)
                .min(16),
            task_agent: tasks
                .get("agent")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
        })
    }

    /// The command prefixes that run without asking in the folder: the
    /// allow-list, plus the project's test command when the user trusts the
    /// folder (the test command runs the repository's code).
    pub fn allowed_commands_in(&self, root: &std::path::Path, trusted: bool) -> Vec<String> {
        let mut allowed = self.allowed_commands.clone();
        if trusted && let Some(test) = project::test_command(root) {
            allowed.push(test);
        }
        allowed
    }
}

/// The hooks a chat turn fires: the engine (its trust gate included) and
/// the hooks of the workspace folder.
pub struct ChatHooks<'a> {
    pub engine: &'a Engine,
    pub hooks: Vec<Hook>,
    pub root: PathBuf,
}

/// What a turn streams besides the agent's own events.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnEvent {
    Agent(AgentEvent),
    /// A file the agent changed (`write`: written whole or created,
    /// `change`: edited in place, `delete`), after the change was applied.
    Edit {
        path: String,
        action: &'static str,
    },
    /// Something the user should know that is not the model's answer (the
    /// session was summarised, a hook added context or did not run).
    Notice(String),
}

/// One turn's inputs.
pub struct ChatTurn<'a> {
    pub model: &'a dyn Model,
    pub cx: &'a ToolContext<'a>,
    pub store: &'a SessionStore,
    pub settings: &'a AgentSettings,
    /// The command prefixes `run_command` runs without asking
    /// ([`AgentSettings::allowed_commands_in`]).
    pub allowed_commands: &'a [String],
    /// Workspace-relative files the turn is about (steering and the map
    /// focus on them).
    pub focus: &'a [String],
    pub hooks: Option<ChatHooks<'a>>,
    /// Tools beside the agent's own: the workspace's MCP servers, when it
    /// configures any (`None`: the agent's tools only).
    pub extra_tools: Option<&'a dyn ToolSource>,
}

/// Runs one turn of `session` for the user's `text` (context already
/// attached), saves the session, and fires the `agentStop` hooks. The turn's
/// number is `session.turns` afterwards. A session that could not be saved
/// is reported as a notice; the turn's outcome stands.
pub async fn send(
    turn: &ChatTurn<'_>,
    session: &mut Session,
    text: &str,
    on_event: &mut (dyn FnMut(TurnEvent) + Send),
) -> TurnOutcome {
    let mut message = text.to_string();
    if let Some(hooks) = &turn.hooks {
        for extra in prompt_submitted(hooks, text, on_event).await {
            message.push_str("\n\n");
            message.push_str(&extra);
        }
    }
    let budget = Budget::new(turn.settings.context_tokens);
    match compact::compact_session(turn.store, session, turn.model, &budget, turn.cx.cancel).await {
        Ok(true) => on_event(TurnEvent::Notice(format!(
            "The conversation was summarised to fit the model's context (the full transcript is kept in {}).",
            turn.store.dir().join(format!("{}.transcript.jsonl", session.id)).display()
        ))),
        Ok(false) => {}
        Err(e) => on_event(TurnEvent::Notice(e)),
    }
    session.messages.push(Message::user(message));
    let system = specwright_agent::prompt::system_prompt(turn.cx, session.spec.as_deref(), turn.focus).await;
    let mut tools = specwright_agent::tools::all(turn.allowed_commands);
    if let Some(extra) = turn.extra_tools {
        tools.extend(extra.tools().await);
    }
    let limits = Limits { max_steps: turn.settings.max_steps, ..Limits::default() };
    let workspace = turn.cx.workspace;
    let mut calls: Vec<(String, Value)> = Vec::new();
    let mut forward = |event: AgentEvent| {
        match &event {
            AgentEvent::ToolCall { id, input, .. } => calls.push((id.clone(), input.clone())),
            AgentEvent::ToolResult { id, name, ok: true, .. } => {
                let input = calls.iter().find(|(call, _)| call == id).map(|(_, input)| input);
                if let Some(edit) = edit_of(name, input, workspace) {
                    on_event(TurnEvent::Agent(event));
                    on_event(edit);
                    return;
                }
            }
            _ => {}
        }
        on_event(TurnEvent::Agent(event));
    };
    let outcome =
        run_turn(turn.model, Some(system), &mut session.messages, &tools, turn.cx, &limits, &mut forward).await;
    session.turns += 1;
    if let Err(e) = session::transcribe(turn.store, session) {
        on_event(TurnEvent::Notice(format!("the session's transcript could not be written: {e}")));
    }
    if let Err(e) = turn.store.save(session) {
        on_event(TurnEvent::Notice(format!("the session could not be saved: {e}")));
    }
    if let Some(hooks) = &turn.hooks {
        agent_stopped(hooks, &outcome.stop);
    }
    outcome
}

/// The `edit` event of a successful file tool call.
fn edit_of(name: &str, input: Option<&Value>, workspace: &specwright_agent::Workspace) -> Option<TurnEvent> {
    let action = match name {
        "write_file" => "write",
        "edit_file" => "change",
        "delete_file" => "delete",
        _ => return None,
    };
    let path = input?.get("path")?.as_str()?;
    let resolved = workspace.resolve(path).ok()?;
    Some(TurnEvent::Edit { path: workspace.display(&resolved), action })
}

/// Runs the `promptSubmit` hooks (`UserPromptSubmit` in v1) and returns
/// what they add to the user's message: a command's output (the command
/// reads the prompt from `USER_PROMPT`), an agent hook's instructions. Each
/// passes the trust gate; one that is refused or fails adds nothing and is
/// reported.
async fn prompt_submitted(
    hooks: &ChatHooks<'_>,
    prompt: &str,
    on_event: &mut (dyn FnMut(TurnEvent) + Send),
) -> Vec<String> {
    let event = Event::new(EventKind::PromptSubmit);
    let mut added = Vec::new();
    for hook in hooks.hooks.iter().filter(|h| matches(h, &event)) {
        if let Action::AskAgent { prompt: instructions } = &hook.action {
            let allowed = hooks.engine.allow_event(hook, &hooks.hooks, &hooks.root).await;
            match allowed {
                Ok(()) => added.push(format!("Instructions from the hook '{}':\n{}", hook.name, instructions.trim())),
                Err(refusal) => on_event(TurnEvent::Notice(refusal.message(&hook.name))),
            }
            continue;
        }
        let run = hooks
            .engine
            .run_for_event(hook.clone(), &hooks.hooks, hooks.root.clone(), EventKind::PromptSubmit, Some(prompt.into()))
            .await;
        match run {
            Ok(outcome) if outcome.ok => {
                let output = outcome.output.trim();
                if !output.is_empty() {
                    added.push(format!("Output of the hook '{}':\n```\n{output}\n```", hook.name));
                }
            }
            Ok(outcome) => on_event(TurnEvent::Notice(format!(
                "the hook '{}' failed ({}); its output was not added",
                hook.name,
                outcome.exit_code.map_or_else(|| "no exit code".to_string(), |c| format!("exit code {c}"))
            ))),
            Err(refusal) => on_event(TurnEvent::Notice(refusal.message(&hook.name))),
        }
    }
    added
}

/// Starts the `agentStop` hooks (`Stop` in v1) in the background: their
/// outcomes go to the engine's outcome channel like any hook's. Not after
/// a cancelled turn.
fn agent_stopped(hooks: &ChatHooks<'_>, stop: &StopReason) {
    if *stop == StopReason::Cancelled {
        return;
    }
    let event = Event::new(EventKind::AgentStop);
    for hook in hooks.hooks.iter().filter(|h| matches(h, &event)) {
        let (engine, hook, all, root) = (hooks.engine.clone(), hook.clone(), hooks.hooks.clone(), hooks.root.clone());
        tokio::spawn(async move {
            if let Err(refusal) = engine.run_for_event(hook.clone(), &all, root, EventKind::AgentStop, None).await {
                tracing::info!("{}", refusal.message(&hook.name));
            }
        });
    }
}

/// A new session.
pub fn new_session(store: &SessionStore, title: Option<String>, spec: Option<String>, autopilot: bool) -> Session {
    Session {
        id: store.new_id(),
        title: title.unwrap_or_else(|| "Chat".into()),
        spec,
        autopilot,
        turns: 0,
        messages: Vec::new(),
        transcribed: 0,
        compactions: 0,
    }
}
