//! Chat for any LSP editor, through a document: the code action "Ask
//! Specwright…" writes `.kiro/chat/<session>.md` (quoting the selection) and
//! shows it; a question written under `## You` and saved is answered in the
//! document, through `workspace/applyEdit`, with the tool calls listed.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

fn options(server: &ScriptedServer) -> Value {
    json!({"specwright": {"model": {
        "provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()),
        "maxRetries": 0, "timeoutSeconds": 10
    }}})
}

/// The "Ask Specwright…" action offered for `uri` at lines `from..=to`.
async fn ask_action(client: &Client, uri: &str, from: u32, to: u32) -> Value {
    let actions = client
        .request_ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(from, 0, to, 5), "context": {"diagnostics": []}}),
        )
        .await;
    actions
        .as_array()
        .and_then(|a| a.iter().find(|a| a["title"] == "Ask Specwright…").cloned())
        .unwrap_or_else(|| panic!("no Ask Specwright… action in {actions}"))
}

#[tokio::test]
async fn a_question_saved_in_the_chat_document_is_answered_in_it() {
    let ws = TempWorkspace::new("chat-document");
    ws.write("src/a.ts", "export const a = 1;\nexport const b = 2;\nexport const c = 3;\n");
    let server = ScriptedServer::start(vec![
        Reply::tool_call("c1", "read_file", json!({"path": "src/a.ts"}).to_string()),
        Reply::chunks(["`a` is ", "exported as 1."]),
    ])
    .await
    .expect("server");
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], options(&server), true).await;

    let action = ask_action(&client, &ws.uri("src/a.ts"), 0, 1).await;
    assert_eq!(action["kind"], "source.askSpecwright", "{action}");
    let command = &action["command"];
    let opened = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
        .await;
    let session = opened["session"].as_str().expect("session").to_string();
    let doc_rel = format!(".kiro/chat/{session}.md");
    assert_eq!(opened["uri"], ws.uri(&doc_rel));
    let text = ws.read(&doc_rel);
    assert!(text.contains(&format!("session={session}")), "{text}");
    assert!(
        text.contains("About `src/a.ts` lines 1–2:\n```ts\nexport const a = 1;\nexport const b = 2;\n```"),
        "{text}"
    );
    assert!(!text.contains("export const c"), "only the selected lines are quoted: {text}");
    let shown = client.server_requests("window/showDocument");
    assert_eq!(shown.last().map(|s| s["uri"].clone()), Some(json!(ws.uri(&doc_rel))), "{shown:?}");
    assert!(server.requests().is_empty(), "nothing is sent before the user saves a question");

    // The user writes under `## You` and saves.
    let doc = client.did_open(&ws.path(&doc_rel)).await;
    let end = text.lines().count() as u32;
    client.did_change_range(&doc, range(end, 0, end, 0), "What is a?\n").await;
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": doc}})).await;
    let answered = client
        .wait_until("the answer in the document", |inbox| {
            inbox.docs.get(&doc).map(|d| d.text.clone()).filter(|t| t.contains("## Specwright"))
        })
        .await;
    assert!(answered.contains("What is a?\n\n## Specwright\n\n> ✓ read_file"), "{answered}");
    assert!(answered.ends_with("\n\n`a` is exported as 1.\n\n## You\n\n"), "{answered}");
    let asked = server.requests();
    let first = asked.first().expect("a model request").raw_body.clone();
    assert!(
        first.contains("What is a?") && first.contains("export const b = 2;"),
        "the question and the quote: {first}"
    );

    // Saving again without a new question sends nothing.
    client.sync_doc(&doc).await;
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": doc}})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests().len(), 2, "no request after a save without a question");
    let history = client.request_ok("specwright/chat/history", json!({"session": session})).await;
    assert_eq!(history["messages"].as_array().map(Vec::len), Some(4), "question, call, result, answer: {history}");
}

#[tokio::test]
async fn chat_documents_themselves_offer_no_ask_action_and_outside_files_are_refused() {
    let ws = TempWorkspace::new("chat-document-refuse");
    ws.write(".kiro/chat/s1.md", "# Chat\n");
    let server = ScriptedServer::start(vec![]).await.expect("server");
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], options(&server), true).await;
    let actions = client
        .request_ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": ws.uri(".kiro/chat/s1.md")}, "range": range(0, 0, 0, 0), "context": {"diagnostics": []}}),
        )
        .await;
    assert!(!actions.to_string().contains("Ask Specwright"), "{actions}");
    let outside = std::env::temp_dir().join("specwright-outside-chat.ts");
    std::fs::write(&outside, "x").expect("write");
    let err = client
        .request_err(
            "workspace/executeCommand",
            json!({"command": "specwright.chat.openDocument", "arguments": [{"uri": uri(&outside)}]}),
        )
        .await;
    assert_eq!(err["code"], -32602, "{err}");
    assert!(!ws.path(".kiro/chat").read_dir().expect("dir").any(|e| e.is_ok_and(|e| e.file_name() != "s1.md")));
}
