//! `.kiro/settings/mcp.json` in the editor: diagnostics at start-up, live
//! on change (before any save), and from disk again when closed.

mod support;

use serde_json::json;
use support::*;

/// Line 2 (0-based): `autoAprove`, a misspelt key, at columns 42..54.
const BROKEN: &str = r#"{
  "mcpServers": {
    "docs": { "url": "https://x.example", "autoAprove": ["search"] }
  }
}
"#;

#[tokio::test]
async fn mcp_configuration_diagnostics_are_published_and_follow_edits() {
    let ws = TempWorkspace::new("mcp-lsp");
    let path = ws.write(".kiro/settings/mcp.json", BROKEN);
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let uri = ws.uri(".kiro/settings/mcp.json");

    // At start-up: the misspelt key, a warning on the key.
    let diags = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "mcp-unknown-key");
    assert_eq!(diags[0]["severity"], 2, "a warning");
    assert_eq!(diags[0]["source"], "specwright");
    assert!(diags[0]["message"].as_str().unwrap().contains("did you mean `autoApprove`?"), "{diags:#?}");
    assert_eq!(range_tuple(&diags[0]["range"]), (2, 42, 2, 54), "the key `\"autoAprove\"`: {diags:#?}");

    // Fixed in the editor: cleared at once; broken JSON: an error at the character.
    client.did_open(&path).await;
    client.did_change_range(&uri, range(2, 42, 2, 54), "\"autoApprove\"").await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;
    client.did_change_range(&uri, range(2, 12, 2, 13), "").await;
    let bad = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(bad[0]["code"], "mcp-invalid-json", "{bad:#?}");
    assert_eq!(bad[0]["severity"], 1);

    // Closed unsaved: the disk's text is the truth again.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    let from_disk = client.wait_diagnostics(&uri, |d| d.first().is_some_and(|x| x["code"] == "mcp-unknown-key")).await;
    assert_eq!(from_disk.len(), 1);

    // Changed on disk (a watched-file event), then deleted: cleared.
    ws.write(".kiro/settings/mcp.json", r#"{"mcpServers": {"docs": {"url": "https://x.example"}}}"#);
    client.did_change_watched(&[(&uri, 2)]).await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;
    ws.write(".kiro/settings/mcp.json", r#"{"mcpServers": {"docs": {"url": "ftp://x"}}}"#);
    client.did_change_watched(&[(&uri, 2)]).await;
    let url = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(url[0]["code"], "mcp-bad-url");
    std::fs::remove_file(&path).unwrap();
    client.did_change_watched(&[(&uri, 3)]).await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;
}

/// The user's own `~/.kiro/settings/mcp.json`, outside every workspace
/// folder, is checked while it is open in the editor (as a user-level file),
/// and its diagnostics are cleared when it is closed.
#[tokio::test]
async fn the_users_own_mcp_json_is_checked_while_open() {
    let ws = TempWorkspace::new("mcp-lsp-user");
    let home = ws.root.with_extension("home");
    let path = home.join(".kiro/settings/mcp.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, BROKEN).unwrap();
    let client = Client::spawn_binary_with_env(&["lsp", "--stdio"], &[("HOME", home.as_path())]);
    client.initialize(&ws.root).await;
    let uri = client.did_open(&path).await;
    let diags = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "mcp-unknown-key");
    assert_eq!(range_tuple(&diags[0]["range"]), (2, 42, 2, 54), "{diags:#?}");
    client.did_change_range(&uri, range(2, 42, 2, 54), "\"autoApprove\"").await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;
    client.did_change_range(&uri, range(2, 42, 2, 55), "\"autoAprove\"").await;
    client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;
    let _ = std::fs::remove_dir_all(&home);
}
