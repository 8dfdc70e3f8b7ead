//! The real `specwright` binary over stdio: a whole editor session on the
//! demo spec, then `shutdown` + `exit`. The client's reader is strict, so
//! anything but LSP frames on the server's stdout fails these tests.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::*;

/// The process exits this soon after `exit`.
const EXIT_WITHIN: Duration = Duration::from_secs(5);

/// Ends the session and checks the process exits with 0 and its stdout held
/// nothing but whole, valid frames.
async fn shut_down(mut client: Client) {
    client.shutdown_and_exit().await;
    let status = client.wait_exit(EXIT_WITHIN).await;
    assert!(status.success(), "exit status {status:?}");
    client.wait_closed().await;
    assert!(client.protocol_errors().is_empty(), "stdout held non-LSP output: {:?}", client.protocol_errors());
    assert!(client.clean_eof(), "stdout ended inside a frame");
}

#[tokio::test]
async fn binary_serves_a_whole_session_over_stdio() {
    let ws = TempWorkspace::new("e2e");
    demo::write(&ws);
    let tasks = ws.uri(demo::TASKS_PATH);
    let requirements = ws.uri(demo::REQUIREMENTS_PATH);

    let client = Client::spawn_binary();
    let init = client.initialize(&ws.root).await;
    assert_eq!(init["serverInfo"]["name"], "specwright");
    assert_eq!(init["capabilities"]["codeLensProvider"]["resolveProvider"], false);

    // Diagnostics for the fixture.
    let diags = client.wait_diagnostics(&tasks, |_| true).await;
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "dangling-reference");
    let (line, col) = pos_of(demo::TASKS, "9.9");
    assert_eq!(range_tuple(&diags[0]["range"]), (line.into(), col.into(), line.into(), u64::from(col) + 3));
    let reqs = client.wait_diagnostics(&requirements, |_| true).await;
    assert_eq!(with_code(&reqs, "uncovered-criterion").len(), 2, "{reqs:#?}");
    assert_eq!(with_code(&reqs, "not-ears").len(), 1, "{reqs:#?}");
    client.wait_diagnostics(&ws.uri(demo::DESIGN_PATH), <[Value]>::is_empty).await;
    assert_eq!(client.server_requests("client/registerCapability").len(), 1, "file watchers registered");

    // Hover and definition on a cited id.
    let at = pos_in_line(demo::TASKS, "_Requirements: 2.1-2.2_", "2.1");
    let hover = client.request_ok("textDocument/hover", doc_pos(&tasks, at)).await;
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("SHALL end the session") && text.contains("SHALL record every expiry"), "{text}");
    let at = pos_in_line(demo::TASKS, "_Requirements: 1.1, 1.2_", "1.1");
    let def = client.request_ok("textDocument/definition", doc_pos(&tasks, at)).await;
    assert_eq!(def["uri"], requirements.as_str());
    assert_eq!(def["range"]["start"]["line"], line_of(demo::REQUIREMENTS, "1. WHEN the user submits"));

    // Code lenses.
    let lenses = client.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": requirements}})).await;
    let titles: Vec<&str> = lenses
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["command"]["title"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        titles,
        [
            "covered by 2 tasks · 1 criterion uncovered",
            "covered by 1 task",
            "not covered by any task",
            "Generate design from requirements",
            "Update tasks from requirements",
        ]
    );
    // The next steps sit at the top and run generation on the spec folder.
    let spec = json!([{"spec": ws.uri(demo::DIR)}]);
    let steps: Vec<(Value, Value, Value)> = lenses
        .as_array()
        .map(|a| {
            a[3..]
                .iter()
                .map(|l| (l["range"].clone(), l["command"]["command"].clone(), l["command"]["arguments"].clone()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        steps,
        [
            (range(0, 0, 0, 0), json!("specwright.spec.generateDesign"), spec.clone()),
            (range(0, 0, 0, 0), json!("specwright.spec.generateTasks"), spec),
        ]
    );

    // A status change: executeCommand → workspace/applyEdit (applied by this
    // client to its open copy) → the editor's didChange.
    client.did_open(&ws.path(demo::TASKS_PATH)).await;
    client.wait_version(&tasks, 1).await;
    let result = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.task.setStatus", "arguments": [{"uri": tasks, "taskId": "2", "status": "done"}]}),
        )
        .await;
    assert_eq!(result, json!({"applied": true}));
    let edits = client.server_requests("workspace/applyEdit");
    assert_eq!(edits.len(), 1);
    let change = &edits[0]["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"], json!({"uri": tasks, "version": 1}));
    let (line, col) = pos_of(demo::TASKS, "- [ ] 2. Implement");
    assert_eq!(change["edits"], json!([{"range": range(line, col + 3, line, col + 4), "newText": "x"}]));
    assert_eq!(client.text(&tasks).as_deref(), Some(demo::TASKS.replace("- [ ] 2.", "- [x] 2.").as_str()));
    let version = client.sync_doc(&tasks).await;
    client.wait_version(&tasks, version).await;
    let lenses = client.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": tasks}})).await;
    let task2 = lenses
        .as_array()
        .and_then(|a| a.iter().find(|l| l["command"]["arguments"][0]["taskId"] == "2"))
        .cloned()
        .unwrap_or_default();
    assert!(task2["command"]["title"].as_str().is_some_and(|t| t.starts_with("☑ done")), "{task2}");
    let specs = client.request_ok("specwright/specs", json!({})).await;
    assert_eq!(specs["specs"][0]["done"], 2);
    // The file on disk is untouched: the edit went to the editor's buffer.
    assert_eq!(ws.read(demo::TASKS_PATH), demo::TASKS);

    // A bad command is an error and the server goes on.
    let e = client
        .request_err(
            "workspace/executeCommand",
            json!({"command": "specwright.task.setStatus", "arguments": [{"uri": tasks, "taskId": "9", "status": "done"}]}),
        )
        .await;
    assert_eq!(e["code"], -32602);
    // So does an undecodable frame.
    client.send_raw_body("{not json").await;
    let hover = client.request_ok("textDocument/hover", doc_pos(&tasks, pos_of(demo::TASKS, "9.9"))).await;
    assert!(hover["contents"]["value"].as_str().is_some_and(|t| t.contains("does not exist")), "{hover}");

    shut_down(client).await;
}

#[tokio::test]
async fn every_way_of_asking_for_stdio_starts_a_server() {
    for args in [&["--stdio"][..], &["lsp"][..], &["lsp", "--stdio"][..]] {
        let ws = TempWorkspace::new("e2e-args");
        demo::write(&ws);
        let client = Client::spawn_binary_with(args);
        let init = client.initialize(&ws.root).await;
        assert_eq!(init["serverInfo"]["name"], "specwright", "specwright {args:?}");
        assert_eq!(init["capabilities"]["hoverProvider"], true, "specwright {args:?}");
        let diags = client.wait_diagnostics(&ws.uri(demo::TASKS_PATH), |_| true).await;
        assert_eq!(diags.len(), 1, "specwright {args:?}: {diags:#?}");
        shut_down(client).await;
    }
}

#[tokio::test]
async fn the_server_exits_when_its_input_closes() {
    // An editor that dies without `shutdown`: the server must not linger.
    let mut client = Client::spawn_binary();
    let init = client.request_ok("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
    assert_eq!(init.await["serverInfo"]["name"], "specwright");
    client.close_input().await;
    let status = client.wait_exit(EXIT_WITHIN).await;
    assert!(status.code().is_some(), "exited rather than killed: {status:?}");
    assert!(client.protocol_errors().is_empty(), "{:?}", client.protocol_errors());
}
