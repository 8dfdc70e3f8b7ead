//! Chat turns through the runtime against the scripted model server: the
//! `promptSubmit` hooks add a command's output (which reads the prompt from
//! `USER_PROMPT`) and an agent hook's instructions to the user's message, in
//! both wire formats; an untrusted hook runs nothing and says so while the
//! turn goes on; `agentStop` hooks run after a turn (not after a cancelled
//! one), an agent hook with the agent's tools when the engine has them; a
//! long session is summarised first, its transcript kept on disk; a file the
//! agent changed is reported after its tool result; the project's test
//! command runs without asking only in a trusted folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use specwright_agent::compact::{SUMMARY_ACK, SUMMARY_PREFIX};
use specwright_agent::session::{Session, SessionStore};
use specwright_agent::{AgentEvent, DiskHost, Host, StopReason, ToolContext, TurnOutcome, Workspace};
use specwright_hooks::Hook;
use specwright_hooks::trust::TrustStore;
use specwright_models::{ApiKey, CancellationToken, Message, Model, ModelConfig, Provider};
use specwright_runtime::chat::{self, AgentSettings, ChatHooks, ChatTurn, TurnEvent};
use specwright_runtime::hooks::trust::{TrustAnswer, TrustAsker, TrustGate, TrustQuestion};
use specwright_runtime::hooks::{AgentHands, AgentSource, Engine, EngineConfig, ModelSource, Outcome};
use specwright_testkit::{RecordedRequest, Reply, ScriptedServer};
use tokio::sync::mpsc;

const PROVIDERS: [Provider; 2] = [Provider::Anthropic, Provider::Openai];

/// How long a hook started in the background may take to report.
const OUTCOME_WAIT: Duration = Duration::from_secs(20);

/// A model configuration for `server`, without retries.
fn config(provider: Provider, server: &ScriptedServer) -> ModelConfig {
    let base_url = match provider {
        Provider::Anthropic => server.base_url(),
        Provider::Openai | Provider::Demo => format!("{}/v1", server.base_url()),
    };
    ModelConfig {
        provider,
        model: "test-model".into(),
        base_url,
        api_key: Some(ApiKey::new("sk-test".into())),
        key_var: provider.default_key_var().into(),
        max_tokens: 256,
        temperature: None,
        structured_output: true,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(10),
        max_retries: 0,
        retry_base: Duration::from_millis(10),
    }
}

fn model(provider: Provider, server: &ScriptedServer) -> Arc<dyn Model> {
    Arc::from(specwright_models::connect(config(provider, server)).expect("model"))
}

/// A fresh folder (workspace root or data folder), canonical.
fn temp(label: &str, provider: Provider) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-runtime-chat-{label}-{provider:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.canonicalize().expect("canonical")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
    std::fs::write(path, text).expect("write");
}

/// A legacy `.kiro/hooks/<file>.kiro.hook`.
fn legacy_hook(root: &Path, file: &str, name: &str, when: Value, then: Value) {
    let text = json!({"name": name, "version": "1", "when": when, "then": then});
    write(root, &format!(".kiro/hooks/{file}.kiro.hook"), &serde_json::to_string_pretty(&text).expect("json"));
}

/// Every hook of the folder, read as the server reads them; no hook file
/// may have errors.
fn load_hooks(root: &Path) -> Vec<Hook> {
    let files = specwright_hooks::load(root);
    for file in &files {
        assert!(
            file.diagnostics.iter().all(|d| d.severity != specwright_hooks::Severity::Error),
            "{}: {:?}",
            file.path.display(),
            file.diagnostics
        );
    }
    files.into_iter().flat_map(|f| f.hooks).collect()
}

/// How the engine's trust gate decides.
enum Trust {
    /// The trust record trusts every hook file of the folder: nobody is asked.
    Recorded,
    /// Nothing is recorded; the user answers this.
    Answer(TrustAnswer),
}

struct Hooks {
    engine: Engine,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    /// The questions the user was asked.
    asked: Arc<Mutex<Vec<TrustQuestion>>>,
}

/// An engine for the hooks of `root`, its trust record in `data`; askAgent
/// hooks find their model in `models`.
fn engine(root: &Path, data: &Path, trust: Trust, models: ModelSource) -> Hooks {
    let store = TrustStore::in_dir(data);
    let answer = match trust {
        Trust::Recorded => {
            let files = specwright_hooks::load(root);
            let refs: Vec<(&Path, &str)> = files.iter().map(|f| (f.path.as_path(), f.hash.as_str())).collect();
            assert!(!refs.is_empty(), "hook files to trust");
            store.trust(root, &refs).expect("trust recorded");
            // Asked anyway: a refusal, so that the test sees it.
            TrustAnswer::NotNow
        }
        Trust::Answer(answer) => answer,
    };
    let asked = Arc::new(Mutex::new(Vec::new()));
    let questions = Arc::clone(&asked);
    let asker: TrustAsker = Arc::new(move |question| {
        questions.lock().unwrap().push(question);
        Box::pin(async move { answer })
    });
    let (tx, outcomes) = mpsc::unbounded_channel();
    let gate = Arc::new(TrustGate::new(Some(store), asker));
    Hooks { engine: Engine::new(EngineConfig::default(), tx, models, gate), outcomes, asked }
}

fn no_model() -> ModelSource {
    Arc::new(|| Ok(None))
}

/// What one turn did.
struct Turn {
    outcome: TurnOutcome,
    events: Vec<TurnEvent>,
}

/// The knobs of one turn besides the model and the session.
struct TurnSetup<'a> {
    root: &'a Path,
    store: &'a SessionStore,
    settings: &'a AgentSettings,
    allowed: &'a [String],
    hooks: Option<ChatHooks<'a>>,
    host: &'a dyn Host,
    /// Cancel the turn when the first piece of the answer arrives.
    cancel_on_text: bool,
}

async fn send(model: &dyn Model, setup: TurnSetup<'_>, session: &mut Session, text: &str) -> Turn {
    let workspace = Workspace::new(setup.root).expect("workspace");
    let cancel = CancellationToken::new();
    let cx = ToolContext { workspace: &workspace, host: setup.host, cancel: &cancel, output_limit: 20_000 };
    let turn = ChatTurn {
        model,
        cx: &cx,
        store: setup.store,
        settings: setup.settings,
        allowed_commands: setup.allowed,
        focus: &[],
        hooks: setup.hooks,
        extra_tools: None,
    };
    let mut events = Vec::new();
    let canceller = cancel.clone();
    let cancel_on_text = setup.cancel_on_text;
    let outcome = chat::send(&turn, session, text, &mut |event| {
        if cancel_on_text && matches!(event, TurnEvent::Agent(AgentEvent::Text(_))) {
            canceller.cancel();
        }
        events.push(event);
    })
    .await;
    Turn { outcome, events }
}

fn notices(events: &[TurnEvent]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            TurnEvent::Notice(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// The conversation of a request, in both wire formats: (role, text) of
/// each user and assistant message, the text of its text parts joined (a
/// system message of the OpenAI format left out).
fn conversation(request: &RecordedRequest) -> Vec<(String, String)> {
    let messages = request.body["messages"].as_array().unwrap_or_else(|| panic!("no messages: {}", request.raw_body));
    messages
        .iter()
        .filter(|m| m["role"] == "user" || m["role"] == "assistant")
        .map(|m| {
            let text = match &m["content"] {
                Value::String(s) => s.clone(),
                Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join(""),
                _ => String::new(),
            };
            (m["role"].as_str().unwrap_or_default().to_string(), text)
        })
        .collect()
}

fn last_user_text(request: &RecordedRequest) -> String {
    conversation(request).into_iter().rev().find(|(role, _)| role == "user").map(|(_, t)| t).expect("a user message")
}

async fn next_outcome(outcomes: &mut mpsc::UnboundedReceiver<Outcome>) -> Outcome {
    tokio::time::timeout(OUTCOME_WAIT, outcomes.recv())
        .await
        .expect("a hook outcome in time")
        .expect("the outcome channel is open")
}

#[tokio::test]
async fn trusted_prompt_submit_hooks_add_the_commands_output_and_the_agents_instructions() {
    for provider in PROVIDERS {
        let root = temp("prompt-hooks", provider);
        let data = temp("prompt-hooks-data", provider);
        legacy_hook(
            &root,
            "context",
            "Context",
            json!({"type": "promptSubmit"}),
            json!({"type": "runCommand", "command": "echo \"context: $USER_PROMPT\""}),
        );
        legacy_hook(
            &root,
            "guide",
            "Guide",
            json!({"type": "promptSubmit"}),
            json!({"type": "askAgent", "prompt": "  Answer in French.\n"}),
        );
        let hooks = load_hooks(&root);
        assert_eq!(hooks.len(), 2);
        let mut h = engine(&root, &data, Trust::Recorded, no_model());

        let server = ScriptedServer::start(vec![Reply::text("Bonjour.")]).await.expect("server");
        let model = model(provider, &server);
        let store = SessionStore::new(&data, &root);
        let mut session = chat::new_session(&store, None, None, false);
        let settings = AgentSettings::default();
        let host = DiskHost { autopilot: false };
        let setup = TurnSetup {
            root: &root,
            store: &store,
            settings: &settings,
            allowed: &[],
            hooks: Some(ChatHooks { engine: &h.engine, hooks, root: root.clone() }),
            host: &host,
            cancel_on_text: false,
        };
        let t = send(model.as_ref(), setup, &mut session, "what is the plan").await;

        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{provider:?}: {:?}", t.outcome);
        assert_eq!(t.outcome.text, "Bonjour.");
        assert!(notices(&t.events).is_empty(), "{provider:?}: {:?}", notices(&t.events));
        assert!(h.asked.lock().unwrap().is_empty(), "trusted hooks ask nothing");
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{provider:?}: the hooks did not call the model");
        let sent = last_user_text(&requests[0]);
        assert!(sent.starts_with("what is the plan\n\n"), "{provider:?}: {sent}");
        assert!(
            sent.contains("Output of the hook 'Context':\n```\ncontext: what is the plan\n```"),
            "{provider:?}: the command's output, with the prompt it read: {sent}"
        );
        assert!(
            sent.contains("Instructions from the hook 'Guide':\nAnswer in French."),
            "{provider:?}: the agent hook's instructions, trimmed: {sent}"
        );
        // The session keeps the message as the model saw it.
        let saved = store.load(&session.id).expect("saved");
        assert_eq!(saved.messages.len(), 2);
        assert_eq!(saved.messages[0], Message::user(sent.clone()));
        // The command's run went to the outcome channel like any hook's.
        let outcome = next_outcome(&mut h.outcomes).await;
        assert_eq!((outcome.name.as_str(), outcome.trigger, outcome.ok), ("Context", "promptSubmit", true));
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(&data);
    }
}

#[tokio::test]
async fn an_untrusted_prompt_submit_hook_runs_nothing_says_so_and_the_turn_goes_on() {
    for answer in [TrustAnswer::NotNow, TrustAnswer::CannotAsk] {
        let provider = Provider::Anthropic;
        let label = format!("untrusted-{answer:?}");
        let root = temp(&label, provider);
        let data = temp(&format!("{label}-data"), provider);
        legacy_hook(
            &root,
            "mark",
            "Mark",
            json!({"type": "promptSubmit"}),
            json!({"type": "runCommand", "command": "touch prompt-hook-ran; echo marked"}),
        );
        legacy_hook(
            &root,
            "guide",
            "Guide",
            json!({"type": "promptSubmit"}),
            json!({"type": "askAgent", "prompt": "Always say SECRET-INSTRUCTION."}),
        );
        let hooks = load_hooks(&root);
        let mut h = engine(&root, &data, Trust::Answer(answer), no_model());

        let server = ScriptedServer::start(vec![Reply::text("Fine.")]).await.expect("server");
        let model = model(provider, &server);
        let store = SessionStore::new(&data, &root);
        let mut session = chat::new_session(&store, None, None, false);
        let settings = AgentSettings::default();
        let host = DiskHost { autopilot: false };
        let setup = TurnSetup {
            root: &root,
            store: &store,
            settings: &settings,
            allowed: &[],
            hooks: Some(ChatHooks { engine: &h.engine, hooks, root: root.clone() }),
            host: &host,
            cancel_on_text: false,
        };
        let t = send(model.as_ref(), setup, &mut session, "hello").await;

        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{answer:?}: the turn still runs: {:?}", t.outcome);
        assert_eq!(t.outcome.text, "Fine.");
        assert!(!root.join("prompt-hook-ran").exists(), "{answer:?}: the command did not run");
        let notices = notices(&t.events);
        assert_eq!(notices.len(), 2, "{answer:?}: {notices:?}");
        for name in ["Mark", "Guide"] {
            assert!(
                notices.iter().any(|n| n.contains(&format!("hook '{name}' did not run")) && n.contains("not trusted")),
                "{answer:?}: a notice names {name}: {notices:?}"
            );
        }
        let asked: Vec<String> = h.asked.lock().unwrap().iter().map(|q| q.hook.clone()).collect();
        assert_eq!(asked, ["Guide", "Mark"], "{answer:?}: one question per hook file, in load order");
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(last_user_text(&requests[0]), "hello", "{answer:?}: nothing was added to the message");
        assert!(!requests[0].raw_body.contains("SECRET-INSTRUCTION"), "{answer:?}");
        assert!(h.outcomes.try_recv().is_err(), "{answer:?}: no run reached the outcome channel");
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(&data);
    }
}

#[tokio::test]
async fn agent_stop_hooks_run_after_a_turn_but_not_after_a_cancelled_one() {
    let provider = Provider::Openai;
    let root = temp("agent-stop", provider);
    let data = temp("agent-stop-data", provider);
    legacy_hook(
        &root,
        "stop",
        "Stopped",
        json!({"type": "agentStop"}),
        json!({"type": "runCommand", "command": "echo \"$SPECWRIGHT_HOOK_TRIGGER\" >> stop-runs.txt; echo stop hook ran"}),
    );
    let hooks = load_hooks(&root);
    let mut h = engine(&root, &data, Trust::Recorded, no_model());
    let script = vec![
        // The cancelled turn: cancelled at its first piece of text.
        Reply::Text { chunks: (0..40).map(|i| format!("word{i} ")).collect(), delay_ms: 50 },
        Reply::text("Done."),
    ];
    let server = ScriptedServer::start(script).await.expect("server");
    let model = model(provider, &server);
    let store = SessionStore::new(&data, &root);
    let settings = AgentSettings::default();
    let host = DiskHost { autopilot: false };
    let setup = |cancel_on_text| TurnSetup {
        root: &root,
        store: &store,
        settings: &settings,
        allowed: &[],
        hooks: Some(ChatHooks { engine: &h.engine, hooks: hooks.clone(), root: root.clone() }),
        host: &host,
        cancel_on_text,
    };

    let mut cancelled = chat::new_session(&store, None, None, false);
    let t = send(model.as_ref(), setup(true), &mut cancelled, "start something long").await;
    assert_eq!(t.outcome.stop, StopReason::Cancelled, "{:?}", t.outcome);

    let mut session = chat::new_session(&store, None, None, false);
    let t = send(model.as_ref(), setup(false), &mut session, "finish").await;
    assert_eq!(t.outcome.stop, StopReason::EndTurn, "{:?}", t.outcome);
    assert_eq!(t.outcome.text, "Done.");

    let outcome = next_outcome(&mut h.outcomes).await;
    assert_eq!(outcome.name, "Stopped");
    assert_eq!(outcome.trigger, "agentStop");
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(outcome.output, "stop hook ran\n");
    // Had the cancelled turn started the hook, that run would have begun
    // before the second turn did; a short grace finds no second outcome.
    assert!(
        tokio::time::timeout(Duration::from_secs(1), h.outcomes.recv()).await.is_err(),
        "one run only: none after the cancelled turn"
    );
    assert_eq!(std::fs::read_to_string(root.join("stop-runs.txt")).expect("the hook ran"), "agentStop\n");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn an_agent_stop_agent_hook_edits_with_the_agents_tools_when_the_engine_has_them() {
    let provider = Provider::Anthropic;
    let root = temp("agent-stop-tools", provider);
    let data = temp("agent-stop-tools-data", provider);
    write(&root, "README.md", "# Project\n");
    legacy_hook(
        &root,
        "notes",
        "Notes",
        json!({"type": "agentStop"}),
        json!({"type": "askAgent", "prompt": "Note the change in the README."}),
    );
    let hooks = load_hooks(&root);
    let script = vec![
        Reply::text("Turn done."),
        Reply::tool_call(
            "h1",
            "edit_file",
            json!({"path": "README.md", "old_str": "# Project", "new_str": "# Project\n\nChanged by the agent."})
                .to_string(),
        ),
        Reply::text("Noted in the README."),
    ];
    let server = ScriptedServer::start(script).await.expect("server");
    let model = model(provider, &server);
    let shared = Arc::clone(&model);
    let models: ModelSource = Arc::new(move || Ok(Some(Arc::clone(&shared))));
    let mut h = engine(&root, &data, Trust::Recorded, models);
    let agents: AgentSource = Arc::new(|_root: &Path| {
        Some(AgentHands { host: Arc::new(DiskHost { autopilot: true }), allowed_commands: Vec::new(), max_steps: 4 })
    });
    h.engine.set_agents(agents);

    let store = SessionStore::new(&data, &root);
    let mut session = chat::new_session(&store, None, None, false);
    let settings = AgentSettings::default();
    let host = DiskHost { autopilot: false };
    let setup = TurnSetup {
        root: &root,
        store: &store,
        settings: &settings,
        allowed: &[],
        hooks: Some(ChatHooks { engine: &h.engine, hooks, root: root.clone() }),
        host: &host,
        cancel_on_text: false,
    };
    let t = send(model.as_ref(), setup, &mut session, "change something").await;
    assert_eq!(t.outcome.stop, StopReason::EndTurn, "{:?}", t.outcome);

    let outcome = next_outcome(&mut h.outcomes).await;
    assert_eq!((outcome.name.as_str(), outcome.trigger, outcome.action), ("Notes", "agentStop", "askAgent"));
    assert!(outcome.ok, "{outcome:?}");
    assert!(outcome.output.starts_with("Noted in the README."), "{}", outcome.output);
    assert!(outcome.output.contains("Tools:\n✓ edit_file"), "{}", outcome.output);
    assert_eq!(std::fs::read_to_string(root.join("README.md")).unwrap(), "# Project\n\nChanged by the agent.\n");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let hook_request = &requests[1].raw_body;
    assert!(hook_request.contains("Note the change in the README."), "{hook_request}");
    assert!(
        hook_request.contains("A workspace event triggered an agent hook"),
        "the agent's system prompt: {hook_request}"
    );
    assert!(hook_request.contains("\"edit_file\""), "the tools were offered: {hook_request}");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&data);
}

/// `n` long messages, user and assistant in turn, each with its marker.
fn long_conversation(n: usize) -> Vec<Message> {
    let filler = "the quick brown fox jumps over the lazy dog while the compiler checks every borrow ".repeat(25);
    (0..n)
        .map(|i| {
            let text = format!("msg-{i}-marker {filler}");
            if i % 2 == 0 { Message::user(text) } else { Message::assistant(text) }
        })
        .collect()
}

#[tokio::test]
async fn a_session_near_the_context_size_is_summarised_first_and_its_transcript_kept() {
    for provider in PROVIDERS {
        let root = temp("compact", provider);
        let data = temp("compact-data", provider);
        let server = ScriptedServer::start(vec![Reply::text("SUMMARY-OF-THE-OLD-TALK"), Reply::text("Continuing.")])
            .await
            .expect("server");
        let model = model(provider, &server);
        let store = SessionStore::new(&data, &root);
        let mut session = chat::new_session(&store, None, None, false);
        let old = long_conversation(12);
        session.messages = old.clone();
        session.turns = 6;
        store.save(&session).expect("saved");
        // Below what `from_json` accepts: the struct is built directly.
        let settings = AgentSettings { context_tokens: 4_000, ..AgentSettings::default() };
        let host = DiskHost { autopilot: false };
        let setup = TurnSetup {
            root: &root,
            store: &store,
            settings: &settings,
            allowed: &[],
            hooks: None,
            host: &host,
            cancel_on_text: false,
        };
        let t = send(model.as_ref(), setup, &mut session, "and now?").await;

        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{provider:?}: {:?}", t.outcome);
        assert_eq!(t.outcome.text, "Continuing.");
        let transcript_path = store.dir().join(format!("{}.transcript.jsonl", session.id));
        let notices = notices(&t.events);
        assert_eq!(notices.len(), 1, "{provider:?}: {notices:?}");
        assert!(notices[0].contains("summarised"), "{provider:?}: {}", notices[0]);
        assert!(notices[0].contains(&transcript_path.display().to_string()), "{provider:?}: {}", notices[0]);
        // The notice comes before anything of the turn.
        assert!(matches!(t.events[0], TurnEvent::Notice(_)), "{provider:?}: {:?}", t.events[0]);

        // Every old message is in the transcript, then the turn's.
        assert!(transcript_path.is_file(), "{provider:?}: {}", transcript_path.display());
        let transcript = store.transcript(&session.id);
        assert_eq!(transcript.len(), old.len() + 2, "{provider:?}");
        assert_eq!(&transcript[..old.len()], &old[..], "{provider:?}");
        assert_eq!(transcript[old.len()], Message::user("and now?"));
        assert_eq!(transcript[old.len() + 1], Message::assistant("Continuing."));

        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{provider:?}");
        let summary = &requests[0].raw_body;
        assert!(summary.contains("You summarise a conversation"), "{provider:?}: the summary request first");
        assert!(summary.contains("msg-0-marker") && summary.contains("msg-5-marker"), "{provider:?}");
        assert!(!summary.contains("msg-6-marker"), "{provider:?}: the kept tail is not summarised");
        assert!(!summary.contains("and now?"), "{provider:?}: the new message is not summarised");
        let turn = conversation(&requests[1]);
        assert_eq!(turn[0].0, "user");
        assert_eq!(turn[0].1, format!("{SUMMARY_PREFIX}\n\nSUMMARY-OF-THE-OLD-TALK"), "{provider:?}");
        assert_eq!(turn[1], ("assistant".to_string(), SUMMARY_ACK.to_string()), "{provider:?}");
        assert!(turn[2].1.starts_with("msg-6-marker"), "{provider:?}: then the kept tail");
        assert_eq!(turn.len(), 2 + 6 + 1, "{provider:?}");
        assert_eq!(turn.last().unwrap().1, "and now?");
        assert!(!requests[1].raw_body.contains("msg-0-marker"), "{provider:?}: the old messages are gone");

        let saved = store.load(&session.id).expect("saved");
        assert_eq!(saved.compactions, 1);
        assert_eq!(saved.turns, 7);
        assert_eq!(saved.messages.len(), 2 + 6 + 2);
        assert_eq!(saved.transcribed, saved.messages.len(), "everything is accounted for in the transcript");
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(&data);
    }
}

#[tokio::test]
async fn a_file_the_agent_changed_is_reported_after_its_tool_result() {
    for provider in PROVIDERS {
        let root = temp("edit", provider);
        let data = temp("edit-data", provider);
        write(&root, "src/a.ts", "export const a = 1;\n");
        write(&root, "src/old.ts", "export {};\n");
        let script = || {
            vec![
                Reply::tool_call(
                    "c1",
                    "edit_file",
                    json!({"path": "src/a.ts", "old_str": "a = 1", "new_str": "a = 2"}).to_string(),
                ),
                Reply::tool_call(
                    "c2",
                    "write_file",
                    json!({"path": "./src/b.ts", "content": "export const b = 3;\n"}).to_string(),
                ),
                Reply::tool_call("c3", "delete_file", json!({"path": "src/old.ts"}).to_string()),
                Reply::tool_call("c4", "read_file", json!({"path": "src/a.ts"}).to_string()),
                Reply::text("Edited."),
            ]
        };
        let server = ScriptedServer::start(script()).await.expect("server");
        let model = model(provider, &server);
        let store = SessionStore::new(&data, &root);
        let settings = AgentSettings::default();
        let host = DiskHost { autopilot: true };
        let setup = TurnSetup {
            root: &root,
            store: &store,
            settings: &settings,
            allowed: &[],
            hooks: None,
            host: &host,
            cancel_on_text: false,
        };
        let mut session = chat::new_session(&store, None, None, true);
        let t = send(model.as_ref(), setup, &mut session, "edit").await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{provider:?}: {:?}", t.outcome);
        assert_eq!(std::fs::read_to_string(root.join("src/a.ts")).unwrap(), "export const a = 2;\n");

        let edits: Vec<(usize, &str, &str)> = t
            .events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                TurnEvent::Edit { path, action } => Some((i, path.as_str(), *action)),
                _ => None,
            })
            .collect();
        let found: Vec<(&str, &str)> = edits.iter().map(|(_, p, a)| (*p, *a)).collect();
        // The actions as `specwright/chat/event` documents them (`write`, `change`, `delete`).
        assert_eq!(
            found,
            [("src/a.ts", "change"), ("src/b.ts", "write"), ("src/old.ts", "delete")],
            "{provider:?}: one edit event per changed file, paths relative to the folder"
        );
        for (i, _, _) in &edits {
            assert!(
                matches!(&t.events[i - 1], TurnEvent::Agent(AgentEvent::ToolResult { ok: true, .. })),
                "{provider:?}: right after its tool's result: {:?}",
                t.events[i - 1]
            );
        }
        let first = edits[0].0;
        assert!(
            matches!(&t.events[first - 1], TurnEvent::Agent(AgentEvent::ToolResult { name, id, .. }) if name == "edit_file" && id == "c1"),
            "{provider:?}: {:?}",
            t.events[first - 1]
        );

        // Supervised, nothing is applied and no edit is reported.
        write(&root, "src/a.ts", "export const a = 1;\n");
        write(&root, "src/old.ts", "export {};\n");
        let server = ScriptedServer::start(script()).await.expect("server");
        let model = specwright_models::connect(config(provider, &server)).expect("model");
        let supervised = DiskHost { autopilot: false };
        let setup = TurnSetup {
            root: &root,
            store: &store,
            settings: &settings,
            allowed: &[],
            hooks: None,
            host: &supervised,
            cancel_on_text: false,
        };
        std::fs::remove_file(root.join("src/b.ts")).expect("remove");
        let mut session = chat::new_session(&store, None, None, false);
        let t = send(model.as_ref(), setup, &mut session, "edit").await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn);
        assert!(
            !t.events.iter().any(|e| matches!(e, TurnEvent::Edit { .. })),
            "{provider:?}: refused edits are not reported as edits: {:?}",
            t.events
        );
        let refused = t
            .events
            .iter()
            .filter(|e| matches!(e, TurnEvent::Agent(AgentEvent::ToolResult { ok: false, output, .. }) if output.contains("--autopilot")))
            .count();
        assert_eq!(refused, 3, "{provider:?}: the three changes were refused: {:?}", t.events);
        assert_eq!(std::fs::read_to_string(root.join("src/a.ts")).unwrap(), "export const a = 1;\n");
        assert!(root.join("src/old.ts").exists() && !root.join("src/b.ts").exists());
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(&data);
    }
}

#[test]
fn the_projects_test_command_is_allowed_only_in_a_trusted_folder() {
    let settings = AgentSettings { allowed_commands: vec!["git status".into()], ..AgentSettings::default() };
    let rust = temp("allowed-rust", Provider::Anthropic);
    write(&rust, "Cargo.toml", "[package]\nname = \"x\"\n");
    assert_eq!(settings.allowed_commands_in(&rust, false), ["git status"]);
    assert_eq!(settings.allowed_commands_in(&rust, true), ["git status", "cargo test"]);
    let nothing = temp("allowed-nothing", Provider::Anthropic);
    write(&nothing, "README.md", "hi\n");
    assert_eq!(settings.allowed_commands_in(&nothing, true), ["git status"], "no project, no test command");
    let _ = std::fs::remove_dir_all(&rust);
    let _ = std::fs::remove_dir_all(&nothing);
}

/// `npm test` runs in a trusted folder whose package.json has a test
/// script, and is refused (nobody approves it) in an untrusted one. This
/// needs npm on the PATH; the machines that run this suite have it (the
/// editor clients are built with it), so its absence is a failure, not a
/// skip.
#[tokio::test]
async fn the_agent_runs_the_projects_test_command_only_in_a_trusted_folder() {
    let npm = std::process::Command::new("npm").arg("--version").output();
    assert!(npm.is_ok_and(|o| o.status.success()), "this test needs npm on the PATH");
    for trusted in [true, false] {
        let provider = Provider::Openai;
        let root = temp(&format!("npm-test-{trusted}"), provider);
        let data = temp(&format!("npm-test-{trusted}-data"), provider);
        write(
            &root,
            "package.json",
            r#"{"name": "x", "version": "1.0.0", "private": true, "scripts": {"test": "echo npm-test-ran"}}"#,
        );
        let script = vec![
            Reply::tool_call("c1", "run_command", json!({"command": "npm test", "timeout_s": 60}).to_string()),
            Reply::text("Tests ran."),
        ];
        let server = ScriptedServer::start(script).await.expect("server");
        let model = model(provider, &server);
        let store = SessionStore::new(&data, &root);
        let settings = AgentSettings::default();
        let allowed = settings.allowed_commands_in(&root, trusted);
        assert_eq!(allowed, if trusted { vec!["npm test".to_string()] } else { Vec::new() });
        let host = DiskHost { autopilot: false };
        let setup = TurnSetup {
            root: &root,
            store: &store,
            settings: &settings,
            allowed: &allowed,
            hooks: None,
            host: &host,
            cancel_on_text: false,
        };
        let mut session = chat::new_session(&store, None, None, false);
        let t = send(model.as_ref(), setup, &mut session, "run the tests").await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn, "trusted {trusted}: {:?}", t.outcome);
        let (ok, output) = t
            .events
            .iter()
            .find_map(|e| match e {
                TurnEvent::Agent(AgentEvent::ToolResult { name, ok, output, .. }) if name == "run_command" => {
                    Some((*ok, output.clone()))
                }
                _ => None,
            })
            .expect("a run_command result");
        if trusted {
            assert!(ok, "{output}");
            assert!(output.starts_with("exit code 0\n"), "{output}");
            assert!(output.contains("npm-test-ran"), "{output}");
        } else {
            assert!(!ok, "{output}");
            assert!(output.contains("refused: `npm test` is not in specwright.agent.allowedCommands"), "{output}");
        }
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[1].raw_body.contains("npm-test-ran"), trusted, "the model read what ran");
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(&data);
    }
}
