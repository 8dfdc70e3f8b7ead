//! The agent's hooks in the editor, end to end against the scripted model
//! server: a trusted `promptSubmit` hook adds its command's output to the
//! chat message, an `agentStop` hook runs after the turn, and a `fileEdited`
//! askAgent hook ("update the README when a route file is saved") runs the
//! agent with tools, its edit reaching the editor through
//! `workspace/applyEdit`.

mod support;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

fn options(server: &ScriptedServer, mode: &str) -> Value {
    json!({"specwright": {
        "model": {
            "provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()),
            "maxRetries": 0, "timeoutSeconds": 10
        },
        "agent": {"mode": mode},
        "hooks": {"debounceMs": 50}
    }})
}

fn hook(name: &str, when: Value, then: Value) -> String {
    serde_json::to_string_pretty(&json!({"name": name, "version": "1", "when": when, "then": then})).unwrap()
}

#[tokio::test]
async fn prompt_submit_output_reaches_the_model_and_agent_stop_runs_after_the_turn() {
    let ws = TempWorkspace::new("agent-hooks-prompt");
    ws.write(
        ".kiro/hooks/context.kiro.hook",
        &hook(
            "Branch context",
            json!({"type": "promptSubmit"}),
            json!({"type": "runCommand", "command": "echo \"asked: $USER_PROMPT\""}),
        ),
    );
    ws.write(
        ".kiro/hooks/stop.kiro.hook",
        &hook(
            "After the agent",
            json!({"type": "agentStop"}),
            json!({"type": "runCommand", "command": "echo stopped"}),
        ),
    );
    let server = ScriptedServer::start(vec![Reply::text("Noted.")]).await.expect("server");
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], options(&server, "supervised"), true).await;
    client.trust_hooks().await;
    let session = client.request_ok("specwright/chat/new", json!({})).await["session"].as_str().unwrap().to_string();
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "plan it"})).await;
    assert_eq!(result["stopReason"], "endTurn", "{result}");
    let body = server.requests()[0].raw_body.clone();
    assert!(body.contains("Output of the hook 'Branch context'") && body.contains("asked: plan it"), "{body}");
    let stop = client
        .wait_until("the agentStop hook's result", |inbox| {
            inbox
                .notifications
                .iter()
                .find(|(m, p)| m == "specwright/hookResult" && p["name"] == "After the agent")
                .map(|(_, p)| p.clone())
        })
        .await;
    assert_eq!((&stop["ok"], &stop["trigger"]), (&json!(true), &json!("agentStop")), "{stop}");
}

#[tokio::test]
async fn a_saved_route_file_has_the_agent_update_the_readme_through_the_editor() {
    let ws = TempWorkspace::new("agent-hooks-readme");
    ws.write(
        ".kiro/hooks/docs.kiro.hook",
        &hook(
            "Update docs",
            json!({"type": "fileEdited", "patterns": ["src/routes/**/*.ts"]}),
            json!({"type": "askAgent", "prompt": "Update the README's route list for the saved route file."}),
        ),
    );
    ws.write("README.md", "# API\n\nRoutes:\n");
    let route = ws.write("src/routes/users.ts", "export const route = '/users';\n");
    let server = ScriptedServer::start(vec![
        Reply::tool_call("c1", "read_file", json!({"path": "README.md"}).to_string()),
        Reply::tool_call(
            "c2",
            "edit_file",
            json!({"path": "README.md", "old_str": "Routes:\n", "new_str": "Routes:\n- /users\n"}).to_string(),
        ),
        Reply::text("Listed /users in the README."),
    ])
    .await
    .expect("server");
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], options(&server, "autopilot"), true).await;
    client.trust_hooks().await;
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri(&route)}})).await;
    let result = client
        .wait_until("the hook's result", |inbox| {
            inbox
                .notifications
                .iter()
                .find(|(m, p)| m == "specwright/hookResult" && p["name"] == "Update docs")
                .map(|(_, p)| p.clone())
        })
        .await;
    assert_eq!(result["ok"], true, "{result}");
    assert!(result["output"].as_str().is_some_and(|o| o.contains("✓ edit_file")), "{result}");
    assert_eq!(ws.read("README.md"), "# API\n\nRoutes:\n- /users\n");
    let edits = client.server_requests("workspace/applyEdit");
    assert_eq!(edits.len(), 1, "the edit went through the editor: {edits:?}");
    let body = server.requests()[0].raw_body.clone();
    assert!(body.contains("src/routes/users.ts") && body.contains("route list"), "{body}");
}
