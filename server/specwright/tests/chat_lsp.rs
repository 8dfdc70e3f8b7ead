//! Agentic chat over LSP against the scripted model server: a turn that
//! reads and edits through `workspace/applyEdit` and streams
//! `specwright/chat/event`s; supervised edits asked with
//! `window/showMessageRequest` (rejected: nothing changes); the tools read
//! the editor's unsaved text; sessions survive a restart.

mod support;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

fn options(server: &ScriptedServer) -> Value {
    json!({"specwright": {"model": {
        "provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()),
        "maxRetries": 0, "timeoutSeconds": 10
    }}})
}

fn edit_script() -> Vec<Reply> {
    vec![
        Reply::tool_call("c1", "read_file", json!({"path": "src/a.ts"}).to_string()),
        Reply::tool_call(
            "c2",
            "edit_file",
            json!({"path": "src/a.ts", "old_str": "a = 1", "new_str": "a = 2"}).to_string(),
        ),
        Reply::chunks(["Changed ", "it."]),
    ]
}

async fn start(ws: &TempWorkspace, server: &ScriptedServer, can_ask: bool, answer: Option<&str>) -> Client {
    let client = Client::in_process();
    client.set_message_answer(answer);
    let window = if can_ask { json!({"window": {"showMessage": {}}}) } else { Value::Null };
    client.initialize_with_capabilities(&[&ws.root], options(server), true, window).await;
    client
}

async fn new_session(client: &Client, autopilot: bool) -> String {
    let r = client.request_ok("specwright/chat/new", json!({"title": "Rename", "autopilot": autopilot})).await;
    r["session"].as_str().expect("session id").to_string()
}

/// The session's events, once its turn's last one (`done` or `error`) arrived: notifications and
/// the reply to chat/send travel separately.
async fn events(client: &Client, session: &str) -> Vec<Value> {
    client
        .wait_until("the turn's last event", |inbox| {
            inbox
                .notifications
                .iter()
                .any(|(m, p)| {
                    m == "specwright/chat/event"
                        && p["session"] == session
                        && (p["kind"] == "done" || p["kind"] == "error")
                })
                .then_some(())
        })
        .await;
    client.notifications("specwright/chat/event").into_iter().filter(|e| e["session"] == session).collect()
}

#[tokio::test]
async fn an_autopilot_turn_edits_through_the_editor_and_streams_events() {
    let ws = TempWorkspace::new("chat-autopilot");
    ws.write("src/a.ts", "export const a = 1;\n");
    let server = ScriptedServer::start(edit_script()).await.expect("server");
    let client = start(&ws, &server, false, None).await;
    let session = new_session(&client, true).await;
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "Set a to 2"})).await;
    let checkpoint = result["checkpoint"].as_str().expect("the turn's checkpoint").to_string();
    assert_eq!(result, json!({"turn": 1, "stopReason": "endTurn", "text": "Changed it.", "checkpoint": checkpoint}));
    assert_eq!(ws.read("src/a.ts"), "export const a = 2;\n");
    assert_eq!(client.server_requests("workspace/applyEdit").len(), 1, "the edit went through the editor");

    let kinds: Vec<String> =
        events(&client, &session).await.iter().map(|e| e["kind"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(
        kinds,
        ["toolCall", "toolResult", "toolCall", "toolResult", "edit", "text", "text", "done"],
        "{kinds:?}"
    );
    let all = events(&client, &session).await;
    assert_eq!((&all[4]["uri"], &all[4]["action"]), (&json!(ws.uri("src/a.ts")), &json!("change")), "{}", all[4]);
    assert_eq!((&all[0]["name"], &all[0]["input"]["path"]), (&json!("read_file"), &json!("src/a.ts")));
    assert_eq!(all[3]["ok"], true, "{}", all[3]);
    assert!(all[3]["output"].as_str().is_some_and(|o| o.contains("-export const a = 1;")), "the diff: {}", all[3]);

    let history = client.request_ok("specwright/chat/history", json!({"session": session})).await;
    let messages = history["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 6, "user, 2 × (call, result), answer: {history}");
    assert!(messages[0]["content"][0]["text"].as_str().is_some_and(|t| t.contains("Set a to 2")));
}

#[tokio::test]
async fn a_supervised_edit_is_asked_first_and_a_rejection_changes_nothing() {
    let ws = TempWorkspace::new("chat-reject");
    ws.write("src/a.ts", "export const a = 1;\n");
    let server = ScriptedServer::start(edit_script()).await.expect("server");
    let client = start(&ws, &server, true, Some("Reject")).await;
    let session = new_session(&client, false).await;
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "Set a to 2"})).await;
    assert_eq!(result["stopReason"], "endTurn");
    assert_eq!(ws.read("src/a.ts"), "export const a = 1;\n");
    assert!(client.server_requests("workspace/applyEdit").is_empty());
    let asked = client.server_requests("window/showMessageRequest");
    assert_eq!(asked.len(), 1);
    assert!(asked[0]["message"].as_str().is_some_and(|m| m.contains("change src/a.ts")), "{asked:?}");
    let refused = events(&client, &session)
        .await
        .into_iter()
        .find(|e| e["kind"] == "toolResult" && e["name"] == "edit_file")
        .expect("edit result");
    assert_eq!(refused["ok"], false);
    assert!(refused["output"].as_str().is_some_and(|o| o.contains("did not apply")), "{refused}");
    // The model was told.
    assert!(server.requests().last().is_some_and(|r| r.raw_body.contains("did not apply")));
}

#[tokio::test]
async fn tools_read_the_editors_unsaved_text_and_approved_edits_apply_to_the_buffer() {
    let ws = TempWorkspace::new("chat-buffer");
    let path = ws.write("src/a.ts", "export const a = 1;\n");
    let server = ScriptedServer::start(edit_script()).await.expect("server");
    let client = start(&ws, &server, true, Some("Apply")).await;
    let uri = client.did_open_text(&path, "export const a = 1; // unsaved\n").await;
    let session = new_session(&client, false).await;
    client.request_ok("specwright/chat/send", json!({"session": session, "text": "Set a to 2"})).await;
    let read = events(&client, &session).await.into_iter().find(|e| e["kind"] == "toolResult").expect("read result");
    assert!(read["output"].as_str().is_some_and(|o| o.contains("// unsaved")), "{read}");
    assert_eq!(client.text(&uri).as_deref(), Some("export const a = 2; // unsaved\n"), "the buffer changed");
    assert_eq!(ws.read("src/a.ts"), "export const a = 1;\n", "the disk is the editor's to write");
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let ws = TempWorkspace::new("chat-restart");
    ws.write("src/a.ts", "export const a = 1;\n");
    let data = std::env::temp_dir().join(format!("specwright-chat-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let server = ScriptedServer::start(vec![Reply::text("Hello.")]).await.expect("server");
    let first = Client::in_process_in(&data);
    first.initialize_with(&[&ws.root], options(&server), true).await;
    let session = new_session(&first, false).await;
    first.request_ok("specwright/chat/send", json!({"session": session, "text": "Hi"})).await;
    first.shutdown_and_exit().await;

    let second = Client::in_process_in(&data);
    second.initialize_with(&[&ws.root], options(&server), true).await;
    let list = second.request_ok("specwright/chat/list", json!({})).await;
    assert_eq!(list["sessions"], json!([{"session": session, "title": "Rename", "turns": 1, "autopilot": false}]));
    let history = second.request_ok("specwright/chat/history", json!({"session": session})).await;
    assert_eq!(history["messages"].as_array().map(Vec::len), Some(2), "{history}");
    assert!(
        !ws.path(".kiro/chat").exists() && std::fs::read_dir(&ws.root).unwrap().count() == 1,
        "nothing in the workspace"
    );
    let e = second.request_err("specwright/chat/history", json!({"session": "../../etc"})).await;
    assert_eq!(e["code"], -32602);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn agent_settings_choose_the_mode_the_allowed_commands_and_the_step_limit() {
    let ws = TempWorkspace::new("chat-settings");
    let server = ScriptedServer::start(vec![
        Reply::tool_call("c1", "run_command", json!({"command": "echo allowed > allowed.txt"}).to_string()),
        Reply::tool_call("c2", "run_command", json!({"command": "echo hi"}).to_string()),
        Reply::tool_call("c3", "run_command", json!({"command": "touch refused.txt"}).to_string()),
        Reply::text("unreached"),
    ])
    .await
    .expect("server");
    let client = Client::in_process();
    let mut opts = options(&server);
    opts["specwright"]["agent"] = json!({"mode": "autopilot", "allowedCommands": ["echo"], "maxSteps": 3});
    client.initialize_with(&[&ws.root], opts, true).await;
    let session = new_session_default(&client).await;
    let list = client.request_ok("specwright/chat/list", json!({})).await;
    assert_eq!(list["sessions"][0]["autopilot"], true, "the mode setting: {list}");
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "Run things"})).await;
    assert_eq!(result["stopReason"], "maxSteps", "{result}");
    let results: Vec<Value> =
        events(&client, &session).await.into_iter().filter(|e| e["kind"] == "toolResult").collect();
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0]["ok"], false, "a redirection is never allowed by prefix: {}", results[0]);
    assert_eq!(results[1]["ok"], true, "an allowed prefix runs: {}", results[1]);
    assert!(results[1]["output"].as_str().is_some_and(|o| o.contains("hi")));
    assert_eq!(results[2]["ok"], false, "not allowed, nobody to ask: {}", results[2]);
    assert!(!ws.path("allowed.txt").exists() && !ws.path("refused.txt").exists(), "nothing ran that was not allowed");
}

async fn new_session_default(client: &Client) -> String {
    let r = client.request_ok("specwright/chat/new", json!({"title": "Settings"})).await;
    r["session"].as_str().expect("session id").to_string()
}

#[tokio::test]
async fn the_prompt_carries_the_steering_the_spec_in_focus_and_a_repository_map() {
    let ws = TempWorkspace::new("chat-prompt");
    demo::write(&ws);
    ws.write(".kiro/steering/tech.md", "# Tech\n\nAlways use TypeScript strict mode.\n");
    ws.write("src/session.ts", "export function createSession(user: string) { return user; }\n");
    ws.write(
        "src/login.ts",
        "import { createSession } from './session';\nexport const login = () => createSession('u');\n",
    );
    let server = ScriptedServer::start(vec![Reply::text("Noted.")]).await.expect("server");
    let client = start(&ws, &server, false, None).await;
    let r = client.request_ok("specwright/chat/new", json!({"title": "Demo", "spec": "demo"})).await;
    let session = r["session"].as_str().expect("id").to_string();
    client.request_ok("specwright/chat/send", json!({"session": session, "text": "What is left?"})).await;
    let body = server.requests()[0].body.to_string();
    assert!(body.contains("Always use TypeScript strict mode."), "steering: {body}");
    assert!(
        body.contains("The spec in focus: demo") && body.contains("1.1 WHEN the user submits valid credentials"),
        "the spec with ids: {body}"
    );
    assert!(body.contains("Repository map") && body.contains("createSession"), "a repository map: {body}");
}

#[tokio::test]
async fn a_deletion_goes_through_the_editor_as_a_delete_file_operation() {
    let ws = TempWorkspace::new("chat-delete");
    ws.write("src/old.ts", "export const old = 1;\n");
    let server = ScriptedServer::start(vec![
        Reply::tool_call("c1", "delete_file", json!({"path": "src/old.ts"}).to_string()),
        Reply::text("Deleted."),
    ])
    .await
    .expect("server");
    let client = start(&ws, &server, true, Some("Apply")).await;
    let session = new_session(&client, false).await;
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "Remove old.ts"})).await;
    assert_eq!(result["stopReason"], "endTurn");
    let asked = client.server_requests("window/showMessageRequest");
    assert!(asked.iter().any(|a| a["message"].as_str().is_some_and(|m| m.contains("delete src/old.ts"))), "{asked:?}");
    let edits = client.server_requests("workspace/applyEdit");
    assert_eq!(edits.len(), 1, "{edits:?}");
    let op = &edits[0]["edit"]["documentChanges"][0];
    assert_eq!((&op["kind"], &op["uri"]), (&json!("delete"), &json!(ws.uri("src/old.ts"))), "{op}");
    assert!(!ws.path("src/old.ts").exists());
    let edit = events(&client, &session).await.into_iter().find(|e| e["kind"] == "edit").expect("edit event");
    assert_eq!(edit["action"], "delete");
}

#[tokio::test]
async fn a_turn_is_undone_by_restoring_its_checkpoint_unless_the_file_changed_since() {
    let ws = TempWorkspace::new("chat-checkpoint");
    ws.write("src/a.ts", "export const a = 1;\r\n// é\n");
    let script = vec![
        Reply::tool_call(
            "c1",
            "edit_file",
            json!({"path": "src/a.ts", "old_str": "a = 1", "new_str": "a = 2"}).to_string(),
        ),
        Reply::tool_call("c2", "write_file", json!({"path": "src/new.ts", "content": "export {};\n"}).to_string()),
        Reply::text("Done."),
    ];
    let server = ScriptedServer::start(script).await.expect("server");
    let client = start(&ws, &server, false, None).await;
    let session = new_session(&client, true).await;
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "Change a"})).await;
    let id = result["checkpoint"].as_str().expect("checkpoint").to_string();
    assert!(ws.path("src/new.ts").exists());
    let list = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.checkpoint.list", "arguments": [{"session": session}]}),
        )
        .await;
    assert_eq!(list["checkpoints"][0]["id"], id.as_str(), "{list}");
    assert_eq!(list["checkpoints"][0]["files"], json!(["src/a.ts", "src/new.ts"]), "{list}");

    // The user edits the file afterwards: the restore refuses, naming it, and changes nothing.
    ws.write("src/a.ts", "export const a = 3;\n");
    let err = client
        .request_err(
            "workspace/executeCommand",
            json!({"command": "specwright.checkpoint.restore", "arguments": [{"id": id}]}),
        )
        .await;
    assert!(err["message"].as_str().is_some_and(|m| m.contains("src/a.ts")), "{err}");
    assert!(ws.path("src/new.ts").exists(), "all or nothing");

    // Back to what the turn left: the restore gives the exact bytes back and removes the new file.
    ws.write("src/a.ts", "export const a = 2;\r\n// é\n");
    let restored = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.checkpoint.restore", "arguments": [{"id": id}]}),
        )
        .await;
    assert_eq!(restored["restored"], json!(["src/a.ts", "src/new.ts"]), "{restored}");
    assert_eq!(std::fs::read(ws.path("src/a.ts")).unwrap(), "export const a = 1;\r\n// é\n".as_bytes());
    assert!(!ws.path("src/new.ts").exists());
}

/// A file of two far-apart lines, and the agent's rewrite changing both.
const TWO_PLACES: &str = "export const a = 1;\n// 2\n// 3\n// 4\n// 5\n// 6\n// 7\n// 8\n// 9\nexport const b = 1;\n";

fn rewrite_script() -> Vec<Reply> {
    let new = TWO_PLACES.replace("a = 1", "a = 2").replace("b = 1", "b = 2");
    vec![
        Reply::tool_call("c1", "write_file", json!({"path": "src/a.ts", "content": new}).to_string()),
        Reply::text("Done."),
    ]
}

/// A client that declares `experimental.specwright.reviewEdits`.
async fn reviewing(ws: &TempWorkspace, server: &ScriptedServer, accepted: Option<Value>) -> Client {
    let client = Client::in_process();
    client.set_message_answer(Some("Apply"));
    if let Some(accepted) = accepted {
        client.set_review_answer(accepted);
    }
    let caps = json!({"window": {"showMessage": {}}, "experimental": {"specwright": {"reviewEdits": true}}});
    client.initialize_with_capabilities(&[&ws.root], options(server), true, caps).await;
    client
}

#[tokio::test]
async fn a_reviewing_client_gets_every_hunk_and_only_the_accepted_ones_are_applied() {
    let ws = TempWorkspace::new("chat-review-partly");
    ws.write("src/a.ts", TWO_PLACES);
    let server = ScriptedServer::start(rewrite_script()).await.expect("server");
    let client = reviewing(&ws, &server, Some(json!([1]))).await;
    let session = new_session(&client, false).await;
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "Set both to 2"})).await;
    assert_eq!(result["stopReason"], "endTurn");

    assert!(client.server_requests("window/showMessageRequest").is_empty(), "the review replaces Apply / Reject");
    let reviews = client.server_requests("specwright/reviewEdits");
    assert_eq!(reviews.len(), 1);
    let file = &reviews[0]["files"][0];
    assert_eq!(
        (&reviews[0]["session"], &file["uri"], &file["action"]),
        (&json!(session), &json!(ws.uri("src/a.ts")), &json!("change"))
    );
    assert_eq!(file["oldText"], TWO_PLACES);
    let hunks = file["hunks"].as_array().expect("hunks");
    assert_eq!(hunks.len(), 2, "{file}");
    assert!(hunks[0]["text"].as_str().is_some_and(|t| t.contains("-export const a = 1;\n+export const a = 2;")));
    assert_eq!((&hunks[1]["oldStart"], &hunks[1]["newStart"]), (&json!(7), &json!(7)), "{}", hunks[1]);

    // Only the second hunk: b changed, a did not.
    assert_eq!(ws.read("src/a.ts"), TWO_PLACES.replace("b = 1", "b = 2"));
    let told = events(&client, &session)
        .await
        .into_iter()
        .find(|e| e["kind"] == "toolResult" && e["name"] == "write_file")
        .expect("the write's result");
    assert_eq!(told["ok"], true);
    assert!(told["output"].as_str().is_some_and(|o| o.contains("only in part") && o.contains("@@ -1,")), "{told}");
    assert!(server.requests().last().is_some_and(|r| r.raw_body.contains("rejected @@ -1,")), "the model was told");
}

#[tokio::test]
async fn a_review_rejecting_everything_or_not_answering_changes_nothing() {
    for (label, answer) in [("false", Some(json!(false))), ("none", Some(json!([]))), ("null", None)] {
        let ws = TempWorkspace::new(&format!("chat-review-reject-{label}"));
        ws.write("src/a.ts", TWO_PLACES);
        let server = ScriptedServer::start(rewrite_script()).await.expect("server");
        let client = reviewing(&ws, &server, answer).await;
        let session = new_session(&client, false).await;
        client.request_ok("specwright/chat/send", json!({"session": session, "text": "Set both"})).await;
        assert_eq!(ws.read("src/a.ts"), TWO_PLACES, "{label}");
        assert!(client.server_requests("workspace/applyEdit").is_empty(), "{label}");
        let told = events(&client, &session)
            .await
            .into_iter()
            .find(|e| e["kind"] == "toolResult" && e["name"] == "write_file")
            .expect("the write's result");
        assert_eq!(told["ok"], false, "{label}: {told}");
        assert!(told["output"].as_str().is_some_and(|o| o.contains("rejected")), "{label}: {told}");
    }
}

#[tokio::test]
async fn on_autopilot_a_reviewing_client_is_not_asked() {
    let ws = TempWorkspace::new("chat-review-autopilot");
    ws.write("src/a.ts", TWO_PLACES);
    let server = ScriptedServer::start(rewrite_script()).await.expect("server");
    let client = reviewing(&ws, &server, Some(json!(false))).await;
    let session = new_session(&client, true).await;
    client.request_ok("specwright/chat/send", json!({"session": session, "text": "Set both"})).await;
    assert!(client.server_requests("specwright/reviewEdits").is_empty());
    assert_eq!(ws.read("src/a.ts"), TWO_PLACES.replace("= 1", "= 2"));
}

/// An OpenAI answer calling several tools at once, as a raw SSE stream.
fn parallel_calls(calls: &[(&str, &str, Value)]) -> Reply {
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

/// A step that edits two files (and one of them twice) is reviewed in one
/// request: every file, the second edit built on the first; a rejected file
/// is refused to each call that changed it, the accepted one is applied.
#[tokio::test]
async fn a_steps_edits_are_reviewed_together_in_one_request() {
    let ws = TempWorkspace::new("chat-review-step");
    ws.write("src/a.ts", "export const a = 1;\n");
    ws.write("src/b.ts", "export const b = 1;\n");
    let script = vec![
        parallel_calls(&[
            ("c1", "edit_file", json!({"path": "src/a.ts", "old_str": "a = 1", "new_str": "a = 2"})),
            ("c2", "edit_file", json!({"path": "src/b.ts", "old_str": "b = 1", "new_str": "b = 2"})),
            ("c3", "edit_file", json!({"path": "src/a.ts", "old_str": "a = 2", "new_str": "a = 3"})),
        ]),
        Reply::text("Done."),
    ];
    let server = ScriptedServer::start(script).await.expect("server");
    let client = Client::in_process();
    let caps = json!({"experimental": {"specwright": {"reviewEdits": true}}});
    client.initialize_with_capabilities(&[&ws.root], options(&server), true, caps).await;
    // Accept a.ts, reject b.ts.
    client.set_review_answer_by(move |uri: &str| json!(uri.ends_with("a.ts")));
    let session = new_session(&client, false).await;
    client.request_ok("specwright/chat/send", json!({"session": session, "text": "Bump both"})).await;

    let reviews = client.server_requests("specwright/reviewEdits");
    assert_eq!(reviews.len(), 1, "one request for the step: {reviews:?}");
    let files = reviews[0]["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "one entry per file");
    assert_eq!(files[0]["oldText"], "export const a = 1;\n");
    assert_eq!(files[0]["newText"], "export const a = 3;\n", "the second edit builds on the first");
    assert_eq!(reviews[0]["title"], "Specwright's agent wants to change 2 files.");

    assert_eq!(ws.read("src/a.ts"), "export const a = 3;\n");
    assert_eq!(ws.read("src/b.ts"), "export const b = 1;\n");
    let results: Vec<(String, bool)> = events(&client, &session)
        .await
        .into_iter()
        .filter(|e| e["kind"] == "toolResult")
        .map(|e| (e["output"].as_str().unwrap_or("").to_string(), e["ok"] == true))
        .collect();
    assert_eq!(results.len(), 3);
    assert!(results[0].1 && results[2].1, "{results:?}");
    assert!(!results[1].1 && results[1].0.contains("rejected the change to src/b.ts"), "{results:?}");
}

/// An editor that cannot ask (no `window/showMessageRequest`) gets no edit
/// in supervised mode, and the model and user are told why and what to do.
#[tokio::test]
async fn without_a_way_to_ask_a_supervised_edit_is_refused_with_the_way_out() {
    let ws = TempWorkspace::new("chat-cannot-ask");
    ws.write("src/a.ts", "export const a = 1;\n");
    let server = ScriptedServer::start(edit_script()).await.expect("server");
    let client = start(&ws, &server, false, None).await;
    let session = new_session(&client, false).await;
    client.request_ok("specwright/chat/send", json!({"session": session, "text": "Set a to 2"})).await;
    assert_eq!(ws.read("src/a.ts"), "export const a = 1;\n");
    let refused = events(&client, &session)
        .await
        .into_iter()
        .find(|e| e["kind"] == "toolResult" && e["name"] == "edit_file")
        .expect("edit result");
    assert_eq!(refused["ok"], false);
    assert!(
        refused["output"].as_str().is_some_and(|o| o.contains("cannot ask") && o.contains("autopilot")),
        "{refused}"
    );
}
