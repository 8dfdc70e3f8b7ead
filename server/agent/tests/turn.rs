//! The tool-calling loop against the scripted model server, in both wire
//! formats: a turn that reads a file, edits two files and answers; an edit
//! whose old_str does not match (the model sees the error and retries); a
//! path outside the workspace and a symbolic link out of it (refused,
//! nothing touched, nothing leaked); an unknown tool and malformed
//! arguments; a secret in a read file never reaching the model; edits that
//! need approval; the step limit; cancellation in the middle of a turn.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{PROVIDERS, config, workspace};
use specwright_agent::{AgentEvent, DiskHost, Limits, StopReason, ToolContext, TurnOutcome, Workspace, run_turn};
use specwright_models::{CancellationToken, Message, Provider};
use specwright_testkit::{Reply, ScriptedServer};

struct Turn {
    outcome: TurnOutcome,
    events: Vec<AgentEvent>,
    requests: Vec<String>,
}

async fn turn(provider: Provider, root: &Path, script: Vec<Reply>, autopilot: bool, limits: Limits) -> Turn {
    turn_with(provider, root, script, autopilot, limits, CancellationToken::new()).await
}

async fn turn_with(
    provider: Provider,
    root: &Path,
    script: Vec<Reply>,
    autopilot: bool,
    limits: Limits,
    cancel: CancellationToken,
) -> Turn {
    let server = ScriptedServer::start(script).await.expect("scripted server");
    let model = specwright_models::connect(config(provider, &server)).expect("model");
    let workspace = Workspace::new(root).expect("workspace");
    let host = DiskHost { autopilot };
    let cx = ToolContext { workspace: &workspace, host: &host, cancel: &cancel, output_limit: 20_000 };
    let tools = specwright_agent::tools::all(&[]);
    let mut history = vec![Message::user("Do the thing")];
    let mut events = Vec::new();
    let outcome =
        run_turn(model.as_ref(), Some("system".into()), &mut history, &tools, &cx, &limits, &mut |e| events.push(e))
            .await;
    let requests = server.requests().into_iter().map(|r| r.raw_body).collect();
    Turn { outcome, events, requests }
}

fn call(id: &str, name: &str, args: serde_json::Value) -> Reply {
    Reply::tool_call(id, name, args.to_string())
}

fn results(events: &[AgentEvent]) -> Vec<(String, bool, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::ToolResult { name, ok, output, .. } => Some((name.clone(), *ok, output.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_turn_reads_edits_two_files_and_answers() {
    for provider in PROVIDERS {
        let root = workspace(
            "edit",
            provider,
            &[("src/a.ts", "export const a = 1;\n"), ("src/b.ts", "export const b = 2;\n")],
        );
        let script = vec![
            call("c1", "read_file", serde_json::json!({"path": "src/a.ts"})),
            call("c2", "edit_file", serde_json::json!({"path": "src/a.ts", "old_str": "a = 1", "new_str": "a = 10"})),
            call("c3", "edit_file", serde_json::json!({"path": "src/b.ts", "old_str": "b = 2", "new_str": "b = 20"})),
            Reply::chunks(["Both ", "constants ", "are updated."]),
        ];
        let t = turn(provider, &root, script, true, Limits::default()).await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{provider:?}: {:?}", t.outcome);
        assert_eq!(t.outcome.steps, 4);
        assert_eq!(t.outcome.text, "Both constants are updated.");
        assert_eq!(std::fs::read_to_string(root.join("src/a.ts")).unwrap(), "export const a = 10;\n");
        assert_eq!(std::fs::read_to_string(root.join("src/b.ts")).unwrap(), "export const b = 20;\n");
        let streamed: String =
            t.events.iter().filter_map(|e| if let AgentEvent::Text(s) = e { Some(s.as_str()) } else { None }).collect();
        assert_eq!(streamed, "Both constants are updated.", "text streamed as it arrived");
        assert_eq!(results(&t.events).iter().filter(|r| r.1).count(), 3, "{:?}", results(&t.events));
        assert_eq!(t.requests.len(), 4);
        assert!(t.requests[1].contains("export const a = 1;"), "the model read the file: {}", t.requests[1]);
        assert!(t.requests[0].contains("\"edit_file\"") && t.requests[0].contains("old_str"), "tools offered");
    }
}

#[tokio::test]
async fn an_edit_that_does_not_match_is_an_error_the_model_sees_and_retries() {
    for provider in PROVIDERS {
        let root = workspace("retry", provider, &[("a.py", "def f():\n    return 1\n")]);
        let script = vec![
            call("c1", "edit_file", serde_json::json!({"path": "a.py", "old_str": "return 2", "new_str": "return 3"})),
            call("c2", "edit_file", serde_json::json!({"path": "a.py", "old_str": "return 1", "new_str": "return 3"})),
            Reply::text("Fixed."),
        ];
        let t = turn(provider, &root, script, true, Limits::default()).await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn);
        let r = results(&t.events);
        assert!(!r[0].1 && r[0].2.contains("not found"), "{r:?}");
        assert!(r[1].1, "{r:?}");
        assert!(t.requests[1].contains("not found"), "the error reached the model");
        assert_eq!(std::fs::read_to_string(root.join("a.py")).unwrap(), "def f():\n    return 3\n");
    }
}

#[tokio::test]
async fn paths_outside_the_workspace_are_refused_and_nothing_leaks() {
    for provider in PROVIDERS {
        let outside = workspace("outside-target", provider, &[("secret.txt", "TOP-SECRET-CONTENT\n")]);
        let root = workspace("outside", provider, &[("ok.txt", "fine\n")]);
        let mut script = vec![
            call(
                "c1",
                "read_file",
                serde_json::json!({"path": format!("../{}/secret.txt", outside.file_name().unwrap().to_string_lossy())}),
            ),
            call(
                "c2",
                "write_file",
                serde_json::json!({"path": outside.join("new.txt").to_string_lossy(), "content": "x"}),
            ),
        ];
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, root.join("link")).expect("symlink");
            script.push(call("c3", "read_file", serde_json::json!({"path": "link/secret.txt"})));
            script.push(call(
                "c4",
                "edit_file",
                serde_json::json!({"path": "link/secret.txt", "old_str": "TOP", "new_str": "x"}),
            ));
        }
        script.push(Reply::text("I cannot."));
        let t = turn(provider, &root, script, true, Limits::default()).await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn);
        let r = results(&t.events);
        assert!(r.iter().all(|(_, ok, out)| !ok && out.contains("outside the workspace")), "{r:?}");
        assert!(
            t.requests.iter().all(|body| !body.contains("TOP-SECRET-CONTENT")),
            "nothing from outside reached the model"
        );
        assert_eq!(std::fs::read_to_string(outside.join("secret.txt")).unwrap(), "TOP-SECRET-CONTENT\n");
        assert!(!outside.join("new.txt").exists());
    }
}

#[tokio::test]
async fn unknown_tools_and_malformed_arguments_are_errors_not_crashes() {
    for provider in PROVIDERS {
        let root = workspace("malformed", provider, &[("a.txt", "hello\n")]);
        let script = vec![
            Reply::tool_call("c1", "no_such_tool", "{}"),
            Reply::tool_call("c2", "read_file", "{not json"),
            Reply::tool_call("c3", "read_file", "[1, 2]"),
            Reply::text("Sorry."),
        ];
        let t = turn(provider, &root, script, true, Limits::default()).await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{:?}", t.outcome);
        let r = results(&t.events);
        assert_eq!(r.len(), 3, "{r:?}");
        assert!(r.iter().all(|(_, ok, _)| !ok), "{r:?}");
        assert!(r[0].2.contains("there is no tool 'no_such_tool'") && r[0].2.contains("read_file"), "{r:?}");
    }
}

#[tokio::test]
async fn a_secret_in_a_read_file_never_reaches_the_model() {
    for provider in PROVIDERS {
        let secret = "AKIAZ3MHQ7RT4KXW2PLE";
        let root = workspace("secret", provider, &[("config.ts", &format!("const key = \"{secret}\";\n"))]);
        let script = vec![call("c1", "read_file", serde_json::json!({"path": "config.ts"})), Reply::text("Read.")];
        let t = turn(provider, &root, script, true, Limits::default()).await;
        assert_eq!(t.requests.len(), 2);
        assert!(t.requests[1].contains("const key"), "the file was sent");
        assert!(t.requests.iter().all(|b| !b.contains(secret)), "but not the secret");
    }
}

#[tokio::test]
async fn without_autopilot_the_disk_host_refuses_edits_and_the_model_is_told() {
    for provider in PROVIDERS {
        let root = workspace("supervised", provider, &[("a.txt", "one\n")]);
        let script = vec![
            call("c1", "write_file", serde_json::json!({"path": "a.txt", "content": "two\n"})),
            Reply::text("Could not."),
        ];
        let t = turn(provider, &root, script, false, Limits::default()).await;
        let r = results(&t.events);
        assert!(!r[0].1 && r[0].2.contains("approval"), "{r:?}");
        assert_eq!(std::fs::read_to_string(root.join("a.txt")).unwrap(), "one\n");
    }
}

#[tokio::test]
async fn a_turn_stops_at_the_step_limit() {
    let provider = Provider::Openai;
    let root = workspace("steps", provider, &[("a.txt", "x\n")]);
    let script = (0..5).map(|i| call(&format!("c{i}"), "read_file", serde_json::json!({"path": "a.txt"}))).collect();
    let t = turn(provider, &root, script, true, Limits { max_steps: 2, ..Limits::default() }).await;
    assert_eq!(t.outcome.stop, StopReason::MaxSteps);
    assert_eq!(t.requests.len(), 2);
}

#[tokio::test]
async fn cancelling_mid_turn_stops_promptly_and_writes_nothing() {
    for provider in PROVIDERS {
        let root = workspace("cancel", provider, &[("a.txt", "one\n")]);
        let script = vec![
            call("c1", "read_file", serde_json::json!({"path": "a.txt"})),
            Reply::Text { chunks: (0..50).map(|i| format!("word{i} ")).collect(), delay_ms: 50 },
            call("c2", "write_file", serde_json::json!({"path": "a.txt", "content": "two\n"})),
        ];
        let cancel = CancellationToken::new();
        let canceller = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            canceller.cancel();
        });
        let started = std::time::Instant::now();
        let t = turn_with(provider, &root, script, true, Limits::default(), cancel).await;
        assert_eq!(t.outcome.stop, StopReason::Cancelled, "{:?}", t.outcome);
        assert!(started.elapsed() < Duration::from_secs(2), "prompt: {:?}", started.elapsed());
        assert_eq!(std::fs::read_to_string(root.join("a.txt")).unwrap(), "one\n");
    }
}

/// An OpenAI answer calling several tools at once, as a raw SSE stream.
fn parallel_calls(calls: &[(&str, &str, serde_json::Value)]) -> Reply {
    use serde_json::{Value, json};
    let chunk = |delta: Value, finish: Value| {
        let event = json!({"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        format!("data: {event}\n\n")
    };
    let mut body = chunk(json!({"role": "assistant", "content": null}), Value::Null);
    for (i, (id, name, args)) in calls.iter().enumerate() {
        let call = json!({"index": i, "id": id, "type": "function", "function": {"name": name, "arguments": args.to_string()}});
        body.push_str(&chunk(json!({"tool_calls": [call]}), Value::Null));
    }
    body.push_str(&chunk(json!({}), json!("tool_calls")));
    body.push_str("data: [DONE]\n\n");
    Reply::Raw { status: 200, headers: vec![("content-type".into(), "text/event-stream".into())], body }
}

/// Writes to disk and records how changes arrive: one `apply_all` per batch.
#[derive(Default)]
struct BatchHost {
    batches: std::sync::Mutex<Vec<Vec<String>>>,
}

impl specwright_agent::Host for BatchHost {
    fn apply(&self, change: specwright_agent::FileChange) -> specwright_models::BoxFuture<'_, Result<(), String>> {
        Box::pin(async move { specwright_agent::host::apply_on_disk(&change) })
    }

    fn apply_all(
        &self,
        changes: Vec<specwright_agent::FileChange>,
    ) -> specwright_models::BoxFuture<'_, Vec<Result<specwright_agent::Applied, String>>> {
        let names = changes.iter().map(|c| c.path().file_name().unwrap().to_string_lossy().into_owned()).collect();
        self.batches.lock().unwrap().push(names);
        Box::pin(async move {
            changes
                .iter()
                .map(|c| specwright_agent::host::apply_on_disk(c).map(|()| specwright_agent::Applied::All))
                .collect()
        })
    }

    fn approve_command(&self, _command: &str) -> specwright_models::BoxFuture<'_, bool> {
        Box::pin(async { false })
    }
}

/// Consecutive edits of one answer reach the host together; a command in
/// between runs after the edits before it were applied (it sees them).
#[tokio::test]
async fn a_steps_consecutive_edits_are_applied_as_one_batch_before_a_command_runs() {
    use serde_json::json;
    let root = workspace("batches", Provider::Openai, &[]);
    let script = vec![
        parallel_calls(&[
            ("c1", "write_file", json!({"path": "a.txt", "content": "x"})),
            ("c2", "write_file", json!({"path": "b.txt", "content": "y"})),
            ("c3", "run_command", json!({"command": "cat a.txt b.txt"})),
            ("c4", "write_file", json!({"path": "c.txt", "content": "z"})),
        ]),
        Reply::text("Done."),
    ];
    let server = ScriptedServer::start(script).await.expect("scripted server");
    let model = specwright_models::connect(config(Provider::Openai, &server)).expect("model");
    let workspace = Workspace::new(&root).expect("workspace");
    let host = BatchHost::default();
    let cancel = CancellationToken::new();
    let cx = ToolContext { workspace: &workspace, host: &host, cancel: &cancel, output_limit: 20_000 };
    let tools = specwright_agent::tools::all(&["cat".to_string()]);
    let mut history = vec![Message::user("Do the thing")];
    let mut events = Vec::new();
    let outcome =
        run_turn(model.as_ref(), None, &mut history, &tools, &cx, &Limits::default(), &mut |e| events.push(e)).await;
    assert_eq!(outcome.stop, StopReason::EndTurn, "{outcome:?}");
    assert_eq!(*host.batches.lock().unwrap(), vec![vec!["a.txt", "b.txt"], vec!["c.txt"]]);
    let r = results(&events);
    assert_eq!(
        r.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["write_file", "write_file", "run_command", "write_file"]
    );
    assert!(r[2].1 && r[2].2.contains("xy"), "the command saw both files: {r:?}");
    assert_eq!(std::fs::read_to_string(root.join("c.txt")).unwrap(), "z");
}
