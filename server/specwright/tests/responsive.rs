//! The server stays responsive (issue 11): the analyzers run once a burst
//! of changes ends and only for its last version, skip files over
//! `specwright.analyzers.maxFileBytes`, never publish for a closed document,
//! and a workspace folder added while documents are open is read off the
//! request path.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::*;

const AWS_KEY: &str = "AKIAZ3MHQ7RT4KXW2PLE";

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}

/// `(version, codes)` of every publish for `uri`.
fn publishes(client: &Client, uri: &str) -> Vec<(Option<i64>, Vec<String>)> {
    client
        .inbox_diagnostics(uri)
        .iter()
        .map(|p| (p["version"].as_i64(), codes(p["diagnostics"].as_array().map_or(&[][..], Vec::as_slice))))
        .collect()
}

#[tokio::test]
async fn a_burst_of_changes_is_analyzed_once_for_its_last_version() {
    let ws = TempWorkspace::new("responsive-burst");
    let text = format!("const key = \"{AWS_KEY}\";\n// notes\nexport const n = 1;\n");
    let path = ws.write("src/key.ts", &text);
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    let uri = client.did_open(&path).await;
    client.wait_version(&uri, 1).await;
    let opened = client.publish_count(&uri);

    let mut version = 1;
    for i in 0..20 {
        version = client.did_change_range(&uri, range(1, 8 + i, 1, 8 + i), "x").await;
    }
    assert_eq!(version, 21);
    let last = client.wait_version(&uri, 21).await;
    assert_eq!(codes(last["diagnostics"].as_array().unwrap()), ["secret-aws-access-key-id"], "{last:#?}");
    // Nothing is published after the last version's analysis, and what came
    // before it (a slow machine may split the burst) was at most one more.
    let after_open = &publishes(&client, &uri)[opened..];
    assert!(after_open.len() <= 2, "the burst was analyzed {} times: {after_open:?}", after_open.len());
    assert_eq!(after_open.last().map(|p| p.0), Some(Some(21)));
}

#[tokio::test]
async fn a_file_over_the_size_bound_gets_only_a_hint_that_it_was_skipped() {
    let ws = TempWorkspace::new("responsive-bound");
    let small = format!("const key = \"{AWS_KEY}\";\n");
    let big = format!("{small}{}", "// filler line of a large generated file\n".repeat(100));
    assert!(big.len() > 2000 && small.len() < 2000);
    let path = ws.write("src/big.ts", &big);
    let client = Client::in_process();
    let options = json!({"specwright": {"analyzers": {"maxFileBytes": 2000}}});
    client.initialize_with(&[&ws.root], options, true).await;
    let uri = client.did_open(&path).await;
    let opened = client.wait_version(&uri, 1).await;
    let diags = opened["diagnostics"].as_array().unwrap();
    assert_eq!(codes(diags), ["analyzers-skipped"], "no secret or smell is reported: {diags:#?}");
    assert_eq!(diags[0]["severity"], 4, "a hint");
    let message = diags[0]["message"].as_str().unwrap();
    assert!(message.contains("specwright.analyzers.maxFileBytes (2000)"), "{message}");

    // Under the bound: analyzed again.
    let lines = u32::try_from(big.lines().count()).unwrap();
    let v = client.did_change_range(&uri, range(1, 0, lines, 0), "").await;
    let now = client.wait_version(&uri, v).await;
    assert_eq!(codes(now["diagnostics"].as_array().unwrap()), ["secret-aws-access-key-id"]);

    // Over it again: the secret's diagnostic is replaced by the hint.
    let v = client.did_change_range(&uri, range(1, 0, 1, 0), &big[small.len()..]).await;
    let now = client.wait_version(&uri, v).await;
    assert_eq!(codes(now["diagnostics"].as_array().unwrap()), ["analyzers-skipped"]);
}

#[tokio::test]
async fn a_document_closed_while_its_analysis_is_pending_stays_clear() {
    let ws = TempWorkspace::new("responsive-close");
    let path = ws.write("src/key.ts", &format!("const key = \"{AWS_KEY}\";\n"));
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    let uri = client.did_open(&path).await;
    client.wait_version(&uri, 1).await;
    client.did_change_range(&uri, range(0, 0, 0, 0), "// a comment\n").await;
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    client.wait_diagnostics(&uri, <[Value]>::is_empty).await;
    // Past the debounce: the pending analysis of version 2 never publishes.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let all = publishes(&client, &uri);
    assert_eq!(all.last(), Some(&(None, Vec::new())), "{all:?}");
    assert!(all.iter().all(|(v, _)| *v != Some(2)), "{all:?}");
}

#[tokio::test]
async fn a_folder_added_later_is_read_off_the_request_path() {
    let first = TempWorkspace::new("responsive-first");
    demo::write(&first);
    let added = TempWorkspace::new("responsive-added");
    added.write(".kiro/specs/other/requirements.md", demo::REQUIREMENTS);
    added.write(".kiro/specs/other/tasks.md", "# Implementation Plan\n\n- [ ] 1. Do it\n  - _Requirements: 9.9_\n");
    added.write("AGENTS.md", "# Agents\n\nBe brief.\n");
    let client = Client::in_process();
    client.initialize_with(&[&first.root], Value::Null, true).await;
    let tasks = client.did_open(&first.path(demo::TASKS_PATH)).await;

    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [{"uri": uri(&added.root), "name": "added"}], "removed": []}}),
        )
        .await;
    // Requests are answered meanwhile, and the folder's spec is published.
    let at = pos_of(demo::TASKS, "1.1, 1.2");
    let hover = client.request_ok("textDocument/hover", doc_pos(&tasks, at)).await;
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("SHALL")), "{hover}");
    let other = added.uri(".kiro/specs/other/tasks.md");
    client.wait_diagnostics(&other, |d| !d.is_empty()).await;
    let specs = client.request_ok("specwright/specs", json!({"root": uri(&added.root)})).await;
    assert_eq!(specs["specs"][0]["name"], "other", "{specs}");
}
