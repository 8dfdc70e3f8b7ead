//! Chat end to end through the real binary over stdio: a turn that reads
//! and edits a file (on autopilot) against the scripted model server,
//! streamed as `specwright/chat/event`, the edit arriving as
//! `workspace/applyEdit`.

mod support;

use serde_json::json;
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

#[tokio::test]
async fn a_chat_turn_through_the_binary() {
    let ws = TempWorkspace::new("chat-stdio");
    ws.write("notes.md", "# Notes\n\nTODO: write them\n");
    let server = ScriptedServer::start(vec![
        Reply::tool_call("c1", "read_file", json!({"path": "notes.md"}).to_string()),
        Reply::tool_call(
            "c2",
            "edit_file",
            json!({"path": "notes.md", "old_str": "TODO: write them", "new_str": "Written."}).to_string(),
        ),
        Reply::text("Done."),
    ])
    .await
    .expect("server");
    let client = Client::spawn_binary();
    let options = json!({"specwright": {"model": {
        "provider": "anthropic", "model": "test-model", "baseUrl": server.base_url(), "maxRetries": 0
    }}});
    client.initialize_with(&[&ws.root], options, true).await;
    let session = client.request_ok("specwright/chat/new", json!({"autopilot": true})).await["session"]
        .as_str()
        .expect("session")
        .to_string();
    let result =
        client.request_ok("specwright/chat/send", json!({"session": session, "text": "Finish the notes"})).await;
    assert_eq!(result["stopReason"], "endTurn", "{result}");
    assert_eq!(result["text"], "Done.");
    assert_eq!(ws.read("notes.md"), "# Notes\n\nWritten.\n");
    assert_eq!(client.server_requests("workspace/applyEdit").len(), 1);
    // Notifications and the reply travel separately: wait for the turn's last event.
    client
        .wait_until("the done event", |inbox| {
            inbox.notifications.iter().any(|(m, p)| m == "specwright/chat/event" && p["kind"] == "done").then_some(())
        })
        .await;
    let kinds: Vec<String> = client
        .notifications("specwright/chat/event")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(kinds.last().map(String::as_str), Some("done"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "toolResult").count(), 2, "{kinds:?}");
    client.shutdown_and_exit().await;
}
