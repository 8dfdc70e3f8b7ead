//! Hook files (`.kiro/hooks/`) in the editor: diagnostics at start-up, live
//! on change, and refreshed from disk.

mod support;

use serde_json::json;
use support::*;

/// Line 4 (0-based): `when.type` names no trigger, at columns 12..23.
const BROKEN: &str = r#"{
  "name": "Lint",
  "version": "1",
  "when": {
    "type": "fileEditd",
    "patterns": ["src/**/*.ts"]
  },
  "then": {
    "type": "askAgent",
    "prompt": "Lint the file."
  }
}
"#;

#[tokio::test]
async fn hook_diagnostics_are_published_and_follow_edits() {
    let ws = TempWorkspace::new("hooks-lsp");
    let path = ws.write(".kiro/hooks/lint.kiro.hook", BROKEN);
    ws.write(".kiro/hooks/ok.kiro.hook", &BROKEN.replace("fileEditd", "fileEdited"));
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let uri = ws.uri(".kiro/hooks/lint.kiro.hook");

    // At start-up: the unknown trigger, on the value.
    let diags = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "hook-unknown-trigger");
    assert_eq!(diags[0]["severity"], 1, "an error");
    assert_eq!(diags[0]["source"], "specwright");
    assert_eq!(range_tuple(&diags[0]["range"]), (4, 12, 4, 23), "the value `\"fileEditd\"`: {diags:#?}");
    let clean = client.wait_diagnostics(&ws.uri(".kiro/hooks/ok.kiro.hook"), |_| true).await;
    assert!(clean.is_empty(), "{clean:#?}");

    // Fixing the trigger in the editor clears it at once, before any save.
    client.did_open(&path).await;
    client.did_change_range(&uri, range(4, 12, 4, 23), "\"fileEdited\"").await;
    let after = client.wait_diagnostics(&uri, |d| d.is_empty()).await;
    assert!(after.is_empty());

    // Closed unsaved: the disk's broken text is the truth again.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    let from_disk = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(from_disk[0]["code"], "hook-unknown-trigger");

    // Fixed on disk (a watched-file event): cleared; deleted: cleared too.
    ws.write(".kiro/hooks/lint.kiro.hook", &BROKEN.replace("fileEditd", "fileEdited"));
    client.did_change_watched(&[(&uri, 2)]).await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;
    let ok = ws.uri(".kiro/hooks/ok.kiro.hook");
    ws.write(".kiro/hooks/bad.json", "{\"version\": \"v2\", \"hooks\": []}\n");
    client.did_change_watched(&[(&ws.uri(".kiro/hooks/bad.json"), 1)]).await;
    let bad = client.wait_diagnostics(&ws.uri(".kiro/hooks/bad.json"), |d| !d.is_empty()).await;
    assert_eq!(bad[0]["code"], "hook-unknown-format", "{bad:#?}");
    std::fs::remove_file(ws.path(".kiro/hooks/bad.json")).unwrap();
    client.did_change_watched(&[(&ws.uri(".kiro/hooks/bad.json"), 3)]).await;
    client.wait_diagnostics(&ws.uri(".kiro/hooks/bad.json"), |d| d.is_empty()).await;
    assert!(client.wait_diagnostics(&ok, |_| true).await.is_empty());
}
