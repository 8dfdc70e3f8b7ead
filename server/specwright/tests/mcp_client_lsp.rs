//! MCP tools in an editor's chat turn (`specwright/chat/send`) against the
//! scripted model server and `@modelcontextprotocol/server-everything`
//! (installed by `scripts/setup-test-tools`), configured in the workspace's
//! `.kiro/settings/mcp.json`: an auto-approved tool runs without asking; one
//! that is not is asked with `window/showMessageRequest` and runs when the
//! user allows it.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

fn everything() -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = repo.join(".venv-test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup-test-tools (it installs @modelcontextprotocol/server-everything into \
         .venv-test/node)",
        path.display()
    );
    path.canonicalize().expect("canonical").display().to_string()
}

async fn turn_events(client: &Client, session: &str) -> Vec<Value> {
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
async fn a_chat_turn_calls_mcp_tools_and_asks_for_those_not_auto_approved() {
    let ws = TempWorkspace::new("mcp-chat");
    let config = json!({"mcpServers": {"everything": {
        "command": "node", "args": [everything(), "stdio"], "autoApprove": ["echo"],
    }}});
    ws.write(".kiro/settings/mcp.json", &config.to_string());
    let server = ScriptedServer::start(vec![
        Reply::tool_call("c1", "everything__echo", json!({"message": "from the editor"}).to_string()),
        Reply::tool_call("c2", "everything__get-sum", json!({"a": 20, "b": 22}).to_string()),
        Reply::chunks(["The sum is 42."]),
    ])
    .await
    .expect("server");
    let client = Client::in_process();
    client.set_message_answer(Some("Allow"));
    let options = json!({"specwright": {"model": {
        "provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()),
        "maxRetries": 0, "timeoutSeconds": 10
    }}});
    client.initialize_with_capabilities(&[&ws.root], options, true, json!({"window": {"showMessage": {}}})).await;
    // The workspace's servers are the repository's commands: they start once the folder is trusted.
    client.trust_hooks().await;
    let r = client.request_ok("specwright/chat/new", json!({"title": "MCP", "autopilot": false})).await;
    let session = r["session"].as_str().expect("session").to_string();
    let result = client.request_ok("specwright/chat/send", json!({"session": session, "text": "Add"})).await;
    assert_eq!(result["stopReason"], "endTurn", "{result}");

    let results: Vec<Value> =
        turn_events(&client, &session).await.into_iter().filter(|e| e["kind"] == "toolResult").collect();
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0]["name"], "everything__echo");
    assert_eq!(results[0]["ok"], true, "{}", results[0]);
    assert_eq!(results[0]["output"], "Echo: from the editor");
    assert_eq!(results[1]["name"], "everything__get-sum");
    assert_eq!(results[1]["ok"], true, "{}", results[1]);
    assert!(results[1]["output"].as_str().is_some_and(|o| o.contains("42")), "{}", results[1]);

    let asked = client.server_requests("window/showMessageRequest");
    assert_eq!(asked.len(), 1, "only the tool that is not auto-approved is asked: {asked:?}");
    let message = asked[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("`get-sum`") && message.contains("`everything`"), "{message}");
}

/// Until the folder is trusted, the workspace's MCP servers (the
/// repository's commands) are not started and their tools not offered.
#[tokio::test]
async fn an_untrusted_folder_offers_no_mcp_tools() {
    let ws = TempWorkspace::new("mcp-chat-untrusted");
    let config = json!({"mcpServers": {"everything": {"command": "node", "args": [everything(), "stdio"]}}});
    ws.write(".kiro/settings/mcp.json", &config.to_string());
    let server = ScriptedServer::start(vec![Reply::chunks(["Hello."])]).await.expect("server");
    let client = Client::in_process();
    let options = json!({"specwright": {"model": {
        "provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()),
        "maxRetries": 0, "timeoutSeconds": 10
    }}});
    client.initialize_with_capabilities(&[&ws.root], options, true, json!({"window": {"showMessage": {}}})).await;
    let r = client.request_ok("specwright/chat/new", json!({"title": "MCP"})).await;
    let session = r["session"].as_str().expect("session").to_string();
    client.request_ok("specwright/chat/send", json!({"session": session, "text": "Hi"})).await;
    let request = &server.requests()[0].raw_body;
    assert!(request.contains("read_file"), "the agent's own tools are offered");
    assert!(!request.contains("everything__"), "no MCP tool from an untrusted folder");
}
