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

/// `specwright/mcp/status` lists each server with its state: a workspace's
/// server is `not trusted` (and never started) until the folder is trusted,
/// a disabled one stays `disabled`; with `start` and `resources` the
/// trusted server runs and lists its tools and resources. One of those
/// resources attached as `{kind: "mcp", server, uri}` reaches the model
/// with the message; an unknown server's resource becomes a note.
#[tokio::test]
async fn mcp_status_and_a_resource_attached_as_chat_context() {
    let ws = TempWorkspace::new("mcp-status");
    let config = json!({"mcpServers": {
        "everything": {"command": "node", "args": [everything(), "stdio"], "autoApprove": ["echo"]},
        "off": {"command": "node", "args": ["-e", "process.exit(0)"], "disabled": true},
    }});
    ws.write(".kiro/settings/mcp.json", &config.to_string());
    let server = ScriptedServer::start(vec![Reply::chunks(["Read it."])]).await.expect("server");
    let client = Client::in_process();
    let options = json!({"specwright": {"model": {
        "provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()),
        "maxRetries": 0, "timeoutSeconds": 10
    }}});
    client.initialize_with_capabilities(&[&ws.root], options, true, json!({"window": {"showMessage": {}}})).await;
    let by_name = |status: &Value, name: &str| -> Value {
        status["servers"].as_array().expect("servers").iter().find(|s| s["name"] == name).cloned().expect(name)
    };

    let before = client.request_ok("specwright/mcp/status", json!({"start": true})).await;
    let everything_before = by_name(&before, "everything");
    assert_eq!(everything_before["state"], "not trusted", "{before}");
    assert!(everything_before["reason"].as_str().is_some_and(|r| r.contains("trust the folder")), "{before}");
    assert!(everything_before.get("pid").is_none(), "never started: {before}");
    assert_eq!(everything_before["scope"], "workspace");
    assert!(everything_before["transport"].as_str().is_some_and(|t| t.starts_with("stdio: node ")), "{before}");
    assert_eq!(everything_before["autoApprove"], json!(["echo"]));
    assert_eq!(by_name(&before, "off")["state"], "disabled");

    client.trust_hooks().await;
    let plain = client.request_ok("specwright/mcp/status", json!({})).await;
    assert_eq!(by_name(&plain, "everything")["state"], "stopped", "servers start lazily: {plain}");
    let after = client.request_ok("specwright/mcp/status", json!({"start": true, "resources": true})).await;
    let running = by_name(&after, "everything");
    assert_eq!(running["state"], "running", "{after}");
    assert!(running["pid"].as_u64().is_some(), "{after}");
    let tools: Vec<&str> = running["tools"].as_array().expect("tools").iter().filter_map(Value::as_str).collect();
    assert!(tools.contains(&"echo") && tools.contains(&"get-sum"), "{tools:?}");
    let resource = running["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["uri"].as_str().is_some_and(|u| u.starts_with("demo://resource/static/document/")))
        .cloned()
        .expect("a static document resource");
    let uri = resource["uri"].as_str().expect("uri").to_string();
    assert_eq!(by_name(&after, "off")["state"], "disabled");
    assert!(client.request("specwright/mcp/status", json!({"begin": true})).await.is_err(), "unknown params");

    let r = client.request_ok("specwright/chat/new", json!({"title": "MCP context"})).await;
    let session = r["session"].as_str().expect("session").to_string();
    let context = json!([
        {"kind": "mcp", "server": "everything", "uri": uri},
        {"kind": "mcp", "server": "nope", "uri": "x://y"},
        {"kind": "mcp", "uri": "x://no-server"},
    ]);
    let result = client
        .request_ok("specwright/chat/send", json!({"session": session, "text": "Summarise it", "context": context}))
        .await;
    assert_eq!(result["stopReason"], "endTurn", "{result}");
    let request = &server.requests()[0].raw_body;
    assert!(request.contains(&format!("Attached MCP resource `{uri}` of the server `everything`")), "{request}");
    assert!(request.contains("MCP resource `x://y` of the server `nope` was not attached"), "{request}");
    assert!(request.contains("needs both `server` and `uri`"), "{request}");
}
